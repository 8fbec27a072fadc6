import { get, stringItems } from '../generator/manifest/access.js';
import { gatewaysOf, namespaceOf, qualify } from './utils/hosts.js';
import type { LintResource, Rule } from './utils/rule.js';
import { byCluster, compareResources, describe, destinationsOf } from './utils/traffic.js';

/** The hosts of a VirtualService that it splits by subset: a route of its own to one of its hosts names a subset. */
function subsetSplitHosts(service: LintResource): ReadonlySet<string> {
  const namespace = namespaceOf(service);
  const hosts = new Set(stringItems(get(service.object, 'spec', 'hosts')).map(([, h]) => qualify(h, namespace)));
  const out = new Set<string>();
  for (const d of destinationsOf(service)) {
    const host = qualify(d.host, namespace);
    if (d.section === 'http' && d.kind === 'route' && d.subset !== undefined && hosts.has(host)) out.add(host);
  }
  return out;
}

const rule: Rule = {
  meta: {
    id: 'ingress-route-subsets',
    defaultSeverity: 'warning',
    description: "A gateway route without a subset does not rely on another VirtualService's subset split, which gateways do not apply.",
    kinds: ['VirtualService'],
    docs: 'policies/ingress-route-subsets.md',
    messages: {
      subsetsBypassed: {
        message: 'requests through gateway {{gateways}} go to {{host}} directly: the subsets that {{other}} routes {{host}} to have no effect on them',
        hint: 'Route to the subsets here too (copy the split into this route), or bind {{other}} to the gateway as well and delegate.',
      },
    },
  },
  check(context) {
    const services = context.resources('VirtualService');
    const clusters = byCluster(services);
    const unclustered = clusters.get('') ?? [];
    for (const [cluster, own] of clusters) {
      const visible = cluster === '' ? own : [...own, ...unclustered];
      // Which VirtualServices split which host by subset, in this cluster.
      const splitters = new Map<string, LintResource[]>();
      for (const service of [...visible].sort(compareResources)) for (const host of subsetSplitHosts(service)) splitters.set(host, [...(splitters.get(host) ?? []), service]);
      if (splitters.size === 0) continue;
      for (const service of own) {
        const gateways = gatewaysOf(service).filter((g) => g !== 'mesh');
        if (gateways.length === 0) continue;
        const namespace = namespaceOf(service);
        for (const d of destinationsOf(service)) {
          if (d.section !== 'http' || d.kind !== 'route' || d.subset !== undefined) continue;
          const host = qualify(d.host, namespace);
          const others = (splitters.get(host) ?? []).filter((other) => other !== service);
          if (others.length === 0) continue;
          context.report({ resource: service, path: [...d.path, 'host'], messageId: 'subsetsBypassed', data: { gateways: gateways.join(', '), host: d.host, other: others.map(describe).join(', ') } });
        }
      }
    }
  },
};

export default rule;
