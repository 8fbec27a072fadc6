import { selectorKey, serversOf, istioGateways, type ServerHost } from './utils/gateways.js';
import { hostsOverlap } from './utils/hosts.js';
import type { LintResource, Rule } from './utils/rule.js';
import { byCluster, compareResources, describe } from './utils/traffic.js';

const rule: Rule = {
  meta: {
    id: 'gateway-conflict',
    defaultSeverity: 'error',
    description: 'No two Gateways select the same workload with the same port and an overlapping host.',
    kinds: ['Gateway'],
    docs: 'policies/gateway-conflict.md',
    messages: {
      conflict: {
        message: 'host {{host}} on port {{port}} is also served by {{other}} on the same gateway workload: only one server wins',
        hint: 'Serve each host and port from one Gateway per workload (merge the servers), or select different gateway workloads.',
      },
    },
  },
  check(context) {
    for (const gateways of byCluster(istioGateways(context.resources('Gateway'))).values()) {
      const claimed: { selector: string; port: number; host: ServerHost; gateway: LintResource }[] = [];
      for (const gateway of [...gateways].sort(compareResources)) {
        const selector = selectorKey(gateway);
        const mine: typeof claimed = [];
        for (const server of serversOf(gateway)) {
          if (server.port === undefined) continue;
          for (const host of server.hosts) {
            const other = claimed.find((c) => c.gateway !== gateway && c.selector === selector && c.port === server.port && hostsOverlap(c.host.host, host.host));
            if (other) context.report({ resource: gateway, path: host.path, messageId: 'conflict', data: { host: host.host, port: server.port, other: describe(other.gateway) } });
            mine.push({ selector, port: server.port, host, gateway });
          }
        }
        claimed.push(...mine);
      }
    }
  },
};

export default rule;
