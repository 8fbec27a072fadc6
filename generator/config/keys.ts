import type { DocPath } from '../diagnostics/types.js';
import type { MeshConfigInput, ServiceInput } from './types.js';

/**
 * How the config names its services and where they run: shared by the cross-field checks (semantic*.ts), namespace
 * placement and the model, so that every stage resolves a reference the same way. Imports nothing of config's checks.
 */

export function serviceKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function serviceClusters(service: ServiceInput): string[] {
  return service.clusters ?? (service.cluster ? [service.cluster] : []);
}

/** Resolves a destination's `service` (name or namespace/name) against the route's namespace. */
export function resolveServiceRef(ref: string, namespace: string): string {
  return ref.includes('/') ? ref : serviceKey(namespace, ref);
}

/** Every export edge (service, from, to) from both spellings: services[].exportTo and clusters[].imports. */
export function exportEdges(config: MeshConfigInput): { service: string; from: string; to: string; path: DocPath }[] {
  const edges: { service: string; from: string; to: string; path: DocPath }[] = [];
  const clusterNames = config.clusters.map((c) => c.name);
  config.services.forEach((service, si) => {
    const key = serviceKey(service.namespace, service.name);
    const home = serviceClusters(service);
    service.exportTo.forEach((target, ti) => {
      const targets = target === '*' ? clusterNames.filter((c) => !home.includes(c)) : [target];
      for (const to of targets) for (const from of home) if (from !== to) edges.push({ service: key, from, to, path: ['services', si, 'exportTo', ti] });
    });
  });
  config.clusters.forEach((cluster, ci) => {
    cluster.imports.forEach((imp, ii) => edges.push({ service: imp.service, from: imp.from, to: cluster.name, path: ['clusters', ci, 'imports', ii] }));
  });
  return edges;
}
