import type { DocPath } from '../diagnostics/types.js';
import type { DestinationInput, GatewayPortInput, MeshConfigInput, ServicePortInput } from '../config/types.js';
import { CROSS_NETWORK_PORT, exportEdges, ISTIO_NAMESPACE, resolveServiceRef, serviceClusters, serviceKey } from '../config/semantic.js';
import { namespacePlacements } from '../config/namespaces.js';
import { parseCidr } from '../core/cidr.js';
import type { ClusterModel, DestinationModel, GatewayPort, MeshModel, NamespaceModel, ServicePortModel } from './types.js';

function gatewayPorts(ports: readonly GatewayPortInput[]): GatewayPort[] {
  return ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort ?? p.port, ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}) }));
}

function servicePorts(ports: readonly ServicePortInput[]): ServicePortModel[] {
  return ports.map((p) => ({
    number: p.number,
    name: p.name ?? `${p.protocol.toLowerCase()}-${p.number}`,
    protocol: p.protocol,
    ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}),
  }));
}

function destination(input: DestinationInput, namespace: string, origin: DocPath): DestinationModel {
  return {
    ...(input.service !== undefined ? { service: resolveServiceRef(input.service, namespace) } : {}),
    ...(input.host !== undefined ? { host: input.host } : {}),
    ...(input.cluster !== undefined ? { cluster: input.cluster } : {}),
    ...(input.version !== undefined ? { version: input.version } : {}),
    ...(input.port !== undefined ? { port: input.port } : {}),
    ...(input.weight !== undefined ? { weight: input.weight } : {}),
    origin,
  };
}

/** The in-cluster name of a Kubernetes Service. */
export function serviceFqdn(namespace: string, name: string): string {
  return `${name}.${namespace}.svc.cluster.local`;
}

/**
 * Builds the normalized model from a config that passed schema and semantic checks.
 * Pure: the same config always gives an equal model.
 */
export function buildModel(config: MeshConfigInput, configFile: string): MeshModel {
  const m = config.mesh;
  const clusters: ClusterModel[] = config.clusters.map((c, i) => {
    const ig = c.ingressGateway;
    const igPorts = gatewayPorts(ig.ports);
    const crossPort = igPorts.find((p) => p.port === CROSS_NETWORK_PORT);
    const ew = c.eastWestGateway;
    return {
      name: c.name,
      network: c.network,
      dataPlaneMode: c.dataPlaneMode,
      ...(c.region !== undefined ? { region: c.region } : {}),
      ...(c.zone !== undefined ? { zone: c.zone } : {}),
      install: { method: c.install.method, version: c.install.version ?? m.istio.version, ...(c.install.revision ? { revision: c.install.revision } : {}), profile: c.install.profile },
      ingressGateway: {
        name: ig.name,
        namespace: ig.namespace,
        ...(ig.address !== undefined ? { address: ig.address } : {}),
        serviceType: ig.serviceType,
        externalIPs: ig.externalIPs,
        routerMode: ig.routerMode,
        ports: igPorts,
        crossClusterPort: crossPort?.nodePort ?? CROSS_NETWORK_PORT,
        ...(ig.serverHeader ? { serverHeader: ig.serverHeader.value } : {}),
        selector: { istio: ig.name === 'istio-ingressgateway' ? 'ingressgateway' : ig.name },
        origin: ['clusters', i, 'ingressGateway'],
      },
      ...(ew && ew.enabled
        ? {
            eastWestGateway: {
              name: ew.name,
              namespace: ISTIO_NAMESPACE,
              ...(ew.address !== undefined ? { address: ew.address } : {}),
              serviceType: ew.serviceType,
              ports: gatewayPorts(ew.ports),
              selector: { istio: 'eastwestgateway' },
              origin: ['clusters', i, 'eastWestGateway'],
            },
          }
        : {}),
      outboundTrafficPolicy: c.outboundTrafficPolicy ?? m.defaults.outboundTrafficPolicy,
      destination: { ...(c.destination?.server !== undefined ? { server: c.destination.server } : {}), name: c.destination?.name ?? c.name },
      origin: ['clusters', i],
    };
  });
  const allClusters = clusters.map((c) => c.name);
  const modeOf = new Map(clusters.map((c) => [c.name, c.dataPlaneMode]));

  const services = config.services.map((s, i) => {
    const home = serviceClusters(s);
    return {
      key: serviceKey(s.namespace, s.name),
      name: s.name,
      namespace: s.namespace,
      fqdn: serviceFqdn(s.namespace, s.name),
      clusters: home,
      ports: servicePorts(s.ports),
      versions: s.versions.map((v, vi) => ({ name: v.name, labels: v.labels ?? { version: v.name }, clusters: v.clusters ?? home, origin: ['services', i, 'versions', vi] as DocPath })),
      ...(s.global ? { global: { serviceLabels: s.serviceLabels ?? { app: s.name }, origin: ['services', i, 'global'] as DocPath } } : {}),
      origin: ['services', i] as DocPath,
    };
  });
  const serviceByKey = new Map(services.map((s) => [s.key, s]));

  // One edge per (service, from, to), whichever spelling declared it first.
  const seenEdges = new Set<string>();
  const exports = exportEdges(config)
    .filter((e) => {
      const id = `${e.service}|${e.from}|${e.to}`;
      if (seenEdges.has(id)) return false;
      seenEdges.add(id);
      return true;
    })
    .map((e) => {
      const [namespace, name] = e.service.split('/') as [string, string];
      return { service: e.service, from: e.from, to: e.to, remoteHost: `${name}.${namespace}.${e.from}`, origin: e.path };
    });

  // Namespaces: their clusters: key, else the clusters that use them, else none (config/namespaces.ts).
  const namespaces: NamespaceModel[] = [];
  namespacePlacements(config).forEach((placement, i) => {
    const ns = config.namespaces[i]!;
    for (const cluster of placement.clusters) {
      const dataPlaneMode = ns.dataPlaneMode ?? modeOf.get(cluster)!;
      namespaces.push({
        name: ns.name,
        cluster,
        dataPlaneMode,
        injection: dataPlaneMode === 'ambient' ? false : (ns.injection ?? m.defaults.injection),
        labels: ns.labels,
        ...(ns.waypoint !== undefined && dataPlaneMode === 'ambient' ? { waypoint: { name: ns.waypoint, origin: ['namespaces', i, 'waypoint'] as DocPath } } : {}),
        origin: ['namespaces', i],
      });
    }
  });

  const routes = config.routes.map((r, i) => {
    const isService = !r.host.includes('.');
    const key = isService ? resolveServiceRef(r.host, r.namespace) : undefined;
    const service = key ? serviceByKey.get(key) : undefined;
    return {
      name: r.name,
      namespace: r.namespace,
      clusters: r.clusters ?? service?.clusters ?? [],
      ...(key ? { service: key } : {}),
      host: service ? service.fqdn : r.host,
      http: (r.http ?? []).map((h, hi) => ({
        ...(h.name !== undefined ? { name: h.name } : {}),
        match: h.match,
        to: h.to.map((d, di) => destination(d, r.namespace, ['routes', i, 'http', hi, 'to', di])),
        ...(h.timeout !== undefined ? { timeout: h.timeout } : {}),
        ...(h.retries !== undefined ? { retries: h.retries } : {}),
        origin: ['routes', i, 'http', hi] as DocPath,
      })),
      tcp: (r.tcp ?? []).map((t, ti) => ({
        ...(t.port !== undefined ? { port: t.port } : {}),
        to: t.to.map((d, di) => destination(d, r.namespace, ['routes', i, 'tcp', ti, 'to', di])),
        origin: ['routes', i, 'tcp', ti] as DocPath,
      })),
      origin: ['routes', i] as DocPath,
    };
  });

  const externalServices = config.externalServices.map((e, i) => ({
    name: e.name,
    namespace: e.namespace,
    clusters: e.clusters ?? allClusters,
    hosts: e.hosts,
    ports: servicePorts(e.ports),
    resolution: e.resolution,
    addresses: e.addresses,
    endpoints: e.endpoints,
    ...(e.tls
      ? { tls: { mode: e.tls.mode, ...(e.tls.port !== undefined ? { port: e.tls.port } : {}), sni: e.tls.sni ?? e.hosts[0]!, caCertificates: e.tls.caCertificates, ...(e.tls.credentialName ? { credentialName: e.tls.credentialName } : {}) } }
      : {}),
    origin: ['externalServices', i] as DocPath,
  }));

  const ingress = config.ingress.map((g, i) => {
    const protocol = g.protocol ?? (g.tls ? 'HTTPS' : 'HTTP');
    const namespace = g.namespace ?? (g.to.service?.includes('/') ? g.to.service.split('/')[0]! : ISTIO_NAMESPACE);
    const target = g.to.service ? serviceByKey.get(resolveServiceRef(g.to.service, namespace)) : undefined;
    return {
      name: g.name,
      namespace,
      clusters: g.clusters ?? target?.clusters ?? [],
      host: g.host ?? '*',
      protocol,
      port: g.port ?? (protocol === 'HTTP' ? 80 : 443),
      ...(g.tls ? { tls: { mode: g.tls.mode, credentialName: g.tls.credentialName ?? `${g.name}-credential` } } : {}),
      paths: g.paths,
      to: destination(g.to, namespace, ['ingress', i, 'to']),
      api: g.api,
      origin: ['ingress', i] as DocPath,
    };
  });

  return {
    configFile,
    config,
    mesh: {
      id: m.id,
      trustDomain: m.trustDomain,
      istio: { ...m.istio },
      ca: {
        root: { ...m.ca.root },
        intermediate: { ...m.ca.intermediate },
        ingress: { ...m.ca.ingress },
        pkiDir: m.ca.pkiDir,
        expiryWarningDays: m.ca.expiryWarningDays,
      },
      vipRanges: m.vipRanges.map((r) => parseCidr(r)),
      defaults: { ...m.defaults },
      origin: ['mesh'],
    },
    clusters,
    namespaces,
    services,
    exports,
    routes,
    externalServices,
    ingress,
    gitops: config.gitops
      ? {
          engine: config.gitops.engine,
          repoURL: config.gitops.repoURL,
          branch: config.gitops.branch,
          path: config.gitops.path,
          gatewayApiCrds: config.gitops.gatewayApiCrds,
          ...(config.gitops.github ? { github: config.gitops.github } : {}),
          argocd: config.gitops.argocd,
          flux: config.gitops.flux,
          origin: ['gitops'],
        }
      : undefined,
    policies: {
      severity: config.policies.severity,
      exceptions: config.policies.exceptions.map((e, i) => ({ ...e, origin: ['policies', 'exceptions', i] as DocPath })),
    },
  };
}
