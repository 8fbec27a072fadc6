import { get, stringItems } from '../generator/manifest/access.js';
import { findGateway, gatewayRefsOf, gatewaysFor, hostsVisibleTo, istioGateways, type ServerHost } from './utils/gateways.js';
import { hostsOverlap, namespaceOf, qualify } from './utils/hosts.js';
import type { LintResource, Rule } from './utils/rule.js';
import { byCluster, describe } from './utils/traffic.js';

function covers(serverHosts: readonly ServerHost[], host: string, namespace: string): boolean {
  const spellings = [host, qualify(host, namespace)];
  return serverHosts.some((s) => spellings.some((h) => hostsOverlap(s.host, h)));
}

const rule: Rule = {
  meta: {
    id: 'gateway-host-mismatch',
    defaultSeverity: 'error',
    description: "Each host of a VirtualService bound to a Gateway is covered by that Gateway's server hosts.",
    kinds: ['VirtualService', 'Gateway'],
    docs: 'policies/gateway-host-mismatch.md',
    messages: {
      gatewayServesNone: {
        message: 'gateway {{gateway}} ({{resolved}}) serves none of the hosts of this VirtualService ({{hosts}}) for namespace {{namespace}}: the binding does nothing',
        hint: "Add the hosts (or a wildcard, or {{namespace}}/host) to the Gateway's servers[].hosts, or remove the gateway from spec.gateways.",
      },
      hostNotInGateway: {
        message: 'host {{host}} is not among the hosts of gateway {{gateways}}: the gateway never routes it',
        hint: "Add the host (or a wildcard covering it) to the Gateway's servers[].hosts, or fix the VirtualService host.",
      },
    },
  },
  check(context) {
    const gatewaysByCluster = byCluster(istioGateways(context.resources('Gateway')));
    for (const [cluster, services] of byCluster(context.resources('VirtualService'))) {
      const gateways = gatewaysFor(gatewaysByCluster, cluster);
      for (const service of services) {
        const namespace = namespaceOf(service);
        const hosts = stringItems(get(service.object, 'spec', 'hosts'));
        if (hosts.length === 0) continue;
        // Only top-level gateways bind every host; match-level ones narrow single routes. A missing Gateway is
        // gateway-not-found's finding, not this rule's.
        const refs = gatewayRefsOf(service).filter((ref) => ref.path[1] === 'gateways');
        const bound: { gateway: LintResource; hosts: ServerHost[] }[] = [];
        let servesNone = false;
        for (const ref of refs) {
          const gateway = findGateway(gateways, ref);
          if (!gateway) continue;
          const visible = hostsVisibleTo(gateway, namespace);
          bound.push({ gateway, hosts: visible });
          if (!hosts.some(([, host]) => covers(visible, host, namespace))) {
            servesNone = true;
            context.report({ resource: service, path: ref.path, messageId: 'gatewayServesNone', data: { gateway: ref.written, resolved: describe(gateway), hosts: hosts.map(([, h]) => h).join(', '), namespace } });
          }
        }
        // Each host on its own (meshforge's stricter check), once every Gateway serves at least one of them.
        if (servesNone || bound.length === 0) continue;
        for (const [index, host] of hosts) {
          if (!bound.some((b) => covers(b.hosts, host, namespace))) context.report({ resource: service, path: ['spec', 'hosts', index], messageId: 'hostNotInGateway', data: { host, gateways: refs.map((r) => r.written).join(', ') } });
        }
      }
    }
  },
};

export default rule;
