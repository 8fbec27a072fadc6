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
export const PROVENANCE_FILE = 'meshforge-provenance.json';

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

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
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

export function serializeProvenance(index: ProvenanceIndex): string {
  const files = Object.fromEntries(Object.entries(index.files).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  const ordered = {
    generator: index.generator,
    comment: 'Written by `meshforge generate`: the files it generated here. Do not edit. Files not listed are left alone.',
    ...(index.config !== undefined ? { config: index.config } : {}),
    files,
  };
  // Config paths on one line (["services", 1, "exportTo", 0]) keep the index short and its diffs readable.
  const text = JSON.stringify(ordered, null, 2).replace(/\[\n\s+([^[\]{}]*?)\n\s*\]/g, (_match, inner: string) => `[${inner.split(/,\n\s*/).join(', ')}]`);
  return `${text}\n`;
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
