import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigString } from '../../generator/model/load.js';
import { planMeshFiles, renderMesh, renderPlannedFile } from '../../generator/render/render.js';
import { parse } from 'yaml';
import { buildReport } from '../../generator/report/resolve.js';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { EmbeddedValidator } from '../../generator/validate/embedded.js';
import { createValidator } from '../../generator/validate/index.js';
import { CRDS_CATALOG_LOCATION } from '../../generator/validate/kubeconform.js';
import { STANDIN } from '../validate/helpers.js';
import { exampleText, find, ledgerOf, modelOf, parsedResources, tempDir } from './helpers.js';

const FIXTURE = new URL('../fixtures/generator/gateway-api.mesh.config.yaml', import.meta.url).pathname;
const fixtureText = (): string => readFileSync(FIXTURE, 'utf8');
const GATEWAY_API = /^gateway\.networking\.k8s\.io\//;

function render(text: string) {
  const model = modelOf(text);
  return renderMesh(model, ledgerOf(model));
}

describe('ingress api: gateway-api', () => {
  const files = render(fixtureText());
  const resources = parsedResources(files);
  const gatewayApiDocs = resources.filter((r) => GATEWAY_API.test(String(r.object.apiVersion)));

  it('S3: a Gateway of class istio with an HTTPS listener, the Secret by certificateRef, mutual TLS as the listener option', () => {
    const gateway = find(resources, 'cluster2', 'Gateway', 'httpbin-mtls', 'bar');
    expect(gateway.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(gateway.spec.gatewayClassName).toBe('istio');
    expect(gateway.metadata.annotations).toEqual({ 'networking.istio.io/service-type': 'NodePort' });
    expect(gateway.spec.listeners).toEqual([
      {
        name: 'https-443',
        hostname: 'httpbin.example.com',
        port: 443,
        protocol: 'HTTPS',
        tls: { mode: 'Terminate', certificateRefs: [{ name: 'httpbin-credential', namespace: 'istio-system' }], options: { 'gateway.istio.io/tls-terminate-mode': 'MUTUAL' } },
      },
    ]);
    const route = find(resources, 'cluster2', 'HTTPRoute', 'httpbin-mtls', 'bar');
    expect(route.spec).toEqual({ parentRefs: [{ name: 'httpbin-mtls', sectionName: 'https-443' }], hostnames: ['httpbin.example.com'], rules: [{ backendRefs: [{ name: 'httpbin', port: 8000 }] }] });
    // The certificate lives in istio-system (where `certs secrets` puts it): the Gateway in bar needs a grant there.
    const grant = find(resources, 'cluster2', 'ReferenceGrant', 'bar-httpbin-mtls-certificate', 'istio-system');
    expect(grant.apiVersion).toBe('gateway.networking.k8s.io/v1beta1');
    expect(grant.spec).toEqual({ from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'bar' }], to: [{ group: '', kind: 'Secret', name: 'httpbin-credential' }] });
    // The Istio objects are not written for it.
    expect(resources.some((r) => r.object.apiVersion === 'networking.istio.io/v1' && r.object.metadata?.name?.startsWith('httpbin-mtls'))).toBe(false);
  });

  it('S8: a TCP listener without hostname and a v1alpha2 TCPRoute to the service port', () => {
    const gateway = find(resources, 'cluster2', 'Gateway', 'tcp-echo', 'tcp-echo');
    expect(gateway.spec.listeners).toEqual([{ name: 'tcp-31400', port: 31400, protocol: 'TCP' }]);
    const route = find(resources, 'cluster2', 'TCPRoute', 'tcp-echo', 'tcp-echo');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1alpha2');
    expect(route.spec).toEqual({ parentRefs: [{ name: 'tcp-echo', sectionName: 'tcp-31400' }], rules: [{ backendRefs: [{ name: 'tcp-echo', port: 8020 }] }] });
  });

  it('S9: Host routing with path matches and the mesh route split as weighted backendRefs', () => {
    const route = find(resources, 'cluster1', 'HTTPRoute', 'goapp-dev', 'dev');
    expect(route.spec.hostnames).toEqual(['goapp.dev']);
    expect(route.spec.rules).toEqual([
      {
        backendRefs: [
          { name: 'goapp', port: 80, weight: 90 },
          { name: 'goapp-canary', port: 80, weight: 10 },
        ],
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
      },
    ]);
  });

  it('names ServiceEntry hosts (exported or external) as networking.istio.io Hostname backends, without namespace or grant', () => {
    const remote = find(resources, 'cluster1', 'HTTPRoute', 'httpbin-remote', 'bar');
    expect(remote.spec.rules[0].backendRefs).toEqual([{ name: 'httpbin.bar.cluster2', group: 'networking.istio.io', kind: 'Hostname', port: 8000 }]);
    const partner = find(resources, 'cluster1', 'HTTPRoute', 'partner', 'web');
    expect(partner.spec.rules[0].backendRefs).toEqual([{ name: 'api.partner.example.com', group: 'networking.istio.io', kind: 'Hostname', port: 80 }]);
    expect(resources.filter((r) => r.cluster === 'cluster1' && r.object.kind === 'ReferenceGrant')).toEqual([]);
  });

  it('TLS passthrough: a TLS listener in Passthrough mode and a TLSRoute on the SNI host', () => {
    const gateway = find(resources, 'cluster2', 'Gateway', 'httpbin-passthrough', 'bar');
    expect(gateway.spec.listeners).toEqual([{ name: 'tls-8443', hostname: 'pass.example.com', port: 8443, protocol: 'TLS', tls: { mode: 'Passthrough' } }]);
    const route = find(resources, 'cluster2', 'TLSRoute', 'httpbin-passthrough', 'bar');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1alpha2');
    expect(route.spec.hostnames).toEqual(['pass.example.com']);
  });

  it('writes a ReferenceGrant only where a reference leaves the namespace', () => {
    const grants = gatewayApiDocs.filter((r) => r.object.kind === 'ReferenceGrant').map((r) => `${r.cluster}/${r.object.metadata.namespace}/${r.object.metadata.name}`);
    expect(grants.sort()).toEqual(['cluster2/bar/web-httpbin-web-backend', 'cluster2/istio-system/bar-httpbin-mtls-certificate', 'cluster2/istio-system/web-httpbin-web-certificate']);
    const backend = find(resources, 'cluster2', 'ReferenceGrant', 'web-httpbin-web-backend', 'bar');
    expect(backend.spec).toEqual({ from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'web' }], to: [{ group: '', kind: 'Service', name: 'httpbin' }] });
    expect(find(resources, 'cluster2', 'HTTPRoute', 'httpbin-web', 'web').spec.rules[0].backendRefs).toEqual([{ name: 'httpbin', namespace: 'bar', port: 8000 }]);
  });

  it('keeps api: istio entries on the Istio Gateway and VirtualService', () => {
    expect(find(resources, 'cluster1', 'Gateway', 'goapp-istio', 'dev').apiVersion).toBe('networking.istio.io/v1');
    expect(find(resources, 'cluster1', 'VirtualService', 'goapp-istio-ingress', 'dev').spec.gateways).toEqual(['goapp-istio']);
  });

  it('the templates write each Gateway API document exactly as intended (YAML 1.2 and 1.1 readers)', () => {
    const model = modelOf(fixtureText());
    const planned = planMeshFiles(model, ledgerOf(model)).filter((f) => GATEWAY_API.test(String(f.document.object['apiVersion'])));
    expect(planned.map((f) => f.document.template).sort()).toEqual(expect.arrayContaining(['httproute', 'k8s-gateway', 'referencegrant', 'tcproute', 'tlsroute']));
    for (const file of planned) {
      const text = renderPlannedFile(file, model);
      expect(parse(text), file.path).toEqual(file.document.object);
      expect(parse(text, { schema: 'yaml-1.1' }), file.path).toEqual(file.document.object);
    }
  });

  it('every emitted document validates against the embedded strict schemas', async () => {
    const kinds = new Set(gatewayApiDocs.map((r) => `${r.object.apiVersion}/${r.object.kind}`));
    expect([...kinds].sort()).toEqual([
      'gateway.networking.k8s.io/v1/Gateway',
      'gateway.networking.k8s.io/v1/HTTPRoute',
      'gateway.networking.k8s.io/v1alpha2/TCPRoute',
      'gateway.networking.k8s.io/v1alpha2/TLSRoute',
      'gateway.networking.k8s.io/v1beta1/ReferenceGrant',
    ]);
    const diagnostics = await new EmbeddedValidator().validate(files.flatMap((f) => f.resources));
    expect(diagnostics.map((d) => `${d.location.file} ${d.rule} ${d.message}`)).toEqual([]);
  });

  it('the embedded Gateway API schemas are strict: an unknown field or a bad value is an error', async () => {
    const route = files.flatMap((f) => f.resources).find((r) => r.kind === 'HTTPRoute')!;
    const object = structuredClone(route.object) as { spec: { rules: { backendRefs: Record<string, unknown>[] }[] } };
    object.spec.rules[0]!.backendRefs[0]!['servce'] = 'x';
    const tcp = files.flatMap((f) => f.resources).find((r) => r.kind === 'TCPRoute')!;
    const badPort = structuredClone(tcp.object) as { spec: { rules: { backendRefs: { port: number }[] }[] } };
    badPort.spec.rules[0]!.backendRefs[0]!.port = 70000;
    const diagnostics = await new EmbeddedValidator().validate([
      { ...route, object },
      { ...tcp, object: badPort },
    ]);
    expect(diagnostics.map((d) => d.rule)).toEqual(['schema', 'schema']);
    expect(diagnostics[0]!.message).toContain('servce');
    expect(diagnostics[1]!.location.path).toEqual(['spec', 'rules', 0, 'backendRefs', 0, 'port']);
  });
});

describe('kubeconform schema locations for the Gateway API kinds', () => {
  it("schemas/k8s has the CRDs-catalog layout, so kubeconform's template finds each emitted kind there", () => {
    const files = render(fixtureText());
    const kinds = new Set(files.flatMap((f) => f.resources).filter((r) => GATEWAY_API.test(r.apiVersion)).map((r) => `${r.apiVersion}/${r.kind}`));
    expect(kinds.size).toBe(5);
    const schemaDir = new URL('../../schemas/k8s/', import.meta.url).pathname;
    for (const key of kinds) {
      const [group, version, kind] = key.split('/') as [string, string, string];
      // kubeconform's {{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json: kind lower-cased, version alone.
      const location = CRDS_CATALOG_LOCATION.replace(/^.*\/main\//, schemaDir).replace('{{.Group}}', group).replace('{{.ResourceKind}}', kind.toLowerCase()).replace('{{.ResourceAPIVersion}}', version);
      expect(existsSync(location), location).toBe(true);
    }
  });
});

describe('kubeconform backend on Gateway API kinds (stand-in)', () => {
  it('gets the default locations and maps a recorded unknown field of an HTTPRoute to its key', async () => {
    const work = tempDir('mf-gwapi-kubeconform-');
    const recording = join(work, 'recording.json');
    // The shape kubeconform v0.7.0 prints for an additional property in strict mode.
    writeFileSync(recording, JSON.stringify({ 'HTTPRoute/goapp-dev': { status: 'statusInvalid', msg: 'problem validating schema', validationErrors: [{ path: '/spec/rules/0/backendRefs/0', msg: "additional properties 'subset' not allowed" }] } }));
    const argv = join(work, 'argv.jsonl');
    const validator = await createValidator({ choice: 'kubeconform', env: { PATH: process.env['PATH'] ?? '', MESHFORGE_KUBECONFORM: STANDIN, KUBECONFORM_STANDIN_RECORDING: recording, KUBECONFORM_STANDIN_ARGV: argv } });
    const resources = render(fixtureText()).flatMap((f) => f.resources).filter((r) => GATEWAY_API.test(r.apiVersion));
    const diagnostics = await validator.validate(resources);
    expect(diagnostics.map((d) => [d.rule, d.resource?.kind, d.resource?.name, d.location.path])).toEqual([['schema', 'HTTPRoute', 'goapp-dev', ['spec', 'rules', 0, 'backendRefs', 0, 'subset']]]);
    const run = JSON.parse(readFileSync(argv, 'utf8').trim().split('\n')[1]!) as string[];
    expect(run.filter((_, i) => run[i - 1] === '-schema-location')).toEqual(['default', CRDS_CATALOG_LOCATION]);
  });
});

describe('ingress api: istio stays the default', () => {
  it('the bundled example writes no Gateway API ingress (only the istio-remote peers are Gateway API Gateways)', () => {
    const gatewayApi = parsedResources(render(exampleText())).filter((r) => GATEWAY_API.test(String(r.object.apiVersion)));
    expect(gatewayApi.length).toBeGreaterThan(0);
    const classes = gatewayApi.map((r) => `${String(r.object.kind)}/${String((r.object.spec as { gatewayClassName?: unknown } | undefined)?.gatewayClassName)}`);
    expect([...new Set(classes)]).toEqual(['Gateway/istio-remote']);
  });

  it('api: istio writes byte for byte what an entry without the key writes', () => {
    const withKey = render(fixtureText().replaceAll('api: gateway-api', 'api: istio'));
    const withoutKey = render(fixtureText().replaceAll('    api: gateway-api\n', ''));
    expect(withKey.map((f) => [f.path, f.content])).toEqual(withoutKey.map((f) => [f.path, f.content]));
    expect(parsedResources(withKey).filter((r) => GATEWAY_API.test(String(r.object.apiVersion)))).toEqual([]);
  });
});

describe('config checks of api: gateway-api', () => {
  const errorsOf = (text: string) => {
    const sources = new SourceRegistry();
    const loaded = loadConfigString(text, 'mesh.config.yaml', sources);
    if (loaded.ok) return [];
    return buildReport('validate', loaded.diagnostics, sources).diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.rule} ${d.message} | ${d.hint ?? ''}`);
  };

  it('the fixture is valid', () => {
    expect(errorsOf(fixtureText())).toEqual([]);
  });

  it('refuses an ingress that carries a split across clusters of one service (a subset), at the entry, with what to write instead', () => {
    // The example's helloworld-web follows routes[helloworld]: 50/50 between cluster1 and cluster2 instances.
    const text = exampleText().replace('    to: { service: sample/helloworld, port: 5000 }\n', '    to: { service: sample/helloworld, port: 5000 }\n    api: gateway-api\n');
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    // The route by identity, not by position.
    expect(errors[0]).toMatch(/^mesh\.config\.yaml:\d+:\d+ config-invalid-value ingress 'helloworld-web' carries the split of routes\[sample\/helloworld\], whose destination 1 selects cluster 'cluster1': /);
    expect(errors[0]).toContain('Write api: istio');
    const line = Number(/:(\d+):/.exec(errors[0]!)![1]);
    expect(text.split('\n')[line - 1]).toContain('service: sample/helloworld');
  });

  it('says a split it cannot carry once, naming every destination that selects a subset', () => {
    const text = exampleText()
      .replace('    to: { service: sample/helloworld, port: 5000 }\n', '    to: { service: sample/helloworld, port: 5000 }\n    api: gateway-api\n')
      .replace('{ service: helloworld, cluster: cluster2, weight: 50 }', '{ service: helloworld, version: v2, weight: 50 }');
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("carries the split of routes[sample/helloworld], whose destination 1 selects cluster 'cluster1' and destination 2 selects version 'v2': ");
  });

  it('judges nothing from a service whose placement is itself the mistake (defined twice)', () => {
    // helloworld is defined a second time: the duplicate is the one error, not the split judged from either definition.
    const duplicate = '  - { name: helloworld, namespace: sample, clusters: [cluster1, cluster3], ports: [{ number: 5000, name: http, protocol: HTTP }] }\n';
    const text = exampleText()
      .replace('    to: { service: sample/helloworld, port: 5000 }\n', '    to: { service: sample/helloworld, port: 5000 }\n    api: gateway-api\n')
      .replace('  - { name: goapp, namespace: dev,', `${duplicate}  - { name: goapp, namespace: dev,`);
    const errors = errorsOf(text);
    expect(errors.map((e) => e.split(' ')[1])).toEqual(['config-duplicate-name']);
  });

  it('refuses a version, TLS termination on a TLS listener, and a host backend without a port', () => {
    const text = fixtureText()
      .replace('    to: { service: tcp-echo/tcp-echo, port: 8020 }\n', '    to: { service: tcp-echo/tcp-echo, port: 8020, version: v1 }\n')
      .replace('    tls: { mode: PASSTHROUGH }\n', '    tls: { mode: SIMPLE }\n')
      .replace('to: { host: api.partner.example.com, port: 80 }', 'to: { host: api.partner.example.com }');
    const errors = errorsOf(text);
    expect(errors.some((e) => /config-invalid-value ingress 'tcp-echo' sends to version 'v1'/.test(e))).toBe(true);
    expect(errors.some((e) => /ingress 'partner' sends to host api\.partner\.example\.com without a port: a Gateway API backendRef needs one/.test(e))).toBe(true);
    expect(errors).toHaveLength(3);
    expect(errors.some((e) => /ingress 'httpbin-passthrough' uses protocol TLS with tls.mode SIMPLE, which api: gateway-api does not generate \| Write tls: \{mode: PASSTHROUGH\}/.test(e))).toBe(true);
  });
});

describe('Gateway API names have one definition (generator/core/gateway-api.ts)', () => {
  it('what render writes, what the rules read and the embedded schemas cover are the same kinds, versions and classes', async () => {
    const core = await import('../../generator/core/gateway-api.js');
    const policyGatewayApi = await import('../../policies/utils/gateway-api.js');
    const policyLabels = await import('../../policies/utils/labels.js');
    const { GATEWAY_API_KINDS } = await import('../../generator/validate/derive-crd.js');
    expect(GATEWAY_API_KINDS.map((k) => `${core.GATEWAY_API_GROUP}/${k.version}`)).toEqual(GATEWAY_API_KINDS.map((k) => core.GATEWAY_API_VERSIONS[k.kind as keyof typeof core.GATEWAY_API_VERSIONS]));
    expect(GATEWAY_API_KINDS.map((k) => k.kind)).toEqual(['Gateway', 'HTTPRoute', 'TLSRoute', 'TCPRoute', 'ReferenceGrant']);
    expect([policyGatewayApi.GATEWAY_API_GROUP, policyGatewayApi.EAST_WEST_CLASS, policyGatewayApi.REMOTE_CLASS, policyGatewayApi.WAYPOINT_CLASS]).toEqual([core.GATEWAY_API_GROUP, core.EAST_WEST_CLASS, core.REMOTE_CLASS, core.WAYPOINT_CLASS]);
    expect([policyLabels.DATAPLANE_MODE_LABEL, policyLabels.GLOBAL_SERVICE_LABEL, policyLabels.NETWORK_LABEL, policyLabels.USE_WAYPOINT_LABEL]).toEqual([core.DATAPLANE_MODE_LABEL, core.GLOBAL_SERVICE_LABEL, core.NETWORK_LABEL, core.USE_WAYPOINT_LABEL]);
    // Every Gateway API object rendered for the fixture uses one of those apiVersions.
    const written = new Set(parsedResources(render(fixtureText())).map((r) => String(r.object.apiVersion)).filter((v) => GATEWAY_API.test(v)));
    expect([...written].every((v) => (Object.values(core.GATEWAY_API_VERSIONS) as string[]).includes(v))).toBe(true);
    expect(written.size).toBeGreaterThan(1);
  });
});

