/**
 * mesh.config.yaml after schema validation, with the schema's defaults filled in.
 * Generated from schemas/mesh.config.schema.json by `npm run schemas` (scripts/derive-config-types.ts). Do not edit:
 * change the schema and regenerate. test/config/types.test.ts fails when the two differ.
 */
/* eslint-disable */

/**
 * A DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters. It becomes a directory and resource name.
 */
export type DnsLabel = string;
/**
 * A DNS host name, optionally with a leading '*.' wildcard.
 */
export type Hostname = string;
/**
 * A container registry and optional repository path, as in an image reference: host[:port][/path], e.g. docker.io/istio, gcr.io/istio-release or registry.example.com:5000/mirror/istio.
 */
export type ImageRegistry = string;
/**
 * An IPv4 CIDR block such as 240.0.0.0/16.
 */
export type Cidr = string;
/**
 * A Kubernetes label value: empty, or at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit.
 */
export type LabelValue = string;
/**
 * An IPv4 address or a DNS name (lower case, no wildcard), e.g. 192.0.2.10 or gw.example.com.
 */
export type Address = string;
/**
 * An IPv4 address.
 */
export type Ipv4 = string;
/**
 * A TCP/UDP port number.
 */
export type PortNumber = number;
/**
 * A Kubernetes NodePort (the default NodePort range is 30000-32767).
 */
export type NodePort = number;
/**
 * Istio port protocol. It decides how the sidecar handles traffic on this port.
 */
export type Protocol = 'HTTP' | 'HTTPS' | 'HTTP2' | 'GRPC' | 'TCP' | 'TLS' | 'MONGO' | 'REDIS' | 'MYSQL';
/**
 * An absolute file path, without spaces or control characters, e.g. /etc/ssl/certs/ca-certificates.crt.
 */
export type AbsolutePath = string;
/**
 * A git remote: an https://, http://, ssh:// or git:// URL, or the scp-like form git@host:org/repo.git. No spaces, braces or credentials.
 */
export type GitUrl = string;
/**
 * A git branch name as `git check-ref-format --branch` accepts it: no spaces or control characters, none of ~ ^ : ? * [ \ { }, no '..', '//' or '@{', no part starting with '.' or ending with '.lock', not starting with '-' or '/', not ending with '/' or ending with '.', e.g. main or release/1.2.
 */
export type GitRef = string;
/**
 * A relative folder inside the repository: parts of letters, digits, '.', '_' and '-' separated by '/', none of them '.' or '..', e.g. clusters or envs/prod/clusters.
 */
export type RepoPath = string;
/**
 * A DNS-1123 subdomain (a Kubernetes object name): lower-case letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit, at most 253 characters.
 */
export type DnsSubdomain = string;

/**
 * One declarative description of an Istio mesh across clusters. meshforge validates it, generates every cluster's manifests from it, lints the result and delivers it to GitOps.
 */
export interface MeshConfig {
  /**
   * Version of this file's format. Only meshforge.io/v1alpha1 exists today.
   */
  apiVersion: 'meshforge.io/v1alpha1';
  mesh: Mesh;
  /**
   * Every cluster of the mesh. Each gets its own folder clusters/<name>/ in the generated tree.
   *
   * @minItems 1
   */
  clusters: Cluster[];
  /**
   * Application namespaces meshforge creates, with their sidecar injection setting.
   */
  namespaces: Namespace[];
  /**
   * Mesh-internal services: where they run, their ports, versions, and which other clusters may call them.
   */
  services: Service[];
  /**
   * Traffic routing inside the mesh: weighted splits across clusters and versions, header and host matches, TCP routes. Each becomes a VirtualService.
   */
  routes: Route[];
  /**
   * Destinations outside the mesh (databases, SaaS APIs). With REGISTRY_ONLY these are the only external hosts workloads may reach. Each becomes a ServiceEntry with location MESH_EXTERNAL.
   */
  externalServices: ExternalService[];
  /**
   * Hosts exposed to clients outside the mesh through a cluster's ingress gateway. Each becomes a Gateway and a VirtualService, or with api: gateway-api a Gateway API Gateway and route.
   */
  ingress: Ingress[];
  gitops?: Gitops;
  policies: Policies;
}
/**
 * Mesh-wide identity, certificate authority, VIP ranges and defaults.
 */
export interface Mesh {
  id: DnsLabel;
  trustDomain: Hostname;
  /**
   * Istio release and API versions used for every cluster unless a cluster overrides them.
   */
  istio: {
    /**
     * Istio release (Helm chart version or istioctl version). meshforge supports 1.24.0 to 1.29.x (config-unsupported-version otherwise): values, chart keys and proxy settings follow this version.
     */
    version: string;
    hub: ImageRegistry;
    /**
     * apiVersion for Gateway, VirtualService, DestinationRule, ServiceEntry and Sidecar. Keep v1 unless a cluster runs Istio older than 1.22.
     */
    networkingApiVersion: 'networking.istio.io/v1' | 'networking.istio.io/v1beta1' | 'networking.istio.io/v1alpha3';
    /**
     * apiVersion for PeerAuthentication and AuthorizationPolicy.
     */
    securityApiVersion: 'security.istio.io/v1' | 'security.istio.io/v1beta1';
  };
  /**
   * Subjects and validity of the plugin CA hierarchy built by `meshforge certs init` (Istio's Makefile.selfsigned.mk profile).
   */
  ca: {
    /**
     * The shared root CA.
     */
    root: {
      /**
       * Organization (O) of the certificate subject. One line: no line breaks or control characters.
       */
      org: string;
      /**
       * Common name (CN) of the certificate subject. One line: no line breaks or control characters.
       */
      cn: string;
      /**
       * Validity in days from the moment of issue.
       */
      days: number;
    };
    /**
     * The per-cluster intermediate CA (L=<cluster> is added).
     */
    intermediate: {
      /**
       * Organization (O). One line: no line breaks or control characters.
       */
      org: string;
      /**
       * Common name (CN). One line: no line breaks or control characters.
       */
      cn: string;
      /**
       * Validity in days.
       */
      days: number;
      sanDns: Hostname;
    };
    /**
     * The CA that signs ingress server and client certificates for SIMPLE and MUTUAL gateways.
     */
    ingress: {
      /**
       * Organization (O) of the certificate subject. One line: no line breaks or control characters.
       */
      org: string;
      /**
       * Common name (CN) of the certificate subject. One line: no line breaks or control characters.
       */
      cn: string;
      /**
       * Validity in days from the moment of issue.
       */
      days: number;
    };
    /**
     * Folder (relative to mesh.config.yaml) where keys and certificates are kept. Must not be tracked by git. One line: no line breaks or control characters.
     */
    pkiDir: string;
    /**
     * `certs verify` warns when a certificate expires within this many days.
     */
    expiryWarningDays: number;
  };
  /**
   * IPv4 ranges from which meshforge allocates the non-routable VIPs of imported services (recorded in mesh.lock.yaml). They must not overlap each other or Istio's own auto-allocation range 240.240.0.0/16.
   *
   * @minItems 1
   */
  vipRanges: Cidr[];
  /**
   * Mesh-wide defaults. A cluster may override outboundTrafficPolicy only with a policy exception that records why.
   */
  defaults: {
    /**
     * REGISTRY_ONLY blocks calls to hosts that are not in the service registry.
     */
    outboundTrafficPolicy: 'REGISTRY_ONLY' | 'ALLOW_ANY';
    /**
     * Mode of the mesh-wide PeerAuthentication in istio-system.
     */
    mtls: 'STRICT' | 'PERMISSIVE';
    /**
     * Envoy access log destination: an absolute path such as /dev/stdout. Empty string turns access logs off.
     */
    accessLogFile: string;
    /**
     * Sidecars answer DNS (ISTIO_META_DNS_CAPTURE) so that VIPs of ServiceEntries resolve.
     */
    dnsCapture: boolean;
    /**
     * meshConfig.enableAutoMtls.
     */
    autoMtls: boolean;
    /**
     * Default sidecar injection for namespaces that do not set it.
     */
    injection: boolean;
  };
}
/**
 * One Kubernetes cluster with its own Istio control plane.
 */
export interface Cluster {
  name: DnsLabel;
  network: DnsLabel;
  /**
   * The data plane of this cluster. sidecar: Envoy sidecars injected into pods (charts base, istiod, gateway). ambient: ztunnel and waypoints (charts base, istiod with profile ambient, cni, ztunnel), namespaces labelled istio.io/dataplane-mode=ambient and, across networks, an istio-east-west Gateway (HBONE on 15008). Ambient across several clusters needs Istio 1.27 or later, multi-primary only, installed with Helm (install.method: helm).
   */
  dataPlaneMode: 'sidecar' | 'ambient';
  region?: LabelValue;
  zone?: LabelValue;
  /**
   * How Istio's control plane is installed on this cluster.
   */
  install: {
    /**
     * helm: values files for the base, istiod and gateway charts (what Argo CD and Flux can sync). istioctl: an IstioOperator file for `istioctl install -f`.
     */
    method: 'helm' | 'istioctl';
    /**
     * Istio release for this cluster. Defaults to mesh.istio.version.
     */
    version?: string;
    /**
     * Control-plane revision (canary upgrades). Empty means the default revision.
     */
    revision?: string;
    /**
     * Installation profile.
     */
    profile: 'default' | 'minimal' | 'demo' | 'remote' | 'empty';
  };
  ingressGateway: IngressGateway;
  eastWestGateway?: EastWestGateway;
  /**
   * Overrides mesh.defaults.outboundTrafficPolicy for this cluster. ALLOW_ANY needs a policy exception for registry-only with a reason.
   */
  outboundTrafficPolicy?: 'REGISTRY_ONLY' | 'ALLOW_ANY';
  /**
   * Services of other clusters this cluster calls. The same as listing this cluster in the service's exportTo.
   */
  imports: {
    /**
     * The service as namespace/name.
     */
    service: string;
    from: DnsLabel;
  }[];
  /**
   * Where GitOps engines deliver this cluster's folder.
   */
  destination?: {
    /**
     * Kubernetes API server URL as registered in Argo CD. No credentials: no user@ part and no token in the query.
     */
    server?: string;
    /**
     * Argo CD cluster name: letters, digits and - _ . : @ /, starting and ending with a letter or digit. Defaults to the cluster name.
     */
    name?: string;
  };
}
/**
 * The cluster's ingress gateway. It serves ingress hosts and, on port 15443 (AUTO_PASSTHROUGH), the services this cluster exports.
 */
export interface IngressGateway {
  name: DnsLabel;
  namespace: DnsLabel;
  address?: Address;
  /**
   * Kubernetes Service type.
   */
  serviceType: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
  /**
   * spec.externalIPs of the gateway Service.
   */
  externalIPs: Ipv4[];
  /**
   * ISTIO_META_ROUTER_MODE of the gateway. Istio removed this setting in 1.14 and every supported release ignores it: AUTO_PASSTHROUGH on 15443 works without it (gateways get SNI-DNAT clusters on their own). meshforge writes the variable only for releases that still read it, so it is never written for Istio 1.24 to 1.29.
   */
  routerMode: 'standard' | 'sni-dnat';
  /**
   * Service ports. Defaults to status-port 15021, http2 80->8080, https 443->8443 and tls 15443.
   *
   * @minItems 1
   */
  ports: GatewayPort[];
  /**
   * Replace Envoy's `server` response header on this gateway (an EnvoyFilter), so responses do not reveal the proxy.
   */
  serverHeader?: {
    /**
     * The value of the server header: printable ASCII, no line breaks, not starting or ending with a space.
     */
    value: string;
  };
}
/**
 * A port of the gateway's Kubernetes Service.
 */
export interface GatewayPort {
  name: DnsLabel;
  port: PortNumber;
  targetPort?: PortNumber;
  nodePort?: NodePort;
}
/**
 * The east-west gateway of multi-primary, multi-network meshes, and its `*.local` cross-network Gateway (AUTO_PASSTHROUGH on 15443).
 */
export interface EastWestGateway {
  /**
   * Generate the east-west gateway and cross-network Gateway.
   */
  enabled: boolean;
  name: DnsLabel;
  address?: Address;
  /**
   * Kubernetes Service type.
   */
  serviceType: 'LoadBalancer' | 'NodePort';
  /**
   * Service ports. Defaults to status-port 15021, tls 15443, tls-istiod 15012 and tls-webhook 15017. With the defaults a Helm install sets only networkGateway and the gateway chart writes these ports itself; other ports (a nodePort, an extra port) are written as service.ports with the network label and env, since the chart ignores service.ports when networkGateway is set.
   *
   * @minItems 1
   */
  ports: GatewayPort[];
}
/**
 * An application namespace.
 */
export interface Namespace {
  name: DnsLabel;
  /**
   * Clusters that get this namespace. Without it: the clusters that use it (where its services run, the clusters importing them, where its routes, external services and ingress entries are generated); a namespace nothing uses goes to no cluster, with the warning config-unused-namespace. Removing a service never adds a namespace elsewhere.
   */
  clusters?: DnsLabel[];
  /**
   * Label the namespace istio-injection=enabled (true) or disabled (false). Defaults to mesh.defaults.injection.
   */
  injection?: boolean;
  labels: Labels;
  /**
   * Overrides the cluster's data plane for this namespace. In an ambient cluster a namespace may stay on sidecar (istio-injection, Istio runs both side by side); a sidecar cluster has no ztunnel, so ambient is allowed only where every cluster of the namespace is ambient.
   */
  dataPlaneMode?: 'sidecar' | 'ambient';
  waypoint?: DnsLabel;
}
/**
 * Kubernetes labels: keys and values in label syntax (see labelKey and labelValue).
 */
export interface Labels {
  [k: string]: LabelValue;
}
/**
 * A mesh-internal service. Give cluster (one home) or clusters (several).
 */
export interface Service {
  name: DnsLabel;
  namespace: DnsLabel;
  cluster?: DnsLabel;
  /**
   * Every cluster that runs this service.
   *
   * @minItems 1
   */
  clusters?: DnsLabel[];
  /**
   * Ports of the service.
   *
   * @minItems 1
   */
  ports: ServicePort[];
  /**
   * Versions (DestinationRule subsets), each running in some of the service's clusters.
   */
  versions: {
    name: DnsLabel;
    labels?: Labels;
    /**
     * Clusters running this version. Defaults to all of the service's clusters.
     */
    clusters?: DnsLabel[];
  }[];
  /**
   * Clusters allowed to call this service across clusters. Each gets a ServiceEntry with a VIP and an ISTIO_MUTUAL DestinationRule; the home cluster exposes it on its gateway's 15443 (AUTO_PASSTHROUGH). '*' means every other cluster.
   */
  exportTo: (DnsLabel | '*')[];
  /**
   * Ambient: make this service GLOBAL (reachable from every cluster of the mesh, as multi-primary sidecars are). meshforge declares it in istiod's meshConfig.serviceScopeConfigs (its namespace plus serviceLabels), so the Service object needs no istio.io/global label.
   */
  global: boolean;
  serviceLabels?: Labels;
}
/**
 * A port the service listens on.
 */
export interface ServicePort {
  number: PortNumber;
  name?: DnsLabel;
  protocol: Protocol;
  targetPort?: PortNumber;
}
/**
 * A VirtualService for mesh traffic to one host, applied in the given clusters.
 */
export interface Route {
  name: DnsLabel;
  namespace: DnsLabel;
  /**
   * Clusters that get this route. Defaults to the clusters running the host's service.
   */
  clusters?: DnsLabel[];
  /**
   * The service whose traffic is routed: name, namespace/name, or a full host name.
   */
  host: string;
  /**
   * HTTP routes, first match wins.
   *
   * @minItems 1
   */
  http?: HttpRoute[];
  /**
   * TCP routes.
   *
   * @minItems 1
   */
  tcp?: TcpRoute[];
}
/**
 * One HTTP route: optional matches (any one matches) and weighted destinations.
 */
export interface HttpRoute {
  /**
   * Route name, shown in Envoy stats. One line: no line breaks or control characters.
   */
  name?: string;
  /**
   * Alternatives: the route applies when any one matches. Omit for a catch-all.
   */
  match: {
    uri?: StringMatch;
    authority?: StringMatch;
    /**
     * Request headers (lower-case names).
     */
    headers?: {
      [k: string]: StringMatch;
    };
    method?: StringMatch;
  }[];
  /**
   * Destinations. With several, give each a weight.
   *
   * @minItems 1
   */
  to: Destination[];
  /**
   * Request timeout, e.g. 5s.
   */
  timeout?: string;
  /**
   * Retry attempts.
   */
  retries?: number;
}
/**
 * How a header, URI or authority value matches: exactly one of exact, prefix, regex.
 */
export interface StringMatch {
  /**
   * Exact match. One line: no line breaks or control characters.
   */
  exact?: string;
  /**
   * Prefix match. One line: no line breaks or control characters.
   */
  prefix?: string;
  /**
   * RE2 regular expression. One line: no line breaks or control characters.
   */
  regex?: string;
}
/**
 * Where traffic goes: a service (optionally in another cluster, optionally one version) or an external host.
 */
export interface Destination {
  /**
   * A service as name (same namespace as the route) or namespace/name.
   */
  service?: string;
  host?: Hostname;
  cluster?: DnsLabel;
  version?: DnsLabel;
  port?: PortNumber;
  /**
   * Share of traffic in percent. The weights of one route sum to 100.
   */
  weight?: number;
}
/**
 * One TCP route, matched on the destination port.
 */
export interface TcpRoute {
  port?: PortNumber;
  /**
   * Destinations.
   *
   * @minItems 1
   */
  to: Destination[];
}
/**
 * A destination outside the mesh.
 */
export interface ExternalService {
  name: DnsLabel;
  namespace: DnsLabel;
  /**
   * Clusters that may reach it. Defaults to every cluster.
   */
  clusters?: DnsLabel[];
  /**
   * Host names clients use.
   *
   * @minItems 1
   */
  hosts: Hostname[];
  /**
   * Ports clients use.
   *
   * @minItems 1
   */
  ports: ServicePort[];
  /**
   * STATIC: the endpoints' IPs. DNS: resolve the host (or the endpoints' names). NONE: pass through to the original destination.
   */
  resolution: 'DNS' | 'STATIC' | 'NONE';
  /**
   * Virtual IPs of the service (none by default). 'auto' allocates one from mesh.vipRanges per cluster (recorded in mesh.lock.yaml), needed for TCP ports when several services share a port.
   */
  addresses: 'auto' | string[];
  /**
   * Endpoints. Required for STATIC resolution.
   */
  endpoints: {
    address: Address;
    /**
     * Port name to endpoint port.
     */
    ports?: {
      [k: string]: PortNumber;
    };
  }[];
  /**
   * TLS origination: the sidecar upgrades plain traffic on a port to TLS towards the endpoint (a DestinationRule).
   */
  tls?: {
    /**
     * SIMPLE: server-authenticated TLS. MUTUAL: also present a client certificate.
     */
    mode: 'SIMPLE' | 'MUTUAL';
    port?: PortNumber;
    sni?: Hostname;
    caCertificates: AbsolutePath;
    credentialName?: DnsLabel;
  };
}
/**
 * A host exposed on a cluster's ingress gateway.
 */
export interface Ingress {
  name: DnsLabel;
  namespace?: DnsLabel;
  /**
   * Clusters whose ingress gateway serves this host. Defaults to the clusters running the destination service.
   */
  clusters?: DnsLabel[];
  /**
   * Host name clients use (lower-case DNS name, optionally with a leading '*.'), or '*' for a TCP port.
   */
  host?: string;
  /**
   * Gateway protocol. Defaults to HTTPS when tls is given, else HTTP.
   */
  protocol?: 'HTTP' | 'HTTPS' | 'TCP' | 'TLS';
  port?: PortNumber;
  /**
   * TLS on the gateway.
   */
  tls?: {
    /**
     * SIMPLE: the gateway terminates TLS. MUTUAL: and requires a client certificate. PASSTHROUGH: route on SNI, the backend terminates.
     */
    mode: 'SIMPLE' | 'MUTUAL' | 'PASSTHROUGH';
    credentialName?: DnsLabel;
  };
  /**
   * Path prefixes to route. Omit for everything.
   *
   * Items: A URI path prefix starting with '/', in URI path characters.
   */
  paths: string[];
  to: Destination;
  /**
   * Which API the gateway side is written in. istio: an Istio Gateway and VirtualService on the cluster's ingress gateway. gateway-api: a Gateway API Gateway of class istio (Istio deploys a gateway Deployment and Service for it in this entry's namespace) with an HTTPRoute, TLSRoute or TCPRoute, and ReferenceGrants where a reference crosses namespaces. Needs the Gateway API CRDs in the cluster (see docs/gateway-api.md).
   */
  api: 'istio' | 'gateway-api';
}
/**
 * How Argo CD or Flux syncs the generated tree.
 */
export interface Gitops {
  /**
   * Which engine's objects to generate.
   */
  engine: 'argocd' | 'flux' | 'both';
  repoURL: GitUrl;
  branch: GitRef;
  path: RepoPath;
  /**
   * Install the Gateway API CRD bundle (kubernetes-sigs/gateway-api at the tag the cluster's Istio release was built against, standard channel, or experimental when the cluster's tree holds an experimental kind) in every cluster whose generated tree holds a gateway.networking.k8s.io object: an Argo CD Application and a Flux GitRepository + Kustomization that apply before the mesh configuration. Set false when the platform installs the CRDs itself.
   */
  gatewayApiCrds: boolean;
  /**
   * The GitHub repository that `meshforge pr --provider github` opens pull requests on.
   */
  github?: {
    /**
     * OWNER/REPO.
     */
    repository?: string;
    /**
     * API base URL; set it for GitHub Enterprise Server.
     */
    baseUrl: string;
  };
  /**
   * Argo CD settings for the generated ApplicationSet.
   */
  argocd: {
    namespace: DnsLabel;
    project: DnsSubdomain;
  };
  /**
   * Flux settings for the generated GitRepository, Kustomizations and HelmReleases.
   */
  flux: {
    namespace: DnsLabel;
    /**
     * Reconcile interval.
     */
    interval: string;
  };
}
/**
 * Policy rule settings: severity overrides and recorded exceptions.
 */
export interface Policies {
  /**
   * Rule id to severity. 'off' turns a rule off.
   */
  severity: {
    [k: string]: 'error' | 'warning' | 'info' | 'off';
  };
  /**
   * Findings accepted on purpose. Each names a rule, the resources it covers and why.
   */
  exceptions: {
    /**
     * Rule id.
     */
    rule: string;
    /**
     * Why this is accepted (at least 10 characters). Shown in reports. One line: no line breaks or control characters.
     */
    reason: string;
    /**
     * Only in this cluster ('*' or omitted: every cluster). One line: no line breaks or control characters.
     */
    cluster?: string;
    /**
     * Only resources of this kind. One line: no line breaks or control characters.
     */
    kind?: string;
    /**
     * Only in this namespace. One line: no line breaks or control characters.
     */
    namespace?: string;
    /**
     * Only this resource name; '*' at the end matches a prefix. One line: no line breaks or control characters.
     */
    name?: string;
  }[];
}
