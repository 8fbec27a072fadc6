import { findGateway, gatewayRefsOf, gatewaysFor, istioGateways } from './utils/gateways.js';
import type { Rule } from './utils/rule.js';
import { byCluster } from './utils/traffic.js';

const rule: Rule = {
  meta: {
    id: 'gateway-not-found',
    defaultSeverity: 'error',
    description: 'Every Gateway a VirtualService binds to exists in the same cluster.',
    kinds: ['VirtualService', 'Gateway'],
    docs: 'policies/gateway-not-found.md',
    messages: {
      notFound: {
        message: 'gateway {{gateway}} does not exist in this cluster (looked for Gateway {{namespace}}/{{name}}): the routes are never applied',
        hint: 'Fix the reference (namespace/name, a name in this namespace, or name.namespace.svc.cluster.local) or add the Gateway to this cluster.',
      },
    },
  },
  check(context) {
    const gatewaysByCluster = byCluster(istioGateways(context.resources('Gateway')));
    for (const [cluster, services] of byCluster(context.resources('VirtualService'))) {
      const gateways = gatewaysFor(gatewaysByCluster, cluster);
      for (const service of services) {
        for (const ref of gatewayRefsOf(service)) {
          if (!findGateway(gateways, ref)) context.report({ resource: service, path: ref.path, messageId: 'notFound', data: { gateway: ref.written, namespace: ref.namespace, name: ref.name } });
        }
      }
    }
  },
};

export default rule;
