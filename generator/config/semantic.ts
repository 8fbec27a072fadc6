import type { Diagnostic, DiagnosticId, DocPath } from '../diagnostics/types.js';
import { ISTIO_AUTO_ALLOCATION, overlaps, parseCidr } from '../core/cidr.js';
import { isSupportedIstio, SUPPORTED_ISTIO_RANGE } from '../core/istio-version.js';
import { checkGatewayApiIngress } from './semantic-gateway-api.js';
import { checkAmbient } from './semantic-ambient.js';
import { displayConfigPath } from './identity.js';
import { exportEdges, resolveServiceRef, serviceClusters, serviceKey } from './keys.js';
import { nearest } from './suggest.js';
import type { DestinationInput, MeshConfigInput, ServiceInput } from './types.js';

/** The namespace of Istio's control plane and east-west gateway. */
export const ISTIO_NAMESPACE = 'istio-system';

/** The gateway port of AUTO_PASSTHROUGH (mTLS SNI) traffic between clusters, fixed by Istio's multi-cluster setup. */
export const CROSS_NETWORK_PORT = 15443;

/** Namespaces that exist in every Istio cluster and need no entry under `namespaces`. */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set([ISTIO_NAMESPACE, 'istio-ingress', 'default']);

export { exportEdges, resolveServiceRef, serviceClusters, serviceKey } from './keys.js';

class Checker {
  private readonly found: Diagnostic[] = [];
  /** Unknown names already reported, by kind and name: later uses are folded under the first as related locations. */
  private readonly unknown = new Map<string, { index: number; also: DocPath[] }>();
  constructor(private readonly file: string) {}

  error(rule: DiagnosticId, path: DocPath, message: string, hint: string, target: 'key' | 'value' = 'value', related?: Diagnostic['related']): void {
    this.found.push({ rule, severity: 'error', message, hint, location: { file: this.file, path, target }, ...(related ? { related } : {}) });
  }

  /**
   * Checks a name against the known ones. An unknown name is one mistake however often it is used: reported once, at
   * its first use, with the other uses as related locations.
   */
  reference(kind: string, name: string, known: readonly string[], path: DocPath): boolean {
    if (known.includes(name)) return true;
    const id = `${kind}\u0000${name}`;
    const earlier = this.unknown.get(id);
    if (earlier) {
      earlier.also.push(path);
      return false;
    }
    this.unknown.set(id, { index: this.found.length, also: [] });
    const guess = nearest(name, known);
    const listed = `${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''}`;
    this.error(
      'config-unknown-reference',
      path,
      `unknown ${kind} '${name}'${guess ? `: did you mean '${guess}'?` : ''}`,
      known.length === 0 ? `Define the ${kind} first.` : guess ? `Write '${guess}', or another ${kind} defined in this file: ${listed}; or define '${name}'.` : `Write one of the ${kind}s defined in this file: ${listed}; or define '${name}'.`,
    );
    return false;
  }

  /** Reports each repeated name at its repeat, with the first definition as a related location. Returns the repeated keys. */
  unique(kind: string, items: readonly { key: string; path: DocPath }[]): Set<string> {
    const first = new Map<string, DocPath>();
    const repeated = new Set<string>();
    for (const item of items) {
      const earlier = first.get(item.key);
      if (earlier) {
        repeated.add(item.key);
        this.error('config-duplicate-name', item.path, `${kind} '${item.key}' is defined twice`, `Give each ${kind} a unique name, or merge the two entries into the first one.`, 'value', [{ location: { file: this.file, path: earlier, target: 'value' }, message: 'first defined here' }]);
      } else first.set(item.key, item.path);
    }
    return repeated;
  }

  get diagnostics(): Diagnostic[] {
    return this.found.map((d, index) => {
      const folded = [...this.unknown.values()].find((u) => u.index === index);
      if (!folded || folded.also.length === 0) return d;
      const more = folded.also.length;
      return {
        ...d,
        message: `${d.message} (used ${more} more time${more === 1 ? '' : 's'})`,
        related: [...(d.related ?? []), ...folded.also.map((path) => ({ location: { file: this.file, path, target: 'value' as const }, message: 'also used here' }))],
      };
    });
  }
}

/** Checks what the schema cannot: references, uniqueness, weights, ranges, and cross-cluster reachability. */
export function checkSemantics(config: MeshConfigInput, file: string): Diagnostic[] {
  const c = new Checker(file);
  const clusters = config.clusters.map((x) => x.name);
  const namespaces = [...new Set([...config.namespaces.map((n) => n.name), ...SYSTEM_NAMESPACES])];
  const services = new Map(config.services.map((s) => [serviceKey(s.namespace, s.name), s]));
  const serviceKeys = [...services.keys()];

  c.unique('cluster', config.clusters.map((x, i) => ({ key: x.name, path: ['clusters', i, 'name'] })));
  c.unique('namespace', config.namespaces.map((x, i) => ({ key: x.name, path: ['namespaces', i, 'name'] })));
  const duplicateServices = c.unique('service', config.services.map((x, i) => ({ key: serviceKey(x.namespace, x.name), path: ['services', i, 'name'] })));
  // Root causes first: a service defined twice, or placed in a cluster that does not exist, has no reliable home.
  // What follows only from that (an import "from the wrong cluster", a route "where it does not run", with hints that
  // suggest the unknown cluster) is not reported: fixing the root cause is the one thing to do.
  const unresolved = new Set([...duplicateServices, ...config.services.filter((s) => serviceClusters(s).some((name) => !clusters.includes(name))).map((s) => serviceKey(s.namespace, s.name))]);
  const knownNamespace = (namespace: string) => namespaces.includes(namespace);
  // A service in an unknown namespace (a misspelt one, `barr`) is what references to it in the namespace it was meant
  // for (`bar/httpbin`) miss: the namespace is the mistake, reported at the service. Only those references are silent;
  // the same name in any other namespace is still checked.
  const lostServices = new Set(
    config.services.filter((s) => !knownNamespace(s.namespace)).flatMap((s) => {
      const meant = nearest(s.namespace, namespaces);
      return meant === undefined ? [] : [serviceKey(meant, s.name)];
    }),
  );
  const serviceReference = (key: string, path: DocPath): boolean => services.has(key) || (!lostServices.has(key) && c.reference('service', key, serviceKeys, path));
  c.unique('route', config.routes.map((x, i) => ({ key: serviceKey(x.namespace, x.name), path: ['routes', i, 'name'] })));
  c.unique('external service', config.externalServices.map((x, i) => ({ key: serviceKey(x.namespace, x.name), path: ['externalServices', i, 'name'] })));
  c.unique('ingress', config.ingress.map((x, i) => ({ key: x.name, path: ['ingress', i, 'name'] })));

  checkVipRanges(c, config);
  checkIstioVersions(c, config);

  const clusterList = (list: readonly string[] | undefined, path: DocPath) => list?.forEach((name, i) => c.reference('cluster', name, clusters, [...path, i]));

  // Outbound policy: ALLOW_ANY only with a recorded exception.
  const allowAnyException = (cluster: string) =>
    config.policies.exceptions.some((e) => e.rule === 'registry-only' && (e.cluster === undefined || e.cluster === '*' || e.cluster === cluster));
  config.clusters.forEach((cluster, i) => {
    const policy = cluster.outboundTrafficPolicy ?? config.mesh.defaults.outboundTrafficPolicy;
    if (policy === 'ALLOW_ANY' && !allowAnyException(cluster.name)) {
      const path: DocPath = cluster.outboundTrafficPolicy ? ['clusters', i, 'outboundTrafficPolicy'] : ['mesh', 'defaults', 'outboundTrafficPolicy'];
      c.error('config-missing-exception', path, `cluster '${cluster.name}' allows any outbound traffic (ALLOW_ANY) without a recorded exception`, `Use REGISTRY_ONLY, or add under policies.exceptions: {rule: registry-only, cluster: ${cluster.name}, reason: "why"}.`);
    }
    const ports = cluster.ingressGateway.ports;
    c.unique(`port name on ${cluster.name}'s ingress gateway`, ports.map((p, pi) => ({ key: p.name, path: ['clusters', i, 'ingressGateway', 'ports', pi, 'name'] })));
  });

  config.namespaces.forEach((ns, i) => clusterList(ns.clusters, ['namespaces', i, 'clusters']));

  config.services.forEach((service, i) => {
    const base: DocPath = ['services', i];
    if (!namespaces.includes(service.namespace)) c.reference('namespace', service.namespace, namespaces, [...base, 'namespace']);
    if (service.cluster) c.reference('cluster', service.cluster, clusters, [...base, 'cluster']);
    clusterList(service.clusters, [...base, 'clusters']);
    c.unique(`port of ${service.name}`, service.ports.map((p, pi) => ({ key: String(p.number), path: [...base, 'ports', pi, 'number'] })));
    c.unique(`version of ${service.name}`, service.versions.map((v, vi) => ({ key: v.name, path: [...base, 'versions', vi, 'name'] })));
    const home = serviceClusters(service);
    const resolved = !unresolved.has(serviceKey(service.namespace, service.name));
    service.versions.forEach((version, vi) =>
      version.clusters?.forEach((name, ci) => {
        if (!resolved) c.reference('cluster', name, clusters, [...base, 'versions', vi, 'clusters', ci]);
        else if (!home.includes(name)) {
          c.error('config-unknown-reference', [...base, 'versions', vi, 'clusters', ci], `version ${version.name} of ${service.name} names cluster '${name}', where ${service.name} does not run`, `Use one of the service's clusters: ${home.join(', ')}.`);
        }
      }),
    );
    service.exportTo.forEach((target, ti) => {
      if (target === '*') return;
      if (c.reference('cluster', target, clusters, [...base, 'exportTo', ti]) && home.includes(target) && home.length === 1) {
        c.error('config-invalid-export', [...base, 'exportTo', ti], `${service.name} already runs in '${target}': exporting it there has no effect`, `Remove '${target}' from exportTo.`);
      }
    });
  });

  config.clusters.forEach((cluster, ci) => {
    cluster.imports.forEach((imp, ii) => {
      const path: DocPath = ['clusters', ci, 'imports', ii];
      if (!c.reference('cluster', imp.from, clusters, [...path, 'from'])) return;
      const service = services.get(imp.service);
      if (!service) {
        serviceReference(imp.service, [...path, 'service']);
      } else if (unresolved.has(imp.service)) {
        // Reported at the service.
      } else if (!serviceClusters(service).includes(imp.from)) {
        c.error('config-unknown-reference', [...path, 'from'], `${imp.service} does not run in '${imp.from}'`, `Import it from one of: ${serviceClusters(service).join(', ')}.`);
      } else if (imp.from === cluster.name) {
        c.error('config-invalid-export', [...path, 'from'], `cluster '${cluster.name}' cannot import from itself`, 'Remove this import.');
      }
    });
  });

  // An exporting cluster must be reachable: an address and a 15443 port on its ingress gateway.
  const edges = exportEdges(config).filter((e) => clusters.includes(e.from) && clusters.includes(e.to) && services.has(e.service));
  const exporting = new Map<string, DocPath>();
  for (const edge of edges) if (!exporting.has(edge.from)) exporting.set(edge.from, edge.path);
  for (const [name, edgePath] of exporting) {
    const ci = config.clusters.findIndex((x) => x.name === name);
    const gateway = config.clusters[ci]!.ingressGateway;
    if (!gateway.address) {
      c.error('config-missing-key', ['clusters', ci, 'ingressGateway'], `cluster '${name}' exports services (see ${displayConfigPath(config, edgePath)}) but its ingressGateway has no address`, `Set ${displayConfigPath(config, ['clusters', ci, 'ingressGateway', 'address'])} to the IP or DNS name other clusters reach the gateway on.`);
    }
    if (!gateway.ports.some((p) => p.port === CROSS_NETWORK_PORT)) {
      c.error('config-missing-key', ['clusters', ci, 'ingressGateway', 'ports'], `cluster '${name}' exports services but its ingress gateway has no port 15443`, 'Add {name: tls, port: 15443} (with a nodePort if clients reach it through nodes).');
    }
  }
  const reachable = (service: string, from: string, to: string) => edges.some((e) => e.service === service && e.from === from && e.to === to);

  config.routes.forEach((route, ri) => {
    const base: DocPath = ['routes', ri];
    if (!namespaces.includes(route.namespace)) c.reference('namespace', route.namespace, namespaces, [...base, 'namespace']);
    clusterList(route.clusters, [...base, 'clusters']);
    let routeClusters = route.clusters ?? [];
    if (!route.host.includes('.')) {
      const key = resolveServiceRef(route.host, route.namespace);
      const service = services.get(key);
      // In an unknown namespace, a short host names no service: the namespace is the mistake, reported above.
      if (!service) {
        if (knownNamespace(route.namespace) || route.host.includes('/')) serviceReference(key, [...base, 'host']);
      } else if (!route.clusters) routeClusters = serviceClusters(service).filter((name) => clusters.includes(name));
    } else if (!route.clusters) {
      c.error('config-missing-key', base, `route '${route.name}' routes the host ${route.host}, which is not a service of this file, so it needs 'clusters'`, 'List the clusters that get this route under clusters.');
    }
    const scope: DestinationScope = { namespace: route.namespace, namespaceKnown: knownNamespace(route.namespace), routeClusters, services, unresolved, reachable, serviceReference };
    route.http?.forEach((http, hi) => checkDestinations(c, http.to, [...base, 'http', hi, 'to'], scope));
    route.tcp?.forEach((tcp, ti) => checkDestinations(c, tcp.to, [...base, 'tcp', ti, 'to'], scope));
  });

  config.externalServices.forEach((ext, ei) => {
    const base: DocPath = ['externalServices', ei];
    if (!namespaces.includes(ext.namespace)) c.reference('namespace', ext.namespace, namespaces, [...base, 'namespace']);
    clusterList(ext.clusters, [...base, 'clusters']);
    if (ext.resolution === 'STATIC' && ext.endpoints.length === 0) {
      c.error('config-missing-key', base, `external service '${ext.name}' has resolution STATIC but no endpoints`, 'Add endpoints with the IP addresses to send traffic to, or use resolution DNS.');
    }
    if (ext.resolution === 'STATIC') {
      ext.endpoints.forEach((ep, pi) => {
        if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ep.address)) c.error('config-invalid-value', [...base, 'endpoints', pi, 'address'], `endpoint '${ep.address}' is not an IP address, which resolution STATIC needs`, 'Use an IP address, or set resolution: DNS.');
      });
    }
    if (ext.tls?.port !== undefined && !ext.ports.some((p) => p.number === ext.tls!.port)) {
      c.error('config-unknown-reference', [...base, 'tls', 'port'], `TLS origination port ${ext.tls.port} is not one of the service's ports`, `Use one of: ${ext.ports.map((p) => p.number).join(', ')}.`);
    }
    if (ext.tls?.mode === 'MUTUAL' && !ext.tls.credentialName) {
      c.error('config-missing-key', [...base, 'tls'], `TLS origination with mode MUTUAL needs a client certificate`, 'Set tls.credentialName to the Secret holding the client certificate.');
    }
  });

  config.ingress.forEach((ing, ii) => {
    const base: DocPath = ['ingress', ii];
    clusterList(ing.clusters, [...base, 'clusters']);
    if (ing.namespace && !namespaces.includes(ing.namespace)) c.reference('namespace', ing.namespace, namespaces, [...base, 'namespace']);
    const protocol = ing.protocol ?? (ing.tls ? 'HTTPS' : 'HTTP');
    if ((protocol === 'TCP' || protocol === 'TLS') && ing.port === undefined) c.error('config-missing-key', base, `ingress '${ing.name}' uses ${protocol} and needs a port`, 'Set port to the gateway port clients connect to, e.g. 31400.');
    if (protocol !== 'TCP' && !ing.host) c.error('config-missing-key', base, `ingress '${ing.name}' needs a host`, 'Set host to the name clients use, e.g. httpbin.example.com.');
    if (ing.tls && protocol !== 'HTTPS' && protocol !== 'TLS') c.error('config-invalid-value', [...base, 'tls'], `ingress '${ing.name}' has tls but protocol ${protocol}`, 'Remove protocol (it defaults to HTTPS with tls) or use HTTPS/TLS.');
    if (ing.tls?.mode === 'PASSTHROUGH' && protocol !== 'TLS') c.error('config-invalid-value', [...base, 'tls', 'mode'], `tls mode PASSTHROUGH needs protocol TLS`, 'Set protocol: TLS.');
    if (ing.to.service) {
      const key = resolveServiceRef(ing.to.service, ing.namespace ?? '');
      const service = ing.to.service.includes('/') || ing.namespace ? services.get(key) : undefined;
      if (!ing.to.service.includes('/') && !ing.namespace) {
        c.error('config-invalid-value', [...base, 'to', 'service'], `ingress '${ing.name}' names service '${ing.to.service}' without a namespace`, `Write it as namespace/${ing.to.service}, or set the ingress namespace.`);
      } else if (!service && (ing.to.service.includes('/') || knownNamespace(ing.namespace ?? ''))) {
        serviceReference(key, [...base, 'to', 'service']);
      }
    } else if (!ing.clusters) {
      c.error('config-missing-key', base, `ingress '${ing.name}' sends to a host, not a service, so it needs 'clusters'`, 'List the clusters whose gateway serves it.');
    }
    if (ing.to.weight !== undefined && ing.to.weight !== 100) c.error('config-weights', [...base, 'to', 'weight'], `a single destination must get weight 100 (or none), not ${ing.to.weight}`, 'Remove the weight.');
  });

  // Two ingress entries on one cluster's port with the same host collide on the gateway.
  const bindings = new Map<string, DocPath>();
  config.ingress.forEach((ing, ii) => {
    const protocol = ing.protocol ?? (ing.tls ? 'HTTPS' : 'HTTP');
    const port = ing.port ?? (protocol === 'HTTP' ? 80 : 443);
    for (const cluster of ing.clusters ?? ['*']) {
      const key = `${cluster}|${port}|${ing.host ?? '*'}`;
      const earlier = bindings.get(key);
      if (earlier) c.error('config-duplicate-name', ['ingress', ii, 'host'], `host ${ing.host ?? '*'} on port ${port} is already served by ${displayConfigPath(config, earlier)}`, 'Use one ingress entry per host and port, with several paths if needed.');
      else bindings.set(key, ['ingress', ii]);
    }
  });

  config.policies.exceptions.forEach((e, i) => {
    if (e.cluster !== undefined && e.cluster !== '*') c.reference('cluster', e.cluster, clusters, ['policies', 'exceptions', i, 'cluster']);
  });

  // URLs are copied into the generated tree (Argo CD / Flux objects), which goes to git: no credentials in them.
  const urls: { url: string | undefined; path: DocPath }[] = [
    { url: config.gitops?.repoURL, path: ['gitops', 'repoURL'] },
    { url: config.gitops?.github?.baseUrl, path: ['gitops', 'github', 'baseUrl'] },
    ...config.clusters.map((cluster, i) => ({ url: cluster.destination?.server, path: ['clusters', i, 'destination', 'server'] as DocPath })),
  ];
  for (const { url, path } of urls) {
    const found = url === undefined ? undefined : urlCredentials(url);
    if (found === 'userinfo') {
      c.error('config-credentials', path, 'this URL carries credentials (a user:token@ part), which would be written into the generated tree and committed', 'Remove the user:token@ part: the CI token is given to meshforge by GITHUB_TOKEN, and Argo CD / Flux read repository and cluster credentials from their own Secrets.');
    } else if (found !== undefined) {
      c.error('config-credentials', path, `this URL carries a credential (${found}), which would be written into the generated tree and committed`, 'Remove the token from the URL: Argo CD reads cluster credentials from its cluster Secret, Flux from a secretRef, and meshforge takes the GitHub token from GITHUB_TOKEN.');
    }
  }

  // Gateway API ingress and ambient mode (issue 16) live in their own files. They get the services whose placement is
  // itself the mistake, so that they report nothing that only follows from it.
  return [...c.diagnostics, ...checkGatewayApiIngress(config, file, unresolved), ...checkAmbient(config, file, unresolved)];
}

/** Query or fragment parameter names that carry a secret (token=, access_token=, X-Amz-Signature=, sig=, password=, ...). */
const SECRET_PARAMETER = /(^|[-_.])(token|access[-_]?token|id[-_]?token|auth|authorization|bearer|jwt|secret|client[-_]?secret|password|passwd|pwd|pass|api[-_]?key|apikey|key|sig|signature|credential|credentials|session)$/i;

/** Values that are tokens whatever their parameter is called: a JWT, GitHub, GitLab and Slack tokens, AWS keys. */
const TOKEN_SHAPE = /\b(eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16})/;

/**
 * Why a URL must not go into the generated tree: 'userinfo' for a user:password@ part (any user@ for http/https,
 * where it can only be a token), a description of the query/fragment parameter or token found, or undefined.
 */
export function urlCredentials(url: string): string | undefined {
  const userinfo = /^([a-z][a-z0-9+.-]*):\/\/([^/?#@\s]*)@/i.exec(url);
  if (userinfo && (userinfo[2]!.includes(':') || /^https?$/i.test(userinfo[1]!))) return 'userinfo';
  const queryStart = url.search(/[?#]/);
  if (queryStart !== -1) {
    for (const part of url.slice(queryStart + 1).split(/[?#&;]/)) {
      const [rawName = '', ...rest] = part.split('=');
      const name = safeDecode(rawName);
      if (rest.length > 0 && rest.join('=') !== '' && SECRET_PARAMETER.test(name)) return `the query parameter '${name}'`;
    }
  }
  const token = TOKEN_SHAPE.exec(safeDecode(url));
  return token ? `a token starting '${token[0].slice(0, 4)}…'` : undefined;
}

/** A user:password@ part, a secret query parameter or a token shape: see urlCredentials. */
export function hasCredentials(url: string): boolean {
  return urlCredentials(url) !== undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The generated values, charts keys and env follow the Istio release: only releases they were checked against pass. */
function checkIstioVersions(c: Checker, config: MeshConfigInput): void {
  const check = (version: string | undefined, path: DocPath, what: string) => {
    if (version === undefined || isSupportedIstio(version)) return;
    c.error(
      'config-unsupported-version',
      path,
      `${what} Istio ${version} is outside the range meshforge supports (${SUPPORTED_ISTIO_RANGE})`,
      `Use an Istio release from ${SUPPORTED_ISTIO_RANGE}: meshforge's Helm values, IstioOperator and proxy settings are written for those releases only.`,
    );
  };
  check(config.mesh.istio.version, ['mesh', 'istio', 'version'], 'mesh.istio.version:');
  config.clusters.forEach((cluster, i) => check(cluster.install.version, ['clusters', i, 'install', 'version'], `cluster '${cluster.name}' installs`));
}

function checkVipRanges(c: Checker, config: MeshConfigInput): void {
  const ranges = config.mesh.vipRanges.map((cidr) => parseCidr(cidr));
  ranges.forEach((range, i) => {
    const path: DocPath = ['mesh', 'vipRanges', i];
    const normalized = `${[range.first >>> 24, (range.first >>> 16) & 255, (range.first >>> 8) & 255, range.first & 255].join('.')}/${range.cidr.split('/')[1]}`;
    if (normalized !== range.cidr) c.error('config-invalid-value', path, `${range.cidr} has host bits set`, `Write the network address: ${normalized}.`);
    if (overlaps(range, ISTIO_AUTO_ALLOCATION)) c.error('config-vip-overlap', path, `VIP range ${range.cidr} overlaps Istio's DNS auto-allocation range 240.240.0.0/16`, 'Pick a range outside 240.240.0.0/16, e.g. 240.0.0.0/16.');
    ranges.slice(0, i).forEach((earlier, j) => {
      if (overlaps(range, earlier)) c.error('config-vip-overlap', path, `VIP range ${range.cidr} overlaps ${earlier.cidr} (${displayConfigPath(config, ['mesh', 'vipRanges', j])})`, 'Make the ranges disjoint.');
    });
  });
}

/** What a route's destinations are checked against. */
interface DestinationScope {
  readonly namespace: string;
  /** False when the route's namespace is itself unknown (reported once, at the route). */
  readonly namespaceKnown: boolean;
  readonly routeClusters: readonly string[];
  readonly services: ReadonlyMap<string, ServiceInput>;
  /** Services defined twice or in an unknown cluster: their placement is the mistake, reported at the service. */
  readonly unresolved: ReadonlySet<string>;
  readonly reachable: (service: string, from: string, to: string) => boolean;
  /** Reports an unknown service unless it only follows from another mistake. */
  readonly serviceReference: (key: string, path: DocPath) => boolean;
}

function checkDestinations(c: Checker, destinations: readonly DestinationInput[], path: DocPath, scope: DestinationScope): void {
  const { namespace, routeClusters, services, reachable } = scope;
  const weights = destinations.map((d) => d.weight);
  if (destinations.length > 1 || weights.some((w) => w !== undefined)) {
    if (weights.some((w) => w === undefined) && destinations.length > 1) {
      c.error('config-weights', path, `${destinations.length} destinations, but not all have a weight`, 'Give every destination a weight; the weights sum to 100.');
    } else {
      const total = weights.reduce<number>((sum, w) => sum + (w ?? 0), 0);
      if (total !== 100) c.error('config-weights', path, `destination weights sum to ${total}, not 100`, 'Adjust the weights so that they add up to 100.');
    }
  }
  destinations.forEach((dest, di) => {
    const at: DocPath = [...path, di];
    if (!dest.service) {
      if (dest.version) c.error('config-invalid-value', [...at, 'version'], 'version needs a service, not a host', 'Route to a service to pick a version.');
      return;
    }
    const key = resolveServiceRef(dest.service, namespace);
    const service = services.get(key);
    if (!service) {
      if (scope.namespaceKnown || dest.service.includes('/')) scope.serviceReference(key, [...at, 'service']);
      return;
    }
    if (scope.unresolved.has(key)) return;
    const home = serviceClusters(service);
    if (dest.version && !service.versions.some((v) => v.name === dest.version)) {
      c.reference(`version of ${key}`, dest.version, service.versions.map((v) => v.name), [...at, 'version']);
    }
    if (dest.port !== undefined && !service.ports.some((p) => p.number === dest.port)) {
      c.error('config-unknown-reference', [...at, 'port'], `${key} has no port ${dest.port}`, `Use one of: ${service.ports.map((p) => p.number).join(', ')}.`);
    }
    if (dest.port === undefined && service.ports.length > 1) {
      c.error('config-missing-key', at, `${key} has ${service.ports.length} ports, so the destination needs a port`, `Add port: one of ${service.ports.map((p) => p.number).join(', ')}.`);
    }
    if (dest.cluster !== undefined) {
      if (!home.includes(dest.cluster)) {
        c.error('config-unknown-reference', [...at, 'cluster'], `${key} does not run in cluster '${dest.cluster}'`, `Use one of: ${home.join(', ')}.`);
        return;
      }
      for (const routeCluster of routeClusters) {
        if (routeCluster !== dest.cluster && !reachable(key, dest.cluster, routeCluster)) {
          c.error('config-unreachable', [...at, 'cluster'], `${key} in '${dest.cluster}' is not exported to '${routeCluster}', where this route applies`, `Add '${routeCluster}' to the exportTo of ${key}, or import it in cluster '${routeCluster}'.`);
        }
      }
    } else {
      for (const routeCluster of routeClusters) {
        if (!home.includes(routeCluster)) c.error('config-unreachable', at, `${key} does not run in '${routeCluster}', where this route applies`, `Set cluster: to one of ${home.join(', ')} (and export the service there).`);
      }
    }
  });
}
