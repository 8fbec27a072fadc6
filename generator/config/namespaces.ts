import type { Diagnostic } from '../diagnostics/types.js';
import { exportEdges, resolveServiceRef, serviceClusters, serviceKey } from './keys.js';
import type { MeshConfigInput } from './types.js';

/**
 * Where each entry of `namespaces:` is generated (a Namespace object per cluster), by one rule that never depends on
 * the order of entries and never grows when something is removed:
 *
 * 1. `clusters:` on the namespace, when written: exactly those clusters;
 * 2. else the clusters that use it: where its services run, the clusters that import them, the clusters its routes,
 *    external services and ingress entries are generated in;
 * 3. else none, and a warning (config-unused-namespace) says what to write.
 *
 * Before, a namespace that nothing used went to every cluster: removing its last service added it everywhere.
 */
export type NamespaceRule = 'listed' | 'used' | 'unused';

export interface NamespacePlacement {
  readonly name: string;
  readonly clusters: readonly string[];
  readonly by: NamespaceRule;
}

/** One placement per entry of config.namespaces, in order. Clusters in config order. */
export function namespacePlacements(config: MeshConfigInput): NamespacePlacement[] {
  const allClusters = config.clusters.map((c) => c.name);
  const services = config.services.map((s) => ({ key: serviceKey(s.namespace, s.name), namespace: s.namespace, clusters: serviceClusters(s) }));
  const serviceByKey = new Map(services.map((s) => [s.key, s]));
  const edges = exportEdges(config);
  return config.namespaces.map((ns) => {
    if (ns.clusters) return { name: ns.name, clusters: [...ns.clusters], by: 'listed' };
    const used = new Set<string>();
    for (const s of services) if (s.namespace === ns.name) s.clusters.forEach((c) => used.add(c));
    // Importing clusters mirror the namespace: the client-side ServiceEntry lives there.
    for (const e of edges) if (e.service.startsWith(`${ns.name}/`)) used.add(e.to);
    for (const r of config.routes) if (r.namespace === ns.name) r.clusters?.forEach((c) => used.add(c));
    // External services and ingress resources are generated in their namespace: it must exist in their clusters too.
    for (const e of config.externalServices) if (e.namespace === ns.name) (e.clusters ?? allClusters).forEach((c) => used.add(c));
    for (const g of config.ingress) {
      const gNamespace = g.namespace ?? (g.to.service?.includes('/') ? g.to.service.split('/')[0]! : undefined);
      if (gNamespace !== ns.name) continue;
      const target = g.to.service ? serviceByKey.get(resolveServiceRef(g.to.service, gNamespace)) : undefined;
      (g.clusters ?? target?.clusters)?.forEach((c) => used.add(c));
    }
    const clusters = allClusters.filter((c) => used.has(c));
    return { name: ns.name, clusters, by: clusters.length > 0 ? 'used' : 'unused' };
  });
}

/** A warning per namespace generated nowhere: nothing uses it and it lists no clusters. */
export function unusedNamespaceWarnings(config: MeshConfigInput, file: string, placements = namespacePlacements(config)): Diagnostic[] {
  const example = config.clusters[0]?.name ?? 'cluster1';
  return placements.flatMap((p, i): Diagnostic[] =>
    p.by !== 'unused'
      ? []
      : [
          {
            rule: 'config-unused-namespace',
            severity: 'warning',
            message: `namespace '${p.name}' is generated in no cluster: no service, route, external service or ingress entry uses it, and it has no clusters: key`,
            hint: `To keep the Namespace, write the clusters it belongs to: { name: ${p.name}, clusters: [${example}] }. Otherwise remove the entry.`,
            location: { file, path: ['namespaces', i, 'name'] },
          },
        ],
  );
}
