import { join } from 'node:path';
import { SourceRegistry } from '../diagnostics/sources.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../model/load.js';
import type { MeshModel } from '../model/types.js';
import { issueClientCertificate } from '../pki/client.js';
import { guardKeyPaths, initPki, type PkiWriteOptions } from '../pki/init.js';
import type { RsaBits } from '../pki/keys.js';
import { SECRETS_DIR } from '../pki/layout.js';
import { generatedTrees, resolvePkiDir } from '../pki/profile.js';
import { confirmRotation, rotateIntermediate } from '../pki/rotate.js';
import { collectSecrets, renderClusterManifests, renderClusterScript, type ClusterSecrets } from '../pki/secrets.js';
import { fileExists, KEY_FILE_MODE, writeFileAtomic } from '../pki/store.js';
import { verifyPki } from '../pki/verify.js';
import { buildReport, displayPath } from '../report/resolve.js';
import type { Report } from '../report/types.js';
import { usageError } from '../core/errors.js';
import { resolveFrom, type AppContext } from './context.js';
import type { ServiceResult } from './result.js';

/**
 * The services behind `meshforge certs`: each loads the config, resolves the PKI folder from the caller's working
 * folder and runs one PKI operation. PKI failures are thrown as PkiError (a MeshforgeError with a kind).
 */

/** What every certs subcommand takes. */
export interface CertsOptions {
  /** The mesh config, relative to `context.cwd` (default mesh.config.yaml). */
  readonly configFile?: string;
  /** The PKI folder, relative to `context.cwd`; mesh.ca.pkiDir next to the config when omitted. */
  readonly pkiDir?: string;
}

/** Knobs for what is issued (tests pass a fixed clock and 2048-bit CA keys to stay fast). */
export interface CertsIssueOptions {
  readonly now?: Date;
  readonly caKeyBits?: RsaBits;
}

/**
 * The config did not load: the report holds its problems and nothing was done. `configProblem` is the one-line
 * reason (with a hint) the CLI prints on stderr after the report.
 */
export interface CertsInvalidConfig extends ServiceResult {
  readonly status: 'invalid-input';
  readonly report: Report;
  readonly configProblem: { readonly message: string; readonly hint: string };
}

export interface CertsInitResult extends ServiceResult {
  readonly status: 'ok';
  readonly pkiDir: string;
  readonly created: readonly string[];
  readonly kept: readonly string[];
}

export interface CertsClientOptions extends CertsOptions, CertsIssueOptions {
  /** Client name: the certificate's CN and its folder's name. */
  readonly name: string;
  /** Validity in days; mesh.ca.ingress.days when omitted. */
  readonly days?: number;
}

export interface CertsClientResult extends ServiceResult {
  readonly status: 'ok';
  readonly pkiDir: string;
  readonly created: readonly string[];
  readonly kept: readonly string[];
}

export interface CertsSecretsOptions extends CertsOptions {
  /** Only this cluster. */
  readonly cluster?: string;
  /** Write the files instead of printing them: into this folder (relative to `context.cwd`), or `true` for <pki>/secrets. */
  readonly out?: string | true;
  /** Print the kubectl commands as a shell script instead of the manifests. */
  readonly commands?: boolean;
}

export interface CertsSecretsResult extends ServiceResult {
  readonly status: 'ok';
  readonly pkiDir: string;
  readonly clusters: readonly ClusterSecrets[];
  /** The files written with `out`, manifests and scripts; empty when printing. */
  readonly written: readonly string[];
}

export interface CertsVerifyOptions extends CertsOptions {
  /** The moment validity is checked at (default: now). */
  readonly at?: Date;
  /** Warn about certificates expiring within this many days (default: mesh.ca.expiryWarningDays). */
  readonly warningDays?: number;
}

export interface CertsVerifyResult extends ServiceResult {
  readonly status: 'ok' | 'findings';
  readonly report: Report;
  readonly pkiDir: string;
  readonly diagnostics: readonly Diagnostic[];
}

export interface CertsRotateOptions extends CertsOptions, CertsIssueOptions {
  readonly cluster: string;
  /** Finish a rotation: delete the previous intermediate. */
  readonly confirm?: boolean;
}

export interface CertsRotateResult extends ServiceResult {
  readonly status: 'ok';
  readonly pkiDir: string;
  readonly action: 'rotated' | 'confirmed';
  /** The new files (rotated), none when confirmed. */
  readonly created: readonly string[];
  /** Where the previous intermediate waits (rotated), or the folder removed (confirmed). */
  readonly previousDir: string;
}

interface Loaded {
  readonly model: MeshModel;
  readonly pkiDir: string;
  /** A path as the user should read it: relative to the caller's folder when inside it. */
  readonly show: (path: string) => string;
  readonly writeOptions: PkiWriteOptions;
}

/** Loads the config like `validate` and resolves the PKI folder; an invalid config ends the run with its report. */
function load(command: string, options: CertsOptions, issue: CertsIssueOptions, context: AppContext): Loaded | CertsInvalidConfig {
  const configFile = options.configFile ?? DEFAULT_CONFIG_FILE;
  const sources = new SourceRegistry();
  const loaded = loadConfigFile(resolveFrom(context, configFile), sources);
  if (!loaded.ok) {
    return {
      status: 'invalid-input',
      report: buildReport(command, loaded.diagnostics, sources, 0, context.cwd),
      statusText: '',
      configProblem: { message: `${configFile} is not valid; nothing was written`, hint: 'Fix the problems above (meshforge validate shows them too).' },
    };
  }
  const model = loaded.value.model;
  const show = (path: string) => displayPath(path, context.cwd);
  return {
    model,
    pkiDir: resolvePkiDir(model, context.cwd, options.pkiDir),
    show,
    writeOptions: { generatedTrees: generatedTrees(model, context.cwd), env: context.env, ...(issue.now ? { now: issue.now } : {}), ...(issue.caKeyBits ? { caKeyBits: issue.caKeyBits } : {}) },
  };
}

function listed(show: (path: string) => string, verb: string, files: readonly string[]): string {
  return files.map((file) => `  ${verb} ${show(file)}\n`).join('');
}

/** `certs init`: the root, every cluster's intermediate, the ingress CA and server certificates; keeps what exists. */
export async function runCertsInit(options: CertsOptions & CertsIssueOptions, context: AppContext): Promise<CertsInitResult | CertsInvalidConfig> {
  const loaded = load('certs', options, options, context);
  if ('status' in loaded) return loaded;
  const { model, pkiDir, show } = loaded;
  const result = await initPki(model, pkiDir, loaded.writeOptions);
  const statusText =
    `PKI folder ${show(pkiDir)}: ${result.created.length} files created, ${result.kept.length} kept\n` +
    listed(show, 'created', result.created) +
    (result.created.length > 0 ? 'Next: meshforge certs verify, then meshforge certs secrets to deliver them (docs/pki.md).\n' : '');
  return { status: 'ok', statusText, pkiDir, created: result.created, kept: result.kept };
}

/** `certs client NAME`: a client certificate for MUTUAL ingress gateways; an existing one is kept. */
export async function runCertsClient(options: CertsClientOptions, context: AppContext): Promise<CertsClientResult | CertsInvalidConfig> {
  const loaded = load('certs', options, options, context);
  if ('status' in loaded) return loaded;
  const { model, pkiDir, show } = loaded;
  const result = await issueClientCertificate(model, pkiDir, options.name, { ...loaded.writeOptions, ...(options.days !== undefined ? { days: options.days } : {}) });
  const issued = result.created.length > 0;
  const statusText = (issued ? `client ${options.name} issued:\n` : `client ${options.name} already exists; kept. Delete its folder to reissue it.\n`) + listed(show, issued ? 'created' : 'kept', issued ? result.created : result.kept);
  return { status: 'ok', statusText, pkiDir, created: result.created, kept: result.kept };
}

/** `certs secrets`: the Secret manifests (or kubectl commands) that deliver the keys, printed or written. */
export async function runCertsSecrets(options: CertsSecretsOptions, context: AppContext): Promise<CertsSecretsResult | CertsInvalidConfig> {
  const loaded = load('certs', options, {}, context);
  if ('status' in loaded) return loaded;
  const { model, pkiDir, show } = loaded;
  const clusters = collectSecrets(model, pkiDir, options.cluster);
  if (options.out === undefined) {
    const statusText = clusters.map((cluster) => (options.commands ? renderClusterScript(cluster, show) : renderClusterManifests(cluster, show))).join('');
    return { status: 'ok', statusText, pkiDir, clusters, written: [] };
  }
  const out = options.out === true ? join(pkiDir, SECRETS_DIR) : resolveFrom(context, options.out);
  const files = clusters.map((c) => ({ cluster: c, manifest: join(out, c.cluster, 'secrets.yaml'), script: join(out, c.cluster, 'create-secrets.sh') }));
  await guardKeyPaths(files.map((f) => f.manifest), loaded.writeOptions);
  for (const f of files) {
    writeFileAtomic(f.manifest, renderClusterManifests(f.cluster, show), KEY_FILE_MODE);
    writeFileAtomic(f.script, renderClusterScript(f.cluster, show), 0o700);
  }
  const written = files.flatMap((f) => [f.manifest, f.script]);
  const statusText = `Secrets written to ${show(out)} (they hold private keys: apply them, never commit them):\n${listed(show, 'wrote', written)}`;
  return { status: 'ok', statusText, pkiDir, clusters, written };
}

/** `certs verify`: one root, valid chains, matching keys, Istio's profile, expiry. Reads only. */
export async function runCertsVerify(options: CertsVerifyOptions, context: AppContext): Promise<CertsVerifyResult | CertsInvalidConfig> {
  const loaded = load('certs', options, {}, context);
  if ('status' in loaded) return loaded;
  const { model, pkiDir, show } = loaded;
  if (!fileExists(pkiDir)) throw usageError(`there is no PKI folder at ${show(pkiDir)}`, 'Create it with `meshforge certs init`, or pass --pki.');
  // Files are read from the absolute folder; findings name them as the user reads them (relative to the caller).
  const diagnostics = verifyPki(model, show(pkiDir), { now: options.at ?? new Date(), base: context.cwd, ...(options.warningDays !== undefined ? { warningDays: options.warningDays } : {}) });
  const report = buildReport('certs verify', diagnostics, new SourceRegistry(), 0, context.cwd);
  const { errors, warnings } = report.summary;
  const clean = errors + warnings === 0;
  return {
    status: clean ? 'ok' : 'findings',
    report,
    statusText: clean ? `PKI ${show(pkiDir)} is valid: one root, ${model.clusters.length} cluster intermediates\n` : '',
    pkiDir,
    diagnostics,
  };
}

const rollout = (cluster: string, pki: string) => `
Roll it out in this order (docs/pki.md, "Rotation"):
  1. Replace the cacerts Secret of ${cluster}:  meshforge certs secrets --cluster ${cluster} --pki ${pki} | kubectl --context=${cluster} apply -f -
  2. Restart istiod so it loads the new intermediate:  kubectl --context=${cluster} -n istio-system rollout restart deployment/istiod
  3. Restart the workloads and gateways (or wait for their certificates to renew, 24 h by default).
  4. Check:  meshforge certs verify, and that cross-cluster traffic still flows.
  5. Confirm, which deletes the previous intermediate:  meshforge certs rotate --cluster ${cluster} --confirm
`;

/** `certs rotate --cluster NAME [--confirm]`: re-issues an intermediate under the same root, or ends the rotation. */
export async function runCertsRotate(options: CertsRotateOptions, context: AppContext): Promise<CertsRotateResult | CertsInvalidConfig> {
  const loaded = load('certs', options, options, context);
  if ('status' in loaded) return loaded;
  const { model, pkiDir, show } = loaded;
  if (options.confirm) {
    const removed = confirmRotation(model, pkiDir, options.cluster);
    return { status: 'ok', action: 'confirmed', statusText: `rotation of ${options.cluster} confirmed: removed ${show(removed)}\n`, pkiDir, created: [], previousDir: removed };
  }
  const result = await rotateIntermediate(model, pkiDir, options.cluster, loaded.writeOptions);
  const statusText = `new intermediate for ${options.cluster}; the previous one is kept in ${show(result.previousDir)}\n${listed(show, 'created', result.created)}${rollout(options.cluster, show(pkiDir))}`;
  return { status: 'ok', action: 'rotated', statusText, pkiDir, created: result.created, previousDir: result.previousDir };
}
