import rule from './service-entry-protocol-conflict.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { serviceEntry } from '../test/lint/manifests.js';

const se = (name: string, namespace: string, protocol: string, extra = '') => serviceEntry(name, namespace, `  hosts: [api.example.com]\n${extra}  ports: [{ number: 8080, name: p, protocol: ${protocol} }]`);

runRuleTests(rule, {
  valid: [
    { name: 'same protocol twice; different clusters may differ', clusters: { cluster1: se('a', 'foo', 'HTTP') + se('b', 'bar', 'http'), cluster2: se('c', 'foo', 'TCP') } },
    { name: 'exportTo keeps them apart', clusters: { cluster1: se('a', 'foo', 'HTTP', '  exportTo: ["."]\n') + se('b', 'bar', 'TCP', '  exportTo: ["."]\n') } },
  ],
  invalid: [
    {
      name: 'HTTP and TCP for one host and port',
      clusters: { cluster1: se('a', 'foo', 'HTTP') + se('b', 'foo', 'TCP') },
      errors: [{ messageId: 'protocolConflict', resource: 'ServiceEntry foo/b', cluster: 'cluster1', path: 'spec.ports[0].protocol', data: { host: 'api.example.com', port: 8080, protocol: 'TCP', otherProtocol: 'HTTP', other: 'ServiceEntry foo/a' } }],
    },
    {
      name: 'visible together through a shared namespace',
      clusters: { '': se('a', 'foo', 'GRPC', '  exportTo: [".", shared]\n') + se('b', 'bar', 'HTTP2', '  exportTo: [shared]\n') },
      errors: [{ messageId: 'protocolConflict', resource: 'ServiceEntry foo/a', path: 'spec.ports[0].protocol', data: { host: 'api.example.com', port: 8080, protocol: 'GRPC', otherProtocol: 'HTTP2', other: 'ServiceEntry bar/b' } }],
    },
  ],
});
