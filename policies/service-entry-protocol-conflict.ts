import { asNumber, asString, get, recordItems, stringItems } from '../generator/manifest/access.js';
import { exportToOf, namespaceOf } from './utils/hosts.js';
import type { LintResource, Rule } from './utils/rule.js';
import { byCluster, compareResources, describe } from './utils/traffic.js';

/** How a port's protocol reads in messages: an empty one is not a blank but protocol sniffing. */
function protocolLabel(protocol: string): string {
  return protocol === '' ? 'unset (sniffed)' : protocol;
}

/** '*' when exported to all namespaces, else the namespaces (with '.' resolved). '~' is no scope at all. */
function scopesOf(entry: LintResource): readonly string[] {
  const exportTo = exportToOf(entry);
  if (!exportTo || exportTo.includes('*')) return ['*'];
  const namespace = namespaceOf(entry);
  return [...new Set(exportTo.filter((e) => e !== '~').map((e) => (e === '.' ? namespace : e)))];
}

interface PortUse {
  readonly entry: LintResource;
  readonly index: number;
  /** Upper case; '' when the port declares none. */
  readonly protocol: string;
}

const rule: Rule = {
  meta: {
    id: 'service-entry-protocol-conflict',
    defaultSeverity: 'error',
    description: 'One host and port is not declared with different protocols by ServiceEntries visible together.',
    kinds: ['ServiceEntry'],
    docs: 'policies/service-entry-protocol-conflict.md',
    messages: {
      protocolConflict: {
        message: '{{host}}:{{port}} is {{protocol}} here but {{otherProtocols}} in {{others}}: Istio picks one of them',
        hint: 'Declare the port with one protocol in every ServiceEntry for this host (an unset protocol is sniffed, which differs from any named one).',
      },
    },
  },
  check(context) {
    for (const entries of byCluster(context.resources('ServiceEntry')).values()) {
      // Uses of host:port per export scope, as Istio groups them: a scope meets itself and the all-namespaces scope.
      const byKey = new Map<string, PortUse[]>();
      for (const entry of [...entries].sort(compareResources)) {
        const scopes = scopesOf(entry);
        for (const [, host] of stringItems(get(entry.object, 'spec', 'hosts'))) {
          for (const [index, port] of recordItems(get(entry.object, 'spec', 'ports'))) {
            const number = asNumber(port.number);
            if (number === undefined) continue;
            const use = { entry, index, protocol: (asString(port.protocol) ?? '').toUpperCase() };
            for (const scope of scopes) {
              const key = `${scope}\u0000${host.toLowerCase()}\u0000${number}`;
              byKey.set(key, [...(byKey.get(key) ?? []), use]);
            }
          }
        }
      }
      const reported = new Set<string>();
      for (const [key, uses] of byKey) {
        const [scope, host, port] = key.split('\u0000') as [string, string, string];
        const group = scope === '*' ? uses : [...uses, ...(byKey.get(`*\u0000${host}\u0000${port}`) ?? [])];
        if (new Set(group.map((u) => u.protocol)).size < 2) continue;
        for (const use of group) {
          const others = group.filter((u) => u.protocol !== use.protocol);
          if (others.length === 0) continue;
          const id = `${use.entry.location.file}\u0000${use.entry.location.docIndex ?? 0}\u0000${use.index}\u0000${host}`;
          if (reported.has(id)) continue;
          reported.add(id);
          const otherEntries = [...new Set(others.map((u) => u.entry))].sort(compareResources);
          context.report({
            resource: use.entry,
            path: use.protocol === '' ? ['spec', 'ports', use.index] : ['spec', 'ports', use.index, 'protocol'],
            messageId: 'protocolConflict',
            data: { host, port: Number(port), protocol: protocolLabel(use.protocol), otherProtocols: [...new Set(others.map((u) => protocolLabel(u.protocol)))].sort().join(', '), others: otherEntries.map(describe).join(', ') },
          });
        }
      }
    }
  },
};

export default rule;
