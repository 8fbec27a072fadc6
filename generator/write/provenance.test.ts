import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseProvenance, provenancePieces, serializeProvenance, type ProvenanceEntry, type ProvenanceIndex } from './provenance.js';

/**
 * The index format as first written: a whole-object pretty print, then a regular expression that puts arrays without
 * brackets or braces inside on one line. The streaming serializer must give exactly these bytes (the committed trees
 * and every user's index are in this format).
 */
function referenceSerialize(index: ProvenanceIndex): string {
  const files = Object.fromEntries(Object.entries(index.files).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  const ordered = {
    generator: index.generator,
    comment: 'Written by `meshforge generate`: the files it generated here. Do not edit. Files not listed are left alone.',
    ...(index.config !== undefined ? { config: index.config } : {}),
    files,
  };
  const text = JSON.stringify(ordered, null, 2).replace(/\[\n\s+([^[\]{}]*?)\n\s*\]/g, (_match, inner: string) => `[${inner.split(/,\n\s*/).join(', ')}]`);
  return `${text}\n`;
}

/** Text with the characters that matter to the format: brackets, braces, quotes, commas, escapes, non-ASCII. */
const tricky = fc.string({ unit: fc.constantFrom('a', 'b', '0', '1', '9', '[', ']', '{', '}', '"', ',', ' ', '\n', '\\', '/', '.', 'é', '€', '😀'), maxLength: 8 });
const pathSegment = fc.oneof(tricky, fc.integer({ min: -3, max: 1000 }));
const docPath = fc.array(pathSegment, { maxLength: 5 });

const entry: fc.Arbitrary<ProvenanceEntry> = fc.record(
  {
    cluster: tricky,
    sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
    source: tricky,
    origin: docPath,
    resources: fc.array(
      fc.record(
        { apiVersion: tricky, kind: tricky, namespace: tricky, name: tricky, docIndex: fc.nat(5), origin: docPath },
        { requiredKeys: ['apiVersion', 'kind', 'name', 'docIndex'] },
      ),
      { maxLength: 3 },
    ),
  },
  { requiredKeys: ['sha256', 'resources'] },
);

/** Paths, including ones objects order first (array indices) and ones that only look like them (01, -1, 2^32 - 1). */
const filePath = fc.oneof(tricky, fc.constantFrom('0', '7', '10', '01', '-1', '4294967294', '4294967295', '1e3', 'c1/ns/a.yaml', 'c1/ns/b.yaml', '__proto__'));

const index: fc.Arbitrary<ProvenanceIndex> = fc.record(
  {
    generator: fc.constant('meshforge' as const),
    config: tricky,
    files: fc.dictionary(filePath, entry, { maxKeys: 8 }),
  },
  { requiredKeys: ['generator', 'files'] },
);

describe('serializeProvenance', () => {
  it('gives the bytes of the pretty print plus one-line arrays, for any index', () => {
    fc.assert(
      fc.property(index, (value) => {
        expect(serializeProvenance(value)).toBe(referenceSerialize(value));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same bytes for entries read back from an index, whatever JSON they hold (a scoped run keeps them as read)', () => {
    // Previous entries come from JSON.parse of a file: extra keys, nested arrays and objects, nulls, empty containers.
    const loose = fc.dictionary(filePath, fc.jsonValue({ maxDepth: 4 }), { maxKeys: 6 });
    fc.assert(
      fc.property(loose, (files) => {
        const value = { generator: 'meshforge', files } as unknown as ProvenanceIndex;
        expect(serializeProvenance(value)).toBe(referenceSerialize(value));
      }),
      { numRuns: 500 },
    );
  });

  it('writes config paths on one line and round-trips through parseProvenance', () => {
    const value: ProvenanceIndex = {
      generator: 'meshforge',
      config: '../mesh.config.yaml',
      files: {
        'c2/b.yaml': { cluster: 'c2', sha256: 'b'.repeat(64), resources: [] },
        'c1/a.yaml': { cluster: 'c1', sha256: 'a'.repeat(64), source: 'services[1].exportTo[0]', origin: ['services', 1, 'exportTo', 0], resources: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', docIndex: 0, origin: ['services', 1] }] },
      },
    };
    const text = serializeProvenance(value);
    expect(text).toContain('"origin": ["services", 1, "exportTo", 0],');
    expect(text.indexOf('"c1/a.yaml"')).toBeLessThan(text.indexOf('"c2/b.yaml"'));
    expect(text).toContain('"resources": []');
    expect(text.endsWith('}\n')).toBe(true);
    expect(parseProvenance(text)).toEqual(value);
  });

  it('makes each entry only when its turn comes, one piece per file between the head and the tail', () => {
    const made: string[] = [];
    const pieces = provenancePieces({
      generator: 'meshforge',
      paths: ['b', 'a'],
      entry: (path) => {
        made.push(path);
        return { sha256: path.repeat(64), resources: [] };
      },
    });
    const head = pieces.next();
    expect(head.value).toContain('"files": {');
    expect(made).toEqual([]);
    expect(pieces.next().value).toContain('"a": {');
    expect(made).toEqual(['a']);
    expect([...pieces]).toHaveLength(2);
    expect(made).toEqual(['a', 'b']);
  });

  it('writes an empty index with an empty files object', () => {
    const value: ProvenanceIndex = { generator: 'meshforge', files: {} };
    expect(serializeProvenance(value)).toBe(referenceSerialize(value));
    expect(serializeProvenance(value)).toContain('"files": {}\n}\n');
  });
});
