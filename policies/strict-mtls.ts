import { asRecord, asString, get } from '../generator/manifest/access.js';
import type { Rule } from './utils/rule.js';

const WEAK = new Set(['PERMISSIVE', 'DISABLE']);

const rule: Rule = {
  meta: {
    id: 'strict-mtls',
    defaultSeverity: 'error',
    description: 'PeerAuthentication uses STRICT mTLS; PERMISSIVE or DISABLE need a recorded exception.',
    kinds: ['PeerAuthentication'],
    docs: 'policies/strict-mtls.md',
    messages: {
      notStrict: {
        message: 'mTLS mode {{mode}} accepts plaintext traffic',
        hint: 'Set mode: STRICT, or record why plaintext is needed in policies.exceptions (or a meshforge.io/suppress annotation with a reason).',
      },
      portNotStrict: {
        message: 'mTLS mode {{mode}} on port {{port}} accepts plaintext traffic',
        hint: 'Set the port to STRICT (or UNSET to inherit), or record why plaintext is needed in policies.exceptions.',
      },
    },
  },
  check(context) {
    for (const policy of context.resources('PeerAuthentication')) {
      const mode = asString(get(policy.object, 'spec', 'mtls', 'mode'));
      if (mode !== undefined && WEAK.has(mode)) context.report({ resource: policy, path: ['spec', 'mtls', 'mode'], messageId: 'notStrict', data: { mode } });
      for (const [port, setting] of Object.entries(asRecord(get(policy.object, 'spec', 'portLevelMtls')))) {
        const portMode = asString(asRecord(setting).mode);
        if (portMode !== undefined && WEAK.has(portMode)) context.report({ resource: policy, path: ['spec', 'portLevelMtls', port, 'mode'], messageId: 'portNotStrict', data: { mode: portMode, port } });
      }
    }
  },
};

export default rule;
