import type { Diagnostic, DocPath } from '../diagnostics/types.js';
import { displayConfigPath } from './identity.js';
import { resolveServiceRef, serviceClusters, serviceKey } from './keys.js';
import type { DestinationInput, MeshConfigInput, ServiceInput } from './types.js';

/**
 * Cross-field checks of ingress entries with `api: gateway-api`: what the entry asks for that a Gateway of class
 * istio and its routes cannot express (docs/gateway-api.md). Each error says what to write instead; `api: istio`
 * always remains an option, since the Istio Gateway + VirtualService path expresses all of it.
 */

/**
 * `unresolved`: services defined twice or placed in an unknown cluster (see checkSemantics). Their clusters are the
 * mistake, reported at the service: nothing here is judged from them.
 */
export function checkGatewayApiIngress(config: MeshConfigInput, file: string, unresolved: ReadonlySet<string> = new Set()): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const error = (path: DocPath, message: string, hint: string): void => {
    diagnostics.push({ rule: 'config-invalid-value', severity: 'error', message, hint, location: { file, path, target: 'value' } });
  };
  const services = new Map(config.services.filter((s) => !unresolved.has(serviceKey(s.namespace, s.name))).map((s) => [serviceKey(s.namespace, s.name), s]));

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

    const service = ing.to.service !== undefined ? services.get(resolveServiceRef(ing.to.service, namespace)) : undefined;
    // The clusters whose gateway serves the entry (the model's default: where the destination service runs).
    const ingressClusters = ing.clusters ?? (service ? serviceClusters(service) : []);
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
  if (service && to.cluster !== undefined && serviceClusters(service).length > 1 && ingressClusters.includes(to.cluster)) {
    error(
      [...at, 'cluster'],
      `ingress '${name}' pins service ${serviceKey(service.namespace, service.name)} to cluster '${to.cluster}', which needs a subset of the in-cluster host: a Gateway API backendRef cannot select one`,
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
  const target = resolveServiceRef(to.service, namespace);
  config.routes.forEach((route, ri) => {
    if (route.host.includes('.') || resolveServiceRef(route.host, route.namespace) !== target) return;
    const http = route.http ?? [];
    if (http.length !== 1 || (http[0]!.match ?? []).length > 0 || http[0]!.to.length < 2) return;
    // A cluster served by this gateway pins the in-cluster host to a subset; another cluster is its exported host.
    const subsets = http[0]!.to.flatMap((d, di) => {
      const split = d.service !== undefined ? services.get(resolveServiceRef(d.service, route.namespace)) : undefined;
      const pinned = d.cluster !== undefined && ingressClusters.includes(d.cluster) && split !== undefined && serviceClusters(split).length > 1;
      if (d.version !== undefined) return [`destination ${di + 1} selects version '${d.version}'`];
      return pinned ? [`destination ${di + 1} selects cluster '${d.cluster}'`] : [];
    });
    // One mistake (this entry carries a split it cannot express), said once, however many destinations show it.
    if (subsets.length > 0) {
      error(
        [...base, 'to', 'service'],
        `ingress '${name}' carries the split of ${displayConfigPath(config, ['routes', ri])}, whose ${subsets.join(' and ')}: Gateway API weighted backendRefs name Services, not subsets`,
        'Write api: istio for this ingress entry, or split between distinct services in the route.',
      );
    }
  });
}
