import type { DocPath } from '../diagnostics/types.js';
import { externalKey, importKey, vipOf, type VipLedger } from '../ledger/ledger.js';
import type { ClusterModel, DestinationModel, ExportModel, ExternalServiceModel, HttpRouteModel, IngressModel, MeshModel, RouteModel, ServiceModel, StringMatch } from '../model/types.js';
import { gatewayApiIngress } from './gateway-api.js';
import { ambientNamespaceLabels, eastWestGatewayDocument, remotePeerDocuments, waypointDocuments, type GatewayDocument } from './ambient.js';
import type { MeshIndex } from './hosts.js';
import type { TemplateName } from './templates.js';

/** One document meshforge intends to write: the object (the intent) and the template that writes it. */
export interface PlannedDocument {
  readonly template: TemplateName;
  readonly object: Readonly<Record<string, unknown>>;
  /** The mesh.config.yaml node it comes from. */
  readonly origin: DocPath;
  /** Folder inside the cluster folder: a namespace, `_cluster` for cluster-scoped objects, or `install`. */
  readonly folder: string;
  readonly fileName: string;
  /** A Kubernetes object (listed in the kustomization and handed to policies), or an input file (Helm values, ...). */
  readonly kind: 'content' | 'install';
}

export const CLUSTER_SCOPED_FOLDER = '_cluster';
export const INSTALL_FOLDER = 'install';
export const MANAGED_BY: Readonly<Record<string, string>> = { 'app.kubernetes.io/managed-by': 'meshforge' };
/** The Gateway that exposes exported services on the ingress gateway's 15443 (one per cluster: Istio warns against two). */
export const CROSS_CLUSTER_GATEWAY = 'cross-cluster-gateway';
/** Istio's name for the multi-network Gateway on the east-west gateway. */
export const CROSS_NETWORK_GATEWAY = 'cross-network-gateway';
/**
 * The identity other clusters' istiod use through a remote secret: the charts' own reader (base chart
 * templates/reader-serviceaccount.yaml, istiod chart reader-clusterrole*.yaml at 1.29.0), which is also what
 * `istioctl create-remote-secret` uses by default. meshforge generates no reader objects of its own.
 */
export const REMOTE_READER = 'istio-reader-service-account';
/** The label istiod puts on every endpoint with the ID of the cluster it runs in (global.multiCluster.clusterName). */
export const CLUSTER_TOPOLOGY_LABEL = 'topology.istio.io/cluster';
export const ISTIO_SYSTEM = 'istio-system';

const ENVOY_FILTER_API = 'networking.istio.io/v1alpha3';
const HCM = 'envoy.filters.network.http_connection_manager';
const HCM_TYPE = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

type Obj = Record<string, unknown>;

function metadata(name: string, namespace: string | undefined, labels: Readonly<Record<string, string>> = {}, annotations?: Readonly<Record<string, string>>): Obj {
  return {
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    labels: { ...labels, ...MANAGED_BY },
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
  };
}

function content(template: TemplateName, kind: string, object: Obj, origin: DocPath): PlannedDocument {
  const meta = object.metadata as { name: string; namespace?: string };
  return { template, object, origin, folder: meta.namespace ?? CLUSTER_SCOPED_FOLDER, fileName: `${kind.toLowerCase()}-${meta.name}.yaml`, kind: 'content' };
}

function stringMatch(match: StringMatch): Obj {
  return {
    ...(match.exact !== undefined ? { exact: match.exact } : {}),
    ...(match.prefix !== undefined ? { prefix: match.prefix } : {}),
    ...(match.regex !== undefined ? { regex: match.regex } : {}),
  };
}

function portsOf(ports: readonly { number: number; name: string; protocol: string; targetPort?: number }[]): Obj[] {
  return ports.map((p) => ({ number: p.number, name: p.name, protocol: p.protocol, ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}) }));
}

const ISTIO_MUTUAL = { tls: { mode: 'ISTIO_MUTUAL' } } as const;

/**
 * How a namespace asks for sidecar injection: `istio-injection: enabled` selects the default revision, so a cluster
 * installed with a revision (and maybe no default tag) labels `istio.io/rev: <revision>` instead. Istio gives
 * `istio-injection` precedence over `istio.io/rev`: the two are never written together.
 */
export function injectionLabels(cluster: ClusterModel): Record<string, string> {
  return cluster.install.revision !== undefined ? { 'istio.io/rev': cluster.install.revision } : { 'istio-injection': 'enabled' };
}

/** A DestinationRule subset: its name and the endpoint labels it selects. */
interface Subset {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The subset a destination goes to. In multi-primary, once remote secrets exist the in-cluster host
 * name.namespace.svc.cluster.local holds the endpoints of every cluster that runs the service, so a destination that
 * names a cluster must be pinned to that cluster's endpoints, or its weight applies to a host that mixes them:
 * - a version that runs only in that cluster is pinned already (its subset);
 * - another version gets `<version>-<cluster>` (the version's labels plus topology.istio.io/cluster);
 * - no version gets `cluster-<cluster>` (topology.istio.io/cluster alone, a label istiod sets on every endpoint).
 * Undefined when the destination has no subset.
 */
export function destinationSubset(service: ServiceModel, destination: DestinationModel, host: string): Subset | undefined {
  const version = destination.version !== undefined ? service.versions.find((v) => v.name === destination.version) : undefined;
  const pin = destination.cluster !== undefined && host === service.fqdn && service.clusters.length > 1 ? destination.cluster : undefined;
  if (pin === undefined) return version ? { name: version.name, labels: version.labels } : undefined;
  if (version && version.clusters.length === 1 && version.clusters[0] === pin) return { name: version.name, labels: version.labels };
  if (version) return { name: `${version.name}-${pin}`, labels: { ...version.labels, [CLUSTER_TOPOLOGY_LABEL]: pin } };
  return { name: `cluster-${pin}`, labels: { [CLUSTER_TOPOLOGY_LABEL]: pin } };
}

/** Renders per cluster; every builder is pure. */
export class ClusterPlanner {
  private readonly net: string;
  private readonly sec: string;

  constructor(
    private readonly index: MeshIndex,
    private readonly ledger: VipLedger,
  ) {
    this.net = index.model.mesh.istio.networkingApiVersion;
    this.sec = index.model.mesh.istio.securityApiVersion;
  }

  private get model(): MeshModel {
    return this.index.model;
  }

  plan(cluster: ClusterModel): PlannedDocument[] {
    const docs: PlannedDocument[] = [
      ...this.namespaces(cluster),
      this.peerAuthentication(),
      ...this.imports(cluster),
      ...this.exports(cluster),
      ...this.versionRules(cluster),
      ...this.routes(cluster),
      ...this.externals(cluster),
      ...this.ingress(cluster),
      ...this.eastWest(cluster),
      ...this.serverHeader(cluster),
      ...this.ambient(cluster),
    ];
    return docs;
  }

  // --- Namespaces (S6 network label on istio-system, S8 injection) ---------------------------------------------

  private namespaces(cluster: ClusterModel): PlannedDocument[] {
    const docs: PlannedDocument[] = [
      content('namespace', 'Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: metadata(ISTIO_SYSTEM, undefined, { 'topology.istio.io/network': cluster.network }) }, [...cluster.origin, 'network']),
    ];
    const gatewayNs = cluster.ingressGateway.namespace;
    const declared = new Set(this.model.namespaces.filter((n) => n.cluster === cluster.name).map((n) => n.name));
    if (gatewayNs !== ISTIO_SYSTEM && !declared.has(gatewayNs)) {
      // The gateway's own namespace: injection makes the gateway pods get their proxy (gateway injection).
      docs.push(content('namespace', 'Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: metadata(gatewayNs, undefined, injectionLabels(cluster)) }, [...cluster.ingressGateway.origin, 'namespace']));
    }
    for (const ns of this.model.namespaces) {
      if (ns.cluster !== cluster.name || ns.name === ISTIO_SYSTEM) continue;
      const labels = { ...ns.labels, ...(ns.injection ? injectionLabels(cluster) : {}), ...ambientNamespaceLabels(ns) };
      docs.push(content('namespace', 'Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: metadata(ns.name, undefined, labels) }, ns.origin));
    }
    return docs;
  }

  // --- Mesh-wide mTLS ---------------------------------------------------------------------------------------------

  private peerAuthentication(): PlannedDocument {
    return content(
      'peerauthentication',
      'PeerAuthentication',
      { apiVersion: this.sec, kind: 'PeerAuthentication', metadata: metadata('default', ISTIO_SYSTEM), spec: { mtls: { mode: this.model.mesh.defaults.mtls } } },
      [...this.model.mesh.origin, 'defaults', 'mtls'],
    );
  }

  // --- S1/S2 client side: imported services -----------------------------------------------------------------------

  private imports(cluster: ClusterModel): PlannedDocument[] {
    const docs: PlannedDocument[] = [];
    for (const edge of this.index.exportsTo(cluster.name)) {
      const service = this.index.service(edge.service);
      const from = this.index.cluster(edge.from)!;
      const gateway = from.ingressGateway;
      const name = `${service.name}-${edge.from}`;
      const endpointPorts = Object.fromEntries(service.ports.map((p) => [p.name, gateway.crossClusterPort]));
      docs.push(
        content(
          'serviceentry',
          'ServiceEntry',
          {
            apiVersion: this.net,
            kind: 'ServiceEntry',
            metadata: metadata(name, service.namespace),
            spec: {
              hosts: [edge.remoteHost],
              addresses: [vipOf(this.ledger, cluster.name, importKey(edge.remoteHost))],
              ports: portsOf(service.ports),
              location: 'MESH_INTERNAL',
              resolution: 'DNS',
              endpoints: [{ address: gateway.address!, ports: endpointPorts }],
            },
          },
          edge.origin,
        ),
        content('destinationrule', 'DestinationRule', { apiVersion: this.net, kind: 'DestinationRule', metadata: metadata(name, service.namespace), spec: { host: edge.remoteHost, trafficPolicy: ISTIO_MUTUAL } }, edge.origin),
      );
    }
    return docs;
  }

  // --- S1/S2 server side: exported services -----------------------------------------------------------------------

  private exports(cluster: ClusterModel): PlannedDocument[] {
    const edges = this.index.exportsFrom(cluster.name);
    if (edges.length === 0) return [];
    const gateway = cluster.ingressGateway;
    const ns = gateway.namespace;
    const hosts = [...new Set(edges.map((e) => e.remoteHost))].sort();
    const docs: PlannedDocument[] = [
      content(
        'gateway',
        'Gateway',
        {
          apiVersion: this.net,
          kind: 'Gateway',
          metadata: metadata(CROSS_CLUSTER_GATEWAY, ns),
          spec: { selector: { ...gateway.selector }, servers: [{ port: { number: 15443, name: 'tls', protocol: 'TLS' }, hosts, tls: { mode: 'AUTO_PASSTHROUGH' } }] },
        },
        gateway.origin,
      ),
    ];
    // One mapping per exported host, whichever clusters import it.
    const firstEdge = new Map<string, ExportModel>();
    for (const e of edges) if (!firstEdge.has(e.remoteHost)) firstEdge.set(e.remoteHost, e);
    for (const [host, edge] of [...firstEdge].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const service = this.index.service(edge.service);
      const name = `export-${service.name}-${service.namespace}`;
      docs.push(
        content(
          'serviceentry',
          'ServiceEntry',
          {
            apiVersion: this.net,
            kind: 'ServiceEntry',
            metadata: metadata(name, ns),
            spec: { hosts: [host], ports: portsOf(service.ports), location: 'MESH_INTERNAL', resolution: 'DNS', endpoints: [{ address: service.fqdn }], exportTo: ['.'] },
          },
          edge.origin,
        ),
        content('destinationrule', 'DestinationRule', { apiVersion: this.net, kind: 'DestinationRule', metadata: metadata(name, ns), spec: { host, trafficPolicy: ISTIO_MUTUAL, exportTo: ['.'] } }, edge.origin),
      );
    }
    return docs;
  }

  // --- S2 subsets: a DestinationRule per versioned service, in each cluster that runs it ----------------------------

  private versionRules(cluster: ClusterModel): PlannedDocument[] {
    const docs: PlannedDocument[] = [];
    const referenced = this.referencedSubsets(cluster);
    for (const service of this.model.services) {
      if (!service.clusters.includes(cluster.name)) continue;
      // The versions running here, then whatever else this cluster's routes send to (a version running elsewhere,
      // which the in-cluster host reaches in multi-primary, or a subset pinned to one cluster).
      const versions: Subset[] = service.versions.filter((v) => v.clusters.includes(cluster.name)).map((v) => ({ name: v.name, labels: v.labels }));
      for (const extra of referenced.get(service.key) ?? []) if (!versions.some((v) => v.name === extra.name)) versions.push(extra);
      if (versions.length === 0) continue;
      docs.push(
        content(
          'destinationrule',
          'DestinationRule',
          {
            apiVersion: this.net,
            kind: 'DestinationRule',
            metadata: metadata(service.name, service.namespace),
            spec: { host: service.fqdn, trafficPolicy: ISTIO_MUTUAL, subsets: versions.map((v) => ({ name: v.name, labels: { ...v.labels } })) },
          },
          [...service.origin, 'versions'],
        ),
      );
    }
    return docs;
  }

  // --- S2/S8/S9 routes --------------------------------------------------------------------------------------------

  private destinations(list: readonly DestinationModel[], cluster: string): Obj[] {
    return list.map((d) => {
      const host = this.index.destinationHost(d, cluster);
      const subset = d.service !== undefined ? destinationSubset(this.index.service(d.service), d, host)?.name : d.version;
      return {
        destination: {
          host,
          ...(subset !== undefined ? { subset } : {}),
          ...(d.port !== undefined ? { port: { number: d.port } } : {}),
        },
        ...(d.weight !== undefined ? { weight: d.weight } : {}),
      };
    });
  }

  /**
   * Subsets of the in-cluster host of each service that this cluster's routes and ingress send to, by service key:
   * every subset a VirtualService names must be defined by the DestinationRule of its host in the same cluster.
   */
  private referencedSubsets(cluster: ClusterModel): Map<string, Subset[]> {
    const out = new Map<string, Subset[]>();
    const visit = (d: DestinationModel) => {
      if (d.service === undefined) return;
      const service = this.index.service(d.service);
      const host = this.index.destinationHost(d, cluster.name);
      if (host !== service.fqdn) return;
      const subset = destinationSubset(service, d, host);
      if (!subset) return;
      const list = out.get(service.key) ?? [];
      if (!list.some((x) => x.name === subset.name)) list.push(subset);
      out.set(service.key, list);
    };
    for (const route of this.model.routes.filter((r) => r.clusters.includes(cluster.name))) {
      for (const h of route.http) h.to.forEach(visit);
      for (const t of route.tcp) t.to.forEach(visit);
    }
    for (const ing of this.model.ingress.filter((i) => i.clusters.includes(cluster.name))) visit(ing.to);
    return out;
  }

  private httpRoute(route: HttpRouteModel, cluster: string): Obj {
    const match = route.match.map((m) => ({
      ...(m.uri !== undefined ? { uri: stringMatch(m.uri) } : {}),
      ...(m.authority !== undefined ? { authority: stringMatch(m.authority) } : {}),
      ...(m.method !== undefined ? { method: stringMatch(m.method) } : {}),
      ...(m.headers !== undefined && Object.keys(m.headers).length > 0 ? { headers: Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, stringMatch(v)])) } : {}),
    }));
    return {
      ...(route.name !== undefined ? { name: route.name } : {}),
      ...(match.length > 0 ? { match } : {}),
      route: this.destinations(route.to, cluster),
      ...(route.timeout !== undefined ? { timeout: route.timeout } : {}),
      ...(route.retries !== undefined ? { retries: { attempts: route.retries } } : {}),
    };
  }

  private routes(cluster: ClusterModel): PlannedDocument[] {
    return this.model.routes.filter((r) => r.clusters.includes(cluster.name)).map((r) => this.route(r, cluster.name));
  }

  private route(route: RouteModel, cluster: string): PlannedDocument {
    const spec: Obj = {
      hosts: [route.host],
      ...(route.http.length > 0 ? { http: route.http.map((h) => this.httpRoute(h, cluster)) } : {}),
      ...(route.tcp.length > 0
        ? { tcp: route.tcp.map((t) => ({ ...(t.port !== undefined ? { match: [{ port: t.port }] } : {}), route: this.destinations(t.to, cluster) })) }
        : {}),
    };
    return content('virtualservice', 'VirtualService', { apiVersion: this.net, kind: 'VirtualService', metadata: metadata(route.name, route.namespace), spec }, route.origin);
  }

  // --- S4/S9 external services and TLS origination ----------------------------------------------------------------

  private externals(cluster: ClusterModel): PlannedDocument[] {
    const docs: PlannedDocument[] = [];
    for (const ext of this.model.externalServices.filter((e) => e.clusters.includes(cluster.name))) {
      docs.push(this.externalEntry(ext, cluster.name));
      if (ext.tls) docs.push(...this.originationRules(ext));
    }
    return docs;
  }

  private externalEntry(ext: ExternalServiceModel, cluster: string): PlannedDocument {
    const addresses = ext.addresses === 'auto' ? [vipOf(this.ledger, cluster, externalKey(ext))] : [...ext.addresses];
    const endpoints = ext.endpoints.map((e) => ({ address: e.address, ...(e.ports && Object.keys(e.ports).length > 0 ? { ports: { ...e.ports } } : {}) }));
    return content(
      'serviceentry',
      'ServiceEntry',
      {
        apiVersion: this.net,
        kind: 'ServiceEntry',
        metadata: metadata(ext.name, ext.namespace),
        spec: {
          hosts: [...ext.hosts],
          ...(addresses.length > 0 ? { addresses } : {}),
          ports: portsOf(ext.ports),
          location: 'MESH_EXTERNAL',
          resolution: ext.resolution,
          ...(endpoints.length > 0 ? { endpoints } : {}),
        },
      },
      ext.origin,
    );
  }

  private originationRules(ext: ExternalServiceModel): PlannedDocument[] {
    const tls = ext.tls!;
    const settings = { mode: tls.mode, sni: tls.sni, caCertificates: tls.caCertificates, ...(tls.credentialName !== undefined ? { credentialName: tls.credentialName } : {}) };
    // Only the named port is upgraded: workloads keep speaking plain HTTP to it and the sidecar originates TLS.
    const trafficPolicy = tls.port !== undefined ? { portLevelSettings: [{ port: { number: tls.port }, tls: settings }] } : { tls: settings };
    return ext.hosts.map((host) => {
      const name = ext.hosts.length === 1 ? ext.name : `${ext.name}-${host.replace(/^\*\./, 'wildcard.').replace(/\./g, '-')}`;
      return content('destinationrule', 'DestinationRule', { apiVersion: this.net, kind: 'DestinationRule', metadata: metadata(name, ext.namespace), spec: { host, trafficPolicy } }, [...ext.origin, 'tls']);
    });
  }

  // --- S3/S8/S9 ingress -------------------------------------------------------------------------------------------

  private ingress(cluster: ClusterModel): PlannedDocument[] {
    const docs: PlannedDocument[] = [];
    for (const ing of this.model.ingress.filter((i) => i.clusters.includes(cluster.name))) docs.push(...this.ingressPair(ing, cluster));
    return docs;
  }

  private ingressPair(ing: IngressModel, cluster: ClusterModel): PlannedDocument[] {
    if (ing.api === 'gateway-api') return gatewayApiIngress(ing, cluster, this.ingressDestinations(ing, cluster.name), this.index, { metadata: (n, ns, a) => metadata(n, ns, {}, a), document: content });
    const server = {
      port: { number: ing.port, name: `${ing.protocol.toLowerCase()}-${ing.port}`, protocol: ing.protocol },
      hosts: [ing.host],
      ...(ing.tls ? { tls: { mode: ing.tls.mode, ...(ing.tls.mode !== 'PASSTHROUGH' ? { credentialName: ing.tls.credentialName } : {}) } } : {}),
    };
    const gateway = content(
      'gateway',
      'Gateway',
      { apiVersion: this.net, kind: 'Gateway', metadata: metadata(ing.name, ing.namespace), spec: { selector: { ...cluster.ingressGateway.selector }, servers: [server] } },
      ing.origin,
    );
    const route = this.destinations(this.ingressDestinations(ing, cluster.name), cluster.name);
    let spec: Obj;
    if (ing.protocol === 'TCP') spec = { hosts: [ing.host], gateways: [ing.name], tcp: [{ match: [{ port: ing.port }], route }] };
    else if (ing.protocol === 'TLS' && ing.tls?.mode === 'PASSTHROUGH') spec = { hosts: [ing.host], gateways: [ing.name], tls: [{ match: [{ port: ing.port, sniHosts: [ing.host] }], route }] };
    else {
      const match = ing.paths.map((p) => ({ uri: { prefix: p } }));
      spec = { hosts: [ing.host], gateways: [ing.name], http: [{ ...(match.length > 0 ? { match } : {}), route }] };
    }
    const virtualService = content('virtualservice', 'VirtualService', { apiVersion: this.net, kind: 'VirtualService', metadata: metadata(`${ing.name}-ingress`, ing.namespace), spec }, ing.origin);
    return [gateway, virtualService];
  }

  /**
   * Where an ingress entry sends traffic. A gateway applies only the VirtualServices bound to it, never the mesh ones,
   * so an ingress to a plain service that this cluster splits with a catch-all route (weights across versions or
   * clusters) carries that split itself: otherwise traffic from outside would ignore it (istioctl analyze IST0140).
   */
  private ingressDestinations(ing: IngressModel, cluster: string): readonly DestinationModel[] {
    const to = ing.to;
    if (ing.protocol !== 'HTTP' && ing.protocol !== 'HTTPS') return [to];
    if (to.service === undefined || to.version !== undefined || to.cluster !== undefined) return [to];
    const split = this.model.routes.find((r) => r.service === to.service && r.clusters.includes(cluster) && r.http.length === 1 && r.http[0]!.match.length === 0);
    if (!split || split.http[0]!.to.length < 2) return [to];
    return split.http[0]!.to.map((d) => ({ ...d, ...(to.port !== undefined && d.port === undefined ? { port: to.port } : {}) }));
  }

  // --- S6 east-west gateway: the *.local cross-network Gateway ----------------------------------------------------

  private eastWest(cluster: ClusterModel): PlannedDocument[] {
    const ew = cluster.eastWestGateway;
    // Ambient clusters get the istio-east-west Gateway API Gateway instead (see ambient()).
    if (!ew || cluster.dataPlaneMode === 'ambient') return [];
    return [
      content(
        'gateway',
        'Gateway',
        {
          apiVersion: this.net,
          kind: 'Gateway',
          metadata: metadata(CROSS_NETWORK_GATEWAY, ew.namespace),
          spec: { selector: { ...ew.selector }, servers: [{ port: { number: 15443, name: 'tls', protocol: 'TLS' }, hosts: ['*.local'], tls: { mode: 'AUTO_PASSTHROUGH' } }] },
        },
        ew.origin,
      ),
    ];
  }

  // --- Issue 16: ambient east-west gateway, waypoints, and istio-remote peers (sidecar meshes too) ---------------

  private ambient(cluster: ClusterModel): PlannedDocument[] {
    const asContent = (d: GatewayDocument) => content('k8s-gateway', 'Gateway', d.object, d.origin);
    const eastWest = eastWestGatewayDocument(cluster, MANAGED_BY);
    return [
      ...(eastWest ? [asContent(eastWest)] : []),
      ...waypointDocuments(this.model, cluster, MANAGED_BY).map(asContent),
      ...remotePeerDocuments(this.model, cluster, MANAGED_BY).map(asContent),
    ];
  }

  // --- S7 server header -------------------------------------------------------------------------------------------

  private serverHeader(cluster: ClusterModel): PlannedDocument[] {
    const gateway = cluster.ingressGateway;
    if (gateway.serverHeader === undefined) return [];
    return [
      content(
        'envoyfilter',
        'EnvoyFilter',
        {
          apiVersion: ENVOY_FILTER_API,
          kind: 'EnvoyFilter',
          metadata: metadata(`${gateway.name}-server-header`, gateway.namespace),
          spec: {
            workloadSelector: { labels: { ...gateway.selector } },
            configPatches: [
              {
                applyTo: 'NETWORK_FILTER',
                match: { context: 'GATEWAY', listener: { filterChain: { filter: { name: HCM } } } },
                patch: { operation: 'MERGE', value: { typed_config: { '@type': HCM_TYPE, server_name: gateway.serverHeader, server_header_transformation: 'OVERWRITE' } } },
              },
            ],
          },
        },
        [...gateway.origin, 'serverHeader', 'value'],
      ),
    ];
  }
}
