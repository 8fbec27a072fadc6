import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import type { ManifestResource } from '../../generator/manifest/types.js';

export const FIXTURES = new URL('../fixtures/validate/', import.meta.url).pathname;
export const STANDIN = `${FIXTURES}kubeconform-standin.mjs`;

export interface FixtureCase {
  readonly docIndex: number;
  /** From the document's `# case: <name>` comment. */
  readonly name: string;
  /** Every line marked `# expect: <rule>`, 1-based. */
  readonly expected: readonly { readonly rule: string; readonly line: number }[];
}

export interface LoadedFixture {
  readonly file: string;
  readonly sources: SourceRegistry;
  readonly resources: ManifestResource[];
  readonly cases: FixtureCase[];
}

/**
 * Reads a multi-document fixture the way a manifest loader would: one ManifestResource per document, its text
 * registered for position resolution. Expectations live in the fixture itself, as comments on the offending lines.
 */
export function loadFixture(path: string, cluster = 'fixture'): LoadedFixture {
  const text = readFileSync(path, 'utf8');
  const file = relative(process.cwd(), path);
  const sources = new SourceRegistry();
  sources.addText(file, text);
  const documents = parseAllDocuments(text);
  const lineOf = (offset: number): number => text.slice(0, offset).split('\n').length;
  const lines = text.split('\n');
  const resources: ManifestResource[] = [];
  const cases: FixtureCase[] = [];
  documents.forEach((doc, docIndex) => {
    const object = doc.toJS() as Record<string, unknown>;
    const metadata = (object['metadata'] ?? {}) as { name?: string; namespace?: string };
    resources.push({
      apiVersion: String(object['apiVersion']),
      kind: String(object['kind']),
      name: metadata.name ?? 'kustomization',
      ...(metadata.namespace ? { namespace: metadata.namespace } : {}),
      object,
      cluster,
      location: { file, docIndex, path: [] },
      origin: { file: 'mesh.config.yaml', path: ['services', docIndex] },
    });
    const [start, , end] = doc.range;
    const first = lineOf(start);
    const last = lineOf(end);
    // The `# case:` comment sits just above the document's first node (after the `---`).
    const header = lines.slice(Math.max(0, first - 3), last).find((line) => line.startsWith('# case: '));
    const expected = lines
      .map((line, i) => ({ line: i + 1, match: /# expect: ([\w-]+)/.exec(line) }))
      .filter((l) => l.match && l.line >= first && l.line <= last)
      .map((l) => ({ rule: l.match![1]!, line: l.line }));
    cases.push({ docIndex, name: header?.slice('# case: '.length).trim() ?? `doc ${docIndex}`, expected });
  });
  return { file, sources, resources, cases };
}
