import rule from './namespace-injection-labels.js';
import { runRuleTests } from '../test/lint/rule-tester.js';

const namespace = (name: string, labels: string) => `---
apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels: { ${labels} }
`;

runRuleTests(rule, {
  valid: [
    { name: 'one label each', clusters: { cluster1: namespace('shop', 'istio-injection: enabled') + namespace('canary', 'istio.io/rev: 1-29') + namespace('edge', 'istio.io/dataplane-mode: ambient') } },
    { name: 'istio-injection=disabled opts out: the other labels do nothing; istio-system is not judged', clusters: { cluster1: namespace('legacy', 'istio-injection: disabled, istio.io/rev: 1-29') + namespace('istio-system', 'istio-injection: enabled, istio.io/rev: 1-29') } },
  ],
  invalid: [
    {
      name: 'istio-injection=enabled and a revision',
      clusters: { cluster1: namespace('shop', 'istio-injection: enabled, istio.io/rev: 1-29') },
      errors: [{ messageId: 'multipleLabels', resource: 'Namespace shop', cluster: 'cluster1', path: 'metadata.labels', data: { labels: 'istio-injection=enabled, istio.io/rev=1-29' } }],
    },
    {
      name: 'a revision and ambient mode',
      clusters: { '': namespace('payments', 'istio.io/rev: stable, istio.io/dataplane-mode: ambient') },
      errors: [{ messageId: 'multipleLabels', resource: 'Namespace payments', path: 'metadata.labels', data: { labels: 'istio.io/rev=stable, istio.io/dataplane-mode=ambient' } }],
    },
  ],
});
