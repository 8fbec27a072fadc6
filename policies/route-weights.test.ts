import rule from './route-weights.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { virtualService } from '../test/lint/manifests.js';

const split = (section: string, weights: (number | undefined)[]) =>
  virtualService('helloworld', 'sample', `  hosts: [helloworld]\n  ${section}:\n    - route:\n${weights.map((w, i) => `        - destination: { host: helloworld, subset: v${i + 1} }${w !== undefined ? `\n          weight: ${w}` : ''}`).join('\n')}`);

runRuleTests(rule, {
  valid: [
    { name: '50/50 across clusters (S2) and 80/20 TCP', clusters: { cluster1: split('http', [50, 50]), cluster2: split('tcp', [80, 20]) } },
    { name: 'a single destination without weight, and one zero weight among positives', clusters: { cluster1: split('http', [undefined]), cluster2: split('http', [0, 100]) } },
  ],
  invalid: [
    {
      name: 'negative weight',
      clusters: { cluster1: split('http', [120, -20]) },
      errors: [{ messageId: 'negative', resource: 'VirtualService sample/helloworld', cluster: 'cluster1', path: 'spec.http[0].route[1].weight', data: { weight: -20 } }],
    },
    {
      name: 'weights adding up to zero (TCP)',
      clusters: { cluster2: split('tcp', [0, 0]) },
      errors: [{ messageId: 'zeroTotal', resource: 'VirtualService sample/helloworld', cluster: 'cluster2', path: 'spec.tcp[0].route' }],
    },
  ],
});
