import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../generator/diagnostics/types.js';
import type { ManifestResource } from '../../generator/manifest/types.js';
import { EmbeddedValidator, defaultSchemaDir } from '../../generator/validate/embedded.js';
import { codeCacheFileName, loadStandalone, standaloneFileName } from '../../generator/validate/schema-ajv.js';
import { buildStandaloneSchemas } from '../../scripts/build-standalone-schemas.js';
import { FIXTURES, loadFixture } from './helpers.js';

const REPO = join(FIXTURES, '../../..');
const SCHEMAS = defaultSchemaDir();
const INDEX = JSON.parse(readFileSync(join(SCHEMAS, 'index.json'), 'utf8')) as { schemas: { apiVersion: string; kind: string; file: string }[] };

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.yaml') && !entry.name.endsWith('.values.yaml'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Every resource of the example tree (clusters/) and of the invalid-kind fixtures. */
const exampleResources = yamlFiles(join(REPO, 'clusters')).flatMap((file) => loadFixture(file).resources);
const fixtureResources = yamlFiles(join(FIXTURES, 'kinds')).flatMap((file) => loadFixture(file).resources);

/** Per kind in the index: the usual mistakes (unknown fields, wrong types, formats) in one object. */
function brokenOf(apiVersion: string, kind: string): ManifestResource {
  const object = {
    apiVersion,
    kind,
    metadata: { name: 'broken', labels: 'not-a-map', creationTimestamp: 'yesterday', generation: 2 ** 40, uid: 7 },
    spec: { unknownField: true, replicas: 'three', ports: [{ port: 4294967296, protocol: 'TCPX' }], hosts: 'one' },
    data: { key: 1 },
    rules: 'none',
    extra: {},
  };
  return { apiVersion, kind, name: 'broken', object, cluster: 'c', location: { file: 'broken.yaml', docIndex: 0, path: [] } };
}

/**
 * A resource broken all the way down: below the top level every string becomes a number and every mapping gets an
 * unknown key, so errors come from deep inside the schema (their schemaPath, schema and parentSchema included).
 */
function deeplyBroken(resource: ManifestResource): ManifestResource {
  const breakNode = (node: unknown, depth: number): unknown => {
    if (Array.isArray(node)) return node.map((item) => breakNode(item, depth + 1));
    if (node !== null && typeof node === 'object') {
      const broken = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, breakNode(value, depth + 1)]));
      return depth >= 2 ? { ...broken, unknownDeepField: true } : broken;
    }
    return typeof node === 'string' && depth >= 3 ? node.length : node;
  };
  return { ...resource, object: breakNode(resource.object, 0) as ManifestResource['object'] };
}

/** Diagnostics as plain data: the comparison covers ids, messages, hints, paths and positions alike. */
const plain = (diagnostics: readonly Diagnostic[]): unknown => JSON.parse(JSON.stringify(diagnostics));

describe('precompiled (ajv standalone) embedded schemas', () => {
  let dir: string;
  let standalone: EmbeddedValidator;
  const runtime = new EmbeddedValidator(SCHEMAS, null);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'meshforge-standalone-'));
    const built = buildStandaloneSchemas(SCHEMAS, dir);
    expect(built.written).toBe(INDEX.schemas.length);
    standalone = new EmbeddedValidator(SCHEMAS, dir);
  }, 120_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one file per schema, loaded instead of compiling', () => {
    for (const entry of INDEX.schemas) {
      const text = readFileSync(join(SCHEMAS, entry.file), 'utf8');
      expect(readdirSync(dir), entry.file).toContain(standaloneFileName(text));
      expect(typeof loadStandalone(dir, text), entry.file).toBe('function');
    }
  });

  it('has example and fixture resources to compare', () => {
    expect(exampleResources.length).toBeGreaterThan(50);
    expect(fixtureResources.length).toBeGreaterThan(100);
  });

  // One test per kind: each compiles one schema at run time for the reference, so no test waits on all of them.
  for (const entry of INDEX.schemas) {
    const key = `${entry.apiVersion}/${entry.kind}`;
    it(`${key}: the example tree, the invalid fixtures and a broken object report exactly as runtime-compiled ajv does`, async () => {
      const ofKind = (r: ManifestResource) => r.apiVersion === entry.apiVersion && r.kind === entry.kind;
      const examples = exampleResources.filter(ofKind);
      const resources = [...examples, ...examples.map(deeplyBroken), ...fixtureResources.filter(ofKind), brokenOf(entry.apiVersion, entry.kind)];
      const expected = await runtime.validate(resources);
      expect(expected.length).toBeGreaterThan(0);
      if (readFileSync(join(SCHEMAS, entry.file), 'utf8').includes('"date-time"')) expect(expected.some((d) => /valid date-time/.test(d.message))).toBe(true);
      expect(plain(await standalone.validate(resources))).toEqual(plain(expected));
    });
  }

  it('reports kinds without a schema exactly as runtime-compiled ajv does, every kind loaded precompiled', async () => {
    const known = new Set(INDEX.schemas.map((entry) => `${entry.apiVersion}/${entry.kind}`));
    const unknown = [...exampleResources, ...fixtureResources].filter((r) => !known.has(`${r.apiVersion}/${r.kind}`));
    expect(unknown.length).toBeGreaterThan(0);
    expect(plain(await standalone.validate(unknown))).toEqual(plain(await runtime.validate(unknown)));
    expect(standalone.origins()).toEqual({ standalone: INDEX.schemas.length, runtime: 0 });
  });

  it('writes a V8 code cache for the large schemas, and a cache V8 refuses changes nothing', async () => {
    const caches = readdirSync(dir).filter((name) => name.endsWith('.v8cache'));
    expect(caches.length).toBeGreaterThan(0);
    const largest = INDEX.schemas.find((entry) => entry.kind === 'ApplicationSet')!;
    const name = standaloneFileName(readFileSync(join(SCHEMAS, largest.file), 'utf8'));
    expect(caches).toContain(codeCacheFileName(name));
    const copy = mkdtempSync(join(tmpdir(), 'meshforge-standalone-cache-'));
    try {
      writeFileSync(join(copy, name), readFileSync(join(dir, name)));
      writeFileSync(join(copy, codeCacheFileName(name)), 'not a code cache');
      const refused = new EmbeddedValidator(SCHEMAS, copy);
      const broken = [brokenOf(largest.apiVersion, largest.kind)];
      expect(plain(await refused.validate(broken))).toEqual(plain(await standalone.validate(broken)));
      expect(refused.origins()).toEqual({ standalone: 1, runtime: 0 });
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('never loads code written for another schema text, and the build removes stale files', () => {
    const text = readFileSync(join(SCHEMAS, INDEX.schemas[0]!.file), 'utf8');
    expect(loadStandalone(dir, `${text} `)).toBeUndefined();
    const changed = new EmbeddedValidator(SCHEMAS, join(dir, 'missing'));
    changed.validateOne(brokenOf(INDEX.schemas[0]!.apiVersion, INDEX.schemas[0]!.kind));
    expect(changed.origins()).toEqual({ standalone: 0, runtime: 1 });

    writeFileSync(join(dir, 'stale.js'), '(() => () => true)\n');
    expect(buildStandaloneSchemas(SCHEMAS, dir)).toEqual({ written: 0, kept: INDEX.schemas.length, removed: 1 });
    expect(readdirSync(dir)).not.toContain('stale.js');
  });
});
