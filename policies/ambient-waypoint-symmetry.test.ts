import rule from './ambient-waypoint-symmetry.js';
import { runRuleTests } from '../test/lint/rule-tester.js';

const svc = (labels: string) => `---
apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: bookinfo
  labels: { ${labels} }
spec:
  ports: [{ port: 9080, name: http }]
`;
const ns = (labels: string) => `---
apiVersion: v1
kind: Namespace
metadata:
  name: bookinfo
  labels: { istio.io/dataplane-mode: ambient${labels ? `, ${labels}` : ''} }
`;
const waypoint = (name: string, labels = 'istio.io/global: "true"', gatewayClass = 'istio-waypoint') => `---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: ${name}
  namespace: bookinfo
  labels: { ${labels} }
spec:
  gatewayClassName: ${gatewayClass}
  listeners: [{ name: mesh, port: 15008, protocol: HBONE }]
`;
const scopedValues = `meshConfig:
  serviceScopeConfigs:
    - namespaceSelector: { matchLabels: { mesh/global: "on" } }
      scope: GLOBAL
`;
const global = 'istio.io/global: "true"';
const byNameValues = `meshConfig:
  serviceScopeConfigs:
    - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: bookinfo } }
      servicesSelector: { matchLabels: { app: reviews } }
      scope: GLOBAL
`;

runRuleTests(rule, {
  valid: [
    {
      name: 'same global service and global waypoint in two clusters',
      clusters: {
        cluster1: ns('') + svc(`${global}, istio.io/use-waypoint: waypoint`) + waypoint('waypoint'),
        cluster2: ns('') + svc(`${global}, istio.io/use-waypoint: waypoint`) + waypoint('waypoint'),
      },
    },
    {
      name: 'waypoint chosen by the Namespace label and made global by infrastructure labels',
      clusters: {
        cluster1: ns('istio.io/use-waypoint: waypoint') + svc(global) + waypoint('waypoint', 'app: wp').replace('  listeners:', '  infrastructure: { labels: { istio.io/global: "true" } }\n  listeners:'),
        cluster2: ns('istio.io/use-waypoint: waypoint') + svc(global) + waypoint('waypoint', 'app: wp').replace('  listeners:', '  infrastructure: { labels: { istio.io/global: "true" } }\n  listeners:'),
      },
    },
    {
      name: 'local services may differ: only global services must be symmetric',
      clusters: { cluster1: ns('') + svc('istio.io/use-waypoint: a') + waypoint('a', 'app: a'), cluster2: ns('') + svc('istio.io/use-waypoint: b') + waypoint('b', 'app: b') },
    },
    {
      name: 'serviceScopeConfigs namespaceSelector makes service and waypoint global (generated tree, no Service objects)',
      clusters: {
        cluster1: { 'ns.yaml': ns('mesh/global: "on", istio.io/use-waypoint: waypoint') + waypoint('waypoint', 'app: wp'), 'install/istiod.values.yaml': scopedValues },
        cluster2: { 'ns.yaml': ns('mesh/global: "on", istio.io/use-waypoint: waypoint') + waypoint('waypoint', 'app: wp'), 'install/istiod.values.yaml': scopedValues },
      },
    },
    {
      name: 'scope by kubernetes.io/metadata.name and a services selector (as generated): the namespace holds global services',
      clusters: {
        cluster1: { 'ns.yaml': ns('istio.io/use-waypoint: waypoint') + waypoint('waypoint'), 'install/istiod.values.yaml': byNameValues },
        cluster2: { 'ns.yaml': ns('istio.io/use-waypoint: waypoint') + waypoint('waypoint'), 'install/istiod.values.yaml': byNameValues },
      },
    },
    { name: 'a waypoint the input does not carry is not judged', clusters: { cluster1: ns('') + svc(`${global}, istio.io/use-waypoint: waypoint`) } },
    { name: 'use-waypoint none on both sides', clusters: { cluster1: svc(`${global}, istio.io/use-waypoint: none`), cluster2: svc(`${global}, istio.io/use-waypoint: none`) } },
  ],
  invalid: [
    {
      name: 'generated-style scope: the waypoint is not global in cluster2',
      clusters: {
        cluster1: { 'ns.yaml': ns('istio.io/use-waypoint: waypoint') + waypoint('waypoint'), 'install/istiod.values.yaml': byNameValues },
        cluster2: { 'ns.yaml': ns('istio.io/use-waypoint: waypoint') + waypoint('waypoint', 'app: wp'), 'install/istiod.values.yaml': byNameValues },
      },
      errors: [{ messageId: 'waypointNotGlobal', resource: 'Gateway bookinfo/waypoint', cluster: 'cluster2', path: 'metadata.labels' }],
    },
    {
      name: 'istio/istio#60985: the waypoint is not global',
      clusters: {
        cluster1: ns('') + svc(`${global}, istio.io/use-waypoint: waypoint`) + waypoint('waypoint', 'app: wp'),
        cluster2: ns('') + svc(`${global}, istio.io/use-waypoint: waypoint`) + waypoint('waypoint'),
      },
      errors: [{ messageId: 'waypointNotGlobal', resource: 'Gateway bookinfo/waypoint', cluster: 'cluster1', path: 'metadata.labels', data: { waypoint: 'bookinfo/waypoint', cluster: 'cluster1' } }],
    },
    {
      name: 'istio/istio#58064: waypoint names differ between clusters',
      clusters: {
        cluster1: ns('') + svc(`${global}, istio.io/use-waypoint: waypoint`) + waypoint('waypoint'),
        cluster2: ns('') + svc(`${global}, istio.io/use-waypoint: reviews-waypoint`) + waypoint('reviews-waypoint'),
      },
      errors: [
        {
          messageId: 'useWaypointDiffers',
          resource: 'Service bookinfo/reviews',
          cluster: 'cluster2',
          path: 'metadata.labels["istio.io/use-waypoint"]',
          data: { subject: 'bookinfo/reviews', waypoint: 'bookinfo/reviews-waypoint', cluster: 'cluster2', otherWaypoint: 'bookinfo/waypoint', otherCluster: 'cluster1' },
        },
      ],
    },
    {
      name: 'the waypoint exists in one cluster only',
      clusters: { cluster1: ns('') + svc(`${global}, istio.io/use-waypoint: waypoint`) + waypoint('waypoint'), cluster2: ns('') + svc(`${global}, istio.io/use-waypoint: waypoint`) },
      errors: [{ messageId: 'waypointMissing', resource: 'Service bookinfo/reviews', cluster: 'cluster2', path: 'metadata.labels["istio.io/use-waypoint"]', data: { waypoint: 'bookinfo/waypoint', cluster: 'cluster2', presentIn: 'cluster1' } }],
    },
    {
      name: 'use-waypoint on the Namespace in one cluster only',
      clusters: { cluster1: ns('istio.io/use-waypoint: waypoint') + svc(global) + waypoint('waypoint'), cluster2: ns('') + svc(global) + waypoint('waypoint') },
      errors: [{ messageId: 'useWaypointDiffers', resource: 'Service bookinfo/reviews', cluster: 'cluster2', path: 'metadata.labels', data: { subject: 'bookinfo/reviews', waypoint: 'none', cluster: 'cluster2', otherWaypoint: 'bookinfo/waypoint', otherCluster: 'cluster1' } }],
    },
    {
      name: 'global in one cluster, local in the other; use-waypoint names a Gateway that is not a waypoint',
      clusters: { cluster1: svc(`${global}, istio.io/use-waypoint: ingress`) + waypoint('ingress', global, 'istio'), cluster2: svc('istio.io/use-waypoint: ingress') },
      errors: [
        { messageId: 'notAWaypoint', resource: 'Service bookinfo/reviews', cluster: 'cluster1', path: 'metadata.labels["istio.io/use-waypoint"]', data: { waypoint: 'bookinfo/ingress', cluster: 'cluster1', gatewayClass: 'istio' } },
        { messageId: 'scopeDiffers', resource: 'Service bookinfo/reviews', cluster: 'cluster2', path: 'metadata.labels', data: { service: 'bookinfo/reviews', cluster: 'cluster2', otherCluster: 'cluster1' } },
      ],
    },
    {
      name: 'namespace-wide global scope: the Namespace labels differ and the waypoint is missing in cluster2',
      clusters: {
        cluster1: { 'ns.yaml': ns('mesh/global: "on", istio.io/use-waypoint: waypoint') + waypoint('waypoint', 'app: wp'), 'install/istiod.values.yaml': scopedValues },
        cluster2: { 'ns.yaml': ns('mesh/global: "on", istio.io/use-waypoint: wp2') + waypoint('waypoint', 'app: wp'), 'install/istiod.values.yaml': scopedValues },
      },
      errors: [
        { messageId: 'useWaypointDiffers', resource: 'Namespace bookinfo', cluster: 'cluster2', path: 'metadata.labels["istio.io/use-waypoint"]' },
        { messageId: 'waypointMissing', resource: 'Namespace bookinfo', cluster: 'cluster2', path: 'metadata.labels["istio.io/use-waypoint"]', data: { waypoint: 'bookinfo/wp2', cluster: 'cluster2', presentIn: 'no cluster' } },
      ],
    },
  ],
});
