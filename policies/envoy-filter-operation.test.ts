import rule from './envoy-filter-operation.js';
import { runRuleTests } from '../test/lint/rule-tester.js';

const envoyFilter = (name: string, spec: string) => `---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: { name: ${name}, namespace: istio-system }
spec:
${spec}
`;
const patch = (applyTo: string, operation: string, extra = '') => `    - applyTo: ${applyTo}\n${extra}      patch: { operation: ${operation}, value: { name: envoy.filters.http.lua } }`;

runRuleTests(rule, {
  valid: [
    { name: 'INSERT_FIRST and ADD of a filter, MERGE of a route configuration', clusters: { cluster1: envoyFilter('lua', `  configPatches:\n${patch('HTTP_FILTER', 'INSERT_FIRST')}\n${patch('LISTENER', 'ADD')}\n${patch('ROUTE_CONFIGURATION', 'MERGE')}`) } },
    { name: 'relative operations with a priority; REPLACE of an HTTP filter', clusters: { cluster1: envoyFilter('ordered', `  priority: 10\n  configPatches:\n${patch('HTTP_FILTER', 'INSERT_BEFORE')}\n${patch('HTTP_FILTER', 'REPLACE')}\n${patch('NETWORK_FILTER', 'REMOVE')}`) } },
  ],
  invalid: [
    {
      name: 'ADD and REMOVE on routes, REPLACE on a listener',
      clusters: { cluster1: envoyFilter('broken', `  priority: 5\n  configPatches:\n${patch('HTTP_ROUTE', 'ADD')}\n${patch('ROUTE_CONFIGURATION', 'REMOVE')}\n${patch('LISTENER', 'REPLACE')}`) },
      errors: [
        { messageId: 'ignoredOperation', resource: 'EnvoyFilter istio-system/broken', cluster: 'cluster1', path: 'spec.configPatches[0].patch.operation' },
        { messageId: 'ignoredOperation', resource: 'EnvoyFilter istio-system/broken', cluster: 'cluster1', path: 'spec.configPatches[1].patch.operation' },
        { messageId: 'ignoredOperation', resource: 'EnvoyFilter istio-system/broken', cluster: 'cluster1', path: 'spec.configPatches[2].patch.operation', data: { operation: 'REPLACE', applyTo: 'LISTENER', why: 'REPLACE only works on NETWORK_FILTER and HTTP_FILTER', fix: 'Use MERGE, or target the filter (applyTo: HTTP_FILTER or NETWORK_FILTER).' } },
      ],
    },
    {
      name: 'relative operations without priority; one after a proxy-version patch of the same filter',
      clusters: {
        cluster1:
          envoyFilter('a-versioned', `  configPatches:\n${patch('HTTP_FILTER', 'INSERT_FIRST', '      match: { proxy: { proxyVersion: "^1\\\\.29.*" } }\n')}`) +
          envoyFilter('b-relative', `  configPatches:\n${patch('HTTP_FILTER', 'INSERT_AFTER')}\n${patch('NETWORK_FILTER', 'REMOVE').replace('envoy.filters.http.lua', 'envoy.filters.network.tcp_proxy')}`),
      },
      errors: [
        { messageId: 'relativeWithoutPriority', resource: 'EnvoyFilter istio-system/b-relative', cluster: 'cluster1', path: 'spec.configPatches[0].patch.operation', data: { operation: 'INSERT_AFTER', applyTo: 'HTTP_FILTER', versionNote: ', and another patch of the same filter is limited to a proxy version: during an upgrade it may not apply' } },
        { messageId: 'relativeWithoutPriority', resource: 'EnvoyFilter istio-system/b-relative', cluster: 'cluster1', path: 'spec.configPatches[1].patch.operation', data: { operation: 'REMOVE', applyTo: 'NETWORK_FILTER', versionNote: '' } },
      ],
    },
  ],
});
