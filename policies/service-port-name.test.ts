import rule from './service-port-name.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { service } from '../test/lint/manifests.js';

runRuleTests(rule, {
  valid: [
    { name: 'protocol names with suffixes, appProtocol, unnamed single port', clusters: { cluster1: service('web', 'shop', '[{ port: 80, name: http-web }, { port: 9000, name: grpc-web }, { port: 5432, name: db, appProtocol: postgresql }]') + service('one', 'shop', '[{ port: 80 }]') } },
    { name: "Istio's own gateway Services in istio-system (status-port) and UDP ports", clusters: { cluster1: service('istio-eastwestgateway', 'istio-system', '[{ port: 15021, name: status-port }, { port: 15443, name: tls }]') + service('dns', 'shop', '[{ port: 53, name: dns, protocol: UDP }]') } },
  ],
  invalid: [
    {
      name: 'no protocol prefix',
      clusters: { cluster1: service('web', 'shop', '[{ port: 80, name: web }, { port: 443, name: https }]') },
      errors: [{ messageId: 'noProtocolPrefix', resource: 'Service shop/web', cluster: 'cluster1', path: 'spec.ports[0].name', data: { name: 'web', port: '80' } }],
    },
    {
      name: 'a protocol as a suffix does not count',
      clusters: { '': service('api', 'default', '[{ port: 8080, name: api-http }, { port: 8081, name: httpx }]') },
      errors: [
        { messageId: 'noProtocolPrefix', resource: 'Service default/api', path: 'spec.ports[0].name' },
        { messageId: 'noProtocolPrefix', resource: 'Service default/api', path: 'spec.ports[1].name' },
      ],
    },
  ],
});
