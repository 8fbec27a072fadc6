import rule from './destination-host-not-found.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { destinationRule, remoteHttpbinEntry, service, serviceEntry, virtualService } from '../test/lint/manifests.js';

const route = (name: string, namespace: string, ...hosts: string[]) => virtualService(name, namespace, `  hosts: [${name}]\n  http:\n    - route:\n${hosts.map((h) => `        - destination: { host: ${h} }\n          weight: ${Math.floor(100 / hosts.length)}`).join('\n')}`);

const config = `apiVersion: meshforge.io/v1alpha1
mesh:
  id: m
  trustDomain: cluster.local
  istio: { version: 1.29.0 }
  ca: { intermediate: { org: Istio, cn: Intermediate CA, days: 3650 } }
  vipRanges: [240.0.0.0/16]
  defaults: { outboundTrafficPolicy: REGISTRY_ONLY, mtls: STRICT }
clusters:
  - { name: cluster1, network: n1, ingressGateway: { address: 10.0.0.1 } }
  - { name: cluster2, network: n2, ingressGateway: { address: 10.0.0.2 } }
namespaces: [{ name: sample }]
services:
  - { name: helloworld, namespace: sample, clusters: [cluster1, cluster2], ports: [{ number: 5000, name: http, protocol: HTTP }] }
`;

runRuleTests(rule, {
  valid: [
    {
      name: 'short name, FQDN and name.namespace of a Service defined in another cluster',
      clusters: { cluster1: route('r', 'sample', 'helloworld', 'httpbin.bar.svc.cluster.local', 'httpbin.bar'), cluster2: service('helloworld', 'sample', '[{ port: 5000, name: http }]') + service('httpbin', 'bar', '[{ port: 8000, name: http }]') },
    },
    {
      name: "remote-cluster name <name>.<namespace>.<cluster> defined by a client-side ServiceEntry in another namespace",
      clusters: { cluster1: remoteHttpbinEntry + route('sleep', 'sample', 'httpbin.bar.cluster2') + destinationRule('httpbin', 'sample', '  host: httpbin.bar.cluster2') },
    },
    {
      name: 'ServiceEntry wildcard host and exportTo listing the namespace',
      clusters: { cluster1: serviceEntry('wild', 'egress', '  hosts: ["*.googleapis.com"]\n  exportTo: [sample, egress]\n  ports: [{ number: 443, name: tls, protocol: TLS }]') + route('r', 'sample', 'storage.googleapis.com') },
    },
    {
      name: 'workload Services known from mesh.config.yaml; *.local DestinationRule; namespaces with no Service in the input are not judged',
      config,
      clusters: { cluster1: route('r', 'sample', 'helloworld') + route('x', 'other', 'payments') + destinationRule('all', 'istio-system', '  host: "*.local"') },
    },
  ],
  invalid: [
    {
      name: 'typo in a route host and a mirror to an unknown external host',
      clusters: {
        cluster1: service('httpbin', 'bar', '[{ port: 8000, name: http }]') + virtualService('r', 'bar', '  hosts: [httpbin]\n  http:\n    - route: [{ destination: { host: httbin } }]\n      mirror: { host: shadow.example.com }'),
      },
      errors: [
        { messageId: 'routeHost', resource: 'VirtualService bar/r', cluster: 'cluster1', path: 'spec.http[0].route[0].destination.host', data: { host: 'httbin', namespace: 'bar' } },
        { messageId: 'mirrorHost', resource: 'VirtualService bar/r', cluster: 'cluster1', path: 'spec.http[0].mirror.host', data: { host: 'shadow.example.com', namespace: 'bar' } },
      ],
    },
    {
      name: "ServiceEntry exported only to its own namespace; DestinationRule for a remote name nobody defines",
      clusters: {
        cluster1: serviceEntry('db', 'data', '  hosts: [db.example.com]\n  exportTo: ["."]\n  ports: [{ number: 5432, name: tcp, protocol: TCP }]') + route('r', 'app', 'db.example.com') + destinationRule('hw', 'sample', '  host: helloworld.sample.cluster9'),
      },
      errors: [
        { messageId: 'routeHost', resource: 'VirtualService app/r', cluster: 'cluster1', path: 'spec.http[0].route[0].destination.host' },
        { messageId: 'destinationRuleHost', resource: 'DestinationRule sample/hw', cluster: 'cluster1', path: 'spec.host', data: { host: 'helloworld.sample.cluster9', namespace: 'sample' } },
      ],
    },
  ],
});
