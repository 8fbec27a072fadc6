import rule from './unique-vips.js';
import { runRuleTests } from '../test/lint/rule-tester.js';

const se = (name: string, namespace: string, host: string, addresses: string[]) => `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  hosts: [${host}]
  location: MESH_INTERNAL
  resolution: DNS
  ports: [{ number: 8000, name: http, protocol: HTTP }]
  addresses: [${addresses.join(', ')}]
`;

runRuleTests(rule, {
  valid: [
    { name: 'distinct VIPs in one cluster', clusters: { cluster1: se('a', 'foo', 'a.bar.cluster2', ['240.0.0.2']) + se('b', 'foo', 'b.bar.cluster2', ['240.0.0.3']) } },
    { name: 'the same VIP in two clusters is fine: VIPs are per cluster', clusters: { cluster1: se('a', 'foo', 'a.bar.cluster2', ['240.0.0.2']), cluster3: se('c', 'foo', 'c.bar.cluster2', ['240.0.0.2']) } },
    { name: 'one entry repeating its own address', clusters: { cluster1: se('a', 'foo', 'a.bar.cluster2', ['240.0.0.2', '240.0.0.2/32']) } },
    {
      name: 'two entries give one address to the same host (split by port, in two namespaces)',
      clusters: { cluster1: se('ledger-http', 'finance', 'Ledger.corp.example', ['240.0.1.5']) + se('ledger-grpc', 'payments', 'ledger.corp.example', ['240.0.1.5/32']) },
    },
  ],
  invalid: [
    {
      name: 'the same host twice does not hide a third entry with another host',
      clusters: { cluster1: se('ledger-http', 'finance', 'ledger.corp.example', ['240.0.1.5']) + se('ledger-grpc', 'finance', 'ledger.corp.example', ['240.0.1.5']) + se('reports', 'finance', 'reports.corp.example', ['240.0.1.5']) },
      errors: [{ messageId: 'duplicate', resource: 'ServiceEntry finance/reports', cluster: 'cluster1', path: 'spec.addresses[0]', data: { address: '240.0.1.5', other: 'ServiceEntry finance/ledger-grpc', hosts: 'reports.corp.example', otherHosts: 'ledger.corp.example' } }],
    },
    {
      name: 'two hosts share a VIP in one cluster',
      clusters: { cluster1: se('a', 'foo', 'a.bar.cluster2', ['240.0.0.2']) + se('b', 'sample', 'b.sample.cluster2', ['240.0.0.9', '240.0.0.2']) },
      errors: [{ messageId: 'duplicate', resource: 'ServiceEntry sample/b', cluster: 'cluster1', path: 'spec.addresses[1]', data: { address: '240.0.0.2', other: 'ServiceEntry foo/a', hosts: 'b.sample.cluster2', otherHosts: 'a.bar.cluster2' } }],
    },
    {
      name: 'a /32 CIDR is the same address',
      clusters: { c: se('a', 'foo', 'a.example.com', ['240.0.0.7/32']) + se('b', 'foo', 'b.example.com', ['240.0.0.7']) },
      errors: [{ messageId: 'duplicate', resource: 'ServiceEntry foo/b', cluster: 'c', path: 'spec.addresses[0]' }],
    },
  ],
});
