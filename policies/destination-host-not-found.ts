import { asString, get } from '../generator/manifest/access.js';
import { HostRegistry, isWildcard, namespaceOf } from './utils/hosts.js';
import type { Rule } from './utils/rule.js';
import { destinationsOf } from './utils/traffic.js';

const rule: Rule = {
  meta: {
    id: 'destination-host-not-found',
    defaultSeverity: 'error',
    description: 'Route, mirror and DestinationRule hosts exist as a Service or ServiceEntry somewhere in the mesh (any cluster, honouring exportTo).',
    kinds: ['VirtualService', 'DestinationRule', 'Service', 'ServiceEntry'],
    docs: 'policies/destination-host-not-found.md',
    messages: {
      routeHost: {
        message: 'destination host {{host}} is not a Service or ServiceEntry visible from namespace {{namespace}} in any cluster',
        hint: 'Fix the host name (short names resolve in this namespace), add the ServiceEntry or Service, or widen its exportTo.',
      },
      mirrorHost: {
        message: 'mirror host {{host}} is not a Service or ServiceEntry visible from namespace {{namespace}} in any cluster',
        hint: 'Fix the host name, add the ServiceEntry or Service, or widen its exportTo.',
      },
      destinationRuleHost: {
        message: 'DestinationRule host {{host}} is not a Service or ServiceEntry visible from namespace {{namespace}} in any cluster: the rule applies to nothing',
        hint: 'Fix the host name (short names resolve in this namespace), or remove the DestinationRule.',
      },
    },
  },
  check(context) {
    const registry = HostRegistry.of(context.resources('Service'), context.resources('ServiceEntry'), context.model);
    const missing = (host: string, namespace: string) => !isWildcard(host) && registry.canJudge(host, namespace) && registry.find(host, namespace).length === 0;
    for (const service of context.resources('VirtualService')) {
      const namespace = namespaceOf(service);
      for (const destination of destinationsOf(service)) {
        if (missing(destination.host, namespace)) context.report({ resource: service, path: [...destination.path, 'host'], messageId: destination.kind === 'mirror' ? 'mirrorHost' : 'routeHost', data: { host: destination.host, namespace } });
      }
    }
    for (const rule of context.resources('DestinationRule')) {
      const host = asString(get(rule.object, 'spec', 'host'));
      const namespace = namespaceOf(rule);
      if (host !== undefined && missing(host, namespace)) context.report({ resource: rule, path: ['spec', 'host'], messageId: 'destinationRuleHost', data: { host, namespace } });
    }
  },
};

export default rule;
