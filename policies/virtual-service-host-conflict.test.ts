import rule from './virtual-service-host-conflict.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { virtualService } from '../test/lint/manifests.js';

const vs = (name: string, namespace: string, host: string, extra = '') => virtualService(name, namespace, `  hosts: [${host}]\n${extra}  http: [{ route: [{ destination: { host: ${host} } }] }]`);

runRuleTests(rule, {
  valid: [
    { name: 'same host in two clusters', clusters: { cluster1: vs('a', 'sample', 'helloworld'), cluster2: vs('b', 'sample', 'helloworld') } },
    { name: 'exportTo keeps the two apart', clusters: { cluster1: vs('a', 'team-a', 'api.example.com', '  exportTo: ["."]\n') + vs('b', 'team-b', 'api.example.com', '  exportTo: ["."]\n') } },
    { name: 'exported to two different single namespaces; a wildcard and a name both exported to all', clusters: { cluster1: vs('a', 'team-a', 'api.example.com', '  exportTo: ["."]\n') + vs('b', 'team-b', 'api.example.com', '  exportTo: [team-c]\n') + vs('wild', 'team-c', '"*.example.org"') + vs('web', 'team-c', 'web.example.org') } },
    { name: 'one bound to the mesh, one to an ingress gateway', clusters: { cluster1: vs('a', 'sample', 'helloworld.sample.svc.cluster.local') + vs('b', 'sample', 'helloworld.sample.svc.cluster.local', '  gateways: [istio-system/ingress]\n') } },
  ],
  invalid: [
    {
      name: 'short name and FQDN of one host in one cluster',
      clusters: { cluster1: vs('a', 'sample', 'helloworld') + vs('b', 'sample', 'helloworld.sample.svc.cluster.local') },
      errors: [
        { messageId: 'conflict', resource: 'VirtualService sample/a', cluster: 'cluster1', path: 'spec.hosts[0]', data: { host: 'helloworld.sample.svc.cluster.local', others: 'VirtualService sample/b' } },
        { messageId: 'conflict', resource: 'VirtualService sample/b', cluster: 'cluster1', path: 'spec.hosts[0]', data: { host: 'helloworld.sample.svc.cluster.local', others: 'VirtualService sample/a' } },
      ],
    },
    {
      name: 'exportTo overlapping on one namespace, explicit mesh gateway',
      clusters: { c: vs('a', 'team-a', 'api.example.com', '  exportTo: [".", team-c]\n') + vs('b', 'team-b', 'api.example.com', '  exportTo: [team-c]\n  gateways: [mesh]\n') },
      errors: [
        { messageId: 'conflict', resource: 'VirtualService team-a/a', cluster: 'c', path: 'spec.hosts[0]' },
        { messageId: 'conflict', resource: 'VirtualService team-b/b', cluster: 'c', path: 'spec.hosts[0]' },
      ],
    },
    {
      name: 'exported to one namespace (.) and to all: they meet in that namespace; a scoped host under an exported wildcard',
      clusters: { cluster1: vs('local', 'team-a', 'api.example.com', '  exportTo: ["."]\n') + vs('global', 'team-b', 'api.example.com') + vs('wild', 'team-c', '"*.corp.example"') + vs('narrow', 'team-d', 'ledger.corp.example', '  exportTo: [team-d]\n') },
      errors: [
        { messageId: 'conflict', resource: 'VirtualService team-a/local', cluster: 'cluster1', path: 'spec.hosts[0]', data: { host: 'api.example.com', others: 'VirtualService team-b/global' } },
        { messageId: 'conflict', resource: 'VirtualService team-b/global', cluster: 'cluster1', path: 'spec.hosts[0]', data: { host: 'api.example.com', others: 'VirtualService team-a/local' } },
        { messageId: 'conflict', resource: 'VirtualService team-c/wild', cluster: 'cluster1', path: 'spec.hosts[0]', data: { host: '*.corp.example', others: 'VirtualService team-d/narrow' } },
        { messageId: 'conflict', resource: 'VirtualService team-d/narrow', cluster: 'cluster1', path: 'spec.hosts[0]', data: { host: 'ledger.corp.example', others: 'VirtualService team-c/wild' } },
      ],
    },
  ],
});
