import { asList, asRecord, asString, get, recordItems, stringItems } from '../generator/manifest/access.js';
import { exportToOf, namespaceOf } from './utils/hosts.js';
import { MESH_CONFIG_KINDS, meshSettingsByCluster } from './utils/mesh-config.js';
import type { Rule } from './utils/rule.js';

/** Protocols the sidecar can route by name (Host header or SNI) without a VIP. */
const NAMED_PROTOCOLS = new Set(['HTTP', 'HTTPS', 'HTTP2', 'GRPC', 'GRPC-WEB', 'TLS']);

const rule: Rule = {
  meta: {
    id: 'service-entry-addresses',
    defaultSeverity: 'warning',
    description: 'A ServiceEntry with TCP (or protocol-less) ports declares addresses, so its port does not capture all traffic.',
    kinds: ['ServiceEntry', ...MESH_CONFIG_KINDS],
    docs: 'policies/service-entry-addresses.md',
    messages: {
      tcpWithoutAddresses: {
        message: 'port {{port}} ({{protocol}}) of {{host}} has no addresses: the sidecar listens on 0.0.0.0:{{port}} and sends every TCP connection on that port here',
        hint: "Add addresses (meshforge: addresses: auto allocates a VIP), or turn on DNS capture (ISTIO_META_DNS_CAPTURE) with Istio's address auto-allocation (default from 1.25) in the mesh config.",
      },
    },
  },
  check(context) {
    const settings = meshSettingsByCluster(context);
    for (const entry of context.resources('ServiceEntry')) {
      const spec = asRecord(entry.object.spec);
      if (asList(spec.addresses).length > 0) continue;
      // istiod already allocated a VIP (written back in status), or will: DNS capture with auto-allocation on.
      if (asList(get(entry.object, 'status', 'addresses')).length > 0) continue;
      // Neither allocator gives a wildcard host an address.
      if (settings(entry.cluster)?.autoAllocation === true && !stringItems(spec.hosts).some(([, h]) => h.startsWith('*'))) continue;
      // Visible to no sidecar: only gateways in istio-system read it (meshforge's server-side entries), so no listener clash.
      const exportTo = exportToOf(entry) ?? [];
      if (exportTo.length > 0 && exportTo.every((e) => e === '~' || (e === '.' && namespaceOf(entry) === 'istio-system'))) continue;
      const host = stringItems(spec.hosts)[0]?.[1] ?? entry.name;
      for (const [index, port] of recordItems(spec.ports)) {
        const protocol = (asString(port.protocol) ?? '').toUpperCase();
        if (NAMED_PROTOCOLS.has(protocol)) continue;
        context.report({ resource: entry, path: ['spec', 'ports', index], messageId: 'tcpWithoutAddresses', data: { port: String(port.number ?? '?'), protocol: protocol || 'no protocol', host } });
        break;
      }
    }
  },
};

export default rule;
