import { asString, get } from '../generator/manifest/access.js';
import { HostRegistry, hostCandidates, namespaceOf } from './utils/hosts.js';
import type { Rule } from './utils/rule.js';
import { tlsSettingsOf } from './utils/traffic.js';

/**
 * Wildcards over the mesh's own suffix: a DestinationRule for them covers in-cluster Services by definition. Not
 * every *.local name: corporate directories often use .local domains for external hosts (ldap.corp.local).
 */
function isMeshSuffix(host: string): boolean {
  return host === '*.local' || host === '*.cluster.local' || /^\*\.([a-z0-9-]+\.)?svc\.cluster\.local$/.test(host);
}

const rule: Rule = {
  meta: {
    id: 'istio-mutual',
    defaultSeverity: 'error',
    description: 'Every DestinationRule for a mesh-internal host uses tls.mode ISTIO_MUTUAL.',
    kinds: ['DestinationRule', 'ServiceEntry', 'Service'],
    docs: 'policies/istio-mutual.md',
    messages: {
      notIstioMutual: {
        message: 'tls.mode {{mode}} for mesh-internal host {{host}}: traffic will not carry the mesh identity (ISTIO_MUTUAL)',
        hint: 'Set tls.mode: ISTIO_MUTUAL (or remove the tls block and rely on auto mTLS).',
      },
    },
  },
  check(context) {
    const registry = HostRegistry.of(context.resources('Service'), context.resources('ServiceEntry'), context.model);
    for (const rule of context.resources('DestinationRule')) {
      const host = asString(get(rule.object, 'spec', 'host'));
      if (host === undefined) continue;
      const namespace = namespaceOf(rule);
      // Internal only when something says so: a Service, a MESH_INTERNAL ServiceEntry or the mesh config (in any
      // cluster), or a wildcard over the mesh suffix. A host nothing declares may well be outside the mesh.
      const internal =
        hostCandidates(host, namespace).some(isMeshSuffix) ||
        // Indexed lookup: scanning every definition for every DestinationRule is quadratic in fleet size.
        registry.matching(host, namespace).some((d) => d.internal);
      if (!internal) continue;
      for (const { tls, path } of tlsSettingsOf(rule)) {
        const mode = asString(tls.mode);
        if (mode !== undefined && mode !== 'ISTIO_MUTUAL') context.report({ resource: rule, path: [...path, 'mode'], messageId: 'notIstioMutual', data: { mode, host } });
      }
    }
  },
};

export default rule;
