import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { RenderedFile } from '../manifest/types.js';
import { palette, type Palette } from '../report/color.js';
import { compareTree } from '../write/tree.js';
import { planChanges } from './plan.js';
import { qualifiedName } from './resources.js';
import { summaryLines } from './text.js';
import type { ChangePlan } from './types.js';

export interface DiffInput {
  /** The output folder as the user named it: it prefixes every displayed path. */
  readonly outDir: string;
  readonly files: readonly RenderedFile[];
  /** The VIP ledger: its path as displayed (relative paths are read from `cwd`) and its new content. */
  readonly lock?: { readonly path: string; readonly content: string };
  readonly clusters?: readonly string[];
  /** The folder relative `outDir` and `lock.path` are read from (the caller's working folder). */
  readonly cwd: string;
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

/**
 * What `generate` would change in `outDir`, as the change plan `meshforge pr` also uses: the previous bytes of every
 * generated file that still exists (foreign files are never part of it), the new files and the VIP ledger.
 */
export function planTreeChanges(input: DiffInput): ChangePlan {
  const outAbs = under(input.cwd, input.outDir);
  const scope = input.clusters && input.clusters.length > 0 ? { clusters: input.clusters } : {};
  const changes = compareTree(outAbs, input.files, scope);
  const added = new Set(changes.added);
  const before = new Map<string, string>();
  for (const path of [...input.files.map((f) => f.path).filter((p) => !added.has(p)), ...changes.removed]) {
    const text = readIfFile(join(outAbs, path));
    if (text !== undefined) before.set(path, text);
  }
  return planChanges({
    before,
    files: input.files,
    outDir: input.outDir,
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
