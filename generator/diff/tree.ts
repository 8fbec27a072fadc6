import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import type { RenderedFile } from '../manifest/types.js';
import { PROVENANCE_FILE } from '../manifest/vocabulary.js';
import { palette, type Palette } from '../report/color.js';
import { configEntriesOf, parseProvenance, type ProvenanceIndex } from '../write/provenance.js';
import { compareTree } from '../write/tree.js';
import { planChanges, type PlanInput } from './plan.js';
import { qualifiedName } from './resources.js';
import { summaryLines } from './text.js';
import type { BookkeepingFileChange, ChangePlan } from './types.js';

export interface DiffInput {
  /** The output folder as the user named it: it prefixes every displayed path. */
  readonly outDir: string;
  readonly files: readonly RenderedFile[];
  /** The VIP ledger: its path as displayed (relative paths are read from `cwd`) and its new content. */
  readonly lock?: { readonly path: string; readonly content: string };
  /** Only these clusters' folders are compared (`--cluster`, a shard). */
  readonly clusters?: readonly string[];
  /** Every cluster of the mesh: attributes files outside cluster folders (see PlanInput.clusterNames). */
  readonly clusterNames?: readonly string[];
  /** The folder relative `outDir` and `lock.path` are read from (the caller's working folder). */
  readonly cwd: string;
  /** Where a config entry starts in the new config, for the PR body. */
  readonly locate?: PlanInput['locate'];
}

function readIfFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const under = (cwd: string, path: string) => (isAbsolute(path) ? path : resolve(cwd, path));

/** What the tree writer says a write would change (compareTree, or TreeWriter.compare in pr). */
export interface ComparedTree {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
}

export interface TreePlanInput extends Omit<PlanInput, 'before' | 'bookkeeping' | 'previousOrigin'> {
  /** The output folder on disk (absolute). */
  readonly outAbs: string;
  /** compareTree's answer for `files` in `outAbs`. */
  readonly changes: ComparedTree;
}

/**
 * The change plan of a tree on disk: the previous bytes of the generated files that change or go away (unchanged
 * ones are not read again), the writer's own files that change (the provenance index), and the previous index for
 * the config entries of removed files. Shared by generate, check, diff (the checkout) and pr (the base branch).
 */
export function planFromTree(input: TreePlanInput): ChangePlan {
  const { outAbs, changes, ...rest } = input;
  const normalize = (path: string) => path.split(sep).join('/').replace(/^\.\//, '');
  const rendered = new Map(input.files.map((f) => [normalize(f.path), f]));
  const before = new Map<string, string>();
  // Files that are added, changed or removed; every other rendered file is unchanged, so it is only counted (its
  // text is never needed, and may not even be rendered: the run state vouched for it).
  const touched = new Set([...changes.added, ...changes.changed, ...changes.removed].map(normalize));
  const files = [...rendered].filter(([path]) => touched.has(path)).map(([, file]) => file);
  const bookkeeping: BookkeepingFileChange[] = [];
  for (const [list, change] of [
    [changes.changed, 'changed'],
    [changes.removed, 'removed'],
  ] as const) {
    for (const raw of list) {
      const path = normalize(raw);
      // The writer's own files (the index: 120 MB at 200,000 files) are listed, never read.
      if (change === 'changed' && !rendered.has(path)) {
        bookkeeping.push({ path, change });
        continue;
      }
      const text = readIfFile(join(outAbs, path));
      if (text !== undefined) before.set(path, text);
    }
  }
  for (const raw of changes.added) if (!rendered.has(normalize(raw))) bookkeeping.push({ path: normalize(raw), change: 'added' });
  let previous: ProvenanceIndex | null | undefined;
  const previousOrigin = (path: string): string | undefined => {
    if (previous === undefined) previous = parseProvenance(readIfFile(join(outAbs, PROVENANCE_FILE)) ?? '') ?? null;
    return previous ? configEntriesOf(previous, path)[0] : undefined;
  };
  return planChanges({ ...rest, files, unchangedFiles: rendered.size - files.length, before, bookkeeping, previousOrigin });
}

/**
 * What `generate` would change in `outDir`, as the change plan `meshforge pr` also uses: the previous bytes of every
 * generated file that still exists (foreign files are never part of it), the new files and the VIP ledger.
 */
export function planTreeChanges(input: DiffInput): ChangePlan {
  const outAbs = under(input.cwd, input.outDir);
  const scope = input.clusters && input.clusters.length > 0 ? { clusters: input.clusters } : {};
  const changes = compareTree(outAbs, input.files, scope);
  return planFromTree({
    outAbs,
    changes,
    files: input.files,
    outDir: input.outDir,
    ...(input.clusterNames ? { clusterNames: input.clusterNames } : {}),
    ...(input.locate ? { locate: input.locate } : {}),
    ...(input.lock ? { ledger: { path: input.lock.path, before: readIfFile(under(input.cwd, input.lock.path)), after: input.lock.content } } : {}),
  });
}

function colorPatch(patch: string, p: Palette): string {
  return patch
    .split('\n')
    .map((line) => {
      if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('===') || line.startsWith('Index:')) return p.bold(line);
      if (line.startsWith('+')) return p.green(line);
      if (line.startsWith('-')) return p.red(line);
      if (line.startsWith('@@')) return p.blue(line);
      return line;
    })
    .join('\n');
}

const SIGN = { added: '+', changed: '~', removed: '-' } as const;

/** Human form: per cluster the resources added/changed/removed, then the unified diff of every changed file. */
export function renderDiffText(plan: ChangePlan, color: boolean): string {
  const p = palette(color);
  if (!plan.hasChanges) return 'No changes: the generated tree and the VIP ledger are up to date.\n';
  const out: string[] = [];
  for (const line of summaryLines(plan)) out.push(p.bold(line));
  for (const cluster of plan.clusters) {
    for (const r of cluster.resources) {
      const text = `  ${SIGN[r.change]} ${r.kind} ${qualifiedName(r)}  ${p.dim(r.path)}`;
      out.push(r.change === 'added' ? p.green(text) : r.change === 'removed' ? p.red(text) : p.yellow(text));
    }
  }
  out.push('');
  for (const cluster of plan.clusters) for (const file of cluster.files) out.push(colorPatch(file.patch.trimEnd(), p));
  if (plan.ledger?.patch) out.push(colorPatch(plan.ledger.patch.trimEnd(), p));
  return `${out.join('\n')}\n`;
}
