import type { Location } from '../diagnostics/types.js';

/**
 * One Kubernetes/Istio object as every checking stage sees it, whether meshforge rendered it or a user wrote it.
 * Policies and schema validation read these; they never read files themselves.
 */
export interface ManifestResource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** The parsed document. */
  readonly object: Readonly<Record<string, unknown>>;
  /** The cluster it belongs to: from a clusters/<name>/ path segment, --cluster, or the generator. */
  readonly cluster?: string;
  /** The file (registered in the run's SourceRegistry), the document index, and path [] for the document root. */
  readonly location: Location;
  /** For generated resources: the mesh.config.yaml node it came from. */
  readonly origin?: Location;
}

/** A file meshforge renders: its path relative to the output folder (POSIX separators) and its exact bytes. */
export interface RenderedFile {
  readonly path: string;
  readonly content: string;
  /** Cluster whose folder holds it; undefined for files outside any cluster folder. */
  readonly cluster?: string;
  /** The resources it holds, in document order, each with its provenance. */
  readonly resources: readonly ManifestResource[];
  /** For generated files: the mesh.config.yaml node the whole file comes from (also for files that hold no resource). */
  readonly origin?: Location;
  /**
   * `origin` as printed and stored: the config entry named by identity (services[bar/httpbin].exportTo[cluster1],
   * config/identity.ts), the same text as the file's `# Source:` header and its provenance index entry.
   */
  readonly source?: string;
}

/**
 * Helm values files are not Kubernetes objects, but policies read them (registry-only reads meshConfig there).
 * They travel as ManifestResources of this meshforge-only kind, which schema validation skips: the chart
 * validates its own values.
 */
export const HELM_VALUES_API_VERSION = 'meshforge.io/v1alpha1';
export const HELM_VALUES_KIND = 'HelmValues';

export function isHelmValues(resource: Pick<ManifestResource, 'apiVersion' | 'kind'>): boolean {
  return resource.apiVersion === HELM_VALUES_API_VERSION && resource.kind === HELM_VALUES_KIND;
}
