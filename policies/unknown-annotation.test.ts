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

const namespace = (annotations: string) => `---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  annotations: { ${annotations} }
`;

runRuleTests(rule, {
  valid: [
    { name: 'known Istio annotations on a pod template and a Service', clusters: { cluster1: deployment('', '"sidecar.istio.io/proxyCPU": 100m, "proxy.istio.io/config": "{}", "traffic.sidecar.istio.io/excludeOutboundPorts": "5432"') + service('"networking.istio.io/exportTo": "."') } },
    {
      name: 'valid values; the deprecated inject annotation next to its label; annotations Istio writes; Any-kind annotations',
      clusters: {
        cluster1:
          deployment('"galley.istio.io/analyze-suppress": IST0102', '"sidecar.istio.io/interceptionMode": TPROXY, "sidecar.istio.io/proxyMemoryLimit": 1Gi, "traffic.sidecar.istio.io/includeOutboundIPRanges": "*", "traffic.sidecar.istio.io/excludeOutboundIPRanges": "10.0.0.0/8,fd00::/8", "status.sidecar.istio.io/port": "0", "prometheus.istio.io/merge-metrics": "false", "sidecar.istio.io/inject": "true", "sidecar.istio.io/status": "{}"').replace('labels: { app: cart }\n      annotations', 'labels: { app: cart, sidecar.istio.io/inject: "true" }\n      annotations') +
          namespace('"topology.istio.io/controlPlaneClusters": cluster1'),
      },
    },
    { name: 'annotations of other domains, and meshforge\'s own', clusters: { '': service('"meshforge.io/suppress": x, "meshforge.io/suppress-reason": y, "prometheus.io/scrape": "true", "example.com/istio.io": z') } },
  ],
  invalid: [
    {
      name: 'a typo on the pod template and an invented one on the Deployment',
      clusters: { cluster1: deployment('"sidecar.istio.io/everything": "on"', '"sidecar.istio.io/proxyCpu": 100m, "sidecar.istio.io/inject": "true"') },
      errors: [
        { messageId: 'unknown', resource: 'Deployment shop/cart', cluster: 'cluster1', path: 'metadata.annotations["sidecar.istio.io/everything"]', data: { annotation: 'sidecar.istio.io/everything' } },
        { messageId: 'unknown', resource: 'Deployment shop/cart', cluster: 'cluster1', path: 'spec.template.metadata.annotations["sidecar.istio.io/proxyCpu"]' },
        { messageId: 'deprecated', resource: 'Deployment shop/cart', cluster: 'cluster1', path: 'spec.template.metadata.annotations["sidecar.istio.io/inject"]', data: { annotation: 'sidecar.istio.io/inject', replacement: ' in favor of the sidecar.istio.io/inject label' } },
      ],
    },
    {
      name: 'IST0107: pod annotations on a Service, a Namespace and a Deployment; a Service annotation on a pod template',
      clusters: { cluster1: service('"sidecar.istio.io/proxyCPU": 100m') + namespace('"proxy.istio.io/config": "{}"') + deployment('"sidecar.istio.io/proxyMemory": 1Gi', '"networking.istio.io/exportTo": "."') },
      errors: [
        { messageId: 'misplaced', resource: 'Service shop/cart', cluster: 'cluster1', path: 'metadata.annotations["sidecar.istio.io/proxyCPU"]', data: { annotation: 'sidecar.istio.io/proxyCPU', expected: 'Pod', place: 'Service' } },
        { messageId: 'misplaced', resource: 'Namespace shop', cluster: 'cluster1', path: 'metadata.annotations["proxy.istio.io/config"]', data: { annotation: 'proxy.istio.io/config', expected: 'Pod', place: 'Namespace' } },
        { messageId: 'misplaced', resource: 'Deployment shop/cart', cluster: 'cluster1', path: 'metadata.annotations["sidecar.istio.io/proxyMemory"]', data: { annotation: 'sidecar.istio.io/proxyMemory', expected: 'Pod', place: 'Deployment' } },
        { messageId: 'misplaced', resource: 'Deployment shop/cart', cluster: 'cluster1', path: 'spec.template.metadata.annotations["networking.istio.io/exportTo"]', data: { annotation: 'networking.istio.io/exportTo', expected: 'Service', place: 'the pod template of a Deployment' } },
      ],
    },
    {
      name: 'IST0125 invalid values and IST0135 deprecated annotations',
      clusters: { cluster1: deployment('', '"sidecar.istio.io/interceptionMode": REDIRCT, "sidecar.istio.io/proxyMemory": lots, "traffic.sidecar.istio.io/excludeOutboundPorts": "5432,70000", "traffic.sidecar.istio.io/includeOutboundIPRanges": "10.0.0.0", "sidecar.istio.io/statsInclusionPrefixes": cluster') },
      errors: [
        { messageId: 'invalid', resource: 'Deployment shop/cart', cluster: 'cluster1', path: 'spec.template.metadata.annotations["sidecar.istio.io/interceptionMode"]', data: { annotation: 'sidecar.istio.io/interceptionMode', value: 'REDIRCT', expected: 'REDIRECT, TPROXY or NONE' } },
        { messageId: 'invalid', resource: 'Deployment shop/cart', cluster: 'cluster1', path: 'spec.template.metadata.annotations["sidecar.istio.io/proxyMemory"]' },
        { messageId: 'invalid', resource: 'Deployment shop/cart', cluster: 'cluster1', path: 'spec.template.metadata.annotations["traffic.sidecar.istio.io/excludeOutboundPorts"]' },
        { messageId: 'invalid', resource: 'Deployment shop/cart', cluster: 'cluster1', path: 'spec.template.metadata.annotations["traffic.sidecar.istio.io/includeOutboundIPRanges"]' },
        { messageId: 'deprecated', resource: 'Deployment shop/cart', cluster: 'cluster1', path: 'spec.template.metadata.annotations["sidecar.istio.io/statsInclusionPrefixes"]', data: { annotation: 'sidecar.istio.io/statsInclusionPrefixes', replacement: '' } },
      ],
    },
    {
      name: 'a networking annotation that does not exist on a Service',
      clusters: { cluster1: service('"networking.istio.io/export-to": "."') },
      errors: [{ messageId: 'unknown', resource: 'Service shop/cart', cluster: 'cluster1', path: 'metadata.annotations["networking.istio.io/export-to"]' }],
    },
  ],
});
