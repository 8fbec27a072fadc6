import rule from './service-entry-addresses.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { remoteHttpbinEntry, serviceEntry } from '../test/lint/manifests.js';

runRuleTests(rule, {
  valid: [
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
