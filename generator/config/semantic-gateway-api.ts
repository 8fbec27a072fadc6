import type { Diagnostic, DocPath } from '../diagnostics/types.js';
import type { DestinationInput, MeshConfigInput, ServiceInput } from './types.js';

/**
 * Cross-field checks of ingress entries with `api: gateway-api`: what the entry asks for that a Gateway of class
 * istio and its routes cannot express (docs/gateway-api.md). Each error says what to write instead; `api: istio`
 * always remains an option, since the Istio Gateway + VirtualService path expresses all of it.
 */

const key = (namespace: string, name: string): string => `${namespace}/${name}`;
const resolve = (ref: string, namespace: string): string => (ref.includes('/') ? ref : key(namespace, ref));
const clustersOf = (service: ServiceInput): readonly string[] => service.clusters ?? (service.cluster ? [service.cluster] : []);

export function checkGatewayApiIngress(config: MeshConfigInput, file: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const error = (path: DocPath, message: string, hint: string): void => {
    diagnostics.push({ rule: 'config-invalid-value', severity: 'error', message, hint, location: { file, path, target: 'value' } });
  };
  const services = new Map(config.services.map((s) => [key(s.namespace, s.name), s]));

  config.ingress.forEach((ing, ii) => {
    if (ing.api !== 'gateway-api') return;
    const base: DocPath = ['ingress', ii];
    const protocol = ing.protocol ?? (ing.tls ? 'HTTPS' : 'HTTP');
    const namespace = ing.namespace ?? (ing.to.service?.includes('/') ? ing.to.service.split('/')[0]! : '');

    // A Gateway API TLS listener either passes through (TLSRoute) or terminates into a TCPRoute; meshforge writes
    // the first, HTTPS covers terminated HTTP.
    if (protocol === 'TLS' && ing.tls?.mode !== 'PASSTHROUGH') {
      error(
        ing.tls ? [...base, 'tls', 'mode'] : [...base, 'protocol'],
        `ingress '${ing.name}' uses protocol TLS ${ing.tls ? `with tls.mode ${ing.tls.mode}` : 'without tls'}, which api: gateway-api does not generate`,
        'Write tls: {mode: PASSTHROUGH} (a TLSRoute on SNI), or protocol: HTTPS to terminate TLS for HTTP, or api: istio.',
      );
    }

    const service = ing.to.service !== undefined ? services.get(resolve(ing.to.service, namespace)) : undefined;
    // The clusters whose gateway serves the entry (the model's default: where the destination service runs).
    const ingressClusters = ing.clusters ?? (service ? clustersOf(service) : []);
    checkDestination(ing.to, [...base, 'to'], ing.name, service, ingressClusters, error);
    if (protocol === 'HTTP' || protocol === 'HTTPS') checkSplit(config, ing.to, namespace, ing.name, base, ingressClusters, services, error);
  });
  return diagnostics;
}

type Report = (path: DocPath, message: string, hint: string) => void;

/** A backendRef names a Service (with a port) or a ServiceEntry host: never a DestinationRule subset. */
function checkDestination(to: DestinationInput, at: DocPath, name: string, service: ServiceInput | undefined, ingressClusters: readonly string[], error: Report): void {
  if (to.version !== undefined) {
    error([...at, 'version'], `ingress '${name}' sends to version '${to.version}': a Gateway API backendRef names a Service, not a subset`, 'Remove version (the route then reaches every version), or write api: istio to route to one version.');
  }
  if (service && to.cluster !== undefined && clustersOf(service).length > 1 && ingressClusters.includes(to.cluster)) {
    error(
      [...at, 'cluster'],
      `ingress '${name}' pins service ${key(service.namespace, service.name)} to cluster '${to.cluster}', which needs a subset of the in-cluster host: a Gateway API backendRef cannot select one`,
      'Remove cluster (the route then reaches the service in every cluster), or write api: istio.',
    );
  }
  if (to.port === undefined && to.host !== undefined) {
    error(at, `ingress '${name}' sends to host ${to.host} without a port: a Gateway API backendRef needs one`, 'Add port: the port of the external service to send to.');
  }
}

/**
 * An HTTP ingress to a service that a mesh route splits with one catch-all rule carries that split (see
 * ClusterPlanner.ingressDestinations): as weighted backendRefs, which can name neither versions nor pinned clusters.
 */
function checkSplit(
  config: MeshConfigInput,
  to: DestinationInput,
  namespace: string,
  name: string,
  base: DocPath,
  ingressClusters: readonly string[],
  services: ReadonlyMap<string, ServiceInput>,
  error: Report,
): void {
  if (to.service === undefined || to.version !== undefined || to.cluster !== undefined) return;
  const target = resolve(to.service, namespace);
  config.routes.forEach((route, ri) => {
    if (route.host.includes('.') || resolve(route.host, route.namespace) !== target) return;
    const http = route.http ?? [];
    if (http.length !== 1 || (http[0]!.match ?? []).length > 0 || http[0]!.to.length < 2) return;
    http[0]!.to.forEach((d, di) => {
      // A cluster served by this gateway pins the in-cluster host to a subset; another cluster is its exported host.
      const split = d.service !== undefined ? services.get(resolve(d.service, route.namespace)) : undefined;
      const pinned = d.cluster !== undefined && ingressClusters.includes(d.cluster) && split !== undefined && clustersOf(split).length > 1;
      if (d.version !== undefined || pinned) {
        error(
          [...base, 'to', 'service'],
          `ingress '${name}' carries the split of routes[${ri}] (${route.name}), whose destination ${di + 1} selects ${d.version !== undefined ? `version '${d.version}'` : `cluster '${d.cluster}'`}: Gateway API weighted backendRefs name Services, not subsets`,
          'Write api: istio for this ingress entry, or split between distinct services in the route.',
        );
      }
    });
  });
}
