import type { MeshModel } from '../../generator/model/types.js';
import { asList, asNumber, asRecord, asString, get, recordItems, stringItems } from '../../generator/manifest/access.js';
import type { LintResource } from './rule.js';

/**
 * Host names as Istio reads them, and a mesh-wide registry of the hosts that Services and ServiceEntries define.
 * Shared by every rule that resolves a host, so they agree on what "found" means.
 */

export const CLUSTER_DOMAIN = 'svc.cluster.local';

/** The namespace a namespaced resource lives in; Kubernetes applies 'default' when none is written. */
export function namespaceOf(resource: { readonly namespace?: string | undefined }): string {
  return resource.namespace ?? 'default';
}

/** A host written in a resource of `namespace`: short names are in that namespace (Istio's rule). */
export function qualify(host: string, namespace: string): string {
  const lower = host.toLowerCase();
  if (lower === '*' || lower.includes('.')) return lower;
  return `${lower}.${namespace}.${CLUSTER_DOMAIN}`;
}

/** Every spelling a host may stand for: name.ns and name.ns.svc are what Kubernetes DNS search paths complete. */
export function hostCandidates(host: string, namespace: string): readonly string[] {
  const qualified = qualify(host, namespace);
  const labels = qualified.split('.');
  const out = [qualified];
  if (labels.length === 2) out.push(`${qualified}.${CLUSTER_DOMAIN}`);
  if (labels.length === 3 && labels[2] === 'svc') out.push(`${qualified}.cluster.local`);
  return out;
}

export function isWildcard(host: string): boolean {
  return host.startsWith('*');
}

/** Whether `pattern` (possibly `*` or `*.suffix`) covers `host`. Case-insensitive, as DNS is. */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === '*') return true;
  if (p.startsWith('*.')) {
    const suffix = p.slice(1);
    if (h.startsWith('*.')) return h.slice(1).endsWith(suffix);
    return h.endsWith(suffix) && h.length > suffix.length;
  }
  return p === h;
}

/** Whether two host patterns can match one common name. */
export function hostsOverlap(a: string, b: string): boolean {
  return hostMatches(a, b) || hostMatches(b, a);
}

/** A Kubernetes in-cluster name: name.namespace.svc.cluster.local. */
export function isClusterLocal(host: string): boolean {
  return host.toLowerCase().endsWith(`.${CLUSTER_DOMAIN}`);
}

/**
 * Istio's exportTo: absent or '*' = every namespace, '.' = the resource's own namespace, '~' = none,
 * otherwise a list of namespaces.
 */
export function isVisible(exportTo: readonly string[] | undefined, ownNamespace: string, fromNamespace: string): boolean {
  if (!exportTo || exportTo.length === 0) return true;
  return exportTo.some((entry) => entry === '*' || (entry === '.' && ownNamespace === fromNamespace) || entry === fromNamespace);
}

/** Resolved exportTo for any config resource (spec.exportTo) or Service (annotation). */
export function exportToOf(resource: LintResource): readonly string[] | undefined {
  if (resource.kind === 'Service') {
    const annotation = asString(get(resource.object, 'metadata', 'annotations', 'networking.istio.io/exportTo'));
    return annotation === undefined ? undefined : annotation.split(',').map((s) => s.trim()).filter((s) => s !== '');
  }
  const list = stringItems(get(resource.object, 'spec', 'exportTo')).map(([, value]) => value);
  return list.length === 0 ? undefined : list;
}

/** Whether two exportTo sets are both visible from at least one common namespace. */
export function exportsIntersect(a: readonly string[] | undefined, aNamespace: string, b: readonly string[] | undefined, bNamespace: string): boolean {
  const expand = (list: readonly string[] | undefined, own: string): Set<string> | 'all' => {
    if (!list || list.length === 0 || list.includes('*')) return 'all';
    return new Set(list.filter((entry) => entry !== '~').map((entry) => (entry === '.' ? own : entry)));
  };
  const left = expand(a, aNamespace);
  const right = expand(b, bNamespace);
  if (left === 'all') return right === 'all' || right.size > 0;
  if (right === 'all') return left.size > 0;
  return [...left].some((ns) => right.has(ns));
}

export interface HostPort {
  readonly number: number;
  readonly name?: string;
  readonly protocol?: string;
}

/** One host defined somewhere in the mesh. */
export interface HostDefinition {
  readonly host: string;
  readonly namespace: string;
  readonly cluster: string;
  readonly exportTo?: readonly string[];
  readonly ports: readonly HostPort[];
  readonly source: 'Service' | 'ServiceEntry' | 'mesh.config';
  /** For ServiceEntries: MESH_INTERNAL or MESH_EXTERNAL (Istio's default). Services are internal. */
  readonly internal: boolean;
  readonly resource?: LintResource;
}

function servicePorts(ports: unknown): HostPort[] {
  return recordItems(ports).flatMap(([, port]) => {
    const number = asNumber(port.port) ?? asNumber(port.number);
    if (number === undefined) return [];
    const name = asString(port.name);
    const protocol = asString(port.protocol);
    return [{ number, ...(name !== undefined ? { name } : {}), ...(protocol !== undefined ? { protocol } : {}) }];
  });
}

const REGISTRIES = new WeakMap<readonly LintResource[], { services: readonly LintResource[]; model: MeshModel | undefined; registry: HostRegistry }[]>();

/** No Services: for rules that judge ServiceEntries and the mesh config only (a shared value, so the registry is too). */
export const NO_SERVICES: readonly LintResource[] = Object.freeze([]);

/** Every host the mesh defines, across all clusters. */
export class HostRegistry {
  readonly definitions: readonly HostDefinition[];
  /** Namespaces whose Services are known (seen in the input or listed in the mesh config). */
  private readonly serviceNamespaces: ReadonlySet<string>;

  /**
   * One registry per input: the rules of one run receive the same resource lists, so they share it (and its answers)
   * instead of each indexing 200,000 resources again.
   */
  static of(services: readonly LintResource[], serviceEntries: readonly LintResource[], model?: MeshModel): HostRegistry {
    let built = REGISTRIES.get(serviceEntries);
    if (!built) REGISTRIES.set(serviceEntries, (built = []));
    const found = built.find((b) => b.services === services && b.model === model);
    if (found) return found.registry;
    const registry = new HostRegistry(services, serviceEntries, model);
    built.push({ services, model, registry });
    return registry;
  }

  constructor(services: readonly LintResource[], serviceEntries: readonly LintResource[], model?: MeshModel) {
    const definitions: HostDefinition[] = [];
    const namespaces = new Set<string>();
    for (const service of services) {
      const namespace = namespaceOf(service);
      namespaces.add(namespace);
      const exportTo = exportToOf(service);
      definitions.push({
        host: `${service.name}.${namespace}.${CLUSTER_DOMAIN}`.toLowerCase(),
        namespace,
        cluster: service.cluster,
        ...(exportTo ? { exportTo } : {}),
        ports: servicePorts(get(service.object, 'spec', 'ports')),
        source: 'Service',
        internal: true,
        resource: service,
      });
    }
    for (const entry of serviceEntries) {
      const namespace = namespaceOf(entry);
      const spec = asRecord(entry.object.spec);
      const exportTo = exportToOf(entry);
      const ports = servicePorts(spec.ports);
      for (const [, host] of stringItems(spec.hosts)) {
        definitions.push({
          host: host.toLowerCase(),
          namespace,
          cluster: entry.cluster,
          ...(exportTo ? { exportTo } : {}),
          ports,
          source: 'ServiceEntry',
          internal: spec.location === 'MESH_INTERNAL',
          resource: entry,
        });
      }
    }
    if (model) {
      // Workload Services are deployed with the apps, not generated: the config is where the mesh learns of them.
      for (const service of model.services) {
        namespaces.add(service.namespace);
        for (const cluster of service.clusters) {
          definitions.push({ host: service.fqdn.toLowerCase(), namespace: service.namespace, cluster, ports: service.ports.map((p) => ({ number: p.number, name: p.name, protocol: p.protocol })), source: 'mesh.config', internal: true });
        }
      }
      const servicesByKey = new Map(model.services.map((s) => [s.key, s]));
      for (const exported of model.exports) {
        const service = servicesByKey.get(exported.service);
        definitions.push({ host: exported.remoteHost.toLowerCase(), namespace: service?.namespace ?? '', cluster: exported.to, ports: service?.ports.map((p) => ({ number: p.number, name: p.name, protocol: p.protocol })) ?? [], source: 'mesh.config', internal: true });
      }
      for (const external of model.externalServices) {
        for (const host of external.hosts) {
          for (const cluster of external.clusters) definitions.push({ host: host.toLowerCase(), namespace: external.namespace, cluster, ports: external.ports.map((p) => ({ number: p.number, name: p.name, protocol: p.protocol })), source: 'mesh.config', internal: false });
        }
      }
    }
    this.definitions = definitions;
    this.serviceNamespaces = namespaces;
  }

  /**
   * Definitions of `host` (as written in a resource of `fromNamespace`) visible from that namespace, in any cluster.
   * Mesh-config definitions have no exportTo of their own: the generated resources carry it.
   */
  find(host: string, fromNamespace: string): readonly HostDefinition[] {
    return this.matching(host, fromNamespace).filter((definition) => definition.source === 'mesh.config' || isVisible(definition.exportTo, definition.namespace, fromNamespace));
  }

  /** Definitions of `host` (as written in a resource of `fromNamespace`) in any cluster, visible or not, in order. */
  matching(host: string, fromNamespace: string): readonly HostDefinition[] {
    // Several rules ask about the same host from the same namespace: answer each question once.
    const key = `${host}\u0000${fromNamespace}`;
    let answer = this.answers.get(key);
    if (answer === undefined) this.answers.set(key, (answer = this.scan(host, fromNamespace)));
    return answer;
  }

  private readonly answers = new Map<string, readonly HostDefinition[]>();

  private scan(host: string, fromNamespace: string): readonly HostDefinition[] {
    const candidates = hostCandidates(host, fromNamespace);
    const matches = (definition: HostDefinition) => candidates.some((candidate) => hostMatches(definition.host, candidate) || (isWildcard(candidate) && hostMatches(candidate, definition.host)));
    // A wildcard query can match any definition: scan. Otherwise only definitions of the same name or wildcard
    // definitions can match: look those up instead of scanning every definition for every query, which made
    // linting quadratic (minutes at 20,000 resources, hours at 200,000).
    if (candidates.some(isWildcard)) return this.definitions.filter(matches);
    const index = (this.lookup ??= indexDefinitions(this.definitions));
    const positions = new Set<number>(index.wildcards);
    for (const candidate of candidates) for (const position of index.byHost.get(candidate) ?? []) positions.add(position);
    return [...positions]
      .sort((a, b) => a - b)
      .map((position) => this.definitions[position]!)
      .filter(matches);
  }

  private lookup: DefinitionIndex | undefined;

  /**
   * Whether a missing host can be judged at all: a *.svc.cluster.local name is only known missing when the input
   * (or the mesh config) shows the Services of its namespace. Manifests linted without their workloads stay quiet.
   */
  canJudge(host: string, fromNamespace: string): boolean {
    const qualified = hostCandidates(host, fromNamespace).find(isClusterLocal);
    if (!qualified) return true;
    const namespace = qualified.split('.')[1] ?? '';
    return this.serviceNamespaces.has(namespace);
  }
}

interface DefinitionIndex {
  /** Positions in `definitions` by (lower-case) host. */
  readonly byHost: ReadonlyMap<string, readonly number[]>;
  /** Positions of wildcard definitions: they may match any name. */
  readonly wildcards: readonly number[];
}

function indexDefinitions(definitions: readonly HostDefinition[]): DefinitionIndex {
  const byHost = new Map<string, number[]>();
  const wildcards: number[] = [];
  definitions.forEach((definition, position) => {
    if (isWildcard(definition.host)) wildcards.push(position);
    const list = byHost.get(definition.host);
    if (list) list.push(position);
    else byHost.set(definition.host, [position]);
  });
  return { byHost, wildcards };
}

/** The ports of a list of definitions, merged by number (a host may be defined in several clusters). */
export function portsOf(definitions: readonly HostDefinition[]): readonly HostPort[] {
  const byNumber = new Map<number, HostPort>();
  for (const definition of definitions) for (const port of definition.ports) if (!byNumber.has(port.number)) byNumber.set(port.number, port);
  return [...byNumber.values()];
}

/** The gateways a VirtualService binds to; none written means the sidecars ('mesh'). */
export function gatewaysOf(resource: LintResource): readonly string[] {
  const list = asList(get(resource.object, 'spec', 'gateways')).filter((g): g is string => typeof g === 'string');
  return list.length === 0 ? ['mesh'] : list;
}
