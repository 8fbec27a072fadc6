import { HostRegistry, namespaceOf, portsOf } from './utils/hosts.js';
import type { Rule } from './utils/rule.js';
import { destinationsOf } from './utils/traffic.js';

const rule: Rule = {
  meta: {
    id: 'destination-port-missing',
    defaultSeverity: 'error',
    description: 'A destination of a multi-port host names its port, and a named port exists on the host.',
    kinds: ['VirtualService', 'Service', 'ServiceEntry'],
    docs: 'policies/destination-port-missing.md',
    messages: {
      portRequired: {
        message: 'host {{host}} has several ports ({{ports}}): the destination must say which one',
        hint: 'Add port: { number: N } to the destination.',
      },
      portNotFound: {
        message: 'host {{host}} has no port {{port}} (it has {{ports}})',
        hint: 'Use one of the ports the Service or ServiceEntry declares.',
      },
    },
  },
  check(context) {
    const registry = HostRegistry.of(context.resources('Service'), context.resources('ServiceEntry'), context.model);
    for (const service of context.resources('VirtualService')) {
      const namespace = namespaceOf(service);
      for (const destination of destinationsOf(service)) {
        const ports = portsOf(registry.find(destination.host, namespace));
        if (ports.length === 0) continue;
        const list = ports.map((p) => p.number).sort((a, b) => a - b).join(', ');
        if (destination.port === undefined) {
          if (ports.length > 1) context.report({ resource: service, path: destination.path, messageId: 'portRequired', data: { host: destination.host, ports: list } });
        } else if (!ports.some((p) => p.number === destination.port)) {
          context.report({ resource: service, path: [...destination.path, 'port', 'number'], messageId: 'portNotFound', data: { host: destination.host, port: destination.port, ports: list } });
        }
      }
    }
  },
};

export default rule;
