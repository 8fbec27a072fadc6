import { asList, asString, get, recordItems } from '../generator/manifest/access.js';
import { namespaceOf } from './utils/hosts.js';
import { MESH_CONFIG_KINDS, meshConfigSources, type MeshConfigSource } from './utils/mesh-config.js';
import type { LintResource, Rule } from './utils/rule.js';

/** Providers Istio's default mesh config defines (pkg/config/mesh DefaultMeshConfig): usable without declaring them. */
const BUILT_IN_PROVIDERS: ReadonlySet<string> = new Set(['prometheus', 'stackdriver', 'envoy']);
const SECTIONS = ['tracing', 'accessLogging', 'metrics'] as const;

function bySourceCluster(sources: readonly MeshConfigSource[]): (cluster: string) => readonly MeshConfigSource[] | undefined {
  const map = new Map<string, MeshConfigSource[]>();
  for (const source of sources) map.set(source.resource.cluster, [...(map.get(source.resource.cluster) ?? []), source]);
  return (cluster) => map.get(cluster) ?? map.get('');
}

const rule: Rule = {
  meta: {
    id: 'telemetry-provider',
    defaultSeverity: 'warning',
    description: 'Telemetry providers exist in the mesh config\'s extensionProviders, access logging has a provider, and one namespace has at most one Telemetry without selector.',
    kinds: ['Telemetry', ...MESH_CONFIG_KINDS],
    docs: 'policies/telemetry-provider.md',
    messages: {
      unknownProvider: {
        message: 'provider {{provider}} is not among the mesh config\'s extensionProviders ({{known}}): this {{section}} setting does nothing',
        hint: 'Fix the name, or declare the provider in meshConfig.extensionProviders.',
      },
      emptyProviders: {
        message: 'accessLogging without providers, and the mesh config sets no defaultProviders.accessLogging: the Telemetry {{name}} is ignored',
        hint: 'Name a provider (providers: [{ name: envoy }]) or set meshConfig.defaultProviders.accessLogging.',
      },
      multipleWithoutSelector: {
        message: 'Telemetries {{names}} in namespace {{namespace}} all apply namespace-wide (no selector): which one wins is undefined',
        hint: 'Merge them into one Telemetry, or give all but one a selector.',
      },
    },
  },
  check(context) {
    const sourcesOf = bySourceCluster(meshConfigSources(context));
    const wide = new Map<string, LintResource[]>();
    for (const telemetry of context.resources('Telemetry')) {
      const sources = sourcesOf(telemetry.cluster);
      const declared = sources?.flatMap((s) => recordItems(get(s.meshConfig, 'extensionProviders')).flatMap(([, p]) => (typeof p.name === 'string' ? [p.name] : [])));
      const defaultAccessLogging = sources?.some((s) => asList(get(s.meshConfig, 'defaultProviders', 'accessLogging')).length > 0) ?? false;
      for (const section of SECTIONS) {
        for (const [i, entry] of recordItems(get(telemetry.object, 'spec', section))) {
          const providers = recordItems(entry.providers);
          if (section === 'accessLogging' && providers.length === 0 && entry.disabled !== true && !defaultAccessLogging) {
            context.report({ resource: telemetry, path: ['spec', section, i], messageId: 'emptyProviders', data: { name: telemetry.name } });
          }
          // Judged only when the input shows this cluster's mesh config: the providers live there.
          if (declared === undefined) continue;
          for (const [j, provider] of providers) {
            const name = asString(provider.name);
            if (name === undefined || BUILT_IN_PROVIDERS.has(name) || declared.includes(name)) continue;
            context.report({ resource: telemetry, path: ['spec', section, i, 'providers', j, 'name'], messageId: 'unknownProvider', data: { provider: name, section, known: [...new Set([...declared, ...BUILT_IN_PROVIDERS])].sort().join(', ') } });
          }
        }
      }
      // Namespace-wide: no selector and no targetRefs (a Telemetry with targetRefs applies to those only).
      if (get(telemetry.object, 'spec', 'selector') === undefined && get(telemetry.object, 'spec', 'targetRefs') === undefined && get(telemetry.object, 'spec', 'targetRef') === undefined) {
        const key = `${telemetry.cluster}\u0000${namespaceOf(telemetry)}`;
        wide.set(key, [...(wide.get(key) ?? []), telemetry]);
      }
    }
    for (const list of wide.values()) {
      if (list.length < 2) continue;
      const names = list.map((t) => t.name).sort().join(', ');
      for (const telemetry of list) context.report({ resource: telemetry, path: ['metadata', 'name'], messageId: 'multipleWithoutSelector', data: { names, namespace: namespaceOf(telemetry) } });
    }
  },
};

export default rule;
