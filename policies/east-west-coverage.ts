import { AUTO_PASSTHROUGH_PORT, HBONE_PORT, LISTENER_PROTOCOL_OPTION } from '../generator/core/gateway-api.js';
import type { DataPlaneMode } from '../generator/config/types.js';
import type { DocPath } from '../generator/diagnostics/types.js';
import { asNumber, asString, get, recordItems } from '../generator/manifest/access.js';
import { scopeIndex } from './utils/ambient.js';
import { EAST_WEST_CLASS, gatewayClassOf, isKubernetesGateway, listenersOf, REMOTE_CLASS } from './utils/gateway-api.js';
import { namespaceOf } from './utils/hosts.js';
import { DATAPLANE_MODE_LABEL, labelsOf, NETWORK_LABEL } from './utils/labels.js';
import { installedDataPlanes, MESH_CONFIG_KINDS, meshConfigSources } from './utils/mesh-config.js';
import type { LintResource, Rule, RuleContext } from './utils/rule.js';

interface ClusterFacts {
  network?: string;
  /** Where the network is written: findings about the cluster point there. */
  anchor?: { resource: LintResource; path: DocPath };
  ambient: boolean;
  eastWest: boolean;
  serves: boolean;
  /** Networks this cluster reaches through istio-remote Gateways or meshNetworks gateways. */
  readonly peers: Set<string>;
}

/** A sidecar-era east-west Gateway: a server on 15443 in AUTO_PASSTHROUGH mode. */
function isPassthroughGateway(gateway: LintResource): boolean {
  return recordItems(get(gateway.object, 'spec', 'servers')).some(([, server]) => asNumber(get(server, 'port', 'number')) === AUTO_PASSTHROUGH_PORT && get(server, 'tls', 'mode') === 'AUTO_PASSTHROUGH');
}

function listenerFits(gateway: LintResource, mode: DataPlaneMode | undefined): boolean {
  return listenersOf(gateway).some((l) => {
    const hbone = l.port === HBONE_PORT && l.protocol === 'HBONE';
    const passthrough = l.port === AUTO_PASSTHROUGH_PORT && l.protocol === 'TLS' && l.options[LISTENER_PROTOCOL_OPTION] === 'auto-passthrough';
    return mode === 'ambient' ? hbone : mode === 'sidecar' ? passthrough : hbone || passthrough;
  });
}

function check(context: RuleContext): void {
  const facts = new Map<string, ClusterFacts>();
  const of = (cluster: string) => {
    let f = facts.get(cluster);
    if (!f) facts.set(cluster, (f = { ambient: false, eastWest: false, serves: false, peers: new Set() }));
    return f;
  };
  // Networks: the istio-system Namespace label, istiod's global.network, the mesh config.
  const labelledAmbient = new Set<string>();
  for (const ns of context.resources('Namespace')) {
    const labels = labelsOf(ns.object);
    if (labels[DATAPLANE_MODE_LABEL] === 'ambient') labelledAmbient.add(ns.cluster);
    if (ns.name === 'istio-system' && labels[NETWORK_LABEL]) {
      const f = of(ns.cluster);
      f.network ??= labels[NETWORK_LABEL];
      f.anchor ??= { resource: ns, path: ['metadata', 'labels', NETWORK_LABEL] };
    }
  }
  for (const source of meshConfigSources(context)) {
    const f = of(source.resource.cluster);
    if (source.network !== undefined && f.network === undefined) {
      f.network = source.network;
      const base = source.path[source.path.length - 1] === 'meshConfig' ? source.path.slice(0, -1) : source.path;
      const path: DocPath = source.opaque ? source.path : source.resource.kind === 'IstioOperator' ? ['spec', 'values', 'global', 'network'] : [...base, 'global', 'network'];
      f.anchor = { resource: source.resource, path };
    }
    for (const [name, network] of Object.entries((get(source.meshConfig, 'meshNetworks') ?? {}) as Record<string, unknown>)) {
      if (recordItems(get(network, 'gateways')).length > 0) f.peers.add(name);
    }
  }
  for (const cluster of context.model?.clusters ?? []) {
    const f = of(cluster.name);
    f.network ??= cluster.network;
  }
  for (const exported of context.model?.exports ?? []) of(exported.from).serves = true;
  // A cluster's data plane is what its install says (meshforge generates it from the cluster's dataPlaneMode), else
  // the mesh config's dataPlaneMode; only a cluster with neither in the input is judged by its namespaces'
  // istio.io/dataplane-mode labels.
  const installed = installedDataPlanes(context);
  const configured = new Map((context.model?.clusters ?? []).map((c) => [c.name, c.dataPlaneMode]));
  for (const cluster of new Set([...installed.keys(), ...configured.keys(), ...labelledAmbient])) {
    of(cluster).ambient = (installed.get(cluster) ?? configured.get(cluster) ?? 'ambient') === 'ambient';
  }

  const scopes = scopeIndex(context);
  for (const service of context.resources('Service')) if (scopes.isGlobal(service.cluster, namespaceOf(service), labelsOf(service.object))) of(service.cluster).serves = true;
  for (const ns of context.resources('Namespace')) if (labelsOf(ns.object)[DATAPLANE_MODE_LABEL] === 'ambient' && scopes.namespaceHasGlobal(ns.cluster, ns.name)) of(ns.cluster).serves = true;

  const remotes: LintResource[] = [];
  for (const gateway of context.resources('Gateway')) {
    if (isKubernetesGateway(gateway)) {
      const gatewayClass = gatewayClassOf(gateway);
      if (gatewayClass === EAST_WEST_CLASS) of(gateway.cluster).eastWest = true;
      if (gatewayClass === REMOTE_CLASS) remotes.push(gateway);
    } else if (isPassthroughGateway(gateway)) {
      // The sidecar-era cross-network Gateway exposes every *.local service of its cluster.
      const f = of(gateway.cluster);
      f.eastWest = true;
      f.serves = true;
    }
  }
  for (const values of context.resources('HelmValues')) if (asString(values.object.networkGateway)) of(values.cluster).eastWest = true;
  for (const release of context.resources('HelmRelease')) if (asString(get(release.object, 'spec', 'values', 'networkGateway'))) of(release.cluster).eastWest = true;

  const modeOfNetwork = (network: string): DataPlaneMode | undefined => {
    const modes = new Set([...facts].filter(([c, f]) => c !== '' && f.network === network).map(([, f]) => (f.ambient ? 'ambient' : 'sidecar')));
    return modes.size === 1 ? [...modes][0] : undefined;
  };

  // Every istio-remote peer names its network, carries a typed address, and a listener for the peer's data plane.
  for (const gateway of remotes) {
    const network = labelsOf(gateway.object)[NETWORK_LABEL];
    if (network === undefined) {
      context.report({ resource: gateway, path: ['metadata'], messageId: 'peerWithoutNetwork', data: { gateway: `${namespaceOf(gateway)}/${gateway.name}` } });
      continue;
    }
    of(gateway.cluster).peers.add(network);
    const addresses = recordItems(get(gateway.object, 'spec', 'addresses'));
    if (!addresses.some(([, a]) => a.type === 'IPAddress' || a.type === 'Hostname')) {
      context.report({ resource: gateway, path: addresses.length > 0 ? ['spec', 'addresses'] : ['spec'], messageId: 'peerWithoutAddress', data: { gateway: `${namespaceOf(gateway)}/${gateway.name}`, network } });
    }
    const mode = modeOfNetwork(network);
    if (!listenerFits(gateway, mode)) {
      const expected = mode === 'ambient' ? 'HBONE on 15008' : mode === 'sidecar' ? 'TLS on 15443 with auto-passthrough' : 'HBONE on 15008 or auto-passthrough TLS on 15443';
      context.report({ resource: gateway, path: get(gateway.object, 'spec', 'listeners') === undefined ? ['spec'] : ['spec', 'listeners'], messageId: 'peerListenerMismatch', data: { gateway: `${namespaceOf(gateway)}/${gateway.name}`, network, expected } });
    }
  }

  const clusters = [...facts].filter(([c, f]) => c !== '' && f.network !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const networks = new Set(clusters.map(([, f]) => f.network!));
  if (networks.size < 2) return;
  const unclusteredPeers = facts.get('')?.peers ?? new Set<string>();
  for (const network of [...networks].sort()) {
    const members = clusters.filter(([, f]) => f.network === network);
    const serving = members.filter(([, f]) => f.serves);
    if (serving.length === 0) continue;
    if (!members.some(([, f]) => f.eastWest)) {
      const [cluster, f] = serving[0]!;
      if (f.anchor) context.report({ resource: f.anchor.resource, path: f.anchor.path, messageId: 'noEastWestGateway', data: { network, cluster } });
    }
    for (const [cluster, f] of clusters) {
      if (f.network === network || f.peers.has(network) || unclusteredPeers.has(network) || !f.anchor) continue;
      context.report({ resource: f.anchor.resource, path: f.anchor.path, messageId: 'noPeer', data: { network, cluster, ownNetwork: f.network! } });
    }
  }
}

const rule: Rule = {
  meta: {
    id: 'east-west-coverage',
    defaultSeverity: 'warning',
    description: 'In a multi-network mesh, every network serving global or exported services has an east-west gateway, and every other network has an istio-remote peer for it with a typed address and a listener for its data plane.',
    kinds: ['Namespace', 'Service', 'Gateway', ...MESH_CONFIG_KINDS],
    docs: 'policies/east-west-coverage.md',
    messages: {
      noEastWestGateway: {
        message: 'network {{network}} serves global or exported services (cluster {{cluster}}) but has no east-west gateway: other networks cannot reach them',
        hint: 'Add a Gateway of class istio-east-west (ambient, HBONE 15008) or the sidecar-era east-west gateway with a 15443 AUTO_PASSTHROUGH Gateway.',
      },
      noPeer: {
        message: 'cluster {{cluster}} (network {{ownNetwork}}) has no istio-remote Gateway for network {{network}}, which serves global or exported services',
        hint: 'Add a Gateway of class istio-remote labelled topology.istio.io/network: {{network}}, with the peer east-west gateway\'s address (or list the network in meshNetworks).',
      },
      peerWithoutNetwork: {
        message: 'istio-remote Gateway {{gateway}} has no topology.istio.io/network label: istiod cannot tell which network it reaches',
        hint: 'Label it topology.istio.io/network: <the remote network>.',
      },
      peerWithoutAddress: {
        message: 'istio-remote Gateway {{gateway}} (network {{network}}) has no address with a type: Istio ignores addresses without type IPAddress or Hostname',
        hint: 'Write spec.addresses: [{ type: IPAddress, value: ... }] (or type: Hostname).',
      },
      peerListenerMismatch: {
        message: 'istio-remote Gateway {{gateway}} (network {{network}}) has no listener for the peer\'s data plane: expected {{expected}}',
        hint: 'Ambient peers take { name: mesh, port: 15008, protocol: HBONE }; sidecar peers a TLS listener on 15443 with option gateway.istio.io/listener-protocol: auto-passthrough.',
      },
    },
  },
  check,
};

export default rule;
