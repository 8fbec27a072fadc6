import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_PATH, configStandaloneFileName, defaultConfigStandaloneDir, loadConfigStandalone, useConfigStandaloneDir, validateConfigSchema } from '../../generator/config/schema.js';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { loadConfigFile } from '../../generator/model/load.js';
import { resolveDiagnostics } from '../../generator/report/resolve.js';
import { buildConfigStandalone } from '../../scripts/build-standalone-schemas.js';
import { tempDir } from '../generator/helpers.js';

const REPO = join(import.meta.dirname, '..', '..');
const FIXTURES = join(REPO, 'test', 'fixtures', 'config');

/** Every config the repository has: the examples, the valid fixtures and the invalid ones (all mistakes they show). */
const CONFIG_FILES = [
  join(REPO, 'mesh.config.yaml'),
  join(REPO, 'examples', 'ambient', 'mesh.config.yaml'),
  ...['valid', 'invalid'].flatMap((dir) => readdirSync(join(FIXTURES, dir)).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(FIXTURES, dir, f))),
];

/** Mistakes the fixtures do not all show, made in the example config: one schema keyword each, and several at once. */
const example = parse(readFileSync(join(REPO, 'mesh.config.yaml'), 'utf8')) as Record<string, unknown>;
const BROKEN: Record<string, unknown> = {
  'unknown keys, types and enums at once': { ...example, mesh: { id: 7, defaults: { outboundTrafficPolicy: 'registry_only', extra: true } }, clusters: 'none', extra: {} },
  'a pattern and a range': { ...example, clusters: [{ name: 'Bad_Name', network: 'n', istio: 'x' }], services: [{ name: 'a', namespace: 'b', cluster: 'c', ports: [{ port: 70000, name: 'http' }] }] },
  'a string with a control character': { ...example, mesh: { id: 'mesh\n1' } },
  'null values and lists for mappings': { ...example, mesh: null, services: {}, routes: [null] },
  'an empty document': {},
};

/** The run's diagnostics as plain data: ids, messages, hints, paths and positions alike. */
function loadPrinted(file: string): unknown {
  const sources = new SourceRegistry();
  const result = loadConfigFile(file, sources);
  return JSON.parse(JSON.stringify({ ok: result.ok, config: result.ok ? result.value.config : undefined, printed: resolveDiagnostics(result.diagnostics, sources) }));
}

/** The same input through one validator: the value with defaults filled in, or the diagnostics. */
const validated = (value: unknown): unknown => JSON.parse(JSON.stringify(validateConfigSchema(value, 'broken.yaml')));

describe('precompiled (ajv standalone) mesh config schema', () => {
  let dir: string;
  const schemaText = readFileSync(CONFIG_SCHEMA_PATH, 'utf8');

  beforeAll(() => {
    dir = tempDir('meshforge-config-standalone-');
    expect(buildConfigStandalone(CONFIG_SCHEMA_PATH, dir)).toEqual({ written: 1, kept: 0, removed: 0 });
  }, 60_000);

  // The unit project shares modules between files: leave the default (precompiled) validator for the next file.
  afterAll(() => useConfigStandaloneDir(defaultConfigStandaloneDir()));

  it('writes one file named after the schema text, and only a changed schema misses it', () => {
    expect(readdirSync(dir)).toEqual([configStandaloneFileName(schemaText)]);
    expect(buildConfigStandalone(CONFIG_SCHEMA_PATH, dir)).toEqual({ written: 0, kept: 1, removed: 0 });
    expect(loadConfigStandalone(dir, schemaText)).toBeTypeOf('function');
    expect(loadConfigStandalone(dir, schemaText.replace('"description"', '"description" '))).toBeUndefined();
  });

  it.each(CONFIG_FILES.map((file) => [file.slice(REPO.length + 1), file]))('%s: the same result as the run-time compiled schema', (_name, file) => {
    useConfigStandaloneDir(null);
    const runtime = loadPrinted(file);
    useConfigStandaloneDir(dir);
    expect(loadPrinted(file)).toEqual(runtime);
  });

  it.each(Object.entries(BROKEN))('%s: the same diagnostics as the run-time compiled schema', (_name, value) => {
    useConfigStandaloneDir(null);
    const runtime = validated(value);
    useConfigStandaloneDir(dir);
    const standalone = validated(value);
    expect((runtime as { ok: boolean }).ok).toBe(false);
    expect(standalone).toEqual(runtime);
  });
});
