/**
 * Parity grid in the style of istioctl analyze's analyzer tests: per rule, table-driven cases of input manifests and
 * the findings expected, as `{ rule, resource: 'Kind ns/name' }` (and the cluster, for clustered inputs). Cases that
 * expect nothing guard against false positives. The cases are meshforge's own, written from the analyzers'
 * documented behaviour (message codes in the comments); where meshforge differs on purpose the rule's doc says so.
 */
import { describe, expect, it } from 'vitest';
import { collectReports } from '../../generator/lint/engine.js';
import { findRule } from '../../policies/index.js';
import { loadCase } from '../lint/rule-tester.js';

interface Expected {
  readonly rule: string;
  /** `Kind namespace/name` or `Kind name`. */
  readonly resource: string;
  readonly cluster?: string;
}

interface GridCase {
  readonly name: string;
  /** YAML text ('' cluster), or YAML texts by cluster name (a cluster may hold texts by file path). */
  readonly inputs: string | Readonly<Record<string, string | Readonly<Record<string, string>>>>;
  readonly expected: readonly Expected[];
}

const doc = (apiVersion: string, kind: string, namespace: string | undefined, name: string, body: string) =>
  `---\napiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: { name: ${name}${namespace ? `, namespace: ${namespace}` : ''} }\n${body}\n`;
const net = (kind: string, namespace: string, name: string, spec: string) => doc('networking.istio.io/v1', kind, namespace, name, `spec:\n${spec}`);
const vs = (namespace: string, name: string, spec: string) => net('VirtualService', namespace, name, spec);
const dr = (namespace: string, name: string, spec: string) => net('DestinationRule', namespace, name, spec);
const se = (namespace: string, name: string, spec: string) => net('ServiceEntry', namespace, name, spec);
const gw = (namespace: string, name: string, spec: string) => net('Gateway', namespace, name, spec);
const svc = (namespace: string, name: string, ports = '[{ name: http, port: 80 }]') => doc('v1', 'Service', namespace, name, `spec:\n  selector: { app: ${name} }\n  ports: ${ports}`);
const httpGateway = (namespace: string, name: string, hosts: string, selector = 'istio: ingressgateway') =>
  gw(namespace, name, `  selector: { ${selector} }\n  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ${hosts} }]`);
const tlsGateway = (namespace: string, name: string, tls: string, selector = 'istio: ingressgateway') =>
  gw(namespace, name, `  selector: { ${selector} }\n  servers: [{ port: { number: 443, name: https, protocol: HTTPS }, hosts: ["${name}.example.com"], tls: { mode: SIMPLE, ${tls} } }]`);
const routeTo = (host: string) => `[{ route: [{ destination: { host: ${host} } }] }]`;
const meshConfigMap = (mesh: string) => doc('v1', 'ConfigMap', 'istio-system', 'istio', `data:\n  mesh: |-\n${mesh.split('\n').map((l) => `    ${l}`).join('\n')}`);
const dnsCapture = 'defaultConfig:\n  proxyMetadata:\n    ISTIO_META_DNS_CAPTURE: "true"';
const tcpEntry = (namespace: string, name: string, extra = '') => se(namespace, name, `  hosts: [${name}.db.example]\n  resolution: DNS\n${extra}  ports: [{ number: 5432, name: tcp-pg, protocol: TCP }]`);

const istiod = (version: string) =>
  doc('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'istio-system', 'istiod', `spec:\n  chart: { spec: { chart: istiod, version: ${version}, sourceRef: { kind: HelmRepository, name: istio } } }\n  values: {}`);
const gatewayApiCrd = (plural: string, bundle: string) =>
  doc('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, `${plural}.gateway.networking.k8s.io`, 'spec:\n  group: gateway.networking.k8s.io').replace(
    `name: ${plural}.gateway.networking.k8s.io }`,
    `name: ${plural}.gateway.networking.k8s.io, annotations: { gateway.networking.k8s.io/bundle-version: ${bundle}, gateway.networking.k8s.io/channel: standard } }`,
  );

const GRID: Readonly<Record<string, readonly GridCase[]>> = {
  // IST0002: deprecated fields, ignored fields, removed kinds.
  'deprecated-api': [
    { name: 'fault.delay.percent', inputs: vs('shop', 'slow', `  hosts: [cart]\n  http: [{ fault: { delay: { percent: 50, fixedDelay: 2s } }, route: [{ destination: { host: cart } }] }]`), expected: [{ rule: 'deprecated-api', resource: 'VirtualService shop/slow' }] },
    { name: 'fault.delay.percentage is current', inputs: vs('shop', 'slow', `  hosts: [cart]\n  http: [{ fault: { delay: { percentage: { value: 50 }, fixedDelay: 2s } }, route: [{ destination: { host: cart } }] }]`), expected: [] },
    { name: 'Sidecar egressProxy is ignored', inputs: net('Sidecar', 'shop', 'default', '  outboundTrafficPolicy: { mode: ALLOW_ANY, egressProxy: { host: squid.proxy.svc.cluster.local } }'), expected: [{ rule: 'deprecated-api', resource: 'Sidecar shop/default' }] },
    { name: 'removed rbac.istio.io CRD', inputs: doc('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'rbacconfigs.rbac.istio.io', 'spec:\n  group: rbac.istio.io\n  names: { kind: RbacConfig }'), expected: [{ rule: 'deprecated-api', resource: 'CustomResourceDefinition rbacconfigs.rbac.istio.io' }] },
    { name: 'security.istio.io CRD is current', inputs: doc('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'peerauthentications.security.istio.io', 'spec:\n  group: security.istio.io\n  names: { kind: PeerAuthentication }'), expected: [] },
  ],
  // IST0109: mesh-gateway VirtualServices with one host, exportTo-aware; every party is reported.
  'virtual-service-host-conflict': [
    { name: 'two VirtualServices for one host, exported everywhere', inputs: vs('shop', 'a', `  hosts: [cart]\n  http: ${routeTo('cart')}`) + vs('shop', 'b', `  hosts: [cart.shop.svc.cluster.local]\n  http: ${routeTo('cart')}`), expected: [{ rule: 'virtual-service-host-conflict', resource: 'VirtualService shop/a' }, { rule: 'virtual-service-host-conflict', resource: 'VirtualService shop/b' }] },
    { name: 'exported to their own namespaces only', inputs: vs('team-a', 'a', `  hosts: [api.example.com]\n  exportTo: ["."]\n  http: ${routeTo('api.example.com')}`) + vs('team-b', 'b', `  hosts: [api.example.com]\n  exportTo: ["."]\n  http: ${routeTo('api.example.com')}`), expected: [] },
    { name: 'exported to one namespace that both reach', inputs: vs('team-a', 'a', `  hosts: [api.example.com]\n  exportTo: ["."]\n  http: ${routeTo('api.example.com')}`) + vs('team-b', 'b', `  hosts: [api.example.com]\n  exportTo: [team-a]\n  http: ${routeTo('api.example.com')}`), expected: [{ rule: 'virtual-service-host-conflict', resource: 'VirtualService team-a/a' }, { rule: 'virtual-service-host-conflict', resource: 'VirtualService team-b/b' }] },
    { name: 'one scoped host under a wildcard exported everywhere', inputs: vs('edge', 'wild', `  hosts: ["*.corp.example"]\n  http: ${routeTo('proxy')}`) + vs('ledger', 'narrow', `  hosts: [ledger.corp.example]\n  exportTo: ["."]\n  http: ${routeTo('ledger')}`), expected: [{ rule: 'virtual-service-host-conflict', resource: 'VirtualService edge/wild' }, { rule: 'virtual-service-host-conflict', resource: 'VirtualService ledger/narrow' }] },
    { name: 'a wildcard and a name, both exported everywhere', inputs: vs('edge', 'wild', `  hosts: ["*.corp.example"]\n  http: ${routeTo('proxy')}`) + vs('ledger', 'exact', `  hosts: [ledger.corp.example]\n  http: ${routeTo('ledger')}`), expected: [] },
    { name: 'one bound to a gateway only', inputs: vs('shop', 'a', `  hosts: [cart]\n  http: ${routeTo('cart')}`) + vs('shop', 'b', `  hosts: [cart]\n  gateways: [istio-system/ingress]\n  http: ${routeTo('cart')}`), expected: [] },
    { name: 'the same host in two clusters', inputs: { east: vs('shop', 'a', `  hosts: [cart]\n  http: ${routeTo('cart')}`), west: vs('shop', 'b', `  hosts: [cart]\n  http: ${routeTo('cart')}`) }, expected: [] },
  ],
  // IST0101 (gateway): the reference resolves in every form istiod reads, in the resource's cluster.
  'gateway-not-found': [
    { name: 'missing gateway', inputs: vs('shop', 'web', `  hosts: [shop.example.com]\n  gateways: [istio-system/ingress]\n  http: ${routeTo('web')}`), expected: [{ rule: 'gateway-not-found', resource: 'VirtualService shop/web' }] },
    { name: 'FQDN form', inputs: httpGateway('istio-system', 'ingress', '["*"]') + vs('shop', 'web', `  hosts: [shop.example.com]\n  gateways: [ingress.istio-system.svc.cluster.local]\n  http: ${routeTo('web')}`), expected: [] },
    { name: './name and mesh', inputs: httpGateway('shop', 'local', '["*"]') + vs('shop', 'web', `  hosts: [shop.example.com]\n  gateways: [./local, mesh]\n  http: ${routeTo('web')}`), expected: [] },
    { name: 'Gateway only in another cluster', inputs: { east: httpGateway('istio-system', 'ingress', '["*"]'), west: vs('shop', 'web', `  hosts: [shop.example.com]\n  gateways: [istio-system/ingress]\n  http: ${routeTo('web')}`) }, expected: [{ rule: 'gateway-not-found', resource: 'VirtualService shop/web', cluster: 'west' }] },
  ],
  // IST0132: a bound Gateway that serves none of the VirtualService's hosts.
  'gateway-host-mismatch': [
    { name: 'host not on the gateway', inputs: httpGateway('istio-system', 'ingress', '[a.example.com]') + vs('shop', 'web', `  hosts: [b.example.com]\n  gateways: [istio-system/ingress]\n  http: ${routeTo('web')}`), expected: [{ rule: 'gateway-host-mismatch', resource: 'VirtualService shop/web' }] },
    { name: 'ns/host for another namespace', inputs: httpGateway('istio-system', 'ingress', '["billing/b.example.com"]') + vs('shop', 'web', `  hosts: [b.example.com]\n  gateways: [istio-system/ingress]\n  http: ${routeTo('web')}`), expected: [{ rule: 'gateway-host-mismatch', resource: 'VirtualService shop/web' }] },
    { name: 'ns/host for this namespace, FQDN gateway reference', inputs: httpGateway('istio-system', 'ingress', '["shop/b.example.com"]') + vs('shop', 'web', `  hosts: [b.example.com]\n  gateways: [ingress.istio-system.svc.cluster.local]\n  http: ${routeTo('web')}`), expected: [] },
    { name: '*/host and a wildcard', inputs: httpGateway('istio-system', 'ingress', '["*/b.example.com", "*.example.org"]') + vs('shop', 'web', `  hosts: [b.example.com, c.example.org]\n  gateways: [istio-system/ingress]\n  http: ${routeTo('web')}`), expected: [] },
    { name: 'a Gateway that names no cluster', inputs: { '': httpGateway('istio-system', 'ingress', '[b.example.com]'), east: vs('shop', 'web', `  hosts: [b.example.com]\n  gateways: [istio-system/ingress]\n  http: ${routeTo('web')}`) }, expected: [] },
  ],
  // IST0138: one certificate on several Gateways of the same pods.
  'gateway-credential-conflict': [
    { name: 'same credential, same selector', inputs: tlsGateway('istio-system', 'a', 'credentialName: shared') + tlsGateway('istio-system', 'b', 'credentialName: shared'), expected: [{ rule: 'gateway-credential-conflict', resource: 'Gateway istio-system/a' }, { rule: 'gateway-credential-conflict', resource: 'Gateway istio-system/b' }] },
    { name: 'a Gateway without selector meets every Gateway', inputs: gw('istio-system', 'any', `  servers: [{ port: { number: 443, name: https, protocol: HTTPS }, hosts: [any.example.com], tls: { mode: SIMPLE, credentialName: shared } }]`) + tlsGateway('istio-system', 'b', 'credentialName: shared'), expected: [{ rule: 'gateway-credential-conflict', resource: 'Gateway istio-system/any' }] },
    { name: 'same files', inputs: tlsGateway('istio-system', 'a', 'serverCertificate: /certs/tls.crt, privateKey: /certs/tls.key') + tlsGateway('istio-system', 'b', 'serverCertificate: /certs/tls.crt, privateKey: /certs/tls.key'), expected: [{ rule: 'gateway-credential-conflict', resource: 'Gateway istio-system/a' }, { rule: 'gateway-credential-conflict', resource: 'Gateway istio-system/b' }] },
    { name: 'different workloads', inputs: tlsGateway('istio-system', 'a', 'credentialName: shared') + tlsGateway('istio-system', 'b', 'credentialName: shared', 'istio: internal'), expected: [] },
    { name: 'different credentials', inputs: tlsGateway('istio-system', 'a', 'credentialName: a-cert') + tlsGateway('istio-system', 'b', 'credentialName: b-cert'), expected: [] },
  ],
  // IST0140: the sidecars' subset split does not apply to gateway traffic.
  'ingress-route-subsets': [
    {
      name: 'gateway route without subset to a split host',
      inputs: vs('shop', 'split', `  hosts: [cart]\n  http: [{ route: [{ destination: { host: cart, subset: v1 }, weight: 80 }, { destination: { host: cart, subset: v2 }, weight: 20 }] }]`) + vs('shop', 'edge', `  hosts: [shop.example.com]\n  gateways: [istio-system/ingress]\n  http: ${routeTo('cart')}`),
      expected: [{ rule: 'ingress-route-subsets', resource: 'VirtualService shop/edge' }],
    },
    { name: 'gateway route with the subset', inputs: vs('shop', 'split', `  hosts: [cart]\n  http: [{ route: [{ destination: { host: cart, subset: v1 } }] }]`) + vs('shop', 'edge', `  hosts: [shop.example.com]\n  gateways: [istio-system/ingress]\n  http: [{ route: [{ destination: { host: cart, subset: v1 } }] }]`), expected: [] },
  ],
  // IST0177: one host and port, different protocols, visible together; every party is reported.
  'service-entry-protocol-conflict': [
    { name: 'HTTP and HTTPS', inputs: se('default', 'plain', '  hosts: [istio.example]\n  ports: [{ number: 443, name: p, protocol: HTTP }]') + se('default', 'secure', '  hosts: [istio.example]\n  ports: [{ number: 443, name: p, protocol: HTTPS }]'), expected: [{ rule: 'service-entry-protocol-conflict', resource: 'ServiceEntry default/plain' }, { rule: 'service-entry-protocol-conflict', resource: 'ServiceEntry default/secure' }] },
    { name: 'no protocol and TLS', inputs: se('default', 'sniffed', '  hosts: [istio.example]\n  ports: [{ number: 443, name: p }]') + se('default', 'tls', '  hosts: [istio.example]\n  ports: [{ number: 443, name: p, protocol: TLS }]'), expected: [{ rule: 'service-entry-protocol-conflict', resource: 'ServiceEntry default/sniffed' }, { rule: 'service-entry-protocol-conflict', resource: 'ServiceEntry default/tls' }] },
    { name: 'same protocol in different case', inputs: se('a', 'x', '  hosts: [istio.example]\n  ports: [{ number: 443, name: p, protocol: https }]') + se('b', 'y', '  hosts: [istio.example]\n  ports: [{ number: 443, name: p, protocol: HTTPS }]'), expected: [] },
    { name: 'exported to disjoint namespaces', inputs: se('a', 'x', '  hosts: [istio.example]\n  exportTo: ["."]\n  ports: [{ number: 443, name: p, protocol: HTTP }]') + se('b', 'y', '  hosts: [istio.example]\n  exportTo: ["."]\n  ports: [{ number: 443, name: p, protocol: TLS }]'), expected: [] },
  ],
  // IST0134: TCP ServiceEntry without addresses, unless the mesh allocates them.
  'service-entry-addresses': [
    { name: 'no mesh config in the input', inputs: tcpEntry('shop', 'orders'), expected: [{ rule: 'service-entry-addresses', resource: 'ServiceEntry shop/orders' }] },
    { name: 'DNS capture and the DNS proxy allocation (ConfigMap)', inputs: meshConfigMap(`${dnsCapture}\n    ISTIO_META_DNS_AUTO_ALLOCATE: "true"`) + tcpEntry('shop', 'orders'), expected: [] },
    { name: 'DNS capture on 1.29 (istiod Helm values): allocated by default', inputs: { east: { 'install/istiod-values.yaml': `global:\n  tag: 1.29.0\nmeshConfig:\n  ${dnsCapture.replace(/\n/g, '\n  ')}\n`, 'shop/se.yaml': tcpEntry('shop', 'orders') } }, expected: [] },
    { name: 'DNS capture off', inputs: meshConfigMap('accessLogFile: /dev/stdout') + tcpEntry('shop', 'orders'), expected: [{ rule: 'service-entry-addresses', resource: 'ServiceEntry shop/orders' }] },
    { name: 'addresses given; HTTP needs none', inputs: tcpEntry('shop', 'orders', '  addresses: [240.0.3.1]\n') + se('shop', 'web', '  hosts: [web.example]\n  ports: [{ number: 80, name: http, protocol: HTTP }]'), expected: [] },
  ],
  // meshforge's own: VIPs collide only between different hosts.
  'unique-vips': [
    { name: 'same address, same host', inputs: se('a', 'x', '  hosts: [ledger.example]\n  addresses: [240.0.4.1]\n  ports: [{ number: 80, name: http, protocol: HTTP }]') + se('b', 'y', '  hosts: [ledger.example]\n  addresses: [240.0.4.1]\n  ports: [{ number: 9090, name: grpc, protocol: GRPC }]'), expected: [] },
    { name: 'same address, different hosts', inputs: se('a', 'x', '  hosts: [ledger.example]\n  addresses: [240.0.4.1]\n  ports: [{ number: 80, name: http, protocol: HTTP }]') + se('b', 'y', '  hosts: [audit.example]\n  addresses: [240.0.4.1]\n  ports: [{ number: 80, name: http, protocol: HTTP }]'), expected: [{ rule: 'unique-vips', resource: 'ServiceEntry b/y' }] },
  ],
  // meshforge's own: ISTIO_MUTUAL for declared mesh-internal hosts only.
  'istio-mutual': [
    { name: 'SIMPLE to a host nothing declares', inputs: dr('prod', 'db', '  host: postgres.prod.svc.cluster.local\n  trafficPolicy: { tls: { mode: SIMPLE, caCertificates: /etc/ca.pem } }'), expected: [] },
    { name: 'SIMPLE to a Service of another cluster', inputs: { east: svc('prod', 'postgres'), west: dr('prod', 'db', '  host: postgres.prod.svc.cluster.local\n  trafficPolicy: { tls: { mode: SIMPLE, caCertificates: /etc/ca.pem } }') }, expected: [{ rule: 'istio-mutual', resource: 'DestinationRule prod/db', cluster: 'west' }] },
  ],
  // IST0130/IST0131 (meshforge also counts a lone prefix "" or / as a catch-all).
  'unreachable-match': [
    { name: 'prefix "" first', inputs: vs('shop', 'web', `  hosts: [web]\n  http:\n    - match: [{ uri: { prefix: "" } }]\n      route: [{ destination: { host: web } }]\n    - match: [{ uri: { prefix: /api } }]\n      route: [{ destination: { host: api } }]`), expected: [{ rule: 'unreachable-match', resource: 'VirtualService shop/web' }] },
    { name: 'prefix "" last', inputs: vs('shop', 'web', `  hosts: [web]\n  http:\n    - match: [{ uri: { prefix: /api } }]\n      route: [{ destination: { host: api } }]\n    - match: [{ uri: { prefix: "" } }]\n      route: [{ destination: { host: web } }]`), expected: [] },
    { name: 'two routes without matches', inputs: vs('shop', 'web', `  hosts: [web]\n  tcp:\n    - route: [{ destination: { host: a } }]\n    - route: [{ destination: { host: b } }]`), expected: [{ rule: 'unreachable-match', resource: 'VirtualService shop/web' }] },
  ],
  // IST0101 (host): a host defined in any cluster of the fleet is found (istio/istio#36664).
  'destination-host-not-found': [
    { name: 'Service in another cluster', inputs: { east: svc('shop', 'cart'), west: svc('shop', 'web') + vs('shop', 'web', `  hosts: [web]\n  http: ${routeTo('cart')}`) }, expected: [] },
    { name: 'ServiceEntry in another namespace, exported', inputs: se('egress', 'partner', '  hosts: [api.partner.example]\n  ports: [{ number: 443, name: tls, protocol: TLS }]') + vs('shop', 'web', `  hosts: [api.partner.example]\n  tls: [{ match: [{ port: 443, sniHosts: [api.partner.example] }], route: [{ destination: { host: api.partner.example } }] }]`), expected: [] },
    { name: 'ServiceEntry in another namespace, not exported', inputs: se('egress', 'partner', '  hosts: [api.partner.example]\n  exportTo: ["."]\n  ports: [{ number: 443, name: tls, protocol: TLS }]') + vs('shop', 'web', `  hosts: [api.partner.example]\n  tls: [{ match: [{ port: 443, sniHosts: [api.partner.example] }], route: [{ destination: { host: api.partner.example } }] }]`), expected: [{ rule: 'destination-host-not-found', resource: 'VirtualService shop/web' }] },
  ],
  // IST0128: TLS origination without a CA.
  'tls-no-ca-certificates': [
    { name: 'SIMPLE without caCertificates', inputs: dr('prod', 'db', '  host: postgres.prod.svc.cluster.local\n  trafficPolicy: { tls: { mode: SIMPLE } }'), expected: [{ rule: 'tls-no-ca-certificates', resource: 'DestinationRule prod/db' }] },
    { name: 'SIMPLE with caCertificates', inputs: dr('prod', 'db', '  host: postgres.prod.svc.cluster.local\n  trafficPolicy: { tls: { mode: SIMPLE, caCertificates: /etc/ca.pem } }'), expected: [] },
  ],
  // IST0174: a DestinationRule host that matches nothing, judged across clusters.
  'destination-host-not-found/destination-rule': [
    { name: 'DestinationRule for a Service of another cluster', inputs: { east: svc('shop', 'cart'), west: svc('shop', 'web') + dr('shop', 'cart', '  host: cart\n  trafficPolicy: { loadBalancer: { simple: ROUND_ROBIN } }') }, expected: [] },
    { name: 'DestinationRule for a missing Service in a known namespace', inputs: svc('shop', 'web') + dr('shop', 'cart', '  host: cart\n  trafficPolicy: { loadBalancer: { simple: ROUND_ROBIN } }'), expected: [{ rule: 'destination-host-not-found', resource: 'DestinationRule shop/cart' }] },
  ],
  // IST0112: a route to a multi-port host names its port.
  'destination-port-missing': [
    { name: 'multi-port Service, no port', inputs: svc('shop', 'cart', '[{ name: http, port: 80 }, { name: grpc, port: 9090 }]') + vs('shop', 'cart', `  hosts: [cart]\n  http: ${routeTo('cart')}`), expected: [{ rule: 'destination-port-missing', resource: 'VirtualService shop/cart' }] },
    { name: 'multi-port Service, port named', inputs: svc('shop', 'cart', '[{ name: http, port: 80 }, { name: grpc, port: 9090 }]') + vs('shop', 'cart', `  hosts: [cart]\n  http: [{ route: [{ destination: { host: cart, port: { number: 80 } } }] }]`), expected: [] },
    { name: 'single-port Service in another cluster', inputs: { east: svc('shop', 'cart'), west: vs('shop', 'cart', `  hosts: [cart]\n  http: ${routeTo('cart')}`) }, expected: [] },
  ],
  // IST0151-IST0155: EnvoyFilter operations.
  'envoy-filter-operation': [
    { name: 'INSERT_BEFORE without priority', inputs: doc('networking.istio.io/v1alpha3', 'EnvoyFilter', 'istio-system', 'lua', 'spec:\n  configPatches:\n    - applyTo: HTTP_FILTER\n      patch: { operation: INSERT_BEFORE, value: { name: envoy.filters.http.lua } }'), expected: [{ rule: 'envoy-filter-operation', resource: 'EnvoyFilter istio-system/lua' }] },
    { name: 'ADD on HTTP_ROUTE', inputs: doc('networking.istio.io/v1alpha3', 'EnvoyFilter', 'istio-system', 'routes', 'spec:\n  priority: 1\n  configPatches:\n    - applyTo: HTTP_ROUTE\n      patch: { operation: ADD, value: { name: extra } }'), expected: [{ rule: 'envoy-filter-operation', resource: 'EnvoyFilter istio-system/routes' }] },
    { name: 'INSERT_FIRST and MERGE', inputs: doc('networking.istio.io/v1alpha3', 'EnvoyFilter', 'istio-system', 'fine', 'spec:\n  configPatches:\n    - applyTo: HTTP_FILTER\n      patch: { operation: INSERT_FIRST, value: { name: envoy.filters.http.lua } }\n    - applyTo: ROUTE_CONFIGURATION\n      patch: { operation: MERGE, value: { validate_clusters: false } }'), expected: [] },
  ],
  // IST0102 / IST0123: namespaces and their data-plane labels.
  'namespace-not-injected': [
    { name: 'no label', inputs: doc('v1', 'Namespace', undefined, 'shop', 'spec: {}'), expected: [{ rule: 'namespace-not-injected', resource: 'Namespace shop' }] },
    { name: 'explicitly disabled; kube-system', inputs: doc('v1', 'Namespace', undefined, 'batch', 'spec: {}').replace('name: batch', 'name: batch, labels: { istio-injection: disabled }') + doc('v1', 'Namespace', undefined, 'kube-system', 'spec: {}'), expected: [] },
  ],
  'namespace-injection-labels': [
    { name: 'injection and revision labels', inputs: doc('v1', 'Namespace', undefined, 'shop', 'spec: {}').replace('name: shop', 'name: shop, labels: { istio-injection: enabled, istio.io/rev: canary }'), expected: [{ rule: 'namespace-injection-labels', resource: 'Namespace shop' }] },
    { name: 'one revision label', inputs: doc('v1', 'Namespace', undefined, 'shop', 'spec: {}').replace('name: shop', 'name: shop, labels: { istio.io/rev: canary }'), expected: [] },
  ],
  // IST0118 / IST0150: port names.
  'service-port-name': [
    { name: 'unprefixed port name', inputs: svc('shop', 'cart', '[{ name: web, port: 80 }]'), expected: [{ rule: 'service-port-name', resource: 'Service shop/cart' }] },
    { name: 'ExternalName with a plain tcp port', inputs: doc('v1', 'Service', 'shop', 'partner', 'spec:\n  type: ExternalName\n  externalName: api.partner.example\n  ports: [{ name: tcp, port: 443 }]'), expected: [{ rule: 'service-port-name', resource: 'Service shop/partner' }] },
    { name: 'prefixed names and appProtocol', inputs: svc('shop', 'cart', '[{ name: http-web, port: 80 }, { name: db, port: 5432, appProtocol: postgresql }]'), expected: [] },
  ],
  // IST0162: gateway server ports the gateway pods' Service does not expose.
  'gateway-service-port': [
    {
      name: 'server port not on the Service',
      inputs: doc('apps/v1', 'Deployment', 'ingress', 'edge', 'spec:\n  template:\n    metadata: { labels: { istio: edge } }') + doc('v1', 'Service', 'ingress', 'edge', 'spec:\n  selector: { istio: edge }\n  ports: [{ name: http, port: 80, targetPort: 8080 }]') + gw('ingress', 'web', '  selector: { istio: edge }\n  servers: [{ port: { number: 9090, name: http-admin, protocol: HTTP }, hosts: ["*"] }]'),
      expected: [{ rule: 'gateway-service-port', resource: 'Gateway ingress/web' }],
    },
    { name: 'gateway pods not in the input', inputs: gw('ingress', 'web', '  selector: { istio: edge }\n  servers: [{ port: { number: 9090, name: http-admin, protocol: HTTP }, hosts: ["*"] }]'), expected: [] },
  ],
  // IST0110 / IST0111: Sidecars competing for the same workloads; every party is reported.
  'sidecar-selector-overlap': [
    { name: 'two namespace-wide Sidecars', inputs: net('Sidecar', 'shop', 'a', '  egress: [{ hosts: ["./*"] }]') + net('Sidecar', 'shop', 'b', '  egress: [{ hosts: ["./*"] }]'), expected: [{ rule: 'sidecar-selector-overlap', resource: 'Sidecar shop/a' }, { rule: 'sidecar-selector-overlap', resource: 'Sidecar shop/b' }] },
    {
      name: 'two selectors matching one Deployment',
      inputs: net('Sidecar', 'shop', 'by-app', '  workloadSelector: { labels: { app: cart } }\n  egress: [{ hosts: ["./*"] }]') + net('Sidecar', 'shop', 'by-tier', '  workloadSelector: { labels: { tier: backend } }\n  egress: [{ hosts: ["./*"] }]') + doc('apps/v1', 'Deployment', 'shop', 'cart', 'spec:\n  template:\n    metadata: { labels: { app: cart, tier: backend } }'),
      expected: [{ rule: 'sidecar-selector-overlap', resource: 'Sidecar shop/by-app' }, { rule: 'sidecar-selector-overlap', resource: 'Sidecar shop/by-tier' }],
    },
    { name: 'one namespace-wide Sidecar per namespace', inputs: net('Sidecar', 'shop', 'default', '  egress: [{ hosts: ["./*"] }]') + net('Sidecar', 'billing', 'default', '  egress: [{ hosts: ["./*"] }]'), expected: [] },
  ],
  // IST0108: annotations Istio does not define.
  'unknown-annotation': [
    { name: 'a misspelled sidecar annotation', inputs: doc('v1', 'Pod', 'shop', 'cart', 'spec: { containers: [{ name: cart, image: cart }] }').replace('name: cart, namespace: shop', 'name: cart, namespace: shop, annotations: { sidecar.istio.io/proxyMem: 1Gi }'), expected: [{ rule: 'unknown-annotation', resource: 'Pod shop/cart' }] },
    { name: 'known annotations', inputs: doc('v1', 'Pod', 'shop', 'cart', 'spec: { containers: [{ name: cart, image: cart }] }').replace('name: cart, namespace: shop', 'name: cart, namespace: shop, annotations: { sidecar.istio.io/proxyMemory: 1Gi, sidecar.istio.io/status: "{}" }'), expected: [] },
  ],
  // IST0107: an annotation on a kind Istio does not read it from.
  'unknown-annotation/misplaced': [
    { name: 'a pod annotation on a Service', inputs: svc('shop', 'cart').replace('name: cart, namespace: shop', 'name: cart, namespace: shop, annotations: { sidecar.istio.io/proxyCPU: 100m }'), expected: [{ rule: 'unknown-annotation', resource: 'Service shop/cart' }] },
    { name: 'a Service annotation on a Service', inputs: svc('shop', 'cart').replace('name: cart, namespace: shop', 'name: cart, namespace: shop, annotations: { networking.istio.io/exportTo: "." }'), expected: [] },
  ],
  // IST0125, IST0135: invalid values and deprecated annotations.
  'unknown-annotation/values': [
    { name: 'an interception mode Istio does not know', inputs: doc('v1', 'Pod', 'shop', 'cart', 'spec: { containers: [{ name: cart, image: cart }] }').replace('name: cart, namespace: shop', 'name: cart, namespace: shop, annotations: { sidecar.istio.io/interceptionMode: REDIRCT }'), expected: [{ rule: 'unknown-annotation', resource: 'Pod shop/cart' }] },
    { name: 'a deprecated stats annotation', inputs: doc('v1', 'Pod', 'shop', 'cart', 'spec: { containers: [{ name: cart, image: cart }] }').replace('name: cart, namespace: shop', 'name: cart, namespace: shop, annotations: { sidecar.istio.io/statsInclusionPrefixes: cluster }'), expected: [{ rule: 'unknown-annotation', resource: 'Pod shop/cart' }] },
    { name: 'the deprecated inject annotation beside its label', inputs: doc('v1', 'Pod', 'shop', 'cart', 'spec: { containers: [{ name: cart, image: cart }] }').replace('name: cart, namespace: shop', 'name: cart, namespace: shop, labels: { sidecar.istio.io/inject: "true" }, annotations: { sidecar.istio.io/inject: "true", sidecar.istio.io/interceptionMode: TPROXY }'), expected: [] },
  ],
  // IST0157, IST0160: Telemetry access logging without provider; several namespace-wide Telemetries.
  'telemetry-provider': [
    { name: 'access logging without a provider', inputs: doc('telemetry.istio.io/v1', 'Telemetry', 'shop', 'logs', 'spec:\n  accessLogging: [{ filter: { expression: "response.code >= 500" } }]'), expected: [{ rule: 'telemetry-provider', resource: 'Telemetry shop/logs' }] },
    { name: 'two Telemetries without selector in one namespace', inputs: doc('telemetry.istio.io/v1', 'Telemetry', 'shop', 'a', 'spec:\n  metrics: [{ providers: [{ name: prometheus }] }]') + doc('telemetry.istio.io/v1', 'Telemetry', 'shop', 'b', 'spec:\n  metrics: [{ providers: [{ name: prometheus }] }]'), expected: [{ rule: 'telemetry-provider', resource: 'Telemetry shop/a' }, { rule: 'telemetry-provider', resource: 'Telemetry shop/b' }] },
    { name: 'one namespace-wide Telemetry and one with a selector', inputs: doc('telemetry.istio.io/v1', 'Telemetry', 'shop', 'a', 'spec:\n  accessLogging: [{ providers: [{ name: envoy }] }]') + doc('telemetry.istio.io/v1', 'Telemetry', 'shop', 'b', 'spec:\n  selector: { matchLabels: { app: cart } }\n  accessLogging: [{ disabled: true }]'), expected: [] },
  ],
  // IST0176: a Gateway API CRD below the bundle version the Istio release watches.
  'gateway-api-crd-version': [
    { name: 'GRPCRoute CRD from bundle v1.0.0 with Istio 1.29', inputs: istiod('1.29.0') + gatewayApiCrd('grpcroutes', 'v1.0.0'), expected: [{ rule: 'gateway-api-crd-version', resource: 'CustomResourceDefinition grpcroutes.gateway.networking.k8s.io' }] },
    { name: 'BackendTLSPolicy CRD from v1.3.0 with Istio 1.28', inputs: istiod('1.28.0') + gatewayApiCrd('backendtlspolicies', 'v1.3.0') + gatewayApiCrd('gateways', 'v1.4.0'), expected: [{ rule: 'gateway-api-crd-version', resource: 'CustomResourceDefinition backendtlspolicies.gateway.networking.k8s.io' }] },
    { name: 'the bundle Istio 1.29 is built against', inputs: istiod('1.29.0') + gatewayApiCrd('grpcroutes', 'v1.4.0') + gatewayApiCrd('backendtlspolicies', 'v1.4.0'), expected: [] },
    { name: 'a CRD of another group', inputs: istiod('1.29.0') + doc('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'grpcroutes.example.com', 'spec:\n  group: example.com\n  names: { kind: GRPCRoute }'), expected: [] },
  ],
};

function describeFinding(e: Expected): string {
  return `${e.rule} ${e.resource}${e.cluster ? ` @${e.cluster}` : ''}`;
}

describe('parity grid', () => {
  for (const [ruleId, cases] of Object.entries(GRID)) {
    describe(ruleId, () => {
      it('has a case that expects a finding and one that expects nothing', () => {
        expect(cases.some((c) => c.expected.length > 0)).toBe(true);
        expect(cases.some((c) => c.expected.length === 0)).toBe(true);
      });
      for (const testCase of cases) {
        it(testCase.name, () => {
          // A key may name a facet of a rule after a slash (`rule/facet`); the rule is the part before it.
          const rule = findRule(ruleId.split('/')[0]!);
          expect(rule, `rule ${ruleId}`).toBeDefined();
          const loaded = loadCase({ name: testCase.name, clusters: typeof testCase.inputs === 'string' ? { '': testCase.inputs } : testCase.inputs });
          const actual = collectReports(rule!, loaded.resources, loaded.model).map((r) => {
            const resource = `${r.resource.kind} ${r.resource.namespace ? `${r.resource.namespace}/` : ''}${r.resource.name}`;
            return describeFinding({ rule: r.rule, resource, ...(r.resource.cluster !== '' ? { cluster: r.resource.cluster } : {}) });
          });
          // Findings on the right resources: each resource once, whatever the number of fields reported on it.
          expect([...new Set(actual)].sort()).toEqual(testCase.expected.map(describeFinding).sort());
        });
      }
    });
  }
});
