import { isAbsolute, join, relative, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../../model/load.js';
import { SourceRegistry } from '../../diagnostics/sources.js';
import type { MeshModel } from '../../model/types.js';
import { issueClientCertificate } from '../../pki/client.js';
import { guardKeyPaths, initPki } from '../../pki/init.js';
import { SECRETS_DIR } from '../../pki/layout.js';
import { generatedTrees, resolvePkiDir } from '../../pki/profile.js';
import { confirmRotation, rotateIntermediate } from '../../pki/rotate.js';
import { collectSecrets, renderClusterManifests, renderClusterScript } from '../../pki/secrets.js';
import { fileExists, writeFileAtomic, KEY_FILE_MODE } from '../../pki/store.js';
import { verifyPki } from '../../pki/verify.js';
import type { CommandContext } from '../context.js';
import { usageError } from '../../core/errors.js';
import { EXIT } from '../exit.js';
import { formatOption, printReport, statusStream } from '../output.js';

interface CommonOptions {
  config: string;
  pki?: string;
}

/** Loads the config like `validate`; on problems prints them and stops with exit 2. */
function loadModel(ctx: CommandContext, file: string, format = 'stylish'): MeshModel {
  const sources = new SourceRegistry();
  const loaded = loadConfigFile(file, sources);
  if (!loaded.ok) {
    printReport(ctx.io, 'certs', format, loaded.diagnostics, sources);
    throw usageError(`${file} is not valid; nothing was written`, 'Fix the problems above (meshforge validate shows them too).');
  }
  return loaded.value.model;
}

/** Paths as the user should read and type them: relative to the working directory when inside it. */
function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** Runs a PKI operation, turning its errors into the CLI's exit codes (2 bad input/state, 3 environment). */
async function guarded<T>(operation: () => Promise<T> | T): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw error;
  }
}

function commonOptions(command: Command): Command {
  return command.option('-c, --config <file>', 'the mesh config', DEFAULT_CONFIG_FILE).option('--pki <dir>', 'the PKI folder (default: mesh.ca.pkiDir next to the config, .meshforge/pki)');
}

function listFiles(ctx: CommandContext, verb: string, files: readonly string[]): void {
  for (const file of files) ctx.io.stdout.write(`  ${verb} ${displayPath(ctx.io.cwd, file)}\n`);
}

const ROLLOUT = (cluster: string, pki: string) => `
Roll it out in this order (docs/pki.md, "Rotation"):
  1. Replace the cacerts Secret of ${cluster}:  meshforge certs secrets --cluster ${cluster} --pki ${pki} | kubectl --context=${cluster} apply -f -
  2. Restart istiod so it loads the new intermediate:  kubectl --context=${cluster} -n istio-system rollout restart deployment/istiod
  3. Restart the workloads and gateways (or wait for their certificates to renew, 24 h by default).
  4. Check:  meshforge certs verify, and that cross-cluster traffic still flows.
  5. Confirm, which deletes the previous intermediate:  meshforge certs rotate --cluster ${cluster} --confirm
`;

export function registerCerts(program: Command, ctx: CommandContext): void {
  const certs = program
    .command('certs')
    .description("build and check the PKI: Istio's plugin CA (one root, an intermediate per cluster) and ingress certificates")
    .addHelpText('after', '\nPrivate keys stay in the PKI folder (git-ignored .meshforge/pki by default), never in the generated tree. See docs/pki.md.');

  commonOptions(certs.command('init'))
    .description("create the root CA, every cluster's intermediate, the ingress CA and the ingress server certificates; keeps what exists")
    .addHelpText('after', '\nLayout: DIR/root-cert.pem, DIR/root-key.pem, DIR/<cluster>/{ca-cert,ca-key,root-cert,cert-chain}.pem,\nDIR/ingress/{ca.crt,ca.key}, DIR/ingress/<credentialName>/{tls.crt,tls.key,ca.crt}.\nExit codes: 0 done, 2 invalid config or a refused key path, 3 the folder cannot be written.')
    .action(async (options: CommonOptions) => {
      const model = loadModel(ctx, options.config);
      const dir = resolvePkiDir(model, ctx.io.cwd, options.pki);
      const result = await guarded(() => initPki(model, dir, { generatedTrees: generatedTrees(model, ctx.io.cwd) }));
      ctx.io.stdout.write(`PKI folder ${displayPath(ctx.io.cwd, dir)}: ${result.created.length} files created, ${result.kept.length} kept\n`);
      listFiles(ctx, 'created', result.created);
      if (result.created.length > 0) ctx.io.stdout.write('Next: meshforge certs verify, then meshforge certs secrets to deliver them (docs/pki.md).\n');
      ctx.exitCode = EXIT.ok;
    });

  commonOptions(certs.command('client').argument('<name>', 'client name, used as CN and folder name (e.g. client.example.com)'))
    .description('issue a client certificate for MUTUAL ingress gateways, signed by the ingress CA')
    .option('--days <n>', 'validity in days (default: mesh.ca.ingress.days)')
    .addHelpText('after', '\nWrites DIR/ingress/clients/<name>/{tls.crt,tls.key,ca.crt}: curl --cert tls.crt --key tls.key --cacert ca.crt ...\nAn existing client is kept. Exit codes: 0 done, 2 bad name or no ingress CA, 3 unwritable folder.')
    .action(async (name: string, options: CommonOptions & { days?: string }) => {
      const days = options.days === undefined ? undefined : Number(options.days);
      if (days !== undefined && (!Number.isInteger(days) || days < 1)) throw usageError(`--days must be a positive whole number, got '${options.days}'`);
      const model = loadModel(ctx, options.config);
      const dir = resolvePkiDir(model, ctx.io.cwd, options.pki);
      const result = await guarded(() => issueClientCertificate(model, dir, name, { generatedTrees: generatedTrees(model, ctx.io.cwd), ...(days !== undefined ? { days } : {}) }));
      if (result.created.length === 0) ctx.io.stdout.write(`client ${name} already exists; kept. Delete its folder to reissue it.\n`);
      else ctx.io.stdout.write(`client ${name} issued:\n`);
      listFiles(ctx, result.created.length === 0 ? 'kept' : 'created', result.created.length === 0 ? result.kept : result.created);
      ctx.exitCode = EXIT.ok;
    });

  commonOptions(certs.command('secrets'))
    .description('print (or write into the PKI folder) the Secret manifests and kubectl commands that deliver the keys to each cluster')
    .option('--cluster <name>', 'only this cluster')
    .option('--out [dir]', `write DIR/<cluster>/{secrets.yaml,create-secrets.sh} instead of printing (default DIR: <pki>/${SECRETS_DIR})`)
    .option('--commands', 'print only the kubectl commands, as a shell script')
    .addHelpText('after', '\nThe output holds private keys: pipe it to kubectl, never into git. Writing is refused inside the generated tree\nor a git-visible folder. Exit codes: 0 done, 2 missing certificates or a refused path, 3 unwritable folder.')
    .action(async (options: CommonOptions & { cluster?: string; out?: string | boolean; commands?: boolean }) => {
      const model = loadModel(ctx, options.config);
      const dir = resolvePkiDir(model, ctx.io.cwd, options.pki);
      const clusters = await guarded(() => collectSecrets(model, dir, options.cluster));
      const display = (path: string) => displayPath(ctx.io.cwd, path);
      if (options.out === undefined) {
        for (const cluster of clusters) ctx.io.stdout.write(options.commands ? renderClusterScript(cluster, display) : renderClusterManifests(cluster, display));
        ctx.exitCode = EXIT.ok;
        return;
      }
      const out = typeof options.out === 'string' ? resolve(ctx.io.cwd, options.out) : join(dir, SECRETS_DIR);
      const manifests = clusters.map((c) => ({ cluster: c, manifest: join(out, c.cluster, 'secrets.yaml'), script: join(out, c.cluster, 'create-secrets.sh') }));
      await guarded(async () => {
        await guardKeyPaths(manifests.map((m) => m.manifest), { generatedTrees: generatedTrees(model, ctx.io.cwd) });
        for (const m of manifests) {
          writeFileAtomic(m.manifest, renderClusterManifests(m.cluster, display), KEY_FILE_MODE);
          writeFileAtomic(m.script, renderClusterScript(m.cluster, display), 0o700);
        }
      });
      ctx.io.stdout.write(`Secrets written to ${display(out)} (they hold private keys: apply them, never commit them):\n`);
      listFiles(ctx, 'wrote', manifests.flatMap((m) => [m.manifest, m.script]));
      ctx.exitCode = EXIT.ok;
    });

  commonOptions(certs.command('verify'))
    .description("check the PKI: one root for all clusters, valid chains, matching keys, Istio's profile, expiry")
    .addOption(formatOption())
    .option('--at <date>', 'check validity at this date instead of now (ISO 8601, e.g. 2027-01-31)')
    .option('--warning-days <n>', 'warn about certificates expiring within this many days (default: mesh.ca.expiryWarningDays, 30)')
    .addHelpText('after', '\nRules: pki-missing, pki-parse, pki-root-mismatch, pki-chain, pki-key-mismatch, pki-profile, pki-expired, pki-not-yet-valid (errors);\npki-expiring, pki-subject, pki-key-permissions (warnings); pki-rotation-pending (info).\nExit codes: 0 clean, 1 errors or warnings found, 2 invalid config or no PKI folder.')
    .action((options: CommonOptions & { format: string; at?: string; warningDays?: string }) => {
      const now = options.at === undefined ? new Date() : new Date(options.at);
      if (Number.isNaN(now.getTime())) throw usageError(`--at '${options.at}' is not a date`, 'Use ISO 8601, e.g. 2027-01-31 or 2027-01-31T12:00:00Z.');
      const warningDays = options.warningDays === undefined ? undefined : Number(options.warningDays);
      if (warningDays !== undefined && (!Number.isInteger(warningDays) || warningDays < 0)) throw usageError(`--warning-days must be a whole number of days, got '${options.warningDays}'`);
      const model = loadModel(ctx, options.config, options.format);
      const absolute = resolvePkiDir(model, ctx.io.cwd, options.pki);
      if (!fileExists(absolute)) throw usageError(`there is no PKI folder at ${displayPath(ctx.io.cwd, absolute)}`, 'Create it with `meshforge certs init`, or pass --pki.');
      const diagnostics = verifyPki(model, displayPath(ctx.io.cwd, absolute), { now, ...(warningDays !== undefined ? { warningDays } : {}) });
      const report = printReport(ctx.io, 'certs verify', options.format, diagnostics, new SourceRegistry());
      const { errors, warnings } = report.summary;
      if (errors + warnings === 0) statusStream(ctx.io, options.format).write(`PKI ${displayPath(ctx.io.cwd, absolute)} is valid: one root, ${model.clusters.length} cluster intermediates\n`);
      ctx.exitCode = errors + warnings > 0 ? EXIT.findings : EXIT.ok;
    });

  commonOptions(certs.command('rotate'))
    .description("re-issue a cluster's intermediate under the same root; the old one is kept until --confirm")
    .addOption(new Option('--cluster <name>', 'the cluster whose intermediate to rotate').makeOptionMandatory())
    .option('--confirm', 'finish a rotation: delete the previous intermediate kept in DIR/<cluster>/previous/')
    .addHelpText('after', '\nRollout order: update the cacerts Secret, restart istiod, restart the workloads, then --confirm (docs/pki.md).\nExit codes: 0 done, 2 unknown cluster, no PKI or a rotation already pending, 3 unwritable folder.')
    .action(async (options: CommonOptions & { cluster: string; confirm?: boolean }) => {
      const model = loadModel(ctx, options.config);
      const dir = resolvePkiDir(model, ctx.io.cwd, options.pki);
      if (options.confirm) {
        const removed = await guarded(() => confirmRotation(model, dir, options.cluster));
        ctx.io.stdout.write(`rotation of ${options.cluster} confirmed: removed ${displayPath(ctx.io.cwd, removed)}\n`);
      } else {
        const result = await guarded(() => rotateIntermediate(model, dir, options.cluster, { generatedTrees: generatedTrees(model, ctx.io.cwd) }));
        ctx.io.stdout.write(`new intermediate for ${options.cluster}; the previous one is kept in ${displayPath(ctx.io.cwd, result.previousDir)}\n`);
        listFiles(ctx, 'created', result.created);
        ctx.io.stdout.write(ROLLOUT(options.cluster, displayPath(ctx.io.cwd, dir)));
      }
      ctx.exitCode = EXIT.ok;
    });
}


