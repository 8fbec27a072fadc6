import type { DocPath } from '../diagnostics/types.js';
import type { RenderedFile } from '../manifest/types.js';
import { diffLedger } from './ledger.js';
import { unifiedDiff } from './patch.js';
import { compareResourceIds, compareText, resourceKey, resourcesInYaml, resourcesOfObjects, type FileResource } from './resources.js';
import { configEntryOf, configEntryPath, labelledCluster } from './sources.js';
import type {
  BookkeepingFileChange,
  ChangeCounts,
  ChangeKind,
  ChangePlan,
  ClusterChanges,
  ConfigSource,
  ExtraFileChange,
  FileChange,
  KindCounts,
  LedgerDiff,
  ResourceChange,
  VipChange,
} from './types.js';

export interface PlanInput {
  /**
   * The files meshforge generated before (paths relative to the output folder, as in RenderedFile.path) and their
   * bytes. It must hold every previously generated file that still exists, so that an old path missing from `files`
   * counts as removed, and must not hold foreign files.
   */
  readonly before: ReadonlyMap<string, string>;
  /** The newly rendered tree. */
  readonly files: readonly RenderedFile[];
  /** Files of the new tree already known to be unchanged, left out of `files` and `before` (counted only). */
  readonly unchangedFiles?: number;
  /** Output folder relative to the repository root (e.g. `clusters`): prefixes every displayed path. */
  readonly outDir?: string;
  /** The VIP ledger before and after; omit when it is not part of the change. */
  readonly ledger?: { readonly path: string; readonly before: string | undefined; readonly after: string | undefined };
  /** Other files that travel with the change (the config), by repo-relative path. */
  readonly extraFiles?: readonly { readonly path: string; readonly before: string | undefined; readonly after: string | undefined }[];
  /**
   * Names of the mesh's clusters. A previously generated file (which carries no cluster of its own) belongs to the
   * cluster named by its first path segment, else to the cluster its objects' `meshforge.io/cluster` label names;
   * without this list, any first folder counts as a cluster.
   */
  readonly clusterNames?: readonly string[];
  /** The writer's own files that change (the provenance index), relative to the output folder. */
  readonly bookkeeping?: readonly BookkeepingFileChange[];
  /** The config entry (identity path) a previously generated file came from (the previous provenance index), for removed files. */
  readonly previousOrigin?: (path: string) => string | undefined;
  /**
   * False when only the counts are wanted (generate prints summary lines, never patches): no unified diff is made,
   * which at 200,000 files is most of the work.
   */
  readonly patches?: boolean;
  /** Where a config entry starts in the new config (`mesh.config.yaml:40`), when it is there. */
  readonly locate?: (file: string, path: DocPath) => string | undefined;
}

/**
 * The one change summary: works out, per cluster the files deploy to, which resources and files `generate` adds,
 * changes and removes. generate, check, diff and pr all print it. Pure.
 */
export function planChanges(input: PlanInput): ChangePlan {
  const prefix = input.outDir ? `${trimSlashes(input.outDir.replace(/\\/g, '/'))}/` : '';
  const known = input.clusterNames ? new Set(input.clusterNames) : undefined;
  const folderCluster = (path: string): string | undefined => {
    const first = firstFolder(path);
    return first !== undefined && (!known || known.has(first)) ? first : undefined;
  };
  const groups = new Map<string, { cluster?: string; files: FileChange[]; before: FileResourceAt[]; after: FileResourceAt[] }>();
  const group = (cluster: string | undefined) => {
    const key = cluster ?? '';
    let entry = groups.get(key);
    if (!entry) {
      entry = cluster === undefined ? { files: [], before: [], after: [] } : { cluster, files: [], before: [], after: [] };
      groups.set(key, entry);
    }
    return entry;
  };
  // The entry by identity (stable across edits); its line, for files of this run, from the positional origin.
  const sourceOf = (source: string | undefined, origin: { readonly file?: string; readonly path?: DocPath } | undefined): ConfigSource | undefined => {
    const entry = configEntryOf(source);
    if (entry === undefined) return undefined;
    const at = origin?.file !== undefined && origin.path !== undefined ? input.locate?.(origin.file, configEntryPath(origin.path)) : undefined;
    return at !== undefined ? { entry, at } : { entry };
  };

  let unchangedFiles = input.unchangedFiles ?? 0;
  const newPaths = new Set<string>();
  for (const file of input.files) {
    newPaths.add(file.path);
    const old = input.before.get(file.path);
    // An added file's text is not needed (nor rendered) here unless a patch shows it.
    if (old !== undefined && old === file.content) {
      unchangedFiles += 1;
      continue;
    }
    const path = prefix + file.path;
    const oldResources = old === undefined ? [] : resourcesInYaml(old);
    // A rendered file carries its objects: parsing them back is needed only for a file that lists none.
    const newResources = file.resources.length > 0 ? resourcesOfObjects(file.resources.map((r) => r.object)) : resourcesInYaml(file.content);
    const cluster = file.cluster ?? folderCluster(file.path) ?? labelledCluster(newResources, known);
    const entry = group(cluster);
    entry.files.push(fileChange(path, old === undefined ? 'added' : 'changed', old, input.patches === false ? undefined : file.content, sourceOf(file.source, file.origin), input.patches));
    entry.before.push(...atPath(oldResources, path));
    entry.after.push(...atPath(newResources, path));
  }
  for (const [oldPath, old] of input.before) {
    if (newPaths.has(oldPath)) continue;
    const path = prefix + oldPath;
    const oldResources = resourcesInYaml(old);
    const entry = group(folderCluster(oldPath) ?? labelledCluster(oldResources, known));
    const origin = input.previousOrigin?.(oldPath);
    entry.files.push(fileChange(path, 'removed', old, undefined, sourceOf(origin, undefined), input.patches));
    entry.before.push(...atPath(oldResources, path));
  }

  const clusters: ClusterChanges[] = [...groups.values()].map((entry) => {
    const resources = compareResources(entry.before, entry.after);
    const files = entry.files.sort((a, b) => compareText(a.path, b.path));
    const counts = countChanges(resources);
    const fileCounts = countChanges(files);
    const byKind: KindCounts[] = [...new Set(resources.map((r) => r.kind))].sort(compareText).map((kind) => ({ kind, ...countChanges(resources.filter((r) => r.kind === kind)) }));
    return { ...(entry.cluster === undefined ? {} : { cluster: entry.cluster }), counts, fileCounts, byKind, resources, files };
  });
  // Named clusters alphabetically; fleet-wide files last.
  clusters.sort((a, b) => (a.cluster === undefined ? 1 : b.cluster === undefined ? -1 : compareText(a.cluster, b.cluster)));

  const ledger = input.ledger ? diffLedger(input.ledger.path, input.ledger.before, input.ledger.after) : undefined;
  const extraFiles: ExtraFileChange[] = [];
  for (const extra of input.extraFiles ?? []) {
    if (extra.before === extra.after) continue;
    const change: ChangeKind = extra.before === undefined ? 'added' : extra.after === undefined ? 'removed' : 'changed';
    extraFiles.push({ path: extra.path, change, patch: unifiedDiff(extra.path, extra.before, extra.after).patch });
  }
  const bookkeeping = (input.bookkeeping ?? []).map((b) => ({ path: prefix + b.path, change: b.change })).sort((a, b) => compareText(a.path, b.path));
  const sum = (kind: ChangeKind) => clusters.reduce((total, c) => total + c.counts[kind], 0);
  const files = clusters.reduce((total, c) => total + c.files.length, 0);
  return {
    clusters,
    ...(ledger ? { ledger } : {}),
    vips: ledger ? vipChanges(ledger) : [],
    bookkeeping,
    extraFiles,
    unchangedFiles,
    totals: { added: sum('added'), changed: sum('changed'), removed: sum('removed'), files },
    hasChanges: files > 0 || extraFiles.length > 0 || bookkeeping.length > 0 || (ledger?.fileChanged ?? false),
  };
}

const VIP_CHANGE: Readonly<Record<ChangeKind, VipChange['change']>> = { added: 'allocated', removed: 'released', changed: 'moved' };

/** The ledger's `vips / <cluster> / <host>` entries as VIPs allocated, released and moved. */
export function vipChanges(ledger: LedgerDiff): VipChange[] {
  const out: VipChange[] = [];
  for (const c of ledger.changes) {
    const parts = c.key.split(' / ');
    if (parts.length !== 3 || parts[0] !== 'vips') continue;
    out.push({ change: VIP_CHANGE[c.change], cluster: parts[1] as string, host: parts[2] as string, ...(c.before !== undefined ? { before: c.before } : {}), ...(c.after !== undefined ? { after: c.after } : {}) });
  }
  return out.sort((a, b) => compareText(a.cluster, b.cluster) || compareText(a.host, b.host));
}

function countChanges(items: readonly { readonly change: ChangeKind }[]): ChangeCounts {
  const count = (kind: ChangeKind) => items.filter((i) => i.change === kind).length;
  return { added: count('added'), changed: count('changed'), removed: count('removed') };
}

interface FileResourceAt extends FileResource {
  readonly path: string;
}

function atPath(resources: readonly FileResource[], path: string): FileResourceAt[] {
  return resources.map((resource) => ({ ...resource, path }));
}

/** Matches resources by identity across all changed files of a cluster, so a resource moving between files is not an add plus a remove. */
function compareResources(before: readonly FileResourceAt[], after: readonly FileResourceAt[]): ResourceChange[] {
  const oldByKey = new Map(before.map((r) => [resourceKey(r), r]));
  const newByKey = new Map(after.map((r) => [resourceKey(r), r]));
  const changes: ResourceChange[] = [];
  for (const [key, resource] of newByKey) {
    const old = oldByKey.get(key);
    if (!old) changes.push(toChange(resource, 'added'));
    else if (old.canonical !== resource.canonical) changes.push(toChange(resource, 'changed'));
  }
  for (const [key, resource] of oldByKey) {
    if (!newByKey.has(key)) changes.push(toChange(resource, 'removed'));
  }
  return changes.sort(compareResourceIds);
}

function toChange(resource: FileResourceAt, change: ChangeKind): ResourceChange {
  const { canonical: _canonical, clusterLabel: _label, ...rest } = resource;
  return { ...rest, change };
}

function fileChange(path: string, change: ChangeKind, before: string | undefined, after: string | undefined, source: ConfigSource | undefined, patches = true): FileChange {
  const { patch, additions, deletions } = patches ? unifiedDiff(path, before, after) : { patch: '', additions: 0, deletions: 0 };
  return { path, change, patch, additions, deletions, ...(source ? { source } : {}) };
}

function firstFolder(path: string): string | undefined {
  const slash = path.indexOf('/');
  // Cluster names are DNS labels: a top-level folder starting with `_` (the Argo CD wrappers in `_argocd/`) is none.
  return slash > 0 && !path.startsWith('_') ? path.slice(0, slash) : undefined;
}

function trimSlashes(path: string): string {
  return path.replace(/^\.\/+/, '').replace(/^\/+|\/+$/g, '');
}
