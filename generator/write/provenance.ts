import { createHash } from 'node:crypto';
import { posix, relative, resolve } from 'node:path';
import { formatPath } from '../diagnostics/positions.js';
import type { DocPath } from '../diagnostics/types.js';
import type { RenderedFile } from '../manifest/types.js';

/**
 * The provenance index: one JSON file at the root of the output folder listing every file meshforge generated there,
 * its sha256, its resources and the config node each came from. The writer reads it to know which files are its own
 * (to prune them, and to leave every other file alone); later stages read it to point a finding on a generated
 * resource back at its mesh.config.yaml line.
 */

export interface ProvenanceResource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly docIndex: number;
  /** Path of the config node, e.g. ["services", 1, "exportTo", 0]. */
  readonly origin?: DocPath;
}

export interface ProvenanceEntry {
  readonly cluster?: string;
  readonly sha256: string;
  /** Human form of `origin`: services[1].exportTo[0]. */
  readonly source?: string;
  readonly origin?: DocPath;
  readonly resources: readonly ProvenanceResource[];
}

export interface ProvenanceIndex {
  readonly generator: 'meshforge';
  /** The config file, relative to the output folder (POSIX), when known. */
  readonly config?: string;
  readonly files: Readonly<Record<string, ProvenanceEntry>>;
}

/** Hex sha256 of a text (as UTF-8) or of bytes. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function provenanceEntry(file: RenderedFile): ProvenanceEntry {
  const origin = file.origin?.path;
  return {
    ...(file.cluster !== undefined ? { cluster: file.cluster } : {}),
    sha256: sha256(file.content),
    ...(origin !== undefined ? { source: formatPath(origin), origin } : {}),
    resources: file.resources.map((r, i) => ({
      apiVersion: r.apiVersion,
      kind: r.kind,
      ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
      name: r.name,
      docIndex: r.location.docIndex ?? i,
      ...(r.origin?.path !== undefined ? { origin: r.origin.path } : {}),
    })),
  };
}

/** The config file's path as seen from the output folder, so the index is the same on every machine. */
export function configFromOutDir(outDir: string, files: readonly RenderedFile[]): string | undefined {
  const configFile = files.find((f) => f.origin?.file !== undefined)?.origin?.file;
  if (configFile === undefined) return undefined;
  return relative(resolve(outDir), resolve(configFile)).split(/[\\/]/).join(posix.sep);
}

const INDEX_COMMENT = 'Written by `meshforge generate`: the files it generated here. Do not edit. Files not listed are left alone.';

/** What the index lists, without a Record of every entry: the writer makes each entry when its turn comes. */
export interface ProvenanceSource {
  readonly generator: 'meshforge';
  readonly config?: string;
  /** The listed paths, in any order, each once. */
  readonly paths: Iterable<string>;
  /** The entry of one listed path. */
  readonly entry: (path: string) => ProvenanceEntry;
}

/** An array index as JS objects order keys (canonical uint32 below 2^32 - 1): such keys come first, by value. */
function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 4294967295;
}

/** The key order of Object.fromEntries(sorted entries) as JSON.stringify enumerates it: array indices, then the rest sorted. */
function indexOrder(paths: Iterable<string>): string[] {
  const indices: string[] = [];
  const names: string[] = [];
  for (const path of paths) (isArrayIndex(path) ? indices : names).push(path);
  indices.sort((a, b) => Number(a) - Number(b));
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return indices.length === 0 ? names : [...indices, ...names];
}

/** A bracket or brace in an element keeps a primitive array on several lines (the one-line rule of the format). */
const BRACKETS = /[[\]{}]/;

/**
 * One JSON value as JSON.stringify(value, null, 2) prints it at `indent`, except that an array whose elements contain
 * no bracket or brace (config paths: ["services", 1, "exportTo", 0]) goes on one line. Undefined when JSON.stringify
 * would leave the value out (undefined, functions, symbols).
 */
function prettyValue(value: unknown, indent: string): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) as string | undefined;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items: string[] = [];
    let oneLine = true;
    for (const item of value as unknown[]) {
      const text = prettyValue(item, inner) ?? 'null';
      if (oneLine && BRACKETS.test(text)) oneLine = false;
      items.push(text);
    }
    return oneLine ? `[${items.join(', ')}]` : `[\n${inner}${items.join(`,\n${inner}`)}\n${indent}]`;
  }
  let text = '';
  for (const key of Object.keys(value)) {
    const member = prettyValue((value as Record<string, unknown>)[key], inner);
    if (member === undefined) continue;
    text += `${text === '' ? '' : ','}\n${inner}${JSON.stringify(key)}: ${member}`;
  }
  return text === '' ? '{}' : `{${text}\n${indent}}`;
}

/**
 * The index text piece by piece (the head, then one piece per file, then the tail): the bytes of
 * JSON.stringify(index, null, 2) with config paths on one line, without ever holding the whole text, its
 * pretty-printed draft or an object of every entry (at 200,000 files the text is 120 MB). Files are listed sorted
 * by path.
 */
export function* provenancePieces(source: ProvenanceSource): Generator<string> {
  yield `{\n  "generator": ${JSON.stringify(source.generator)},\n  "comment": ${JSON.stringify(INDEX_COMMENT)},\n${source.config !== undefined ? `  "config": ${JSON.stringify(source.config)},\n` : ''}  "files": {`;
  let first = true;
  for (const path of indexOrder(source.paths)) {
    const entry = prettyValue(source.entry(path), '    ');
    if (entry === undefined) continue;
    yield `${first ? '' : ','}\n    ${JSON.stringify(path)}: ${entry}`;
    first = false;
  }
  yield `${first ? '}' : '\n  }'}\n}\n`;
}

export function serializeProvenance(index: ProvenanceIndex): string {
  return [...provenancePieces({ generator: index.generator, ...(index.config !== undefined ? { config: index.config } : {}), paths: Object.keys(index.files), entry: (path) => index.files[path]! })].join('');
}

export function parseProvenance(text: string): ProvenanceIndex | undefined {
  try {
    const value = JSON.parse(text) as Partial<ProvenanceIndex>;
    if (value?.generator !== 'meshforge' || typeof value.files !== 'object' || value.files === null) return undefined;
    for (const entry of Object.values(value.files)) if (typeof entry?.sha256 !== 'string' || !Array.isArray(entry.resources)) return undefined;
    return { generator: 'meshforge', ...(typeof value.config === 'string' ? { config: value.config } : {}), files: value.files };
  } catch {
    return undefined;
  }
}
