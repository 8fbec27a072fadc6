import { asString, get } from '../generator/manifest/access.js';
import { MESH_CONFIG_KINDS, meshConfigSources } from './utils/mesh-config.js';
import type { Rule } from './utils/rule.js';

const rule: Rule = {
  meta: {
    id: 'registry-only',
    defaultSeverity: 'error',
    description: 'Every cluster sets outboundTrafficPolicy.mode REGISTRY_ONLY (ConfigMap istio, IstioOperator, Helm values, HelmRelease, Application).',
    kinds: [...MESH_CONFIG_KINDS],
    docs: 'policies/registry-only.md',
    messages: {
      allowAny: {
        message: 'outboundTrafficPolicy.mode is {{mode}}: workloads can reach any host, not only the registry',
        hint: 'Set meshConfig.outboundTrafficPolicy.mode: REGISTRY_ONLY and declare external hosts as ServiceEntries (externalServices in mesh.config.yaml).',
      },
      unset: {
        message: "the mesh config does not set outboundTrafficPolicy.mode, so Istio's default ALLOW_ANY applies",
        hint: 'Set meshConfig.outboundTrafficPolicy.mode: REGISTRY_ONLY.',
      },
    },
  },
  check(context) {
    for (const source of meshConfigSources(context)) {
      const mode = asString(get(source.meshConfig, 'outboundTrafficPolicy', 'mode'));
      if (mode === 'REGISTRY_ONLY') continue;
      if (mode === undefined) {
        context.report({ resource: source.resource, path: source.path, messageId: 'unset' });
        continue;
      }
      context.report({ resource: source.resource, path: source.opaque ? source.path : [...source.path, 'outboundTrafficPolicy', 'mode'], messageId: 'allowAny', data: { mode } });
    }
  },
};

export default rule;
