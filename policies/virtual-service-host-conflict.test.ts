import rule from './virtual-service-host-conflict.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { virtualService } from '../test/lint/manifests.js';

const vs = (name: string, namespace: string, host: string, extra = '') => virtualService(name, namespace, `  hosts: [${host}]\n${extra}  http: [{ route: [{ destination: { host: ${host} } }] }]`);

runRuleTests(rule, {
  valid: [
    { name: 'same host in two clusters', clusters: { cluster1: vs('a', 'sample', 'helloworld'), cluster2: vs('b', 'sample', 'helloworld') } },
    { name: 'exportTo keeps the two apart', clusters: { cluster1: vs('a', 'team-a', 'api.example.com', '  exportTo: ["."]\n') + vs('b', 'team-b', 'api.example.com', '  exportTo: ["."]\n') } },
    { name: 'one bound to the mesh, one to an ingress gateway', clusters: { cluster1: vs('a', 'sample', 'helloworld.sample.svc.cluster.local') + vs('b', 'sample', 'helloworld.sample.svc.cluster.local', '  gateways: [istio-system/ingress]\n') } },
  ],
  invalid: [
    {
      name: 'short name and FQDN of one host in one cluster',
      clusters: { cluster1: vs('a', 'sample', 'helloworld') + vs('b', 'sample', 'helloworld.sample.svc.cluster.local') },
      errors: [{ messageId: 'conflict', resource: 'VirtualService sample/b', cluster: 'cluster1', path: 'spec.hosts[0]', data: { host: 'helloworld.sample.svc.cluster.local', other: 'VirtualService sample/a' } }],
    },
    {
      name: 'exportTo overlapping on one namespace, explicit mesh gateway',
      clusters: { c: vs('a', 'team-a', 'api.example.com', '  exportTo: [".", team-c]\n') + vs('b', 'team-b', 'api.example.com', '  exportTo: [team-c]\n  gateways: [mesh]\n') },
      errors: [{ messageId: 'conflict', resource: 'VirtualService team-b/b', cluster: 'c', path: 'spec.hosts[0]' }],
    },
  ],
});
