import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfigFile, loadConfigString } from '../../generator/model/load.js';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { resolveDiagnostics } from '../../generator/report/resolve.js';
import { allocateVips } from '../../generator/ledger/ledger.js';
import { renderMesh } from '../../generator/render/render.js';
import { HOSTILE_CONFIGS } from './hostile-config-corpus.js';
import { expectPositionedErrors } from './helpers.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('hostile mesh.config.yaml corpus (in-process)', () => {
  it('has the cases the reliability issue asks for', () => {
    expect(HOSTILE_CONFIGS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(HOSTILE_CONFIGS.map((c) => c.name)).size).toBe(HOSTILE_CONFIGS.length);
  });

  it.each(HOSTILE_CONFIGS.map((c) => [c.name, c] as const))('%s is refused with a positioned diagnostic', (_name, hostile) => {
    const dir = mkdtempSync(join(tmpdir(), 'meshforge-hostile-'));
    made.push(dir);
    const file = join(dir, 'mesh.config.yaml');
    writeFileSync(file, hostile.bytes());
    const sources = new SourceRegistry();
    const result = loadConfigFile(file, sources);
    expect(result.ok).toBe(false);
    expectPositionedErrors(result.diagnostics, sources, file, hostile.rule);
  });
});

const FILE = 'mesh.config.yaml';
const BASE = 'mesh:\n  id: mesh1\nclusters:\n  - name: c1\n    network: n1\n';
const GITOPS = (fields: string) => `${BASE}gitops:\n  repoURL: https://github.com/example-org/mesh-gitops.git\n${fields}`;

function load(text: string) {
  const sources = new SourceRegistry();
  const result = loadConfigString(text, FILE, sources);
  return { result, printed: resolveDiagnostics(result.diagnostics, sources) };
}

/** The config is refused with `rule` as its first error, at line:column, with a hint that says what to write. */
function expectRefusedAt(text: string, rule: string, line: number, column: number): string {
  const { result, printed } = load(text);
  expect(result.ok, text).toBe(false);
  const first = printed.find((d) => d.severity === 'error')!;
  expect({ rule: first.rule, line: first.line, column: first.column }).toEqual({ rule, line, column });
  const hint = first.hint ?? '';
  expect(hint.length).toBeGreaterThan(10);
  return `${first.message}\n${hint}`;
}

describe('issue 17 #4: no credentials in URLs that are written into the tree', () => {
  it.each([
    ['a JWT in the query of destination.server', `${BASE}    destination:\n      server: https://k8s.example.com/?token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln\n`, 7, 15],
    ['access_token in the query of gitops.repoURL', `${BASE}gitops:\n  repoURL: https://github.com/o/r.git?access_token=abc123\n`, 7, 12],
    ['a token in the fragment', `${BASE}    destination:\n      server: https://k8s.example.com/#id_token=abc\n`, 7, 15],
    ['a JWT under an innocent parameter name', `${BASE}    destination:\n      server: https://k8s.example.com/?x=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln\n`, 7, 15],
    ['user:password@', `${BASE}    destination:\n      server: https://admin:hunter2@k8s.example.com\n`, 7, 15],
    ['a token in a URL the schema refuses anyway (a space)', `${BASE}    destination:\n      server: "https://k8s.example.com/?token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln x"\n`, 7, 15, 'config-invalid-value'],
    ['a GitHub token in github.baseUrl', `${BASE}gitops:\n  repoURL: https://github.com/o/r.git\n  github: { baseUrl: "https://ghe.example.com/api/v3?t=ghp_abcdefghijklmnopqrstuvwxyz0123" }\n`, 8, 22],
  ])('refuses %s', (_name, text, line, column, rule = 'config-credentials') => {
    const said = expectRefusedAt(text, rule, line, column);
    // The message names the problem, never the secret itself.
    expect(said).not.toMatch(/eyJhbGci|hunter2|abc123|ghp_abcdef/);
  });

  it('accepts URLs with harmless queries, ports and paths', () => {
    const { result, printed } = load(`${BASE}    destination:\n      server: https://k8s.example.com:6443/clusters/c1?timeout=30s\n`);
    expect(printed.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.ok).toBe(true);
  });
});

describe('issue 17 #14: every free-text field has the syntax its target API accepts', () => {
  const namespaceLabels = (labels: string) => `${BASE}namespaces:\n  - name: ns\n    labels:\n      ${labels}\n`;
  const ingressHost = (host: string) => `${BASE}ingress:\n  - name: web\n    host: ${host}\n    clusters: [c1]\n    to: { host: web.example.com }\n`;
  it.each([
    ['label key a/b/../c', namespaceLabels('a/b/../c: x'), 9, 7, /label key/],
    ['label value with a newline', namespaceLabels('team: "a\\nb"'), 9, 13, /label value/],
    ['64-character label value', namespaceLabels(`team: ${'a'.repeat(64)}`), 9, 13, /label value/],
    ['version label key with a space', `${BASE}services:\n  - name: web\n    namespace: default\n    cluster: c1\n    ports: [{ number: 80 }]\n    versions: [{ name: v1, labels: { "app version": v1 } }]\n`, 11, 38, /label key/],
    ['ingress host with a newline', ingressHost('"web.example.com\\nkind: Secret"'), 8, 11, /Host name/],
    ['ingress host with a Cyrillic look-alike', ingressHost('wеb.example.com'), 8, 11, /Host name/],
    ['hub with a newline', 'mesh:\n  id: mesh1\n  istio:\n    hub: "docker.io/istio\\nimage: evil"\nclusters:\n  - name: c1\n    network: n1\n', 4, 10, /container registry/],
    ['destination.name with a newline', `${BASE}    destination:\n      name: "in-cluster\\nproject: evil"\n`, 7, 13, /Argo CD cluster name/],
    ['destination.name with a template', `${BASE}    destination:\n      name: "{{.cluster}}"\n`, 7, 13, /Argo CD cluster name/],
    ['gitops.branch with a newline', GITOPS('  branch: "main\\nx"\n'), 8, 11, /check-ref-format/],
    ['gitops.branch with ..', GITOPS('  branch: a..b\n'), 8, 11, /check-ref-format/],
    ['gitops.branch ending in .lock', GITOPS('  branch: main.lock\n'), 8, 11, /check-ref-format/],
    ['gitops.path ../../etc', GITOPS('  path: ../../etc\n'), 8, 9, /inside the repository/],
    ['gitops.path with a .. part inside', GITOPS('  path: clusters/../../etc\n'), 8, 9, /inside the repository/],
    ['gitops.repoURL with a newline', `${BASE}gitops:\n  repoURL: "https://github.com/o/r.git\\nx"\n`, 7, 12, /git remote/],
    ['argocd.project with a newline', GITOPS('  argocd: { project: "default\\nx" }\n'), 8, 22, /DNS-1123 subdomain/],
    ['gateway address with a newline', `${BASE}    ingressGateway: { address: "192.0.2.1\\nx" }\n`, 6, 32, /IPv4 address or a DNS name/],
    ['server header with a newline', `${BASE}    ingressGateway: { serverHeader: { value: "edge\\r\\nx-evil: 1" } }\n`, 6, 46, /printable ASCII/],
    ['ingress path with a space', `${BASE}ingress:\n  - name: web\n    host: web.example.com\n    clusters: [c1]\n    paths: ["/a b"]\n    to: { host: web.example.com }\n`, 10, 13, /URI path/],
    ['region with a newline', `${BASE}    region: "eu\\nwest"\n`, 6, 13, /label value/],
    ['CA subject with a newline', 'mesh:\n  id: mesh1\n  ca: { root: { cn: "Root\\nCA" } }\nclusters:\n  - name: c1\n    network: n1\n', 3, 21, /line breaks/],
  ])('refuses %s at the value, saying what to write', (_name, text, line, column, hint) => {
    expect(expectRefusedAt(text, 'config-invalid-value', line, column)).toMatch(hint);
  });

  it('accepts the valid forms of the same fields, and generates them', () => {
    const text = [
      'mesh:',
      '  id: mesh1',
      '  istio: { hub: "registry.example.com:5000/mirror/istio" }',
      'clusters:',
      '  - name: c1',
      '    network: n1',
      '    region: eu-west-1',
      '    destination: { name: "arn:aws:eks:eu-west-1:123456789012:cluster/prod" }',
      'namespaces:',
      '  - name: ns',
      '    labels: { example.com/team: a.b_c, tier: "", version: "1.2" }',
      'ingress:',
      '  - { name: any, host: "*", protocol: TCP, port: 31400, clusters: [c1], to: { host: tcp.example.com } }',
      '  - { name: web, host: "*.example.com", clusters: [c1], paths: ["/api/v1", "/a%20b"], to: { host: web.example.com } }',
      'gitops:',
      '  repoURL: git@github.com:example-org/mesh-gitops.git',
      '  branch: release/1.2',
      '  path: envs/prod/clusters',
      '',
    ].join('\n');
    const sources = new SourceRegistry();
    const loaded = loadConfigString(text, FILE, sources);
    expect(resolveDiagnostics(loaded.diagnostics, sources).filter((d) => d.severity === 'error')).toEqual([]);
    if (!loaded.ok) return;
    const ledger = allocateVips(loaded.value.model, undefined, { reclaim: false });
    expect(ledger.ok).toBe(true);
    if (ledger.ok) expect(renderMesh(loaded.value.model, ledger.value).length).toBeGreaterThan(0);
  });
});

describe('issue 17 #15: anchors are limited by what they expand to, not by how often they are used', () => {
  const services = (count: number) =>
    `${BASE}services:\n${Array.from({ length: count }, (_, i) => `  - { name: s${i}, namespace: default, cluster: c1, ports: ${i === 0 ? '&p [{ number: 80 }]' : '*p'} }`).join('\n')}\n`;

  it('accepts 150 services that share one ports list through *p', () => {
    const { result, printed } = load(services(150));
    expect(printed).toEqual([]);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.model.services).toHaveLength(150);
  });

  it('still refuses a billion-laughs bomb, saying how much it would expand to', () => {
    const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`), 'mesh: *h', ''].join('\n');
    const said = expectRefusedAt(bomb, 'yaml-alias-limit', 2, 8);
    expect(said).toMatch(/expand this document by [\d,.e+]+ nodes \(the limit is 100,000\)/);
  });

  it('refuses aliases that add too much text (one long string used many times)', () => {
    const long = 'x'.repeat(64 * 1024);
    const text = `${BASE}s: &s "${long}"\nlist: [${Array(100).fill('*s').join(', ')}]\n`;
    expect(expectRefusedAt(text, 'yaml-alias-limit', 7, 8)).toMatch(/MiB of text/);
  });

  it('refuses an alias inside the node it names', () => {
    expect(expectRefusedAt(`${BASE}x: &a [1, *a]\n`, 'yaml-alias-limit', 6, 11)).toMatch(/expand forever/);
  });
});

describe('issue 17 #16: non-string keys at their own line, and no library warning on stderr', () => {
  it.each([
    ['a list as a key (? [a, b])', `${BASE}x:\n  y: 1\n? [a, b]\n: c\n`, 8, 3, /a list/],
    ['a null key (~: c)', `${BASE}\n~: c\n`, 7, 1, /null/],
    ['a mapping as a key', `${BASE}{ a: 1 }: c\n`, 6, 1, /a mapping/],
    ['a null key deep inside', `${BASE}    ingressGateway:\n      ~: x\n`, 7, 7, /null/],
  ])('reports %s at the key', (_name, text, line, column, what) => {
    const emitWarning = vi.spyOn(process, 'emitWarning');
    try {
      expect(expectRefusedAt(text, 'yaml-non-string-key', line, column)).toMatch(what);
      expect(emitWarning).not.toHaveBeenCalled();
    } finally {
      emitWarning.mockRestore();
    }
  });

  it("reports the yaml library's warnings as diagnostics instead of printing them", () => {
    const emitWarning = vi.spyOn(process, 'emitWarning');
    try {
      const { result, printed } = load(`%FOO bar\n---\n${BASE}`);
      expect(result.ok).toBe(true);
      expect(printed).toEqual([expect.objectContaining({ rule: 'yaml-warning', severity: 'warning', line: 1, column: 1, message: expect.stringContaining('%FOO') })]);
      expect(emitWarning).not.toHaveBeenCalled();
    } finally {
      emitWarning.mockRestore();
    }
  });
});
