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
