import type { DocPath } from '../../generator/diagnostics/types.js';
import { asRecord, canonical, get, recordItems, stringItems } from '../../generator/manifest/access.js';
import { namespaceOf } from './hosts.js';
import type { LintResource } from './rule.js';

/** A Gateway a VirtualService names, with the path of the reference. */
export interface GatewayRef {
  readonly namespace: string;
  readonly name: string;
  readonly written: string;
  readonly path: DocPath;
}

/**
 * The Gateway a reference names, as Istio resolves it: `ns/name`, `./name` (this namespace), `name` (this namespace),
 * or the legacy FQDN form `name.ns.svc.cluster.local` (also `name.ns`), which reads the namespace from the second label.
 */
export function resolveGatewayRef(written: string, namespace: string): { namespace: string; name: string } {
  const slash = written.indexOf('/');
  if (slash !== -1) {
    const ns = written.slice(0, slash);
    return { namespace: ns === '.' ? namespace : ns, name: written.slice(slash + 1) };
  }
  const labels = written.split('.');
  if (labels.length > 1) return { namespace: labels[1]!, name: labels[0]! };
  return { namespace, name: written };
}

/** Every Gateway reference of a VirtualService (top-level and per match); 'mesh' means the sidecars, not a Gateway. */
export function gatewayRefsOf(service: LintResource): GatewayRef[] {
  const namespace = namespaceOf(service);
  const out: GatewayRef[] = [];
  const add = (value: unknown, path: DocPath) => {
    for (const [index, written] of stringItems(value)) {
      if (written === 'mesh') continue;
      out.push({ ...resolveGatewayRef(written, namespace), written, path: [...path, index] });
    }
  };
  const spec = asRecord(service.object.spec);
  add(spec.gateways, ['spec', 'gateways']);
  for (const section of ['http', 'tcp', 'tls'] as const) {
    for (const [i, route] of recordItems(spec[section])) for (const [j, match] of recordItems(route.match)) add(match.gateways, ['spec', section, i, 'match', j, 'gateways']);
  }
  return out;
}

export function findGateway(gateways: readonly LintResource[], ref: { namespace: string; name: string }): LintResource | undefined {
  return gateways.find((g) => g.name === ref.name && namespaceOf(g) === ref.namespace);
}

/**
 * The Gateways a resource of `cluster` can bind to: those of its own cluster, and those that name no cluster (a
 * hand-written set linted without cluster folders). Gateway config is per cluster: another cluster's does not apply.
 */
export function gatewaysFor(byClusterGateways: ReadonlyMap<string, readonly LintResource[]>, cluster: string): readonly LintResource[] {
  const own = byClusterGateways.get(cluster) ?? [];
  if (cluster === '') return own;
  const unclustered = byClusterGateways.get('') ?? [];
  return unclustered.length === 0 ? own : [...own, ...unclustered];
}

/**
 * Server hosts of a Gateway that a VirtualService in `namespace` may bind: `*\/host` and `host` for every namespace,
 * `ns/host` only for `ns`, `./host` only for the Gateway's own namespace.
 */
export function hostsVisibleTo(gateway: LintResource, namespace: string): ServerHost[] {
  return serversOf(gateway).flatMap((server) => server.hosts.filter((h) => h.namespace === '*' || h.namespace === namespace || (h.namespace === '.' && namespaceOf(gateway) === namespace)));
}

/** One server host of a Gateway, with its optional `namespace/` part split off. */
export interface ServerHost {
  readonly namespace: string;
  readonly host: string;
  readonly path: DocPath;
}

export function serverHost(written: string, path: DocPath): ServerHost {
  const slash = written.indexOf('/');
  return slash === -1 ? { namespace: '*', host: written, path } : { namespace: written.slice(0, slash), host: written.slice(slash + 1), path };
}

export interface GatewayServer {
  readonly index: number;
  readonly port?: number;
  readonly hosts: readonly ServerHost[];
  readonly credentialName?: string;
}

export function serversOf(gateway: LintResource): GatewayServer[] {
  return recordItems(get(gateway.object, 'spec', 'servers')).map(([index, server]) => {
    const port = get(server, 'port', 'number');
    const credentialName = get(server, 'tls', 'credentialName');
    return {
      index,
      ...(typeof port === 'number' ? { port } : {}),
      hosts: stringItems(server.hosts).map(([i, host]) => serverHost(host, ['spec', 'servers', index, 'hosts', i])),
      ...(typeof credentialName === 'string' && credentialName !== '' ? { credentialName } : {}),
    };
  });
}

/** The workload a Gateway configures, as a comparable key. */
export function selectorKey(gateway: LintResource): string {
  return canonical(get(gateway.object, 'spec', 'selector') ?? {});
}

/**
 * Istio's own Gateways (networking.istio.io). The kind `Gateway` is also Gateway API's (gateway.networking.k8s.io),
 * which has listeners instead of servers and which a VirtualService cannot bind: the Istio Gateway rules skip those.
 */
export function istioGateways(gateways: readonly LintResource[]): readonly LintResource[] {
  return gateways.filter((g) => !g.apiVersion.startsWith('gateway.networking.k8s.io/'));
}
