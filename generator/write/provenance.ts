import { createHash } from 'node:crypto';
import { posix, relative, resolve } from 'node:path';
import type { RenderedFile } from '../manifest/types.js';

/**
 * The provenance index: one JSON file at the root of the output folder listing every file meshforge generated there,
 * its sha256, its resources and the config entry it came from. The writer reads it to know which files are its own
 * (to prune them, and to leave every other file alone); later stages read it to map a generated file back to its
 * mesh.config.yaml entry (configEntriesOf).
 *
 * Format 2 diffs like source: files sorted by path, one line each, config entries named by identity
 * (services[bar/httpbin], config/identity.ts) instead of by position, so that removing one service changes the lines of
 * its own files and no others. Format 1 (no "format" key: pretty-printed, positional "origin" paths) is still read:
 * its files and hashes count, its positional paths are dropped, and the next generate rewrites it as format 2.
 */

export const PROVENANCE_FORMAT = 2;

export interface ProvenanceResource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly docIndex: number;
}

export interface ProvenanceEntry {
  readonly cluster?: string;
  readonly sha256: string;
  /** The config entry the file comes from, by identity: services[bar/httpbin].exportTo[cluster1]. */
  readonly source?: string;
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

/** The index entry of a file; `contentSha256` when the caller already knows it (the file is then not rendered). */
export function provenanceEntry(file: RenderedFile, contentSha256?: string): ProvenanceEntry {
  return {
    ...(file.cluster !== undefined ? { cluster: file.cluster } : {}),
    sha256: contentSha256 ?? sha256(file.content),
    ...(file.source !== undefined ? { source: file.source } : {}),
    resources: file.resources.map((r, i) => ({
      apiVersion: r.apiVersion,
      kind: r.kind,
      ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
      name: r.name,
      docIndex: r.location.docIndex ?? i,
    })),
  };
}

/**
 * The config entries a generated file comes from, by identity (services[bar/httpbin].exportTo[cluster1]), read from
 * an index: what a change summary lists as "the config lines that caused the change". locateConfigPath
 * (config/identity.ts) turns one into the positional path of today's config, resolvePosition into line:col. Empty for
 * a file the index does not list or that names no entry (format 1 indexes).
 */
export function configEntriesOf(index: ProvenanceIndex, path: string): string[] {
  const source = index.files[path]?.source;
  return typeof source === 'string' ? [source] : [];
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

/**
 * The index text piece by piece (the head, then one line per file, then the tail), without ever holding the whole
 * text or an object of every entry (at 200,000 files the text is 100+ MB). Files are listed in the order JSON.parse
 * gives their keys back (sorted by path, array-index-like paths first), each entry compact on its own line: a change to
 * one file changes one line.
 */
export function* provenancePieces(source: ProvenanceSource): Generator<string> {
  yield `{\n  "generator": ${JSON.stringify(source.generator)},\n  "format": ${PROVENANCE_FORMAT},\n  "comment": ${JSON.stringify(INDEX_COMMENT)},\n${source.config !== undefined ? `  "config": ${JSON.stringify(source.config)},\n` : ''}  "files": {`;
  let first = true;
  for (const path of indexOrder(source.paths)) {
    const entry = JSON.stringify(source.entry(path)) as string | undefined;
    if (entry === undefined) continue;
    yield `${first ? '' : ','}\n    ${JSON.stringify(path)}: ${entry}`;
    first = false;
  }
  yield `${first ? '}' : '\n  }'}\n}\n`;
}

export function serializeProvenance(index: ProvenanceIndex): string {
  return [...provenancePieces({ generator: index.generator, ...(index.config !== undefined ? { config: index.config } : {}), paths: Object.keys(index.files), entry: (path) => index.files[path]! })].join('');
}

/** An index read back, or why it cannot be read and what to do. */
export type ProvenanceRead = { readonly ok: true; readonly index: ProvenanceIndex } | { readonly ok: false; readonly problem: string; readonly hint: string };

/** Format 1 entries named config nodes by position: those paths are dropped (they may point at another entry now). */
function fromFormat1(entry: Record<string, unknown>): ProvenanceEntry {
  const { source: _source, origin: _origin, resources, ...rest } = entry;
  return { ...(rest as unknown as ProvenanceEntry), resources: (resources as Record<string, unknown>[]).map(({ origin: _o, ...r }) => r as unknown as ProvenanceResource) };
}

export function readProvenance(text: string): ProvenanceRead {
  const notIndex = { ok: false as const, problem: 'is not a meshforge provenance index', hint: 'Restore it from git (git checkout -- <file>); without it meshforge cannot tell its files from yours.' };
  let value: { generator?: unknown; format?: unknown; config?: unknown; files?: unknown };
  try {
    value = JSON.parse(text) as typeof value;
  } catch {
    return notIndex;
  }
  if (value?.generator !== 'meshforge' || typeof value.files !== 'object' || value.files === null || Array.isArray(value.files)) return notIndex;
  const format = value.format ?? 1;
  if (format !== 1 && format !== PROVENANCE_FORMAT) {
    return typeof format === 'number' && Number.isInteger(format) && format > PROVENANCE_FORMAT
      ? { ok: false, problem: `was written by a newer meshforge (index format ${format}; this one reads formats 1 and ${PROVENANCE_FORMAT})`, hint: 'Upgrade meshforge to the version that generated this tree (see the repository\'s package.json or CI), then run generate again.' }
      : notIndex;
  }
  const files = value.files as Record<string, unknown>;
  for (const entry of Object.values(files)) {
    const e = entry as Partial<ProvenanceEntry> | null;
    if (typeof e?.sha256 !== 'string' || !Array.isArray(e.resources)) return notIndex;
  }
  const read = format === 1 ? Object.fromEntries(Object.entries(files).map(([path, entry]) => [path, fromFormat1(entry as Record<string, unknown>)])) : (files as Record<string, ProvenanceEntry>);
  return { ok: true, index: { generator: 'meshforge', ...(typeof value.config === 'string' ? { config: value.config } : {}), files: read } };
}

/** The index of `text`, or undefined when it is none that this meshforge reads (readProvenance says why). */
export function parseProvenance(text: string): ProvenanceIndex | undefined {
  const read = readProvenance(text);
  return read.ok ? read.index : undefined;
}
