import rule from './gateway-host-mismatch.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { gateway, virtualService } from '../test/lint/manifests.js';

const gw = (name: string, hosts: string) => gateway(name, 'istio-system', `  selector: { istio: ingressgateway }\n  servers: [{ port: { number: 443, name: https, protocol: HTTPS }, hosts: ${hosts}, tls: { mode: SIMPLE, credentialName: c } }]`);
const vs = (namespace: string, hosts: string, gateways = '[istio-system/ingress]') => virtualService('web', namespace, `  hosts: ${hosts}\n  gateways: ${gateways}\n  http: [{ route: [{ destination: { host: web } }] }]`);

runRuleTests(rule, {
  valid: [
    { name: 'wildcard server host covers the VirtualService host', clusters: { cluster1: gw('ingress', '["*.example.com"]') + vs('shop', '[web.example.com]') } },
    { name: 'one host of several is enough for the gateway; FQDN gateway reference', clusters: { cluster1: gw('ingress', '["*.example.com"]') + vs('shop', '[web.example.com]', '[ingress.istio-system.svc.cluster.local]') } },
    { name: '*/host and ./host for a VirtualService in the Gateway namespace', clusters: { cluster1: gw('ingress', '["*/web.example.com", "./api.example.com"]') + vs('istio-system', '[web.example.com, api.example.com]') } },
    { name: 'namespace-qualified server host for the right namespace; missing gateway left to gateway-not-found', clusters: { cluster1: gw('ingress', '["shop/web.example.com"]') + vs('shop', '[web.example.com]') + vs('other', '[x.example.com]', '[istio-system/absent]') } },
  ],
  invalid: [
    {
      name: 'host not on the gateway',
      clusters: { cluster1: gw('ingress', '[httpbin.example.com]') + vs('shop', '[httpbin.example.com, goapp.dev]') },
      errors: [{ messageId: 'hostNotInGateway', resource: 'VirtualService shop/web', cluster: 'cluster1', path: 'spec.hosts[1]', data: { host: 'goapp.dev', gateways: 'istio-system/ingress' } }],
    },
    {
      name: 'server hosts restricted to another namespace: the gateway serves none of the hosts',
      clusters: { cluster1: gw('ingress', '["tenants/web.example.com", "./api.example.com"]') + vs('shop', '[web.example.com, api.example.com]') },
      errors: [{ messageId: 'gatewayServesNone', resource: 'VirtualService shop/web', cluster: 'cluster1', path: 'spec.gateways[0]', data: { gateway: 'istio-system/ingress', resolved: 'Gateway istio-system/ingress', hosts: 'web.example.com, api.example.com', namespace: 'shop' } }],
    },
    {
      name: 'second gateway (FQDN reference) serves none; ns/host for another namespace',
      clusters: { cluster1: gw('ingress', '["*.example.com"]') + gw('partners', '["partners/*.example.com"]') + vs('shop', '[web.example.com]', '[istio-system/ingress, partners.istio-system.svc.cluster.local]') },
      errors: [{ messageId: 'gatewayServesNone', resource: 'VirtualService shop/web', cluster: 'cluster1', path: 'spec.gateways[1]' }],
    },
  ],
});
