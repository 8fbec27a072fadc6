import rule from './ingress-route-subsets.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { virtualService } from '../test/lint/manifests.js';

/** The sidecars' split of reviews across two subsets. */
const meshSplit = (namespace = 'shop', host = 'reviews') =>
  virtualService('reviews-split', namespace, `  hosts: [${host}]\n  http: [{ route: [{ destination: { host: ${host}, subset: v1 }, weight: 90 }, { destination: { host: ${host}, subset: v2 }, weight: 10 }] }]`);
const edge = (namespace: string, destination: string, gateways = '[istio-system/ingress]') =>
  virtualService('edge', namespace, `  hosts: [shop.example.com]\n  gateways: ${gateways}\n  http: [{ route: [{ destination: ${destination} }] }]`);

runRuleTests(rule, {
  valid: [
    { name: 'the gateway route names the subsets itself', clusters: { cluster1: meshSplit() + edge('shop', '{ host: reviews, subset: v1 }') } },
    { name: 'no VirtualService splits the host by subset', clusters: { cluster1: edge('shop', '{ host: reviews }') + virtualService('plain', 'shop', '  hosts: [reviews]\n  http: [{ route: [{ destination: { host: reviews } }] }]') } },
    { name: 'a route bound only to the sidecars (mesh) is not a gateway route', clusters: { cluster1: meshSplit() + edge('shop', '{ host: reviews }', '[mesh]') } },
    { name: 'the split lives in another cluster, whose gateways it does not concern', clusters: { cluster1: edge('shop', '{ host: reviews }'), cluster2: meshSplit() } },
    { name: 'subsets to a host the splitter does not own (not among its hosts)', clusters: { cluster1: virtualService('other', 'shop', '  hosts: [ratings]\n  http: [{ route: [{ destination: { host: reviews, subset: v1 } }] }]') + edge('shop', '{ host: reviews }') } },
  ],
  invalid: [
    {
      name: 'ingress route to the host the sidecars split by subset (short name and FQDN)',
      clusters: { cluster1: meshSplit() + edge('shop', '{ host: reviews.shop.svc.cluster.local }') },
      errors: [{ messageId: 'subsetsBypassed', resource: 'VirtualService shop/edge', cluster: 'cluster1', path: 'spec.http[0].route[0].destination.host', data: { gateways: 'istio-system/ingress', host: 'reviews.shop.svc.cluster.local', other: 'VirtualService shop/reviews-split' } }],
    },
    {
      name: 'bound to the gateway and the mesh; the split names no cluster',
      clusters: { '': meshSplit('shop', 'reviews.shop.svc.cluster.local'), cluster2: edge('istio-system', '{ host: reviews.shop.svc.cluster.local }', '[ingress, mesh]') },
      errors: [{ messageId: 'subsetsBypassed', resource: 'VirtualService istio-system/edge', cluster: 'cluster2', path: 'spec.http[0].route[0].destination.host', data: { gateways: 'ingress', host: 'reviews.shop.svc.cluster.local', other: 'VirtualService shop/reviews-split' } }],
    },
  ],
});
