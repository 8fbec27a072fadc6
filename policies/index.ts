import type { Rule } from './utils/rule.js';
import ambientWaypointSymmetry from './ambient-waypoint-symmetry.js';
import deprecatedApi from './deprecated-api.js';
import destinationHostNotFound from './destination-host-not-found.js';
import destinationPortMissing from './destination-port-missing.js';
import eastWestCoverage from './east-west-coverage.js';
import envoyFilterOperation from './envoy-filter-operation.js';
import gatewayApiCrdVersion from './gateway-api-crd-version.js';
import gatewayConflict from './gateway-conflict.js';
import gatewayCredentialConflict from './gateway-credential-conflict.js';
import gatewayHostMismatch from './gateway-host-mismatch.js';
import gatewayNotFound from './gateway-not-found.js';
import gatewayServicePort from './gateway-service-port.js';
import ingressRouteSubsets from './ingress-route-subsets.js';
import istioMutual from './istio-mutual.js';
import multiclusterServiceMismatch from './multicluster-service-mismatch.js';
import namespaceInjectionLabels from './namespace-injection-labels.js';
import namespaceNotInjected from './namespace-not-injected.js';
import noPrivateKeys from './no-private-keys.js';
import registryOnly from './registry-only.js';
import routeBackendNotFound from './route-backend-not-found.js';
import routeParentNotFound from './route-parent-not-found.js';
import routeWeights from './route-weights.js';
import serviceEntryAddresses from './service-entry-addresses.js';
import serviceEntryProtocolConflict from './service-entry-protocol-conflict.js';
import servicePortName from './service-port-name.js';
import sidecarSelectorOverlap from './sidecar-selector-overlap.js';
import strictMtls from './strict-mtls.js';
import subsetNotFound from './subset-not-found.js';
import telemetryProvider from './telemetry-provider.js';
import tlsNoCaCertificates from './tls-no-ca-certificates.js';
import uniqueVips from './unique-vips.js';
import unknownAnnotation from './unknown-annotation.js';
import unreachableMatch from './unreachable-match.js';
import vipRange from './vip-range.js';
import virtualServiceHostConflict from './virtual-service-host-conflict.js';

/**
 * Every policy rule, one file each. meshforge's own rules first, then the classes of `istioctl analyze`.
 * test/lint/meta.test.ts fails when a rule file is missing here, or lacks its doc page or tests.
 */
export const RULES: readonly Rule[] = [
  uniqueVips,
  vipRange,
  registryOnly,
  istioMutual,
  strictMtls,
  noPrivateKeys,
  virtualServiceHostConflict,
  destinationHostNotFound,
  destinationPortMissing,
  subsetNotFound,
  gatewayNotFound,
  gatewayHostMismatch,
  unreachableMatch,
  routeWeights,
  tlsNoCaCertificates,
  serviceEntryAddresses,
  serviceEntryProtocolConflict,
  gatewayConflict,
  gatewayCredentialConflict,
  multiclusterServiceMismatch,
  sidecarSelectorOverlap,
  deprecatedApi,
  servicePortName,
  ingressRouteSubsets,
  envoyFilterOperation,
  namespaceNotInjected,
  namespaceInjectionLabels,
  gatewayServicePort,
  unknownAnnotation,
  ambientWaypointSymmetry,
  eastWestCoverage,
  routeParentNotFound,
  routeBackendNotFound,
  gatewayApiCrdVersion,
  telemetryProvider,
];

export function findRule(id: string): Rule | undefined {
  return RULES.find((rule) => rule.meta.id === id);
}
