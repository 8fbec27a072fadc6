import { parseAllDocuments } from 'yaml';
import { CLUSTER_LABEL } from '../gitops/layout.js';
import type { ResourceId } from './types.js';

/** A resource found in a file, with a canonical form of its content for change detection. */
export interface FileResource extends ResourceId {
  /** JSON with sorted keys: comments, key order and quoting do not count as changes. */
  readonly canonical: string;
  /** Its `meshforge.io/cluster` label: the cluster an Argo CD or Flux object deploys to. */
  readonly clusterLabel?: string;
}

// kustomization.yaml is build metadata for kustomize, not an object applied to the cluster.
const BUILD_ONLY_API_GROUPS = ['kustomize.config.k8s.io/'];

/**
 * The Kubernetes objects in a YAML text, in document order. Documents that are not objects with apiVersion, kind and
 * metadata.name are skipped: the file diff still shows them, they just do not count as resources.
 */
export function resourcesInYaml(text: string): FileResource[] {
  const found: FileResource[] = [];
  // A resource needs a `metadata` key, and a key is spelt out in the text unless an escape (a backslash) makes it:
  // text with neither holds none (a kustomization's path list, 4,400 entries per cluster at 200 services, is not parsed).
  if (!text.includes('metadata') && !text.includes('\\')) return found;
  let documents;
  try {
    documents = parseAllDocuments(text, { uniqueKeys: false });
  } catch {
    return found;
  }
  if (!Array.isArray(documents)) return found;
  for (const document of documents) {
    if (document.errors.length > 0) continue;
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    const id = resourceIdOf(value);
    if (!id) continue;
    const label = ((value as { metadata: { labels?: Record<string, unknown> } }).metadata.labels ?? {})[CLUSTER_LABEL];
    found.push({ ...id, canonical: canonicalJson(value), ...(typeof label === 'string' ? { clusterLabel: label } : {}) });
  }
  return found;
}

/**
 * The same as resourcesInYaml, from objects already in memory (a RenderedFile's resources): no YAML parse. The unit
 * test that every planned file parses back to its intended object keeps the two equal for generated files.
 */
export function resourcesOfObjects(objects: readonly unknown[]): FileResource[] {
  const found: FileResource[] = [];
  for (const value of objects) {
    const id = resourceIdOf(value);
    if (!id) continue;
    const label = ((value as { metadata: { labels?: Record<string, unknown> } }).metadata.labels ?? {})[CLUSTER_LABEL];
    found.push({ ...id, canonical: canonicalJson(value), ...(typeof label === 'string' ? { clusterLabel: label } : {}) });
  }
  return found;
}

export function resourceIdOf(value: unknown): ResourceId | undefined {
  if (!isRecord(value)) return undefined;
  const { apiVersion, kind, metadata } = value;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !isRecord(metadata)) return undefined;
  if (BUILD_ONLY_API_GROUPS.some((group) => apiVersion.startsWith(group))) return undefined;
  const { name, namespace } = metadata;
  if (typeof name !== 'string' || name === '') return undefined;
  return typeof namespace === 'string' && namespace !== '' ? { apiVersion, kind, namespace, name } : { apiVersion, kind, name };
}

/** Identity inside a cluster. The API group is part of it (two kinds may share a name), the version is not. */
export function resourceKey(id: ResourceId): string {
  const group = id.apiVersion.includes('/') ? id.apiVersion.slice(0, id.apiVersion.lastIndexOf('/')) : '';
  return `${group}\u0000${id.kind}\u0000${id.namespace ?? ''}\u0000${id.name}`;
}

/** Orders resources the way reviewers scan them: kind, then namespace, then name. */
export function compareResourceIds(a: ResourceId, b: ResourceId): number {
  return compareText(a.kind, b.kind) || compareText(a.namespace ?? '', b.namespace ?? '') || compareText(a.name, b.name) || compareText(a.apiVersion, b.apiVersion);
}

/** `namespace/name`, or `name` for cluster-scoped objects. */
export function qualifiedName(id: ResourceId): string {
  return id.namespace ? `${id.namespace}/${id.name}` : id.name;
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Map) return sortKeys(Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), v])));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(compareText)) out[key] = sortKeys(value[key]);
    return out;
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
