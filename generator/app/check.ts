import { existsSync, readFileSync } from 'node:fs';
import { RULES } from '../../policies/index.js';
import { environmentError, MeshforgeError, usageError } from '../core/errors.js';
import { hasErrors } from '../diagnostics/result.js';
import { SourceRegistry } from '../diagnostics/sources.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { runPolicies } from '../lint/engine.js';
import { unknownPolicyRules } from '../lint/policy-config.js';
import type { ManifestResource, RenderedFile } from '../manifest/types.js';
import type { MeshModel } from '../model/types.js';
import { planGenerate, shardClusters, type GeneratePlan, type Shard } from '../pipeline/generate.js';
import { shardOwner } from '../discover/manifests.js';
import { ENGINE_CHECKS } from '../lint/engine-checks.js';
import { DEFAULT_CONFIG_FILE } from '../model/load.js';
import { resolvePkiDir } from '../pki/profile.js';
import { PKI_RULES, verifyPki } from '../pki/verify.js';
import { DEFAULT_OUT_DIR, outputLocation } from '../render/render.js';
import { buildReport, displayPath } from '../report/resolve.js';
import type { ReportRule } from '../report/types.js';
import { SCHEMA_RULE, UNKNOWN_KIND_RULE, type ManifestValidator, type ValidatorFlags } from '../validate/index.js';
import { compareTree, type TreeChanges } from '../write/tree.js';
import { planFromTree, summaryLines, type ChangePlan } from '../diff/index.js';
import { resolveFrom, type AppContext } from './context.js';
import { runStateVouches } from './tree-vouch.js';
import type { TreeEntry } from '../write/run-state.js';
import { PROVENANCE_FILE } from '../manifest/vocabulary.js';
import type { ServiceResult } from './result.js';
import { validatorFromFlags } from './validator.js';

/** The rule id of a drift finding: a generated file (or the VIP ledger) differs from what the config generates. */
export const DRIFT_RULE = 'drift';

export type CheckStageName = 'config' | 'drift' | 'schema' | 'policies' | 'pki';

export interface CheckStage {
  readonly name: CheckStageName;
  /** False when the stage was skipped (--no-schema, no PKI folder, invalid config). */
  readonly ran: boolean;
  readonly ms: number;
  /** One line for the status output, e.g. "embedded schemas" or "no PKI folder at .meshforge/pki". */
  readonly detail?: string;
}

export interface CheckOptions extends ValidatorFlags {
  /** The mesh config, relative to the caller's folder (default mesh.config.yaml). */
  readonly config?: string;
  /** The generated tree to check for drift (default clusters). */
  readonly out?: string;
  /** The PKI folder to verify (default: mesh.ca.pkiDir next to the config; the stage is skipped when it does not exist). */
  readonly pki?: string;
  /** More warnings than this fail the run. */
  readonly maxWarnings?: number;
  /** Put a line with each stage's duration in `timingsText`. */
  readonly timings?: boolean;
  /** Moment PKI validity is checked at (default: now). */
  readonly now?: Date;
  /** Monotonic clock for stage timings (tests may pass a fake). */
  readonly clock?: () => number;
  /**
   * Only shard `index` of `count` (as `generate --shard`): drift and schemas of its clusters' folders, policy findings
   * on them. Everything outside the fleet's cluster folders (GitOps wrappers, the index, the ledger, the config, the
   * PKI) belongs to shard 1. Policies still run on the whole fleet: cross-cluster rules need every resource.
   */
  readonly shard?: Shard;
  /**
   * False (--no-cache): compare every generated file even when the run state vouches for the tree. Default true.
   */
  readonly cache?: boolean;
}

export interface CheckResult extends ServiceResult {
  /** 'invalid': the config could not be turned into a tree (exit 2); 'checked': every stage ran that could. */
  readonly outcome: 'invalid' | 'checked';
  /** The findings as the stages made them (absolute paths); `report` holds them resolved for printing. */
  readonly diagnostics: readonly Diagnostic[];
  /** Findings silenced by annotations or policies.exceptions. */
  readonly suppressed: number;
  readonly stages: readonly CheckStage[];
  readonly model?: MeshModel;
  /** Every file the config generates, the GitOps wrappers included. */
  readonly files: readonly RenderedFile[];
  readonly drift?: TreeChanges & { readonly lockChanged: boolean };
  /** The drift as the change summary `generate`, `diff` and `pr` print (generator/diff). */
  readonly changes?: ChangePlan;
  readonly resources: number;
  /** "meshforge check timings: ..." with --timings, for standard error. */
  readonly timingsText?: string;
  /** Lines for standard error whatever the format (the --max-warnings verdict). */
  readonly notices: readonly string[];
  /** True when the run state vouched for the tree (app/tree-vouch.ts): the drift stage read no generated file. */
  readonly vouched: boolean;
}

/** Every rule check can report, for formats that list them (SARIF). */
export const CHECK_REPORT_RULES: readonly ReportRule[] = [
  { id: DRIFT_RULE, description: 'A generated file or the VIP ledger differs from what mesh.config.yaml generates.', defaultSeverity: 'error', docs: 'docs/gitops.md' },
  { id: SCHEMA_RULE, description: "A manifest does not match its kind's schema.", defaultSeverity: 'error', docs: 'docs/validation.md' },
  { id: UNKNOWN_KIND_RULE, description: 'No schema knows this apiVersion/kind.', defaultSeverity: 'warning', docs: 'docs/validation.md' },
  ...RULES.map((r) => ({ id: r.meta.id, description: r.meta.description, defaultSeverity: r.meta.defaultSeverity, ...(r.meta.docs ? { docs: r.meta.docs } : {}) })),
  ...ENGINE_CHECKS.map((c) => ({ id: c.id, description: c.description, defaultSeverity: c.defaultSeverity, ...(c.docs ? { docs: c.docs } : {}) })),
  ...PKI_RULES.map((id) => ({ id, description: `PKI check ${id} (meshforge certs verify).`, defaultSeverity: 'error' as const })),
];

/** The first line (1-based) where two texts differ, for a drift message a reviewer can act on. */
export function firstDifferentLine(before: string, after: string): number {
  const a = before.split('\n');
  const b = after.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i + 1;
  return 1;
}

/** Character offset of the start of a 1-based line (the end of the text when it has fewer lines). */
function lineOffset(text: string, line: number): number {
  let offset = 0;
  for (let i = 1; i < line; i++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset;
}

/** `shown` turns an absolute path into the one a message names (relative to the caller's folder). */
function driftDiagnostics(outDir: string, files: readonly RenderedFile[], changes: TreeChanges, lock: { path: string; before: string | undefined; after: string }, shown: (path: string) => string): Diagnostic[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const hint = 'Generated files are never edited by hand: change mesh.config.yaml, run `meshforge generate` and commit the result.';
  const out: Diagnostic[] = [];
  const at = (path: string) => outputLocation(outDir, path);
  for (const path of changes.changed) {
    const file = byPath.get(path);
    let line: number | undefined;
    try {
      if (file) line = firstDifferentLine(readFileSync(at(path), 'utf8'), file.content);
    } catch {
      // The file vanished between the comparison and now: the message stays without a line.
    }
    out.push({
      rule: DRIFT_RULE,
      severity: 'error',
      message: `the file differs from what ${file?.origin?.file !== undefined ? shown(file.origin.file) : 'the config'} generates${line === undefined ? '' : ` from line ${line} on (the generated text is shown)`}`,
      hint,
      location: { file: at(path), ...(file && line !== undefined ? { offset: lineOffset(file.content, line) } : {}) },
      ...(file?.cluster !== undefined ? { cluster: file.cluster } : {}),
    });
  }
  for (const path of changes.added) {
    const file = byPath.get(path);
    out.push({ rule: DRIFT_RULE, severity: 'error', message: 'the file is missing: the config generates it', hint, location: { file: at(path) }, ...(file?.cluster !== undefined ? { cluster: file.cluster } : {}) });
  }
  for (const path of changes.removed) {
    out.push({ rule: DRIFT_RULE, severity: 'error', message: 'the file was generated earlier but the config no longer produces it', hint, location: { file: at(path) } });
  }
  for (const path of changes.conflicts) {
    out.push({ rule: DRIFT_RULE, severity: 'error', message: 'this file stands where a generated file goes and was not written by meshforge', hint: 'Move the file out of the output folder, then run `meshforge generate`.', location: { file: at(path) } });
  }
  if (lock.before !== lock.after) {
    out.push({
      rule: DRIFT_RULE,
      severity: 'error',
      message: lock.before === undefined ? `${shown(lock.path)} is missing: it records the VIP of every imported host` : `${shown(lock.path)} differs from the VIP ledger the config produces`,
      hint: 'Run `meshforge generate` and commit mesh.lock.yaml with the tree; never edit it by hand.',
      location: { file: lock.path },
    });
  }
  return out;
}

/**
 * `meshforge check`, the CI gate: config validation, drift of the written tree against what the config generates,
 * schema validation and policies on the in-memory resources (never re-parsed from disk), and the PKI when its folder
 * exists. Reads the config, the tree and the PKI; writes nothing.
 */
export async function runCheck(options: CheckOptions, context: AppContext): Promise<CheckResult> {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  if (options.pki !== undefined && !existsSync(resolveFrom(context, options.pki))) {
    throw usageError(`there is no PKI folder at ${options.pki}`, 'Create it with `meshforge certs init`, or leave --pki out to skip the PKI stage when there is none.');
  }
  const validator = await validatorFromFlags(options, context);
  const configName = options.config ?? DEFAULT_CONFIG_FILE;
  const outDir = resolveFrom(context, (options.out ?? DEFAULT_OUT_DIR).replace(/[\\/]+$/, '') || '.');
  try {
    return await check({ ...options, configFile: resolveFrom(context, configName), configName, outDir, schemaValidator: validator, started, clock }, context);
  } catch (error) {
    if (error instanceof MeshforgeError) throw error;
    const err = error as NodeJS.ErrnoException;
    if (typeof err?.code === 'string' && /^E[A-Z]+$/.test(err.code)) throw environmentError(`cannot read ${displayPath(err.path ?? outDir, context.cwd)}: ${err.code}`, 'Check that the folders exist and are readable.');
    throw error;
  }
}

interface ResolvedCheck extends Omit<CheckOptions, 'validator'> {
  readonly configFile: string;
  /** The config as the user named it, for the status line. */
  readonly configName: string;
  readonly outDir: string;
  /** Null with --no-schema. */
  readonly schemaValidator: ManifestValidator | null;
  readonly started: number;
  readonly clock: () => number;
}

async function check(options: ResolvedCheck, context: AppContext): Promise<CheckResult> {
  const { clock, schemaValidator: validator } = options;
  const shown = (path: string) => displayPath(path, context.cwd);
  const sources = new SourceRegistry();
  const stages: CheckStage[] = [];
  const time = async <T>(name: CheckStageName, work: () => T | Promise<T>, detail?: string): Promise<T> => {
    const start = clock();
    const value = await work();
    stages.push({ name, ran: true, ms: clock() - start, ...(detail !== undefined ? { detail } : {}) });
    return value;
  };
  const skip = (name: CheckStageName, detail: string) => stages.push({ name, ran: false, ms: 0, detail });
  const timingsText = (resources: number, files: number): string | undefined => {
    if (!options.timings) return undefined;
    const parts = stages.map((s) => `${s.name} ${s.ran ? `${Math.round(s.ms)} ms` : 'skipped'}`);
    return `meshforge check timings: ${parts.join(', ')}; total ${Math.round(clock() - options.started)} ms (${resources} resources, ${files} files)\n`;
  };

  const shard = options.shard;
  const fleetWide = !shard || shard.index === 1;
  const planned = await time('config', () => planGenerate({ configFile: options.configFile, outDir: options.outDir }, sources));
  if (!planned.ok || hasErrors(planned.diagnostics)) {
    for (const name of ['drift', 'schema', 'policies', 'pki'] as const) skip(name, 'the config is invalid');
    // Config problems belong to no cluster: shard 1 reports them, every shard is invalid.
    const diagnostics = fleetWide ? planned.diagnostics : [];
    const timings = timingsText(0, 0);
    return {
      status: 'invalid-input',
      report: { ...buildReport('check', diagnostics, sources, 0, context.cwd), rules: CHECK_REPORT_RULES },
      statusText: '',
      outcome: 'invalid',
      diagnostics,
      suppressed: 0,
      stages,
      files: [],
      resources: 0,
      ...(timings !== undefined ? { timingsText: timings } : {}),
      notices: [],
      vouched: false,
    };
  }
  const plan: GeneratePlan = planned.value;
  const model = plan.model;
  const allFiles = plan.files;
  const diagnostics: Diagnostic[] = fleetWide ? [...planned.diagnostics, ...unknownPolicyRules(model)] : [];

  // A path of the output folder belongs to the shard of its top folder when that is a cluster, else to shard 1.
  const fleet = model.clusters.map((c) => c.name);
  const owns = shard ? shardOwner(fleet, shard) : () => true;
  const ownsPath = (path: string) => owns(path.split('/')[0]);
  const outPrefix = `${outputLocation(options.outDir, '.')}/`.replace(/^\.\/$/, '');
  const ownsFinding = (d: Diagnostic) => {
    const file = d.location?.file;
    return file !== undefined && outPrefix !== '' && file.startsWith(outPrefix) ? ownsPath(file.slice(outPrefix.length)) : file !== undefined && outPrefix === '' ? ownsPath(file) : fleetWide;
  };
  const files = shard ? allFiles.filter((f) => ownsPath(f.path)) : allFiles;

  // A whole-fleet run on a tree the run state vouches for: no generated file can differ, so none is read.
  const vouchedEntries = !shard && options.cache !== false ? runStateVouches({ configFile: model.configFile, outDir: options.outDir, sources }) : undefined;
  const vouched = vouchedEntries !== undefined;
  let changePlan: ChangePlan | undefined;
  const drift = await time('drift', () => {
    if (vouchedEntries) {
      const changes = vouchedChanges(vouchedEntries, allFiles);
      changePlan = planFromTree({ outAbs: options.outDir, changes, files: allFiles, outDir: shown(options.outDir), clusterNames: fleet, ledger: { path: shown(plan.lock.path), before: plan.lock.content, after: plan.lock.content } });
      return { ...changes, lockChanged: false };
    }
    // Shards other than 1 compare only their clusters' folders (what `generate --check --shard` compares); shard 1
    // also owns the fleet-wide files (wrappers, the index), so it compares the whole tree and keeps its part.
    const scoped = shard && shard.index !== 1 ? compareTree(options.outDir, allFiles, { clusters: shardClusters(fleet, shard) }) : compareTree(options.outDir, allFiles);
    const keep = (paths: readonly string[]) => paths.filter(ownsPath);
    const changes: TreeChanges = shard ? { ...scoped, added: keep(scoped.added), changed: keep(scoped.changed), removed: keep(scoped.removed), conflicts: keep(scoped.conflicts), foreign: keep(scoped.foreign) } : scoped;
    const before = existsSync(plan.lock.path) ? readFileSync(plan.lock.path, 'utf8') : undefined;
    // The ledger is fleet-wide: shard 1 checks it.
    const lockAfter = fleetWide ? plan.lock.content : before ?? plan.lock.content;
    diagnostics.push(...driftDiagnostics(options.outDir, allFiles, changes, { path: plan.lock.path, before: fleetWide ? before : lockAfter, after: lockAfter }, shown));
    // The one change summary (generator/diff): what `generate` would print for this drift.
    changePlan = planFromTree({ outAbs: options.outDir, changes, files: allFiles, outDir: shown(options.outDir), clusterNames: fleet, ledger: { path: shown(plan.lock.path), before: fleetWide ? before : lockAfter, after: lockAfter } });
    return { ...changes, lockChanged: fleetWide && before !== plan.lock.content };
  });

  const allResources: ManifestResource[] = allFiles.flatMap((f) => f.resources);
  const resources: ManifestResource[] = shard ? files.flatMap((f) => f.resources) : allResources;
  if (validator) {
    // Schemas are per resource: a shard validates only its own.
    diagnostics.push(...(await time('schema', () => validator.validate(resources), validator.name)));
  } else skip('schema', 'skipped (--no-schema)');

  const policies = await time('policies', () => runPolicies(allResources, { model }));
  diagnostics.push(...(shard ? policies.diagnostics.filter(ownsFinding) : policies.diagnostics));
  const suppressed = shard ? policies.suppressed.filter((s) => ownsFinding(s.diagnostic)) : policies.suppressed;

  if (fleetWide) {
    const pkiDir = resolvePkiDir(model, context.cwd, options.pki);
    if (existsSync(pkiDir)) diagnostics.push(...(await time('pki', () => verifyPki(model, pkiDir, { now: options.now ?? new Date() }), shown(pkiDir))));
    else skip('pki', `no PKI folder at ${shown(pkiDir)}`);
  } else skip('pki', 'shard 1 verifies the PKI');

  const report = { ...buildReport('check', diagnostics, sources, suppressed.length, context.cwd), rules: CHECK_REPORT_RULES };
  const { errors, warnings, infos } = report.summary;
  const drifted = diagnostics.filter((d) => d.rule === DRIFT_RULE).length;
  let statusText = '';
  if (errors + warnings + infos === 0) {
    const ran = stages.filter((s) => s.ran).map((s) => (s.name === 'schema' && validator ? `schema (${validator.name})` : s.name));
    const shardText = shard ? ` (shard ${shard.index}/${shard.count})` : '';
    statusText = `meshforge check: ${resources.length} resources in ${files.length} files${shardText}, no problems (${ran.join(', ')})\n`;
  } else if (drifted > 0) {
    statusText = `meshforge check: ${drifted} generated file${drifted === 1 ? '' : 's'} out of date with ${options.configName}: run \`meshforge generate\` and commit the result\n`;
    for (const line of changePlan?.hasChanges ? summaryLines(changePlan) : []) statusText += `  ${line}\n`;
  }
  const tooManyWarnings = errors === 0 && options.maxWarnings !== undefined && warnings > options.maxWarnings;
  const timings = timingsText(resources.length, files.length);
  return {
    status: errors > 0 || tooManyWarnings ? 'findings' : 'ok',
    report,
    statusText,
    outcome: 'checked',
    diagnostics,
    suppressed: suppressed.length,
    stages,
    model,
    files,
    drift,
    ...(changePlan ? { changes: changePlan } : {}),
    resources: resources.length,
    ...(timings !== undefined ? { timingsText: timings } : {}),
    notices: tooManyWarnings ? [`meshforge: ${warnings} warnings, more than --max-warnings ${options.maxWarnings}\n`] : [],
    vouched,
  };
}

/**
 * What compareTree reports for a tree the run state vouches for, from the folder's entries alone (the walk the vouch
 * matched): every planned file and the index unchanged, the other entries foreign.
 */
function vouchedChanges(entries: readonly TreeEntry[], files: readonly RenderedFile[]): TreeChanges {
  const planned = new Set(files.map((f) => f.path));
  const foreign = entries
    .filter((e) => e.type !== 'dir' && e.path !== PROVENANCE_FILE && !planned.has(e.path))
    .map((e) => e.path)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { added: [], changed: [], removed: [], removedResources: {}, unchanged: files.length + 1, foreign, conflicts: [] };
}
