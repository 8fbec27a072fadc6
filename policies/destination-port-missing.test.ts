import rule from './destination-port-missing.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { remoteHttpbinEntry, service, serviceEntry, virtualService } from '../test/lint/manifests.js';

const twoPorts = service('web', 'shop', '[{ port: 80, name: http }, { port: 9090, name: http-metrics }]');
const to = (host: string, port?: number) => virtualService('r', 'shop', `  hosts: [web]\n  http:\n    - route:\n        - destination: { host: ${host}${port !== undefined ? `, port: { number: ${port} }` : ''} }`);

runRuleTests(rule, {
  valid: [
    { name: 'multi-port Service with the port named', clusters: { cluster1: twoPorts + to('web', 9090) } },
    { name: 'single-port remote host without a port; unknown hosts are not this rule', clusters: { cluster1: remoteHttpbinEntry + to('httpbin.bar.cluster2') + virtualService('x', 'shop', '  hosts: [x]\n  http: [{ route: [{ destination: { host: nowhere.example.com } }] }]') } },
  ],
  invalid: [
    {
      name: 'multi-port Service (defined in another cluster) without a port',
      clusters: { cluster1: to('web.shop.svc.cluster.local'), cluster2: twoPorts },
      errors: [{ messageId: 'portRequired', resource: 'VirtualService shop/r', cluster: 'cluster1', path: 'spec.http[0].route[0].destination', data: { host: 'web.shop.svc.cluster.local', ports: '80, 9090' } }],
    },
    {
      name: 'a port the ServiceEntry does not declare',
      clusters: { '': serviceEntry('api', 'shop', '  hosts: [api.example.com]\n  ports: [{ number: 443, name: tls, protocol: TLS }]') + to('api.example.com', 8443) },
      errors: [{ messageId: 'portNotFound', resource: 'VirtualService shop/r', path: 'spec.http[0].route[0].destination.port.number', data: { host: 'api.example.com', port: 8443, ports: '443' } }],
    },
  ],
});
