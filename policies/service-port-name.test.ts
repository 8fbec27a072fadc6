import rule from './service-port-name.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { service } from '../test/lint/manifests.js';

runRuleTests(rule, {
  valid: [
    { name: 'a Service a Gateway API controller manages', clusters: { cluster1: service('edge-istio', 'shop', '[{ port: 15021, name: status-port }]', ', labels: { gateway.istio.io/managed: istio.io-gateway-controller }') } },
    { name: 'protocol names with suffixes, appProtocol, unnamed single port', clusters: { cluster1: service('web', 'shop', '[{ port: 80, name: http-web }, { port: 9000, name: grpc-web }, { port: 5432, name: db, appProtocol: postgresql }]') + service('one', 'shop', '[{ port: 80 }]') } },
    { name: "Istio's own gateway Services in istio-system (status-port) and UDP ports", clusters: { cluster1: service('istio-eastwestgateway', 'istio-system', '[{ port: 15021, name: status-port }, { port: 15443, name: tls }]') + service('dns', 'shop', '[{ port: 53, name: dns, protocol: UDP }]') } },
  ],
  invalid: [
    {
      name: 'ExternalName Service with a plain tcp port and an unprefixed one (IST0150)',
      clusters: { cluster1: service('partner', 'shop', '[{ port: 443, name: tcp }, { port: 8443, name: api }, { port: 80, name: http-web }]', '').replace('spec:\n', 'spec:\n  type: ExternalName\n  externalName: api.partner.example\n') },
      errors: [
        { messageId: 'externalNamePort', resource: 'Service shop/partner', cluster: 'cluster1', path: 'spec.ports[0].name', data: { name: 'tcp', port: '443', externalName: 'api.partner.example', treatedAs: 'opaque TCP' } },
        { messageId: 'externalNamePort', resource: 'Service shop/partner', cluster: 'cluster1', path: 'spec.ports[1].name', data: { name: 'api', port: '8443', externalName: 'api.partner.example', treatedAs: 'an unknown protocol' } },
      ],
    },
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
