import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { hasErrors } from '../diagnostics/result.js';
import { SourceRegistry } from '../diagnostics/sources.js';
import { gatewayApiContent } from '../gitops/gateway-api-crds.js';
import { planGitops, renderGitopsDocument } from '../gitops/render.js';
import { allocateVips } from '../ledger/ledger.js';
import { LOCK_FILE, readLedger } from '../ledger/lockfile.js';
import type { MeshModel } from '../model/types.js';
import { planMeshFiles, renderPlannedFile, sourceLine } from '../render/render.js';
import { commentText } from '../core/yaml-scalar.js';
import { PROVENANCE_FILE } from '../manifest/vocabulary.js';

/**
 * The lint fast path ("never re-parse what you just rendered"). A generated tree holds files whose bytes meshforge
 * can reproduce from the mesh config in memory, together with the objects they were rendered from. For a file whose
 * bytes equal the rendered text, parsing it would give exactly those objects again, so lint takes them instead of
 * parsing (about 35 µs a file instead of about 230 µs). Any other file (hand-edited, foreign, not in the plan) is
 * parsed as usual, so the fast path can only save work, never change what lint reports.
 */
export interface IntendedFile {
  /** The exact text `meshforge generate` writes to this path, rendered on each call (callers render once). */
  render(): string;
  /** Its YAML documents as plain values, in document order: what parsing the rendered text gives. */
  readonly documents: readonly unknown[];
  /**
   * The config node its header names (the text after `# Source: `), without rendering: where the run state vouches
   * for the file, its resources' origin is read from this line instead of from the rendered text.
   */
  readonly source: () => string;
}

export interface RenderedTree {
  /** Look up by path relative to the tree's folder, POSIX separators (c1/istio-system/peer-authentication.yaml). */
  get(path: string): IntendedFile | undefined;
  /** How many files the plan holds. */
  readonly size: number;
  /** Every planned path. */
  paths(): IterableIterator<string>;
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** Whether `folder` is the root of a generated tree: it holds meshforge's provenance index. */
export function isTreeRoot(folder: string): boolean {
  return isFile(join(folder, PROVENANCE_FILE));
}

/** The generated tree `folder` lies in (itself or its nearest ancestor holding a provenance index), if any. */
export function findTreeRoot(folder: string): string | undefined {
  let current = resolve(folder);
  for (;;) {
    if (isTreeRoot(current)) return current;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/**
 * The config a tree was generated from, as an absolute path: the index's `config` field (relative to the tree).
 * Only the head of the index is read: `config` comes before the file list, which is 100+ MB on large fleets.
 */
export function treeConfigFile(root: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(join(root, PROVENANCE_FILE), 'r');
    const head = Buffer.alloc(16 * 1024);
    const length = readSync(fd, head, 0, head.length, 0);
    const text = head.subarray(0, length).toString('utf8');
    const filesAt = text.indexOf('"files"');
    const match = /"config":\s*("(?:[^"\\]|\\.)*")/.exec(filesAt === -1 ? text : text.slice(0, filesAt));
    if (!match) return undefined;
    const config = JSON.parse(match[1]!) as string;
    return resolve(root, config);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The files `meshforge generate` would write for `model` (the whole fleet, clusters and GitOps wrappers), planned in
 * memory: the same planner, ledger (mesh.lock.yaml beside the config, VIPs allocated without writing anything) and
 * templates as generate. Text is rendered only for the files asked for. Undefined when the plan cannot be made
 * (unreadable ledger, allocation errors): callers then parse every file, as without the fast path.
 */
export function planRenderedTree(model: MeshModel, configFile: string): RenderedTree | undefined {
  const ledger = readLedger(join(dirname(resolve(configFile)), LOCK_FILE), new SourceRegistry());
  if (!ledger.ok) return undefined;
  const allocated = allocateVips(model, ledger.value, { reclaim: false });
  if (!allocated.ok || hasErrors(allocated.diagnostics)) return undefined;

  // First plan wins a path, as in withGitops (a wrapper never replaces a cluster file). Two plans on one path make
  // generate fail; either way each entry's text and objects belong together, which is all the fast path relies on.
  const files = new Map<string, IntendedFile>();
  const planned = planMeshFiles(model, allocated.value);
  for (const file of planned) {
    if (!files.has(file.path)) files.set(file.path, { render: () => renderPlannedFile(file, model), documents: [file.document.object], source: () => commentText(sourceLine(model, file.document.origin)) });
  }
  for (const doc of planGitops(model, gatewayApiContent(planned.map((f) => ({ cluster: f.cluster, object: f.document.object }))))) {
    if (!files.has(doc.path)) files.set(doc.path, { render: () => renderGitopsDocument(doc, model), documents: [doc.object], source: () => commentText(sourceLine(model, doc.origin)) });
  }
  return {
    get: (path) => files.get(path),
    size: files.size,
    paths: () => files.keys(),
  };
}
