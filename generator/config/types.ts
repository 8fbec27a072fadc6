/**
 * mesh.config.yaml after schema validation, with the schema's defaults applied.
 * Mirrors schemas/mesh.config.schema.json: change both together. The schema is the contract users edit against.
 */
export type Protocol = 'HTTP' | 'HTTPS' | 'HTTP2' | 'GRPC' | 'TCP' | 'TLS' | 'MONGO' | 'REDIS' | 'MYSQL';
export type OutboundPolicy = 'REGISTRY_ONLY' | 'ALLOW_ANY';
export type InstallMethod = 'helm' | 'istioctl';
export type GitopsEngine = 'argocd' | 'flux' | 'both';
export type SeverityOverride = 'error' | 'warning' | 'info' | 'off';

export interface ServicePortInput {
  number: number;
  name?: string;
  protocol: Protocol;
  targetPort?: number;
}

export interface CaSubjectInput {
  org?: string;
  cn?: string;
  days?: number;
}

export interface MeshInput {
  id: string;
  trustDomain: string;
  istio: {
    version: string;
    hub: string;
    networkingApiVersion: 'networking.istio.io/v1' | 'networking.istio.io/v1beta1' | 'networking.istio.io/v1alpha3';
    securityApiVersion: 'security.istio.io/v1' | 'security.istio.io/v1beta1';
  };
  ca: {
    root?: CaSubjectInput;
    intermediate: { org: string; cn: string; days: number; sanDns: string };
    ingress?: CaSubjectInput;
    pkiDir: string;
    expiryWarningDays: number;
  };
  vipRanges: string[];
  defaults: {
    outboundTrafficPolicy: OutboundPolicy;
    mtls: 'STRICT' | 'PERMISSIVE';
    accessLogFile: string;
    dnsCapture: boolean;
    autoMtls: boolean;
    injection: boolean;
  };
}

export interface GatewayPortInput {
  name: string;
  port: number;
  targetPort?: number;
  nodePort?: number;
}

export interface IngressGatewayInput {
  name: string;
  namespace: string;
  address?: string;
  serviceType: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
  externalIPs: string[];
  routerMode: 'standard' | 'sni-dnat';
  ports?: GatewayPortInput[];
  serverHeader?: { value: string };
}

export interface EastWestGatewayInput {
  enabled: boolean;
  name: string;
  address?: string;
  serviceType: 'LoadBalancer' | 'NodePort';
  ports?: GatewayPortInput[];
}

export interface ClusterInput {
  name: string;
  network: string;
  region?: string;
  zone?: string;
  install: { method: InstallMethod; version?: string; revision?: string; profile: 'default' | 'minimal' | 'demo' | 'remote' | 'empty' };
  ingressGateway: IngressGatewayInput;
  eastWestGateway?: EastWestGatewayInput;
  outboundTrafficPolicy?: OutboundPolicy;
  imports: { service: string; from: string }[];
  destination?: { server?: string; name?: string };
}

export interface NamespaceInput {
  name: string;
  clusters?: string[];
  injection?: boolean;
  labels: Record<string, string>;
}

export interface ServiceInput {
  name: string;
  namespace: string;
  cluster?: string;
  clusters?: string[];
  ports: ServicePortInput[];
  versions: { name: string; labels?: Record<string, string>; clusters?: string[] }[];
  exportTo: string[];
}

export interface StringMatchInput {
  exact?: string;
  prefix?: string;
  regex?: string;
}

export interface DestinationInput {
  service?: string;
  host?: string;
  cluster?: string;
  version?: string;
  port?: number;
  weight?: number;
}

export interface HttpRouteInput {
  name?: string;
  match?: { uri?: StringMatchInput; authority?: StringMatchInput; headers?: Record<string, StringMatchInput>; method?: StringMatchInput }[];
  to: DestinationInput[];
  timeout?: string;
  retries?: number;
}

export interface TcpRouteInput {
  port?: number;
  to: DestinationInput[];
}

export interface RouteInput {
  name: string;
  namespace: string;
  clusters?: string[];
  host: string;
  http?: HttpRouteInput[];
  tcp?: TcpRouteInput[];
}

export interface ExternalServiceInput {
  name: string;
  namespace: string;
  clusters?: string[];
  hosts: string[];
  ports: ServicePortInput[];
  resolution: 'DNS' | 'STATIC' | 'NONE';
  addresses?: 'auto' | string[];
  endpoints: { address: string; ports?: Record<string, number> }[];
  tls?: { mode: 'SIMPLE' | 'MUTUAL'; port?: number; sni?: string; caCertificates: string; credentialName?: string };
}

export interface IngressInput {
  name: string;
  namespace?: string;
  clusters?: string[];
  host?: string;
  protocol?: 'HTTP' | 'HTTPS' | 'TCP' | 'TLS';
  port?: number;
  tls?: { mode: 'SIMPLE' | 'MUTUAL' | 'PASSTHROUGH'; credentialName?: string };
  paths?: string[];
  to: DestinationInput;
}

export interface GitopsInput {
  engine: GitopsEngine;
  repoURL: string;
  branch: string;
  path: string;
  github?: { repository?: string; baseUrl: string };
  argocd: { namespace: string; project: string };
  flux: { namespace: string; interval: string };
}

export interface PolicyExceptionInput {
  rule: string;
  reason: string;
  cluster?: string;
  kind?: string;
  namespace?: string;
  name?: string;
}

export interface MeshConfigInput {
  apiVersion: 'meshforge.io/v1alpha1';
  mesh: MeshInput;
  clusters: ClusterInput[];
  namespaces: NamespaceInput[];
  services: ServiceInput[];
  routes: RouteInput[];
  externalServices: ExternalServiceInput[];
  ingress: IngressInput[];
  gitops?: GitopsInput;
  policies: { severity: Record<string, SeverityOverride>; exceptions: PolicyExceptionInput[] };
}
