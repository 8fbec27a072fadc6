import rule from './registry-only.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { manifestsFromText } from '../generator/manifest/from-text.js';
import { SourceRegistry } from '../generator/diagnostics/sources.js';
import { describe, expect, it } from 'vitest';

const configMap = (mode: string | undefined) => `apiVersion: v1
kind: ConfigMap
metadata: { name: istio, namespace: istio-system }
data:
  mesh: |-
    accessLogFile: /dev/stdout
${mode ? `    outboundTrafficPolicy:\n      mode: ${mode}\n` : ''}`;

const operator = (mode: string) => `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: { name: control-plane, namespace: istio-system }
spec:
  profile: minimal
  meshConfig:
    outboundTrafficPolicy:
      mode: ${mode}
`;

// Helm values files have no apiVersion/kind: the loader presents them as kind HelmValues named after the chart.
const istiodValues = (mode: string) => `global:
  meshID: mesh1
meshConfig:
  accessLogFile: /dev/stdout
  outboundTrafficPolicy:
    mode: ${mode}
`;

const helmRelease = (values: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: istiod, namespace: istio-system }
spec:
  chart:
    spec: { chart: istiod, version: 1.29.0, sourceRef: { kind: HelmRepository, name: istio } }
  values:
${values}
`;

runRuleTests(rule, {
  valid: [
    { name: 'ConfigMap istio with REGISTRY_ONLY', clusters: { cluster1: configMap('REGISTRY_ONLY') } },
    { name: 'IstioOperator meshConfig with REGISTRY_ONLY', clusters: { cluster2: operator('REGISTRY_ONLY') } },
    {
      name: 'Helm values for istiod and a base chart without meshConfig (read via install/ files)',
      clusters: { cluster1: { 'install/istiod-values.yaml': istiodValues('REGISTRY_ONLY'), 'install/base-values.yaml': 'global:\n  istioNamespace: istio-system\n' } },
    },
    { name: 'HelmRelease for istiod with REGISTRY_ONLY; other ConfigMaps ignored', clusters: { cluster3: helmRelease('    meshConfig:\n      outboundTrafficPolicy: { mode: REGISTRY_ONLY }') + `---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: app-config, namespace: foo }\ndata: { mesh: "x: 1" }\n` } },
  ],
  invalid: [
    {
      name: 'ALLOW_ANY in an IstioOperator, a ConfigMap and Helm values',
      clusters: { cluster1: configMap('ALLOW_ANY'), cluster2: operator('ALLOW_ANY'), cluster3: { 'install/values-istiod.yaml': istiodValues('ALLOW_ANY') } },
      errors: [
        { messageId: 'allowAny', resource: 'HelmValues istiod', cluster: 'cluster3', path: 'meshConfig.outboundTrafficPolicy.mode', data: { mode: 'ALLOW_ANY' } },
        { messageId: 'allowAny', resource: 'ConfigMap istio-system/istio', cluster: 'cluster1', path: 'data.mesh', data: { mode: 'ALLOW_ANY' } },
        { messageId: 'allowAny', resource: 'IstioOperator istio-system/control-plane', cluster: 'cluster2', path: 'spec.meshConfig.outboundTrafficPolicy.mode', data: { mode: 'ALLOW_ANY' } },
      ],
    },
    {
      name: 'mode not set: ConfigMap and HelmRelease without it',
      clusters: { cluster1: configMap(undefined), cluster3: helmRelease('    global: { meshID: mesh1 }'), cluster2: { 'install/istiod.yaml': 'global:\n  meshID: mesh1\n' } },
      errors: [
        { messageId: 'unset', resource: 'HelmValues istiod', cluster: 'cluster2', path: '(root)' },
        { messageId: 'unset', resource: 'ConfigMap istio-system/istio', cluster: 'cluster1', path: 'data.mesh' },
        { messageId: 'unset', resource: 'HelmRelease istio-system/istiod', cluster: 'cluster3', path: 'spec.values' },
      ],
    },
  ],
});

// Helm values only become resources when they sit in an install/ folder; this checks that path end to end.
describe('registry-only on Helm values files', () => {
  it('reports ALLOW_ANY at the meshConfig line of clusters/<c>/install/istiod-values.yaml', async () => {
    const { collectReports } = await import('../generator/lint/engine.js');
    const sources = new SourceRegistry();
    const loaded = manifestsFromText('clusters/cluster1/install/istiod-values.yaml', istiodValues('ALLOW_ANY'), { sources });
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.value.map((r) => [r.kind, r.name, r.cluster])).toEqual([['HelmValues', 'istiod', 'cluster1']]);
    const reports = collectReports(rule, loaded.value.map((r) => ({ ...r, cluster: r.cluster ?? '' })));
    expect(reports.map((r) => [r.messageId, r.path])).toEqual([['allowAny', ['meshConfig', 'outboundTrafficPolicy', 'mode']]]);
  });
});
