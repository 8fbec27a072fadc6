import rule from './route-parent-not-found.js';
import { runRuleTests } from '../test/lint/rule-tester.js';

const gw = (namespace: string, listeners: string) => `---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: edge, namespace: ${namespace} }
spec:
  gatewayClassName: istio
  listeners:
${listeners}
`;
const http = (name: string, extra = '') => `    - { name: ${name}, port: 80, protocol: HTTP${extra} }`;
const route = (kind: string, namespace: string, parent: string) => `---
apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata: { name: shop, namespace: ${namespace} }
spec:
  parentRefs: [${parent}]
  rules: [{ backendRefs: [{ name: shop, port: 80 }] }]
`;
const ns = (name: string, labels: string) => `---
apiVersion: v1
kind: Namespace
metadata: { name: ${name}, labels: { ${labels} } }
`;
const istioGateway = `---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: edge, namespace: shop }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["*"] }]
`;

runRuleTests(rule, {
  valid: [
    { name: 'same namespace, default allowedRoutes', clusters: { cluster1: gw('shop', http('web')) + route('HTTPRoute', 'shop', '{ name: edge, sectionName: web }') } },
    { name: 'cross-namespace with from: All, by port', clusters: { cluster1: gw('istio-ingress', http('web', ', allowedRoutes: { namespaces: { from: All } }')) + route('HTTPRoute', 'shop', '{ name: edge, namespace: istio-ingress, port: 80 }') } },
    {
      name: 'cross-namespace by Selector on the route namespace labels',
      clusters: { cluster1: gw('istio-ingress', http('web', ', allowedRoutes: { namespaces: { from: Selector, selector: { matchLabels: { ingress: "yes" } } } }')) + ns('shop', 'ingress: "yes"') + route('HTTPRoute', 'shop', '{ name: edge, namespace: istio-ingress }') },
    },
    { name: 'Selector with the route namespace not in the input is not judged', clusters: { cluster1: gw('istio-ingress', http('web', ', allowedRoutes: { namespaces: { from: Selector, selector: { matchLabels: { ingress: "yes" } } } }')) + route('HTTPRoute', 'shop', '{ name: edge, namespace: istio-ingress }') } },
    { name: 'the Gateway lives in another cluster of the fleet', clusters: { cluster1: gw('shop', http('web')), cluster2: route('HTTPRoute', 'shop', '{ name: edge }') } },
    { name: 'routes linted without any Gateway API Gateway are not judged', clusters: { cluster1: istioGateway + route('HTTPRoute', 'shop', '{ name: edge }') } },
    { name: 'a Service parent (GAMMA mesh route) is not a Gateway reference', clusters: { cluster1: route('HTTPRoute', 'shop', '{ group: "", kind: Service, name: shop }') } },
    { name: 'a TCPRoute on a TCP listener', clusters: { cluster1: gw('shop', '    - { name: db, port: 5432, protocol: TCP }') + route('TCPRoute', 'shop', '{ name: edge, sectionName: db }').replace('gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1alpha2') } },
  ],
  invalid: [
    {
      name: 'no such Gateway anywhere (an Istio Gateway of the same name does not count)',
      clusters: { cluster1: istioGateway + route('HTTPRoute', 'shop', '{ name: edge }'), cluster2: gw('istio-ingress', http('web')) },
      errors: [{ messageId: 'gatewayNotFound', resource: 'HTTPRoute shop/shop', cluster: 'cluster1', path: 'spec.parentRefs[0].name', data: { namespace: 'shop', name: 'edge' } }],
    },
    {
      name: 'the parent namespace defaults to the route namespace',
      clusters: { cluster1: gw('istio-ingress', http('web', ', allowedRoutes: { namespaces: { from: All } }')) + route('GRPCRoute', 'shop', '{ name: edge }') },
      errors: [{ messageId: 'gatewayNotFound', resource: 'GRPCRoute shop/shop', cluster: 'cluster1', path: 'spec.parentRefs[0].name' }],
    },
    {
      name: 'sectionName and port that match no listener',
      clusters: { cluster1: gw('shop', http('web')) + route('HTTPRoute', 'shop', '{ name: edge, sectionName: https }, { name: edge, port: 443 }') },
      errors: [
        { messageId: 'listenerNotFound', resource: 'HTTPRoute shop/shop', cluster: 'cluster1', path: 'spec.parentRefs[0].sectionName', data: { namespace: 'shop', name: 'edge', listener: 'https' } },
        { messageId: 'listenerNotFound', resource: 'HTTPRoute shop/shop', cluster: 'cluster1', path: 'spec.parentRefs[1].port', data: { namespace: 'shop', name: 'edge', listener: 'port 443' } },
      ],
    },
    {
      name: 'cross-namespace parent with the default allowedRoutes (Same)',
      clusters: { cluster1: gw('istio-ingress', http('web')) + route('HTTPRoute', 'shop', '{ name: edge, namespace: istio-ingress, sectionName: web }') },
      errors: [{ messageId: 'notAllowed', resource: 'HTTPRoute shop/shop', cluster: 'cluster1', path: 'spec.parentRefs[0]', data: { namespace: 'istio-ingress', name: 'edge', listener: ' (listener web)', kind: 'HTTPRoute', routeNamespace: 'shop' } }],
    },
    {
      name: 'Selector that does not match the route namespace; a TCPRoute on an HTTP listener',
      clusters: {
        cluster1:
          gw('istio-ingress', http('web', ', allowedRoutes: { namespaces: { from: Selector, selector: { matchLabels: { ingress: "yes" } } } }')) +
          ns('shop', 'ingress: "no"') +
          route('HTTPRoute', 'shop', '{ name: edge, namespace: istio-ingress }') +
          route('TCPRoute', 'istio-ingress', '{ name: edge }').replace('gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1alpha2'),
      },
      errors: [
        { messageId: 'notAllowed', resource: 'HTTPRoute shop/shop', cluster: 'cluster1', path: 'spec.parentRefs[0]', data: { namespace: 'istio-ingress', name: 'edge', listener: '', kind: 'HTTPRoute', routeNamespace: 'shop' } },
        { messageId: 'notAllowed', resource: 'TCPRoute istio-ingress/shop', cluster: 'cluster1', path: 'spec.parentRefs[0]', data: { namespace: 'istio-ingress', name: 'edge', listener: '', kind: 'TCPRoute', routeNamespace: 'istio-ingress' } },
      ],
    },
  ],
});
