import type { ClusterModel, GitopsModel, MeshModel } from '../model/types.js';
import { helmReleases, installDocuments, type HelmRelease } from '../render/install.js';
import {
  CLUSTER_LABEL,
  clusterRepoPath,
  FLUX_FOLDER,
  FLUX_GATEWAY_API_KUSTOMIZATION,
  FLUX_GATEWAY_API_SOURCE_NAME,
  FLUX_HELM_REPOSITORY_NAME,
  FLUX_ISTIO_FOLDER,
  FLUX_ISTIO_KUSTOMIZATION,
  FLUX_MESH_KUSTOMIZATION,
  FLUX_SOURCE_NAME,
  GATEWAY_API_REPO_URL,
  ISTIO_CHARTS_URL,
  MANAGED_BY_LABEL,
} from './layout.js';
import type { GitopsDocument, Obj } from './types.js';
import { gatewayApiBundle, type GatewayApiBundle, type GatewayApiContent } from './gateway-api-crds.js';

export const FLUX_API = {
  source: 'source.toolkit.fluxcd.io/v1',
  kustomize: 'kustomize.toolkit.fluxcd.io/v1',
  helm: 'helm.toolkit.fluxcd.io/v2',
} as const;

/** How often helm-controller retries a failed install or upgrade of an Istio chart before it gives up on the revision. */
export const HELM_REMEDIATION_RETRIES = 5;

const labels = (cluster: ClusterModel): Record<string, string> => ({ [MANAGED_BY_LABEL]: 'meshforge', [CLUSTER_LABEL]: cluster.name });

/**
 * The values of each Helm release, as the generator intends them (its planned objects, never re-parsed text), keyed
 * by the values file's path inside the cluster folder.
 */
export function intendedValues(model: MeshModel, cluster: ClusterModel): ReadonlyMap<string, Readonly<Record<string, unknown>>> {
  return new Map(installDocuments(model, cluster).map((doc) => [`${doc.folder}/${doc.fileName}`, doc.object]));
}

/**
 * Flux accepts only http(s):// and ssh:// Git URLs; the scp-like `git@host:owner/repo.git` that Argo CD and git take
 * is rewritten to the equivalent `ssh://git@host/owner/repo.git`.
 */
export function fluxGitUrl(repoURL: string): string {
  const scp = /^([A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!\/\/)(.+)$/.exec(repoURL);
  if (!scp || scp[1] === undefined) return repoURL;
  return `ssh://${scp[1]}${scp[2]}/${scp[3]!.replace(/^\/+/, '')}`;
}

function gitRepository(gitops: GitopsModel, cluster: ClusterModel): Obj {
  return {
    apiVersion: FLUX_API.source,
    kind: 'GitRepository',
    metadata: { name: FLUX_SOURCE_NAME, namespace: gitops.flux.namespace, labels: labels(cluster) },
    spec: { interval: gitops.flux.interval, url: fluxGitUrl(gitops.repoURL), ref: { branch: gitops.branch } },
  };
}

/** kubernetes-sigs/gateway-api at the bundle's release tag: the Gateway API CRDs come from upstream, never from a copy. */
function gatewayApiRepository(gitops: GitopsModel, cluster: ClusterModel, bundle: GatewayApiBundle): Obj {
  return {
    apiVersion: FLUX_API.source,
    kind: 'GitRepository',
    metadata: { name: FLUX_GATEWAY_API_SOURCE_NAME, namespace: gitops.flux.namespace, labels: labels(cluster) },
    spec: { interval: gitops.flux.interval, url: GATEWAY_API_REPO_URL, ref: { tag: bundle.tag } },
  };
}

interface KustomizationOptions {
  readonly source?: string;
  /** false for CRDs: pruning a CRD deletes every object of its kind. */
  readonly prune?: boolean;
}

function kustomization(gitops: GitopsModel, cluster: ClusterModel, name: string, path: string, dependsOn: readonly string[], options: KustomizationOptions = {}): Obj {
  return {
    apiVersion: FLUX_API.kustomize,
    kind: 'Kustomization',
    metadata: { name, namespace: gitops.flux.namespace, labels: labels(cluster) },
    spec: {
      interval: gitops.flux.interval,
      ...(dependsOn.length > 0 ? { dependsOn: dependsOn.map((n) => ({ name: n })) } : {}),
      sourceRef: { kind: 'GitRepository', name: options.source ?? FLUX_SOURCE_NAME },
      path: `./${path}`,
      prune: options.prune ?? true,
      // Ready only when everything it applied is ready: what makes dependsOn wait for a working control plane.
      wait: true,
    },
  };
}

function helmRepository(gitops: GitopsModel, cluster: ClusterModel): Obj {
  return {
    apiVersion: FLUX_API.source,
    kind: 'HelmRepository',
    metadata: { name: FLUX_HELM_REPOSITORY_NAME, namespace: gitops.flux.namespace, labels: labels(cluster) },
    spec: { interval: gitops.flux.interval, url: ISTIO_CHARTS_URL },
  };
}

/**
 * base first; istiod after base (it needs the CRDs); for ambient, istio-cni after istiod and ztunnel after istio-cni
 * (pods must not start before the node redirection exists); every gateway after the last of those (it needs the
 * injector, and in ambient the data plane).
 */
const RELEASE_ORDER: readonly HelmRelease['chart'][] = ['base', 'istiod', 'cni', 'ztunnel', 'gateway'];

export function releaseDependencies(release: HelmRelease, releases: readonly HelmRelease[]): string[] {
  const rank = RELEASE_ORDER.indexOf(release.chart);
  for (let r = rank - 1; r >= 0; r--) {
    const before = releases.filter((x) => x.chart === RELEASE_ORDER[r]);
    if (before.length > 0) return before.map((x) => x.release);
  }
  return [];
}

function helmRelease(gitops: GitopsModel, cluster: ClusterModel, release: HelmRelease, releases: readonly HelmRelease[], values: Readonly<Record<string, unknown>>): Obj {
  const dependsOn = releaseDependencies(release, releases);
  return {
    apiVersion: FLUX_API.helm,
    kind: 'HelmRelease',
    metadata: { name: release.release, namespace: gitops.flux.namespace, labels: labels(cluster) },
    spec: {
      interval: gitops.flux.interval,
      releaseName: release.release,
      targetNamespace: release.namespace,
      // Helm keeps its release records beside the release, as `helm install -n <namespace>` does.
      storageNamespace: release.namespace,
      chart: { spec: { chart: release.chart, version: cluster.install.version, sourceRef: { kind: 'HelmRepository', name: FLUX_HELM_REPOSITORY_NAME } } },
      // A failed install or upgrade is retried (the default is none: the release would stay failed until the next
      // change). CRDs: the 1.29 base chart ships them as templates (templates/crds.yaml, `helm.sh/resource-policy:
      // keep`), not in crds/, so Helm upgrades them like any resource and install/upgrade.crds has nothing to act on.
      install: { createNamespace: true, remediation: { retries: HELM_REMEDIATION_RETRIES } },
      upgrade: { remediation: { retries: HELM_REMEDIATION_RETRIES } },
      ...(dependsOn.length > 0 ? { dependsOn: dependsOn.map((name) => ({ name })) } : {}),
      values,
    },
  };
}

/**
 * One cluster's Flux wrappers, in `<cluster>/flux/` (applied by `flux bootstrap --path=<path>/<cluster>/flux`):
 * a GitRepository, the `istio-install` Kustomization (Helm clusters), when the cluster's tree holds Gateway API
 * objects the `gateway-api` GitRepository and `gateway-api-crds` Kustomization (the CRD bundle, never pruned), and the
 * `mesh-config` Kustomization that depends on those. kustomize-controller dry-runs a whole Kustomization server-side
 * before applying any of it, so one kind the API server does not serve yet would fail all of `mesh-config`. The
 * HelmRepository and HelmReleases sit in `<cluster>/flux/istio/`, applied by `istio-install` only. istioctl clusters
 * get no Helm objects: their control plane is installed with `istioctl install -f`.
 */
export function fluxDocuments(model: MeshModel, gitops: GitopsModel, cluster: ClusterModel, content: GatewayApiContent): GitopsDocument[] {
  const origin = [...cluster.origin];
  const releases = helmReleases(cluster);
  const bundle = gatewayApiBundle(gitops, cluster, content);
  const doc = (path: string, template: GitopsDocument['template'], object: Obj, from = origin): GitopsDocument => ({ path: `${cluster.name}/${path}`, cluster: cluster.name, template, object, origin: from, listed: true });
  const docs: GitopsDocument[] = [doc(`${FLUX_FOLDER}/gitrepository-${FLUX_SOURCE_NAME}.yaml`, 'gitops-gitrepository', gitRepository(gitops, cluster), [...gitops.origin])];
  const meshDependsOn: string[] = [];
  if (bundle) {
    docs.push(
      doc(`${FLUX_FOLDER}/gitrepository-${FLUX_GATEWAY_API_SOURCE_NAME}.yaml`, 'gitops-gitrepository', gatewayApiRepository(gitops, cluster, bundle), [...gitops.origin]),
      doc(
        `${FLUX_FOLDER}/kustomization-${FLUX_GATEWAY_API_KUSTOMIZATION}.yaml`,
        'gitops-flux-kustomization',
        kustomization(gitops, cluster, FLUX_GATEWAY_API_KUSTOMIZATION, bundle.path, [], { source: FLUX_GATEWAY_API_SOURCE_NAME, prune: false }),
        [...gitops.origin],
      ),
    );
    meshDependsOn.push(FLUX_GATEWAY_API_KUSTOMIZATION);
  }
  if (releases.length > 0) {
    docs.push(doc(`${FLUX_FOLDER}/kustomization-${FLUX_ISTIO_KUSTOMIZATION}.yaml`, 'gitops-flux-kustomization', kustomization(gitops, cluster, FLUX_ISTIO_KUSTOMIZATION, `${clusterRepoPath(gitops, cluster)}/${FLUX_ISTIO_FOLDER}`, [])));
    meshDependsOn.push(FLUX_ISTIO_KUSTOMIZATION);
  }
  docs.push(
    doc(
      `${FLUX_FOLDER}/kustomization-${FLUX_MESH_KUSTOMIZATION}.yaml`,
      'gitops-flux-kustomization',
      kustomization(gitops, cluster, FLUX_MESH_KUSTOMIZATION, clusterRepoPath(gitops, cluster), meshDependsOn),
    ),
  );
  if (releases.length > 0) {
    const values = intendedValues(model, cluster);
    docs.push(doc(`${FLUX_ISTIO_FOLDER}/helmrepository-${FLUX_HELM_REPOSITORY_NAME}.yaml`, 'gitops-helmrepository', helmRepository(gitops, cluster)));
    for (const release of releases) {
      const intended = values.get(release.valuesFile);
      if (!intended) throw new Error(`meshforge: no generated values for ${cluster.name}/${release.valuesFile}`);
      docs.push(doc(`${FLUX_ISTIO_FOLDER}/helmrelease-${release.release}.yaml`, 'gitops-helmrelease', helmRelease(gitops, cluster, release, releases, intended), [...cluster.origin, 'install']));
    }
  }
  return docs;
}
