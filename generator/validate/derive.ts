import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CATALOG, schemaFileFor, type CatalogEntry, type JsonSchema } from './catalog.js';
import { AUTHORED_SCHEMAS, ISTIO_OPERATOR_SPEC } from './authored.js';
import { readCrdSources } from './derive-crd.js';

/**
 * Derives the strict schemas under schemas/k8s/ from the schema literals that the kubernetes-models packages ship.
 * Those packages are generated from the Kubernetes OpenAPI document and the projects' CRDs, but their validators
 * accept unknown fields. Here every object that lists its properties gets `additionalProperties: false` (what
 * kubeconform -strict does), while objects the source leaves open (free-form maps, preserved-unknown-fields
 * nodes, which the generator emits as `properties: {}`) stay open. Pure: the same packages give the same bytes.
 */

/** The packages (relative to node_modules) whose schema literals are read, with the version the index records. */
export const SOURCE_PACKAGES = ['kubernetes-models', '@kubernetes-models/apimachinery', '@kubernetes-models/istio', '@kubernetes-models/argo-cd', '@kubernetes-models/flux-cd'] as const;

export interface DerivedSchemas {
  /** Path relative to schemas/k8s/ -> file content (JSON text with a trailing newline). */
  readonly files: ReadonlyMap<string, string>;
}

const SCHEMA_START = 'const schema = ';

/** Reads one generated module's schema literal and its id; undefined for modules without one (index files). */
export function extractSchemaLiteral(text: string): { id: string; schema: JsonSchema } | undefined {
  const start = text.indexOf(SCHEMA_START);
  if (start === -1) return undefined;
  const lineEnd = text.indexOf('\n', start);
  const firstLine = text.slice(start + SCHEMA_START.length, lineEnd).trim();
  // The generator prints JSON.stringify output: either `{};` on one line or a block closed by `\n};`.
  const literal = firstLine.endsWith(';') ? firstLine.slice(0, -1) : text.slice(start + SCHEMA_START.length, text.indexOf('\n};', start) + 2);
  const id = /const schemaId = "([^"]+)"/.exec(text)?.[1] ?? /register\)\("([^"]+)", schema\)/.exec(text)?.[1];
  if (!id) throw new Error('schema literal without an id');
  return { id, schema: JSON.parse(literal) as JsonSchema };
}

function walkModules(dir: string, found: Map<string, JsonSchema>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') walkModules(full, found);
    } else if (entry.name.endsWith('.js') && !entry.name.startsWith('index.')) {
      const extracted = extractSchemaLiteral(readFileSync(full, 'utf8'));
      if (extracted) found.set(extracted.id, extracted.schema);
    }
  }
}

/** Every schema literal of the source packages, and of the committed CRD sources beside node_modules, by id. */
export function collectSourceSchemas(nodeModules: string): Map<string, JsonSchema> {
  const found = new Map<string, JsonSchema>();
  for (const pkg of SOURCE_PACKAGES) walkModules(join(nodeModules, pkg), found);
  for (const source of readCrdSources(dirname(nodeModules)).values()) for (const [id, schema] of Object.entries(source.schemas)) found.set(id, schema);
  return found;
}

export function sourceVersions(nodeModules: string): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const pkg of SOURCE_PACKAGES) {
    versions[pkg] = (JSON.parse(readFileSync(join(nodeModules, pkg, 'package.json'), 'utf8')) as { version: string }).version;
  }
  for (const [file, source] of readCrdSources(dirname(nodeModules))) versions[`schemas/sources/${file}`] = `${source.bundleVersion} ${source.channel}`;
  return versions;
}

const refId = (ref: string): string => ref.replace(/#$/, '');
const isObject = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{oneOf: [{$ref}, {type: 'null'}]}`: kubernetes-models' way of saying "optional object". */
function nullableRef(node: JsonSchema): string | undefined {
  const branches = node['oneOf'];
  if (!Array.isArray(branches) || branches.length !== 2 || Object.keys(node).length !== 1) return undefined;
  const [first, second] = branches as unknown[];
  if (isObject(first) && typeof first['$ref'] === 'string' && Object.keys(first).length === 1 && isObject(second) && second['type'] === 'null') return refId(first['$ref']);
  return undefined;
}

/**
 * Rewrites one schema node into plain draft-07 JSON Schema and makes it strict.
 * `structural` is false inside oneOf/anyOf/allOf/not: those branches are constraints (Istio's "only one of"
 * rules list properties there), so they must never get additionalProperties: false.
 */
function transform(node: JsonSchema, refs: Set<string>, structural: boolean): JsonSchema {
  const wrapped = nullableRef(node);
  if (wrapped !== undefined) {
    // kubeconform's strict schemas reject null objects too; a plain reference keeps error paths clean.
    refs.add(wrapped);
    return { $ref: `#/definitions/${wrapped}` };
  }
  // `{oneOf: [{}, {type: 'null'}]}` (a preserved-unknown-fields value) would reject null twice over: it means "anything".
  const oneOf = node['oneOf'];
  if (Array.isArray(oneOf) && oneOf.some((branch) => isObject(branch) && Object.keys(branch).length === 0)) {
    const { oneOf: _dropped, ...rest } = node;
    return transform(rest, refs, structural);
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable') continue;
    if (key === '$ref' && typeof value === 'string') {
      refs.add(refId(value));
      out[key] = `#/definitions/${refId(value)}`;
    } else if (key === 'properties' && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, isObject(child) ? transform(child, refs, structural) : child]));
    } else if ((key === 'items' || key === 'additionalProperties') && isObject(value)) {
      out[key] = transform(value, refs, structural);
    } else if ((key === 'oneOf' || key === 'anyOf' || key === 'allOf') && Array.isArray(value)) {
      out[key] = value.map((branch) => (isObject(branch) ? transform(branch, refs, false) : branch));
    } else if (key === 'not' && isObject(value)) {
      out[key] = transform(value, refs, false);
    } else {
      out[key] = value;
    }
  }
  if (node['nullable'] === true) {
    if (typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
    if (Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...out['enum'], null];
  }
  const properties = out['properties'];
  if (structural && isObject(properties) && Object.keys(properties).length > 0 && out['additionalProperties'] === undefined) {
    out['additionalProperties'] = false;
  }
  // `properties: {}` is how the source marks a free-form object; drop the empty list, keep it open.
  if (isObject(properties) && Object.keys(properties).length === 0) delete out['properties'];
  return out;
}

function deleteAt(schema: JsonSchema, path: readonly string[], field: string): void {
  let node: unknown = schema;
  for (const segment of path) node = isObject(node) ? node[segment] : undefined;
  const properties = isObject(node) ? node['properties'] : undefined;
  if (!isObject(properties) || !(field in properties)) throw new Error(`derivation: ${[...path, field].join('.')} not found`);
  delete properties[field];
}

/** Per-kind adjustments stated in the catalog notes. */
function adjust(entry: CatalogEntry, root: JsonSchema): void {
  const [group, version] = entry.apiVersion.split('/');
  if (group === 'helm.toolkit.fluxcd.io' && version === 'v2') {
    deleteAt(root, ['properties', 'spec', 'properties', 'chart', 'properties', 'spec'], 'valuesFile');
    const kustomize = ['properties', 'spec', 'properties', 'postRenderers', 'items', 'properties', 'kustomize'];
    deleteAt(root, kustomize, 'patchesJson6902');
    deleteAt(root, kustomize, 'patchesStrategicMerge');
  }
  if (entry.kind === 'IstioOperator') {
    const properties = root['properties'] as JsonSchema;
    properties['spec'] = ISTIO_OPERATOR_SPEC;
    properties['status'] = { type: ['object', 'null'] };
  }
}

/** Pins apiVersion and kind to the entry's (aliased versions would otherwise carry their source's). */
function pinTypeMeta(entry: CatalogEntry, root: JsonSchema): void {
  const properties = root['properties'] as JsonSchema;
  properties['apiVersion'] = { type: 'string', enum: [entry.apiVersion] };
  properties['kind'] = { type: 'string', enum: [entry.kind] };
}

/** Builds one self-contained strict schema (reachable definitions inlined under `definitions`). */
export function deriveOne(entry: CatalogEntry, sources: ReadonlyMap<string, JsonSchema>): JsonSchema {
  if (entry.source === 'authored') {
    const authored = AUTHORED_SCHEMAS[`${entry.apiVersion}/${entry.kind}`];
    if (!authored) throw new Error(`derivation: no authored schema for ${entry.apiVersion}/${entry.kind}`);
    return { $schema: 'http://json-schema.org/draft-07/schema#', ...structuredClone(authored) };
  }
  const source = sources.get(entry.source);
  if (!source) throw new Error(`derivation: source schema ${entry.source} not found`);
  const refs = new Set<string>();
  const root = transform(source, refs, true);
  adjust(entry, root);
  pinTypeMeta(entry, root);
  const definitions: Record<string, JsonSchema> = {};
  const pending = [...refs];
  const transformAll = (id: string): void => {
    const definition = sources.get(id);
    if (!definition) throw new Error(`derivation: ${entry.source} refers to missing ${id}`);
    const nested = new Set<string>();
    definitions[id] = transform(definition, nested, true);
    for (const ref of nested) if (!(ref in definitions) && !pending.includes(ref)) pending.push(ref);
  };
  for (let i = 0; i < pending.length; i++) if (!(pending[i]! in definitions)) transformAll(pending[i]!);
  const sorted = Object.fromEntries(Object.keys(definitions).sort().map((id) => [id, definitions[id]!]));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...root,
    ...(Object.keys(sorted).length > 0 ? { definitions: sorted } : {}),
  };
}

export interface SchemaIndexEntry {
  readonly apiVersion: string;
  readonly kind: string;
  readonly file: string;
  readonly source: string;
  readonly note?: string;
}

export interface SchemaIndex {
  readonly generatedBy: string;
  readonly sources: Readonly<Record<string, string>>;
  readonly schemas: readonly SchemaIndexEntry[];
}

export const INDEX_FILE = 'index.json';

const toText = (value: unknown): string => `${JSON.stringify(value, null, 1)}\n`;

/** Derives every catalog schema and the index; the output is what `npm run schemas` writes to schemas/k8s/. */
export function deriveSchemas(nodeModules: string): DerivedSchemas {
  const sources = collectSourceSchemas(nodeModules);
  const files = new Map<string, string>();
  const schemas: SchemaIndexEntry[] = [];
  for (const entry of CATALOG) {
    const file = schemaFileFor(entry.apiVersion, entry.kind);
    files.set(file, toText(deriveOne(entry, sources)));
    schemas.push({ apiVersion: entry.apiVersion, kind: entry.kind, file, source: entry.source, ...(entry.note ? { note: entry.note } : {}) });
  }
  const index: SchemaIndex = { generatedBy: 'npm run schemas (generator/validate/derive.ts)', sources: sourceVersions(nodeModules), schemas };
  files.set(INDEX_FILE, toText(index));
  return { files };
}
