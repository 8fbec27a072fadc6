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

/** `ns/name` or `name` (in the VirtualService's namespace); 'mesh' means the sidecars, not a Gateway. */
export function gatewayRefsOf(service: LintResource): GatewayRef[] {
  const namespace = namespaceOf(service);
  const out: GatewayRef[] = [];
  const add = (value: unknown, path: DocPath) => {
    for (const [index, written] of stringItems(value)) {
      if (written === 'mesh') continue;
      const slash = written.indexOf('/');
      out.push({ namespace: slash === -1 ? namespace : written.slice(0, slash), name: slash === -1 ? written : written.slice(slash + 1), written, path: [...path, index] });
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
