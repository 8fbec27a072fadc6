import { get, stringItems } from '../generator/manifest/access.js';
import { namespaceOf, qualify } from './utils/hosts.js';
import type { LintResource, Rule } from './utils/rule.js';
import { byCluster, compareResources, describe } from './utils/traffic.js';

/** A /32 (or /128) written as a CIDR is the same single address. */
function normalize(address: string): string {
  return address.trim().toLowerCase().replace(/\/(32|128)$/, '');
}

/** The hosts of a ServiceEntry, fully qualified, as a sorted set. */
function hostsOf(entry: LintResource): readonly string[] {
  const namespace = namespaceOf(entry);
  return [...new Set(stringItems(get(entry.object, 'spec', 'hosts')).map(([, host]) => qualify(host, namespace)))].sort();
}

function sameHosts(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((host, i) => host === b[i]);
}

const rule: Rule = {
  meta: {
    id: 'unique-vips',
    defaultSeverity: 'error',
    description: 'ServiceEntry addresses (VIPs) are unique within each cluster.',
    kinds: ['ServiceEntry'],
    docs: 'policies/unique-vips.md',
    messages: {
      duplicate: {
        message: 'address {{address}} is also used by {{other}} for a different host ({{otherHosts}}) in this cluster: the sidecar cannot tell {{hosts}} and {{otherHosts}} apart',
        hint: 'Give each ServiceEntry its own VIP (meshforge allocates them from mesh.vipRanges and records them in mesh.lock.yaml).',
      },
    },
  },
  check(context) {
    for (const entries of byCluster(context.resources('ServiceEntry')).values()) {
      const owners = new Map<string, LintResource[]>();
      for (const entry of [...entries].sort(compareResources)) {
        const hosts = hostsOf(entry);
        const seenHere = new Set<string>();
        for (const [index, raw] of stringItems(get(entry.object, 'spec', 'addresses'))) {
          const address = normalize(raw);
          if (seenHere.has(address)) continue;
          seenHere.add(address);
          const earlier = owners.get(address) ?? [];
          // Entries that give one address to the same host (split per port or per namespace) do not collide.
          const other = earlier.find((owner) => !sameHosts(hostsOf(owner), hosts));
          if (other) context.report({ resource: entry, path: ['spec', 'addresses', index], messageId: 'duplicate', data: { address: raw, other: describe(other), hosts: [...hosts].join(', '), otherHosts: [...hostsOf(other)].join(', ') } });
          owners.set(address, [...earlier, entry]);
        }
      }
    }
  },
};

export default rule;
