import { describe, expect, it } from 'vitest';
import rule from './gateway-api-crd-version.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { gatewayApiRequirement, parseBundleVersion } from '../generator/core/gateway-api-version.js';

const crd = (plural: string, kind: string, bundle: string | undefined, channel = 'standard') => `---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.gateway.networking.k8s.io
  annotations: {${bundle === undefined ? '' : ` gateway.networking.k8s.io/bundle-version: ${bundle},`} gateway.networking.k8s.io/channel: ${channel} }
spec:
  group: gateway.networking.k8s.io
  names: { kind: ${kind}, plural: ${plural} }
  scope: Namespaced
  versions: [{ name: v1, served: true, storage: true }]
`;
const bundle = (version: string, channel = 'standard') => crd('gateways', 'Gateway', version, channel) + crd('httproutes', 'HTTPRoute', version, channel) + crd('grpcroutes', 'GRPCRoute', version, channel);
const values = (tag: string) => ({ 'install/istiod.values.yaml': `global: { tag: ${tag} }\nmeshConfig: {}\n` });
const release = (version: string) => `---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: istiod, namespace: istio-system }
spec:
  chart: { spec: { chart: istiod, version: ${version}, sourceRef: { kind: HelmRepository, name: istio } } }
  values: {}
`;
const config = (version: string) => `apiVersion: meshforge.io/v1alpha1
mesh:
  id: m
  trustDomain: cluster.local
  istio: { version: ${version} }
  ca: { intermediate: { org: Istio, cn: Intermediate CA, days: 3650 } }
  vipRanges: [240.0.0.0/16]
  defaults: { outboundTrafficPolicy: REGISTRY_ONLY, mtls: STRICT }
clusters:
  - { name: cluster1, network: n1, ingressGateway: { address: 10.0.0.1 } }
`;

runRuleTests(rule, {
  valid: [
    { name: 'Istio 1.29 with the v1.4.0 bundle (HelmRelease chart version)', clusters: { cluster1: release('1.29.0') + bundle('v1.4.0') + crd('backendtlspolicies', 'BackendTLSPolicy', 'v1.4.0') } },
    { name: 'Istio 1.24 with v1.2.1 (a later patch than the one built against is fine)', clusters: { cluster1: { 'crds.yaml': bundle('v1.2.1', 'experimental'), ...values('1.24.3') } } },
    { name: 'no Gateway API CRDs in the input', clusters: { cluster1: release('1.29.0') } },
    { name: 'Istio version unknown: nothing to compare', clusters: { cluster1: bundle('v1.0.0') } },
    { name: 'a release candidate counts as its release', clusters: { cluster1: release('1.27.1') + bundle('v1.3.0-rc.1') } },
  ],
  invalid: [
    {
      name: 'GRPCRoute CRD below v1.1.0 (IST0176) and the bundle older than 1.29 is built against',
      clusters: { cluster1: release('1.29.0') + bundle('v1.0.0') },
      errors: [
        { messageId: 'belowMinimum', resource: 'CustomResourceDefinition grpcroutes.gateway.networking.k8s.io', cluster: 'cluster1', path: 'metadata.annotations["gateway.networking.k8s.io/bundle-version"]', data: { crd: 'grpcroutes.gateway.networking.k8s.io', installed: 'v1.0.0', minimum: 'v1.1.0', istio: '1.29.0', recommended: 'v1.4.0' } },
        { messageId: 'olderThanBuiltAgainst', resource: 'CustomResourceDefinition gateways.gateway.networking.k8s.io', cluster: 'cluster1', path: 'metadata.annotations["gateway.networking.k8s.io/bundle-version"]', data: { cluster: 'cluster1', installed: 'v1.0.0', channel: ' (standard channel)', recommended: 'v1.4.0', istio: '1.29.0' } },
      ],
    },
    {
      name: 'BackendTLSPolicy from v1.3 with Istio 1.28 (Helm values tag); bundle annotation missing on GRPCRoute',
      clusters: { cluster1: { 'crds.yaml': crd('backendtlspolicies', 'BackendTLSPolicy', 'v1.3.0', 'experimental') + crd('grpcroutes', 'GRPCRoute', undefined), ...values('1.28.2') } },
      errors: [
        { messageId: 'belowMinimum', resource: 'CustomResourceDefinition backendtlspolicies.gateway.networking.k8s.io', cluster: 'cluster1', path: 'metadata.annotations["gateway.networking.k8s.io/bundle-version"]', data: { crd: 'backendtlspolicies.gateway.networking.k8s.io', installed: 'v1.3.0', minimum: 'v1.4.0', istio: '1.28.2', recommended: 'v1.4.0' } },
        { messageId: 'bundleVersionMissing', resource: 'CustomResourceDefinition grpcroutes.gateway.networking.k8s.io', cluster: 'cluster1', path: 'metadata' },
        { messageId: 'olderThanBuiltAgainst', resource: 'CustomResourceDefinition backendtlspolicies.gateway.networking.k8s.io', cluster: 'cluster1', path: 'metadata.annotations["gateway.networking.k8s.io/bundle-version"]', data: { cluster: 'cluster1', installed: 'v1.3.0', channel: ' (experimental channel)', recommended: 'v1.4.0', istio: '1.28.2' } },
      ],
    },
    {
      name: 'the Istio version comes from the mesh config when the input has no istiod source',
      config: config('1.29.0'),
      clusters: { cluster1: bundle('v1.2.0') },
      errors: [{ messageId: 'olderThanBuiltAgainst', resource: 'CustomResourceDefinition gateways.gateway.networking.k8s.io', cluster: 'cluster1', path: 'metadata.annotations["gateway.networking.k8s.io/bundle-version"]' }],
    },
  ],
});

describe('gateway-api-version table', () => {
  it('maps Istio minors to their requirement, the newest for later minors, none before 1.24', () => {
    expect(gatewayApiRequirement('1.29.0')?.builtAgainst).toBe('1.4.0');
    expect(gatewayApiRequirement('1.30.1')?.minimums['tlsroutes.gateway.networking.k8s.io']).toBe('1.5.0');
    expect(gatewayApiRequirement('1.35.0')?.istioMinor).toBe(30);
    expect(gatewayApiRequirement('1.23.0')).toBeUndefined();
    expect(parseBundleVersion('v1.3.0-rc.1')).toEqual({ major: 1, minor: 3, patch: 0 });
    expect(parseBundleVersion('main')).toBeUndefined();
  });
});
