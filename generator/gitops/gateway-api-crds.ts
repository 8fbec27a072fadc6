import { gatewayApiBundleFor, gatewayApiChannel, gatewayApiTag, type GatewayApiChannel } from '../core/gateway-api-version.js';
import type { ClusterModel, GitopsModel } from '../model/types.js';

/**
 * Istio's charts do not install the Gateway API CRDs, and an engine that applies a cluster's folder as one unit
 * (Flux's server-side dry run of a whole Kustomization, an Argo CD sync) fails on a kind the API server does not
 * serve. So a cluster whose generated tree holds a Gateway API object also gets the CRD bundle, by reference to the
 * upstream release, ordered before its mesh configuration. Pure.
 */

export interface GatewayApiKind {
  readonly apiVersion: string;
  readonly kind: string;
}

/** Per cluster, the Gateway API kinds (apiVersion + kind, each once) of its generated tree. */
export type GatewayApiContent = ReadonlyMap<string, readonly GatewayApiKind[]>;

const GATEWAY_API_GROUP = /^gateway\.networking\.(?:x-)?k8s\.io\//;

/** The Gateway API kinds among a tree's objects, by cluster; objects of no cluster (fleet-wide wrappers) never count. */
export function gatewayApiContent(objects: Iterable<{ readonly cluster?: string | undefined; readonly object: unknown }>): GatewayApiContent {
  const byCluster = new Map<string, Map<string, GatewayApiKind>>();
  for (const { cluster, object } of objects) {
    if (cluster === undefined || typeof object !== 'object' || object === null) continue;
    const { apiVersion, kind } = object as { apiVersion?: unknown; kind?: unknown };
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !GATEWAY_API_GROUP.test(apiVersion)) continue;
    const kinds = byCluster.get(cluster) ?? new Map<string, GatewayApiKind>();
    kinds.set(`${apiVersion} ${kind}`, { apiVersion, kind });
    byCluster.set(cluster, kinds);
  }
  return new Map([...byCluster].map(([cluster, kinds]) => [cluster, [...kinds.values()]]));
}

export interface GatewayApiBundle {
  /** The release tag of kubernetes-sigs/gateway-api (`v1.4.0`). */
  readonly tag: string;
  readonly channel: GatewayApiChannel;
  /** The bundle's folder in that repository, without `./` (`config/crd/standard`). */
  readonly path: string;
}

/**
 * The CRD bundle a cluster gets: the release its Istio version was built against, standard channel unless its tree
 * holds a kind only the experimental channel serves. Undefined when the tree holds no Gateway API object or
 * `gitops.gatewayApiCrds` is false (the platform installs the CRDs).
 */
export function gatewayApiBundle(gitops: GitopsModel, cluster: ClusterModel, content: GatewayApiContent): GatewayApiBundle | undefined {
  const kinds = content.get(cluster.name);
  if (!gitops.gatewayApiCrds || !kinds || kinds.length === 0) return undefined;
  const bundle = gatewayApiBundleFor(cluster.install.version);
  const channel = gatewayApiChannel(bundle, kinds);
  return { tag: gatewayApiTag(bundle), channel, path: `config/crd/${channel}` };
}
