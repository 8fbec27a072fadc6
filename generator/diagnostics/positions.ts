import { isMap, isPair, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { SourceRegistry } from './sources.js';
import type { DocPath, Location, Position } from './types.js';

export interface ResolvedPosition extends Position {
  readonly endLine: number;
  readonly endColumn: number;
  /** The text of the line the position is on, without its newline; absent when the file's text was never read. */
  readonly lineText?: string;
}

interface Found {
  readonly node: Node | null;
  readonly pair: Pair | null;
  /** Whether the whole path was found; if not, node is the deepest ancestor that exists. */
  readonly complete: boolean;
}

function keyMatches(pair: Pair, segment: string | number): boolean {
  const key = pair.key;
  if (isScalar(key)) return String(key.value) === String(segment);
  return false;
}

/** Walks a YAML node tree along a path, stopping at the deepest node that exists. */
export function findNode(root: Node | null, path: DocPath): Found {
  let node: Node | null = root;
  let pair: Pair | null = null;
  for (const segment of path) {
    if (isMap(node)) {
      const next = node.items.find((p) => keyMatches(p, segment));
      if (!next) return { node, pair, complete: false };
      pair = next;
      node = (isPair(next) ? (next.value as Node | null) : null) ?? null;
      if (node === null) return { node: next.key as Node, pair, complete: true };
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) return { node, pair, complete: false };
      pair = null;
      node = item;
    } else {
      return { node, pair, complete: false };
    }
  }
  return { node, pair, complete: true };
}

function offsetOf(sources: SourceRegistry, location: Location): readonly [number, number] | undefined {
  const source = sources.get(location.file);
  if (!source) return undefined;
  if (location.path === undefined) {
    const offset = Math.min(location.offset ?? 0, source.text.length);
    return [offset, offset + 1];
  }
  const doc = source.documents[location.docIndex ?? 0];
  if (!doc) return [0, 1];
  const found = findNode(doc.contents as Node | null, location.path);
  const keyNode = found.pair && isScalar(found.pair.key) ? found.pair.key : null;
  const target = location.target === 'key' && found.complete && keyNode ? keyNode : found.node;
  const range = target?.range ?? doc.range;
  return [range[0], Math.max(range[1], range[0] + 1)];
}

/** Turns a location into a line and column of its file; undefined when the file was never registered. */
export function resolvePosition(sources: SourceRegistry, location: Location): ResolvedPosition | undefined {
  const source = sources.get(location.file);
  // A file refused before reading (too large, unreadable) still gets a position: its start.
  if (!source) return location.path === undefined && !location.offset ? { line: 1, column: 1, endLine: 1, endColumn: 2 } : undefined;
  const span = offsetOf(sources, location);
  if (!span) return undefined;
  const start = source.lineCounter.linePos(span[0]);
  const end = source.lineCounter.linePos(Math.max(span[0], Math.min(span[1], source.text.length) - 1));
  const lineStart = span[0] - (start.col - 1);
  let lineEnd = source.text.indexOf('\n', lineStart);
  if (lineEnd === -1) lineEnd = source.text.length;
  return {
    line: start.line,
    column: start.col,
    endLine: end.line,
    endColumn: end.col + 1,
    lineText: source.text.slice(lineStart, lineEnd).replace(/\r$/, ''),
  };
}

/** Formats a path as a JSONPath-like string for messages: spec.http[0].route[1]. */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(root)' : out;
}
