import { asString, get, recordItems } from '../generator/manifest/access.js';
import { namespaceOf } from './utils/hosts.js';
import type { Rule } from './utils/rule.js';

/** The protocol prefixes Istio's port naming convention understands (<protocol>[-<suffix>]). */
const PROTOCOLS = ['http', 'http2', 'https', 'grpc', 'grpc-web', 'tcp', 'tls', 'udp', 'mongo', 'mysql', 'redis', 'thrift'] as const;
/** Control-plane namespaces: their Services are Istio's and Kubernetes' own, named by their charts. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'istio-system']);

function hasProtocolPrefix(name: string): boolean {
  const lower = name.toLowerCase();
  return PROTOCOLS.some((protocol) => lower === protocol || lower.startsWith(`${protocol}-`));
}

const rule: Rule = {
  meta: {
    id: 'service-port-name',
    defaultSeverity: 'warning',
    description: 'Service port names start with a protocol (http-, grpc-, tcp-, ...) or the port sets appProtocol.',
    kinds: ['Service'],
    docs: 'policies/service-port-name.md',
    messages: {
      noProtocolPrefix: {
        message: "port {{port}} is named '{{name}}', which does not start with a protocol: Istio falls back to protocol sniffing",
        hint: "Name it <protocol>[-suffix] (e.g. http-{{name}}) or set appProtocol.",
      },
      externalNamePort: {
        message: "port {{port}} of this ExternalName Service is named '{{name}}': the sidecar treats it as {{treatedAs}} and may not forward the traffic to {{externalName}} correctly",
        hint: 'Name it after the protocol it carries (http-, https-, tls-, ...) or set appProtocol; avoid plain tcp for ExternalName Services.',
      },
    },
  },
  check(context) {
    for (const service of context.resources('Service')) {
      if (SYSTEM_NAMESPACES.has(namespaceOf(service))) continue;
      // Services a Gateway API controller creates for its Gateways: named by the controller, not by users.
      if (asString(get(service.object, 'metadata', 'labels', 'gateway.istio.io/managed')) !== undefined) continue;
      const externalName = asString(get(service.object, 'spec', 'type')) === 'ExternalName' ? (asString(get(service.object, 'spec', 'externalName')) ?? '?') : undefined;
      for (const [index, port] of recordItems(get(service.object, 'spec', 'ports'))) {
        const name = asString(port.name);
        if (name === undefined || asString(port.appProtocol) !== undefined) continue;
        if (port.protocol === 'UDP' || port.protocol === 'SCTP') continue;
        const data = { name, port: String(port.port ?? '?') };
        // ExternalName Services (IST0150): plain `tcp` is as bad as no protocol, since nothing selects pods to sniff.
        if (externalName !== undefined && (!hasProtocolPrefix(name) || name.toLowerCase() === 'tcp')) context.report({ resource: service, path: ['spec', 'ports', index, 'name'], messageId: 'externalNamePort', data: { ...data, externalName, treatedAs: name.toLowerCase() === 'tcp' ? 'opaque TCP' : 'an unknown protocol' } });
        else if (externalName === undefined && !hasProtocolPrefix(name)) context.report({ resource: service, path: ['spec', 'ports', index, 'name'], messageId: 'noProtocolPrefix', data });
      }
    }
  },
};

export default rule;
