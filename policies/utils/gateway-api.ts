import { GATEWAY_API_GROUP } from '../../generator/core/gateway-api.js';
import type { DocPath } from '../../generator/diagnostics/types.js';
import { asNumber, asRecord, asString, get, recordItems } from '../../generator/manifest/access.js';
import { namespaceOf } from './hosts.js';
import type { LintResource } from './rule.js';

/**
 * Gateway API objects (gateway.networking.k8s.io) as Istio reads them. The kind `Gateway` is shared with Istio's
 * networking.istio.io Gateway: rules tell them apart by API group.
 */

export { EAST_WEST_CLASS, GATEWAY_API_GROUP, REMOTE_CLASS, WAYPOINT_CLASS } from '../../generator/core/gateway-api.js';
export const ROUTE_KINDS = ['HTTPRoute', 'TLSRoute', 'TCPRoute', 'GRPCRoute'] as const;

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

export function isGatewayApi(resource: Pick<LintResource, 'apiVersion'>): boolean {
  return groupOf(resource.apiVersion) === GATEWAY_API_GROUP;
}

/** A gateway.networking.k8s.io Gateway (not Istio's networking.istio.io Gateway). */
export function isKubernetesGateway(resource: LintResource): boolean {
  return resource.kind === 'Gateway' && isGatewayApi(resource);
}

export function gatewayClassOf(gateway: LintResource): string | undefined {
  return asString(get(gateway.object, 'spec', 'gatewayClassName'));
}

export interface Listener {
  readonly index: number;
  readonly name?: string;
  readonly port?: number;
  readonly protocol?: string;
  readonly tlsMode?: string;
  readonly options: Readonly<Record<string, string>>;
  /** allowedRoutes.namespaces.from: Same (Gateway API's default), All or Selector. */
  readonly from: string;
  readonly namespaceSelector: unknown;
  /** allowedRoutes.kinds[].kind, when listed. */
  readonly kinds?: readonly string[];
}

export function listenersOf(gateway: LintResource): Listener[] {
  return recordItems(get(gateway.object, 'spec', 'listeners')).map(([index, listener]) => {
    const name = asString(listener.name);
    const port = asNumber(listener.port);
    const protocol = asString(listener.protocol);
    const tlsMode = asString(get(listener, 'tls', 'mode'));
    const options = Object.fromEntries(Object.entries(asRecord(get(listener, 'tls', 'options'))).map(([k, v]) => [k, String(v)]));
    const kinds = recordItems(get(listener, 'allowedRoutes', 'kinds')).flatMap(([, k]) => (typeof k.kind === 'string' ? [k.kind] : []));
    return {
      index,
      ...(name !== undefined ? { name } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(protocol !== undefined ? { protocol } : {}),
      ...(tlsMode !== undefined ? { tlsMode } : {}),
      options,
      from: asString(get(listener, 'allowedRoutes', 'namespaces', 'from')) ?? 'Same',
      namespaceSelector: get(listener, 'allowedRoutes', 'namespaces', 'selector'),
      ...(kinds.length > 0 ? { kinds } : {}),
    };
  });
}

/** A reference from a route to its parent or backend, with Gateway API's defaults applied. */
export interface ObjectRef {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  /** Whether the namespace was written (a cross-namespace reference must say so). */
  readonly namespaceWritten: boolean;
  readonly name: string;
  readonly sectionName?: string;
  readonly port?: number;
  readonly path: DocPath;
}

function refOf(value: Readonly<Record<string, unknown>>, routeNamespace: string, defaults: { group: string; kind: string }, path: DocPath): ObjectRef | undefined {
  const name = asString(value.name);
  if (name === undefined) return undefined;
  const namespace = asString(value.namespace);
  const sectionName = asString(value.sectionName);
  const port = asNumber(value.port);
  return {
    group: asString(value.group) ?? defaults.group,
    kind: asString(value.kind) ?? defaults.kind,
    namespace: namespace ?? routeNamespace,
    namespaceWritten: namespace !== undefined,
    name,
    ...(sectionName !== undefined ? { sectionName } : {}),
    ...(port !== undefined ? { port } : {}),
    path,
  };
}

/** spec.parentRefs: group defaults to gateway.networking.k8s.io, kind to Gateway, namespace to the route's. */
export function parentRefsOf(route: LintResource): ObjectRef[] {
  const namespace = namespaceOf(route);
  return recordItems(get(route.object, 'spec', 'parentRefs')).flatMap(([i, ref]) => {
    const parsed = refOf(ref, namespace, { group: GATEWAY_API_GROUP, kind: 'Gateway' }, ['spec', 'parentRefs', i]);
    return parsed ? [parsed] : [];
  });
}

/** spec.rules[].backendRefs: group defaults to the core group (''), kind to Service, namespace to the route's. */
export function backendRefsOf(route: LintResource): ObjectRef[] {
  const namespace = namespaceOf(route);
  return recordItems(get(route.object, 'spec', 'rules')).flatMap(([i, rule]) =>
    recordItems(rule.backendRefs).flatMap(([j, ref]) => {
      const parsed = refOf(ref, namespace, { group: '', kind: 'Service' }, ['spec', 'rules', i, 'backendRefs', j]);
      return parsed ? [parsed] : [];
    }),
  );
}

/** Core group as written: '' and 'core' both mean it. */
export function isCoreGroup(group: string): boolean {
  return group === '' || group === 'core';
}
