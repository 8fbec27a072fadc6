import { get, stringItems } from '../generator/manifest/access.js';
import { exportToOf, gatewaysOf, hostsOverlap, isWildcard, namespaceOf, qualify } from './utils/hosts.js';
import type { LintResource, Rule } from './utils/rule.js';
import { byCluster, compareResources, describe } from './utils/traffic.js';

/**
 * The namespaces a VirtualService is exported to, as scopes: 'all' when exportTo is absent or has '*', else the
 * listed namespaces with '.' resolved. '~' (no namespace) is no scope at all.
 */
function scopesOf(service: LintResource): 'all' | ReadonlySet<string> {
  const exportTo = exportToOf(service);
  if (!exportTo || exportTo.includes('*')) return 'all';
  const namespace = namespaceOf(service);
  return new Set(exportTo.filter((e) => e !== '~').map((e) => (e === '.' ? namespace : e)));
}

interface Binding {
  readonly service: LintResource;
  readonly host: string;
  readonly index: number;
  readonly scopes: 'all' | ReadonlySet<string>;
}

/**
 * Whether two mesh bindings clash, as Istio judges it: the same host in a common scope, or a host exported to some
 * namespaces that overlaps (wildcards included) a host exported to all of them.
 */
function clash(a: Binding, b: Binding): boolean {
  if (a.scopes === 'all' && b.scopes === 'all') return a.host === b.host;
  if (a.scopes !== 'all' && b.scopes !== 'all') return a.host === b.host && [...a.scopes].some((ns) => b.scopes !== 'all' && b.scopes.has(ns));
  const scoped = a.scopes === 'all' ? b : a;
  return scoped.scopes !== 'all' && scoped.scopes.size > 0 && hostsOverlap(a.host, b.host);
}

const rule: Rule = {
  meta: {
    id: 'virtual-service-host-conflict',
    defaultSeverity: 'error',
    description: 'One host is bound to the sidecars (mesh gateway) by only one VirtualService visible to a namespace.',
    kinds: ['VirtualService'],
    docs: 'policies/virtual-service-host-conflict.md',
    messages: {
      conflict: {
        message: 'host {{host}} is also routed for the sidecars by {{others}}: Istio applies only one of them',
        hint: 'Merge the routes into one VirtualService, or narrow exportTo so that no namespace sees both.',
      },
    },
  },
  check(context) {
    for (const services of byCluster(context.resources('VirtualService')).values()) {
      const bindings: Binding[] = [];
      for (const service of [...services].sort(compareResources)) {
        if (!gatewaysOf(service).includes('mesh')) continue;
        const namespace = namespaceOf(service);
        const scopes = scopesOf(service);
        const seen = new Set<string>();
        for (const [index, written] of stringItems(get(service.object, 'spec', 'hosts'))) {
          const host = qualify(written, namespace);
          if (seen.has(host)) continue;
          seen.add(host);
          bindings.push({ service, host, index, scopes });
        }
      }
      // Index by host: exact names meet only their own name; wildcards (rare) are compared with the other scope.
      const byHost = new Map<string, Binding[]>();
      for (const binding of bindings) byHost.set(binding.host, [...(byHost.get(binding.host) ?? []), binding]);
      const allScoped = bindings.filter((b) => b.scopes === 'all');
      const scoped = bindings.filter((b) => b.scopes !== 'all');
      const wildcards = (list: readonly Binding[]) => list.filter((b) => isWildcard(b.host));
      const wildcardAll = wildcards(allScoped);
      const wildcardScoped = wildcards(scoped);
      // Every VirtualService in a conflict is reported, once per host, naming the others (as Istio does).
      for (const binding of bindings) {
        const otherScope = binding.scopes === 'all' ? scoped : allScoped;
        const candidates = [...(byHost.get(binding.host) ?? []), ...(isWildcard(binding.host) ? otherScope : binding.scopes === 'all' ? wildcardScoped : wildcardAll)];
        const others = new Set<LintResource>();
        for (const other of candidates) if (other.service !== binding.service && clash(binding, other)) others.add(other.service);
        if (others.size === 0) continue;
        const names = [...others].sort(compareResources).map(describe).join(', ');
        context.report({ resource: binding.service, path: ['spec', 'hosts', binding.index], messageId: 'conflict', data: { host: binding.host, others: names } });
      }
    }
  },
};

export default rule;
