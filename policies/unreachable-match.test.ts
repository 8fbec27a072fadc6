import rule from './unreachable-match.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { virtualService } from '../test/lint/manifests.js';

const vs = (http: string) => virtualService('router', 'tenants', `  hosts: [router]\n  http:\n${http}`);
const routeTo = (host: string) => `route: [{ destination: { host: ${host} } }]`;

runRuleTests(rule, {
  valid: [
    {
      name: 'header routes then a default (seed 000)',
      clusters: { cluster1: vs(`    - name: for-tom\n      match: [{ headers: { x-nextensio-for: { exact: tom.com } } }]\n      ${routeTo('tom-com')}\n    - name: connect-candy\n      match: [{ headers: { x-nextensio-connect: { exact: candy.com } } }]\n      ${routeTo('candy-com')}\n    - name: default\n      ${routeTo('router')}`) },
    },
    { name: 'same URI with different methods; a prefix other than /', clusters: { cluster1: vs(`    - match: [{ uri: { prefix: /api }, method: { exact: GET } }]\n      ${routeTo('a')}\n    - match: [{ uri: { prefix: /api }, method: { exact: POST } }]\n      ${routeTo('b')}\n    - match: [{ uri: { prefix: /v2 } }]\n      ${routeTo('c')}`) } },
    {
      name: 'prefix "" and prefix / as the last route (the default), and prefix "" narrowed by a method',
      clusters: { cluster1: vs(`    - match: [{ uri: { prefix: "" }, method: { exact: DELETE } }]\n      ${routeTo('audit')}\n    - match: [{ uri: { prefix: /reports } }]\n      ${routeTo('reports')}\n    - match: [{ uri: { prefix: "" } }]\n      ${routeTo('web')}`) },
    },
  ],
  invalid: [
    {
      name: 'prefix "" matches every path: routes after it are unreachable',
      clusters: { cluster1: vs(`    - match: [{ name: everything, uri: { prefix: "" } }]\n      ${routeTo('web')}\n    - match: [{ uri: { prefix: /reports } }]\n      ${routeTo('reports')}`) },
      errors: [{ messageId: 'unreachable', resource: 'VirtualService tenants/router', cluster: 'cluster1', path: 'spec.http[1]', data: { section: 'http', index: 1, catchAll: 0 } }],
    },
    {
      name: 'a route after the catch-all',
      clusters: { cluster1: vs(`    - ${routeTo('router')}\n    - match: [{ headers: { x-nextensio-for: { exact: tom.com } } }]\n      ${routeTo('tom-com')}`) },
      errors: [{ messageId: 'unreachable', resource: 'VirtualService tenants/router', cluster: 'cluster1', path: 'spec.http[1]', data: { section: 'http', index: 1, catchAll: 0 } }],
    },
    {
      name: 'duplicate match (names differ) and prefix / as catch-all',
      clusters: { cluster1: vs(`    - match: [{ name: a, uri: { exact: /login } }]\n      ${routeTo('a')}\n    - match: [{ name: b, uri: { exact: /login } }, { uri: { prefix: / } }]\n      ${routeTo('b')}\n    - ${routeTo('c')}`) },
      errors: [
        { messageId: 'duplicateMatch', resource: 'VirtualService tenants/router', cluster: 'cluster1', path: 'spec.http[1].match[0]', data: { section: 'http', first: 0 } },
        { messageId: 'unreachable', resource: 'VirtualService tenants/router', cluster: 'cluster1', path: 'spec.http[2]', data: { section: 'http', index: 2, catchAll: 1 } },
      ],
    },
  ],
});
