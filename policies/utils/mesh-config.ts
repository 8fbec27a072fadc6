import { parse } from 'yaml';
import type { DataPlaneMode } from '../../generator/config/types.js';
import type { DocPath } from '../../generator/diagnostics/types.js';
import { parseIstioVersion } from '../../generator/core/istio-version.js';
import { asRecord, asString, get, isRecord, recordItems, type Json } from '../../generator/manifest/access.js';
import type { LintResource, RuleContext } from './rule.js';

/**
 * Where a cluster's mesh config (and the istiod settings next to it) is written in a manifest set: the `istio`
 * ConfigMap's data.mesh, an IstioOperator's spec.meshConfig, istiod's Helm values, or those values inside a Flux
 * HelmRelease or an Argo CD Application. Rules that depend on mesh settings read them from here, so they agree.
 */

/** The kinds `meshConfigSources` reads: a rule using it declares these in meta.kinds. */
export const MESH_CONFIG_KINDS = ['ConfigMap', 'IstioOperator', 'HelmValues', 'HelmRelease', 'Application'] as const;

/** One place a cluster's mesh config is written, and the path of its meshConfig mapping. */
export interface MeshConfigSource {
  readonly resource: LintResource;
  /** The meshConfig mapping, or undefined when the source has none (Istio's defaults then apply). */
  readonly meshConfig: Json | undefined;
  /** Path of the meshConfig mapping (or of the object that should hold it). */
  readonly path: DocPath;
  /** ConfigMap `mesh` keys are YAML inside a string: findings point at the key, not inside it. */
  readonly opaque: boolean;
  /** The Istio version this source installs, when it says (chart version, image tag). */
  readonly version?: string;
  /** istiod's environment as written in the same source (Helm values pilot.env, IstioOperator pilot env). */
  readonly pilotEnv: Readonly<Record<string, string>>;
  /** global.network of the istiod values (IstioOperator spec.values), when written. */
  readonly network?: string;
  /** The install profile (`profile` of the values, IstioOperator spec.profile), when written. */
  readonly profile?: string;
}

function parseYaml(text: string): unknown {
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}

function isIstiodChart(chart: unknown): boolean {
  return typeof chart === 'string' && /(^|\/)istiod$/.test(chart);
}

/** `1.29.0`, `1.29.0-distroless`, `v1.29.0` -> `1.29.0`; undefined for anything else (a digest, `latest`). */
function versionFrom(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^v?(\d+\.\d+\.\d+)/.exec(value.trim());
  return m ? m[1] : undefined;
}

function envRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(value)) for (const [name, v] of Object.entries(value)) out[name] = String(v);
  // Kubernetes-style env lists (IstioOperator components.pilot.k8s.env).
  for (const [, item] of recordItems(value)) if (typeof item.name === 'string' && item.value !== undefined) out[item.name] = String(item.value);
  return out;
}

function installFacts(values: unknown, profile: unknown): { network?: string; profile?: string } {
  const network = asString(get(values, 'global', 'network'));
  return { ...(network ? { network } : {}), ...(typeof profile === 'string' && profile !== '' ? { profile } : {}) };
}

function fromValues(resource: LintResource, values: unknown, path: DocPath, chartVersion?: unknown): MeshConfigSource {
  const meshConfig = get(values, 'meshConfig');
  const version = versionFrom(chartVersion) ?? versionFrom(get(values, 'global', 'tag')) ?? versionFrom(get(values, 'pilot', 'tag'));
  const common = { resource, opaque: false, pilotEnv: envRecord(get(values, 'pilot', 'env')), ...(version ? { version } : {}), ...installFacts(values, get(values, 'profile')) };
  return isRecord(meshConfig) ? { ...common, meshConfig, path: [...path, 'meshConfig'] } : { ...common, meshConfig: undefined, path };
}

/** Every mesh config source in the input, in every cluster. */
export function meshConfigSources(context: RuleContext): MeshConfigSource[] {
  const out: MeshConfigSource[] = [];
  for (const map of context.resources('ConfigMap')) {
    if (!/^istio(-[a-z0-9-]+)?$/.test(map.name)) continue;
    const text = asString(get(map.object, 'data', 'mesh'));
    if (text === undefined) continue;
    const parsed = parseYaml(text);
    out.push({ resource: map, meshConfig: isRecord(parsed) ? parsed : {}, path: ['data', 'mesh'], opaque: true, pilotEnv: {} });
  }
  for (const operator of context.resources('IstioOperator')) {
    const spec = asRecord(operator.object.spec);
    const meshConfig = spec.meshConfig;
    const version = versionFrom(spec.tag) ?? versionFrom(get(spec, 'values', 'global', 'tag'));
    const pilotEnv = { ...envRecord(get(spec, 'values', 'pilot', 'env')), ...envRecord(get(spec, 'components', 'pilot', 'k8s', 'env')) };
    const common = { resource: operator, opaque: false, pilotEnv, ...(version ? { version } : {}), ...installFacts(spec.values, spec.profile) };
    out.push(isRecord(meshConfig) ? { ...common, meshConfig, path: ['spec', 'meshConfig'] } : { ...common, meshConfig: undefined, path: ['spec'] });
  }
  for (const values of context.resources('HelmValues')) {
    // Only istiod's values carry meshConfig; base and gateway values have nothing to read.
    if (values.name === 'istiod' || isRecord(values.object.meshConfig)) out.push(fromValues(values, values.object, []));
  }
  for (const release of context.resources('HelmRelease')) {
    const chart = get(release.object, 'spec', 'chart', 'spec', 'chart') ?? get(release.object, 'spec', 'chartRef', 'name');
    if (isIstiodChart(chart)) out.push(fromValues(release, get(release.object, 'spec', 'values'), ['spec', 'values'], get(release.object, 'spec', 'chart', 'spec', 'version')));
  }
  for (const application of context.resources('Application')) {
    const spec = asRecord(application.object.spec);
    const candidates: [Json, DocPath][] = [];
    if (isRecord(spec.source)) candidates.push([spec.source, ['spec', 'source']]);
    for (const [i, source] of recordItems(spec.sources)) candidates.push([source, ['spec', 'sources', i]]);
    for (const [source, path] of candidates) {
      if (!isIstiodChart(source.chart)) continue;
      const helm = asRecord(source.helm);
      if (isRecord(helm.valuesObject)) out.push(fromValues(application, helm.valuesObject, [...path, 'helm', 'valuesObject'], source.targetRevision));
      else if (typeof helm.values === 'string') {
        const parsed = fromValues(application, parseYaml(helm.values), [...path, 'helm', 'values'], source.targetRevision);
        out.push({ ...parsed, path: [...path, 'helm', 'values'], opaque: true });
      } else out.push({ ...fromValues(application, {}, [...path, 'helm'], source.targetRevision), meshConfig: undefined });
    }
  }
  return out;
}

/** The mesh settings rules need, for one cluster. */
export interface MeshSettings {
  /** Whether the sidecars' DNS proxy answers for ServiceEntry hosts (ISTIO_META_DNS_CAPTURE). */
  readonly dnsCapture: boolean;
  /**
   * Whether ServiceEntries without addresses get one anyway: the DNS proxy's own allocation
   * (ISTIO_META_DNS_AUTO_ALLOCATE), or istiod's IP auto-allocation controller (v2), on by default from Istio 1.25
   * and switched by PILOT_ENABLE_IP_AUTOALLOCATE. Either is only useful with DNS capture on.
   */
  readonly autoAllocation: boolean;
  /** outboundTrafficPolicy.mode; undefined when no source sets it (Istio's default is ALLOW_ANY). */
  readonly outboundTrafficPolicy?: string;
}

const AUTO_ALLOCATE_V2_SINCE = { major: 1, minor: 25 } as const;

function allocatesByDefault(version: string | undefined): boolean {
  const v = version === undefined ? undefined : parseIstioVersion(version);
  if (!v) return false;
  return v.major > AUTO_ALLOCATE_V2_SINCE.major || (v.major === AUTO_ALLOCATE_V2_SINCE.major && v.minor >= AUTO_ALLOCATE_V2_SINCE.minor);
}

function settingsOf(sources: readonly MeshConfigSource[], fallbackVersion: string | undefined): MeshSettings {
  let dnsCapture = false;
  let autoAllocation = false;
  let outboundTrafficPolicy: string | undefined;
  const version = sources.map((s) => s.version).find((v) => v !== undefined) ?? fallbackVersion;
  for (const source of sources) {
    const metadata = asRecord(get(source.meshConfig, 'defaultConfig', 'proxyMetadata'));
    if (String(metadata.ISTIO_META_DNS_CAPTURE) === 'true') dnsCapture = true;
    if (String(metadata.ISTIO_META_DNS_AUTO_ALLOCATE) === 'true') autoAllocation = true;
    const controller = source.pilotEnv.PILOT_ENABLE_IP_AUTOALLOCATE ?? (metadata.PILOT_ENABLE_IP_AUTOALLOCATE !== undefined ? String(metadata.PILOT_ENABLE_IP_AUTOALLOCATE) : undefined);
    if (controller === 'true' || (controller === undefined && allocatesByDefault(version))) autoAllocation = true;
    outboundTrafficPolicy ??= asString(get(source.meshConfig, 'outboundTrafficPolicy', 'mode'));
  }
  return { dnsCapture, autoAllocation: dnsCapture && autoAllocation, ...(outboundTrafficPolicy !== undefined ? { outboundTrafficPolicy } : {}) };
}

/**
 * Mesh settings per cluster. A cluster whose input holds no mesh config uses the settings of sources that name no
 * cluster (a hand-written manifest set), else undefined: the rule then cannot know them.
 */
export function meshSettingsByCluster(context: RuleContext): (cluster: string) => MeshSettings | undefined {
  const byCluster = new Map<string, MeshConfigSource[]>();
  for (const source of meshConfigSources(context)) {
    const list = byCluster.get(source.resource.cluster);
    if (list) list.push(source);
    else byCluster.set(source.resource.cluster, [source]);
  }
  const fallbackVersion = context.model?.mesh.istio.version;
  const cache = new Map<string, MeshSettings | undefined>();
  return (cluster) => {
    if (!cache.has(cluster)) {
      const sources = byCluster.get(cluster) ?? byCluster.get('');
      cache.set(cluster, sources ? settingsOf(sources, fallbackVersion) : undefined);
    }
    return cache.get(cluster);
  };
}

/** One meshConfig.serviceScopeConfigs entry with scope GLOBAL: Services it selects are seen by every cluster. */
export interface GlobalScope {
  readonly namespaceSelector: unknown;
  readonly servicesSelector: unknown;
}

/**
 * The GLOBAL serviceScopeConfigs of each cluster's mesh config (a cluster without its own mesh config uses the sources
 * that name no cluster). Istio reads only the local cluster's scopes, so each cluster is judged by its own.
 */
export function globalScopesByCluster(context: RuleContext): (cluster: string) => readonly GlobalScope[] {
  const byCluster = new Map<string, GlobalScope[]>();
  for (const source of meshConfigSources(context)) {
    const list = byCluster.get(source.resource.cluster) ?? [];
    byCluster.set(source.resource.cluster, list);
    for (const [, scope] of recordItems(get(source.meshConfig, 'serviceScopeConfigs'))) {
      if (scope.scope !== 'GLOBAL') continue;
      list.push({ namespaceSelector: scope.namespaceSelector, servicesSelector: scope.servicesSelector });
    }
  }
  return (cluster) => byCluster.get(cluster) ?? byCluster.get('') ?? [];
}

function isZtunnelChart(chart: unknown): boolean {
  return typeof chart === 'string' && /(^|\/)ztunnel$/.test(chart);
}

/**
 * Each cluster's data plane as its install says, for the clusters whose install the input holds: ambient when istiod
 * is installed with profile ambient (Helm values, a Flux HelmRelease, an Argo CD Application, an IstioOperator) or a
 * ztunnel release is present; sidecar when istiod is installed otherwise. The `istio` ConfigMap says neither. A
 * cluster missing from the map has no install source in the input: callers fall back to what else they see (such
 * as namespaces labelled istio.io/dataplane-mode=ambient). This is the fact meshforge generates from, a cluster's
 * dataPlaneMode; a namespace label alone can be stale or hand-written in a cluster without ztunnel.
 */
export function installedDataPlanes(context: RuleContext): ReadonlyMap<string, DataPlaneMode> {
  const out = new Map<string, DataPlaneMode>();
  const mark = (cluster: string, ambient: boolean) => {
    if (ambient) out.set(cluster, 'ambient');
    else if (!out.has(cluster)) out.set(cluster, 'sidecar');
  };
  for (const source of meshConfigSources(context)) if (source.resource.kind !== 'ConfigMap') mark(source.resource.cluster, source.profile === 'ambient');
  for (const values of context.resources('HelmValues')) if (values.name === 'ztunnel') mark(values.cluster, true);
  for (const release of context.resources('HelmRelease')) {
    if (isZtunnelChart(get(release.object, 'spec', 'chart', 'spec', 'chart') ?? get(release.object, 'spec', 'chartRef', 'name'))) mark(release.cluster, true);
  }
  for (const application of context.resources('Application')) {
    const spec = asRecord(application.object.spec);
    const sources = [...(isRecord(spec.source) ? [spec.source] : []), ...recordItems(spec.sources).map(([, s]) => s)];
    if (sources.some((s) => isZtunnelChart(s.chart))) mark(application.cluster, true);
  }
  for (const operator of context.resources('IstioOperator')) {
    if (get(operator.object, 'spec', 'components', 'ztunnel', 'enabled') === true) mark(operator.cluster, true);
  }
  return out;
}
