import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { gatewayApiChannel, gatewayApiBundleFor } from '../../generator/core/gateway-api-version.js';
import { gatewayApiContent, planGitops, renderedGatewayApiContent, renderGitops, SYNC_WAVE_ANNOTATION } from '../../generator/gitops/index.js';
import type { RenderedFile } from '../../generator/manifest/types.js';
import type { MeshModel } from '../../generator/model/types.js';
import { renderMesh } from '../../generator/render/render.js';
import { createValidator } from '../../generator/validate/index.js';
import { ambientExampleText, exampleText, ledgerOf, modelOf } from '../generator/helpers.js';

type Json = Record<string, any>;

const GATEWAY_API_REPO = 'https://github.com/kubernetes-sigs/gateway-api.git';

function edited(text: string, edits: [path: (string | number)[], value: unknown][]): string {
  const doc = parseDocument(text);
  for (const [path, value] of edits) doc.setIn(path, value);
  return doc.toString();
}

function render(text: string, keep: (file: RenderedFile) => boolean = () => true) {
  const model = modelOf(text);
  const mesh = renderMesh(model, ledgerOf(model)).filter(keep);
  return { model, mesh, gitops: renderGitops(model, mesh) };
}

const objects = (files: readonly RenderedFile[], kind: string, cluster?: string): Json[] =>
  files.flatMap((f) => f.resources).filter((r) => r.kind === kind && (cluster === undefined || r.cluster === cluster)).map((r) => r.object as Json);

const isGatewayApi = (file: RenderedFile) => file.resources.some((r) => r.apiVersion.startsWith('gateway.networking.k8s.io/'));
const crdApps = (files: readonly RenderedFile[]) => objects(files, 'Application').filter((a) => a.metadata.name.endsWith('-gateway-api-crds'));
const wave = (o: Json) => Number(o.metadata.annotations[SYNC_WAVE_ANNOTATION]);

describe.each([
  ['the sidecar example (istio-remote peers)', exampleText],
  ['the ambient example (east-west, waypoints, Gateway API ingress)', ambientExampleText],
])('Gateway API CRDs for %s', (_name, text) => {
  const { model, mesh, gitops } = render(text());

  it('every cluster tree holds Gateway API objects, so every cluster gets the bundle', () => {
    for (const cluster of model.clusters) expect(mesh.some((f) => f.cluster === cluster.name && isGatewayApi(f))).toBe(true);
    expect(crdApps(gitops).map((a) => a.metadata.labels['meshforge.io/cluster']).sort()).toEqual(model.clusters.map((c) => c.name).sort());
  });

  it('Argo CD: an Application per cluster on the upstream repository at the Istio release tag, before everything else', () => {
    const apps = objects(gitops, 'Application');
    const meshSet = objects(gitops, 'ApplicationSet')[0]!;
    for (const cluster of model.clusters) {
      const app = apps.find((a) => a.metadata.name === `${cluster.name}-gateway-api-crds`)!;
      expect(app.spec.source).toEqual({ repoURL: GATEWAY_API_REPO, targetRevision: 'v1.4.0', path: 'config/crd/standard' });
      expect(app.spec.destination).toEqual(cluster.destination.server !== undefined ? { server: cluster.destination.server } : { name: cluster.destination.name });
      expect(app.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
      // Deleting a CRD deletes every object of its kind: never pruned automatically.
      expect(app.spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: true });
      expect(app.spec.syncPolicy.retry.limit).toBeGreaterThan(0);
      expect(app.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'meshforge', 'meshforge.io/cluster': cluster.name });
      // Before the mesh configuration, and before every Istio chart of the same cluster.
      expect(wave(app)).toBeLessThan(wave(meshSet));
      for (const other of apps.filter((a) => a.metadata.labels['meshforge.io/cluster'] === cluster.name && a !== app)) expect(wave(app)).toBeLessThan(wave(other));
    }
    const listed = parse(gitops.find((f) => f.path === '_argocd/kustomization.yaml')!.content) as Json;
    for (const cluster of model.clusters) expect(listed.resources).toContain(`application-${cluster.name}-gateway-api-crds.yaml`);
  });

  it('Flux: a GitRepository at the tag and a never-pruned Kustomization that mesh-config depends on', () => {
    for (const cluster of model.clusters) {
      const source = objects(gitops, 'GitRepository', cluster.name).find((g) => g.metadata.name === 'gateway-api')!;
      expect(source.spec).toEqual({ interval: '10m', url: GATEWAY_API_REPO, ref: { tag: 'v1.4.0' } });
      const kustomizations = objects(gitops, 'Kustomization', cluster.name).filter((k) => k.apiVersion === 'kustomize.toolkit.fluxcd.io/v1');
      const crds = kustomizations.find((k) => k.metadata.name === 'gateway-api-crds')!;
      expect(crds.spec).toEqual({ interval: '10m', sourceRef: { kind: 'GitRepository', name: 'gateway-api' }, path: './config/crd/standard', prune: false, wait: true });
      const meshConfig = kustomizations.find((k) => k.metadata.name === 'mesh-config')!;
      expect(meshConfig.spec.dependsOn.map((d: Json) => d.name)).toContain('gateway-api-crds');
      // Every dependency names a Kustomization of the same cluster: the chain can complete.
      for (const k of kustomizations) for (const d of k.spec.dependsOn ?? []) expect(kustomizations.map((x) => x.metadata.name)).toContain(d.name);
      const listed = parse(gitops.find((f) => f.path === `${cluster.name}/flux/kustomization.yaml`)!.content) as Json;
      expect(listed.resources).toEqual(expect.arrayContaining(['gitrepository-gateway-api.yaml', 'kustomization-gateway-api-crds.yaml']));
    }
  });

  it('the new documents validate against the embedded strict schemas', async () => {
    const validator = await createValidator({ choice: 'embedded', env: {} });
    const docs = gitops.filter((f) => /gateway-api/.test(f.path)).flatMap((f) => f.resources);
    expect(docs.length).toBe(model.clusters.length * 3);
    expect(await validator.validate(docs)).toEqual([]);
  });

  it('a tree without Gateway API objects gets none of it', () => {
    const without = render(text(), (f) => !isGatewayApi(f));
    expect(without.gitops.filter((f) => /gateway-api/.test(f.path))).toEqual([]);
    for (const k of objects(without.gitops, 'Kustomization').filter((x) => x.metadata.name === 'mesh-config')) {
      expect((k.spec.dependsOn ?? []).map((d: Json) => d.name)).not.toContain('gateway-api-crds');
    }
  });

  it('gitops.gatewayApiCrds: false (the platform installs them) turns it off', () => {
    const off = render(edited(text(), [[['gitops', 'gatewayApiCrds'], false]]));
    expect(off.gitops.filter((f) => /gateway-api/.test(f.path))).toEqual([]);
    expect(off.gitops.length).toBe(gitops.length - 3 * model.clusters.length);
  });
});

describe('bundle tag and channel', () => {
  const model: MeshModel = modelOf(exampleText());
  const planFor = (m: MeshModel, kinds: { apiVersion: string; kind: string }[]) =>
    planGitops(m, gatewayApiContent(m.clusters.flatMap((c) => kinds.map((k) => ({ cluster: c.name, object: k })))));

  it('the experimental channel when a cluster holds a kind the standard channel does not serve', () => {
    const docs = planFor(model, [
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway' },
      { apiVersion: 'gateway.networking.k8s.io/v1alpha2', kind: 'TCPRoute' },
    ]);
    const app = docs.find((d) => d.path === '_argocd/application-cluster1-gateway-api-crds.yaml')!.object as Json;
    expect(app.spec.source.path).toBe('config/crd/experimental');
    const crds = docs.find((d) => d.path === 'cluster1/flux/kustomization-gateway-api-crds.yaml')!.object as Json;
    expect(crds.spec.path).toBe('./config/crd/experimental');
  });

  it('the Gateway API ingress fixture: clusters with a TLSRoute or TCPRoute get the experimental channel, the others standard', () => {
    const fixture = readFileSync(new URL('../fixtures/generator/gateway-api.mesh.config.yaml', import.meta.url), 'utf8');
    const { model: m, mesh, gitops } = render(`${fixture}\ngitops: { engine: both, repoURL: https://github.com/example-org/mesh-gitops.git }\n`);
    let experimental = 0;
    for (const cluster of m.clusters) {
      const kinds = new Set(mesh.filter((f) => f.cluster === cluster.name).flatMap((f) => f.resources).filter((r) => r.apiVersion.startsWith('gateway.networking.k8s.io/')).map((r) => r.kind));
      const app = crdApps(gitops).find((a) => a.metadata.labels['meshforge.io/cluster'] === cluster.name);
      if (kinds.size === 0) {
        expect(app).toBeUndefined();
        continue;
      }
      const channel = kinds.has('TLSRoute') || kinds.has('TCPRoute') ? 'experimental' : 'standard';
      if (channel === 'experimental') experimental++;
      expect(app!.spec.source.path).toBe(`config/crd/${channel}`);
      const crds = objects(gitops, 'Kustomization', cluster.name).find((k) => k.metadata.name === 'gateway-api-crds')!;
      expect(crds.spec.path).toBe(`./config/crd/${channel}`);
    }
    expect(experimental).toBeGreaterThan(0);
  });

  it('the tag Istio was built against', () => {
    const older = modelOf(edited(exampleText(), [[['mesh', 'istio', 'version'], '1.26.2']]));
    const docs = planFor(older, [{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway' }]);
    expect((docs.find((d) => d.path === 'cluster2/flux/gitrepository-gateway-api.yaml')!.object as Json).spec.ref).toEqual({ tag: 'v1.3.0' });
    expect(gatewayApiBundleFor('1.29.0')).toBe('1.4.0');
    expect(gatewayApiBundleFor('1.28.1')).toBe('1.4.0');
  });

  it('channel facts of the bundles (config/crd/standard at each tag)', () => {
    const k = (apiVersion: string, kind: string) => [{ apiVersion: `gateway.networking.k8s.io/${apiVersion}`, kind }];
    expect(gatewayApiChannel('1.4.0', k('v1', 'HTTPRoute'))).toBe('standard');
    expect(gatewayApiChannel('1.4.0', k('v1beta1', 'ReferenceGrant'))).toBe('standard');
    expect(gatewayApiChannel('1.4.0', k('v1', 'BackendTLSPolicy'))).toBe('standard');
    expect(gatewayApiChannel('1.3.0', k('v1', 'BackendTLSPolicy'))).toBe('experimental');
    expect(gatewayApiChannel('1.4.0', k('v1alpha2', 'TLSRoute'))).toBe('experimental');
    expect(gatewayApiChannel('1.5.1', k('v1', 'TLSRoute'))).toBe('standard');
    expect(gatewayApiChannel('1.4.0', k('v1alpha2', 'TCPRoute'))).toBe('experimental');
    expect(gatewayApiChannel('1.4.0', [{ apiVersion: 'gateway.networking.x-k8s.io/v1alpha1', kind: 'XListenerSet' }])).toBe('experimental');
  });

  it('content comes from cluster objects of the Gateway API groups only', () => {
    const content = renderedGatewayApiContent(renderMesh(model, ledgerOf(model)));
    for (const [, kinds] of content) for (const k of kinds) expect(k.apiVersion).toMatch(/^gateway\.networking\.k8s\.io\//);
    expect(gatewayApiContent([{ object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway' } }]).size).toBe(0);
  });
});
