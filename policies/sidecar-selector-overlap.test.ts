import rule from './sidecar-selector-overlap.js';
import { runRuleTests } from '../test/lint/rule-tester.js';

const sidecar = (name: string, namespace: string, labels?: string) => `---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: ${name}, namespace: ${namespace} }
spec:
${labels ? `  workloadSelector:\n    labels: ${labels}\n` : ''}  egress: [{ hosts: ["./*", "istio-system/*"] }]
`;

const deployment = (name: string, namespace: string, labels: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  selector: { matchLabels: ${labels} }
  template:
    metadata: { labels: ${labels} }
    spec: { containers: [{ name: app, image: app }] }
`;

runRuleTests(rule, {
  valid: [
    { name: 'one default per namespace and per cluster', clusters: { cluster1: sidecar('default', 'foo') + sidecar('default', 'bar'), cluster2: sidecar('default', 'foo') } },
    { name: 'selectors on different labels; the workloads of the input match one each (or are elsewhere)', clusters: { cluster1: sidecar('by-app', 'shop', '{ app: cart }') + sidecar('by-tier', 'shop', '{ tier: backend }') + deployment('cart', 'shop', '{ app: cart, tier: web }') + deployment('orders', 'shop', '{ app: orders, tier: backend }'), cluster2: deployment('cart', 'shop', '{ app: cart, tier: backend }') } },
    { name: 'disjoint selectors (differ in a value)', clusters: { cluster1: sidecar('v1', 'foo', '{ app: web, version: v1 }') + sidecar('v2', 'foo', '{ app: web, version: v2 }') + sidecar('default', 'foo') } },
  ],
  invalid: [
    {
      name: 'two namespace-wide Sidecars',
      clusters: { cluster1: sidecar('a', 'foo') + sidecar('b', 'foo') },
      errors: [
        { messageId: 'multipleDefaults', resource: 'Sidecar foo/a', cluster: 'cluster1', path: 'metadata.name', data: { namespace: 'foo', other: 'Sidecar foo/b' } },
        { messageId: 'multipleDefaults', resource: 'Sidecar foo/b', cluster: 'cluster1', path: 'metadata.name', data: { namespace: 'foo', other: 'Sidecar foo/a' } },
      ],
    },
    {
      name: 'a selector contained in another',
      clusters: { '': sidecar('web', 'foo', '{ app: web }') + sidecar('web-v1', 'foo', '{ app: web, version: v1 }') },
      errors: [
        { messageId: 'overlap', resource: 'Sidecar foo/web', path: 'spec.workloadSelector.labels', data: { other: 'Sidecar foo/web-v1' } },
        { messageId: 'overlap', resource: 'Sidecar foo/web-v1', path: 'spec.workloadSelector.labels', data: { other: 'Sidecar foo/web' } },
      ],
    },
    {
      name: 'selectors on different labels that a Deployment of the input matches both',
      clusters: { cluster1: sidecar('by-app', 'shop', '{ app: cart }') + sidecar('by-tier', 'shop', '{ tier: backend }') + deployment('cart', 'shop', '{ app: cart, tier: backend }') },
      errors: [
        { messageId: 'overlap', resource: 'Sidecar shop/by-app', cluster: 'cluster1', path: 'spec.workloadSelector.labels', data: { other: 'Sidecar shop/by-tier' } },
        { messageId: 'overlap', resource: 'Sidecar shop/by-tier', cluster: 'cluster1', path: 'spec.workloadSelector.labels', data: { other: 'Sidecar shop/by-app' } },
      ],
    },
  ],
});
