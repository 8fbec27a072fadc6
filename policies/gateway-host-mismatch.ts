import { get, stringItems } from '../generator/manifest/access.js';
import { findGateway, gatewayRefsOf, serversOf } from './utils/gateways.js';
import { hostsOverlap, namespaceOf, qualify } from './utils/hosts.js';
import type { LintResource, Rule } from './utils/rule.js';
import { byCluster } from './utils/traffic.js';

const rule: Rule = {
  meta: {
    id: 'gateway-host-mismatch',
    defaultSeverity: 'error',
    description: "Each host of a VirtualService bound to a Gateway is covered by that Gateway's server hosts.",
    kinds: ['VirtualService', 'Gateway'],
    docs: 'policies/gateway-host-mismatch.md',
    messages: {
      hostNotInGateway: {
        message: 'host {{host}} is not among the hosts of gateway {{gateways}}: the gateway never routes it',
        hint: "Add the host (or a wildcard covering it) to the Gateway's servers[].hosts, or fix the VirtualService host.",
      },
    },
  },
  check(context) {
    const gatewaysByCluster = byCluster(context.resources('Gateway'));
    for (const [cluster, services] of byCluster(context.resources('VirtualService'))) {
      const gateways = gatewaysByCluster.get(cluster) ?? [];
      for (const service of services) {
        const namespace = namespaceOf(service);
        // Only top-level gateways bind every host; match-level ones narrow single routes.
        const refs = gatewayRefsOf(service).filter((ref) => ref.path[1] === 'gateways');
        const found = refs.map((ref) => findGateway(gateways, ref)).filter((g): g is LintResource => g !== undefined);
        if (found.length === 0 || found.length < refs.length) continue;
        for (const [index, host] of stringItems(get(service.object, 'spec', 'hosts'))) {
          const spellings = [host, qualify(host, namespace)];
          const covered = found.some((gateway) =>
            serversOf(gateway).some((server) =>
              server.hosts.some(
                (s) => (s.namespace === '*' || s.namespace === namespace || (s.namespace === '.' && namespaceOf(gateway) === namespace)) && spellings.some((h) => hostsOverlap(s.host, h)),
              ),
            ),
          );
          if (!covered) context.report({ resource: service, path: ['spec', 'hosts', index], messageId: 'hostNotInGateway', data: { host, gateways: refs.map((r) => r.written).join(', ') } });
        }
      }
    }
  },
};

export default rule;
