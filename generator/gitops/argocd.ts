import type { ClusterModel, GitopsModel, MeshModel } from '../model/types.js';
import { SUPPRESS_ANNOTATION, SUPPRESS_REASON_ANNOTATION } from '../manifest/vocabulary.js';
import { helmReleases, type HelmRelease } from '../render/install.js';
import {
  ARGOCD_FOLDER,
  ARGOCD_ROOT_FILE,
  CLUSTER_LABEL,
  GATEWAY_API_REPO_URL,
  installRepoPath,
  ISTIO_CHARTS_URL,
  MANAGED_BY_LABEL,
  repoPath,
  SYNC_OPTIONS_ANNOTATION,
  SYNC_WAVE,
  SYNC_WAVE_ANNOTATION,
} from './layout.js';
import type { GitopsDocument, Obj } from './types.js';
import { gatewayApiBundle, type GatewayApiBundle, type GatewayApiContent } from './gateway-api-crds.js';

const API_VERSION = 'argoproj.io/v1alpha1';
/** Where the Argo CD control plane runs: the root Application and the ApplicationSet are applied there. */
const IN_CLUSTER = 'https://kubernetes.default.svc';

/** The Argo CD destination of a cluster: the API server URL when the config gives one, else the registered name. */
export function argocdDestination(cluster: ClusterModel): { server: string } | { name: string } {
  return cluster.destination.server !== undefined ? { server: cluster.destination.server } : { name: cluster.destination.name };
}

/**
 * Every Application retries a failed sync: Argo CD's auto-sync does not retry a failed sync of the same commit
 * without `syncPolicy.retry` (a sync that ran before the CRDs existed would stay failed until the next commit).
 * 10 attempts, 10s doubling up to 5m: about half an hour before Argo CD gives up on a commit.
 */
export const SYNC_RETRY = { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } } as const;

/**
 * istiod rewrites `failurePolicy` of its ValidatingWebhookConfigurations (istiod-default-validator from the base
 * chart, istio-validator[-<rev>]-istio-system from the istiod chart) from Ignore to Fail once it serves them. Both
 * chart Applications ignore that field of every webhook, and RespectIgnoreDifferences=true keeps a sync from writing
 * it back (istio/istio#57643); without both, a self-healing Application fights istiod forever.
 */
export const WEBHOOK_FAILURE_POLICY_IGNORE = { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.failurePolicy'] } as const;
export const RESPECT_IGNORE_DIFFERENCES = 'RespectIgnoreDifferences=true';

const retry = () => ({ limit: SYNC_RETRY.limit, backoff: { ...SYNC_RETRY.backoff } });

const managed = (cluster?: string): Record<string, string> => ({ [MANAGED_BY_LABEL]: 'meshforge', ...(cluster !== undefined ? { [CLUSTER_LABEL]: cluster } : {}) });
const wave = (n: number): Record<string, string> => ({ [SYNC_WAVE_ANNOTATION]: String(n) });

/** Names of the Argo CD objects meshforge writes. */
export function meshApplicationSetName(model: MeshModel): string {
  return `${model.mesh.id}-mesh`;
}

export function installApplicationName(cluster: ClusterModel, release: HelmRelease): string {
  return `${cluster.name}-${release.release}`;
}

/**
 * The mesh configuration of every cluster, one Application per cluster folder. A matrix of a list generator (one
 * element per cluster: its name and its destination from the config) and a git directory generator over that
 * cluster's folder: an Application exists only for a cluster folder that is in Git, and the destination comes from
 * the config, never from guessing at folder names. Folders that are not clusters (`_argocd/`, a Flux bootstrap
 * folder) are never matched.
 */
function meshApplicationSet(model: MeshModel, gitops: GitopsModel): Obj {
  const elements = model.clusters.map((cluster) => ({
    cluster: cluster.name,
    // Exactly one of the two is set; Argo CD treats an empty string as unset.
    server: cluster.destination.server ?? '',
    destinationName: cluster.destination.server === undefined ? cluster.destination.name : '',
  }));
  return {
    apiVersion: API_VERSION,
    kind: 'ApplicationSet',
    metadata: { name: meshApplicationSetName(model), namespace: gitops.argocd.namespace, labels: managed(), annotations: wave(SYNC_WAVE.mesh) },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [
        {
          matrix: {
            generators: [{ list: { elements } }, { git: { repoURL: gitops.repoURL, revision: gitops.branch, directories: [{ path: `${repoPath(gitops)}/{{.cluster}}` }] } }],
          },
        },
      ],
      // Deleting the ApplicationSet must not delete every cluster's mesh configuration.
      syncPolicy: { preserveResourcesOnDeletion: true },
      template: {
        metadata: { name: `{{.cluster}}-mesh`, labels: { [MANAGED_BY_LABEL]: 'meshforge', [CLUSTER_LABEL]: '{{.cluster}}' } },
        spec: {
          project: gitops.argocd.project,
          source: { repoURL: gitops.repoURL, targetRevision: gitops.branch, path: '{{.path.path}}' },
          destination: { server: '{{.server}}', name: '{{.destinationName}}' },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            // Namespaces are part of the generated content; Istio's CRDs come from the istio-base Application (Helm)
            // or from `istioctl install`, so a first sync must not fail its dry run on a CRD that arrives in parallel.
            syncOptions: ['CreateNamespace=false', 'ServerSideApply=true', 'SkipDryRunOnMissingResource=true'],
            retry: retry(),
          },
        },
      },
    },
  };
}

const RELEASE_WAVE: Readonly<Record<HelmRelease['chart'], number>> = { base: SYNC_WAVE.istioBase, istiod: SYNC_WAVE.istiod, cni: SYNC_WAVE.cni, ztunnel: SYNC_WAVE.ztunnel, gateway: SYNC_WAVE.gateway };

/**
 * One Application per Istio chart of a Helm-installed cluster: the chart from Istio's repository at the cluster's
 * Istio version, values from the file meshforge generated in Git (multi-source, `ref: values`).
 */
function installApplication(gitops: GitopsModel, cluster: ClusterModel, release: HelmRelease): Obj {
  const webhooks = release.chart === 'base' || release.chart === 'istiod';
  const valuesFile = installRepoPath(gitops, cluster, release.valuesFile);
  // registry-only reads meshConfig from inline values only; istiod's values file in Git is rendered from the same
  // model (and checked where the values file itself is linted), so the opaque reference is not a finding.
  const suppress =
    release.chart === 'istiod'
      ? { [SUPPRESS_ANNOTATION]: 'registry-only', [SUPPRESS_REASON_ANNOTATION]: `meshConfig comes from ${valuesFile}, generated by meshforge from mesh.config.yaml` }
      : {};
  return {
    apiVersion: API_VERSION,
    kind: 'Application',
    metadata: { name: installApplicationName(cluster, release), namespace: gitops.argocd.namespace, labels: managed(cluster.name), annotations: { ...wave(RELEASE_WAVE[release.chart]), ...suppress } },
    spec: {
      project: gitops.argocd.project,
      sources: [
        {
          repoURL: ISTIO_CHARTS_URL,
          chart: release.chart,
          targetRevision: cluster.install.version,
          helm: { releaseName: release.release, valueFiles: [`$values/${valuesFile}`] },
        },
        { repoURL: gitops.repoURL, targetRevision: gitops.branch, ref: 'values' },
      ],
      destination: { ...argocdDestination(cluster), namespace: release.namespace },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        // The control plane's namespaces must exist before the mesh configuration (which also declares them) syncs.
        syncOptions: ['CreateNamespace=true', 'ServerSideApply=true', ...(webhooks ? [RESPECT_IGNORE_DIFFERENCES] : [])],
        retry: retry(),
      },
      // The charts that ship validating webhooks (base: istiod-default-validator; istiod: istio-validator-*):
      // istiod rewrites their failurePolicy at run time (see WEBHOOK_FAILURE_POLICY_IGNORE).
      ...(webhooks ? { ignoreDifferences: [{ ...WEBHOOK_FAILURE_POLICY_IGNORE, jqPathExpressions: [...WEBHOOK_FAILURE_POLICY_IGNORE.jqPathExpressions] }] } : {}),
    },
  };
}

export function gatewayApiApplicationName(cluster: ClusterModel): string {
  return `${cluster.name}-gateway-api-crds`;
}

/**
 * The Gateway API CRDs of a cluster, straight from kubernetes-sigs/gateway-api at the bundle's tag (a plain folder of
 * CRDs at the standard channel, a kustomization at the experimental one), in the first wave. ServerSideApply=true:
 * the larger CRDs (httproutes, over 300 KiB) do not fit the last-applied annotation of a client-side apply, and the
 * upstream install docs apply them with --server-side. Never pruned automatically: deleting a CRD deletes every
 * object of its kind, so a channel switch or a dropped kind must not remove one.
 */
function gatewayApiApplication(gitops: GitopsModel, cluster: ClusterModel, bundle: GatewayApiBundle): Obj {
  return {
    apiVersion: API_VERSION,
    kind: 'Application',
    metadata: { name: gatewayApiApplicationName(cluster), namespace: gitops.argocd.namespace, labels: managed(cluster.name), annotations: wave(SYNC_WAVE.gatewayApiCrds) },
    spec: {
      project: gitops.argocd.project,
      source: { repoURL: GATEWAY_API_REPO_URL, targetRevision: bundle.tag, path: bundle.path },
      destination: argocdDestination(cluster),
      syncPolicy: {
        automated: { prune: false, selfHeal: true },
        syncOptions: ['ServerSideApply=true'],
        retry: retry(),
      },
    },
  };
}

/** The app of apps: syncs `_argocd/` so the sync waves above order the Applications. Applied once by hand. */
function rootApplication(model: MeshModel, gitops: GitopsModel): Obj {
  return {
    apiVersion: API_VERSION,
    kind: 'Application',
    metadata: { name: `${model.mesh.id}-gitops`, namespace: gitops.argocd.namespace, labels: managed() },
    spec: {
      project: gitops.argocd.project,
      source: { repoURL: gitops.repoURL, targetRevision: gitops.branch, path: `${repoPath(gitops)}/${ARGOCD_FOLDER}` },
      destination: { server: IN_CLUSTER, namespace: gitops.argocd.namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true }, retry: retry() },
    },
  };
}

/**
 * Every Argo CD wrapper: the root Application, the mesh ApplicationSet, and per cluster the Gateway API CRD Application
 * (when its tree holds Gateway API objects, see gateway-api-crds.ts) and the Istio chart Applications. Pure.
 */
export function argocdDocuments(model: MeshModel, gitops: GitopsModel, content: GatewayApiContent): GitopsDocument[] {
  const docs: GitopsDocument[] = [
    { path: `${ARGOCD_FOLDER}/${ARGOCD_ROOT_FILE}`, template: 'gitops-application', object: rootApplication(model, gitops), origin: gitops.origin, listed: false },
    { path: `${ARGOCD_FOLDER}/applicationset-${meshApplicationSetName(model)}.yaml`, template: 'gitops-applicationset', object: meshApplicationSet(model, gitops), origin: gitops.origin, listed: true },
  ];
  for (const cluster of model.clusters) {
    const bundle = gatewayApiBundle(gitops, cluster, content);
    if (bundle) {
      docs.push({
        path: `${ARGOCD_FOLDER}/application-${gatewayApiApplicationName(cluster)}.yaml`,
        cluster: cluster.name,
        template: 'gitops-application',
        object: gatewayApiApplication(gitops, cluster, bundle),
        origin: [...gitops.origin],
        listed: true,
      });
    }
    for (const release of helmReleases(cluster)) {
      docs.push({
        path: `${ARGOCD_FOLDER}/application-${installApplicationName(cluster, release)}.yaml`,
        cluster: cluster.name,
        template: 'gitops-application',
        object: installApplication(gitops, cluster, release),
        origin: [...cluster.origin, 'install'],
        listed: true,
      });
    }
  }
  return docs;
}

/**
 * Annotations the generator may put on a cluster's content resources for Argo CD: Namespaces one wave ahead of
 * everything else, and Istio custom resources allowed to skip the dry run while their CRDs arrive from a sibling
 * Application. Argo CD already applies Namespaces first within a wave and the mesh Applications set
 * SkipDryRunOnMissingResource for the whole sync, so these are optional belt and braces.
 */
export function argocdContentAnnotations(object: { readonly apiVersion?: unknown; readonly kind?: unknown }): Record<string, string> {
  if (object.kind === 'Namespace') return { [SYNC_WAVE_ANNOTATION]: '-1' };
  if (typeof object.apiVersion === 'string' && /\.istio\.io\//.test(object.apiVersion)) return { [SYNC_OPTIONS_ANNOTATION]: 'SkipDryRunOnMissingResource=true' };
  return {};
}
