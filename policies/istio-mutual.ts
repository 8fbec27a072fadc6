import { asString, get } from '../generator/manifest/access.js';
import { HostRegistry, NO_SERVICES, hostCandidates, isClusterLocal, namespaceOf } from './utils/hosts.js';
import type { Rule } from './utils/rule.js';
import { tlsSettingsOf } from './utils/traffic.js';

/**
 * Names Istio only ever resolves inside the mesh. Not every *.local name: corporate directories often use .local
 * domains for external hosts (ldap.corp.local); those are internal only when a MESH_INTERNAL ServiceEntry says so.
 */
function isInternalName(host: string): boolean {
  return isClusterLocal(host) || host === '*.local' || host === '*.svc.cluster.local';
}

const rule: Rule = {
  meta: {
    id: 'istio-mutual',
    defaultSeverity: 'error',
    description: 'Every DestinationRule for a mesh-internal host uses tls.mode ISTIO_MUTUAL.',
    kinds: ['DestinationRule', 'ServiceEntry'],
    docs: 'policies/istio-mutual.md',
    messages: {
      notIstioMutual: {
        message: 'tls.mode {{mode}} for mesh-internal host {{host}}: traffic will not carry the mesh identity (ISTIO_MUTUAL)',
        hint: 'Set tls.mode: ISTIO_MUTUAL (or remove the tls block and rely on auto mTLS).',
      },
    },
  },
  check(context) {
    const registry = HostRegistry.of(NO_SERVICES, context.resources('ServiceEntry'), context.model);
    for (const rule of context.resources('DestinationRule')) {
      const host = asString(get(rule.object, 'spec', 'host'));
      if (host === undefined) continue;
      const namespace = namespaceOf(rule);
      const internal =
        hostCandidates(host, namespace).some(isInternalName) ||
        // Indexed lookup: scanning every definition for every DestinationRule is quadratic in fleet size.
        registry.matching(host, namespace).some((d) => d.internal && (d.source === 'ServiceEntry' || d.source === 'mesh.config'));
      if (!internal) continue;
      for (const { tls, path } of tlsSettingsOf(rule)) {
        const mode = asString(tls.mode);
        if (mode !== undefined && mode !== 'ISTIO_MUTUAL') context.report({ resource: rule, path: [...path, 'mode'], messageId: 'notIstioMutual', data: { mode, host } });
      }
    }
  },
};

export default rule;
