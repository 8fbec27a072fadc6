import rule from './strict-mtls.js';
import { runRuleTests } from '../test/lint/rule-tester.js';

const pa = (name: string, namespace: string, spec: string) => `---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: ${name}, namespace: ${namespace} }
spec:
${spec}
`;

runRuleTests(rule, {
  valid: [
    { name: 'mesh-wide STRICT', clusters: { cluster1: pa('default', 'istio-system', '  mtls: { mode: STRICT }') } },
    { name: 'UNSET inherits, port-level STRICT', clusters: { cluster1: pa('web', 'foo', "  mtls: { mode: UNSET }\n  portLevelMtls:\n    '8080': { mode: STRICT }") } },
  ],
  invalid: [
    {
      name: 'PERMISSIVE namespace policy',
      clusters: { cluster1: pa('default', 'legacy', '  mtls: { mode: PERMISSIVE }') },
      errors: [{ messageId: 'notStrict', resource: 'PeerAuthentication legacy/default', cluster: 'cluster1', path: 'spec.mtls.mode', data: { mode: 'PERMISSIVE' } }],
    },
    {
      name: 'DISABLE on one port',
      clusters: { cluster2: pa('metrics', 'foo', "  mtls: { mode: STRICT }\n  portLevelMtls:\n    '9090': { mode: DISABLE }") },
      errors: [{ messageId: 'portNotStrict', resource: 'PeerAuthentication foo/metrics', cluster: 'cluster2', path: 'spec.portLevelMtls["9090"].mode', data: { mode: 'DISABLE', port: '9090' } }],
    },
  ],
});
