import rule from './unknown-annotation.js';
import { runRuleTests } from '../test/lint/rule-tester.js';

const deployment = (annotations: string, template: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
  namespace: shop
  annotations: { ${annotations} }
spec:
  selector: { matchLabels: { app: cart } }
  template:
    metadata:
      labels: { app: cart }
      annotations: { ${template} }
    spec: { containers: [{ name: cart, image: cart }] }
`;
const service = (annotations: string) => `---
apiVersion: v1
kind: Service
metadata:
  name: cart
  namespace: shop
  annotations: { ${annotations} }
spec:
  ports: [{ name: http, port: 80 }]
`;

runRuleTests(rule, {
  valid: [
    { name: 'known Istio annotations on a pod template and a Service', clusters: { cluster1: deployment('', '"sidecar.istio.io/proxyCPU": 100m, "proxy.istio.io/config": "{}", "traffic.sidecar.istio.io/excludeOutboundPorts": "5432"') + service('"networking.istio.io/exportTo": "."') } },
    { name: 'annotations of other domains, and meshforge\'s own', clusters: { '': service('"meshforge.io/suppress": x, "meshforge.io/suppress-reason": y, "prometheus.io/scrape": "true", "example.com/istio.io": z') } },
  ],
  invalid: [
    {
      name: 'a typo on the pod template and an invented one on the Deployment',
      clusters: { cluster1: deployment('"sidecar.istio.io/everything": "on"', '"sidecar.istio.io/proxyCpu": 100m, "sidecar.istio.io/inject": "true"') },
      errors: [
        { messageId: 'unknown', resource: 'Deployment shop/cart', cluster: 'cluster1', path: 'metadata.annotations["sidecar.istio.io/everything"]', data: { annotation: 'sidecar.istio.io/everything' } },
        { messageId: 'unknown', resource: 'Deployment shop/cart', cluster: 'cluster1', path: 'spec.template.metadata.annotations["sidecar.istio.io/proxyCpu"]' },
      ],
    },
    {
      name: 'a networking annotation that does not exist on a Service',
      clusters: { cluster1: service('"networking.istio.io/export-to": "."') },
      errors: [{ messageId: 'unknown', resource: 'Service shop/cart', cluster: 'cluster1', path: 'metadata.annotations["networking.istio.io/export-to"]' }],
    },
  ],
});
