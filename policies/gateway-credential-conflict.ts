import { selectorKey, serversOf } from './utils/gateways.js';
import type { LintResource, Rule } from './utils/rule.js';
import { byCluster, compareResources, describe } from './utils/traffic.js';

const rule: Rule = {
  meta: {
    id: 'gateway-credential-conflict',
    defaultSeverity: 'warning',
    description: 'One TLS credentialName is used by one Gateway per gateway workload.',
    kinds: ['Gateway'],
    docs: 'policies/gateway-credential-conflict.md',
    messages: {
      sharedCredential: {
        message: 'credentialName {{credentialName}} is also used by {{other}} on the same gateway workload: HTTP/2 connection reuse across their hosts can return 404s',
        hint: 'Serve all hosts of one certificate from one Gateway, or give each Gateway its own certificate.',
      },
    },
  },
  check(context) {
    for (const gateways of byCluster(context.resources('Gateway')).values()) {
      const owners = new Map<string, LintResource>();
      for (const gateway of [...gateways].sort(compareResources)) {
        const selector = selectorKey(gateway);
        const reported = new Set<string>();
        for (const server of serversOf(gateway)) {
          if (server.credentialName === undefined) continue;
          const key = `${selector}\u0000${server.credentialName}`;
          const owner = owners.get(key);
          if (owner && owner !== gateway) {
            if (!reported.has(key)) context.report({ resource: gateway, path: ['spec', 'servers', server.index, 'tls', 'credentialName'], messageId: 'sharedCredential', data: { credentialName: server.credentialName, other: describe(owner) } });
            reported.add(key);
          } else owners.set(key, gateway);
        }
      }
    }
  },
};

export default rule;
