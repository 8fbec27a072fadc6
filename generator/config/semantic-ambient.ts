import type { Diagnostic, DiagnosticId, DocPath } from '../diagnostics/types.js';
import { AMBIENT_MULTICLUSTER_MIN, istioFeatures, isSupportedIstio } from '../core/istio-version.js';
import { serviceKey } from './keys.js';
import { namespacePlacements } from './namespaces.js';
import type { ClusterInput, DataPlaneMode, MeshConfigInput } from './types.js';

/** The data plane of a namespace in one cluster: its own override, else the cluster's. */
export function namespaceMode(ns: { readonly dataPlaneMode?: DataPlaneMode | undefined }, cluster: ClusterInput): DataPlaneMode {
  return ns.dataPlaneMode ?? cluster.dataPlaneMode;
}

/**
 * Cross-field checks of ambient mode (issue 16): the Istio release and install method that support it, the
 * multi-primary limit, and namespace overrides Istio can honour. `unresolved`: services defined twice or placed in an
 * unknown cluster (see checkSemantics). Pure; positions are resolved when printed.
 */
export function checkAmbient(config: MeshConfigInput, file: string, unresolved: ReadonlySet<string> = new Set()): Diagnostic[] {
  const out: Diagnostic[] = [];
  const problem = (rule: DiagnosticId, severity: 'error' | 'warning', path: DocPath, message: string, hint: string) =>
    out.push({ rule, severity, message, hint, location: { file, path, target: 'value' } });
  const byName = new Map(config.clusters.map((c) => [c.name, c]));
  const ambient = config.clusters.map((c, i) => ({ cluster: c, i })).filter(({ cluster }) => cluster.dataPlaneMode === 'ambient');
  if (ambient.length === 0 && !config.namespaces.some((n) => n.dataPlaneMode === 'ambient' || n.waypoint !== undefined)) return out;

  const multicluster = config.clusters.length > 1;
  const versionGated = new Set<string>();
  for (const { cluster, i } of ambient) {
    const base: DocPath = ['clusters', i];
    if (cluster.install.method === 'istioctl') {
      problem(
        'config-ambient-install',
        'error',
        [...base, 'install', 'method'],
        `cluster '${cluster.name}' is ambient but installed with istioctl: meshforge installs ambient clusters with the Helm charts base, istiod, cni and ztunnel only`,
        'Write install: { method: helm } for this cluster (Argo CD and Flux sync the charts), or keep dataPlaneMode: sidecar for an istioctl install.',
      );
    }
    if (cluster.install.profile === 'remote') {
      problem(
        'config-ambient-multi-primary',
        'error',
        [...base, 'install', 'profile'],
        `cluster '${cluster.name}' is ambient with profile remote: ambient multicluster supports multi-primary only, each cluster with its own istiod`,
        'Remove profile: remote (every ambient cluster runs its own control plane), or keep this cluster on dataPlaneMode: sidecar.',
      );
    }
    const version = cluster.install.version ?? config.mesh.istio.version;
    const versionPath: DocPath = cluster.install.version !== undefined ? [...base, 'install', 'version'] : ['mesh', 'istio', 'version'];
    if (multicluster && isSupportedIstio(version) && !istioFeatures(version).ambientMulticluster) {
      const key = versionPath.join('/');
      if (!versionGated.has(key)) {
        versionGated.add(key);
        problem(
          'config-ambient-version',
          'error',
          versionPath,
          `Istio ${version} has no ambient multicluster (cluster '${cluster.name}' is ambient in a mesh of ${config.clusters.length} clusters): it needs Istio ${AMBIENT_MULTICLUSTER_MIN} or later`,
          `Use Istio ${AMBIENT_MULTICLUSTER_MIN} or later (1.29 for multi-network beta), or keep these clusters on dataPlaneMode: sidecar.`,
        );
      }
    }
  }

  // Ambient across networks: supported from 1.27 (alpha), beta in 1.29. Said once, where the first ambient cluster is.
  const networks = new Set(config.clusters.map((c) => c.network));
  const first = ambient[0];
  if (first && networks.size > 1 && versionGated.size === 0) {
    const version = first.cluster.install.version ?? config.mesh.istio.version;
    const stage = isSupportedIstio(version) && istioFeatures(version).ambientMultiNetworkBeta ? 'beta' : 'alpha';
    problem(
      'config-ambient-beta',
      'warning',
      ['clusters', first.i, 'dataPlaneMode'],
      `ambient across ${networks.size} networks is ${stage} in Istio ${version}: istiod runs with AMBIENT_ENABLE_MULTI_NETWORK=true and traffic between networks goes through the istio-east-west gateways (HBONE on 15008)`,
      'Read the limits in docs/ambient.md before production use; keep dataPlaneMode: sidecar for a mesh that must stay on stable features.',
    );
  }

  // Where the model generates each namespace (its own list, else the clusters that use it, importing clusters
  // included): those are the clusters whose data plane must serve it. A namespace generated nowhere gets
  // config-unused-namespace and nothing here. Services defined twice or in an unknown cluster place nothing: their
  // placement is the mistake, reported at the service.
  const placements = namespacePlacements(unresolved.size === 0 ? config : { ...config, services: config.services.filter((s) => !unresolved.has(serviceKey(s.namespace, s.name))) });
  config.namespaces.forEach((ns, i) => {
    const base: DocPath = ['namespaces', i];
    const clusters = (placements[i]?.clusters ?? []).map((name) => byName.get(name)).filter((c): c is ClusterInput => c !== undefined);
    if (clusters.length === 0) return;
    if (ns.dataPlaneMode === 'ambient') {
      const sidecar = clusters.filter((c) => c.dataPlaneMode === 'sidecar').map((c) => c.name);
      if (sidecar.length > 0) {
        problem(
          'config-ambient-namespace',
          'error',
          [...base, 'dataPlaneMode'],
          `namespace '${ns.name}' asks for ambient, but ${sidecar.map((n) => `'${n}'`).join(', ')} ${sidecar.length === 1 ? 'is a sidecar cluster' : 'are sidecar clusters'}: without istio-cni and ztunnel, ambient namespaces get no data plane`,
          `Set dataPlaneMode: ambient on ${sidecar.join(', ')}, or limit the namespace with clusters: to ambient clusters.`,
        );
      }
    }
    const ambientHere = clusters.filter((c) => namespaceMode(ns, c) === 'ambient');
    if (ns.injection === true && ambientHere.length > 0 && ambientHere.length === clusters.length) {
      problem(
        'config-ambient-namespace',
        'error',
        [...base, 'injection'],
        `namespace '${ns.name}' is ambient (istio.io/dataplane-mode=ambient) and also asks for sidecar injection`,
        'Remove injection: true, or set dataPlaneMode: sidecar on the namespace to keep its sidecars in an ambient cluster.',
      );
    }
    if (ns.waypoint !== undefined && ambientHere.length === 0) {
      problem(
        'config-ambient-namespace',
        'error',
        [...base, 'waypoint'],
        `namespace '${ns.name}' names waypoint '${ns.waypoint}', but it is ambient in none of its clusters: waypoints serve ambient workloads only`,
        'Make the namespace ambient (dataPlaneMode: ambient on its clusters), or remove waypoint:.',
      );
    }
  });
  return out;
}
