/**
 * The Istio releases meshforge generates for, and what changes between them. Every version-dependent choice of the
 * renderers goes through here, so the output follows `mesh.istio.version` (or a cluster's `install.version`).
 *
 * Checked against the istio/istio tags: 1.24 removed the in-cluster IstioOperator controller (meshforge's install
 * model assumes it is gone), 1.25 turned the ServiceEntry IP auto-allocation controller (v2) on by default, and 1.29.0
 * is the newest release whose charts (base, istiod, gateway) the generated values were checked against.
 * The gateway chart keys meshforge writes (name, revision, networkGateway, labels, env, service) and what
 * `networkGateway` writes itself are the same at 1.24.0, 1.25.0, 1.27.0 and 1.29.0.
 */
export const MIN_ISTIO = { major: 1, minor: 24 } as const;
export const MAX_ISTIO = { major: 1, minor: 29 } as const;

/** The supported range as users read it in messages and docs. */
export const SUPPORTED_ISTIO_RANGE = `${MIN_ISTIO.major}.${MIN_ISTIO.minor}.0 to ${MAX_ISTIO.major}.${MAX_ISTIO.minor}.x`;

export interface IstioVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** `1.29.0` -> {1, 29, 0}; undefined for anything else. */
export function parseIstioVersion(text: string): IstioVersion | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

export function isSupportedIstio(text: string): boolean {
  const v = parseIstioVersion(text);
  if (!v || v.major !== MIN_ISTIO.major) return false;
  return v.minor >= MIN_ISTIO.minor && v.minor <= MAX_ISTIO.minor;
}

function minor(text: string): number {
  const v = parseIstioVersion(text);
  if (!v) throw new Error(`meshforge: Istio version ${text} reached the renderer unchecked`);
  return v.major === 1 ? v.minor : Number.MAX_SAFE_INTEGER;
}

/** What a given Istio release reads, for the renderers. */
export interface IstioFeatures {
  /**
   * Whether proxies still read `ISTIO_META_ROUTER_MODE` (sni-dnat). Removed in 1.14: AUTO_PASSTHROUGH gateways get
   * SNI-DNAT clusters on their own, and the variable is ignored.
   */
  readonly routerModeEnv: boolean;
  /**
   * Whether DNS proxying needs `ISTIO_META_DNS_AUTO_ALLOCATE=true` to give ServiceEntries without addresses a VIP.
   * From 1.25 istiod's IP auto-allocation controller (v2) does it by default and the variable is deprecated.
   */
  readonly dnsAutoAllocateEnv: boolean;
  /** Ambient across several clusters (multi-primary): alpha in 1.27 (istio.io release notes; AMBIENT_ENABLE_MULTI_NETWORK). */
  readonly ambientMulticluster: boolean;
  /** Whether istiod needs the env AMBIENT_ENABLE_MULTI_NETWORK=true for ambient across networks (default false at 1.29.0). */
  readonly ambientMultiNetworkEnv: boolean;
  /** Multi-network ambient is beta from 1.29 (alpha in 1.27 and 1.28). */
  readonly ambientMultiNetworkBeta: boolean;
}

/** The first release with ambient multicluster, named in messages. */
export const AMBIENT_MULTICLUSTER_MIN = '1.27.0';

export function istioFeatures(version: string): IstioFeatures {
  const n = minor(version);
  return { routerModeEnv: n < 14, dnsAutoAllocateEnv: n < 25, ambientMulticluster: n >= 27, ambientMultiNetworkEnv: n >= 27, ambientMultiNetworkBeta: n >= 29 };
}
