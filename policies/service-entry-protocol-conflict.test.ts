import rule from './service-entry-protocol-conflict.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { serviceEntry } from '../test/lint/manifests.js';

const se = (name: string, namespace: string, protocol: string, extra = '') => serviceEntry(name, namespace, `  hosts: [api.example.com]\n${extra}  ports: [{ number: 8080, name: p, protocol: ${protocol} }]`);

runRuleTests(rule, {
  valid: [
    { name: 'same protocol twice; different clusters may differ', clusters: { cluster1: se('a', 'foo', 'HTTP') + se('b', 'bar', 'http'), cluster2: se('c', 'foo', 'TCP') } },
    { name: 'two ports without protocol agree; exported nowhere (~) meets nothing', clusters: { cluster1: serviceEntry('a', 'foo', '  hosts: [db.example.com]\n  ports: [{ number: 5432, name: pg }]') + serviceEntry('b', 'bar', '  hosts: [db.example.com]\n  ports: [{ number: 5432, name: pg }]') + serviceEntry('c', 'baz', '  hosts: [db.example.com]\n  exportTo: ["~"]\n  ports: [{ number: 5432, name: pg, protocol: TCP }]') } },
    { name: 'exportTo keeps them apart', clusters: { cluster1: se('a', 'foo', 'HTTP', '  exportTo: ["."]\n') + se('b', 'bar', 'TCP', '  exportTo: ["."]\n') } },
  ],
  invalid: [
    {
      name: 'HTTP and TCP for one host and port',
      clusters: { cluster1: se('a', 'foo', 'HTTP') + se('b', 'foo', 'TCP') },
      errors: [
        { messageId: 'protocolConflict', resource: 'ServiceEntry foo/a', cluster: 'cluster1', path: 'spec.ports[0].protocol', data: { host: 'api.example.com', port: 8080, protocol: 'HTTP', otherProtocols: 'TCP', others: 'ServiceEntry foo/b' } },
        { messageId: 'protocolConflict', resource: 'ServiceEntry foo/b', cluster: 'cluster1', path: 'spec.ports[0].protocol', data: { host: 'api.example.com', port: 8080, protocol: 'TCP', otherProtocols: 'HTTP', others: 'ServiceEntry foo/a' } },
      ],
    },
    {
      name: 'visible together through a shared namespace',
      clusters: { '': se('a', 'foo', 'GRPC', '  exportTo: [".", shared]\n') + se('b', 'bar', 'HTTP2', '  exportTo: [shared]\n') },
      errors: [
        { messageId: 'protocolConflict', resource: 'ServiceEntry foo/a', path: 'spec.ports[0].protocol', data: { host: 'api.example.com', port: 8080, protocol: 'GRPC', otherProtocols: 'HTTP2', others: 'ServiceEntry bar/b' } },
        { messageId: 'protocolConflict', resource: 'ServiceEntry bar/b', path: 'spec.ports[0].protocol' },
      ],
    },
    {
      name: 'a port without protocol against HTTPS: the message names it, not a blank; the all-namespaces entry meets a scoped one',
      clusters: { cluster1: serviceEntry('plain', 'foo', '  hosts: [istio.io]\n  exportTo: ["."]\n  ports: [{ number: 443, name: p }]') + se('tls', 'bar', 'HTTPS').replace('api.example.com', 'istio.io').replace('8080', '443') },
      errors: [
        { messageId: 'protocolConflict', resource: 'ServiceEntry foo/plain', cluster: 'cluster1', path: 'spec.ports[0]', data: { host: 'istio.io', port: 443, protocol: 'unset (sniffed)', otherProtocols: 'HTTPS', others: 'ServiceEntry bar/tls' } },
        { messageId: 'protocolConflict', resource: 'ServiceEntry bar/tls', cluster: 'cluster1', path: 'spec.ports[0].protocol', data: { host: 'istio.io', port: 443, protocol: 'HTTPS', otherProtocols: 'unset (sniffed)', others: 'ServiceEntry foo/plain' } },
      ],
    },
  ],
});
