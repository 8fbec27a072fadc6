import { GATEWAY_API_GROUP, GATEWAY_API_VERSIONS, ISTIO_GATEWAY_CLASS, TLS_TERMINATE_MODE_OPTION } from '../core/gateway-api.js';
import type { DocPath } from '../diagnostics/types.js';
import type { ClusterModel, DestinationModel, IngressModel } from '../model/types.js';
import type { MeshIndex } from './hosts.js';
import type { TemplateName } from './templates.js';

/**
 * `api: gateway-api` ingress entries (S3, S8, S9 through Gateway API), as Istio 1.29 reads them; facts and evidence in
 * docs/gateway-api.md. One Gateway of class istio per entry, in the entry's namespace (Istio deploys a Deployment and
 * a Service named <name>-istio for it there), one route bound to its listener, and a ReferenceGrant wherever a
 * reference leaves that namespace (the certificate Secret in the ingress gateway's namespace, a backend Service in
 * another namespace). Pure.
 */

/** Read from the Gateway's own annotations by Istio's deployment controller: the type of the Service it creates. */
export const SERVICE_TYPE_ANNOTATION = 'networking.istio.io/service-type';
/** A backendRef kind Istio resolves to a ServiceEntry host (never with a namespace, never needs a ReferenceGrant). */
export const ISTIO_HOSTNAME_BACKEND = { group: 'networking.istio.io', kind: 'Hostname' } as const;

type Obj = Record<string, unknown>;
type RouteKind = 'HTTPRoute' | 'TLSRoute' | 'TCPRoute';

/** How the planner turns an object into its document: kept outside so that this module never imports resources.ts. */
export interface DocumentFactory<D> {
  metadata(name: string, namespace: string, annotations?: Readonly<Record<string, string>>): Obj;
  document(template: TemplateName, kind: string, object: Obj, origin: DocPath): D;
}

/** The listener's name, which the route's parentRef names as sectionName. */
export function listenerName(ing: IngressModel): string {
  return `${ing.protocol.toLowerCase()}-${ing.port}`;
}

function routeKind(ing: IngressModel): RouteKind {
  if (ing.protocol === 'TCP') return 'TCPRoute';
  if (ing.tls?.mode === 'PASSTHROUGH') return 'TLSRoute';
  return 'HTTPRoute';
}

function listener(ing: IngressModel, credentialNamespace: string): Obj {
  const hostname = ing.host !== '*' && ing.protocol !== 'TCP' ? { hostname: ing.host } : {};
  const protocol = ing.tls?.mode === 'PASSTHROUGH' ? 'TLS' : ing.protocol;
  let tls: Obj | undefined;
  if (ing.tls?.mode === 'PASSTHROUGH') tls = { mode: 'Passthrough' };
  else if (ing.tls) {
    const ref = { name: ing.tls.credentialName, ...(credentialNamespace !== ing.namespace ? { namespace: credentialNamespace } : {}) };
    tls = { mode: 'Terminate', certificateRefs: [ref], ...(ing.tls.mode === 'MUTUAL' ? { options: { [TLS_TERMINATE_MODE_OPTION]: 'MUTUAL' } } : {}) };
  }
  return { name: listenerName(ing), ...hostname, port: ing.port, protocol, ...(tls ? { tls } : {}) };
}

/**
 * One backendRef: a Service of this cluster by name (and namespace when it is not the route's), anything else (an
 * external host, a service exported by another cluster) by its ServiceEntry host. Versions and pinned clusters never
 * get here: the config check refuses them for gateway-api entries (config/semantic-gateway-api.ts).
 */
function backendRef(d: DestinationModel, index: MeshIndex, cluster: string, routeNamespace: string, weighted: boolean): Obj {
  const host = index.destinationHost(d, cluster);
  const service = d.service !== undefined ? index.service(d.service) : undefined;
  const port = d.port ?? service?.ports[0]?.number;
  const weight = weighted && d.weight !== undefined ? { weight: d.weight } : {};
  if (service && host === service.fqdn) {
    return { name: service.name, ...(service.namespace !== routeNamespace ? { namespace: service.namespace } : {}), ...(port !== undefined ? { port } : {}), ...weight };
  }
  return { name: host, ...ISTIO_HOSTNAME_BACKEND, ...(port !== undefined ? { port } : {}), ...weight };
}

/** The Gateway, its route, and the ReferenceGrants of one gateway-api ingress entry in one cluster. */
export function gatewayApiIngress<D>(ing: IngressModel, cluster: ClusterModel, destinations: readonly DestinationModel[], index: MeshIndex, f: DocumentFactory<D>): D[] {
  const credentialNamespace = cluster.ingressGateway.namespace;
  const gateway = f.document(
    'k8s-gateway',
    'Gateway',
    {
      apiVersion: GATEWAY_API_VERSIONS.Gateway,
      kind: 'Gateway',
      metadata: f.metadata(ing.name, ing.namespace, { [SERVICE_TYPE_ANNOTATION]: cluster.ingressGateway.serviceType }),
      spec: { gatewayClassName: ISTIO_GATEWAY_CLASS, listeners: [listener(ing, credentialNamespace)] },
    },
    ing.origin,
  );

  const kind = routeKind(ing);
  const backendRefs = destinations.map((d) => backendRef(d, index, cluster.name, ing.namespace, destinations.length > 1));
  const rule: Obj = { backendRefs, ...(kind === 'HTTPRoute' && ing.paths.length > 0 ? { matches: ing.paths.map((p) => ({ path: { type: 'PathPrefix', value: p } })) } : {}) };
  const spec: Obj = {
    parentRefs: [{ name: ing.name, sectionName: listenerName(ing) }],
    ...(kind !== 'TCPRoute' && ing.host !== '*' ? { hostnames: [ing.host] } : {}),
    rules: [rule],
  };
  const route = f.document(kind.toLowerCase() as TemplateName, kind, { apiVersion: GATEWAY_API_VERSIONS[kind], kind, metadata: f.metadata(ing.name, ing.namespace), spec }, [...ing.origin, 'to']);

  const docs = [gateway, route];
  // The Secret stays where `meshforge certs secrets` puts it for both APIs: the ingress gateway's namespace.
  if (ing.tls && ing.tls.mode !== 'PASSTHROUGH' && credentialNamespace !== ing.namespace) {
    docs.push(grant(f, `${ing.namespace}-${ing.name}-certificate`, credentialNamespace, 'Gateway', ing.namespace, [{ group: '', kind: 'Secret', name: ing.tls.credentialName }], [...ing.origin, 'tls']));
  }
  const byNamespace = new Map<string, Set<string>>();
  for (const ref of backendRefs) {
    if (typeof ref['namespace'] !== 'string') continue;
    const names = byNamespace.get(ref['namespace']) ?? new Set<string>();
    names.add(String(ref['name']));
    byNamespace.set(ref['namespace'], names);
  }
  for (const [namespace, names] of [...byNamespace].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const to = [...names].sort().map((name) => ({ group: '', kind: 'Service', name }));
    docs.push(grant(f, `${ing.namespace}-${ing.name}-backend`, namespace, kind, ing.namespace, to, [...ing.origin, 'to']));
  }
  return docs;
}

function grant<D>(f: DocumentFactory<D>, name: string, namespace: string, fromKind: string, fromNamespace: string, to: readonly Obj[], origin: DocPath): D {
  return f.document(
    'referencegrant',
    'ReferenceGrant',
    { apiVersion: GATEWAY_API_VERSIONS.ReferenceGrant, kind: 'ReferenceGrant', metadata: f.metadata(name, namespace), spec: { from: [{ group: GATEWAY_API_GROUP, kind: fromKind, namespace: fromNamespace }], to } },
    origin,
  );
}
