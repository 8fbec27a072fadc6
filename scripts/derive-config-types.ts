import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compile, type JSONSchema } from 'json-schema-to-typescript';

/**
 * `npm run schemas` (second step): derives generator/config/types.generated.ts from schemas/mesh.config.schema.json,
 * so the config's types have one source, the schema. The types describe the config AFTER validation: ajv fills
 * every `default`, so a property with a default is required in the type.
 */
export const CONFIG_TYPES_FILE = join('generator', 'config', 'types.generated.ts');
export const CONFIG_SCHEMA_FILE = join('schemas', 'mesh.config.schema.json');

const BANNER = `/**
 * mesh.config.yaml after schema validation, with the schema's defaults filled in.
 * Generated from ${CONFIG_SCHEMA_FILE} by \`npm run schemas\` (scripts/derive-config-types.ts). Do not edit:
 * change the schema and regenerate. test/config/types.test.ts fails when the two differ.
 */
/* eslint-disable */`;

type SchemaObject = { [key: string]: unknown };

const isObject = (value: unknown): value is SchemaObject => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The schema as the types see it: defaulted properties required, value-only constraints (oneOf of `required`s) dropped. */
export function typingView(schema: SchemaObject): SchemaObject {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!isObject(node)) return node;
    const out: SchemaObject = {};
    for (const [key, value] of Object.entries(node)) out[key] = key === 'default' || key === 'const' || key === 'enum' ? value : visit(value);
    if (isObject(node.properties)) {
      const defaulted = Object.entries(node.properties as Record<string, SchemaObject>).filter(([, p]) => p.default !== undefined).map(([k]) => k);
      const required = [...new Set([...((out.required as string[] | undefined) ?? []), ...defaulted])];
      if (required.length > 0) out.required = required;
    }
    // oneOf/anyOf beside a type only narrow the values (cluster xor clusters, ipv4 or CIDR): the shape is the type's.
    if (out.type !== undefined || out.properties !== undefined) {
      delete out.oneOf;
      delete out.anyOf;
    }
    // A $ref with a local description/default would otherwise become a second, numbered copy of the type.
    if (typeof out.$ref === 'string') for (const key of Object.keys(out)) if (key !== '$ref') delete out[key];
    return out;
  };
  const view = visit(schema) as SchemaObject;
  delete view.title;
  delete view.$id;
  return view;
}

/** The generated TypeScript for a schema document (deterministic: same schema, same bytes). */
export async function deriveConfigTypes(schema: SchemaObject): Promise<string> {
  return compile(typingView(schema) as JSONSchema, 'MeshConfig', {
    bannerComment: BANNER,
    additionalProperties: false,
    ignoreMinAndMaxItems: true,
    strictIndexSignatures: false,
    unknownAny: true,
    format: true,
    style: { printWidth: 140, singleQuote: true },
    declareExternallyReferenced: true,
  });
}

async function main(root: string): Promise<void> {
  const schema = JSON.parse(readFileSync(join(root, CONFIG_SCHEMA_FILE), 'utf8')) as SchemaObject;
  writeFileSync(join(root, CONFIG_TYPES_FILE), await deriveConfigTypes(schema));
  process.stdout.write(`wrote ${CONFIG_TYPES_FILE}\n`);
}

// Run from the repository root by `npm run schemas`; importing the module (tests) only gives the functions.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.cwd());
