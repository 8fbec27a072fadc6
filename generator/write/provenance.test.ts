import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configEntriesOf, parseProvenance, provenancePieces, readProvenance, serializeProvenance, type ProvenanceEntry, type ProvenanceIndex } from './provenance.js';

/**
 * The index format 2 as its definition reads: the object JSON.stringify(…, null, 2) would print, except that each
 * file's entry is compact on the line of its path. The streaming serializer must give exactly these bytes.
 */
function referenceSerialize(index: ProvenanceIndex): string {
  const files = Object.fromEntries(Object.entries(index.files).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  const lines = Object.entries(files)
    .filter(([, entry]) => JSON.stringify(entry) !== undefined)
    .map(([path, entry]) => `    ${JSON.stringify(path)}: ${JSON.stringify(entry)}`);
  const head = ['{', '  "generator": "meshforge",', '  "format": 2,', `  "comment": ${JSON.stringify('Written by `meshforge generate`: the files it generated here. Do not edit. Files not listed are left alone.')},`];
  if (index.config !== undefined) head.push(`  "config": ${JSON.stringify(index.config)},`);
  const files2 = lines.length === 0 ? ['  "files": {}'] : ['  "files": {', lines.join(',\n'), '  }'];
  return `${[...head, ...files2, '}'].join('\n')}\n`;
}

/** Text with the characters that matter to the format: brackets, braces, quotes, commas, escapes, non-ASCII. */
const tricky = fc.string({ unit: fc.constantFrom('a', 'b', '0', '1', '9', '[', ']', '{', '}', '"', ',', ' ', '\n', '\\', '/', '.', 'é', '€', '😀'), maxLength: 8 });

const entry: fc.Arbitrary<ProvenanceEntry> = fc.record(
  {
    cluster: tricky,
    sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
    source: tricky,
    resources: fc.array(
      fc.record(
        { apiVersion: tricky, kind: tricky, namespace: tricky, name: tricky, docIndex: fc.nat(5) },
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
  it('gives one line per file, sorted, and valid JSON of the index, for any index', () => {
    fc.assert(
      fc.property(index, (value) => {
        const text = serializeProvenance(value);
        expect(text).toBe(referenceSerialize(value));
        expect(parseProvenance(text)).toEqual(value);
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

  it('writes identity sources, one line per file, and round-trips through parseProvenance', () => {
    const value: ProvenanceIndex = {
      generator: 'meshforge',
      config: '../mesh.config.yaml',
      files: {
        'c2/b.yaml': { cluster: 'c2', sha256: 'b'.repeat(64), resources: [] },
        'c1/a.yaml': { cluster: 'c1', sha256: 'a'.repeat(64), source: 'services[bar/httpbin].exportTo[c1]', resources: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', docIndex: 0 }] },
      },
    };
    const text = serializeProvenance(value);
    const lines = text.split('\n');
    expect(lines).toContain(`    "c1/a.yaml": {"cluster":"c1","sha256":"${'a'.repeat(64)}","source":"services[bar/httpbin].exportTo[c1]","resources":[{"apiVersion":"v1","kind":"ConfigMap","name":"a","docIndex":0}]},`);
    expect(text.indexOf('"c1/a.yaml"')).toBeLessThan(text.indexOf('"c2/b.yaml"'));
    expect(text).toContain('"format": 2,');
    expect(text.endsWith('}\n')).toBe(true);
    expect(parseProvenance(text)).toEqual(value);
    expect(configEntriesOf(value, 'c1/a.yaml')).toEqual(['services[bar/httpbin].exportTo[c1]']);
    expect(configEntriesOf(value, 'c2/b.yaml')).toEqual([]);
    expect(configEntriesOf(value, 'missing.yaml')).toEqual([]);
  });

  it('reads a format 1 index (pretty-printed, positional origins): files and hashes kept, positional paths dropped', () => {
    const v1 = JSON.stringify(
      {
        generator: 'meshforge',
        comment: 'x',
        config: '../mesh.config.yaml',
        files: { 'c1/a.yaml': { cluster: 'c1', sha256: 'a'.repeat(64), source: 'services[2].exportTo[0]', origin: ['services', 2, 'exportTo', 0], resources: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', docIndex: 0, origin: ['services', 2] }] } },
      },
      null,
      2,
    );
    const read = readProvenance(v1);
    expect(read).toEqual({ ok: true, index: { generator: 'meshforge', config: '../mesh.config.yaml', files: { 'c1/a.yaml': { cluster: 'c1', sha256: 'a'.repeat(64), resources: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', docIndex: 0 }] } } } });
  });

  it('refuses an index of a newer format with what to do, and anything else as not an index', () => {
    const newer = readProvenance('{"generator": "meshforge", "format": 3, "files": {}}');
    expect(newer.ok).toBe(false);
    if (!newer.ok) {
      expect(newer.problem).toBe('was written by a newer meshforge (index format 3; this one reads formats 1 and 2)');
      expect(newer.hint).toMatch(/^Upgrade meshforge/);
    }
    for (const text of ['{', '[]', '{"generator": "other", "files": {}}', '{"generator": "meshforge", "format": "2", "files": {}}', '{"generator": "meshforge", "format": 2, "files": {"a": {"resources": []}}}']) {
      const read = readProvenance(text);
      expect(read.ok ? 'read' : read.problem).toBe('is not a meshforge provenance index');
    }
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
