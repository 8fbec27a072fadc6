import { GATEWAY_API_KINDS } from './derive-crd.js';

/**
 * Which kinds the embedded backend knows, and where each strict schema comes from.
 * The derivation script (derive.ts) reads this list; the validator reads the derived index at run time.
 */

/** A JSON Schema node, as loosely typed as JSON itself. */
export type JsonSchema = { [key: string]: unknown };

export interface CatalogEntry {
  readonly apiVersion: string;
  readonly kind: string;
  /** Schema id in the source package (kubernetes-models naming), or 'authored' for schemas written here. */
  readonly source: string;
  /** Why the entry is not a one-to-one copy of its source, when it is not (shown in the index and the docs). */
  readonly note?: string;
}

const core = (apiVersion: string, kind: string, id: string): CatalogEntry => ({ apiVersion, kind, source: id });
/** CRD schemas in kubernetes-models are named by group, version and kind. */
const crd = (apiVersion: string, kind: string, note?: string, fromVersion?: string): CatalogEntry => {
  const [group, version] = apiVersion.split('/') as [string, string];
  return { apiVersion, kind, source: `${group}.${fromVersion ?? version}.${kind}`, ...(note ? { note } : {}) };
};

const GATEWAY_API_NOTE = 'From the Gateway API CRD bundle Istio 1.29 requires (v1.4.0, experimental channel), committed as schemas/sources/gateway-api.json; CEL rules are not checked, formats other than int32/int64/date-time neither.';

const ISTIO_SAME_SCHEMA = 'Istio serves one schema for every version of this CRD; the source package predates this version, so it is derived from ';

export const CATALOG: readonly CatalogEntry[] = [
  // Core Kubernetes (kubernetes-models, generated from the Kubernetes OpenAPI document).
  core('v1', 'Namespace', 'io.k8s.api.core.v1.Namespace'),
  core('v1', 'Service', 'io.k8s.api.core.v1.Service'),
  core('v1', 'ServiceAccount', 'io.k8s.api.core.v1.ServiceAccount'),
  core('v1', 'ConfigMap', 'io.k8s.api.core.v1.ConfigMap'),
  core('v1', 'Secret', 'io.k8s.api.core.v1.Secret'),
  core('v1', 'Pod', 'io.k8s.api.core.v1.Pod'),
  core('v1', 'Endpoints', 'io.k8s.api.core.v1.Endpoints'),
  core('v1', 'LimitRange', 'io.k8s.api.core.v1.LimitRange'),
  core('v1', 'ResourceQuota', 'io.k8s.api.core.v1.ResourceQuota'),
  core('apps/v1', 'Deployment', 'io.k8s.api.apps.v1.Deployment'),
  core('apps/v1', 'StatefulSet', 'io.k8s.api.apps.v1.StatefulSet'),
  core('apps/v1', 'DaemonSet', 'io.k8s.api.apps.v1.DaemonSet'),
  core('batch/v1', 'Job', 'io.k8s.api.batch.v1.Job'),
  core('batch/v1', 'CronJob', 'io.k8s.api.batch.v1.CronJob'),
  core('policy/v1', 'PodDisruptionBudget', 'io.k8s.api.policy.v1.PodDisruptionBudget'),
  core('autoscaling/v2', 'HorizontalPodAutoscaler', 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler'),
  core('networking.k8s.io/v1', 'NetworkPolicy', 'io.k8s.api.networking.v1.NetworkPolicy'),
  core('networking.k8s.io/v1', 'Ingress', 'io.k8s.api.networking.v1.Ingress'),
  core('rbac.authorization.k8s.io/v1', 'ClusterRole', 'io.k8s.api.rbac.v1.ClusterRole'),
  core('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'io.k8s.api.rbac.v1.ClusterRoleBinding'),
  core('rbac.authorization.k8s.io/v1', 'Role', 'io.k8s.api.rbac.v1.Role'),
  core('rbac.authorization.k8s.io/v1', 'RoleBinding', 'io.k8s.api.rbac.v1.RoleBinding'),
  core('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration'),
  core('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration'),
  core('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition'),

  // Istio (@kubernetes-models/istio, generated from Istio's CRDs).
  ...['Gateway', 'VirtualService', 'DestinationRule', 'ServiceEntry', 'Sidecar', 'WorkloadEntry', 'WorkloadGroup'].flatMap((kind) => [
    crd('networking.istio.io/v1alpha3', kind),
    crd('networking.istio.io/v1beta1', kind),
    crd('networking.istio.io/v1', kind, `${ISTIO_SAME_SCHEMA}networking.istio.io/v1beta1.`, 'v1beta1'),
  ]),
  crd('networking.istio.io/v1alpha3', 'EnvoyFilter'),
  crd('networking.istio.io/v1beta1', 'ProxyConfig'),
  crd('security.istio.io/v1beta1', 'PeerAuthentication'),
  crd('security.istio.io/v1', 'PeerAuthentication', `${ISTIO_SAME_SCHEMA}security.istio.io/v1beta1.`, 'v1beta1'),
  crd('security.istio.io/v1beta1', 'AuthorizationPolicy'),
  crd('security.istio.io/v1', 'AuthorizationPolicy'),
  crd('security.istio.io/v1beta1', 'RequestAuthentication'),
  crd('security.istio.io/v1', 'RequestAuthentication'),
  crd('telemetry.istio.io/v1alpha1', 'Telemetry'),
  crd('telemetry.istio.io/v1', 'Telemetry', `${ISTIO_SAME_SCHEMA}telemetry.istio.io/v1alpha1.`, 'v1alpha1'),
  crd('extensions.istio.io/v1alpha1', 'WasmPlugin'),
  crd(
    'install.istio.io/v1alpha1',
    'IstioOperator',
    "Istio's CRD keeps the whole object free-form; the top level of spec and spec.components are made strict from the IstioOperator API reference, values/unvalidatedValues/meshConfig stay free-form.",
  ),

  // Argo CD (@kubernetes-models/argo-cd, generated from Argo CD's CRDs).
  crd('argoproj.io/v1alpha1', 'Application'),
  crd('argoproj.io/v1alpha1', 'ApplicationSet'),
  crd('argoproj.io/v1alpha1', 'AppProject'),

  // Flux (@kubernetes-models/flux-cd, generated from Flux's CRDs).
  crd('source.toolkit.fluxcd.io/v1', 'GitRepository'),
  crd('source.toolkit.fluxcd.io/v1beta2', 'GitRepository'),
  crd('source.toolkit.fluxcd.io/v1beta2', 'HelmRepository'),
  crd('source.toolkit.fluxcd.io/v1', 'HelmRepository', 'Flux promoted HelmRepository to v1 without schema changes; derived from source.toolkit.fluxcd.io/v1beta2.', 'v1beta2'),
  crd('source.toolkit.fluxcd.io/v1beta2', 'OCIRepository'),
  crd('source.toolkit.fluxcd.io/v1beta2', 'HelmChart'),
  crd('kustomize.toolkit.fluxcd.io/v1', 'Kustomization'),
  crd('helm.toolkit.fluxcd.io/v2beta2', 'HelmRelease'),
  crd(
    'helm.toolkit.fluxcd.io/v2',
    'HelmRelease',
    'Flux promoted HelmRelease to v2 from v2beta2 and removed the deprecated fields spec.chart.spec.valuesFile and spec.postRenderers[].kustomize.patchesJson6902/patchesStrategicMerge; derived from helm.toolkit.fluxcd.io/v2beta2 minus those fields.',
    'v2beta2',
  ),

  // Gateway API (schemas/sources/gateway-api.json: the CRD bundle Istio 1.29 requires, see derive-crd.ts), the kinds
  // and versions `api: gateway-api` ingress entries are written in.
  ...GATEWAY_API_KINDS.map(({ kind, version }) => crd(`gateway.networking.k8s.io/${version}`, kind, GATEWAY_API_NOTE)),

  // kustomize's own kustomization.yaml: no CRD exists, so the schema is authored from kustomize's field list.
  { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', source: 'authored', note: "Authored from kustomize's Kustomization field list: every top-level field is known, nested entries are checked loosely." },
  { apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component', source: 'authored', note: "Authored from kustomize's Kustomization field list (components share it)." },
];

/** The file a kind's derived schema lives in, relative to schemas/k8s/: `<group|core>/<kind>_<version>.json`. */
export function schemaFileFor(apiVersion: string, kind: string): string {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash === -1 ? 'core' : apiVersion.slice(0, slash);
  const version = slash === -1 ? apiVersion : apiVersion.slice(slash + 1);
  return `${group}/${kind.toLowerCase()}_${version}.json`;
}
