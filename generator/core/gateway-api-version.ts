/**
 * The Gateway API CRD bundle each Istio minor needs. Two facts per release, both read from istio/istio at the tags
 * 1.24.0 to 1.30.0:
 *
 * - `minimums`: istiod's CRD watcher (pkg/kube/kclient/crdwatcher.go, `minimumCRDVersions`) ignores a listed CRD whose
 *   `gateway.networking.k8s.io/bundle-version` annotation is missing or below the version given here: the kind is then
 *   never watched and its resources are never programmed. istioctl analyze IST0176 (GatewayAPICRDVersionBelowMinimum,
 *   added after 1.30 with the same table moved to pkg/config/schema/gatewayapi) reports exactly that.
 * - `builtAgainst`: the `sigs.k8s.io/gateway-api` module of the release's go.mod, the bundle Istio is tested with and
 *   tells users to install. An older bundle still works for the kinds without a minimum, but lacks fields and kinds
 *   the release implements.
 *
 * Channels: GRPCRoute is standard since v1.1.0, BackendTLSPolicy since v1.4.0 and TLSRoute since v1.5.0; TCPRoute
 * and (before v1.5.0) TLSRoute exist only in the experimental bundle.
 */

export interface GatewayApiRequirement {
  /** Istio minor this applies to (1.x). */
  readonly istioMinor: number;
  /** Gateway API version of the release's go.mod: the bundle to install. */
  readonly builtAgainst: string;
  /** CRD name -> the lowest bundle version istiod watches. */
  readonly minimums: Readonly<Record<string, string>>;
}

const GRPC = { 'grpcroutes.gateway.networking.k8s.io': '1.1.0' } as const;
const BACKEND_TLS = { ...GRPC, 'backendtlspolicies.gateway.networking.k8s.io': '1.4.0' } as const;
const TLS = { ...BACKEND_TLS, 'tlsroutes.gateway.networking.k8s.io': '1.5.0' } as const;

export const GATEWAY_API_REQUIREMENTS: readonly GatewayApiRequirement[] = [
  { istioMinor: 24, builtAgainst: '1.2.0', minimums: GRPC },
  { istioMinor: 25, builtAgainst: '1.2.1', minimums: GRPC },
  // 1.26.0 was built against a v1.3.0 pre-release; v1.3.0 is the bundle to install.
  { istioMinor: 26, builtAgainst: '1.3.0', minimums: GRPC },
  { istioMinor: 27, builtAgainst: '1.3.0', minimums: GRPC },
  { istioMinor: 28, builtAgainst: '1.4.0', minimums: BACKEND_TLS },
  { istioMinor: 29, builtAgainst: '1.4.0', minimums: BACKEND_TLS },
  { istioMinor: 30, builtAgainst: '1.5.1', minimums: TLS },
];

/** The requirement of an Istio version (`1.29.0`, `1.29`); the newest known one for later minors; undefined before 1.24. */
export function gatewayApiRequirement(istioVersion: string): GatewayApiRequirement | undefined {
  const m = /^v?1\.(\d+)(?:\.|$)/.exec(istioVersion.trim());
  if (!m) return undefined;
  const minor = Number(m[1]);
  const exact = GATEWAY_API_REQUIREMENTS.find((r) => r.istioMinor === minor);
  if (exact) return exact;
  const newest = GATEWAY_API_REQUIREMENTS[GATEWAY_API_REQUIREMENTS.length - 1]!;
  return minor > newest.istioMinor ? newest : undefined;
}

export interface BundleVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/**
 * A bundle-version annotation (`v1.4.0`, `v1.3.0-rc.1`) as istiod reads it: a pre-release counts as its release
 * ("rounded up"). Undefined when it is not a version.
 */
export function parseBundleVersion(text: string): BundleVersion | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$/.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareBundleVersions(a: BundleVersion, b: BundleVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}
