import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../generator/validate/catalog.js';
import { deriveSchemas, extractSchemaLiteral } from '../../generator/validate/derive.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SCHEMA_DIR = join(ROOT, 'schemas', 'k8s');

describe('schemas/k8s derivation', () => {
  const derived = deriveSchemas(join(ROOT, 'node_modules'));

  it('re-deriving from the pinned packages gives exactly the committed files (run `npm run schemas` after an upgrade)', () => {
    const committed = readdirSync(SCHEMA_DIR, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.split('\\').join('/'))
      .sort();
    expect(committed).toEqual([...derived.files.keys()].sort());
    for (const [file, content] of derived.files) expect(readFileSync(join(SCHEMA_DIR, file), 'utf8'), file).toBe(content);
  });

  it('covers every catalog entry, each schema compiling as draft-07', () => {
    const index = JSON.parse(derived.files.get('index.json')!) as { schemas: { apiVersion: string; kind: string; file: string }[] };
    expect(index.schemas.map((s) => `${s.apiVersion}/${s.kind}`)).toEqual(CATALOG.map((c) => `${c.apiVersion}/${c.kind}`));
    const ajv = new Ajv({ strict: false, validateFormats: false });
    for (const entry of index.schemas.filter((s) => !s.file.startsWith('argoproj.io/applicationset'))) {
      expect(() => ajv.compile(JSON.parse(derived.files.get(entry.file)!) as object), entry.file).not.toThrow();
    }
  });

  it('is strict where the source lists fields and open where it is free-form', () => {
    const read = (file: string) => JSON.parse(derived.files.get(file)!) as Record<string, any>;
    const dr = read('networking.istio.io/destinationrule_v1.json');
    expect(dr.additionalProperties).toBe(false);
    expect(dr.properties.spec.properties.trafficPolicy.properties.tls.additionalProperties).toBe(false);
    // EnvoyFilter patch values and Helm values are passed through to Envoy/Helm: never strict.
    const ef = read('networking.istio.io/envoyfilter_v1alpha3.json');
    expect(ef.properties.spec.properties.configPatches.items.properties.patch.properties.value.additionalProperties).toBeUndefined();
    expect(read('helm.toolkit.fluxcd.io/helmrelease_v2.json').properties.spec.properties.values.additionalProperties).toBeUndefined();
    expect(read('core/configmap_v1.json').properties.data.additionalProperties).toEqual({ type: 'string' });
    const io = read('install.istio.io/istiooperator_v1alpha1.json');
    expect(io.properties.spec.additionalProperties).toBe(false);
    expect(io.properties.spec.properties.values).toEqual({ type: 'object' });
    // Aliased versions carry their own apiVersion.
    expect(dr.properties.apiVersion.enum).toEqual(['networking.istio.io/v1']);
  });

  it('reads the generator output format of the source packages', () => {
    const text = 'const schemaId = "x.v1.Y";\nconst schema = {\n    "type": "object",\n    "properties": {}\n};\nfunction f() {}\n';
    expect(extractSchemaLiteral(text)).toEqual({ id: 'x.v1.Y', schema: { type: 'object', properties: {} } });
    expect(extractSchemaLiteral('const schema = {};\n(0, validate_1.register)("a.b", schema);')).toEqual({ id: 'a.b', schema: {} });
    expect(extractSchemaLiteral('export {};')).toBeUndefined();
  });
});
