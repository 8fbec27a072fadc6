import rule from './service-entry-addresses.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { remoteHttpbinEntry, serviceEntry } from '../test/lint/manifests.js';

const tcpEntry = serviceEntry('ledger-db', 'payments', '  hosts: [ledger.db.internal]\n  resolution: DNS\n  ports: [{ number: 5432, name: tcp-pg, protocol: TCP }]');
const wildcardEntry = serviceEntry('any-db', 'payments', '  hosts: ["*.db.internal"]\n  resolution: NONE\n  ports: [{ number: 5432, name: tcp-pg, protocol: TCP }]');
const meshConfigMap = (mesh: string) => `---
apiVersion: v1
kind: ConfigMap
metadata: { name: istio, namespace: istio-system }
data:
  mesh: |-
${mesh.split('\n').map((line) => `    ${line}`).join('\n')}
`;
const dnsCapture = 'defaultConfig:\n  proxyMetadata:\n    ISTIO_META_DNS_CAPTURE: "true"';
const istiodValues = (tag: string, extra = '') => `global:\n  tag: ${tag}\n${extra}meshConfig:\n  defaultConfig:\n    proxyMetadata:\n      ISTIO_META_DNS_CAPTURE: "true"\n`;
const operator = (tag: string, metadata: string) => `---
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: { name: control-plane, namespace: istio-system }
spec:
  tag: ${tag}
  meshConfig:
    defaultConfig:
      proxyMetadata: { ${metadata} }
`;

runRuleTests(rule, {
  valid: [
    { name: 'ConfigMap mesh: DNS capture with the DNS proxy auto-allocation', clusters: { cluster1: meshConfigMap(`${dnsCapture}\n    ISTIO_META_DNS_AUTO_ALLOCATE: "true"`) + tcpEntry } },
    { name: 'istiod Helm values 1.29: DNS capture, v2 auto-allocation on by default', clusters: { cluster1: { 'install/istiod-values.yaml': istiodValues('1.29.0'), 'payments/se.yaml': tcpEntry } } },
    { name: 'IstioOperator 1.25.2 with DNS capture', clusters: { '': operator('1.25.2', 'ISTIO_META_DNS_CAPTURE: "true"') + tcpEntry } },
    { name: 'the address istiod allocated is in status', clusters: { cluster1: `${tcpEntry}status:\n  addresses: [{ value: 240.240.0.1, host: ledger.db.internal }]\n` } },
    { name: 'unclustered mesh config applies to clustered entries', clusters: { '': meshConfigMap(`${dnsCapture}\n    ISTIO_META_DNS_AUTO_ALLOCATE: "true"`), cluster2: tcpEntry } },
    {
      name: 'TCP with a VIP (S4 mysql) and TLS/HTTP by name',
      clusters: {
        cluster1:
          serviceEntry('mysql', 'foo', '  hosts: [mysqldb.svc.remote]\n  addresses: [240.0.0.5]\n  resolution: STATIC\n  ports: [{ number: 3306, name: tcp, protocol: TCP }]\n  endpoints: [{ address: 10.0.0.7 }]') +
          serviceEntry('google', 'foo', '  hosts: [www.google.com]\n  resolution: DNS\n  ports: [{ number: 443, name: tls, protocol: TLS }]') +
          remoteHttpbinEntry,
      },
    },
    {
      name: "server-side remote-name entry exported only inside istio-system (read by the gateway, not sidecars)",
      clusters: { cluster2: serviceEntry('httpbin-remote', 'istio-system', '  hosts: [httpbin.bar.cluster2]\n  exportTo: ["."]\n  location: MESH_INTERNAL\n  resolution: DNS\n  ports: [{ number: 8000, name: tcp, protocol: TCP }]\n  endpoints: [{ address: httpbin.bar.svc.cluster.local }]') },
    },
  ],
  invalid: [
    {
      name: 'DNS capture without auto-allocation before 1.25 (IstioOperator 1.24.3)',
      clusters: { cluster1: operator('1.24.3', 'ISTIO_META_DNS_CAPTURE: "true"') + tcpEntry },
      errors: [{ messageId: 'tcpWithoutAddresses', resource: 'ServiceEntry payments/ledger-db', cluster: 'cluster1', path: 'spec.ports[0]' }],
    },
    {
      name: 'auto-allocation switched off in pilot env; DNS capture off in another cluster; wildcard host never allocated',
      clusters: {
        cluster1: { 'install/istiod-values.yaml': istiodValues('1.29.0', 'pilot:\n  env:\n    PILOT_ENABLE_IP_AUTOALLOCATE: "false"\n'), 'payments/se.yaml': tcpEntry },
        cluster2: meshConfigMap('accessLogFile: /dev/stdout') + tcpEntry,
        cluster3: { 'install/istiod-values.yaml': istiodValues('1.29.0'), 'payments/se.yaml': wildcardEntry },
      },
      errors: [
        { messageId: 'tcpWithoutAddresses', resource: 'ServiceEntry payments/ledger-db', cluster: 'cluster1', path: 'spec.ports[0]' },
        { messageId: 'tcpWithoutAddresses', resource: 'ServiceEntry payments/ledger-db', cluster: 'cluster2', path: 'spec.ports[0]' },
        { messageId: 'tcpWithoutAddresses', resource: 'ServiceEntry payments/any-db', cluster: 'cluster3', path: 'spec.ports[0]' },
      ],
    },
    {
      name: 'TCP without addresses',
      clusters: { cluster1: serviceEntry('mysql', 'foo', '  hosts: [mysqldb.svc.remote]\n  resolution: STATIC\n  ports: [{ number: 3306, name: tcp, protocol: TCP }]\n  endpoints: [{ address: 10.0.0.7 }]') },
      errors: [{ messageId: 'tcpWithoutAddresses', resource: 'ServiceEntry foo/mysql', cluster: 'cluster1', path: 'spec.ports[0]', data: { port: '3306', protocol: 'TCP', host: 'mysqldb.svc.remote' } }],
    },
    {
      name: 'protocol-less second port',
      clusters: { '': serviceEntry('cache', 'foo', '  hosts: [cache.example.com]\n  resolution: DNS\n  ports: [{ number: 80, name: http, protocol: HTTP }, { number: 6379, name: redis }]') },
      errors: [{ messageId: 'tcpWithoutAddresses', resource: 'ServiceEntry foo/cache', path: 'spec.ports[1]', data: { port: '6379', protocol: 'no protocol', host: 'cache.example.com' } }],
    },
  ],
});
