import rule from './vip-range.js';
import { runRuleTests } from '../test/lint/rule-tester.js';

const se = (name: string, addresses: string[], location = 'MESH_INTERNAL') => `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ${name}, namespace: foo }
spec:
  hosts: [${name}.bar.cluster2]
  location: ${location}
  resolution: DNS
  ports: [{ number: 8000, name: tcp, protocol: TCP }]
  addresses: [${addresses.join(', ')}]
`;

const config = `apiVersion: meshforge.io/v1alpha1
mesh:
  id: m
  trustDomain: cluster.local
  istio: { version: 1.29.0 }
  ca: { intermediate: { org: Istio, cn: Intermediate CA, days: 3650 } }
  vipRanges: [240.0.0.0/16]
  defaults: { outboundTrafficPolicy: REGISTRY_ONLY, mtls: STRICT }
clusters:
  - { name: cluster1, network: n1, ingressGateway: { address: 10.0.0.1 } }
`;

runRuleTests(rule, {
  valid: [
    { name: 'VIPs inside the configured range', config, clusters: { cluster1: se('a', ['240.0.0.2', '240.0.255.254']) } },
    { name: 'real addresses of an external entry are not VIPs', config, clusters: { cluster1: se('mysql', ['10.0.0.7', '192.0.2.0/24'], 'MESH_EXTERNAL') } },
    { name: 'without a config only the auto-allocation range is checked', clusters: { cluster1: se('a', ['240.9.0.1']) } },
  ],
  invalid: [
    {
      name: "inside Istio's auto-allocation range",
      clusters: { cluster1: se('a', ['240.240.0.5']) + se('b', ['240.240.0.0/24']) },
      errors: [
        { messageId: 'autoAllocationRange', resource: 'ServiceEntry foo/a', cluster: 'cluster1', path: 'spec.addresses[0]', data: { address: '240.240.0.5' } },
        { messageId: 'autoAllocationRange', resource: 'ServiceEntry foo/b', cluster: 'cluster1', path: 'spec.addresses[0]' },
      ],
    },
    {
      name: 'class E VIP outside the configured range',
      config,
      clusters: { cluster1: se('a', ['240.0.0.2', '240.1.0.1']) + se('ext', ['241.0.0.1'], 'MESH_EXTERNAL') },
      errors: [
        { messageId: 'outsideRanges', resource: 'ServiceEntry foo/a', cluster: 'cluster1', path: 'spec.addresses[1]', data: { address: '240.1.0.1', ranges: '240.0.0.0/16' } },
        { messageId: 'outsideRanges', resource: 'ServiceEntry foo/ext', cluster: 'cluster1', path: 'spec.addresses[0]' },
      ],
    },
  ],
});
