import {
  AUTO_PASSTHROUGH_PORT,
  DATAPLANE_MODE_LABEL,
  EAST_WEST_CLASS,
  GATEWAY_API_VERSIONS,
  GLOBAL_SERVICE_LABEL,
  HBONE_PORT,
  LISTENER_PROTOCOL_OPTION,
  NETWORK_LABEL,
  REMOTE_CLASS,
  TLS_TERMINATE_MODE_OPTION,
  USE_WAYPOINT_LABEL,
  WAYPOINT_CLASS,
  WAYPOINT_FOR_LABEL,
  GATEWAY_SERVICE_ACCOUNT_ANNOTATION,
} from '../core/gateway-api.js';
import type { DocPath } from '../diagnostics/types.js';
import type { ClusterModel, MeshModel, NamespaceModel } from '../model/types.js';

/**
 * Ambient mode and static network peers (issue 16). Facts checked against istio/istio at tag 1.29.0:
 * - namespaces join ambient with `istio.io/dataplane-mode: ambient`; `istio.io/use-waypoint` is read on the
 *   Service/ServiceEntry/Pod itself or on its Namespace only (pilot/pkg/serviceregistry/kube/controller/ambient/
 *   waypoints.go, fetchWaypointForTarget), so meshforge assigns waypoints per namespace;
 * - a Gateway labelled `topology.istio.io/network` becomes a network gateway for every address with a type
 *   (IPAddress or Hostname) and every HBONE listener or auto-passthrough listener (option
 *   `gateway.istio.io/listener-protocol: auto-passthrough`); class `istio-remote` is read from the config cluster
 *   only and deploys nothing (pilot/pkg/serviceregistry/kube/controller/network.go, handleGatewayResource;
 *   kube/conversion.go, IsAutoPassthrough); the ambient index reads an istio-remote Gateway's status addresses
 *   (ambient/networks.go), which istiod copies from spec.addresses (config/kube/gateway/conversion.go,
 *   reportUnmanagedGatewayStatus). The same network manager feeds sidecar EDS (pilot/pkg/model/network.go
 *   reload merges meshNetworks and these gateways; xds/endpoints/ep_filters.go falls back to the network's gateways),
 *   so sidecar meshes honour istio-remote peers too (PILOT_MULTI_NETWORK_DISCOVER_GATEWAY_API, default true);
 * - the ambient profile's serviceScopeConfigs selects services labelled `istio.io/global: "true"`; a namespace
 *   selector and a services selector must both match (ambient/services.go, matchServiceScope);
 * - a waypoint's Service carries the Gateway's `spec.infrastructure.labels` (files/waypoint.yaml); an east-west
 *   Gateway's first address becomes its Service's loadBalancerIP (files/kube-gateway.yaml).
 */

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

type Obj = Record<string, unknown>;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A Gateway API address: Istio ignores an address without a type. */
export function gatewayAddress(address: string): { type: 'IPAddress' | 'Hostname'; value: string } {
  return { type: IPV4.test(address) ? 'IPAddress' : 'Hostname', value: address };
}

/** Labels of an ambient namespace: the data-plane mode, and the waypoint its services use. */
export function ambientNamespaceLabels(ns: NamespaceModel): Record<string, string> {
  if (ns.dataPlaneMode !== 'ambient') return {};
  return { [DATAPLANE_MODE_LABEL]: 'ambient', ...(ns.waypoint ? { [USE_WAYPOINT_LABEL]: ns.waypoint.name } : {}) };
}

/** Whether the mesh's clusters sit on several networks. */
export function isMultiNetwork(model: MeshModel): boolean {
  return new Set(model.clusters.map((c) => c.network)).size > 1;
}

/**
 * istiod's meshConfig.serviceScopeConfigs for ambient clusters: the profile's own selector (`istio.io/global: "true"`,
 * repeated because Helm replaces lists instead of merging them), then one entry per global service, selected by its
 * namespace's name label (set by Kubernetes on every namespace) and the labels its Service already carries. The same
 * list in every ambient cluster, so a service is global everywhere or nowhere.
 */
export function serviceScopeConfigs(model: MeshModel): Obj[] {
  const entries: Obj[] = [{ servicesSelector: { matchExpressions: [{ key: GLOBAL_SERVICE_LABEL, operator: 'In', values: ['true'] }] }, scope: 'GLOBAL' }];
  const global = model.services.filter((s) => s.global !== undefined).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const s of global) {
    entries.push({ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: s.namespace } }, servicesSelector: { matchLabels: { ...s.global!.serviceLabels } }, scope: 'GLOBAL' });
  }
  return entries;
}

export interface GatewayDocument {
  readonly object: Obj;
  readonly origin: DocPath;
}

function gateway(name: string, namespace: string, labels: Record<string, string>, spec: Obj, managedBy: Readonly<Record<string, string>>, annotations?: Record<string, string>): Obj {
  return { apiVersion: GATEWAY_API_VERSIONS.Gateway, kind: 'Gateway', metadata: { name, namespace, labels: { ...labels, ...managedBy }, ...(annotations ? { annotations } : {}) }, spec };
}


/** The ambient east-west gateway of a cluster: class istio-east-west, HBONE on 15008, mTLS terminated by Istio. */
export function eastWestGatewayDocument(cluster: ClusterModel, managedBy: Readonly<Record<string, string>>): GatewayDocument | undefined {
  const ew = cluster.eastWestGateway;
  if (cluster.dataPlaneMode !== 'ambient' || !ew) return undefined;
  const addresses = ew.address !== undefined && IPV4.test(ew.address) ? [gatewayAddress(ew.address)] : [];
  const spec: Obj = {
    gatewayClassName: EAST_WEST_CLASS,
    ...(addresses.length > 0 ? { addresses } : {}),
    // Explicit infrastructure labels: without them istiod copies every Gateway label (managed-by meshforge included)
    // onto the Deployment and Service it creates, which meshforge does not manage.
    infrastructure: { labels: { [NETWORK_LABEL]: cluster.network } },
    listeners: [{ name: 'mesh', port: HBONE_PORT, protocol: 'HBONE', tls: { mode: 'Terminate', options: { [TLS_TERMINATE_MODE_OPTION]: 'ISTIO_MUTUAL' } } }],
  };
  return { object: gateway(ew.name, ew.namespace, { [NETWORK_LABEL]: cluster.network }, spec, managedBy), origin: ew.origin };
}

/**
 * The waypoints of a cluster: one istio-waypoint Gateway per ambient namespace that names one, with the same name and
 * namespace in every cluster that has the namespace. Its Service is global when a service of the namespace is.
 */
export function waypointDocuments(model: MeshModel, cluster: ClusterModel, managedBy: Readonly<Record<string, string>>): GatewayDocument[] {
  const docs: GatewayDocument[] = [];
  for (const ns of model.namespaces) {
    if (ns.cluster !== cluster.name || !ns.waypoint) continue;
    const global = model.services.some((s) => s.namespace === ns.name && s.global !== undefined);
    const spec: Obj = {
      gatewayClassName: WAYPOINT_CLASS,
      ...(global ? { infrastructure: { labels: { [GLOBAL_SERVICE_LABEL]: 'true' } } } : {}),
      listeners: [{ name: 'mesh', port: HBONE_PORT, protocol: 'HBONE' }],
    };
    docs.push({ object: gateway(ns.waypoint.name, ns.name, { [WAYPOINT_FOR_LABEL]: 'service' }, spec, managedBy), origin: ns.waypoint.origin });
  }
  return docs;
}

/** The port other networks dial on a sidecar east-west gateway: the NodePort of 15443 on a NodePort Service. */
function autoPassthroughPort(cluster: ClusterModel): number {
  const ew = cluster.eastWestGateway!;
  const tls = ew.ports.find((p) => p.port === AUTO_PASSTHROUGH_PORT);
  return ew.serviceType === 'NodePort' && tls?.nodePort !== undefined ? tls.nodePort : AUTO_PASSTHROUGH_PORT;
}

/**
 * Static peers of a cluster: one istio-remote Gateway per other network whose clusters declare an east-west gateway
 * address, labelled with that network. Its listeners say how to reach it: HBONE on 15008 when a peer is ambient,
 * auto-passthrough TLS on 15443 when a peer runs sidecars. Istio reads these from the local (config) cluster and
 * needs no API-server access to the peer nor a meshNetworks entry.
 */
export function remotePeerDocuments(model: MeshModel, cluster: ClusterModel, managedBy: Readonly<Record<string, string>>): GatewayDocument[] {
  const networks = [...new Set(model.clusters.map((c) => c.network))].filter((n) => n !== cluster.network);
  const docs: GatewayDocument[] = [];
  for (const network of networks) {
    const peers = model.clusters.filter((c) => c.network === network && c.eastWestGateway?.address !== undefined);
    if (peers.length === 0) continue;
    const addresses: { type: string; value: string }[] = [];
    for (const p of peers) if (!addresses.some((a) => a.value === p.eastWestGateway!.address)) addresses.push(gatewayAddress(p.eastWestGateway!.address!));
    const listeners: Obj[] = [];
    if (peers.some((p) => p.dataPlaneMode === 'ambient')) listeners.push({ name: 'mesh', port: HBONE_PORT, protocol: 'HBONE' });
    const sidecarPorts = [...new Set(peers.filter((p) => p.dataPlaneMode === 'sidecar').map(autoPassthroughPort))];
    for (const port of sidecarPorts) {
      listeners.push({
        name: sidecarPorts.length === 1 ? 'cross-network' : `cross-network-${port}`,
        port,
        protocol: 'TLS',
        tls: { mode: 'Passthrough', options: { [LISTENER_PROTOCOL_OPTION]: 'auto-passthrough' } },
      });
    }
    const spec: Obj = { gatewayClassName: REMOTE_CLASS, addresses, listeners };
    const ambientPeer = peers.find((p) => p.dataPlaneMode === 'ambient');
    const annotations = ambientPeer ? { [GATEWAY_SERVICE_ACCOUNT_ANNOTATION]: ambientPeer.eastWestGateway!.name } : undefined;
    docs.push({ object: gateway(`istio-remote-${network}`, 'istio-system', { [NETWORK_LABEL]: network }, spec, managedBy, annotations), origin: [...peers[0]!.eastWestGateway!.origin, 'address'] });
  }
  return docs;
}
