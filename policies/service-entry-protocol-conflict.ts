import { asNumber, asString, get, recordItems, stringItems } from '../generator/manifest/access.js';
import { exportsIntersect, exportToOf, namespaceOf } from './utils/hosts.js';
import type { LintResource, Rule } from './utils/rule.js';
import { byCluster, compareResources, describe } from './utils/traffic.js';

const rule: Rule = {
  meta: {
    id: 'service-entry-protocol-conflict',
    defaultSeverity: 'error',
    description: 'One host and port is not declared with different protocols by ServiceEntries visible together.',
    kinds: ['ServiceEntry'],
    docs: 'policies/service-entry-protocol-conflict.md',
    messages: {
      protocolConflict: {
        message: '{{host}}:{{port}} is {{protocol}} here but {{otherProtocol}} in {{other}}: Istio picks one of them',
        hint: 'Declare the port with one protocol in every ServiceEntry for this host.',
      },
    },
  },
  check(context) {
    for (const entries of byCluster(context.resources('ServiceEntry')).values()) {
      const seen = new Map<string, { protocol: string; entry: LintResource }[]>();
      for (const entry of [...entries].sort(compareResources)) {
        for (const [, host] of stringItems(get(entry.object, 'spec', 'hosts'))) {
          for (const [index, port] of recordItems(get(entry.object, 'spec', 'ports'))) {
            const number = asNumber(port.number);
            const protocol = asString(port.protocol)?.toUpperCase();
            if (number === undefined || protocol === undefined) continue;
            const key = `${host.toLowerCase()}:${number}`;
            const earlier = seen.get(key) ?? [];
            const clash = earlier.find((e) => e.entry !== entry && e.protocol !== protocol && exportsIntersect(exportToOf(e.entry), namespaceOf(e.entry), exportToOf(entry), namespaceOf(entry)));
            if (clash) context.report({ resource: entry, path: ['spec', 'ports', index, 'protocol'], messageId: 'protocolConflict', data: { host, port: number, protocol, otherProtocol: clash.protocol, other: describe(clash.entry) } });
            seen.set(key, [...earlier, { protocol, entry }]);
          }
        }
      }
    }
  },
};

export default rule;
