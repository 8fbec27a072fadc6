// Issue 15: what the generated tree does on Istio 1.29, Argo CD and Flux must be what the config says. Every test
// reads the generated OBJECTS (parsed), produced in-process by planGenerate, and checks them against what the charts
// and controllers do themselves (see docs/generator.md, "What this does on a real cluster").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartWritesNetworkPorts, NETWORK_GATEWAY_CHART_PORTS } from '../../generator/render/install.js';
import { istioFeatures, SUPPORTED_ISTIO_RANGE } from '../../generator/core/istio-version.js';
import { configDiagnostics, doc, generateExample, generateText, ofKind, readRepoFile, SYNTHETIC, TempDirs, type Generated } from './helpers.js';

const temp = new TempDirs();
afterAll(() => temp.cleanup());

let example: Generated;
let synth: Generated;
beforeAll(() => {
  example = generateExample(temp.make());
  synth = generateText(temp.make(), SYNTHETIC);
});

const meshes = () => [
  { name: 'example', g: example },
  { name: 'synthetic', g: synth },
];

/**
 * The container env and the pod/Service labels the gateway chart (manifests/charts/gateway at 1.29.0) would write from
 * these values: `networkGateway` adds ISTIO_META_REQUESTED_NETWORK_VIEW first, then every `env` entry; the labels
 * are `labels` (minus app/istio, written by the selector) plus topology.istio.io/network from `networkGateway`.
 */
function chartEnvNames(values: Record<string, any>): string[] {
  return [...(values.networkGateway ? ['ISTIO_META_REQUESTED_NETWORK_VIEW'] : []), ...Object.keys(values.env ?? {})];
}
function chartLabelKeys(values: Record<string, any>): string[] {
  return [...Object.keys(values.labels ?? {}), ...(values.networkGateway ? ['topology.istio.io/network'] : [])];
}
function chartServicePorts(values: Record<string, any>): { name: string; port: number; nodePort?: number }[] {
  return values.networkGateway ? NETWORK_GATEWAY_CHART_PORTS.map((p) => ({ name: p.name, port: p.port })) : values.service.ports;
}

/** Every gateway chart values object of a mesh: the values files and the Flux HelmReleases' spec.values. */
function gatewayValues(g: Generated): { where: string; values: Record<string, any> }[] {
  const files = [...g.parsed].filter(([p, o]) => p.includes('/install/') && p.endsWith('gateway.values.yaml') && o).map(([where, values]) => ({ where, values }));
  const releases = ofKind(g, 'HelmRelease')
    .filter((r) => r.object.spec.chart.spec.chart === 'gateway')
    .map((r) => ({ where: r.path, values: r.object.spec.values as Record<string, any> }));
  return [...files, ...releases];
}

describe('finding 1: the east-west gateway values are what the 1.29 gateway chart reads', () => {
  it('never gives the gateway container a duplicate env name or the pods a duplicate label (server-side apply rejects them)', () => {
    for (const { name, g } of meshes()) {
      const all = gatewayValues(g);
      expect(all.length, name).toBeGreaterThan(0);
      for (const { where, values } of all) {
        const env = chartEnvNames(values);
        expect(new Set(env).size, `${name} ${where}: ${env.join(',')}`).toBe(env.length);
        const labels = chartLabelKeys(values);
        expect(new Set(labels).size, `${name} ${where}: ${labels.join(',')}`).toBe(labels.length);
      }
    }
  });

  it('a network gateway with the chart\'s own ports gets networkGateway alone: no env, no network label, no ignored service.ports', () => {
    for (const where of ['cluster1/install/istio-eastwestgateway.values.yaml', 'cluster1/flux/istio/helmrelease-istio-eastwestgateway.yaml']) {
      const object = doc(example, where);
      const values = object.kind === 'HelmRelease' ? object.spec.values : object;
      expect(values.networkGateway).toBe('network1');
      expect(values.env).toBeUndefined();
      expect(values.labels).toEqual({ istio: 'eastwestgateway', app: 'istio-eastwestgateway' });
      expect(values.service.ports).toBeUndefined();
      // What the chart then writes: the network view env and the four ports.
      expect(chartEnvNames(values)).toEqual(['ISTIO_META_REQUESTED_NETWORK_VIEW']);
      expect(chartServicePorts(values).map((p) => p.port)).toEqual([15021, 15443, 15012, 15017]);
    }
  });

  it('a network gateway with other ports (a nodePort) is written without networkGateway, so its service.ports are read', () => {
    const values = doc(synth, 'alpha/install/istio-eastwestgateway.values.yaml');
    expect(values.networkGateway).toBeUndefined();
    expect(values.env).toEqual({ ISTIO_META_REQUESTED_NETWORK_VIEW: 'net-a' });
    expect(values.labels['topology.istio.io/network']).toBe('net-a');
    expect(values.service.type).toBe('NodePort');
    expect(values.service.ports.find((p: { port: number }) => p.port === 15443).nodePort).toBe(31443);
    // The Flux HelmRelease carries exactly the same values.
    expect(doc(synth, 'alpha/flux/istio/helmrelease-istio-eastwestgateway.yaml').spec.values).toEqual(values);
    // And the other cluster, with default ports, uses networkGateway alone.
    expect(doc(synth, 'beta/install/istio-eastwestgateway.values.yaml').networkGateway).toBe('net-b');
  });

  it('IstioOperator (istioctl): the east-west gateway sets the network view env exactly once, with its label and four ports', () => {
    const iop = doc(example, 'cluster2/install/istio-operator.yaml');
    for (const gw of iop.spec.components.ingressGateways) {
      const names = (gw.k8s.env ?? []).map((e: { name: string }) => e.name);
      expect(new Set(names).size, gw.name).toBe(names.length);
    }
    const ew = iop.spec.components.ingressGateways.find((g: { name: string }) => g.name === 'istio-eastwestgateway');
    expect(ew.k8s.env).toEqual([{ name: 'ISTIO_META_REQUESTED_NETWORK_VIEW', value: 'network2' }]);
    expect(ew.label['topology.istio.io/network']).toBe('network2');
    expect(ew.k8s.service.ports.map((p: { port: number }) => p.port)).toEqual([15021, 15443, 15012, 15017]);
  });

  it('tells the chart\'s hard-coded port set apart from any other', () => {
    expect(chartWritesNetworkPorts([...NETWORK_GATEWAY_CHART_PORTS].reverse())).toBe(true);
    expect(chartWritesNetworkPorts(NETWORK_GATEWAY_CHART_PORTS.slice(1))).toBe(false);
    expect(chartWritesNetworkPorts(NETWORK_GATEWAY_CHART_PORTS.map((p) => (p.port === 15443 ? { ...p, nodePort: 30443 } : p)))).toBe(false);
  });
});

/** name.namespace.svc.cluster.local -> the config's service, for the in-cluster hosts. */
function subsetsOf(g: Generated, cluster: string, host: string): Map<string, Record<string, string>> {
  const rules = ofKind(g, 'DestinationRule').filter((r) => r.path.startsWith(`${cluster}/`) && r.object.spec.host === host);
  return new Map(rules.flatMap((r) => (r.object.spec.subsets ?? []).map((s: { name: string; labels: Record<string, string> }) => [s.name, s.labels] as const)));
}

describe('finding 2: a weighted split between clusters is applied to what each destination means', () => {
  it('the example\'s 50/50 helloworld split pins the local half to cluster1\'s endpoints', () => {
    const vs = doc(example, 'cluster1/sample/virtualservice-helloworld.yaml');
    const [local, remote] = vs.spec.http[0].route;
    expect(local).toEqual({ destination: { host: 'helloworld.sample.svc.cluster.local', subset: 'cluster-cluster1' }, weight: 50 });
    // The remote half goes through cluster2's gateway to a host that only has cluster2's endpoints.
    expect(remote).toEqual({ destination: { host: 'helloworld.sample.cluster2' }, weight: 50 });
    expect(subsetsOf(example, 'cluster1', 'helloworld.sample.svc.cluster.local').get('cluster-cluster1')).toEqual({ 'topology.istio.io/cluster': 'cluster1' });
  });

  it('an ingress to a service this cluster splits carries the split itself (a gateway applies no mesh VirtualService)', () => {
    const mesh = doc(example, 'cluster1/sample/virtualservice-helloworld.yaml');
    const ingress = doc(example, 'cluster1/sample/virtualservice-helloworld-web-ingress.yaml');
    expect(ingress.spec.gateways).toEqual(['helloworld-web']);
    const withoutPort = ingress.spec.http[0].route.map((r: { destination: { port?: unknown } }) => {
      const { port, ...destination } = r.destination;
      expect(port).toEqual({ number: 5000 });
      return { ...r, destination };
    });
    expect(withoutPort).toEqual(mesh.spec.http[0].route);
  });

  it('a version that runs in several clusters is pinned to the named cluster with both labels', () => {
    const vs = doc(synth, 'alpha/shop/virtualservice-cart.yaml');
    expect(vs.spec.http[0].route[0]).toEqual({ destination: { host: 'cart.shop.svc.cluster.local', subset: 'v1-alpha' }, weight: 70 });
    expect(subsetsOf(synth, 'alpha', 'cart.shop.svc.cluster.local').get('v1-alpha')).toEqual({ version: 'v1', 'topology.istio.io/cluster': 'alpha' });
  });

  it('every subset a VirtualService names is defined by a DestinationRule for its host in the same cluster', () => {
    for (const { name, g } of meshes()) {
      for (const { path, object } of ofKind(g, 'VirtualService')) {
        const cluster = path.split('/')[0]!;
        for (const kind of ['http', 'tcp', 'tls'] as const) {
          for (const rule of object.spec[kind] ?? []) {
            for (const { destination } of rule.route) {
              if (destination.subset === undefined) continue;
              expect(subsetsOf(g, cluster, destination.host).has(destination.subset), `${name} ${path}: ${destination.host} subset ${destination.subset}`).toBe(true);
            }
          }
        }
      }
    }
  });

  it('in a multi-cluster service, every weighted destination to the in-cluster host selects endpoints of one cluster or one version', () => {
    // The example's helloworld runs in cluster1 and cluster2: an unpinned weighted destination to its local host
    // would mix both clusters' endpoints.
    for (const { name, g } of meshes()) {
      for (const { path, object } of ofKind(g, 'VirtualService')) {
        const cluster = path.split('/')[0]!;
        for (const rule of [...(object.spec.http ?? []), ...(object.spec.tcp ?? [])]) {
          if (rule.route.length < 2) continue;
          for (const { destination } of rule.route) {
            if (!destination.host.endsWith('.svc.cluster.local')) continue;
            const shared = ['helloworld.sample.svc.cluster.local', 'cart.shop.svc.cluster.local'].includes(destination.host);
            if (!shared) continue;
            expect(destination.subset, `${name} ${path}`).toBeDefined();
            const labels = subsetsOf(g, cluster, destination.host).get(destination.subset)!;
            expect(labels['topology.istio.io/cluster'] ?? labels.version, `${name} ${path}`).toBeDefined();
          }
        }
      }
    }
  });
});

describe('finding 3: a declared east-west address reaches the gateway Service', () => {
  it('Helm: service.externalIPs; IstioOperator: k8s.service.externalIPs', () => {
    expect(doc(example, 'cluster1/install/istio-eastwestgateway.values.yaml').service.externalIPs).toEqual(['192.168.121.21']);
    expect(doc(example, 'cluster1/flux/istio/helmrelease-istio-eastwestgateway.yaml').spec.values.service.externalIPs).toEqual(['192.168.121.21']);
    const iop = doc(example, 'cluster2/install/istio-operator.yaml');
    const ew = iop.spec.components.ingressGateways.find((g: { name: string }) => g.name === 'istio-eastwestgateway');
    expect(ew.k8s.service.externalIPs).toEqual(['192.168.121.11']);
    expect(doc(synth, 'alpha/install/istio-eastwestgateway.values.yaml').service.externalIPs).toEqual(['10.9.0.11']);
  });

  it('a DNS-name address is not written into the Service (it can only come from the load balancer status)', () => {
    expect(doc(synth, 'beta/install/istio-eastwestgateway.values.yaml').service).toEqual({ type: 'LoadBalancer' });
  });
});

/** The Argo CD Applications of the example, by file. */
const applications = (g: Generated) => ofKind(g, 'Application');

describe('finding 4: the istiod and base Applications leave the webhooks\' failurePolicy to istiod', () => {
  it('ignores failurePolicy of every ValidatingWebhookConfiguration webhook and respects it during sync', () => {
    for (const { name, g } of meshes()) {
      const charts = applications(g).filter((a) => ['base', 'istiod'].includes(a.object.spec.sources?.[0]?.chart));
      expect(charts.length, name).toBeGreaterThanOrEqual(2);
      for (const { path, object } of charts) {
        expect(object.spec.ignoreDifferences, `${name} ${path}`).toEqual([
          { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.failurePolicy'] },
        ]);
        expect(object.spec.syncPolicy.syncOptions, `${name} ${path}`).toContain('RespectIgnoreDifferences=true');
      }
    }
  });
});

describe('finding 5: every Argo CD Application retries a failed sync', () => {
  const expectRetry = (syncPolicy: Record<string, any>, where: string) => {
    expect(syncPolicy.retry?.limit, where).toBeGreaterThan(0);
    expect(syncPolicy.retry.backoff, where).toEqual({ duration: '10s', factor: 2, maxDuration: '5m' });
  };

  it('the root Application, every chart Application and the ApplicationSet template', () => {
    for (const { name, g } of meshes()) {
      const apps = applications(g);
      expect(apps.some((a) => a.path.endsWith('root-application.yaml')), name).toBe(true);
      for (const { path, object } of apps) expectRetry(object.spec.syncPolicy, `${name} ${path}`);
      const sets = ofKind(g, 'ApplicationSet');
      expect(sets.length, name).toBe(1);
      for (const { path, object } of sets) expectRetry(object.spec.template.spec.syncPolicy, `${name} ${path}`);
    }
  });
});

describe('finding 6 and the Istio version: output follows mesh.istio.version', () => {
  it('never writes ISTIO_META_ROUTER_MODE for supported releases, even when routerMode says sni-dnat', () => {
    for (const { name, g } of meshes()) for (const f of g.files) expect(f.content, `${name} ${f.path}`).not.toContain('ISTIO_META_ROUTER_MODE');
    expect(istioFeatures('1.13.9').routerModeEnv).toBe(true);
    expect(istioFeatures('1.14.0').routerModeEnv).toBe(false);
  });

  it('asks for DNS auto-allocation only where istiod does not do it (before 1.25)', () => {
    const meta = (g: Generated, path: string) => doc(g, path).meshConfig.defaultConfig.proxyMetadata;
    expect(meta(synth, 'alpha/install/istiod.values.yaml')).toEqual({ ISTIO_META_DNS_CAPTURE: 'true', ISTIO_META_DNS_AUTO_ALLOCATE: 'true' });
    expect(meta(example, 'cluster1/install/istiod.values.yaml')).toEqual({ ISTIO_META_DNS_CAPTURE: 'true' });
    expect(doc(example, 'cluster2/install/istio-operator.yaml').spec.meshConfig.defaultConfig.proxyMetadata).toEqual({ ISTIO_META_DNS_CAPTURE: 'true' });
  });

  it('the chart version of every Argo CD Application and Flux HelmRelease is the configured release', () => {
    for (const { path, object } of applications(synth).filter((a) => a.object.spec.sources)) expect(object.spec.sources[0].targetRevision, path).toBe('1.24.3');
    for (const { path, object } of ofKind(synth, 'HelmRelease')) expect(object.spec.chart.spec.version, path).toBe('1.24.3');
  });

  it('an unsupported release is a config error that states the supported range', () => {
    const base = 'apiVersion: meshforge.io/v1alpha1\nmesh:\n  id: m\n  istio: { version: VERSION }\nclusters:\n  - { name: c1, network: n1 }\n';
    for (const version of ['1.23.9', '1.30.0', '1.9.0']) {
      const errors = configDiagnostics(base.replace('VERSION', version)).filter((d) => d.severity === 'error');
      expect(errors.map((d) => d.rule), version).toEqual(['config-unsupported-version']);
      expect(errors[0]!.message).toContain(SUPPORTED_ISTIO_RANGE);
      expect(errors[0]!.location?.path).toEqual(['mesh', 'istio', 'version']);
    }
    for (const version of ['1.24.0', '1.29.3']) expect(configDiagnostics(base.replace('VERSION', version)).filter((d) => d.severity === 'error'), version).toEqual([]);
    const perCluster = configDiagnostics(base.replace('VERSION', '1.29.0').replace('{ name: c1, network: n1 }', '{ name: c1, network: n1, install: { version: 1.31.0 } }'));
    expect(perCluster.find((d) => d.rule === 'config-unsupported-version')?.location?.path).toEqual(['clusters', 0, 'install', 'version']);
    expect(SUPPORTED_ISTIO_RANGE).toBe('1.24.0 to 1.29.x');
  });

  it('the schema no longer says routerMode is needed for AUTO_PASSTHROUGH', () => {
    const schema = JSON.parse(readRepoFile('schemas', 'mesh.config.schema.json'));
    const routerMode = schema.$defs.ingressGateway.properties.routerMode;
    expect(routerMode.description).not.toMatch(/needed/);
    expect(routerMode.description).toMatch(/removed this setting in 1\.14/);
    expect(routerMode.default).toBe('standard');
  });
});

describe('finding 7: remote secrets use the charts\' reader account, and nothing else is generated for it', () => {
  it('generates no ServiceAccount, token Secret, ClusterRole or ClusterRoleBinding', () => {
    for (const { name, g } of meshes()) {
      for (const kind of ['ServiceAccount', 'Secret', 'ClusterRole', 'ClusterRoleBinding']) expect(ofKind(g, kind).map((r) => r.path), `${name} ${kind}`).toEqual([]);
    }
  });

  it('both docs run create-remote-secret with the default istio-reader-service-account', () => {
    for (const file of ['generator.md', 'gitops.md']) {
      const text = readRepoFile('docs', file);
      expect(text, file).not.toContain('meshforge-istio-reader');
      expect(text, file).toContain('istio-reader-service-account');
      expect(text, file).toMatch(/istioctl create-remote-secret/);
      expect(text, file).not.toMatch(/--service-account=/);
    }
  });
});

describe('other kinds on a real cluster', () => {
  it('namespaces of a revision-installed cluster ask for that revision, never istio-injection', () => {
    for (const { object } of ofKind(synth, 'Namespace').filter((n) => n.object.metadata.name === 'shop')) {
      expect(object.metadata.labels['istio.io/rev']).toBe('canary');
      expect(object.metadata.labels['istio-injection']).toBeUndefined();
    }
    const dev = ofKind(example, 'Namespace').find((n) => n.object.metadata.name === 'dev')!;
    expect(dev.object.metadata.labels['istio-injection']).toBe('enabled');
    expect(dev.object.metadata.labels['istio.io/rev']).toBeUndefined();
  });

  it('Flux HelmReleases: base, then istiod, then gateways, each retrying a failed install or upgrade', () => {
    for (const { name, g } of meshes()) {
      const releases = ofKind(g, 'HelmRelease');
      expect(releases.length, name).toBeGreaterThan(0);
      for (const { path, object } of releases) {
        expect(object.spec.install.remediation.retries, path).toBeGreaterThan(0);
        expect(object.spec.upgrade.remediation.retries, path).toBeGreaterThan(0);
        const chart = object.spec.chart.spec.chart;
        const deps = (object.spec.dependsOn ?? []).map((d: { name: string }) => d.name);
        expect(deps, path).toEqual(chart === 'base' ? [] : chart === 'istiod' ? ['istio-base'] : ['istiod']);
      }
    }
  });

  it('the mesh ApplicationSet skips the dry run of Istio kinds whose CRDs arrive from the base Application', () => {
    const set = ofKind(example, 'ApplicationSet')[0]!.object;
    expect(set.spec.template.spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(['SkipDryRunOnMissingResource=true', 'ServerSideApply=true']));
    const waves = applications(example)
      .filter((a) => a.object.metadata.annotations?.['argocd.argoproj.io/sync-wave'] !== undefined)
      .map((a) => [a.object.spec.sources?.[0]?.chart, Number(a.object.metadata.annotations['argocd.argoproj.io/sync-wave'])] as const);
    const wave = (chart: string) => Math.max(...waves.filter(([c]) => c === chart).map(([, w]) => w));
    expect(wave('base')).toBeLessThan(wave('istiod'));
    expect(wave('istiod')).toBeLessThan(wave('gateway'));
    expect(wave('gateway')).toBeLessThan(Number(set.metadata.annotations['argocd.argoproj.io/sync-wave']));
  });
});
