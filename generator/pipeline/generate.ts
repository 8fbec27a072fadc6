import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadConfigFile } from '../model/load.js';
import { fail, hasErrors, ok, type StageResult } from '../diagnostics/result.js';
import { SourceRegistry } from '../diagnostics/sources.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { nearest } from '../config/suggest.js';
import { allocateVips, type VipLedger } from '../ledger/ledger.js';
import { LOCK_FILE, readLedger, serializeLedger } from '../ledger/lockfile.js';
import type { RenderedFile } from '../manifest/types.js';
import type { MeshModel } from '../model/types.js';
import { withGitops } from '../gitops/render.js';
import { outputLocation, renderMeshLazily } from '../render/render.js';

export interface GenerateOptions {
  readonly configFile: string;
  readonly outDir: string;
  /** Default: mesh.lock.yaml beside configFile. */
  readonly lockFile?: string;
  /** Only these clusters' files (the ledger is always computed, and written, for all). */
  readonly clusters?: readonly string[];
  /** Hand VIPs freed by removed hosts to new hosts. */
  readonly reclaim?: boolean;
  /** Only shard `index` (1-based) of `count`: clusters sorted by name, dealt round-robin. Not with `clusters`. */
  readonly shard?: Shard;
}

import { parseShard, type Shard } from '../core/cli-vocabulary.js';
export { parseShard, type Shard };

/**
 * The clusters of one shard: names sorted, the k-th (0-based) going to shard k mod n + 1. Every cluster is in exactly
 * one shard and shard sizes differ by at most one; adding a cluster can move others to another shard, which is
 * harmless because each run owns exactly the cluster folders of its shard. (planGenerate also gives shard 1 the
 * output folders of clusters no longer in the config, so their files are pruned.)
 */
export function shardClusters(names: readonly string[], shard: Shard): string[] {
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).filter((_, k) => k % shard.count === shard.index - 1);
}

export interface GeneratePlan {
  readonly model: MeshModel;
  readonly files: readonly RenderedFile[];
  readonly lock: { readonly path: string; readonly content: string };
  readonly ledger: VipLedger;
  readonly sources: SourceRegistry;
  readonly diagnostics: readonly Diagnostic[];
  /** The clusters this run writes (from `clusters` or `shard`); undefined for the whole fleet. */
  readonly scope?: readonly string[];
  /**
   * The fingerprint of everything a file's bytes depend on besides meshforge itself (render/render.ts,
   * plannedFingerprint), for the files that have one. A file's `content` is rendered when first read: a caller that
   * knows a file with this fingerprint is on disk need not read it.
   */
  readonly fingerprintOf: (file: RenderedFile) => string | undefined;
  /** How many of `files` have had their text rendered so far (the wrappers of gitops: are rendered when planned). */
  readonly rendered: () => number;
}

export function defaultLockFile(configFile: string): string {
  return join(dirname(configFile), LOCK_FILE);
}

/**
 * Folders in the output that are not clusters of the config: a removed cluster's folder belongs to no shard by name,
 * so shard 1 takes them. Safe for folders that were never clusters: the writer prunes only files its index lists and
 * keeps (and reports) everything else.
 */
function orphanFolders(outDir: string, model: MeshModel): string[] {
  const names = new Set(model.clusters.map((c) => c.name));
  try {
    return readdirSync(outDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.') && !names.has(d.name))
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

/** Two planned files on one path would silently overwrite each other: names derived from config can collide. */
function collisions(files: readonly RenderedFile[], configFile: string): Diagnostic[] {
  const seen = new Map<string, RenderedFile>();
  const out: Diagnostic[] = [];
  for (const file of files) {
    const earlier = seen.get(file.path);
    if (!earlier) {
      seen.set(file.path, file);
      continue;
    }
    out.push({
      rule: 'generate-name-collision',
      severity: 'error',
      message: `two config entries generate the same file ${file.path}${earlier.origin?.path ? ` (the other comes from ${earlier.origin.path.join('.')})` : ''}`,
      hint: 'Rename one of them: generated names come from route, ingress, service and cluster names.',
      location: { file: configFile, ...(file.origin?.path ? { path: file.origin.path } : {}) },
      ...(file.cluster !== undefined ? { cluster: file.cluster } : {}),
    });
  }
  return out;
}

/**
 * config -> model -> VIP ledger -> rendered files, in memory. Reads the config and the previous lock file; writes
 * nothing. Every rendered file's text is registered in `sources` (rendered on first use), so findings on it resolve to
 * a line when printed.
 */
export function planGenerate(options: GenerateOptions, sources: SourceRegistry = new SourceRegistry()): StageResult<GeneratePlan> {
  const loaded = loadConfigFile(options.configFile, sources);
  if (!loaded.ok) return loaded;
  const { model } = loaded.value;
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];

  const unknown = (options.clusters ?? []).filter((c) => !model.clusters.some((m) => m.name === c));
  if (unknown.length > 0) {
    const names = model.clusters.map((c) => c.name);
    return fail([
      ...diagnostics,
      ...unknown.map((name): Diagnostic => {
        const guess = nearest(name, names);
        return {
          rule: 'generate-unknown-cluster',
          severity: 'error',
          message: `--cluster ${name}: no such cluster in ${options.configFile}${guess ? `: did you mean '${guess}'?` : ''}`,
          hint: `Use one of: ${names.join(', ')}.`,
        };
      }),
    ]);
  }

  const lockPath = options.lockFile ?? defaultLockFile(options.configFile);
  const previous = readLedger(lockPath, sources);
  if (!previous.ok) return fail([...diagnostics, ...previous.diagnostics]);
  const allocated = allocateVips(model, previous.value, { reclaim: options.reclaim ?? false });
  diagnostics.push(...allocated.diagnostics);
  if (!allocated.ok) return fail(diagnostics);

  const scopeList = options.shard ? [...shardClusters(model.clusters.map((c) => c.name), options.shard), ...(options.shard.index === 1 ? orphanFolders(options.outDir, model) : [])] : options.clusters && options.clusters.length > 0 ? [...options.clusters] : undefined;
  const scope = scopeList ? new Set(scopeList) : undefined;

  // Cluster content first, then the Argo CD / Flux wrappers that deliver it (gitops: in the config). A scoped run
  // renders only its clusters: every generated path lies in its cluster's folder, so collisions stay within one.
  // Cluster files are rendered when their text is first needed (compared, written, hashed or printed).
  const mesh = renderMeshLazily(model, allocated.value, { outDir: options.outDir, ...(scope ? { clusters: scope } : {}) });
  const rendered = withGitops(model, mesh.files, { outDir: options.outDir });
  diagnostics.push(...collisions(rendered, model.configFile));
  if (hasErrors(diagnostics)) return fail(diagnostics);

  const files = scope ? rendered.filter((f) => f.cluster !== undefined && scope.has(f.cluster)) : rendered;
  for (const file of files) {
    const location = file.resources[0]?.location.file ?? outputLocation(options.outDir, file.path);
    sources.addLazyText(location, () => file.content);
  }
  const wrappers = rendered.length - mesh.files.length;
  return ok({ model, files, lock: { path: lockPath, content: serializeLedger(allocated.value) }, ledger: allocated.value, sources, diagnostics, ...(scopeList ? { scope: scopeList } : {}), fingerprintOf: mesh.fingerprintOf, rendered: () => mesh.rendered() + wrappers }, diagnostics);
}
