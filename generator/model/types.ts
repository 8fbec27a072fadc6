import type { DocPath } from '../diagnostics/types.js';
import type { DataPlaneMode, GitopsEngine, InstallMethod, MeshConfigInput, OutboundPolicy, Protocol, SeverityOverride } from '../config/types.js';
import type { Cidr } from '../core/cidr.js';

/**
 * The normalized mesh: every default applied, every reference resolved, every name expanded.
 * Read-only by type; each entity keeps `origin`, the path of the mesh.config.yaml node it came from,
 * so later stages can point back at a config line.
 */
export interface MeshModel {
  /** The config file as given on the command line; origins are paths into it. */
  readonly configFile: string;
  /**
   * The validated config the model was built from. Origins stay positional; printed and stored paths name entries by
   * identity through config/identity.ts (displayConfigPath), which reads this.
   */
  readonly config: MeshConfigInput;
  readonly mesh: MeshSettings;
  readonly clusters: readonly ClusterModel[];
  readonly namespaces: readonly NamespaceModel[];
  readonly services: readonly ServiceModel[];
  readonly exports: readonly ExportModel[];
  readonly routes: readonly RouteModel[];
  readonly externalServices: readonly ExternalServiceModel[];
  readonly ingress: readonly IngressModel[];
  readonly gitops: GitopsModel | undefined;
  readonly policies: PolicySettings;
}

export interface Subject {
  readonly org: string;
  readonly cn: string;
  readonly days: number;
}

export interface MeshSettings {
  readonly id: string;
  readonly trustDomain: string;
  readonly istio: {
    readonly version: string;
    readonly hub: string;
    readonly networkingApiVersion: string;
    readonly securityApiVersion: string;
  };
  readonly ca: {
    readonly root: Subject;
    readonly intermediate: Subject & { readonly sanDns: string };
    readonly ingress: Subject;
    readonly pkiDir: string;
    readonly expiryWarningDays: number;
  };
  readonly vipRanges: readonly Cidr[];
  readonly defaults: {
    readonly outboundTrafficPolicy: OutboundPolicy;
    readonly mtls: 'STRICT' | 'PERMISSIVE';
    readonly accessLogFile: string;
    readonly dnsCapture: boolean;
    readonly autoMtls: boolean;
    readonly injection: boolean;
  };
  readonly origin: DocPath;
}

export interface GatewayPort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
  readonly nodePort?: number;
}

export interface IngressGatewayModel {
  readonly name: string;
  readonly namespace: string;
  readonly address?: string;
  readonly serviceType: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
  readonly externalIPs: readonly string[];
  readonly routerMode: 'standard' | 'sni-dnat';
  readonly ports: readonly GatewayPort[];
  /** The port other clusters dial for exported services: the NodePort of 15443 if set, else 15443. */
  readonly crossClusterPort: number;
  readonly serverHeader?: string;
  /** Pod labels the gateway's workload carries, used as Gateway selectors. */
  readonly selector: Readonly<Record<string, string>>;
  readonly origin: DocPath;
}

export interface EastWestGatewayModel {
  readonly name: string;
  readonly namespace: 'istio-system';
  readonly address?: string;
  readonly serviceType: 'LoadBalancer' | 'NodePort';
  readonly ports: readonly GatewayPort[];
  readonly selector: Readonly<Record<string, string>>;
  readonly origin: DocPath;
}

export type { DataPlaneMode };

export interface ClusterModel {
  readonly name: string;
  readonly network: string;
  readonly dataPlaneMode: DataPlaneMode;
  readonly region?: string;
  readonly zone?: string;
  readonly install: {
    readonly method: InstallMethod;
    readonly version: string;
    readonly revision?: string;
    readonly profile: string;
  };
  readonly ingressGateway: IngressGatewayModel;
  readonly eastWestGateway?: EastWestGatewayModel;
  /** Resolved from the cluster's override or the mesh default. */
  readonly outboundTrafficPolicy: OutboundPolicy;
  readonly destination: { readonly server?: string; readonly name: string };
  readonly origin: DocPath;
}

/** One namespace in one cluster. */
export interface NamespaceModel {
  readonly name: string;
  readonly cluster: string;
  /** The namespace's override, else its cluster's mode. */
  readonly dataPlaneMode: DataPlaneMode;
  /** Sidecar injection; always false for an ambient namespace. */
  readonly injection: boolean;
  readonly labels: Readonly<Record<string, string>>;
  /** The waypoint (an istio-waypoint Gateway in this namespace) its services use; ambient namespaces only. */
  readonly waypoint?: { readonly name: string; readonly origin: DocPath };
  readonly origin: DocPath;
}

export interface ServicePortModel {
  readonly number: number;
  readonly name: string;
  readonly protocol: Protocol;
  readonly targetPort?: number;
}

export interface ServiceModel {
  /** namespace/name */
  readonly key: string;
  readonly name: string;
  readonly namespace: string;
  /** In-cluster FQDN: name.namespace.svc.cluster.local */
  readonly fqdn: string;
  readonly clusters: readonly string[];
  readonly ports: readonly ServicePortModel[];
  readonly versions: readonly { readonly name: string; readonly labels: Readonly<Record<string, string>>; readonly clusters: readonly string[]; readonly origin: DocPath }[];
  /** Ambient: GLOBAL scope, declared in meshConfig.serviceScopeConfigs by its namespace and serviceLabels. */
  readonly global?: { readonly serviceLabels: Readonly<Record<string, string>>; readonly origin: DocPath };
  readonly origin: DocPath;
}

/** A service running in `from`, callable from `to` through `from`'s ingress gateway. */
export interface ExportModel {
  readonly service: string;
  readonly from: string;
  readonly to: string;
  /** The name clients in `to` use: name.namespace.from (seed 001's convention). */
  readonly remoteHost: string;
  readonly origin: DocPath;
}

export interface StringMatch {
  readonly exact?: string;
  readonly prefix?: string;
  readonly regex?: string;
}

/** A destination with its service resolved to namespace/name; hosts are chosen per cluster (see hosts.ts). */
export interface DestinationModel {
  readonly service?: string;
  readonly host?: string;
  readonly cluster?: string;
  readonly version?: string;
  readonly port?: number;
  readonly weight?: number;
  readonly origin: DocPath;
}

export interface HttpRouteModel {
  readonly name?: string;
  readonly match: readonly { readonly uri?: StringMatch; readonly authority?: StringMatch; readonly headers?: Readonly<Record<string, StringMatch>>; readonly method?: StringMatch }[];
  readonly to: readonly DestinationModel[];
  readonly timeout?: string;
  readonly retries?: number;
  readonly origin: DocPath;
}

export interface TcpRouteModel {
  readonly port?: number;
  readonly to: readonly DestinationModel[];
  readonly origin: DocPath;
}

export interface RouteModel {
  readonly name: string;
  readonly namespace: string;
  readonly clusters: readonly string[];
  /** The service routed, if the host names one. */
  readonly service?: string;
  /** The host the VirtualService matches (an FQDN). */
  readonly host: string;
  readonly http: readonly HttpRouteModel[];
  readonly tcp: readonly TcpRouteModel[];
  readonly origin: DocPath;
}

export interface ExternalServiceModel {
  readonly name: string;
  readonly namespace: string;
  readonly clusters: readonly string[];
  readonly hosts: readonly string[];
  readonly ports: readonly ServicePortModel[];
  readonly resolution: 'DNS' | 'STATIC' | 'NONE';
  /** 'auto': a VIP per cluster from the ledger. */
  readonly addresses: 'auto' | readonly string[];
  readonly endpoints: readonly { readonly address: string; readonly ports?: Readonly<Record<string, number>> }[];
  readonly tls?: { readonly mode: 'SIMPLE' | 'MUTUAL'; readonly port?: number; readonly sni: string; readonly caCertificates: string; readonly credentialName?: string };
  readonly origin: DocPath;
}

export interface IngressModel {
  readonly name: string;
  readonly namespace: string;
  readonly clusters: readonly string[];
  readonly host: string;
  readonly protocol: 'HTTP' | 'HTTPS' | 'TCP' | 'TLS';
  readonly port: number;
  readonly tls?: { readonly mode: 'SIMPLE' | 'MUTUAL' | 'PASSTHROUGH'; readonly credentialName: string };
  readonly paths: readonly string[];
  readonly to: DestinationModel;
  /** The API the gateway side is written in: Istio's Gateway + VirtualService, or Gateway API (docs/gateway-api.md). */
  readonly api: IngressApi;
  readonly origin: DocPath;
}

export type IngressApi = 'istio' | 'gateway-api';

export interface GitopsModel {
  readonly engine: GitopsEngine;
  readonly repoURL: string;
  readonly branch: string;
  readonly path: string;
  /** Whether meshforge installs the Gateway API CRD bundle in clusters whose tree holds Gateway API objects. */
  readonly gatewayApiCrds: boolean;
  readonly github?: { readonly repository?: string; readonly baseUrl: string };
  readonly argocd: { readonly namespace: string; readonly project: string };
  readonly flux: { readonly namespace: string; readonly interval: string };
  readonly origin: DocPath;
}

export interface PolicyException {
  readonly rule: string;
  readonly reason: string;
  readonly cluster?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly origin: DocPath;
}

export interface PolicySettings {
  readonly severity: Readonly<Record<string, SeverityOverride>>;
  readonly exceptions: readonly PolicyException[];
}
