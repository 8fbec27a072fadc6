import rule from './namespace-not-injected.js';
import { runRuleTests } from '../test/lint/rule-tester.js';

const namespace = (name: string, labels?: string) => `---
apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
${labels === undefined ? '' : `  labels: { ${labels} }\n`}`;

runRuleTests(rule, {
  valid: [
    { name: 'injected, a revision, ambient, or explicitly disabled', clusters: { cluster1: namespace('shop', 'istio-injection: enabled') + namespace('canary', 'istio.io/rev: 1-29') + namespace('edge', 'istio.io/dataplane-mode: ambient') + namespace('batch', 'istio-injection: disabled') } },
    { name: 'system namespaces', clusters: { cluster1: namespace('kube-system') + namespace('istio-system') + namespace('kube-public') } },
    { name: 'the injector injects every namespace by default (istiod Helm values)', clusters: { cluster1: { 'install/istiod-values.yaml': 'sidecarInjectorWebhook:\n  enableNamespacesByDefault: true\n', '_cluster/ns.yaml': namespace('shop') } } },
  ],
  invalid: [
    {
      name: 'no label at all, and labels without an injection label',
      clusters: { cluster1: namespace('shop') + namespace('web', 'team: storefront') },
      errors: [
        { messageId: 'notInjected', resource: 'Namespace shop', cluster: 'cluster1', path: 'metadata.name', data: { namespace: 'shop' } },
        { messageId: 'notInjected', resource: 'Namespace web', cluster: 'cluster1', path: 'metadata.labels' },
      ],
    },
    {
      name: 'inject-by-default in another cluster does not apply here',
      clusters: { cluster1: { 'install/istiod-values.yaml': 'sidecarInjectorWebhook:\n  enableNamespacesByDefault: true\n' }, cluster2: namespace('shop') },
      errors: [{ messageId: 'notInjected', resource: 'Namespace shop', cluster: 'cluster2', path: 'metadata.name' }],
    },
  ],
});
