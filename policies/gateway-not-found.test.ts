import rule from './gateway-not-found.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { gateway, virtualService } from '../test/lint/manifests.js';

const gw = (name: string, namespace: string) => gateway(name, namespace, `  selector: { istio: ingressgateway }\n  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["*"] }]`);
const vs = (namespace: string, gateways: string, match = '') => virtualService('web', namespace, `  hosts: [web.example.com]\n  gateways: ${gateways}\n  http:\n    - ${match}route: [{ destination: { host: web } }]`);

runRuleTests(rule, {
  valid: [
    { name: 'namespace/name, mesh, and a name in the VirtualService namespace', clusters: { cluster1: gw('ingress', 'istio-system') + gw('local', 'shop') + vs('shop', '[istio-system/ingress, mesh, local]') } },
    { name: 'gateway named in a match', clusters: { cluster1: gw('ingress', 'istio-system') + vs('shop', '[istio-system/ingress]', 'match: [{ gateways: [istio-system/ingress] }]\n      ') } },
    {
      name: 'FQDN and ./name forms of the gateway reference',
      clusters: { cluster1: gw('ingress', 'istio-system') + gw('local', 'shop') + vs('shop', '[ingress.istio-system.svc.cluster.local, ingress.istio-system, ./local]') },
    },
    { name: 'a Gateway that names no cluster serves every cluster', clusters: { '': gw('ingress', 'istio-system'), cluster2: vs('shop', '[istio-system/ingress]') } },
  ],
  invalid: [
    {
      name: 'a Gateway API Gateway of the same name is not an Istio Gateway',
      clusters: { cluster1: `---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: ingress, namespace: istio-system }\nspec:\n  gatewayClassName: istio\n  listeners: [{ name: http, port: 80, protocol: HTTP }]\n` + vs('shop', '[istio-system/ingress]') },
      errors: [{ messageId: 'notFound', resource: 'VirtualService shop/web', cluster: 'cluster1', path: 'spec.gateways[0]' }],
    },
    {
      name: 'FQDN form names the namespace in its second label',
      clusters: { cluster1: gw('ingress', 'istio-system') + vs('shop', '[ingress.shop.svc.cluster.local]') },
      errors: [{ messageId: 'notFound', resource: 'VirtualService shop/web', cluster: 'cluster1', path: 'spec.gateways[0]', data: { gateway: 'ingress.shop.svc.cluster.local', namespace: 'shop', name: 'ingress' } }],
    },
    {
      name: 'short name resolves in the VirtualService namespace, not istio-system',
      clusters: { cluster1: gw('ingress', 'istio-system') + vs('shop', '[ingress]') },
      errors: [{ messageId: 'notFound', resource: 'VirtualService shop/web', cluster: 'cluster1', path: 'spec.gateways[0]', data: { gateway: 'ingress', namespace: 'shop', name: 'ingress' } }],
    },
    {
      name: 'the Gateway exists only in another cluster; a match names a missing one',
      clusters: { cluster1: gw('ingress', 'istio-system'), cluster2: vs('shop', '[istio-system/ingress]', 'match: [{ gateways: [istio-system/edge] }]\n      ') },
      errors: [
        { messageId: 'notFound', resource: 'VirtualService shop/web', cluster: 'cluster2', path: 'spec.gateways[0]' },
        { messageId: 'notFound', resource: 'VirtualService shop/web', cluster: 'cluster2', path: 'spec.http[0].match[0].gateways[0]', data: { gateway: 'istio-system/edge', namespace: 'istio-system', name: 'edge' } },
      ],
    },
  ],
});
