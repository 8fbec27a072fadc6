import { namespaceOf } from './hosts.js';
import { GLOBAL_SERVICE_LABEL, labelsOf, selectorMatches } from './labels.js';
import { globalScopesByCluster } from './mesh-config.js';
import type { LintResource, RuleContext } from './rule.js';

/**
 * Ambient multicluster service scope as istiod decides it (pilot/pkg/serviceregistry/kube/controller/ambient,
 * matchServiceScope): a Service is GLOBAL when a GLOBAL meshConfig.serviceScopeConfigs entry selects both its
 * namespace's labels and its own labels (an empty selector selects everything). The ambient profile's default entry
 * selects the label istio.io/global: "true"; meshforge counts that label as global in every case.
 */
export interface ScopeIndex {
  /** Labels of a Namespace in a cluster (its own, else one that names no cluster, else the mesh config's). */
  namespaceLabels(cluster: string, namespace: string): Readonly<Record<string, string>>;
  /** Whether a Service with these labels in this namespace and cluster is global. */
  isGlobal(cluster: string, namespace: string, labels: Readonly<Record<string, string>>): boolean;
  /** Whether every Service of a namespace is global: a GLOBAL scope selects the namespace and all its Services. */
  namespaceAllGlobal(cluster: string, namespace: string): boolean;
  /**
   * Whether a namespace holds global services by declaration: a GLOBAL scope selects all its Services, or names it in a
   * namespaceSelector (then some of its Services are global, whether or not the input shows them).
   */
  namespaceHasGlobal(cluster: string, namespace: string): boolean;
  /** The Namespace resource of a cluster, when the input holds it. */
  namespaceResource(cluster: string, namespace: string): LintResource | undefined;
}

export function scopeIndex(context: RuleContext): ScopeIndex {
  const namespaces = new Map<string, LintResource>();
  for (const ns of context.resources('Namespace')) namespaces.set(`${ns.cluster}\u0000${ns.name}`, ns);
  const scopes = globalScopesByCluster(context);
  const namespaceResource = (cluster: string, namespace: string) => namespaces.get(`${cluster}\u0000${namespace}`) ?? namespaces.get(`\u0000${namespace}`);
  const namespaceLabels = (cluster: string, namespace: string) => {
    // Kubernetes labels every Namespace with its own name; generated scopes select namespaces by it.
    const own = { 'kubernetes.io/metadata.name': namespace };
    const resource = namespaceResource(cluster, namespace);
    if (resource) return { ...own, ...labelsOf(resource.object) };
    return { ...own, ...(context.model?.namespaces.find((n) => n.cluster === cluster && n.name === namespace)?.labels ?? {}) };
  };
  return {
    namespaceLabels,
    namespaceResource,
    namespaceAllGlobal(cluster, namespace) {
      return scopes(cluster).some((scope) => isEmptySelector(scope.servicesSelector) && selectorMatches(scope.namespaceSelector, namespaceLabels(cluster, namespace)));
    },
    namespaceHasGlobal(cluster, namespace) {
      return scopes(cluster).some((scope) => (isEmptySelector(scope.servicesSelector) || !isEmptySelector(scope.namespaceSelector)) && selectorMatches(scope.namespaceSelector, namespaceLabels(cluster, namespace)));
    },
    isGlobal(cluster, namespace, labels) {
      if (labels[GLOBAL_SERVICE_LABEL] === 'true') return true;
      return scopes(cluster).some((scope) => selectorMatches(scope.namespaceSelector, namespaceLabels(cluster, namespace)) && selectorMatches(scope.servicesSelector, labels));
    },
  };
}

function isEmptySelector(selector: unknown): boolean {
  return !hasKeys(selector);
}

function hasKeys(selector: unknown): boolean {
  if (typeof selector !== 'object' || selector === null) return false;
  const record = selector as Record<string, unknown>;
  const labels = record.matchLabels;
  const expressions = record.matchExpressions;
  return (typeof labels === 'object' && labels !== null && Object.keys(labels).length > 0) || (Array.isArray(expressions) && expressions.length > 0);
}

/** The key of a namespaced object, for grouping one object across clusters. */
export function objectKey(resource: LintResource): string {
  return `${namespaceOf(resource)}/${resource.name}`;
}
