import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { loadConfigString } from '../../generator/model/load.js';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { allocateVips } from '../../generator/ledger/ledger.js';
import { runPolicies } from '../../generator/lint/engine.js';
import { manifestsFromText } from '../../generator/manifest/from-text.js';
import type { RenderedFile } from '../../generator/manifest/types.js';
import { renderMesh } from '../../generator/render/render.js';
import { renderGitops } from '../../generator/gitops/index.js';
import { resolveDiagnostics } from '../../generator/report/resolve.js';
import { mutate, mutation, validConfig, type ConfigObject } from './arbitraries.js';

/**
 * Property tests (fast-check), seeded so every run checks the same cases; numRuns kept modest for 2 cores.
 * A failure prints the seed and the shrunk counterexample: rerun with it to reproduce.
 */
const RUNS = { seed: 0x10ad, numRuns: 120 } as const;
const FILE = 'mesh.config.yaml';

type Outcome = { readonly ok: true; readonly files: RenderedFile[] } | { readonly ok: false; readonly errors: number };

/** The generate pipeline in memory: load (schema + semantics) -> model -> VIP ledger -> rendered files. */
function generate(text: string): Outcome {
  const sources = new SourceRegistry();
  const loaded = loadConfigString(text, FILE, sources);
  if (!loaded.ok) {
    // Every refusal is a printable diagnostic with a position, never an exception.
    const printed = resolveDiagnostics(loaded.diagnostics, sources);
    for (const d of printed.filter((p) => p.severity === 'error')) {
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.message.length).toBeGreaterThan(0);
    }
    return { ok: false, errors: printed.length };
  }
  const ledger = allocateVips(loaded.value.model, undefined, { reclaim: false });
  if (!ledger.ok) return { ok: false, errors: ledger.diagnostics.length };
  return { ok: true, files: renderMesh(loaded.value.model, ledger.value) };
}

const yamlOf = (config: ConfigObject) => stringify(config, { aliasDuplicateObjects: false });

describe('generation properties', () => {
  it('every config the schema and the semantic rules accept generates without error', () => {
    fc.assert(
      fc.property(validConfig, (config) => {
        const text = yamlOf(config);
        const sources = new SourceRegistry();
        const loaded = loadConfigString(text, FILE, sources);
        if (!loaded.ok) throw new Error(`the generator of valid configs made an invalid one:\n${resolveDiagnostics(loaded.diagnostics, sources).map((d) => `${d.line}: ${d.message}`).join('\n')}\n${text}`);
        const outcome = generate(text);
        expect(outcome.ok).toBe(true);
        const files = (outcome as { files: RenderedFile[] }).files;
        expect(files.length).toBeGreaterThan(0);
        // No two files on one path (the pipeline refuses that as a collision).
        expect(new Set(files.map((f) => f.path)).size).toBe(files.length);
      }),
      RUNS,
    );
  });

  it('every rendered file parses, with YAML 1.2 and 1.1 readers, to exactly the objects the model intended', () => {
    fc.assert(
      fc.property(validConfig, (config) => {
        const outcome = generate(yamlOf(config));
        if (!outcome.ok) throw new Error('valid config refused');
        for (const file of outcome.files) {
          expect(file.path).toMatch(/^[a-z0-9_][-a-z0-9_./]*$/);
          expect(file.path.split('/')).not.toContain('..');
          for (const schema of ['core', 'yaml-1.1'] as const) {
            const docs = parseAllDocuments(file.content, { schema });
            const values = (Array.isArray(docs) ? docs : [docs]).map((d) => {
              expect(d.errors, file.path).toEqual([]);
              return d.toJS();
            }).filter((v) => v !== null);
            if (file.resources.length > 0) expect(values, `${file.path} (${schema})`).toEqual(file.resources.map((r) => r.object));
          }
        }
      }),
      { ...RUNS, numRuns: 60 },
    );
  });

  it('is deterministic: two runs give the same paths and bytes', () => {
    fc.assert(
      fc.property(validConfig, (config) => {
        const text = yamlOf(config);
        const a = generate(text);
        const b = generate(text);
        if (!a.ok || !b.ok) throw new Error('valid config refused');
        expect(b.files.map((f) => [f.path, f.content])).toEqual(a.files.map((f) => [f.path, f.content]));
      }),
      { ...RUNS, numRuns: 60 },
    );
  });

  it('any mutation of a valid config gives a valid config or diagnostics, never an exception', () => {
    let refused = 0;
    fc.assert(
      fc.property(validConfig, fc.array(mutation, { minLength: 1, maxLength: 3 }), (config, mutations) => {
        const mutated = mutations.reduce(mutate, config);
        const outcome = generate(yamlOf(mutated));
        if (!outcome.ok) {
          refused++;
          expect(outcome.errors).toBeGreaterThan(0);
        }
      }),
      { ...RUNS, numRuns: 200 },
    );
    // The mutations do hit: most mutated configs are refused (with diagnostics, checked above).
    expect(refused).toBeGreaterThan(50);
  });
});

const KINDS = ['VirtualService', 'DestinationRule', 'ServiceEntry', 'Gateway', 'Sidecar', 'PeerAuthentication', 'AuthorizationPolicy', 'EnvoyFilter', 'Secret', 'ConfigMap', 'Service', 'Namespace', 'List'];
const API = ['networking.istio.io/v1', 'networking.istio.io/v1alpha3', 'networking.istio.io/v1beta1', 'security.istio.io/v1', 'v1', 'apps/v1'];

/** Lints one file's text end to end (parse -> resources -> every policy rule); must never throw. */
function lint(text: string, file = 'clusters/c1/ns/x.yaml'): void {
  const sources = new SourceRegistry();
  const loaded = manifestsFromText(file, text, { sources });
  if (!loaded.ok) {
    for (const d of resolveDiagnostics(loaded.diagnostics, sources)) expect(d.line).toBeGreaterThanOrEqual(1);
    return;
  }
  const result = runPolicies(loaded.value);
  resolveDiagnostics(result.diagnostics, sources);
}

describe('lint properties', () => {
  it('never crashes on arbitrary YAML values', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), (value) => {
        let text: string | undefined;
        try {
          text = stringify(value) as string | undefined;
        } catch {
          return; // Not representable as YAML (e.g. a symbol): nothing to lint.
        }
        if (typeof text === 'string') lint(text);
      }),
      { ...RUNS, numRuns: 200 },
    );
  });

  it('never crashes on Kubernetes-shaped documents with arbitrary contents', () => {
    const doc = fc.record(
      {
        apiVersion: fc.oneof(fc.constantFrom(...API), fc.anything({ maxDepth: 1 })),
        kind: fc.oneof(fc.constantFrom(...KINDS), fc.anything({ maxDepth: 1 })),
        metadata: fc.oneof(fc.record({ name: fc.constantFrom('a', 'b', 'reviews'), namespace: fc.constantFrom('default', 'istio-system', 'ns') }, { requiredKeys: [] }), fc.anything({ maxDepth: 2 })),
        spec: fc.anything({ maxDepth: 4 }),
        data: fc.anything({ maxDepth: 2 }),
        items: fc.array(fc.anything({ maxDepth: 3 }), { maxLength: 3 }),
      },
      { requiredKeys: ['apiVersion', 'kind'] },
    );
    fc.assert(
      fc.property(fc.array(doc, { minLength: 1, maxLength: 4 }), (docs) => {
        let text: string;
        try {
          text = docs.map((d) => stringify(d)).join('---\n');
        } catch {
          return;
        }
        lint(text);
      }),
      { ...RUNS, numRuns: 200 },
    );
  });

  it('never crashes on random text', () => {
    const yamlish = fc.string({ unit: fc.constantFrom(...'ab: -[]{}#&*!|>\'"%@`\n\t ,?.0\\\u00a0\ufeff'.split('')), maxLength: 80 });
    fc.assert(
      fc.property(fc.oneof(yamlish, fc.string({ unit: 'binary', maxLength: 80 })), (text) => lint(text)),
      { ...RUNS, numRuns: 200 },
    );
  });
});

// ---- issue 17 #14: free-text fields, checked against the target APIs' own syntax rules ----
// These checks are written from the targets' rules (Kubernetes apimachinery validation, git check-ref-format,
// the distribution/reference grammar, Istio host validation), not from the schema, so the schema is checked by them.

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const isDnsSubdomain = (s: string) => s.length >= 1 && s.length <= 253 && s.split('.').every((l) => l.length <= 63 && DNS_LABEL.test(l));
/** apimachinery IsQualifiedName: [prefix/]name, prefix a DNS subdomain, name at most 63 of [-A-Za-z0-9_.] with alphanumeric ends. */
function isLabelKey(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  if (parts.length === 2 && !isDnsSubdomain(parts[0]!)) return false;
  const name = parts.at(-1)!;
  return name.length >= 1 && name.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
}
/** apimachinery IsValidLabelValue. */
const isLabelValue = (value: string) => value.length <= 63 && /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(value);
/** git check-ref-format, applied to refs/heads/<branch> (the rules of git-check-ref-format(1), 1 to 10). */
function isGitBranch(branch: string): boolean {
  const ref = `refs/heads/${branch}`;
  if (branch === '@' || branch.startsWith('-')) return false;
  if (ref.includes('..') || ref.includes('@{') || ref.includes('//') || ref.endsWith('/') || ref.endsWith('.')) return false;
  if ([...ref].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f || ' ~^:?*[\\'.includes(ch))) return false;
  return ref.split('/').every((part) => part.length > 0 && !part.startsWith('.') && !part.endsWith('.lock'));
}
/** distribution/reference: a repository name is domain[:port]/path, path components [a-z0-9]+ joined by . _ __ or -+. */
function isImageRepository(name: string): boolean {
  const [first, ...rest] = name.split('/');
  const domainOk = /^([A-Za-z0-9]|[A-Za-z0-9][-A-Za-z0-9]*[A-Za-z0-9])(\.([A-Za-z0-9]|[A-Za-z0-9][-A-Za-z0-9]*[A-Za-z0-9]))*(:[0-9]+)?$/.test(first ?? '');
  const component = /^[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*$/;
  return name.length <= 255 && domainOk && rest.every((c) => component.test(c));
}
/** Istio host (Gateway servers[].hosts, VirtualService hosts): [namespace/]host, host '*' or [*.]DNS name. */
function isIstioHost(value: string): boolean {
  const host = value.includes('/') ? value.slice(value.indexOf('/') + 1) : value;
  if (host === '*') return true;
  const name = host.startsWith('*.') ? host.slice(2) : host;
  return name.length <= 253 && name.split('.').every((l) => l.length <= 63 && DNS_LABEL.test(l));
}
/** A folder inside the repository: relative, no empty, '.' or '..' parts (meshforge's own {{.x}} placeholders aside). */
function isRepoPath(path: string): boolean {
  const parts = path.replace(/\{\{\.[a-z.]+\}\}/gi, 'x').replace(/^\.\//, '').split('/');
  return !path.startsWith('/') && parts.every((p) => p !== '' && p !== '.' && p !== '..' && !/[\s\u0000-\u001f\u007f]/.test(p));
}
/** An Argo CD cluster name as meshforge may write it: no whitespace, control characters or template braces. */
const isArgoName = (name: string) => name.length > 0 && !/[\s\u0000-\u001f\u007f{}]/.test(name);

type Violation = string;

/** Every value of the rendered files that a target API parses, checked against that API's syntax. */
function targetSyntaxViolations(files: readonly RenderedFile[]): Violation[] {
  const out: Violation[] = [];
  const walk = (value: unknown, key: string, parentKey: string, at: string) => {
    if (Array.isArray(value)) {
      if (key === 'hosts') for (const h of value) if (typeof h !== 'string' || !isIstioHost(h)) out.push(`${at}: host ${JSON.stringify(h)}`);
      value.forEach((v, i) => walk(v, key, parentKey, `${at}[${i}]`));
      return;
    }
    if (value !== null && typeof value === 'object') {
      if (key === 'labels' || key === 'matchLabels') {
        for (const [k, v] of Object.entries(value)) if (!isLabelKey(k) || typeof v !== 'string' || !isLabelValue(v)) out.push(`${at}: label ${JSON.stringify(k)}=${JSON.stringify(v)}`);
      }
      for (const [k, v] of Object.entries(value)) walk(v, k, key, `${at}.${k}`);
      return;
    }
    if (typeof value !== 'string') return;
    if (key === 'destinationName' && !isArgoName(value)) out.push(`${at}: Argo CD cluster name ${JSON.stringify(value)}`);
    if ((key === 'targetRevision' || key === 'revision' || key === 'branch') && !isGitBranch(value)) out.push(`${at}: git ref ${JSON.stringify(value)}`);
    if (key === 'hub' && !isImageRepository(value)) out.push(`${at}: image repository ${JSON.stringify(value)}`);
    if (key === 'path' && parentKey !== 'uri' && !isRepoPath(value)) out.push(`${at}: repository path ${JSON.stringify(value)}`);
    if (key === 'name' && parentKey === 'destination' && !isArgoName(value)) out.push(`${at}: Argo CD cluster name ${JSON.stringify(value)}`);
    if (key === 'name' && parentKey === 'metadata' && !isDnsSubdomain(value)) out.push(`${at}: object name ${JSON.stringify(value)}`);
  };
  // An ApplicationSet template holds meshforge's own placeholders ({{.cluster}}): Argo CD fills them from the list
  // generator's elements, whose values are checked where they are written (destinationName, labels, ...).
  const filled = (value: unknown): unknown =>
    typeof value === 'string' ? value.replace(/\{\{\.[A-Za-z.]+\}\}/g, 'x')
    : Array.isArray(value) ? value.map(filled)
    : value !== null && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [filled(k) as string, filled(v)]))
    : value;
  for (const file of files) {
    for (const doc of parseAllDocuments(file.content)) {
      const value: unknown = doc.toJS();
      walk(file.path.includes('applicationset') ? filled(value) : value, '', '', file.path);
    }
  }
  return out;
}

/** Strings a user (or an attacker) might write: valid shapes, and every character class the targets refuse. */
const freeText = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'abcz09-._/'.split('')), minLength: 1, maxLength: 20 }),
  fc.string({ unit: fc.constantFrom(...'aZ0-._/:@*~^?[\\{} \n\t\r'.split(''), 'е', '\u200b', '..', '.lock', '@{', '{{', '//'), maxLength: 16 }),
  fc.integer({ min: 60, max: 70 }).map((n) => 'a'.repeat(n)),
  fc.constantFrom('main', 'release/1.2', 'v1.0', 'envs/prod', 'example.com/team', 'docker.io/istio', 'gcr.io/istio-release', 'localhost:5000/istio', 'app.example.com', '*.example.com', '*', 'a/b/../c', '../../etc', 'x.lock', '@', '.hidden', 'a..b', 'A_b.C-1'),
);

type FreeTextField = 'labelKey' | 'labelValue' | 'versionLabelValue' | 'ingressHost' | 'hub' | 'destinationName' | 'branch' | 'path';
const FIELDS: readonly FreeTextField[] = ['labelKey', 'labelValue', 'versionLabelValue', 'ingressHost', 'hub', 'destinationName', 'branch', 'path'];

/** A small valid config with one free-text field set to `value` (written as a JSON string, so any text is possible). */
function configWithField(field: FreeTextField, value: string): string {
  const q = JSON.stringify(value);
  return [
    'mesh:',
    '  id: mesh1',
    `  istio: { hub: ${field === 'hub' ? q : '"docker.io/istio"'} }`,
    'clusters:',
    `  - { name: c1, network: n1, destination: { name: ${field === 'destinationName' ? q : '"c1"'} } }`,
    'namespaces:',
    `  - { name: shop, labels: { ${field === 'labelKey' ? q : 'team'}: ${field === 'labelValue' ? q : 'a'} } }`,
    'services:',
    `  - { name: web, namespace: shop, cluster: c1, ports: [{ number: 80, protocol: HTTP }], versions: [{ name: v1, labels: { version: ${field === 'versionLabelValue' ? q : 'v1'} } }] }`,
    'ingress:',
    `  - { name: web, host: ${field === 'ingressHost' ? q : 'web.example.com'}, to: { service: shop/web } }`,
    'gitops:',
    '  engine: both',
    '  repoURL: https://github.com/example-org/mesh-gitops.git',
    `  branch: ${field === 'branch' ? q : 'main'}`,
    `  path: ${field === 'path' ? q : 'clusters'}`,
    '',
  ].join('\n');
}

describe('free-text fields (issue 17 #14)', () => {
  it('the fixed config renders clean, and the checks catch what they should', () => {
    const text = configWithField('branch', 'main');
    const outcome = generate(text);
    if (!outcome.ok) throw new Error('base config refused');
    const files = outcome.files.concat(renderGitopsOf(text, outcome.files));
    expect(files.some((f) => f.path.includes('applicationset'))).toBe(true);
    expect(targetSyntaxViolations(files)).toEqual([]);
    // The checkers themselves: each refuses the reported attack values.
    expect([isLabelKey('a/b/../c'), isLabelValue('a\nb'), isLabelValue('a'.repeat(64)), isIstioHost('wеb.example.com'), isImageRepository('docker.io/istio\nx'), isGitBranch('main\nx'), isRepoPath('../../etc'), isArgoName('a\nb')]).toEqual([false, false, false, false, false, false, false, false]);
  });

  it('every value the schema accepts renders to manifests whose target APIs accept it', () => {
    const accepted = new Map<FreeTextField, number>(FIELDS.map((f) => [f, 0]));
    fc.assert(
      fc.property(fc.constantFrom(...FIELDS), freeText, (field, value) => {
        const outcome = generate(configWithField(field, value));
        if (!outcome.ok) return; // refused with positioned diagnostics (checked in generate)
        accepted.set(field, accepted.get(field)! + 1);
        const files = outcome.files.concat(renderGitopsOf(configWithField(field, value), outcome.files));
        expect(targetSyntaxViolations(files), `${field} = ${JSON.stringify(value)}`).toEqual([]);
      }),
      { ...RUNS, numRuns: 160 },
    );
    // Not vacuous: every field had values the schema accepted and that were then rendered and checked.
    for (const [field, count] of accepted) expect(count, field).toBeGreaterThan(0);
  });
});

/** The Argo CD and Flux objects for a config (they are rendered from the model next to the cluster trees). */
function renderGitopsOf(text: string, rendered: readonly RenderedFile[]): RenderedFile[] {
  const loaded = loadConfigString(text, FILE, new SourceRegistry());
  if (!loaded.ok) throw new Error('config refused');
  return renderGitops(loaded.value.model, rendered);
}
