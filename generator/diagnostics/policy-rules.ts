/**
 * The ids of the policy rules in policies/ (one file each, with its meta and doc page there, as ESLint keeps them).
 * Listed here, below every stage, so that `Diagnostic.rule` can be a closed union: the policies layer sits above
 * diagnostics and cannot be imported from here. test/diagnostics/catalogue.test.ts asserts that this list is exactly
 * the ids registered in policies/index.ts.
 */
export const POLICY_RULE_IDS = [
  'unique-vips',
  'vip-range',
  'registry-only',
  'istio-mutual',
  'strict-mtls',
  'no-private-keys',
  'virtual-service-host-conflict',
  'destination-host-not-found',
  'destination-port-missing',
  'subset-not-found',
  'gateway-not-found',
  'gateway-host-mismatch',
  'unreachable-match',
  'route-weights',
  'tls-no-ca-certificates',
  'service-entry-addresses',
  'service-entry-protocol-conflict',
  'gateway-conflict',
  'gateway-credential-conflict',
  'multicluster-service-mismatch',
  'sidecar-selector-overlap',
  'deprecated-api',
  'service-port-name',
  'ingress-route-subsets',
  'envoy-filter-operation',
  'namespace-not-injected',
  'namespace-injection-labels',
  'gateway-service-port',
  'unknown-annotation',
  'ambient-waypoint-symmetry',
  'east-west-coverage',
  'route-parent-not-found',
  'route-backend-not-found',
  'gateway-api-crd-version',
  'telemetry-provider',
] as const;

export type PolicyRuleId = (typeof POLICY_RULE_IDS)[number];
