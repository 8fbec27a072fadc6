import rule from './istio-mutual.js';
import { runRuleTests } from '../test/lint/rule-tester.js';

const dr = (name: string, namespace: string, host: string, policy: string) => `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  host: ${host}
${policy}
`;
const svc = (name: string, namespace: string) => `---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  ports: [{ name: http, port: 80 }]
`;
const remoteEntry = `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: httpbin-bar-cluster2, namespace: foo }
spec:
  hosts: [httpbin.bar.cluster2]
  location: MESH_INTERNAL
  resolution: DNS
  addresses: [240.0.0.2]
  ports: [{ number: 8000, name: http, protocol: HTTP }]
  endpoints: [{ address: 192.168.121.10, ports: { http: 32001 } }]
`;
const externalEntry = `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: partner-api, namespace: foo }
spec:
  hosts: [api.partner.example.com]
  resolution: DNS
  ports: [{ number: 80, name: http, protocol: HTTP }]
`;

runRuleTests(rule, {
  valid: [
    { name: 'remote host of a client-side ServiceEntry with ISTIO_MUTUAL', clusters: { cluster1: remoteEntry + dr('httpbin', 'foo', 'httpbin.bar.cluster2', '  trafficPolicy: { tls: { mode: ISTIO_MUTUAL } }') } },
    { name: 'TLS origination to a MESH_EXTERNAL host is not mesh-internal', clusters: { cluster1: externalEntry + dr('partner', 'foo', 'api.partner.example.com', '  trafficPolicy: { tls: { mode: SIMPLE, caCertificates: /etc/ssl/certs/ca-certificates.crt } }') } },
    {
      name: 'a corporate .local host outside the mesh (MESH_EXTERNAL) may use SIMPLE',
      clusters: {
        cluster1:
          externalEntry.replace('partner-api', 'corp-ldap').replace('api.partner.example.com', 'ldap.corp.local').replace('number: 80, name: http, protocol: HTTP', 'number: 636, name: tls, protocol: TLS') +
          dr('ldap', 'foo', 'ldap.corp.local', '  trafficPolicy: { tls: { mode: SIMPLE, caCertificates: /etc/ssl/certs/ca-certificates.crt } }'),
      },
    },
    { name: 'subsets without tls rely on auto mTLS', clusters: { cluster2: dr('tcp-echo', 'tcp-echo', 'tcp-echo', '  subsets: [{ name: v1, labels: { version: v1 } }]') } },
    {
      name: 'SIMPLE to a cluster-local name that no Service, ServiceEntry or mesh config declares',
      clusters: { '': dr('ledger-tls', 'billing', 'ledger.finance.svc.cluster.local', '  trafficPolicy: { tls: { mode: SIMPLE } }') + dr('short', 'billing', 'audit', '  trafficPolicy: { tls: { mode: DISABLE } }') },
    },
  ],
  invalid: [
    {
      name: 'a Service in another cluster makes the host internal; a mesh-suffix wildcard is internal',
      clusters: {
        cluster2: `---\napiVersion: v1\nkind: Service\nmetadata: { name: ledger, namespace: finance }\nspec:\n  ports: [{ name: https, port: 443 }]\n`,
        cluster1: dr('ledger-tls', 'billing', 'ledger.finance.svc.cluster.local', '  trafficPolicy: { tls: { mode: SIMPLE } }') + dr('all', 'istio-system', '"*.local"', '  trafficPolicy: { tls: { mode: DISABLE } }'),
      },
      errors: [
        { messageId: 'notIstioMutual', resource: 'DestinationRule billing/ledger-tls', cluster: 'cluster1', path: 'spec.trafficPolicy.tls.mode' },
        { messageId: 'notIstioMutual', resource: 'DestinationRule istio-system/all', cluster: 'cluster1', path: 'spec.trafficPolicy.tls.mode' },
      ],
    },
    {
      name: 'DISABLE and SIMPLE for in-cluster hosts (short name and FQDN)',
      clusters: { cluster1: svc('sleep', 'foo') + svc('helloworld', 'sample') + dr('a', 'foo', 'sleep', '  trafficPolicy: { tls: { mode: DISABLE } }') + dr('b', 'sample', 'helloworld.sample.svc.cluster.local', '  subsets:\n    - name: v1\n      trafficPolicy:\n        portLevelSettings: [{ port: { number: 5000 }, tls: { mode: SIMPLE } }]') },
      errors: [
        { messageId: 'notIstioMutual', resource: 'DestinationRule foo/a', cluster: 'cluster1', path: 'spec.trafficPolicy.tls.mode', data: { mode: 'DISABLE', host: 'sleep' } },
        { messageId: 'notIstioMutual', resource: 'DestinationRule sample/b', cluster: 'cluster1', path: 'spec.subsets[0].trafficPolicy.portLevelSettings[0].tls.mode', data: { mode: 'SIMPLE', host: 'helloworld.sample.svc.cluster.local' } },
      ],
    },
    {
      name: 'MUTUAL for a remote host whose ServiceEntry is in another cluster',
      clusters: { cluster1: remoteEntry, cluster3: dr('httpbin', 'foo', 'httpbin.bar.cluster2', '  trafficPolicy: { tls: { mode: MUTUAL, caCertificates: /ca.pem } }') },
      errors: [{ messageId: 'notIstioMutual', resource: 'DestinationRule foo/httpbin', cluster: 'cluster3', path: 'spec.trafficPolicy.tls.mode' }],
    },
  ],
});
