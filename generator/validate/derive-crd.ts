import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { GATEWAY_API_KIND_VERSIONS } from '../core/gateway-api.js';

/** A JSON Schema node (catalog.ts's JsonSchema; not imported, since catalog.ts imports this file). */
type JsonSchema = { [key: string]: unknown };

/**
 * Schema sources taken from a CRD bundle rather than a kubernetes-models package. The Gateway API package
 * (@kubernetes-models/gateway-api 2.0.0) ships only compiled validators, no schema literal to derive from, and
 * follows Gateway API 1.5 while Istio 1.29 is built against 1.4. So the schemas of the kinds meshforge writes are
 * read once, at dev time, from the bundle Istio 1.29 requires (`npm run schemas:gateway-api -- <bundle.yaml>`), and
 * committed as a source under schemas/sources/: descriptions and CEL rules removed, structure kept. `npm run
 * schemas` derives the strict schemas from it like from any package (derive.ts). See docs/gateway-api.md.
 */

export interface CrdSource {
  /** The bundle's gateway.networking.k8s.io/bundle-version and channel annotations. */
  readonly bundleVersion: string;
  readonly channel: string;
  /** `<group>.<version>.<Kind>` (kubernetes-models naming, what catalog.ts's crd() expects) -> openAPIV3Schema. */
  readonly schemas: Readonly<Record<string, JsonSchema>>;
}

export const CRD_SOURCES_DIR = join('schemas', 'sources');
export const GATEWAY_API_SOURCE_FILE = 'gateway-api.json';
/** The kinds meshforge writes (render/gateway-api.ts), in the versions Istio 1.29 reads (core/gateway-api.ts). */
export const GATEWAY_API_KINDS: readonly { readonly kind: string; readonly version: string }[] = Object.entries(GATEWAY_API_KIND_VERSIONS).map(([kind, version]) => ({ kind, version }));

const OBJECT_META_REF = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta#';
/** Formats the embedded validator defines (schema-ajv.ts); the others are the API server's business. */
const KNOWN_FORMATS = new Set(['int32', 'int64', 'date-time']);

const isObject = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Removes prose, CEL rules and list/map merge hints; keeps everything a JSON Schema validator checks. */
function clean(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(clean);
  if (!isObject(node)) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'description' || key.startsWith('x-kubernetes-')) continue;
    if (key === 'format' && typeof value === 'string' && !KNOWN_FORMATS.has(value)) continue;
    out[key] = key === 'properties' && isObject(value) ? Object.fromEntries(Object.entries(value).map(([name, child]) => [name, clean(child)])) : clean(value);
  }
  return out;
}

/** Reads the wanted kinds out of a CRD bundle (multi-document YAML). Throws when one is missing. */
export function crdSourceFromBundle(text: string, group: string, wanted: readonly { kind: string; version: string }[]): CrdSource {
  let bundleVersion = '';
  let channel = '';
  const schemas: Record<string, JsonSchema> = {};
  for (const doc of parseAllDocuments(text)) {
    const crd = doc.toJS() as { kind?: string; metadata?: { annotations?: Record<string, string> }; spec?: { group?: string; names?: { kind?: string }; versions?: { name: string; schema?: { openAPIV3Schema?: JsonSchema } }[] } } | null;
    if (crd?.kind !== 'CustomResourceDefinition' || crd.spec?.group !== group) continue;
    const annotations = crd.metadata?.annotations ?? {};
    bundleVersion ||= annotations[`${group}/bundle-version`] ?? '';
    channel ||= annotations[`${group}/channel`] ?? '';
    const kind = crd.spec.names?.kind;
    for (const version of crd.spec.versions ?? []) {
      if (!wanted.some((w) => w.kind === kind && w.version === version.name)) continue;
      const schema = clean(version.schema?.openAPIV3Schema) as JsonSchema;
      // A CRD says `metadata: {type: object}`; the strict ObjectMeta of the Kubernetes schemas stands in for it.
      (schema['properties'] as JsonSchema)['metadata'] = { $ref: OBJECT_META_REF };
      schemas[`${group}.${version.name}.${kind}`] = schema;
    }
  }
  for (const w of wanted) if (!schemas[`${group}.${w.version}.${w.kind}`]) throw new Error(`${group}/${w.version} ${w.kind} is not in the bundle`);
  return { bundleVersion, channel, schemas: Object.fromEntries(Object.keys(schemas).sort().map((id) => [id, schemas[id]!])) };
}

/** The committed CRD sources under <root>/schemas/sources/, by file name. */
export function readCrdSources(root: string): Map<string, CrdSource> {
  const out = new Map<string, CrdSource>();
  const file = join(root, CRD_SOURCES_DIR, GATEWAY_API_SOURCE_FILE);
  if (existsSync(file)) out.set(GATEWAY_API_SOURCE_FILE, JSON.parse(readFileSync(file, 'utf8')) as CrdSource);
  return out;
}
