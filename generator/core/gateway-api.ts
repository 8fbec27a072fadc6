/**
 * Names Istio and the Gateway API fix for the objects meshforge writes (render/gateway-api.ts, render/ambient.ts) and
 * the rules read (policies/utils): one definition, so that a generated tree and its checks never disagree on a
 * spelling. The CRD bundle versions Istio needs live beside this, in gateway-api-version.ts.
 */

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/** The version of each kind meshforge writes, as Istio 1.29 watches them (pkg/config/schema/metadata.yaml at 1.29.0). */
export const GATEWAY_API_KIND_VERSIONS = {
  Gateway: 'v1',
  HTTPRoute: 'v1',
  TLSRoute: 'v1alpha2',
  TCPRoute: 'v1alpha2',
  ReferenceGrant: 'v1beta1',
} as const;

export type GatewayApiKind = keyof typeof GATEWAY_API_KIND_VERSIONS;

/** The apiVersion of each kind meshforge writes: `gateway.networking.k8s.io/<version>`. */
export const GATEWAY_API_VERSIONS = Object.fromEntries(Object.entries(GATEWAY_API_KIND_VERSIONS).map(([kind, version]) => [kind, `${GATEWAY_API_GROUP}/${version}`])) as {
  readonly [K in GatewayApiKind]: `${typeof GATEWAY_API_GROUP}/${(typeof GATEWAY_API_KIND_VERSIONS)[K]}`;
};

/** Gateway classes of Istio's controller. */
export const ISTIO_GATEWAY_CLASS = 'istio';
export const WAYPOINT_CLASS = 'istio-waypoint';
export const EAST_WEST_CLASS = 'istio-east-west';
export const REMOTE_CLASS = 'istio-remote';

/** Labels Istio reads on namespaces, services and gateways. */
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
export const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';
export const USE_WAYPOINT_NAMESPACE_LABEL = 'istio.io/use-waypoint-namespace';
export const WAYPOINT_FOR_LABEL = 'istio.io/waypoint-for';
export const GLOBAL_SERVICE_LABEL = 'istio.io/global';
export const NETWORK_LABEL = 'topology.istio.io/network';

/**
 * Listener TLS options of Istio's gateways: how Istio terminates TLS (ISTIO_MUTUAL on east-west gateways; MUTUAL takes
 * the CA from the Secret's ca.crt, as with credentialName), and the sidecar-era auto-passthrough listener.
 */
export const TLS_TERMINATE_MODE_OPTION = 'gateway.istio.io/tls-terminate-mode';
export const LISTENER_PROTOCOL_OPTION = 'gateway.istio.io/listener-protocol';
/**
 * The identity ztunnel expects of a remote network's gateway: istiod names an istio-remote peer's service account
 * `<peer name>-istio-remote` unless this annotation says otherwise (pilot kube conversion, GatewaySA, 1.29.0), and an
 * istio-east-west gateway runs as its Gateway's name (no class suffix). Without it the HBONE tunnel to the peer fails
 * its certificate check.
 */
export const GATEWAY_SERVICE_ACCOUNT_ANNOTATION = 'gateway.istio.io/service-account';

/** HBONE: the ambient tunnel port of ztunnel, waypoints and east-west gateways. */
export const HBONE_PORT = 15008;
/** The auto-passthrough port of sidecar east-west gateways. */
export const AUTO_PASSTHROUGH_PORT = 15443;
