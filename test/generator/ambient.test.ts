// Issue 16: ambient clusters, waypoints, global services and istio-remote peers, from config errors to rendered facts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../generator/core/paths.js';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { planGitops, renderedGatewayApiContent } from '../../generator/gitops/render.js';
import { loadConfigString } from '../../generator/model/load.js';
import { helmReleases } from '../../generator/render/install.js';
import { renderMesh } from '../../generator/render/render.js';
import { resolveDiagnostics } from '../../generator/report/resolve.js';
import { exampleText, find, ledgerOf, modelOf, parsedResources } from './helpers.js';
import eastWestCoverage from '../../policies/east-west-coverage.js';
import { reportsFor } from '../lint/rule-tester.js';

const AMBIENT_EXAMPLE = packagePath('examples', 'ambient', 'mesh.config.yaml');
const ambientText = () => readFileSync(AMBIENT_EXAMPLE, 'utf8');

function render(text: string) {
  const model = modelOf(text);
  return { model, resources: parsedResources(renderMesh(model, ledgerOf(model))), files: renderMesh(model, ledgerOf(model)) };
}

/** Loads a config text and returns its diagnostics with line and column. */
function diagnose(text: string) {
  const sources = new SourceRegistry();
  const result = loadConfigString(text, 'mesh.config.yaml', sources);
  return { ok: result.ok, printed: resolveDiagnostics(result.diagnostics, sources) };
}

const TWO = (extra = '', version = '1.29.0', cluster2 = '') => `mesh:
  id: m
  istio: { version: ${version} }
clusters:
  - name: east
    network: n1
    dataPlaneMode: ambient
    eastWestGateway: { address: 192.0.2.11 }
  - name: west
    network: n2
    dataPlaneMode: ambient
    eastWestGateway: { address: west-ew.example.com }
${cluster2}${extra}`;

describe('ambient config', () => {
  it('accepts the ambient example, with the multi-network beta warning at the first ambient cluster', () => {
    const { ok, printed } = diagnose(ambientText());
    expect(ok).toBe(true);
    expect(printed.map((d) => [d.rule, d.severity, d.line])).toEqual([['config-ambient-beta', 'warning', 23]]);
  });

  it('offers did-you-mean for a misspelt data-plane mode, at line:column', () => {
    const { ok, printed } = diagnose(TWO().replace('dataPlaneMode: ambient\n    eastWest', 'dataPlaneMode: ambiant\n    eastWest'));
    expect(ok).toBe(false);
    expect(printed[0]).toMatchObject({ line: 7, column: 20 });
    expect(printed[0]!.message).toMatch(/ambient/);
  });

  it('gates ambient multicluster on Istio 1.27 and names that version', () => {
    const { ok, printed } = diagnose(TWO('', '1.26.3'));
    expect(ok).toBe(false);
    expect(printed.map((d) => [d.rule, d.line])).toEqual([['config-ambient-version', 3]]);
    expect(printed[0]!.message).toContain('1.27.0');
    expect(printed[0]!.message).toContain('1.26.3');
  });

  it('says alpha before 1.29 and beta from 1.29', () => {
    expect(diagnose(TWO('', '1.28.1')).printed.map((d) => d.message)).toEqual([expect.stringContaining('alpha in Istio 1.28.1')]);
    expect(diagnose(TWO('', '1.29.0')).printed.map((d) => d.message)).toEqual([expect.stringContaining('beta in Istio 1.29.0')]);
  });

  it('a single ambient cluster needs no multicluster release and gets no multi-network warning', () => {
    const { ok, printed } = diagnose('mesh:\n  id: m\n  istio: { version: 1.24.0 }\nclusters:\n  - { name: solo, network: n1, dataPlaneMode: ambient }\n');
    expect(ok).toBe(true);
    expect(printed).toEqual([]);
  });

  it('rejects istioctl and the remote profile for ambient clusters, at the key that says so', () => {
    const istioctl = diagnose(TWO().replace('network: n2\n', 'network: n2\n    install: { method: istioctl }\n'));
    expect(istioctl.printed.filter((d) => d.severity === 'error').map((d) => [d.rule, d.line])).toEqual([['config-ambient-install', 11]]);
    const remote = diagnose(TWO().replace('network: n2\n', 'network: n2\n    install: { profile: remote }\n'));
    expect(remote.printed.filter((d) => d.severity === 'error').map((d) => [d.rule, d.line])).toEqual([['config-ambient-multi-primary', 11]]);
    expect(remote.printed.find((d) => d.severity === 'error')!.message).toContain('multi-primary');
  });

  it('rejects an ambient namespace in a sidecar cluster, injection in an ambient namespace, and a waypoint for sidecars', () => {
    const text = `mesh: { id: m }
clusters:
  - { name: a, network: n1, dataPlaneMode: ambient }
  - { name: s, network: n1 }
namespaces:
  - { name: shop, clusters: [a, s], dataPlaneMode: ambient }
  - { name: pay, clusters: [a], injection: true }
  - { name: legacy, clusters: [s], waypoint: wp }
  - { name: ok, clusters: [a], dataPlaneMode: sidecar, injection: true }
`;
    const { ok, printed } = diagnose(text);
    expect(ok).toBe(false);
    expect(printed.map((d) => [d.rule, d.line, d.message.split(':')[0]])).toEqual([
      ['config-ambient-namespace', 6, "namespace 'shop' asks for ambient, but 's' is a sidecar cluster"],
      ['config-ambient-namespace', 7, "namespace 'pay' is ambient (istio.io/dataplane-mode=ambient) and also asks for sidecar injection"],
      ['config-ambient-namespace', 8, "namespace 'legacy' names waypoint 'wp', but it is ambient in none of its clusters"],
    ]);
  });

  it('checks an ambient namespace against the clusters the model generates it in: none for an unused one, importing clusters too', () => {
    const lonely = diagnose(`mesh: { id: m }
clusters:
  - { name: a, network: n1, dataPlaneMode: ambient }
  - { name: s, network: n1 }
namespaces:
  - { name: lonely, dataPlaneMode: ambient }
`);
    expect(lonely.printed.map((d) => [d.rule, d.line])).toEqual([['config-unused-namespace', 6]]);

    const exported = diagnose(`mesh: { id: m }
clusters:
  - name: a
    network: n1
    dataPlaneMode: ambient
    ingressGateway: { address: 192.0.2.1, ports: [{ name: tls, port: 15443 }] }
  - { name: s, network: n1 }
namespaces:
  - { name: shop, dataPlaneMode: ambient }
services:
  - name: cart
    namespace: shop
    cluster: a
    ports: [{ number: 80, name: http, protocol: HTTP }]
    exportTo: [s]
`);
    expect(exported.printed.filter((d) => d.rule === 'config-ambient-namespace').map((d) => [d.line, d.message.split(':')[0]])).toEqual([
      [9, "namespace 'shop' asks for ambient, but 's' is a sidecar cluster"],
    ]);
  });
});

describe('ambient render (examples/ambient)', () => {
  const { model, resources, files } = render(ambientText());

  it('labels application namespaces ambient, with the waypoint, and never for injection', () => {
    const sample = find(resources, 'west', 'Namespace', 'sample');
    expect(sample.metadata.labels).toMatchObject({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' });
    expect(sample.metadata.labels).not.toHaveProperty('istio-injection');
    expect(find(resources, 'east', 'Namespace', 'client').metadata.labels).not.toHaveProperty('istio.io/use-waypoint');
  });

  it('writes the istio-east-west Gateway: HBONE 15008, ISTIO_MUTUAL termination, network label, address', () => {
    const gw = find(resources, 'east', 'Gateway', 'istio-eastwestgateway', 'istio-system');
    expect(gw.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(gw.metadata.labels['topology.istio.io/network']).toBe('network-east');
    expect(gw.spec.gatewayClassName).toBe('istio-east-west');
    expect(gw.spec.addresses).toEqual([{ type: 'IPAddress', value: '192.0.2.11' }]);
    expect(gw.spec.listeners).toEqual([{ name: 'mesh', port: 15008, protocol: 'HBONE', tls: { mode: 'Terminate', options: { 'gateway.istio.io/tls-terminate-mode': 'ISTIO_MUTUAL' } } }]);
    // No sidecar-era east-west pieces for an ambient cluster.
    expect(resources.some((r) => r.cluster === 'east' && r.object.metadata?.name === 'cross-network-gateway')).toBe(false);
    expect(files.some((f) => f.path === 'east/install/istio-eastwestgateway.values.yaml')).toBe(false);
  });

  it('writes the same waypoint, global, in every cluster that runs the global service', () => {
    const waypoints = resources.filter((r) => r.object.kind === 'Gateway' && r.object.spec?.gatewayClassName === 'istio-waypoint');
    expect(waypoints.map((w) => [w.cluster, w.object.metadata.namespace, w.object.metadata.name])).toEqual([
      ['east', 'sample', 'waypoint'],
      ['west', 'sample', 'waypoint'],
    ]);
    expect(waypoints[0]!.object.spec).toEqual(waypoints[1]!.object.spec);
    expect(waypoints[0]!.object.spec.infrastructure.labels).toEqual({ 'istio.io/global': 'true' });
    expect(waypoints[0]!.object.spec.listeners).toEqual([{ name: 'mesh', port: 15008, protocol: 'HBONE' }]);
  });

  it('peers each cluster with the other network through an istio-remote Gateway on HBONE', () => {
    const peer = find(resources, 'east', 'Gateway', 'istio-remote-network-west', 'istio-system');
    expect(peer.metadata.labels['topology.istio.io/network']).toBe('network-west');
    expect(peer.spec).toEqual({ gatewayClassName: 'istio-remote', addresses: [{ type: 'IPAddress', value: '198.51.100.11' }], listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] });
    expect(resources.some((r) => r.cluster === 'east' && r.object.metadata?.name === 'istio-remote-network-east')).toBe(false);
    // ztunnel checks the peer gateway's certificate against this identity: the east-west gateway's own account,
    // not istiod's default `<peer name>-istio-remote`.
    expect(peer.metadata.annotations).toEqual({ 'gateway.istio.io/service-account': 'istio-eastwestgateway' });
    expect(find(resources, 'west', 'Gateway', 'istio-eastwestgateway', 'istio-system').metadata.name).toBe('istio-eastwestgateway');
  });

  it('keeps its own labels off the east-west gateway\'s Deployment and Service (explicit infrastructure labels)', () => {
    const eastWest = find(resources, 'east', 'Gateway', 'istio-eastwestgateway', 'istio-system');
    expect(eastWest.spec.infrastructure).toEqual({ labels: { 'topology.istio.io/network': 'network-east' } });
  });

  it('installs base, istiod (profile ambient, multi-network env, global services), cni and ztunnel, then the gateway', () => {
    const east = model.clusters.find((c) => c.name === 'east')!;
    expect(helmReleases(east).map((r) => [r.release, r.chart])).toEqual([
      ['istio-base', 'base'],
      ['istiod', 'istiod'],
      ['istio-cni', 'cni'],
      ['ztunnel', 'ztunnel'],
      ['istio-ingressgateway', 'gateway'],
    ]);
    const values = (name: string) => files.find((f) => f.path === `east/install/${name}.values.yaml`)!.resources[0]!.object as Record<string, any>;
    const istiod = values('istiod');
    expect(istiod.profile).toBe('ambient');
    expect(istiod.env).toEqual({ AMBIENT_ENABLE_MULTI_NETWORK: 'true' });
    expect(istiod.global).toMatchObject({ meshID: 'mesh1', multiCluster: { clusterName: 'east' }, network: 'network-east' });
    expect(istiod.meshConfig.serviceScopeConfigs).toEqual([
      { servicesSelector: { matchExpressions: [{ key: 'istio.io/global', operator: 'In', values: ['true'] }] }, scope: 'GLOBAL' },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'sample' } }, servicesSelector: { matchLabels: { app: 'helloworld' } }, scope: 'GLOBAL' },
    ]);
    expect(values('istio-cni')).toMatchObject({ profile: 'ambient' });
    expect(values('ztunnel')).toMatchObject({ profile: 'ambient', multiCluster: { clusterName: 'east' }, network: 'network-east' });
  });

  it('orders the GitOps wrappers base -> istiod -> cni -> ztunnel -> gateways (Flux dependsOn, Argo CD sync waves)', () => {
    const docs = planGitops(model, renderedGatewayApiContent(renderMesh(model, ledgerOf(model))));
    const releases = docs.filter((d) => d.cluster === 'east' && (d.object as { kind: string }).kind === 'HelmRelease').map((d) => d.object as Record<string, any>);
    const dependsOn = Object.fromEntries(releases.map((r) => [r.metadata.name, (r.spec.dependsOn ?? []).map((x: { name: string }) => x.name)]));
    expect(dependsOn).toEqual({ 'istio-base': [], istiod: ['istio-base'], 'istio-cni': ['istiod'], ztunnel: ['istio-cni'], 'istio-ingressgateway': ['ztunnel'] });
    for (const r of releases) expect(r.spec.install.remediation.retries).toBeGreaterThan(0);
    const apps = docs.filter((d) => d.cluster === 'east' && (d.object as { kind: string }).kind === 'Application').map((d) => d.object as Record<string, any>);
    const wave = (chart: string) => Number(apps.find((a) => a.spec.sources?.[0].chart === chart)!.metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(['base', 'istiod', 'cni', 'ztunnel', 'gateway'].map(wave)).toEqual([-5, -4, -3, -2, -1]);
    for (const a of apps) expect(a.spec.syncPolicy.retry.limit).toBeGreaterThan(0);
    // Only the charts that ship validating webhooks ignore istiod's failurePolicy rewrite.
    expect(apps.filter((a) => a.spec.ignoreDifferences).map((a) => a.spec.sources[0].chart).sort()).toEqual(['base', 'istiod']);
  });
});

describe('istio-remote peers in a sidecar mesh (the bundled example)', () => {
  const { resources } = render(exampleText());

  it('gives every cluster an auto-passthrough 15443 peer per other network that has an east-west address', () => {
    const peers = resources.filter((r) => r.object.spec?.gatewayClassName === 'istio-remote');
    expect(peers.map((p) => [p.cluster, p.object.metadata.name])).toEqual([
      ['cluster1', 'istio-remote-network2'],
      ['cluster2', 'istio-remote-network1'],
      ['cluster3', 'istio-remote-network1'],
      ['cluster3', 'istio-remote-network2'],
    ]);
    const toNetwork2 = find(resources, 'cluster1', 'Gateway', 'istio-remote-network2', 'istio-system');
    expect(toNetwork2.metadata.labels['topology.istio.io/network']).toBe('network2');
    expect(toNetwork2.spec.addresses).toEqual([{ type: 'IPAddress', value: '192.168.121.11' }]);
    expect(toNetwork2.spec.listeners).toEqual([{ name: 'cross-network', port: 15443, protocol: 'TLS', tls: { mode: 'Passthrough', options: { 'gateway.istio.io/listener-protocol': 'auto-passthrough' } } }]);
    // Sidecars reach the peer by auto-passthrough, where no gateway identity is checked.
    expect(toNetwork2.metadata.annotations).toBeUndefined();
  });

  it('picks each peer listener from the data plane of the peer network in a mixed mesh', () => {
    const text = `mesh: { id: m }
clusters:
  - { name: a, network: n1, dataPlaneMode: ambient, eastWestGateway: { address: 192.0.2.1 } }
  - { name: b, network: n2, eastWestGateway: { address: 192.0.2.2 } }
`;
    const { resources } = render(text);
    expect(find(resources, 'a', 'Gateway', 'istio-remote-n2', 'istio-system').spec.listeners.map((l: { protocol: string; port: number }) => [l.protocol, l.port])).toEqual([['TLS', 15443]]);
    expect(find(resources, 'b', 'Gateway', 'istio-remote-n1', 'istio-system').spec.listeners.map((l: { protocol: string; port: number }) => [l.protocol, l.port])).toEqual([['HBONE', 15008]]);
    // The sidecar cluster keeps its sidecar-era east-west pieces; the ambient one has the istio-east-west Gateway.
    expect(find(resources, 'b', 'Gateway', 'cross-network-gateway', 'istio-system').apiVersion).toBe('networking.istio.io/v1');
    expect(find(resources, 'a', 'Gateway', 'istio-eastwestgateway', 'istio-system').spec.gatewayClassName).toBe('istio-east-west');
  });

  it('lints a generated mixed tree without peer-listener findings: each cluster is judged by its install, not namespace labels', () => {
    const text = `mesh: { id: m }
clusters:
  - { name: a, network: n1, dataPlaneMode: ambient, eastWestGateway: { address: 192.0.2.1 } }
  - { name: b, network: n2, eastWestGateway: { address: 192.0.2.2 }, ingressGateway: { address: 192.0.2.3, ports: [{ name: tls, port: 15443 }] } }
namespaces:
  - { name: shop, clusters: [a] }
  - { name: legacy, clusters: [a, b], dataPlaneMode: sidecar }
services:
  - { name: cart, namespace: legacy, cluster: b, ports: [{ number: 80, name: http, protocol: HTTP }], exportTo: [a] }
`;
    const { files } = render(text);
    const clusters: Record<string, Record<string, string>> = {};
    for (const f of files) (clusters[f.cluster] ??= {})[f.path.slice(f.cluster.length + 1)] = f.content;
    const reports = reportsFor(eastWestCoverage, { name: 'generated mixed tree', clusters, config: text });
    // Both peers exist, and each one's listener fits the other cluster's data plane.
    expect(files.filter((f) => f.content.includes('gatewayClassName: istio-remote')).map((f) => f.cluster)).toEqual(['a', 'b']);
    expect(reports.filter((r) => r.messageId === 'peerListenerMismatch')).toEqual([]);
  });

  it('types a DNS-name address as Hostname and uses the NodePort of 15443 on a NodePort east-west gateway', () => {
    const text = `mesh: { id: m }
clusters:
  - { name: a, network: n1, eastWestGateway: { address: 192.0.2.1 } }
  - name: b
    network: n2
    eastWestGateway:
      address: ew.b.example.com
      serviceType: NodePort
      ports: [{ name: status-port, port: 15021 }, { name: tls, port: 15443, nodePort: 31443 }]
`;
    const peer = find(render(text).resources, 'a', 'Gateway', 'istio-remote-n2', 'istio-system');
    expect(peer.spec.addresses).toEqual([{ type: 'Hostname', value: 'ew.b.example.com' }]);
    expect(peer.spec.listeners[0]).toMatchObject({ port: 31443, protocol: 'TLS' });
  });
});
