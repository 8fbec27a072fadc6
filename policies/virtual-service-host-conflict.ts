import { get, stringItems } from '../generator/manifest/access.js';
import { exportsIntersect, exportToOf, gatewaysOf, namespaceOf, qualify } from './utils/hosts.js';
import type { LintResource, Rule } from './utils/rule.js';
import { byCluster, compareResources, describe } from './utils/traffic.js';

const rule: Rule = {
  meta: {
    id: 'virtual-service-host-conflict',
    defaultSeverity: 'error',
    description: 'One host is bound to the sidecars (mesh gateway) by only one VirtualService visible to a namespace.',
    kinds: ['VirtualService'],
    docs: 'policies/virtual-service-host-conflict.md',
    messages: {
      conflict: {
        message: 'host {{host}} is also routed for the sidecars by {{other}}: Istio applies only one of them',
        hint: 'Merge the routes into one VirtualService, or narrow exportTo so that no namespace sees both.',
      },
    },
  },
  check(context) {
    for (const services of byCluster(context.resources('VirtualService')).values()) {
      const owners = new Map<string, LintResource[]>();
      for (const service of [...services].sort(compareResources)) {
        if (!gatewaysOf(service).includes('mesh')) continue;
        const namespace = namespaceOf(service);
        const reportedHosts = new Set<string>();
        for (const [index, host] of stringItems(get(service.object, 'spec', 'hosts'))) {
          const key = qualify(host, namespace);
          if (reportedHosts.has(key)) continue;
          reportedHosts.add(key);
          const earlier = owners.get(key) ?? [];
          const other = earlier.find((o) => o !== service && exportsIntersect(exportToOf(o), namespaceOf(o), exportToOf(service), namespace));
          if (other) context.report({ resource: service, path: ['spec', 'hosts', index], messageId: 'conflict', data: { host: key, other: describe(other) } });
          owners.set(key, [...earlier, service]);
        }
      }
    }
  },
};

export default rule;
