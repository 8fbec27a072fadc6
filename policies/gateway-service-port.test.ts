import rule from './gateway-service-port.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { gateway } from '../test/lint/manifests.js';

const deployment = (name: string, namespace: string, labels: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  selector: { matchLabels: { ${labels} } }
  template:
    metadata: { labels: { ${labels} } }
    spec: { containers: [{ name: istio-proxy, image: auto }] }
`;
const gatewayService = (name: string, namespace: string, selector: string, ports: string) => `---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  type: LoadBalancer
  selector: { ${selector} }
  ports: ${ports}
`;
const servers = (...ports: number[]) => `  selector: { istio: edge }\n  servers:\n${ports.map((p) => `    - { port: { number: ${p}, name: http-${p}, protocol: HTTP }, hosts: ["*"] }`).join('\n')}`;

runRuleTests(rule, {
  valid: [
    {
      name: 'server ports are the targetPorts of the gateway Service',
      clusters: { cluster1: deployment('edge', 'ingress', 'istio: edge, app: edge') + gatewayService('edge', 'ingress', 'istio: edge', '[{ name: http, port: 80, targetPort: 8080 }, { name: https, port: 443, targetPort: 8443 }]') + gateway('web', 'shop', servers(8080, 8443)) },
    },
    { name: 'gateway pods not in the input (installed by Helm): nothing to judge', clusters: { cluster1: gateway('web', 'shop', servers(8080)) } },
  ],
  invalid: [
    {
      name: 'a server port no Service exposes',
      clusters: { cluster1: deployment('edge', 'ingress', 'istio: edge') + gatewayService('edge', 'ingress', 'istio: edge', '[{ name: http, port: 80, targetPort: 8080 }]') + gateway('web', 'shop', servers(8080, 9090)) },
      errors: [{ messageId: 'portNotOnService', resource: 'Gateway shop/web', cluster: 'cluster1', path: 'spec.servers[1].port.number', data: { port: 9090, selector: 'istio=edge' } }],
    },
    {
      name: 'the Service is in another namespace than the pods, or in another cluster',
      clusters: {
        cluster1: deployment('edge', 'ingress', 'istio: edge') + gatewayService('edge', 'other', 'istio: edge', '[{ name: http, port: 8080 }]') + gateway('web', 'shop', servers(8080)),
        cluster2: gatewayService('edge', 'ingress', 'istio: edge', '[{ name: http, port: 8080 }]'),
      },
      errors: [{ messageId: 'portNotOnService', resource: 'Gateway shop/web', cluster: 'cluster1', path: 'spec.servers[0].port.number' }],
    },
  ],
});
