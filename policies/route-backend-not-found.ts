import { asRecord, asString, recordItems } from '../generator/manifest/access.js';
import { backendRefsOf, GATEWAY_API_GROUP, isCoreGroup, ROUTE_KINDS, type ObjectRef } from './utils/gateway-api.js';
import { CLUSTER_DOMAIN, HostRegistry, isWildcard, namespaceOf, portsOf } from './utils/hosts.js';
import type { LintResource, Rule } from './utils/rule.js';

const ISTIO_GROUP = 'networking.istio.io';

/** Whether a ReferenceGrant lets a route of `kind` in `fromNamespace` refer to `ref`. */
function granted(grant: LintResource, kind: string, fromNamespace: string, ref: ObjectRef): boolean {
  const spec = asRecord(grant.object.spec);
  const from = recordItems(spec.from).some(([, f]) => f.group === GATEWAY_API_GROUP && f.kind === kind && f.namespace === fromNamespace);
  if (!from) return false;
  return recordItems(spec.to).some(([, t]) => {
    const group = asString(t.group) ?? '';
    const sameGroup = isCoreGroup(group) ? isCoreGroup(ref.group) : group === ref.group;
    const name = asString(t.name);
    return sameGroup && t.kind === ref.kind && (name === undefined || name === '' || name === ref.name);
  });
}

const rule: Rule = {
  meta: {
    id: 'route-backend-not-found',
    defaultSeverity: 'error',
    description: 'Every backendRef of a Gateway API route names a Service or ServiceEntry host that exists in the fleet, on a port it has, and a cross-namespace backend is allowed by a ReferenceGrant.',
    kinds: ['Service', 'ServiceEntry', 'ReferenceGrant', ...ROUTE_KINDS],
    docs: 'policies/route-backend-not-found.md',
    messages: {
      serviceNotFound: {
        message: 'backend Service {{namespace}}/{{name}} does not exist in any cluster',
        hint: 'Fix the backendRef name (and namespace), or add the Service.',
      },
      hostNotFound: {
        message: 'backend host {{host}} (kind Hostname) is not a ServiceEntry or Service host in any cluster',
        hint: 'Fix the host, or declare it in a ServiceEntry visible to this namespace.',
      },
      portMissing: {
        message: 'backendRef to Service {{namespace}}/{{name}} has no port: Gateway API requires one for a Service',
        hint: 'Add port: with one of the Service\'s ports.',
      },
      portNotFound: {
        message: 'backend {{backend}} has no port {{port}} (ports: {{ports}})',
        hint: 'Use one of the backend\'s ports.',
      },
      notGranted: {
        message: '{{kind}} in namespace {{routeNamespace}} refers to {{backendKind}} {{namespace}}/{{name}} without a ReferenceGrant in {{namespace}} that allows it',
        hint: 'Add a ReferenceGrant in the backend\'s namespace (from: this route kind and namespace, to: the backend kind), or move the route.',
      },
    },
  },
  check(context) {
    const registry = HostRegistry.of(context.resources('Service'), context.resources('ServiceEntry'), context.model);
    const grants = context.resources('ReferenceGrant');
    for (const kind of ROUTE_KINDS) {
      for (const route of context.resources(kind)) {
        const routeNamespace = namespaceOf(route);
        for (const ref of backendRefsOf(route)) {
          const data = { namespace: ref.namespace, name: ref.name };
          const isService = isCoreGroup(ref.group) && ref.kind === 'Service';
          const isHostname = ref.group === ISTIO_GROUP && ref.kind === 'Hostname';
          if (!isService && !isHostname) continue;
          if (isService) {
            const host = `${ref.name}.${ref.namespace}.${CLUSTER_DOMAIN}`;
            // Like destination-host-not-found: an in-cluster name is judged only when its namespace's Services are known.
            if (registry.canJudge(host, routeNamespace)) {
              const found = registry.matching(host, routeNamespace);
              if (found.length === 0) context.report({ resource: route, path: [...ref.path, 'name'], messageId: 'serviceNotFound', data });
              else if (ref.port !== undefined) {
                const ports = portsOf(found);
                if (ports.length > 0 && !ports.some((p) => p.number === ref.port)) {
                  context.report({ resource: route, path: [...ref.path, 'port'], messageId: 'portNotFound', data: { backend: `Service ${ref.namespace}/${ref.name}`, port: ref.port, ports: ports.map((p) => p.number).join(', ') } });
                }
              }
            }
            // TCPRoute/TLSRoute backends need a port as much as HTTPRoute's (CEL: "Must have port for Service reference").
            if (ref.port === undefined) context.report({ resource: route, path: ref.path, messageId: 'portMissing', data });
          } else if (!isWildcard(ref.name) && registry.canJudge(ref.name, routeNamespace)) {
            const found = registry.matching(ref.name, routeNamespace);
            if (found.length === 0) context.report({ resource: route, path: [...ref.path, 'name'], messageId: 'hostNotFound', data: { host: ref.name } });
            else if (ref.port !== undefined) {
              const ports = portsOf(found);
              if (ports.length > 0 && !ports.some((p) => p.number === ref.port)) {
                context.report({ resource: route, path: [...ref.path, 'port'], messageId: 'portNotFound', data: { backend: `host ${ref.name}`, port: ref.port, ports: ports.map((p) => p.number).join(', ') } });
              }
            }
          }
          if (ref.namespace !== routeNamespace) {
            // ReferenceGrants are read by the istiod of the route's cluster: its own, or ones that name no cluster.
            const allowed = grants.some((g) => (g.cluster === route.cluster || g.cluster === '') && namespaceOf(g) === ref.namespace && granted(g, kind, routeNamespace, ref));
            if (!allowed) context.report({ resource: route, path: [...ref.path, 'namespace'], messageId: 'notGranted', data: { ...data, kind, routeNamespace, backendKind: ref.kind } });
          }
        }
      }
    }
  },
};

export default rule;
