import rule from './telemetry-provider.js';
import { runRuleTests } from '../test/lint/rule-tester.js';

const telemetry = (name: string, spec: string, namespace = 'shop') => `---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: { name: ${name}, namespace: ${namespace} }
spec:
${spec}
`;
const values = (meshConfig: string) => ({ 'install/istiod.values.yaml': `meshConfig:\n${meshConfig}\n` });
const otel = '  extensionProviders:\n    - name: otel\n      opentelemetry: { service: otel-collector.observability.svc.cluster.local, port: 4317 }';

runRuleTests(rule, {
  valid: [
    {
      name: 'declared and built-in providers',
      clusters: { cluster1: { 't.yaml': telemetry('mesh-default', '  tracing: [{ providers: [{ name: otel }] }]\n  accessLogging: [{ providers: [{ name: envoy }] }]\n  metrics: [{ providers: [{ name: prometheus }] }]', 'istio-system'), ...values(otel) } },
    },
    { name: 'providers not judged without the mesh config', clusters: { cluster1: telemetry('t', '  tracing: [{ providers: [{ name: zipkin-old }] }]') } },
    {
      name: 'accessLogging without providers uses the mesh default provider; a disabled entry needs none',
      clusters: { cluster1: { 't.yaml': telemetry('a', '  accessLogging: [{ filter: { expression: "response.code >= 400" } }]') + telemetry('b', '  selector: { matchLabels: { app: cart } }\n  accessLogging: [{ disabled: true }]'), ...values('  defaultProviders: { accessLogging: [envoy] }') } },
    },
    {
      name: 'one namespace-wide Telemetry per namespace and cluster; targetRefs and selectors are not namespace-wide',
      clusters: {
        cluster1: telemetry('a', '  metrics: [{ providers: [{ name: prometheus }] }]') + telemetry('b', '  selector: { matchLabels: { app: cart } }\n  metrics: [{ providers: [{ name: prometheus }] }]') + telemetry('c', '  targetRefs: [{ kind: Gateway, group: gateway.networking.k8s.io, name: edge }]\n  metrics: [{ providers: [{ name: prometheus }] }]') + telemetry('a', '  metrics: [{ providers: [{ name: prometheus }] }]', 'orders'),
        cluster2: telemetry('z', '  metrics: [{ providers: [{ name: prometheus }] }]'),
      },
    },
  ],
  invalid: [
    {
      name: 'a provider the mesh config does not declare',
      clusters: { cluster1: { 't.yaml': telemetry('t', '  tracing: [{ providers: [{ name: otel-collector }] }]'), ...values(otel) } },
      errors: [{ messageId: 'unknownProvider', resource: 'Telemetry shop/t', cluster: 'cluster1', path: 'spec.tracing[0].providers[0].name', data: { provider: 'otel-collector', section: 'tracing', known: 'envoy, otel, prometheus, stackdriver' } }],
    },
    {
      name: 'IST0157: accessLogging without providers and no default provider',
      clusters: { cluster1: telemetry('t', '  selector: { matchLabels: { app: cart } }\n  accessLogging: [{ filter: { expression: "response.code >= 400" } }]') },
      errors: [{ messageId: 'emptyProviders', resource: 'Telemetry shop/t', cluster: 'cluster1', path: 'spec.accessLogging[0]', data: { name: 't' } }],
    },
    {
      name: 'IST0160: two namespace-wide Telemetries in one namespace',
      clusters: { cluster1: telemetry('a', '  metrics: [{ providers: [{ name: prometheus }] }]') + telemetry('b', '  tracing: [{ randomSamplingPercentage: 10 }]') },
      errors: [
        { messageId: 'multipleWithoutSelector', resource: 'Telemetry shop/a', cluster: 'cluster1', path: 'metadata.name', data: { names: 'a, b', namespace: 'shop' } },
        { messageId: 'multipleWithoutSelector', resource: 'Telemetry shop/b', cluster: 'cluster1', path: 'metadata.name', data: { names: 'a, b', namespace: 'shop' } },
      ],
    },
  ],
});
