import type { ClusterModel, GatewayPort, MeshModel } from '../model/types.js';
import { INSTALL_FOLDER, ISTIO_SYSTEM, type PlannedDocument } from './resources.js';

/** A Helm release of the control plane, with the values file meshforge writes for it (issue 8 wraps these for Flux/Argo CD). */
export interface HelmRelease {
  readonly release: string;
  readonly chart: 'base' | 'istiod' | 'gateway';
  readonly namespace: string;
  /** Path inside the cluster folder. */
  readonly valuesFile: string;
}

/** The Helm releases of a cluster installed with `install.method: helm`, in install order. */
export function helmReleases(cluster: ClusterModel): HelmRelease[] {
  if (cluster.install.method !== 'helm') return [];
  const releases: HelmRelease[] = [
    { release: 'istio-base', chart: 'base', namespace: ISTIO_SYSTEM, valuesFile: `${INSTALL_FOLDER}/istio-base.values.yaml` },
    { release: 'istiod', chart: 'istiod', namespace: ISTIO_SYSTEM, valuesFile: `${INSTALL_FOLDER}/istiod.values.yaml` },
    { release: cluster.ingressGateway.name, chart: 'gateway', namespace: cluster.ingressGateway.namespace, valuesFile: `${INSTALL_FOLDER}/${cluster.ingressGateway.name}.values.yaml` },
  ];
  if (cluster.eastWestGateway) {
    releases.push({ release: cluster.eastWestGateway.name, chart: 'gateway', namespace: cluster.eastWestGateway.namespace, valuesFile: `${INSTALL_FOLDER}/${cluster.eastWestGateway.name}.values.yaml` });
  }
  return releases;
}

export const ISTIO_OPERATOR_FILE = `${INSTALL_FOLDER}/istio-operator.yaml`;

type Obj = Record<string, unknown>;

function meshConfig(model: MeshModel, cluster: ClusterModel): Obj {
  const d = model.mesh.defaults;
  return {
    trustDomain: model.mesh.trustDomain,
    accessLogFile: d.accessLogFile,
    enableAutoMtls: d.autoMtls,
    outboundTrafficPolicy: { mode: cluster.outboundTrafficPolicy },
    // proxyMetadata values are strings: "true", never the boolean.
    ...(d.dnsCapture ? { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' } } } : {}),
  };
}

function servicePorts(ports: readonly GatewayPort[]): Obj[] {
  return ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}), protocol: 'TCP' }));
}

interface GatewaySpec {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly env: Record<string, string>;
  readonly serviceType: string;
  readonly externalIPs: readonly string[];
  readonly ports: Obj[];
  readonly network?: string;
}

function gateways(cluster: ClusterModel): GatewaySpec[] {
  const ig = cluster.ingressGateway;
  const specs: GatewaySpec[] = [
    {
      name: ig.name,
      namespace: ig.namespace,
      labels: { ...ig.selector, app: ig.name },
      // S5: seed 001 runs the ingress gateway in sni-dnat mode so AUTO_PASSTHROUGH can route by SNI.
      env: ig.routerMode === 'sni-dnat' ? { ISTIO_META_ROUTER_MODE: 'sni-dnat' } : {},
      serviceType: ig.serviceType,
      externalIPs: ig.externalIPs,
      ports: servicePorts(ig.ports),
    },
  ];
  const ew = cluster.eastWestGateway;
  if (ew) {
    specs.push({
      name: ew.name,
      namespace: ew.namespace,
      labels: { ...ew.selector, app: ew.name, 'topology.istio.io/network': cluster.network },
      env: { ISTIO_META_REQUESTED_NETWORK_VIEW: cluster.network },
      serviceType: ew.serviceType,
      externalIPs: [],
      ports: servicePorts(ew.ports),
      network: cluster.network,
    });
  }
  return specs;
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
              service: { type: g.serviceType, ...(g.externalIPs.length > 0 ? { externalIPs: [...g.externalIPs] } : {}), ports: g.ports },
            },
          })),
        },
      },
    };
    return [{ template: 'istiooperator', object, origin: origin(cluster), folder: INSTALL_FOLDER, fileName: 'istio-operator.yaml', kind: 'install' }];
  }
  const releases = helmReleases(cluster);
  const file = (r: HelmRelease) => r.valuesFile.slice(INSTALL_FOLDER.length + 1);
  const docs: PlannedDocument[] = [
    { template: 'helm-base-values', object: { global: { istioNamespace: ISTIO_SYSTEM } }, origin: origin(cluster), folder: INSTALL_FOLDER, fileName: file(releases[0]!), kind: 'install' },
    {
      template: 'helm-istiod-values',
      object: {
        ...(revision !== undefined ? { revision } : {}),
        global: { hub: istio.hub, tag: cluster.install.version, meshID: model.mesh.id, multiCluster: { clusterName: cluster.name }, network: cluster.network },
        meshConfig: meshConfig(model, cluster),
      },
      origin: origin(cluster),
      folder: INSTALL_FOLDER,
      fileName: file(releases[1]!),
      kind: 'install',
    },
  ];
  gateways(cluster).forEach((g, i) => {
    docs.push({
      template: 'helm-gateway-values',
      object: {
        name: g.name,
        ...(revision !== undefined ? { revision } : {}),
        ...(g.network !== undefined ? { networkGateway: g.network } : {}),
        labels: g.labels,
        ...(Object.keys(g.env).length > 0 ? { env: g.env } : {}),
        service: { type: g.serviceType, ...(g.externalIPs.length > 0 ? { externalIPs: [...g.externalIPs] } : {}), ports: g.ports },
      },
      origin: i === 0 ? cluster.ingressGateway.origin : cluster.eastWestGateway!.origin,
      folder: INSTALL_FOLDER,
      fileName: file(releases[2 + i]!),
      kind: 'install',
    });
  });
  return docs;
}
