import { asRecord, get, recordItems } from '../generator/manifest/access.js';
import type { Rule } from './utils/rule.js';

/** Istio kinds served as networking.istio.io/v1 since Istio 1.22; EnvoyFilter and ProxyConfig are only v1alpha3/v1beta1. */
const NETWORKING_V1 = new Set(['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'Sidecar', 'WorkloadEntry', 'WorkloadGroup']);
const SECURITY_V1 = new Set(['PeerAuthentication', 'AuthorizationPolicy', 'RequestAuthentication']);

/** Kubernetes API versions that are deprecated or removed, by group/version (kind-specific entries first). */
const KUBERNETES: readonly { apiVersion: string; kinds?: readonly string[]; replacement: string }[] = [
  { apiVersion: 'extensions/v1beta1', kinds: ['Ingress'], replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['NetworkPolicy'], replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'extensions/v1beta1', replacement: 'apps/v1' },
  { apiVersion: 'apps/v1beta1', replacement: 'apps/v1' },
  { apiVersion: 'apps/v1beta2', replacement: 'apps/v1' },
  { apiVersion: 'networking.k8s.io/v1beta1', replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodDisruptionBudget'], replacement: 'policy/v1' },
  { apiVersion: 'autoscaling/v2beta1', replacement: 'autoscaling/v2' },
  { apiVersion: 'autoscaling/v2beta2', replacement: 'autoscaling/v2' },
  { apiVersion: 'batch/v1beta1', replacement: 'batch/v1' },
  { apiVersion: 'rbac.authorization.k8s.io/v1beta1', replacement: 'rbac.authorization.k8s.io/v1' },
  { apiVersion: 'apiextensions.k8s.io/v1beta1', replacement: 'apiextensions.k8s.io/v1' },
  { apiVersion: 'admissionregistration.k8s.io/v1beta1', replacement: 'admissionregistration.k8s.io/v1' },
  { apiVersion: 'helm.toolkit.fluxcd.io/v2beta1', replacement: 'helm.toolkit.fluxcd.io/v2' },
  { apiVersion: 'helm.toolkit.fluxcd.io/v2beta2', replacement: 'helm.toolkit.fluxcd.io/v2' },
  { apiVersion: 'kustomize.toolkit.fluxcd.io/v1beta2', replacement: 'kustomize.toolkit.fluxcd.io/v1' },
  { apiVersion: 'source.toolkit.fluxcd.io/v1beta2', kinds: ['GitRepository'], replacement: 'source.toolkit.fluxcd.io/v1' },
];

function replacementFor(apiVersion: string, kind: string): string | undefined {
  if (NETWORKING_V1.has(kind) && (apiVersion === 'networking.istio.io/v1alpha3' || apiVersion === 'networking.istio.io/v1beta1')) return 'networking.istio.io/v1';
  if (SECURITY_V1.has(kind) && apiVersion === 'security.istio.io/v1beta1') return 'security.istio.io/v1';
  if (kind === 'Telemetry' && apiVersion === 'telemetry.istio.io/v1alpha1') return 'telemetry.istio.io/v1';
  return KUBERNETES.find((entry) => entry.apiVersion === apiVersion && (!entry.kinds || entry.kinds.includes(kind)))?.replacement;
}

/** Istio's RBAC kinds, removed in 1.6 in favour of AuthorizationPolicy. */
const REMOVED_ISTIO_GROUP = 'rbac.istio.io';
const REMOVED_ISTIO_KINDS = new Set(['ClusterRbacConfig', 'RbacConfig', 'ServiceRole', 'ServiceRoleBinding']);

const rule: Rule = {
  meta: {
    id: 'deprecated-api',
    defaultSeverity: 'warning',
    description: 'No deprecated or removed API versions, kinds and fields (Istio v1alpha3/v1beta1 where v1 is served, rbac.istio.io, old Kubernetes betas, mirror_percent, fault.delay.percent, egressProxy, topologyKeys).',
    kinds: ['*'],
    docs: 'policies/deprecated-api.md',
    messages: {
      apiVersion: {
        message: '{{kind}} {{apiVersion}} is deprecated: use {{replacement}}',
        hint: 'Change apiVersion to {{replacement}} (meshforge: mesh.istio.networkingApiVersion / securityApiVersion).',
      },
      field: {
        message: '{{field}} is deprecated: use {{replacement}}',
        hint: 'Replace {{field}} with {{replacement}}.',
      },
      ignored: {
        message: '{{field}} is deprecated and ignored: it has no effect',
        hint: 'Remove {{field}}.',
      },
      removedKind: {
        message: '{{group}} {{kind}} was removed from Istio: nothing reads it',
        hint: 'Delete it; replace RBAC ServiceRole/ServiceRoleBinding/(Cluster)RbacConfig with security.istio.io AuthorizationPolicy.',
      },
    },
  },
  check(context) {
    for (const resource of context.resources()) {
      const replacement = replacementFor(resource.apiVersion, resource.kind);
      if (replacement) context.report({ resource, path: ['apiVersion'], messageId: 'apiVersion', data: { kind: resource.kind, apiVersion: resource.apiVersion, replacement } });
      if (resource.kind === 'VirtualService' && resource.apiVersion.startsWith('networking.istio.io/')) {
        for (const [i, route] of recordItems(get(resource.object, 'spec', 'http'))) {
          for (const field of ['mirror_percent', 'mirrorPercent']) {
            if (field in route) context.report({ resource, path: ['spec', 'http', i, field], messageId: 'field', data: { field, replacement: 'mirrorPercentage: { value: N }' } });
          }
        }
      }
      if (resource.kind === 'VirtualService' && resource.apiVersion.startsWith('networking.istio.io/')) {
        for (const [i, route] of recordItems(get(resource.object, 'spec', 'http'))) {
          // An integer percent of 0 is what protobuf reads as unset: only a positive one takes effect, and is deprecated.
          const percent = get(route, 'fault', 'delay', 'percent');
          if (typeof percent === 'number' && percent > 0) context.report({ resource, path: ['spec', 'http', i, 'fault', 'delay', 'percent'], messageId: 'field', data: { field: 'fault.delay.percent', replacement: 'fault.delay.percentage: { value: N }' } });
        }
      }
      if (resource.kind === 'Sidecar' && resource.apiVersion.startsWith('networking.istio.io/') && get(resource.object, 'spec', 'outboundTrafficPolicy', 'egressProxy') !== undefined) {
        context.report({ resource, path: ['spec', 'outboundTrafficPolicy', 'egressProxy'], messageId: 'ignored', data: { field: 'outboundTrafficPolicy.egressProxy' } });
      }
      if (resource.kind === 'CustomResourceDefinition') {
        const group = get(resource.object, 'spec', 'group');
        const kind = get(resource.object, 'spec', 'names', 'kind');
        if (group === REMOVED_ISTIO_GROUP && typeof kind === 'string' && REMOVED_ISTIO_KINDS.has(kind)) context.report({ resource, path: ['spec', 'names', 'kind'], messageId: 'removedKind', data: { group, kind } });
      }
      if (resource.apiVersion.startsWith(`${REMOVED_ISTIO_GROUP}/`) && REMOVED_ISTIO_KINDS.has(resource.kind)) {
        context.report({ resource, path: ['apiVersion'], messageId: 'removedKind', data: { group: REMOVED_ISTIO_GROUP, kind: resource.kind } });
      }
      if (resource.kind === 'Service' && resource.apiVersion === 'v1' && 'topologyKeys' in asRecord(resource.object.spec)) {
        context.report({ resource, path: ['spec', 'topologyKeys'], messageId: 'field', data: { field: 'spec.topologyKeys', replacement: 'spec.trafficDistribution or topology-aware routing' } });
      }
    }
  },
};

export default rule;
