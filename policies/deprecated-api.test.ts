import rule from './deprecated-api.js';
import { runRuleTests } from '../test/lint/rule-tester.js';

const kind = (apiVersion: string, k: string, name: string, spec = '  {}') => `---
apiVersion: ${apiVersion}
kind: ${k}
metadata: { name: ${name}, namespace: foo }
spec:
${spec}
`;

runRuleTests(rule, {
  valid: [
    { name: 'current Istio versions; EnvoyFilter stays v1alpha3', clusters: { cluster1: kind('networking.istio.io/v1', 'VirtualService', 'a') + kind('security.istio.io/v1', 'PeerAuthentication', 'b') + kind('networking.istio.io/v1alpha3', 'EnvoyFilter', 'c') } },
    { name: 'current Kubernetes versions and mirrorPercentage', clusters: { cluster1: kind('policy/v1', 'PodDisruptionBudget', 'p') + kind('networking.istio.io/v1', 'VirtualService', 'm', '  http: [{ mirror: { host: x }, mirrorPercentage: { value: 5 } }]') } },
    {
      name: 'fault.delay.percentage, percent 0, a Sidecar without egressProxy, CRDs of other groups',
      clusters: {
        cluster1:
          kind('networking.istio.io/v1', 'VirtualService', 'f', '  http: [{ fault: { delay: { percentage: { value: 10 }, fixedDelay: 5s } }, route: [{ destination: { host: x } }] }, { fault: { delay: { percent: 0, fixedDelay: 1s } }, route: [{ destination: { host: y } }] }]') +
          kind('networking.istio.io/v1', 'Sidecar', 's', '  outboundTrafficPolicy: { mode: REGISTRY_ONLY }') +
          `---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: { name: authorizationpolicies.security.istio.io }\nspec:\n  group: security.istio.io\n  names: { kind: AuthorizationPolicy }\n`,
      },
    },
  ],
  invalid: [
    {
      name: 'deprecated and ignored Istio fields; removed RBAC kinds and their CRDs',
      clusters: {
        cluster1:
          kind('networking.istio.io/v1', 'VirtualService', 'f', '  http: [{ fault: { delay: { percent: 20, fixedDelay: 5s } }, route: [{ destination: { host: x } }] }]') +
          kind('networking.istio.io/v1', 'Sidecar', 's', '  outboundTrafficPolicy: { mode: REGISTRY_ONLY, egressProxy: { host: egress.example.com } }') +
          `---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: { name: serviceroles.rbac.istio.io }\nspec:\n  group: rbac.istio.io\n  names: { kind: ServiceRole }\n` +
          kind('rbac.istio.io/v1alpha1', 'ServiceRoleBinding', 'b'),
      },
      errors: [
        { messageId: 'field', resource: 'VirtualService foo/f', cluster: 'cluster1', path: 'spec.http[0].fault.delay.percent', data: { field: 'fault.delay.percent', replacement: 'fault.delay.percentage: { value: N }' } },
        { messageId: 'ignored', resource: 'Sidecar foo/s', cluster: 'cluster1', path: 'spec.outboundTrafficPolicy.egressProxy', data: { field: 'outboundTrafficPolicy.egressProxy' } },
        { messageId: 'removedKind', resource: 'CustomResourceDefinition serviceroles.rbac.istio.io', cluster: 'cluster1', path: 'spec.names.kind', data: { group: 'rbac.istio.io', kind: 'ServiceRole' } },
        { messageId: 'removedKind', resource: 'ServiceRoleBinding foo/b', cluster: 'cluster1', path: 'apiVersion' },
      ],
    },
    {
      name: 'Istio beta and alpha versions',
      clusters: { cluster1: kind('networking.istio.io/v1alpha3', 'DestinationRule', 'a') + kind('security.istio.io/v1beta1', 'AuthorizationPolicy', 'b') },
      errors: [
        { messageId: 'apiVersion', resource: 'DestinationRule foo/a', cluster: 'cluster1', path: 'apiVersion', data: { kind: 'DestinationRule', apiVersion: 'networking.istio.io/v1alpha3', replacement: 'networking.istio.io/v1' } },
        { messageId: 'apiVersion', resource: 'AuthorizationPolicy foo/b', cluster: 'cluster1', path: 'apiVersion', data: { kind: 'AuthorizationPolicy', apiVersion: 'security.istio.io/v1beta1', replacement: 'security.istio.io/v1' } },
      ],
    },
    {
      name: 'old Kubernetes API and deprecated fields',
      clusters: { '': kind('extensions/v1beta1', 'Ingress', 'i') + kind('networking.istio.io/v1', 'VirtualService', 'm', '  http: [{ mirror: { host: x }, mirror_percent: 5 }]') + kind('v1', 'Service', 's', '  topologyKeys: ["kubernetes.io/hostname"]') },
      errors: [
        { messageId: 'apiVersion', resource: 'Ingress foo/i', path: 'apiVersion', data: { kind: 'Ingress', apiVersion: 'extensions/v1beta1', replacement: 'networking.k8s.io/v1' } },
        { messageId: 'field', resource: 'VirtualService foo/m', path: 'spec.http[0].mirror_percent' },
        { messageId: 'field', resource: 'Service foo/s', path: 'spec.topologyKeys' },
      ],
    },
  ],
});
