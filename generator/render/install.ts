import type { DocPath } from '../diagnostics/types.js';
import type { ClusterModel, GatewayPort, MeshModel } from '../model/types.js';
import { istioFeatures } from '../core/istio-version.js';
import { isMultiNetwork, serviceScopeConfigs } from './ambient.js';
import { INSTALL_FOLDER, ISTIO_SYSTEM, type PlannedDocument } from './resources.js';

/** A Helm release of the control plane, with the values file meshforge writes for it (issue 8 wraps these for Flux/Argo CD). */
export interface HelmRelease {
  readonly release: string;
  readonly chart: 'base' | 'istiod' | 'cni' | 'ztunnel' | 'gateway';
  readonly namespace: string;
  /** Path inside the cluster folder. */
  readonly valuesFile: string;
}

/**
 * The Helm releases of a cluster installed with `install.method: helm`, in install order: base, istiod, then for
 * ambient clusters istio-cni and ztunnel, then the gateways. An ambient cluster's east-west gateway is a Gateway API
 * Gateway (class istio-east-west) that istiod deploys, not a gateway chart release.
 */
export function helmReleases(cluster: ClusterModel): HelmRelease[] {
  if (cluster.install.method !== 'helm') return [];
  const ambient = cluster.dataPlaneMode === 'ambient';
  const releases: HelmRelease[] = [
    { release: 'istio-base', chart: 'base', namespace: ISTIO_SYSTEM, valuesFile: `${INSTALL_FOLDER}/istio-base.values.yaml` },
    { release: 'istiod', chart: 'istiod', namespace: ISTIO_SYSTEM, valuesFile: `${INSTALL_FOLDER}/istiod.values.yaml` },
    ...(ambient
      ? ([
          { release: 'istio-cni', chart: 'cni', namespace: ISTIO_SYSTEM, valuesFile: `${INSTALL_FOLDER}/istio-cni.values.yaml` },
          { release: 'ztunnel', chart: 'ztunnel', namespace: ISTIO_SYSTEM, valuesFile: `${INSTALL_FOLDER}/ztunnel.values.yaml` },
        ] as const)
      : []),
    { release: cluster.ingressGateway.name, chart: 'gateway', namespace: cluster.ingressGateway.namespace, valuesFile: `${INSTALL_FOLDER}/${cluster.ingressGateway.name}.values.yaml` },
  ];
  if (cluster.eastWestGateway && !ambient) {
    releases.push({ release: cluster.eastWestGateway.name, chart: 'gateway', namespace: cluster.eastWestGateway.namespace, valuesFile: `${INSTALL_FOLDER}/${cluster.eastWestGateway.name}.values.yaml` });
  }
  return releases;
}

export const ISTIO_OPERATOR_FILE = `${INSTALL_FOLDER}/istio-operator.yaml`;

type Obj = Record<string, unknown>;

function meshConfig(model: MeshModel, cluster: ClusterModel): Obj {
  const d = model.mesh.defaults;
  const features = istioFeatures(cluster.install.version);
  // proxyMetadata values are strings: "true", never the boolean.
  const proxyMetadata: Record<string, string> = d.dnsCapture
    ? {
        ISTIO_META_DNS_CAPTURE: 'true',
        // Before 1.25 only the proxy allocates VIPs for ServiceEntries without addresses, and only when asked to; from
        // 1.25 istiod's IP auto-allocation controller does it and the variable is deprecated.
        ...(features.dnsAutoAllocateEnv ? { ISTIO_META_DNS_AUTO_ALLOCATE: 'true' } : {}),
      }
    : {};
  return {
    trustDomain: model.mesh.trustDomain,
    accessLogFile: d.accessLogFile,
    enableAutoMtls: d.autoMtls,
    outboundTrafficPolicy: { mode: cluster.outboundTrafficPolicy },
    ...(Object.keys(proxyMetadata).length > 0 ? { defaultConfig: { proxyMetadata } } : {}),
    // Helm replaces lists: the ambient profile's own istio.io/global selector is repeated first (see ambient.ts).
    ...(cluster.dataPlaneMode === 'ambient' ? { serviceScopeConfigs: serviceScopeConfigs(model) } : {}),
  };
}

function servicePorts(ports: readonly GatewayPort[]): Obj[] {
  return ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}), protocol: 'TCP' }));
}

/**
 * The ports the gateway chart writes itself when `networkGateway` is set (manifests/charts/gateway/templates/
 * service.yaml at 1.29.0): status-port 15021, tls 15443, tls-istiod 15012, tls-webhook 15017, each to the same target
 * port. `service.ports` is ignored then.
 */
export const NETWORK_GATEWAY_CHART_PORTS: readonly GatewayPort[] = [
  { name: 'status-port', port: 15021, targetPort: 15021 },
  { name: 'tls', port: 15443, targetPort: 15443 },
  { name: 'tls-istiod', port: 15012, targetPort: 15012 },
  { name: 'tls-webhook', port: 15017, targetPort: 15017 },
];

const portKey = (p: GatewayPort) => `${p.name}|${p.port}|${p.targetPort}|${p.nodePort ?? ''}`;

/** Whether the east-west ports are exactly the ones the chart hard-codes for a network gateway (any order). */
export function chartWritesNetworkPorts(ports: readonly GatewayPort[]): boolean {
  const want = NETWORK_GATEWAY_CHART_PORTS.map(portKey).sort();
  const have = ports.map(portKey).sort();
  return want.length === have.length && want.every((k, i) => k === have[i]);
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * The Service addresses of a network gateway. istiod learns a network gateway's address only from its Service's
 * `status.loadBalancer.ingress` or `spec.externalIPs` (pilot/pkg/serviceregistry/kube/conversion.go at 1.29.0), so a
 * declared IP address is written as `externalIPs`: it works with and without a load-balancer controller. A DNS name
 * cannot go into a Service spec: it must then come from the load balancer's status.
 */
export function gatewayExternalIPs(address: string | undefined): string[] {
  return address !== undefined && IPV4.test(address) ? [address] : [];
}

interface GatewaySpec {
  readonly name: string;
  readonly namespace: string;
  /** Labels for the IstioOperator (which writes them on the pods and the Service as given). */
  readonly labels: Record<string, string>;
  readonly env: Record<string, string>;
  readonly serviceType: string;
  readonly externalIPs: readonly string[];
  readonly ports: readonly GatewayPort[];
  readonly network?: string;
}

function gateways(cluster: ClusterModel): GatewaySpec[] {
  const ig = cluster.ingressGateway;
  const features = istioFeatures(cluster.install.version);
  const specs: GatewaySpec[] = [
    {
      name: ig.name,
      namespace: ig.namespace,
      labels: { ...ig.selector, app: ig.name },
      // ISTIO_META_ROUTER_MODE is only written for releases that still read it (before 1.14); later releases give
      // AUTO_PASSTHROUGH gateways SNI-DNAT clusters on their own.
      env: ig.routerMode === 'sni-dnat' && features.routerModeEnv ? { ISTIO_META_ROUTER_MODE: 'sni-dnat' } : {},
      serviceType: ig.serviceType,
      externalIPs: ig.externalIPs,
      ports: ig.ports,
    },
  ];
  const ew = cluster.eastWestGateway;
  if (ew && cluster.dataPlaneMode !== 'ambient') {
    specs.push({
      name: ew.name,
      namespace: ew.namespace,
      labels: { ...ew.selector, app: ew.name, 'topology.istio.io/network': cluster.network },
      env: { ISTIO_META_REQUESTED_NETWORK_VIEW: cluster.network },
      serviceType: ew.serviceType,
      externalIPs: gatewayExternalIPs(ew.address),
      ports: ew.ports,
      network: cluster.network,
    });
  }
  return specs;
}

/**
 * The values of the gateway chart for one gateway. A network gateway whose ports are the chart's own gets
 * `networkGateway` ALONE: the chart then writes the env ISTIO_META_REQUESTED_NETWORK_VIEW, the label
 * topology.istio.io/network and the four ports itself, and writing any of them again would duplicate them (a duplicate
 * env name is rejected by server-side apply; a duplicate label key breaks the rendered YAML). A network gateway with
 * other ports (a nodePort, another port) cannot use `networkGateway`, which ignores `service.ports`: it gets the
 * label, the env and the ports the way the chart reads them without it.
 */
function gatewayValues(g: GatewaySpec, revision: string | undefined): Obj {
  const service = (ports: boolean): Obj => ({
    type: g.serviceType,
    ...(g.externalIPs.length > 0 ? { externalIPs: [...g.externalIPs] } : {}),
    ...(ports ? { ports: servicePorts(g.ports) } : {}),
  });
  const common = { name: g.name, ...(revision !== undefined ? { revision } : {}) };
  if (g.network !== undefined && chartWritesNetworkPorts(g.ports)) {
    const labels = Object.fromEntries(Object.entries(g.labels).filter(([k]) => k !== 'topology.istio.io/network'));
    return { ...common, networkGateway: g.network, labels, service: service(false) };
  }
  return { ...common, labels: g.labels, ...(Object.keys(g.env).length > 0 ? { env: g.env } : {}), service: service(true) };
}

const origin = (cluster: ClusterModel) => [...cluster.origin, 'install'];

/** The control-plane install of one cluster (S5, S6): Helm values per chart, or one IstioOperator for istioctl. */
export function installDocuments(model: MeshModel, cluster: ClusterModel): PlannedDocument[] {
  const istio = model.mesh.istio;
  const revision = cluster.install.revision;
  if (cluster.install.method === 'istioctl') {
    const object = {
      apiVersion: 'install.istio.io/v1alpha1',
      kind: 'IstioOperator',
      metadata: { name: cluster.name, namespace: ISTIO_SYSTEM, labels: { 'app.kubernetes.io/managed-by': 'meshforge' } },
      spec: {
        profile: cluster.install.profile,
        hub: istio.hub,
        tag: cluster.install.version,
        ...(revision !== undefined ? { revision } : {}),
        meshConfig: meshConfig(model, cluster),
        values: { global: { meshID: model.mesh.id, multiCluster: { clusterName: cluster.name }, network: cluster.network } },
        components: {
          ingressGateways: gateways(cluster).map((g) => ({
            name: g.name,
            namespace: g.namespace,
            enabled: true,
            label: g.labels,
            k8s: {
              ...(Object.keys(g.env).length > 0 ? { env: Object.entries(g.env).map(([name, value]) => ({ name, value })) } : {}),
              service: { type: g.serviceType, ...(g.externalIPs.length > 0 ? { externalIPs: [...g.externalIPs] } : {}), ports: servicePorts(g.ports) },
            },
          })),
        },
      },
    };
    return [{ template: 'istiooperator', object, origin: origin(cluster), folder: INSTALL_FOLDER, fileName: 'istio-operator.yaml', kind: 'install' }];
  }
  const releases = helmReleases(cluster);
  const file = (r: HelmRelease) => r.valuesFile.slice(INSTALL_FOLDER.length + 1);
  const release = (chart: HelmRelease['chart']) => releases.find((r) => r.chart === chart)!;
  const ambient = cluster.dataPlaneMode === 'ambient';
  // Ambient across networks: istiod reads remote networks' endpoints only with this env (default false at 1.29.0).
  const env = ambient && isMultiNetwork(model) && istioFeatures(cluster.install.version).ambientMultiNetworkEnv ? { AMBIENT_ENABLE_MULTI_NETWORK: 'true' } : undefined;
  const ambientOrigin: DocPath = [...cluster.origin, 'dataPlaneMode'];
  const docs: PlannedDocument[] = [
    { template: 'helm-base-values', object: { global: { istioNamespace: ISTIO_SYSTEM } }, origin: origin(cluster), folder: INSTALL_FOLDER, fileName: file(release('base')), kind: 'install' },
    {
      template: 'helm-istiod-values',
      object: {
        ...(ambient ? { profile: 'ambient' } : {}),
        ...(revision !== undefined ? { revision } : {}),
        global: { hub: istio.hub, tag: cluster.install.version, meshID: model.mesh.id, multiCluster: { clusterName: cluster.name }, network: cluster.network },
        ...(env ? { env } : {}),
        meshConfig: meshConfig(model, cluster),
      },
      origin: origin(cluster),
      folder: INSTALL_FOLDER,
      fileName: file(release('istiod')),
      kind: 'install',
    },
  ];
  if (ambient) {
    docs.push(
      {
        template: 'helm-cni-values',
        object: { profile: 'ambient', ...(revision !== undefined ? { revision } : {}), global: { hub: istio.hub, tag: cluster.install.version } },
        origin: ambientOrigin,
        folder: INSTALL_FOLDER,
        fileName: file(release('cni')),
        kind: 'install',
      },
      {
        template: 'helm-ztunnel-values',
        object: { profile: 'ambient', ...(revision !== undefined ? { revision } : {}), hub: istio.hub, tag: cluster.install.version, multiCluster: { clusterName: cluster.name }, network: cluster.network },
        origin: ambientOrigin,
        folder: INSTALL_FOLDER,
        fileName: file(release('ztunnel')),
        kind: 'install',
      },
    );
  }
  const gatewayReleases = releases.filter((r) => r.chart === 'gateway');
  gateways(cluster).forEach((g, i) => {
    docs.push({
      template: 'helm-gateway-values',
      object: gatewayValues(g, revision),
      origin: i === 0 ? cluster.ingressGateway.origin : cluster.eastWestGateway!.origin,
      folder: INSTALL_FOLDER,
      fileName: file(gatewayReleases[i]!),
      kind: 'install',
    });
  });
  return docs;
}
