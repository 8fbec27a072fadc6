import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { hasErrors } from '../diagnostics/result.js';
import { SourceRegistry } from '../diagnostics/sources.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { runPolicies } from '../lint/engine.js';
import { unknownPolicyRules } from '../lint/policy-config.js';
import type { ManifestResource, RenderedFile } from '../manifest/types.js';
import type { MeshModel } from '../model/types.js';
import { planGenerate, shardClusters, type GeneratePlan, type Shard } from '../pipeline/generate.js';
import { shardOwner } from '../discover/manifests.js';
import { resolvePkiDir } from '../pki/profile.js';
import { verifyPki } from '../pki/verify.js';
import { outputLocation } from '../render/render.js';
import type { ManifestValidator } from '../validate/types.js';
import { compareTree, type TreeChanges } from '../write/tree.js';

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

export interface CheckOptions {
  readonly configFile: string;
  readonly outDir: string;
  /** The schema validator to run; null skips schema validation (--no-schema). */
  readonly validator: ManifestValidator | null;
  /**
   * Where to look for the PKI: `override` (--pki, relative to `cwd`) or mesh.ca.pkiDir next to the config. A folder
   * that does not exist skips the stage. Omit to skip it always.
   */
  readonly pki?: { readonly cwd: string; readonly override?: string };
  /** Moment PKI validity is checked at. */
  readonly now: Date;
  /** Monotonic clock for stage timings (tests may pass a fake). */
  readonly clock?: () => number;
  /**
   * Only shard `index` of `count` (as `generate --shard`): drift and schemas of its clusters' folders, policy findings
   * on them. Everything outside the fleet's cluster folders (GitOps wrappers, the index, the ledger, the config, the
   * PKI) belongs to shard 1. Policies still run on the whole fleet: cross-cluster rules need every resource.
   */
  readonly shard?: Shard;
}

export interface CheckResult {
  /** 'invalid': the config could not be turned into a tree (exit 2); 'checked': every stage ran that could. */
  readonly outcome: 'invalid' | 'checked';
  readonly diagnostics: readonly Diagnostic[];
  /** Findings silenced by annotations or policies.exceptions. */
  readonly suppressed: number;
  readonly sources: SourceRegistry;
  readonly stages: readonly CheckStage[];
  readonly model?: MeshModel;
  /** Every file the config generates, the GitOps wrappers included. */
  readonly files: readonly RenderedFile[];
  readonly drift?: TreeChanges & { readonly lockChanged: boolean };
  readonly resources: number;
}

/** A path relative to `cwd` when it lies inside it (how findings name files), absolute otherwise. */
function displayPath(cwd: string, absolute: string): string {
  const rel = relative(cwd, absolute);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
}

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

function driftDiagnostics(outDir: string, files: readonly RenderedFile[], changes: TreeChanges, lock: { path: string; before: string | undefined; after: string }): Diagnostic[] {
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
      message: `the file differs from what ${file?.origin?.file ?? 'the config'} generates${line === undefined ? '' : ` from line ${line} on (the generated text is shown)`}`,
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
      message: lock.before === undefined ? `${lock.path} is missing: it records the VIP of every imported host` : `${lock.path} differs from the VIP ledger the config produces`,
      hint: 'Run `meshforge generate` and commit mesh.lock.yaml with the tree; never edit it by hand.',
      location: { file: lock.path },
    });
  }
  return out;
}

/**
 * `meshforge check` without the CLI: config validation, drift of the written tree against what the config
 * generates, schema validation and policies on the in-memory resources (never re-parsed from disk), and the PKI
 * when its folder exists. Reads the config, the tree and the PKI; writes nothing.
 */
export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const clock = options.clock ?? (() => performance.now());
  const sources = new SourceRegistry();
  const stages: CheckStage[] = [];
  const time = async <T>(name: CheckStageName, work: () => T | Promise<T>, detail?: string): Promise<T> => {
    const start = clock();
    const value = await work();
    stages.push({ name, ran: true, ms: clock() - start, ...(detail !== undefined ? { detail } : {}) });
    return value;
  };
  const skip = (name: CheckStageName, detail: string) => stages.push({ name, ran: false, ms: 0, detail });

  const shard = options.shard;
  const fleetWide = !shard || shard.index === 1;
  const planned = await time('config', () => planGenerate({ configFile: options.configFile, outDir: options.outDir }, sources));
  if (!planned.ok || hasErrors(planned.diagnostics)) {
    for (const name of ['drift', 'schema', 'policies', 'pki'] as const) skip(name, 'the config is invalid');
    // Config problems belong to no cluster: shard 1 reports them, every shard is invalid.
    return { outcome: 'invalid', diagnostics: fleetWide ? planned.diagnostics : [], suppressed: 0, sources, stages, files: [], resources: 0 };
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

  const drift = await time('drift', () => {
    // Shards other than 1 compare only their clusters' folders (what `generate --check --shard` compares); shard 1
    // also owns the fleet-wide files (wrappers, the index), so it compares the whole tree and keeps its part.
    const scoped = shard && shard.index !== 1 ? compareTree(options.outDir, allFiles, { clusters: shardClusters(fleet, shard) }) : compareTree(options.outDir, allFiles);
    const keep = (paths: readonly string[]) => paths.filter(ownsPath);
    const changes: TreeChanges = shard ? { ...scoped, added: keep(scoped.added), changed: keep(scoped.changed), removed: keep(scoped.removed), conflicts: keep(scoped.conflicts), foreign: keep(scoped.foreign) } : scoped;
    const before = existsSync(plan.lock.path) ? readFileSync(plan.lock.path, 'utf8') : undefined;
    // The ledger is fleet-wide: shard 1 checks it.
    const lockAfter = fleetWide ? plan.lock.content : before ?? plan.lock.content;
    diagnostics.push(...driftDiagnostics(options.outDir, allFiles, changes, { path: plan.lock.path, before: fleetWide ? before : lockAfter, after: lockAfter }));
    return { ...changes, lockChanged: fleetWide && before !== plan.lock.content };
  });

  const allResources: ManifestResource[] = allFiles.flatMap((f) => f.resources);
  const resources: ManifestResource[] = shard ? files.flatMap((f) => f.resources) : allResources;
  if (options.validator) {
    const validator = options.validator;
    // Schemas are per resource: a shard validates only its own.
    diagnostics.push(...(await time('schema', () => validator.validate(resources), validator.name)));
  } else skip('schema', 'skipped (--no-schema)');

  const policies = await time('policies', () => runPolicies(allResources, { model }));
  diagnostics.push(...(shard ? policies.diagnostics.filter(ownsFinding) : policies.diagnostics));
  const suppressed = shard ? policies.suppressed.filter((s) => ownsFinding(s.diagnostic)) : policies.suppressed;

  const pkiDir = options.pki && fleetWide ? displayPath(options.pki.cwd, resolvePkiDir(model, options.pki.cwd, options.pki.override)) : undefined;
  if (pkiDir !== undefined && existsSync(resolve(options.pki!.cwd, pkiDir))) {
    diagnostics.push(...(await time('pki', () => verifyPki(model, pkiDir, { now: options.now }), pkiDir)));
  } else skip('pki', !fleetWide ? 'shard 1 verifies the PKI' : pkiDir === undefined ? 'not asked for' : `no PKI folder at ${pkiDir}`);

  return { outcome: 'checked', diagnostics, suppressed: suppressed.length, sources, stages, model, files, drift, resources: resources.length };
}
