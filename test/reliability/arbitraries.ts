import fc from 'fast-check';

/**
 * fast-check arbitraries for mesh.config.yaml: configs that satisfy the schema AND the semantic rules (references
 * resolve, exports point at other clusters, weights sum to 100, hosts are unique per gateway port), and mutations
 * of them. Plain JS objects: tests serialize them to YAML, the way a user writes them.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type ConfigObject = { [key: string]: Json };

const PROTOCOLS = ['HTTP', 'HTTP2', 'GRPC', 'TCP', 'TLS'] as const;
const CLUSTER_NAMES = ['east', 'west', 'north', 'south'] as const;
const NAMESPACES = ['shop', 'pay', 'tenants', 'dev'] as const;
const SERVICE_NAMES = ['web', 'api', 'cart', 'db', 'auth', 'search'] as const;

interface ServiceSketch {
  readonly name: string;
  readonly namespace: string;
  readonly clusters: string[];
  readonly ports: { number: number; protocol: string }[];
  readonly versions: string[];
  readonly exportTo: string[];
}

const serviceSketch = (clusters: readonly string[]) =>
  fc.record({
    name: fc.constantFrom(...SERVICE_NAMES),
    namespace: fc.constantFrom(...NAMESPACES, 'default'),
    homes: fc.subarray([...clusters], { minLength: 1, maxLength: Math.min(2, clusters.length) }),
    ports: fc.uniqueArray(fc.record({ number: fc.integer({ min: 1, max: 65535 }), protocol: fc.constantFrom(...PROTOCOLS) }), { minLength: 1, maxLength: 2, selector: (p) => p.number }),
    versions: fc.subarray(['v1', 'v2', 'v3']),
    exportAll: fc.boolean(),
    exportSome: fc.subarray([...clusters]),
  });

/** A valid config. */
export const validConfig: fc.Arbitrary<ConfigObject> = fc
  .integer({ min: 1, max: CLUSTER_NAMES.length })
  .chain((clusterCount) => {
    const clusters = CLUSTER_NAMES.slice(0, clusterCount);
    return fc.record({
      clusters: fc.constant(clusters),
      clusterShapes: fc.array(fc.record({ method: fc.constantFrom('helm', 'istioctl'), eastWest: fc.boolean(), serviceType: fc.constantFrom('LoadBalancer', 'NodePort'), region: fc.option(fc.constantFrom('eu-1', 'us-2'), { nil: undefined }) }), { minLength: clusterCount, maxLength: clusterCount }),
      namespaces: fc.uniqueArray(fc.record({ name: fc.constantFrom(...NAMESPACES), injection: fc.option(fc.boolean(), { nil: undefined }), label: fc.option(fc.constantFrom('yes', 'on', '0755', 'null', '1e3', 'true', '', 'team-a', 'a.b_c'), { nil: undefined }) }), { selector: (n) => n.name, maxLength: NAMESPACES.length }),
      services: fc.uniqueArray(serviceSketch(clusters), { selector: (s) => `${s.namespace}/${s.name}`, maxLength: 6 }),
      externals: fc.uniqueArray(
        fc.record({ name: fc.constantFrom('mysql', 'partner', 'payments'), host: fc.constantFrom('db.example.com', 'api.partner.io', 'pay.example.org'), static: fc.boolean(), auto: fc.boolean(), port: fc.integer({ min: 1, max: 65535 }), protocol: fc.constantFrom('HTTP', 'TCP', 'TLS', 'HTTPS') }),
        { selector: (e) => e.name, maxLength: 3 },
      ),
      routeSeeds: fc.array(fc.record({ weight: fc.integer({ min: 0, max: 100 }), header: fc.constantFrom('x-tenant', 'x-user'), value: fc.string({ maxLength: 12 }), prefix: fc.constantFrom('/', '/api', '/v1/x') }), { maxLength: 4 }),
      ingressSeeds: fc.array(fc.record({ tls: fc.constantFrom('none', 'SIMPLE', 'MUTUAL'), path: fc.constantFrom('/', '/shop', '/a/b') }), { maxLength: 3 }),
      mtls: fc.constantFrom('STRICT', 'PERMISSIVE'),
      serverHeader: fc.option(fc.constantFrom('edge', 'yes', 'null', 'a: b', '{{> p}}'), { nil: undefined }),
    });
  })
  .map((sketch) => {
    const { clusters } = sketch;
    const declared = new Set(sketch.namespaces.map((n) => n.name));
    const services: ServiceSketch[] = sketch.services.map((s) => {
      const outside = clusters.filter((c) => !s.homes.includes(c));
      const exportTo = s.exportAll && outside.length > 0 ? ['*'] : s.exportSome.filter((c) => outside.includes(c));
      return { name: s.name, namespace: s.namespace, clusters: s.homes, ports: s.ports, versions: s.versions, exportTo };
    });
    // Every namespace a service uses must be declared (or be a system namespace).
    const namespaces = [...sketch.namespaces];
    for (const s of services) if (s.namespace !== 'default' && !declared.has(s.namespace)) {
      declared.add(s.namespace);
      namespaces.push({ name: s.namespace as (typeof NAMESPACES)[number], injection: undefined, label: undefined });
    }

    const config: ConfigObject = {
      apiVersion: 'meshforge.io/v1alpha1',
      mesh: { id: 'mesh1', defaults: { mtls: sketch.mtls } },
      clusters: clusters.map((name, i) => {
        const shape = sketch.clusterShapes[i]!;
        const gateway: { [key: string]: Json } = { address: `192.0.2.${i + 1}`, serviceType: shape.serviceType };
        if (sketch.serverHeader !== undefined && i === 0) gateway.serverHeader = { value: sketch.serverHeader };
        return {
          name,
          network: `net-${name}`,
          ...(shape.region ? { region: shape.region } : {}),
          install: { method: shape.method },
          ingressGateway: gateway,
          ...(shape.eastWest ? { eastWestGateway: { address: `198.51.100.${i + 1}` } } : {}),
        };
      }),
      namespaces: namespaces.map((n) => ({ name: n.name, ...(n.injection !== undefined ? { injection: n.injection } : {}), ...(n.label !== undefined ? { labels: { team: n.label } } : {}) })),
      services: services.map((s) => ({
        name: s.name,
        namespace: s.namespace,
        ...(s.clusters.length === 1 ? { cluster: s.clusters[0]! } : { clusters: s.clusters }),
        ports: s.ports.map((p) => ({ number: p.number, protocol: p.protocol })),
        ...(s.versions.length > 0 ? { versions: s.versions.map((v) => ({ name: v })) } : {}),
        ...(s.exportTo.length > 0 ? { exportTo: s.exportTo } : {}),
      })),
    };

    // Routes: one per seed, on a service with a single port, splitting between its versions (or all to it).
    const routable = services.filter((s) => s.ports.length === 1);
    const routes: Json[] = [];
    sketch.routeSeeds.forEach((seed, i) => {
      const service = routable[i % Math.max(1, routable.length)];
      if (!service || routes.some((r) => (r as { host: string }).host === service.name && (r as { namespace: string }).namespace === service.namespace)) return;
      const tcp = service.ports[0]!.protocol === 'TCP';
      const to: Json[] =
        service.versions.length >= 2
          ? [{ service: service.name, version: service.versions[0]!, weight: seed.weight }, { service: service.name, version: service.versions[1]!, weight: 100 - seed.weight }]
          : [{ service: service.name }];
      routes.push({
        name: `route-${i}`,
        namespace: service.namespace,
        host: service.name,
        ...(tcp ? { tcp: [{ to }] } : { http: [{ name: 'by-header', match: [{ headers: { [seed.header]: { exact: seed.value } }, uri: { prefix: seed.prefix } }], to }, { to: [{ service: service.name }] }] }),
      });
    });
    if (routes.length > 0) config.routes = routes;

    if (sketch.externals.length > 0) {
      const hosts = new Set<string>();
      config.externalServices = sketch.externals
        .filter((e) => !hosts.has(e.host) && hosts.add(e.host))
        .map((e) => ({
          name: e.name,
          hosts: [e.host],
          ports: [{ number: e.port, name: e.protocol.toLowerCase(), protocol: e.protocol }],
          resolution: e.static ? 'STATIC' : 'DNS',
          ...(e.static ? { endpoints: [{ address: '203.0.113.7' }] } : {}),
          ...(e.auto ? { addresses: 'auto' } : {}),
        }));
    }

    const ingress: Json[] = [];
    sketch.ingressSeeds.forEach((seed, i) => {
      const service = services[i % Math.max(1, services.length)];
      if (!service) return;
      ingress.push({
        name: `ing-${i}`,
        host: `app${i}.example.com`,
        ...(seed.tls !== 'none' ? { tls: { mode: seed.tls, credentialName: `cred-${i}` } } : {}),
        paths: [seed.path],
        to: { service: `${service.namespace}/${service.name}`, port: service.ports[0]!.number },
      });
    });
    if (ingress.length > 0) config.ingress = ingress;
    return config;
  });

/** Values that stress parsers, templates and type checks. */
export const adversarialValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>('', ' ', '..', '/', '/etc/passwd', '{{constructor}}', '{{> partial}}', 'a: b', '- x', '# c', '\n', 'yes', 'null', '~', '0755', '1e400', 'сluster', '\u200b', '*a', '&a', '!!js/function', '${HOME}', '`id`', '%YAML'),
  fc.constantFrom<Json>(0, -1, 65536, 2 ** 53 + 1, 1e308, -0, 0.5, true, false, null, [], {}),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
);

export type Mutation =
  | { readonly kind: 'drop'; readonly pick: number }
  | { readonly kind: 'retype'; readonly pick: number; readonly value: Json }
  | { readonly kind: 'replace'; readonly pick: number; readonly value: Json }
  | { readonly kind: 'duplicate'; readonly pick: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('retype' as const), pick: fc.nat(), value: fc.constantFrom<Json>(7, true, null, 'text', [], {}, [1, 2], { a: 1 }) }),
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: adversarialValue }),
  fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat() }),
);

type Slot = { readonly parent: Json[] | { [key: string]: Json }; readonly key: number | string };

function slots(value: Json, out: Slot[] = []): Slot[] {
  if (Array.isArray(value)) value.forEach((item, i) => (out.push({ parent: value, key: i }), slots(item, out)));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) (out.push({ parent: value, key }), slots(item, out));
  return out;
}

/** Applies a mutation to a deep copy of the config and returns it. */
export function mutate(config: ConfigObject, m: Mutation): ConfigObject {
  const copy = structuredClone(config);
  const all = slots(copy);
  if (m.kind === 'duplicate') {
    const lists = all.filter((s) => Array.isArray((s.parent as Record<string, Json>)[s.key as string]));
    const slot = lists[m.pick % Math.max(1, lists.length)];
    if (slot) {
      const list = (slot.parent as Record<string, Json[]>)[slot.key as string]!;
      if (list.length > 0) list.push(structuredClone(list[m.pick % list.length]!));
    }
    return copy;
  }
  const slot = all[m.pick % all.length]!;
  if (m.kind === 'drop') {
    if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
    else delete slot.parent[slot.key as string];
  } else {
    (slot.parent as Record<string, Json>)[slot.key as string] = m.value;
  }
  return copy;
}
