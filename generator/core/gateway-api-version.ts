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

/** The release tag of kubernetes-sigs/gateway-api that holds a bundle (`1.4.0` -> `v1.4.0`). */
export function gatewayApiTag(bundle: string): string {
  return bundle.startsWith('v') ? bundle : `v${bundle}`;
}

/** The CRD bundle meshforge installs for an Istio version: the one it was built against (the oldest known before 1.24). */
export function gatewayApiBundleFor(istioVersion: string): string {
  return (gatewayApiRequirement(istioVersion) ?? GATEWAY_API_REQUIREMENTS[0]!).builtAgainst;
}

export type GatewayApiChannel = 'standard' | 'experimental';

/**
 * The versions each kind serves in the standard channel (config/crd/standard/ of kubernetes-sigs/gateway-api, read at
 * v1.2.0, v1.2.1, v1.3.0, v1.4.0 and v1.5.1): a kind or version missing here exists only in config/crd/experimental/.
 */
const STANDARD_CHANNEL: readonly { readonly since: string; readonly kind: string; readonly versions: readonly string[] }[] = [
  { since: '1.0.0', kind: 'GatewayClass', versions: ['v1', 'v1beta1'] },
  { since: '1.0.0', kind: 'Gateway', versions: ['v1', 'v1beta1'] },
  { since: '1.0.0', kind: 'HTTPRoute', versions: ['v1', 'v1beta1'] },
  { since: '1.0.0', kind: 'ReferenceGrant', versions: ['v1beta1'] },
  { since: '1.5.0', kind: 'ReferenceGrant', versions: ['v1'] },
  { since: '1.1.0', kind: 'GRPCRoute', versions: ['v1'] },
  { since: '1.4.0', kind: 'BackendTLSPolicy', versions: ['v1'] },
  { since: '1.5.0', kind: 'TLSRoute', versions: ['v1'] },
  { since: '1.5.0', kind: 'ListenerSet', versions: ['v1'] },
];

/** Whether the standard channel of `bundle` serves `kind` at `version` (`v1`, `v1alpha2`). */
export function inStandardChannel(bundle: string, kind: string, version: string): boolean {
  const at = parseBundleVersion(bundle);
  if (!at) return false;
  return STANDARD_CHANNEL.some((e) => e.kind === kind && e.versions.includes(version) && compareBundleVersions(at, parseBundleVersion(e.since)!) >= 0);
}

/**
 * The channel a set of Gateway API objects needs from `bundle`: experimental as soon as one of them is a kind or
 * version the standard channel does not serve (TCPRoute, UDPRoute, TLSRoute before v1.5.0, any v1alpha2 version,
 * gateway.networking.x-k8s.io kinds), else standard.
 */
export function gatewayApiChannel(bundle: string, objects: Iterable<{ readonly apiVersion: string; readonly kind: string }>): GatewayApiChannel {
  for (const { apiVersion, kind } of objects) {
    const [group, version] = apiVersion.split('/');
    if (group !== 'gateway.networking.k8s.io' || version === undefined || !inStandardChannel(bundle, kind, version)) return 'experimental';
  }
  return 'standard';
}
