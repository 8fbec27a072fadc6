import { asString, get, recordItems } from '../generator/manifest/access.js';
import { exportToOf, hostCandidates, hostMatches, isVisible, namespaceOf, qualify } from './utils/hosts.js';
import type { Rule } from './utils/rule.js';
import { byCluster, destinationsOf } from './utils/traffic.js';

const rule: Rule = {
  meta: {
    id: 'subset-not-found',
    defaultSeverity: 'error',
    description: 'Every subset a route names is defined by a DestinationRule for that host in the same cluster.',
    kinds: ['VirtualService', 'DestinationRule'],
    docs: 'policies/subset-not-found.md',
    messages: {
      subsetNotFound: {
        message: 'subset {{subset}} of host {{host}} is not defined by any DestinationRule visible here: requests to it fail with 503',
        hint: 'Add the subset to the DestinationRule for {{host}} in this cluster, or fix the subset name.',
      },
    },
  },
  check(context) {
    const rulesByCluster = byCluster(context.resources('DestinationRule'));
    for (const [cluster, services] of byCluster(context.resources('VirtualService'))) {
      const rules = rulesByCluster.get(cluster) ?? [];
      for (const service of services) {
        const namespace = namespaceOf(service);
        for (const destination of destinationsOf(service)) {
          if (destination.subset === undefined) continue;
          const candidates = hostCandidates(destination.host, namespace);
          const defined = rules.some((rule) => {
            const host = asString(get(rule.object, 'spec', 'host'));
            if (host === undefined || !isVisible(exportToOf(rule), namespaceOf(rule), namespace)) return false;
            const ruleHost = qualify(host, namespaceOf(rule));
            if (!candidates.some((c) => hostMatches(ruleHost, c))) return false;
            return recordItems(get(rule.object, 'spec', 'subsets')).some(([, subset]) => subset.name === destination.subset);
          });
          if (!defined) context.report({ resource: service, path: [...destination.path, 'subset'], messageId: 'subsetNotFound', data: { subset: destination.subset, host: destination.host } });
        }
      }
    }
  },
};

export default rule;
