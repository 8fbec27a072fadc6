/**
 * Names the rest of meshforge uses for parts of mesh.config.yaml. The shapes are generated from the JSON Schema
 * (types.generated.ts, `npm run schemas`), so the schema is their one source: change the schema, not these.
 */
import type * as Generated from './types.generated.js';

export type MeshConfigInput = Generated.MeshConfig;
export type MeshInput = Generated.Mesh;
export type ClusterInput = Generated.Cluster;
export type IngressGatewayInput = Generated.IngressGateway;
export type EastWestGatewayInput = Generated.EastWestGateway;
export type GatewayPortInput = Generated.GatewayPort;
export type NamespaceInput = Generated.Namespace;
export type ServiceInput = Generated.Service;
export type ServicePortInput = Generated.ServicePort;
export type RouteInput = Generated.Route;
export type HttpRouteInput = Generated.HttpRoute;
export type TcpRouteInput = Generated.TcpRoute;
export type StringMatchInput = Generated.StringMatch;
export type DestinationInput = Generated.Destination;
export type ExternalServiceInput = Generated.ExternalService;
export type IngressInput = Generated.Ingress;
export type GitopsInput = Generated.Gitops;
export type PoliciesInput = Generated.Policies;
export type PolicyExceptionInput = Generated.Policies['exceptions'][number];
export type CaSubjectInput = Generated.Mesh['ca']['root'];

export type Protocol = Generated.Protocol;
export type OutboundPolicy = Generated.Mesh['defaults']['outboundTrafficPolicy'];
/** How workloads join the mesh: Envoy sidecars, or ztunnel (plus waypoints) in ambient mode. */
export type DataPlaneMode = Generated.Cluster['dataPlaneMode'];
export type InstallMethod = Generated.Cluster['install']['method'];
export type GitopsEngine = Generated.Gitops['engine'];
export type SeverityOverride = Generated.Policies['severity'][string];
