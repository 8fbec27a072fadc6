import { readFileSync } from 'node:fs';
import { CONFIG_SCHEMA_PATH } from './schema.js';

/** The JSON Schema keywords the reference renders. */
export interface SchemaNode {
  readonly description?: string;
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly items?: SchemaNode;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  readonly $ref?: string;
  readonly anyOf?: readonly SchemaNode[];
  readonly oneOf?: readonly SchemaNode[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  readonly $defs?: Readonly<Record<string, SchemaNode>>;
}

function refName(ref: string): string {
  return ref.replace('#/$defs/', '');
}

function typeOf(node: SchemaNode, defs: Readonly<Record<string, SchemaNode>>): string {
  if (node.$ref) {
    const target = defs[refName(node.$ref)]!;
    return target.properties ? 'mapping' : typeOf(target, defs);
  }
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  if (node.enum) return node.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (node.oneOf ?? node.anyOf) return (node.oneOf ?? node.anyOf)!.map((n) => typeOf(n, defs)).join(' or ');
  if (node.type === 'array' && node.items) return `list of ${typeOf(node.items, defs)}`;
  if (node.type === 'integer' && node.minimum !== undefined && node.maximum !== undefined) return `integer ${node.minimum}–${node.maximum}`;
  if (node.type === 'object' && !node.properties) return 'map';
  if (node.type === 'object') return 'mapping';
  return Array.isArray(node.type) ? node.type.join(' or ') : String(node.type ?? 'any');
}

function merged(node: SchemaNode, defs: Readonly<Record<string, SchemaNode>>): SchemaNode {
  return node.$ref ? { ...defs[refName(node.$ref)], ...node, $ref: undefined } : node;
}

function objectOf(node: SchemaNode, defs: Readonly<Record<string, SchemaNode>>): SchemaNode | undefined {
  const m = merged(node, defs);
  if (m.properties) return m;
  if (m.type === 'array' && m.items) return objectOf(m.items, defs);
  return undefined;
}

/** Renders the config reference (docs/config-reference.md) from the schema, so the two cannot drift. */
export function renderConfigReference(schema: SchemaNode = JSON.parse(readFileSync(CONFIG_SCHEMA_PATH, 'utf8')) as SchemaNode): string {
  const defs = schema.$defs ?? {};
  const out: string[] = [
    '# mesh.config.yaml reference',
    '',
    '<!-- Generated from schemas/mesh.config.schema.json by `npm run docs:config`. Do not edit by hand. -->',
    '',
    'Add this first line to the file so that editors with the YAML language server complete keys and show these descriptions:',
    '',
    '```yaml',
    '# yaml-language-server: $schema=./schemas/mesh.config.schema.json',
    '```',
    '',
  ];
  const seen = new Set<string>();
  const walk = (node: SchemaNode, path: string): void => {
    const object = objectOf(node, defs);
    if (!object?.properties) return;
    if (seen.has(path)) return;
    seen.add(path);
    out.push(`## \`${path}\``, '');
    const description = merged(node, defs).description;
    if (description) out.push(description, '');
    out.push('| key | type | required | default | description |', '|---|---|---|---|---|');
    for (const [key, child] of Object.entries(object.properties)) {
      const c = merged(child, defs);
      const required = object.required?.includes(key) ? 'yes' : '';
      const defaultValue = c.default !== undefined ? `\`${JSON.stringify(c.default)}\`` : '';
      out.push(`| \`${key}\` | ${typeOf(child, defs)} | ${required} | ${defaultValue} | ${(c.description ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
    }
    out.push('');
    for (const [key, child] of Object.entries(object.properties)) {
      const isList = merged(child, defs).type === 'array';
      walk(child, path === '' ? `${key}${isList ? '[]' : ''}` : `${path}.${key}${isList ? '[]' : ''}`);
    }
  };
  walk(schema, '');
  // The root table is titled by its path; give it a readable heading.
  return out.join('\n').replace('## ``', '## Top level') + '\n';
}
