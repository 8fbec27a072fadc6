import type { ClusterModel, GitopsModel } from '../model/types.js';
import { INSTALL_FOLDER } from '../render/resources.js';

/**
 * Where the GitOps wrapper objects live, relative to the output folder. Cluster names are DNS labels, so a folder
 * starting with `_` can never be a cluster's folder; and a cluster's own kustomization.yaml lists only its content,
 * so the `flux/` subfolder is never applied as cluster content by Argo CD.
 */
export const ARGOCD_FOLDER = '_argocd';
export const FLUX_FOLDER = 'flux';
/** Holds the HelmRepository and HelmReleases of one cluster: applied by the `istio-install` Flux Kustomization only. */
export const FLUX_ISTIO_FOLDER = `${FLUX_FOLDER}/istio`;
export const KUSTOMIZE_FILE = 'kustomization.yaml';
/** Applied once by hand (`kubectl apply -f`), never listed in `_argocd/kustomization.yaml`. */
export const ARGOCD_ROOT_FILE = 'root-application.yaml';

/** Istio's published Helm repository (charts base, istiod, gateway). */
export const ISTIO_CHARTS_URL = 'https://istio-release.storage.googleapis.com/charts';

/** Names of the Flux objects, one set per cluster (each cluster runs its own Flux). */
export const FLUX_SOURCE_NAME = 'meshforge';
export const FLUX_HELM_REPOSITORY_NAME = 'istio';
export const FLUX_ISTIO_KUSTOMIZATION = 'istio-install';
export const FLUX_MESH_KUSTOMIZATION = 'mesh-config';
/** The Flux source (kubernetes-sigs/gateway-api at the bundle's tag) and Kustomization of the Gateway API CRDs. */
export const FLUX_GATEWAY_API_SOURCE_NAME = 'gateway-api';
export const FLUX_GATEWAY_API_KUSTOMIZATION = 'gateway-api-crds';

/** Where the Gateway API CRD bundles come from: the upstream repository, at a release tag, never a copy in this repo. */
export const GATEWAY_API_REPO_URL = 'https://github.com/kubernetes-sigs/gateway-api.git';

/**
 * Argo CD sync waves of the wrapper objects in `_argocd/`. They order the Applications when `_argocd/` is itself
 * synced by an Argo CD Application (the root app of apps): CRDs (istio base) first, then istiod, then for ambient
 * clusters istio-cni and ztunnel, then the gateways, then the mesh configuration. The Gateway API CRDs come before
 * everything: istiod then starts with the kinds it watches already served.
 */
export const SYNC_WAVE = { gatewayApiCrds: -6, istioBase: -5, istiod: -4, cni: -3, ztunnel: -2, gateway: -1, mesh: 0 } as const;

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const CLUSTER_LABEL = 'meshforge.io/cluster';

/** The folder of the cluster trees inside the Git repository, without leading `./` or trailing `/`. */
export function repoPath(gitops: GitopsModel): string {
  return gitops.path.replace(/^\.\/+/, '').replace(/\/+$/, '');
}

/** Repo-relative path of a cluster's folder: what Argo CD's `path` and Flux's `./path` name. */
export function clusterRepoPath(gitops: GitopsModel, cluster: ClusterModel | string): string {
  return `${repoPath(gitops)}/${typeof cluster === 'string' ? cluster : cluster.name}`;
}

/** Repo-relative path of a file the generator writes in a cluster's install folder. */
export function installRepoPath(gitops: GitopsModel, cluster: ClusterModel, file: string): string {
  return `${clusterRepoPath(gitops, cluster)}/${file.startsWith(`${INSTALL_FOLDER}/`) ? file : `${INSTALL_FOLDER}/${file}`}`;
}

export function wantsArgocd(gitops: GitopsModel): boolean {
  return gitops.engine === 'argocd' || gitops.engine === 'both';
}

export function wantsFlux(gitops: GitopsModel): boolean {
  return gitops.engine === 'flux' || gitops.engine === 'both';
}
