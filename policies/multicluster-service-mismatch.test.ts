import rule from './multicluster-service-mismatch.js';
import { runRuleTests } from '../test/lint/rule-tester.js';

const svc = (spec: string) => `apiVersion: v1
kind: Service
metadata: { name: helloworld, namespace: sample }
spec:
${spec}
`;
const http = '  ports: [{ port: 5000, name: http, protocol: TCP }]';

runRuleTests(rule, {
  valid: [
    { name: 'identical in two clusters, selectors may differ; defaults equal explicit values', clusters: { cluster1: svc(`${http}\n  selector: { app: helloworld, version: v1 }`), cluster2: svc(`  type: ClusterIP\n  ports: [{ port: 5000, name: http }]\n  selector: { app: helloworld, version: v2 }`) } },
    { name: 'only in one cluster', clusters: { cluster1: svc(`${http}\n  type: NodePort`) } },
  ],
  invalid: [
    {
      name: 'type and ports differ',
      clusters: { cluster1: svc(http), cluster2: svc(`  type: NodePort\n  ports: [{ port: 5000, name: http }, { port: 9090, name: http-metrics }]`) },
      errors: [
        { messageId: 'typeDiffers', resource: 'Service sample/helloworld', cluster: 'cluster2', path: 'spec.type', data: { type: 'NodePort', otherType: 'ClusterIP', cluster: 'cluster2', otherCluster: 'cluster1' } },
        { messageId: 'portsDiffer', resource: 'Service sample/helloworld', cluster: 'cluster2', path: 'spec.ports', data: { ports: '5000/TCP (http), 9090/TCP (http-metrics)', otherPorts: '5000/TCP (http)', cluster: 'cluster2', otherCluster: 'cluster1' } },
      ],
    },
    {
      name: 'headless in one cluster only',
      clusters: { cluster1: svc(http), cluster3: svc(`  clusterIP: None\n${http}`) },
      errors: [{ messageId: 'headlessDiffers', resource: 'Service sample/helloworld', cluster: 'cluster3', path: 'spec.clusterIP', data: { state: 'headless', otherState: 'not headless', cluster: 'cluster3', otherCluster: 'cluster1' } }],
    },
  ],
});
