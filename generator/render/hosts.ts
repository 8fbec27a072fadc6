import type { DestinationModel, MeshModel, ServiceModel } from '../model/types.js';

/** Lookups the resource builders share, built once per render. */
export class MeshIndex {
  readonly services: ReadonlyMap<string, ServiceModel>;
  private readonly remoteHosts: ReadonlyMap<string, string>;

  constructor(readonly model: MeshModel) {
    this.services = new Map(model.services.map((s) => [s.key, s]));
    this.remoteHosts = new Map(model.exports.map((e) => [`${e.service}|${e.from}|${e.to}`, e.remoteHost]));
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
