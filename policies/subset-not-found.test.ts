import rule from './subset-not-found.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { destinationRule, virtualService } from '../test/lint/manifests.js';

const vs = (namespace: string, host: string, ...subsets: string[]) => virtualService('tcp-echo', namespace, `  hosts: [${host}]\n  tcp:\n    - route:\n${subsets.map((s) => `        - destination: { host: ${host}, subset: ${s} }\n          weight: 50`).join('\n')}`);
const dr = (namespace: string, host: string, subsets: string[], extra = '') => destinationRule('tcp-echo', namespace, `  host: ${host}\n${extra}  subsets:\n${subsets.map((s) => `    - { name: ${s}, labels: { version: ${s} } }`).join('\n')}`);

runRuleTests(rule, {
  valid: [
    { name: 'subsets defined for the FQDN while the route uses the short name', clusters: { cluster2: vs('tcp-echo', 'tcp-echo', 'v1', 'v2') + dr('tcp-echo', 'tcp-echo.tcp-echo.svc.cluster.local', ['v1', 'v2']) } },
    { name: 'DestinationRule in another namespace exported to everyone', clusters: { cluster2: vs('tcp-echo', 'tcp-echo.tcp-echo.svc.cluster.local', 'v1') + dr('istio-system', 'tcp-echo.tcp-echo.svc.cluster.local', ['v1']) } },
  ],
  invalid: [
    {
      name: 'subset v2 missing, and the subsets exist only in another cluster',
      clusters: { cluster1: vs('tcp-echo', 'tcp-echo', 'v1', 'v2') + dr('tcp-echo', 'tcp-echo', ['v1']), cluster2: dr('tcp-echo', 'tcp-echo', ['v1', 'v2']) + vs('tcp-echo', 'tcp-echo', 'v3') },
      errors: [
        { messageId: 'subsetNotFound', resource: 'VirtualService tcp-echo/tcp-echo', cluster: 'cluster1', path: 'spec.tcp[0].route[1].destination.subset', data: { subset: 'v2', host: 'tcp-echo' } },
        { messageId: 'subsetNotFound', resource: 'VirtualService tcp-echo/tcp-echo', cluster: 'cluster2', path: 'spec.tcp[0].route[0].destination.subset', data: { subset: 'v3', host: 'tcp-echo' } },
      ],
    },
    {
      name: 'DestinationRule exported only to its own namespace',
      clusters: { cluster1: vs('app', 'tcp-echo.tcp-echo.svc.cluster.local', 'v1') + dr('tcp-echo', 'tcp-echo', ['v1'], '  exportTo: ["."]\n') },
      errors: [{ messageId: 'subsetNotFound', resource: 'VirtualService app/tcp-echo', cluster: 'cluster1', path: 'spec.tcp[0].route[0].destination.subset' }],
    },
  ],
});
