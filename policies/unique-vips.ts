import { get, stringItems } from '../generator/manifest/access.js';
import type { LintResource, Rule } from './utils/rule.js';
import { byCluster, compareResources, describe } from './utils/traffic.js';

/** A /32 (or /128) written as a CIDR is the same single address. */
function normalize(address: string): string {
  return address.trim().toLowerCase().replace(/\/(32|128)$/, '');
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
        message: 'address {{address}} is also used by {{other}} in this cluster: the sidecar cannot tell the two hosts apart',
        hint: 'Give each ServiceEntry its own VIP (meshforge allocates them from mesh.vipRanges and records them in mesh.lock.yaml).',
      },
    },
  },
  check(context) {
    for (const entries of byCluster(context.resources('ServiceEntry')).values()) {
      const owners = new Map<string, LintResource>();
      for (const entry of [...entries].sort(compareResources)) {
        const seenHere = new Set<string>();
        for (const [index, raw] of stringItems(get(entry.object, 'spec', 'addresses'))) {
          const address = normalize(raw);
          if (seenHere.has(address)) continue;
          seenHere.add(address);
          const owner = owners.get(address);
          if (owner) context.report({ resource: entry, path: ['spec', 'addresses', index], messageId: 'duplicate', data: { address: raw, other: describe(owner) } });
          else owners.set(address, entry);
        }
      }
    }
  },
};

export default rule;
