import { isKubernetesGateway, listenersOf, parentRefsOf, ROUTE_KINDS, GATEWAY_API_GROUP, type Listener } from './utils/gateway-api.js';
import { namespaceOf } from './utils/hosts.js';
import { labelsOf, selectorMatches } from './utils/labels.js';
import type { LintResource, Rule } from './utils/rule.js';

/** Route kinds a listener admits when allowedRoutes.kinds is not written (Gateway API core protocols only). */
const DEFAULT_KINDS: Readonly<Record<string, readonly string[]>> = { HTTP: ['HTTPRoute', 'GRPCRoute'], HTTPS: ['HTTPRoute', 'GRPCRoute'], TCP: ['TCPRoute'] };

/** Whether a listener admits a route of `kind` from `routeNamespace` (allowedRoutes); undefined when it cannot be told. */
function admits(listener: Listener, gatewayNamespace: string, routeNamespace: string, kind: string, namespaceLabels: (ns: string) => Readonly<Record<string, string>> | undefined): boolean | undefined {
  const kinds = listener.kinds ?? (listener.protocol !== undefined && Object.hasOwn(DEFAULT_KINDS, listener.protocol) ? DEFAULT_KINDS[listener.protocol] : undefined);
  if (kinds && !kinds.includes(kind)) return false;
  if (listener.from === 'All') return true;
  if (listener.from === 'Same') return gatewayNamespace === routeNamespace;
  if (listener.from === 'Selector') {
    const labels = namespaceLabels(routeNamespace);
    return labels === undefined ? undefined : selectorMatches(listener.namespaceSelector, { ...labels, 'kubernetes.io/metadata.name': routeNamespace });
  }
  return undefined;
}

const rule: Rule = {
  meta: {
    id: 'route-parent-not-found',
    defaultSeverity: 'error',
    description: 'Every Gateway a Gateway API route attaches to exists in the fleet, has the listener its sectionName or port names, and admits the route\'s namespace.',
    kinds: ['Gateway', 'Namespace', ...ROUTE_KINDS],
    docs: 'policies/route-parent-not-found.md',
    messages: {
      gatewayNotFound: {
        message: 'parent Gateway {{namespace}}/{{name}} does not exist in any cluster: the route attaches to nothing',
        hint: 'Fix parentRefs (name, and namespace when the Gateway is in another namespace) or add the Gateway.',
      },
      listenerNotFound: {
        message: 'parent Gateway {{namespace}}/{{name}} has no listener {{listener}}',
        hint: 'Name an existing listener in sectionName (or port), or drop it to attach to every listener that admits the route.',
      },
      notAllowed: {
        message: 'no listener of Gateway {{namespace}}/{{name}}{{listener}} admits a {{kind}} from namespace {{routeNamespace}}',
        hint: 'Set allowedRoutes.namespaces (from: All, or Selector matching this namespace) and allowedRoutes.kinds on the listener, or move the route into the Gateway\'s namespace.',
      },
    },
  },
  check(context) {
    const gateways = new Map<string, LintResource[]>();
    for (const gateway of context.resources('Gateway')) {
      if (!isKubernetesGateway(gateway)) continue;
      const key = `${namespaceOf(gateway)}/${gateway.name}`;
      gateways.set(key, [...(gateways.get(key) ?? []), gateway]);
    }
    const namespaces = new Map<string, LintResource>();
    for (const ns of context.resources('Namespace')) namespaces.set(`${ns.cluster}\u0000${ns.name}`, ns);
    for (const kind of ROUTE_KINDS) {
      for (const route of context.resources(kind)) {
        const routeNamespace = namespaceOf(route);
        const namespaceLabels = (ns: string) => {
          const found = namespaces.get(`${route.cluster}\u0000${ns}`) ?? namespaces.get(`\u0000${ns}`);
          return found ? labelsOf(found.object) : undefined;
        };
        for (const ref of parentRefsOf(route)) {
          if (ref.group !== GATEWAY_API_GROUP || ref.kind !== 'Gateway') continue;
          const candidates = gateways.get(`${ref.namespace}/${ref.name}`) ?? [];
          const data = { namespace: ref.namespace, name: ref.name };
          if (candidates.length === 0) {
            // Routes linted without any Gateway API Gateway (an app repository's manifests) cannot be judged.
            if (gateways.size > 0) context.report({ resource: route, path: [...ref.path, 'name'], messageId: 'gatewayNotFound', data });
            continue;
          }
          // The Gateway of the route's own cluster decides; else any cluster's copy (or one that names no cluster).
          const own = candidates.filter((g) => g.cluster === route.cluster || g.cluster === '');
          const judged = own.length > 0 ? own : candidates;
          const selected = (g: LintResource) => listenersOf(g).filter((l) => (ref.sectionName === undefined || l.name === ref.sectionName) && (ref.port === undefined || l.port === ref.port));
          if (judged.every((g) => selected(g).length === 0)) {
            const listener = [ref.sectionName, ref.port === undefined ? undefined : `port ${ref.port}`].filter((x) => x !== undefined).join(' on ');
            if (listener !== '') {
              context.report({ resource: route, path: [...ref.path, ref.sectionName !== undefined ? 'sectionName' : 'port'], messageId: 'listenerNotFound', data: { ...data, listener } });
              continue;
            }
          }
          const verdicts = judged.flatMap((g) => selected(g).map((l) => admits(l, namespaceOf(g), routeNamespace, kind, namespaceLabels)));
          if (verdicts.length > 0 && verdicts.every((v) => v === false)) {
            context.report({ resource: route, path: ref.path, messageId: 'notAllowed', data: { ...data, listener: ref.sectionName !== undefined ? ` (listener ${ref.sectionName})` : '', kind, routeNamespace } });
          }
        }
      }
    }
  },
};

export default rule;
