import { asRecord, get, stringItems } from '../generator/manifest/access.js';
import type { Rule } from './utils/rule.js';
import { ISTIO_AUTO_ALLOCATION, overlaps, parseCidr } from '../generator/core/cidr.js';
import type { Cidr } from '../generator/core/cidr.js';

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}(\/(3[0-2]|[12]?\d))?$/;
/** Class E: never routed, so an address here can only be a virtual IP. */
const CLASS_E = parseCidr('240.0.0.0/4');

function asCidr(address: string): Cidr | undefined {
  const trimmed = address.trim();
  if (!IPV4.test(trimmed)) return undefined;
  return parseCidr(trimmed.includes('/') ? trimmed : `${trimmed}/32`);
}

function inside(inner: Cidr, outer: Cidr): boolean {
  return inner.first >= outer.first && inner.last <= outer.last;
}

const rule: Rule = {
  meta: {
    id: 'vip-range',
    defaultSeverity: 'error',
    description: "ServiceEntry VIPs lie inside mesh.vipRanges and outside Istio's auto-allocation range 240.240.0.0/16.",
    kinds: ['ServiceEntry'],
    docs: 'policies/vip-range.md',
    messages: {
      autoAllocationRange: {
        message: "address {{address}} is inside 240.240.0.0/16, the range Istio's DNS auto-allocation hands out on its own: they will collide",
        hint: 'Pick a VIP from mesh.vipRanges (meshforge never allocates from 240.240.0.0/16).',
      },
      outsideRanges: {
        message: 'VIP {{address}} is outside the configured mesh.vipRanges ({{ranges}})',
        hint: 'Use an address from mesh.vipRanges, or widen mesh.vipRanges in mesh.config.yaml.',
      },
    },
  },
  check(context) {
    const ranges = context.model?.mesh.vipRanges ?? [];
    for (const entry of context.resources('ServiceEntry')) {
      const internal = asRecord(entry.object.spec).location === 'MESH_INTERNAL';
      for (const [index, address] of stringItems(get(entry.object, 'spec', 'addresses'))) {
        const cidr = asCidr(address);
        if (!cidr) continue;
        if (overlaps(cidr, ISTIO_AUTO_ALLOCATION)) {
          context.report({ resource: entry, path: ['spec', 'addresses', index], messageId: 'autoAllocationRange', data: { address } });
          continue;
        }
        // Only virtual IPs are meshforge's to place: class E addresses, or any address of a mesh-internal entry.
        const isVip = inside(cidr, CLASS_E) || internal;
        if (ranges.length > 0 && isVip && !ranges.some((range) => inside(cidr, range))) {
          context.report({ resource: entry, path: ['spec', 'addresses', index], messageId: 'outsideRanges', data: { address, ranges: ranges.map((r) => r.cidr).join(', ') } });
        }
      }
    }
  },
};

export default rule;
