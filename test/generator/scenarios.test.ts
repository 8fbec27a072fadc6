import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { contains, ISTIO_AUTO_ALLOCATION, parseCidr } from '../../generator/core/cidr.js';
import { find, parsedResources, renderExample } from './helpers.js';

// Every scenario of docs/scenarios.md (S1-S9), asserted on the parsed output of the bundled example.
const { model, files } = renderExample();
const all = parsedResources(files);
const range = parseCidr('240.0.0.0/16');
const byPath = (path: string) => {
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`no file ${path}`);
  return parse(file.content) as Record<string, any>;
};

describe('S1: sleep in cluster1 calls httpbin.bar.cluster2 through cluster2 ingress gateway', () => {
  it('cluster1 has a MESH_INTERNAL ServiceEntry with a VIP from the range and the gateway NodePort endpoint', () => {
    const se = find(all, 'cluster1', 'ServiceEntry', 'httpbin-cluster2', 'bar');
    expect(se.apiVersion).toBe('networking.istio.io/v1');
    expect(se.spec.hosts).toEqual(['httpbin.bar.cluster2']);
    expect(se.spec.location).toBe('MESH_INTERNAL');
    expect(se.spec.resolution).toBe('DNS');
    expect(se.spec.ports).toEqual([{ number: 8000, name: 'http', protocol: 'HTTP' }]);
    expect(se.spec.addresses).toHaveLength(1);
    const vip = se.spec.addresses[0] as string;
    expect(contains(range, vip)).toBe(true);
    expect(contains(ISTIO_AUTO_ALLOCATION, vip)).toBe(false);
    expect(se.spec.endpoints).toEqual([{ address: '192.168.121.10', ports: { http: 32001 } }]);
  });

  it('every VIP is unique within its cluster', () => {
    for (const cluster of model.clusters) {
      const vips = all.filter((r) => r.cluster === cluster.name && r.object.kind === 'ServiceEntry').flatMap((r) => (r.object.spec.addresses ?? []) as string[]);
      expect(vips.length).toBeGreaterThan(0);
      expect(new Set(vips).size).toBe(vips.length);
    }
  });

  it('cluster1 has an ISTIO_MUTUAL DestinationRule for the remote host', () => {
    const dr = find(all, 'cluster1', 'DestinationRule', 'httpbin-cluster2', 'bar');
    expect(dr.spec).toEqual({ host: 'httpbin.bar.cluster2', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
  });

  it('cluster2 exposes the host with one AUTO_PASSTHROUGH Gateway on 15443 and maps it to the local service', () => {
    const gateways = all.filter((r) => r.cluster === 'cluster2' && r.object.kind === 'Gateway' && r.object.apiVersion.startsWith('networking.istio.io/') && r.object.spec.servers.some((s: any) => s.port.number === 15443 && s.hosts.includes('httpbin.bar.cluster2')));
    expect(gateways).toHaveLength(1);
    const gw = gateways[0]!.object;
    expect(gw.metadata.namespace).toBe('istio-system');
    expect(gw.spec.selector).toEqual({ istio: 'ingressgateway' });
    expect(gw.spec.servers).toEqual([{ port: { number: 15443, name: 'tls', protocol: 'TLS' }, hosts: ['helloworld.sample.cluster2', 'httpbin.bar.cluster2'], tls: { mode: 'AUTO_PASSTHROUGH' } }]);
    const se = find(all, 'cluster2', 'ServiceEntry', 'export-httpbin-bar', 'istio-system');
    expect(se.spec).toMatchObject({ hosts: ['httpbin.bar.cluster2'], location: 'MESH_INTERNAL', resolution: 'DNS', endpoints: [{ address: 'httpbin.bar.svc.cluster.local' }], exportTo: ['.'] });
    const dr = find(all, 'cluster2', 'DestinationRule', 'export-httpbin-bar', 'istio-system');
    expect(dr.spec.trafficPolicy).toEqual({ tls: { mode: 'ISTIO_MUTUAL' } });
  });

  it('cluster3 imports httpbin through clusters[].imports with its own VIP', () => {
    const se = find(all, 'cluster3', 'ServiceEntry', 'httpbin-cluster2', 'bar');
    expect(se.spec.endpoints).toEqual([{ address: '192.168.121.10', ports: { http: 32001 } }]);
    expect(contains(range, se.spec.addresses[0])).toBe(true);
  });
});

describe('S2: helloworld split 50/50 between cluster1 (v1) and cluster2 (v2)', () => {
  it('cluster1 routes the local host to local and remote destinations, weights summing to 100', () => {
    const vs = find(all, 'cluster1', 'VirtualService', 'helloworld', 'sample');
    expect(vs.spec.hosts).toEqual(['helloworld.sample.svc.cluster.local']);
    const route = vs.spec.http[0].route as { destination: { host: string }; weight: number }[];
    expect(route.map((r) => r.destination.host)).toEqual(['helloworld.sample.svc.cluster.local', 'helloworld.sample.cluster2']);
    expect(route.reduce((sum, r) => sum + r.weight, 0)).toBe(100);
    expect(find(all, 'cluster1', 'ServiceEntry', 'helloworld-cluster2', 'sample').spec.endpoints[0].address).toBe('192.168.121.10');
    expect(find(all, 'cluster1', 'DestinationRule', 'helloworld-cluster2', 'sample').spec.trafficPolicy.tls.mode).toBe('ISTIO_MUTUAL');
  });

  it('each cluster has a DestinationRule with the subsets of the versions it runs (and the cluster subset its route pins), ISTIO_MUTUAL', () => {
    expect(find(all, 'cluster1', 'DestinationRule', 'helloworld', 'sample').spec).toEqual({
      host: 'helloworld.sample.svc.cluster.local',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'cluster-cluster1', labels: { 'topology.istio.io/cluster': 'cluster1' } },
      ],
    });
    expect(find(all, 'cluster2', 'DestinationRule', 'helloworld', 'sample').spec.subsets).toEqual([{ name: 'v2', labels: { version: 'v2' } }]);
  });

  it('cluster2 serves helloworld.sample.cluster2 on the gateway side', () => {
    expect(find(all, 'cluster2', 'ServiceEntry', 'export-helloworld-sample', 'istio-system').spec.endpoints).toEqual([{ address: 'helloworld.sample.svc.cluster.local' }]);
  });
});

describe('S3: httpbin.example.com from outside with mutual TLS', () => {
  it('has a MUTUAL HTTPS Gateway on 443 with a credentialName and a VirtualService bound to it', () => {
    const gw = find(all, 'cluster2', 'Gateway', 'httpbin-mtls', 'bar');
    expect(gw.spec.servers).toEqual([{ port: { number: 443, name: 'https-443', protocol: 'HTTPS' }, hosts: ['httpbin.example.com'], tls: { mode: 'MUTUAL', credentialName: 'httpbin-credential' } }]);
    const vs = find(all, 'cluster2', 'VirtualService', 'httpbin-mtls-ingress', 'bar');
    expect(vs.spec.gateways).toEqual(['httpbin-mtls']);
    expect(vs.spec.hosts).toEqual(['httpbin.example.com']);
    expect(vs.spec.http[0].route).toEqual([{ destination: { host: 'httpbin.bar.svc.cluster.local', port: { number: 8000 } } }]);
  });

  it('has a SIMPLE TLS gateway too, and no private key anywhere in the tree', () => {
    expect(find(all, 'cluster1', 'Gateway', 'helloworld-web', 'sample').spec.servers[0].tls).toEqual({ mode: 'SIMPLE', credentialName: 'helloworld-web-credential' });
    for (const f of files) expect(f.content).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
  });
});

describe('S4: external mysql, an http host and www.google.com', () => {
  it('mysql is MESH_EXTERNAL, STATIC, with a ledger VIP and its endpoint address', () => {
    const se = find(all, 'cluster1', 'ServiceEntry', 'mysql', 'istio-system');
    expect(se.spec).toMatchObject({ hosts: ['mysqldb.svc.remote'], location: 'MESH_EXTERNAL', resolution: 'STATIC', endpoints: [{ address: '10.0.0.7' }], ports: [{ number: 3306, name: 'tcp', protocol: 'TCP' }] });
    expect(contains(range, se.spec.addresses[0])).toBe(true);
  });

  it('the http host has a STATIC endpoint and google resolves by DNS', () => {
    expect(find(all, 'cluster1', 'ServiceEntry', 'httpbin-org', 'istio-system').spec).toMatchObject({ location: 'MESH_EXTERNAL', resolution: 'STATIC', endpoints: [{ address: '203.0.113.10' }] });
    const google = find(all, 'cluster1', 'ServiceEntry', 'google', 'istio-system');
    expect(google.spec).toMatchObject({ hosts: ['www.google.com'], location: 'MESH_EXTERNAL', resolution: 'DNS' });
  });
});

describe('S5: the control-plane install', () => {
  it('helm clusters get values per chart with REGISTRY_ONLY, access log, auto mTLS and DNS capture', () => {
    const istiod = byPath('cluster1/install/istiod.values.yaml');
    expect(istiod.meshConfig).toEqual({
      trustDomain: 'cluster.local',
      accessLogFile: '/dev/stdout',
      enableAutoMtls: true,
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' } },
    });
    expect(byPath('cluster1/install/istio-base.values.yaml')).toEqual({ global: { istioNamespace: 'istio-system' } });
    // ISTIO_META_ROUTER_MODE was removed in Istio 1.14: not written for 1.29.
    const ingress = byPath('cluster1/install/istio-ingressgateway.values.yaml');
    expect(ingress.env).toBeUndefined();
  });

  it('the istioctl cluster gets an IstioOperator: profile minimal, no router-mode env on 1.29, 15443 on NodePort 32001 and 31400', () => {
    const iop = byPath('cluster2/install/istio-operator.yaml');
    expect(iop.kind).toBe('IstioOperator');
    expect(iop.spec.profile).toBe('minimal');
    expect(iop.spec.meshConfig.outboundTrafficPolicy).toEqual({ mode: 'REGISTRY_ONLY' });
    expect(iop.spec.meshConfig.accessLogFile).toBe('/dev/stdout');
    const gw = iop.spec.components.ingressGateways[0];
    expect(gw.k8s.env).toBeUndefined();
    expect(gw.k8s.service.type).toBe('NodePort');
    const ports = gw.k8s.service.ports as { port: number; nodePort?: number }[];
    expect(ports.map((p) => p.port)).toEqual(expect.arrayContaining([80, 443, 15443, 31400]));
    expect(ports.find((p) => p.port === 15443)?.nodePort).toBe(32001);
    expect(files.some((f) => f.path.startsWith('cluster2/install/') && f.path.endsWith('.values.yaml'))).toBe(false);
  });

  it('every cluster is REGISTRY_ONLY', () => {
    for (const cluster of model.clusters) {
      const install = cluster.install.method === 'helm' ? byPath(`${cluster.name}/install/istiod.values.yaml`).meshConfig : byPath(`${cluster.name}/install/istio-operator.yaml`).spec.meshConfig;
      expect(install.outboundTrafficPolicy.mode).toBe('REGISTRY_ONLY');
    }
  });
});

describe('S6: multi-primary on different networks', () => {
  it('labels istio-system with the network and sets meshID, clusterName and network', () => {
    for (const cluster of model.clusters) {
      expect(find(all, cluster.name, 'Namespace', 'istio-system').metadata.labels['topology.istio.io/network']).toBe(cluster.network);
    }
    expect(byPath('cluster1/install/istiod.values.yaml').global).toMatchObject({ meshID: 'mesh1', multiCluster: { clusterName: 'cluster1' }, network: 'network1' });
    expect(byPath('cluster2/install/istio-operator.yaml').spec.values.global).toEqual({ meshID: 'mesh1', multiCluster: { clusterName: 'cluster2' }, network: 'network2' });
  });

  it('has the east-west gateway (networkGateway alone: the chart writes the network label, env and four ports) and the *.local cross-network Gateway', () => {
    const ew = byPath('cluster1/install/istio-eastwestgateway.values.yaml');
    expect(ew.labels).toEqual({ istio: 'eastwestgateway', app: 'istio-eastwestgateway' });
    expect(ew.env).toBeUndefined();
    expect(ew.networkGateway).toBe('network1');
    expect(ew.service).toEqual({ type: 'LoadBalancer', externalIPs: ['192.168.121.21'] });
    const gw = find(all, 'cluster1', 'Gateway', 'cross-network-gateway', 'istio-system');
    expect(gw.spec).toEqual({ selector: { istio: 'eastwestgateway' }, servers: [{ port: { number: 15443, name: 'tls', protocol: 'TLS' }, hosts: ['*.local'], tls: { mode: 'AUTO_PASSTHROUGH' } }] });
  });

  it('generates no reader identity of its own: remote secrets use the charts\' istio-reader-service-account', () => {
    for (const r of all) {
      expect(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Secret']).not.toContain(r.object.kind);
      expect(JSON.stringify(r.object)).not.toContain('meshforge-istio-reader');
    }
  });
});

describe('S7: the ingress gateway hides its identity', () => {
  it('has a v1alpha3 EnvoyFilter on the HTTP connection manager setting server_name', () => {
    const ef = find(all, 'cluster2', 'EnvoyFilter', 'istio-ingressgateway-server-header', 'istio-system');
    expect(ef.apiVersion).toBe('networking.istio.io/v1alpha3');
    expect(ef.spec.workloadSelector.labels).toEqual({ istio: 'ingressgateway' });
    const patch = ef.spec.configPatches[0];
    expect(patch.match.listener.filterChain.filter.name).toBe('envoy.filters.network.http_connection_manager');
    expect(patch.patch.value.typed_config.server_name).toBe('example-gateway');
  });
});

describe('S8: injection and a TCP echo service on ingress port 31400', () => {
  it('labels namespaces for injection', () => {
    expect(find(all, 'cluster2', 'Namespace', 'tcp-echo').metadata.labels['istio-injection']).toBe('enabled');
  });

  it('has a TCP Gateway on 31400 and a VirtualService with a tcp route to port 8020', () => {
    const gw = find(all, 'cluster2', 'Gateway', 'tcp-echo', 'tcp-echo');
    expect(gw.spec.servers[0].port).toEqual({ number: 31400, name: 'tcp-31400', protocol: 'TCP' });
    const vs = find(all, 'cluster2', 'VirtualService', 'tcp-echo-ingress', 'tcp-echo');
    expect(vs.spec.tcp).toEqual([{ match: [{ port: 31400 }], route: [{ destination: { host: 'tcp-echo.tcp-echo.svc.cluster.local', port: { number: 8020 } } }] }]);
  });

  it('shifts tcp-echo 80/20 between subsets', () => {
    const vs = find(all, 'cluster2', 'VirtualService', 'tcp-echo', 'tcp-echo');
    expect(vs.spec.tcp[0].route.map((r: any) => [r.destination.subset, r.weight])).toEqual([['v1', 80], ['v2', 20]]);
  });
});

describe('S9: header routing, host routing through ingress, TLS origination', () => {
  it('routes by x-nextensio-for / x-nextensio-connect headers', () => {
    const vs = find(all, 'cluster1', 'VirtualService', 'tenant-router', 'tenants');
    expect(vs.spec.http[0].match).toEqual([{ headers: { 'x-nextensio-for': { exact: 'tom.com' } } }]);
    expect(vs.spec.http[1].match).toEqual([{ headers: { 'x-nextensio-connect': { exact: 'candy.com' } } }]);
    expect(vs.spec.http[2].route[0].destination.host).toBe('router.tenants.svc.cluster.local');
  });

  it('routes Host goapp.dev through the ingress gateway', () => {
    const vs = find(all, 'cluster1', 'VirtualService', 'goapp-dev-ingress', 'dev');
    expect(vs.spec.hosts).toEqual(['goapp.dev']);
    expect(vs.spec.gateways).toEqual(['goapp-dev']);
  });

  it('originates TLS (SIMPLE) for the partner API on port 80', () => {
    const dr = find(all, 'cluster1', 'DestinationRule', 'partner-api', 'istio-system');
    expect(dr.spec.trafficPolicy.portLevelSettings).toEqual([{ port: { number: 80 }, tls: { mode: 'SIMPLE', sni: 'api.partner.example.com', caCertificates: '/etc/ssl/certs/ca-certificates.crt' } }]);
  });
});

describe('across all scenarios', () => {
  it('has a mesh-wide STRICT PeerAuthentication in every cluster', () => {
    for (const cluster of model.clusters) expect(find(all, cluster.name, 'PeerAuthentication', 'default', 'istio-system').spec).toEqual({ mtls: { mode: 'STRICT' } });
  });

  it('every DestinationRule for a mesh-internal host uses ISTIO_MUTUAL', () => {
    const external = new Set(model.externalServices.flatMap((e) => e.hosts));
    const rules = all.filter((r) => r.object.kind === 'DestinationRule' && !external.has(r.object.spec.host));
    expect(rules.length).toBeGreaterThan(5);
    for (const r of rules) expect(r.object.spec.trafficPolicy.tls.mode).toBe('ISTIO_MUTUAL');
  });

  it('lists every content file in the kustomization, namespaces first, and no install inputs', () => {
    for (const cluster of model.clusters) {
      const kustomization = byPath(`${cluster.name}/kustomization.yaml`);
      const content = files.filter((f) => f.cluster === cluster.name && f.resources.length > 0 && !f.path.includes('/install/')).map((f) => f.path.slice(cluster.name.length + 1));
      expect([...kustomization.resources].sort()).toEqual([...content].sort());
      const firstOther = (kustomization.resources as string[]).findIndex((p) => !p.startsWith('_cluster/namespace-'));
      expect((kustomization.resources as string[]).slice(firstOther).some((p) => p.startsWith('_cluster/namespace-'))).toBe(false);
      expect((kustomization.resources as string[]).some((p) => p.startsWith('install/'))).toBe(false);
    }
  });

  it('starts each file with the generated-by header naming the config path', () => {
    const se = files.find((f) => f.path === 'cluster1/bar/serviceentry-httpbin-cluster2.yaml')!;
    expect(se.content.split('\n').slice(0, 2)).toEqual([
      '# Generated by meshforge. Do not edit: change the mesh config and run `meshforge generate`.',
      '# Source: mesh.config.yaml services[bar/httpbin].exportTo[cluster1]',
    ]);
    for (const f of files) {
      expect(f.content.startsWith('# Generated by meshforge.')).toBe(true);
      expect(f.content).not.toContain('\r');
      expect(f.content.endsWith('\n')).toBe(true);
    }
  });

  it('records each resource with the intended object, its cluster, location and config origin', () => {
    const file = files.find((f) => f.path === 'cluster1/bar/serviceentry-httpbin-cluster2.yaml')!;
    const [resource] = file.resources;
    expect(resource).toMatchObject({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', namespace: 'bar', name: 'httpbin-cluster2', cluster: 'cluster1' });
    expect(resource!.location).toEqual({ file: 'clusters/cluster1/bar/serviceentry-httpbin-cluster2.yaml', docIndex: 0, path: [] });
    expect(resource!.origin).toEqual({ file: 'mesh.config.yaml', path: ['services', 1, 'exportTo', 0] });
    expect(resource!.object).toEqual(parse(file.content));
  });
});
