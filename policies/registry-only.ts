import { parse } from 'yaml';
import type { DocPath } from '../generator/diagnostics/types.js';
import { asRecord, asString, get, isRecord, recordItems, type Json } from '../generator/manifest/access.js';
import type { LintResource, RuleContext, Rule } from './utils/rule.js';

/** One place a cluster's mesh config is written, and the path of its meshConfig mapping. */
interface MeshConfigSource {
  readonly resource: LintResource;
  /** The meshConfig mapping, or undefined when the source has none (Istio's default then applies: ALLOW_ANY). */
  readonly meshConfig: Json | undefined;
  /** Path of the meshConfig mapping (or of the object that should hold it). */
  readonly path: DocPath;
  /** ConfigMap `mesh` keys are YAML inside a string: findings point at the key, not inside it. */
  readonly opaque: boolean;
}

function fromValues(resource: LintResource, values: unknown, path: DocPath): MeshConfigSource {
  const meshConfig = get(values, 'meshConfig');
  return isRecord(meshConfig) ? { resource, meshConfig, path: [...path, 'meshConfig'], opaque: false } : { resource, meshConfig: undefined, path, opaque: false };
}

function isIstiodChart(chart: unknown): boolean {
  return typeof chart === 'string' && /(^|\/)istiod$/.test(chart);
}

/** Finds the mesh config wherever it lives: ConfigMap istio, IstioOperator, Helm values, Flux HelmRelease, Argo CD Application. */
function sources(context: RuleContext): MeshConfigSource[] {
  const out: MeshConfigSource[] = [];
  for (const map of context.resources('ConfigMap')) {
    if (!/^istio(-[a-z0-9-]+)?$/.test(map.name)) continue;
    const text = asString(get(map.object, 'data', 'mesh'));
    if (text === undefined) continue;
    let parsed: unknown;
    try {
      parsed = parse(text);
    } catch {
      parsed = undefined;
    }
    out.push({ resource: map, meshConfig: isRecord(parsed) ? parsed : {}, path: ['data', 'mesh'], opaque: true });
  }
  for (const operator of context.resources('IstioOperator')) {
    const meshConfig = get(operator.object, 'spec', 'meshConfig');
    out.push(isRecord(meshConfig) ? { resource: operator, meshConfig, path: ['spec', 'meshConfig'], opaque: false } : { resource: operator, meshConfig: undefined, path: ['spec'], opaque: false });
  }
  for (const values of context.resources('HelmValues')) {
    // Only istiod's values carry meshConfig; base and gateway values have nothing to check.
    if (values.name === 'istiod' || isRecord(values.object.meshConfig)) out.push(fromValues(values, values.object, []));
  }
  for (const release of context.resources('HelmRelease')) {
    const chart = get(release.object, 'spec', 'chart', 'spec', 'chart') ?? get(release.object, 'spec', 'chartRef', 'name');
    if (isIstiodChart(chart)) out.push(fromValues(release, get(release.object, 'spec', 'values'), ['spec', 'values']));
  }
  for (const application of context.resources('Application')) {
    const spec = asRecord(application.object.spec);
    const candidates: [Json, DocPath][] = [];
    if (isRecord(spec.source)) candidates.push([spec.source, ['spec', 'source']]);
    for (const [i, source] of recordItems(spec.sources)) candidates.push([source, ['spec', 'sources', i]]);
    for (const [source, path] of candidates) {
      if (!isIstiodChart(source.chart)) continue;
      const helm = asRecord(source.helm);
      if (isRecord(helm.valuesObject)) out.push(fromValues(application, helm.valuesObject, [...path, 'helm', 'valuesObject']));
      else if (typeof helm.values === 'string') {
        let parsed: unknown;
        try {
          parsed = parse(helm.values);
        } catch {
          parsed = undefined;
        }
        const meshConfig = get(parsed, 'meshConfig');
        out.push({ resource: application, meshConfig: isRecord(meshConfig) ? meshConfig : undefined, path: [...path, 'helm', 'values'], opaque: true });
      } else out.push({ resource: application, meshConfig: undefined, path: [...path, 'helm'], opaque: false });
    }
  }
  return out;
}

const rule: Rule = {
  meta: {
    id: 'registry-only',
    defaultSeverity: 'error',
    description: 'Every cluster sets outboundTrafficPolicy.mode REGISTRY_ONLY (ConfigMap istio, IstioOperator, Helm values, HelmRelease, Application).',
    kinds: ['ConfigMap', 'IstioOperator', 'HelmValues', 'HelmRelease', 'Application'],
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
    for (const source of sources(context)) {
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
