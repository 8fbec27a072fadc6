import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConfigReference, type SchemaNode } from '../../generator/config/reference.js';
import { CONFIG_SCHEMA_PATH, validateConfigSchema } from '../../generator/config/schema.js';

const schema = JSON.parse(readFileSync(CONFIG_SCHEMA_PATH, 'utf8')) as SchemaNode;

function propertiesWithoutDescription(node: SchemaNode, path: string, defs: Readonly<Record<string, SchemaNode>>, out: string[]): string[] {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const target = child.$ref ? defs[child.$ref.replace('#/$defs/', '')]! : child;
    if (!child.description && !target.description) out.push(`${path}.${key}`);
    propertiesWithoutDescription(child, `${path}.${key}`, defs, out);
  }
  if (node.items) propertiesWithoutDescription(node.items, `${path}[]`, defs, out);
  return out;
}

describe('mesh.config.schema.json', () => {
  it('is JSON Schema 2020-12', () => {
    expect((schema as { $schema?: string }).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('describes every property, so editors can show help', () => {
    const defs = schema.$defs ?? {};
    const missing = propertiesWithoutDescription(schema, '', defs, []);
    for (const [name, def] of Object.entries(defs)) propertiesWithoutDescription(def, `$defs.${name}`, defs, missing);
    expect(missing).toEqual([]);
  });

  it('rejects unknown keys everywhere (additionalProperties: false on every mapping with properties)', () => {
    const open: string[] = [];
    const visit = (node: SchemaNode, path: string) => {
      if (node.properties && node.additionalProperties !== false) open.push(path);
      for (const [key, child] of Object.entries(node.properties ?? {})) visit(child, `${path}.${key}`);
      if (node.items) visit(node.items, `${path}[]`);
    };
    visit(schema, '');
    for (const [name, def] of Object.entries(schema.$defs ?? {})) visit(def, `$defs.${name}`);
    expect(open).toEqual([]);
  });

  it('fills defaults without changing the input', () => {
    const input = { mesh: { id: 'm' }, clusters: [{ name: 'c', network: 'n' }] };
    const before = JSON.stringify(input);
    const result = validateConfigSchema(input, 'x.yaml');
    expect(JSON.stringify(input)).toBe(before);
    expect(result.ok && result.value.mesh.defaults.outboundTrafficPolicy).toBe('REGISTRY_ONLY');
  });
});

describe('docs/config-reference.md', () => {
  it('is up to date with the schema (regenerate with `npm run docs:config`)', () => {
    const committed = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'config-reference.md'), 'utf8');
    expect(committed).toBe(renderConfigReference());
  });
});
