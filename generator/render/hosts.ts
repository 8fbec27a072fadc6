import type { ClusterModel, DestinationModel, ExportModel, MeshModel, ServiceModel } from '../model/types.js';

/** Lookups the resource builders share, built once per render. */
export class MeshIndex {
  readonly services: ReadonlyMap<string, ServiceModel>;
  private readonly remoteHosts: ReadonlyMap<string, string>;

  // Export edges grouped by client and by serving cluster: scanning every edge for every cluster is quadratic in
  // fleet size (50 clusters x 100,000 edges at the benchmark's large size).
  private readonly edgesTo = new Map<string, ExportModel[]>();
  private readonly edgesFrom = new Map<string, ExportModel[]>();
  private readonly clusters: ReadonlyMap<string, ClusterModel>;

  constructor(readonly model: MeshModel) {
    this.services = new Map(model.services.map((s) => [s.key, s]));
    this.remoteHosts = new Map(model.exports.map((e) => [`${e.service}|${e.from}|${e.to}`, e.remoteHost]));
    this.clusters = new Map(model.clusters.map((c) => [c.name, c]));
    for (const edge of model.exports) {
      push(this.edgesTo, edge.to, edge);
      push(this.edgesFrom, edge.from, edge);
    }
  }

  /** Export edges whose client is `cluster`, in model order. */
  exportsTo(cluster: string): readonly ExportModel[] {
    return this.edgesTo.get(cluster) ?? [];
  }

  /** Export edges served by `cluster`, in model order. */
  exportsFrom(cluster: string): readonly ExportModel[] {
    return this.edgesFrom.get(cluster) ?? [];
  }

  cluster(name: string): ClusterModel | undefined {
    return this.clusters.get(name);
  }

  service(key: string): ServiceModel {
    const service = this.services.get(key);
    if (!service) throw new Error(`meshforge: unknown service ${key} in a validated model`);
    return service;
  }

  /**
   * The host a destination resolves to inside `cluster`: an explicit host as written; a service in the same cluster
   * (or with no cluster given) by its in-cluster FQDN; a service in another cluster by the name that cluster exports
   * it under (name.namespace.<cluster>, seed 001's convention).
   */
  destinationHost(destination: DestinationModel, cluster: string): string {
    if (destination.host !== undefined) return destination.host;
    const service = this.service(destination.service!);
    if (destination.cluster === undefined || destination.cluster === cluster) return service.fqdn;
    return this.remoteHosts.get(`${service.key}|${destination.cluster}|${cluster}`) ?? `${service.name}.${service.namespace}.${destination.cluster}`;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
