/**
 * Conventions enforced by tests, not comments (as ESLint and Istio's analyzers do): every rule file is registered,
 * has its doc page and its test file, ids are unique kebab-case equal to the file name, docs cover the required
 * sections, and no rule reads a kind it did not declare.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { collectReports } from '../../generator/lint/engine.js';
import { ENGINE_CHECKS } from '../../generator/lint/engine-checks.js';
import { loadManifests } from '../../generator/discover/manifests.js';
import { UndeclaredKindError, type LintResource, type Rule } from '../../policies/utils/rule.js';
import { RULES } from '../../policies/index.js';
import type { PolicyRuleId } from '../../generator/diagnostics/policy-rules.js';

const root = join(import.meta.dirname, '..', '..');
const policiesDir = join(root, 'policies');
const ruleFiles = readdirSync(policiesDir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts')
  .map((f) => f.slice(0, -3))
  .sort();

describe('policy registry', () => {
  it('registers every rule file exactly once, under its file name', async () => {
    expect(RULES.map((r) => r.meta.id).sort()).toEqual(ruleFiles);
    for (const id of ruleFiles) {
      const module = (await import(join(policiesDir, `${id}.ts`))) as { default: Rule };
      expect(RULES).toContain(module.default);
    }
  });

  it('has unique kebab-case ids, also across engine checks', () => {
    const ids = [...RULES.map((r) => r.meta.id), ...ENGINE_CHECKS.map((c) => c.id)];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it.each(RULES.map((r) => [r.meta.id, r] as const))('%s has metadata, a doc page with every section, and a test file', (id, rule) => {
    expect(rule.meta.docs).toBe(`policies/${id}.md`);
    expect(rule.meta.description).not.toMatch(/\n/);
    expect(rule.meta.description.length).toBeGreaterThan(10);
    expect(['error', 'warning', 'info']).toContain(rule.meta.defaultSeverity);
    expect(rule.meta.kinds.length).toBeGreaterThan(0);
    for (const kind of rule.meta.kinds) expect(kind).toMatch(/^(\*|[A-Z][A-Za-z0-9]*)$/);
    expect(Object.keys(rule.meta.messages).length).toBeGreaterThan(0);
    for (const message of Object.values(rule.meta.messages)) {
      expect(message.message).not.toBe('');
      expect(message.hint).not.toBe('');
    }
    const doc = readFileSync(join(root, rule.meta.docs), 'utf8');
    expect(doc.startsWith(`# ${id}\n`)).toBe(true);
    for (const section of ['## What it catches', '## Why it matters', '## Example that fails', '## How to fix', '## How to suppress']) expect(doc, `${id}.md lacks '${section}'`).toContain(section);
    const test = readFileSync(join(policiesDir, `${id}.test.ts`), 'utf8');
    expect(test).toMatch(new RegExp(`import rule from './${id}.js'`));
    expect(test).toContain('runRuleTests(rule');
    // The index in docs/policies.md links every rule.
    expect(readFileSync(join(root, 'docs', 'policies.md'), 'utf8')).toContain(`](../policies/${id}.md)`);
  });

  it('engine checks have their doc pages', () => {
    for (const check of ENGINE_CHECKS) expect(existsSync(join(root, check.docs)), check.docs).toBe(true);
  });
});

describe('declared kinds', () => {
  it('the context refuses a kind the rule did not declare', () => {
    const sneaky: Rule = {
      meta: { id: 'sneaky' as PolicyRuleId, defaultSeverity: 'error', description: 'reads more than it says', kinds: ['Service'], docs: 'policies/sneaky.md', messages: { m: { message: 'm', hint: 'h' } } },
      check(context) {
        context.resources('Secret');
      },
    };
    expect(() => collectReports(sneaky, [])).toThrow(UndeclaredKindError);
  });

  it('a rule sees only its declared kinds when it asks for all of them', () => {
    const seen: string[] = [];
    const rule: Rule = {
      meta: { id: 'probe' as PolicyRuleId, defaultSeverity: 'error', description: 'lists what it sees', kinds: ['Service'], docs: 'policies/probe.md', messages: { m: { message: 'm', hint: 'h' } } },
      check(context) {
        for (const r of context.resources()) seen.push(r.kind);
      },
    };
    const make = (kind: string): LintResource => ({ apiVersion: 'v1', kind, name: 'x', object: {}, cluster: 'c', location: { file: 'f', path: [] } });
    collectReports(rule, [make('Service'), make('Secret')]);
    expect(seen).toEqual(['Service']);
  });

  it('no registered rule reads an undeclared kind on a corpus holding every kind the fixtures use', async () => {
    const sources = new SourceRegistry();
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: root, env: {}, readStdin: async () => Buffer.alloc(0) };
    const loaded = await loadManifests(['test/fixtures/lint'], { io, sources });
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const resources = loaded.value.map((r) => ({ ...r, cluster: r.cluster ?? '' }));
    expect(new Set(resources.map((r) => r.kind)).size).toBeGreaterThan(10);
    for (const rule of RULES) expect(() => collectReports(rule, resources), rule.meta.id).not.toThrow();
  });
});
