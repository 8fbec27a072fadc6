import rule from './route-backend-not-found.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { service, serviceEntry } from '../test/lint/manifests.js';

const route = (namespace: string, backends: string, kind = 'HTTPRoute') => `---
apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata: { name: shop, namespace: ${namespace} }
spec:
  parentRefs: [{ name: edge, namespace: istio-ingress }]
  rules: [{ backendRefs: [${backends}] }]
`;
const grant = (namespace: string, fromNamespace: string, to: string) => `---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: { name: allow-shop, namespace: ${namespace} }
spec:
  from: [{ group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: ${fromNamespace} }]
  to: [${to}]
`;
const web = service('web', 'shop', '[{ port: 8080, name: http }]');
const payments = serviceEntry('payments', 'shop', '  hosts: [api.payments.example]\n  ports: [{ number: 443, name: https, protocol: HTTPS }]\n  resolution: DNS');

runRuleTests(rule, {
  valid: [
    { name: 'Service in the same namespace with its port', clusters: { cluster1: web + route('shop', '{ name: web, port: 8080 }') } },
    { name: 'the Service runs in another cluster of the fleet', clusters: { cluster1: web, cluster2: route('shop', '{ name: web, port: 8080, weight: 90 }') } },
    { name: 'a namespace whose Services the input does not show is not judged', clusters: { cluster1: route('shop', '{ name: web, port: 8080 }') } },
    { name: 'networking.istio.io Hostname names a ServiceEntry host', clusters: { cluster1: payments + route('shop', '{ group: networking.istio.io, kind: Hostname, name: api.payments.example, port: 443 }') } },
    {
      name: 'cross-namespace backend allowed by a ReferenceGrant (any name, and by name)',
      clusters: { cluster1: service('web', 'backend', '[{ port: 80, name: http }]') + grant('backend', 'shop', '{ group: "", kind: Service }') + route('shop', '{ name: web, namespace: backend, port: 80 }') },
    },
    { name: 'a grant that names no cluster serves every cluster', clusters: { '': grant('backend', 'shop', '{ group: "", kind: Service, name: web }'), cluster2: route('shop', '{ name: web, namespace: backend, port: 80 }') } },
  ],
  invalid: [
    {
      name: 'no such Service in a namespace whose Services are known; port not on the Service',
      clusters: { cluster1: web + route('shop', '{ name: webb, port: 8080 }, { name: web, port: 80 }') },
      errors: [
        { messageId: 'serviceNotFound', resource: 'HTTPRoute shop/shop', cluster: 'cluster1', path: 'spec.rules[0].backendRefs[0].name', data: { namespace: 'shop', name: 'webb' } },
        { messageId: 'portNotFound', resource: 'HTTPRoute shop/shop', cluster: 'cluster1', path: 'spec.rules[0].backendRefs[1].port', data: { backend: 'Service shop/web', port: 80, ports: '8080' } },
      ],
    },
    {
      name: 'a Hostname that no ServiceEntry declares; a Service without port',
      clusters: { cluster1: payments + web + route('shop', '{ group: networking.istio.io, kind: Hostname, name: api.payment.example, port: 443 }, { name: web }') },
      errors: [
        { messageId: 'hostNotFound', resource: 'HTTPRoute shop/shop', cluster: 'cluster1', path: 'spec.rules[0].backendRefs[0].name', data: { host: 'api.payment.example' } },
        { messageId: 'portMissing', resource: 'HTTPRoute shop/shop', cluster: 'cluster1', path: 'spec.rules[0].backendRefs[1]', data: { namespace: 'shop', name: 'web' } },
      ],
    },
    {
      name: 'cross-namespace backend without ReferenceGrant, or with one for another kind, name or cluster',
      clusters: {
        cluster1: grant('backend', 'shop', '{ group: "", kind: Service, name: other }') + route('shop', '{ name: web, namespace: backend, port: 80 }'),
        cluster2: grant('backend', 'shop', '{ group: "", kind: Service }'),
      },
      errors: [
        {
          messageId: 'notGranted',
          resource: 'HTTPRoute shop/shop',
          cluster: 'cluster1',
          path: 'spec.rules[0].backendRefs[0].namespace',
          data: { kind: 'HTTPRoute', routeNamespace: 'shop', backendKind: 'Service', namespace: 'backend', name: 'web' },
        },
      ],
    },
  ],
});
