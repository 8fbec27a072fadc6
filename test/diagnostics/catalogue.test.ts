/**
 * The diagnostic catalogue's conventions, enforced by a test (Istio's messages.yaml model): every id the code can
 * emit has a catalogue entry or policy meta, a page with the required sections, and an answer from `explain`; no
 * entry is unused unless it is retired; ids are unique kebab-case.
 *
 * "Can emit" is found two ways, and both must agree with the DiagnosticId union (the catalogue's keys and
 * POLICY_RULE_IDS): a static scan of generator/ and policies/ for id literals in diagnostic positions, and the ids
 * actually emitted when every invalid config fixture is validated.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainEntries, runExplain } from '../../generator/app/explain.js';
import { runValidate } from '../../generator/app/validate.js';
import { CATALOGUE, CATALOGUE_IDS, type CatalogueEntry, type CatalogueId } from '../../generator/diagnostics/catalogue.js';
import { POLICY_RULE_IDS } from '../../generator/diagnostics/policy-rules.js';
import { ENGINE_CHECKS } from '../../generator/lint/engine-checks.js';
import { RULES } from '../../policies/index.js';

const root = join(import.meta.dirname, '..', '..');
const context = { cwd: root, env: {} };
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const PAGE_SECTIONS = ['## What it means', '## Why it matters', '## Example', '## How to fix'];

/** The catalogue's own files define ids; they are not emitters. */
const DEFINITIONS = new Set(['generator/diagnostics/catalogue.ts', 'generator/diagnostics/policy-rules.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * Id literals in diagnostic positions. Each pattern is one way the code builds a diagnostic's id; a new way of
 * emitting ids needs a pattern here (the fixture cross-check below catches ids that slip past the scan).
 */
const ID_PATTERNS: readonly RegExp[] = [
  // { rule: 'x', ... }
  /\brule:\s*'([^']+)'/g,
  // helpers that take the id first: c.error('x', ...), problem('x', ...), findings.add('x', ...), problem(file, 'x', ...)
  /\b(?:error|warn|problem|add)\(\s*(?:[A-Za-z_.]+,\s*)?'([a-z0-9]+(?:-[a-z0-9]+)+)'/g,
  // named ids: SCHEMA_RULE = 'schema', DRIFT_RULE = 'drift'
  /\b[A-Z_]+_RULE\s*=\s*'([^']+)'/g,
  // a fallback id: YAML_ERROR_RULES[code] ?? 'yaml-syntax'
  /_RULES\[[^\]]*\]\s*\?\?\s*'([^']+)'/g,
  // policy rule meta: id: 'unique-vips'
  /\bmeta\b[\s\S]{0,40}?\bid:\s*'([^']+)'/g,
];
/** Id tables made of literals only: PKI_RULES = ['x', ...] as const, ENGINE_CHECK_IDS = [...], YAML_ERROR_RULES = { CODE: 'x' }. */
const TABLES: readonly RegExp[] = [/\b[A-Z_]+_(?:RULES|IDS)\b[^=\n]*=\s*\[((?:\s*'[^']+',?)+)\s*\]/g, /\b[A-Z_]+_(?:RULES|IDS)\b[^=\n]*=\s*\{((?:\s*[A-Z_]+:\s*'[^']+',?)+)\s*\}/g];

/** id -> the files (relative to the repository) that emit it. */
function scanEmitters(): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const add = (id: string, file: string) => {
    let files = found.get(id);
    if (!files) found.set(id, (files = new Set()));
    files.add(file);
  };
  for (const path of [...sourceFiles(join(root, 'generator')), ...sourceFiles(join(root, 'policies'))]) {
    const file = relative(root, path).split(sep).join('/');
    if (DEFINITIONS.has(file)) continue;
    const text = readFileSync(path, 'utf8');
    for (const pattern of ID_PATTERNS) for (const match of text.matchAll(pattern)) add(match[1]!, file);
    for (const pattern of TABLES) for (const table of text.matchAll(pattern)) for (const literal of table[1]!.matchAll(/'([^']+)'/g)) add(literal[1]!, file);
  }
  return found;
}

const emitted = scanEmitters();
const retired = (entry: CatalogueEntry) => entry.retired !== undefined;
const live = CATALOGUE_IDS.filter((id) => !retired(CATALOGUE[id]));
const entry = (id: CatalogueId): CatalogueEntry => CATALOGUE[id];

/** The folder a stage lives in. */
const stageFolder = (stage: CatalogueEntry['stage']) => `generator/${stage}/`;

describe('diagnostic ids', () => {
  it('the scan finds the emitters it is meant to find (so an empty scan cannot pass)', () => {
    expect(emitted.get('config-unknown-reference')).toContain('generator/config/semantic.ts');
    expect(emitted.get('yaml-syntax')).toContain('generator/load/yaml.ts');
    expect(emitted.get('schema')).toContain('generator/validate/types.ts');
    expect(emitted.get('pki-rotation-pending')).toContain('generator/pki/verify.ts');
    expect(emitted.get('vip-range-exhausted')).toContain('generator/ledger/ledger.ts');
    expect(emitted.get('unique-vips')).toContain('policies/unique-vips.ts');
    expect(emitted.size).toBeGreaterThan(70);
  });

  it('every id the code can emit is in the catalogue or is a policy rule', () => {
    const known = new Set<string>([...live, ...POLICY_RULE_IDS]);
    const unknown = [...emitted.keys()].filter((id) => !known.has(id)).map((id) => `${id} (${[...emitted.get(id)!].join(', ')})`);
    expect(unknown, 'add these ids to generator/diagnostics/catalogue.ts with a page in docs/diagnostics/').toEqual([]);
  });

  it('no catalogue entry is unused: every live id has an emitter, in the stage it names; retired ids have none', () => {
    for (const id of CATALOGUE_IDS) {
      const files = [...(emitted.get(id) ?? [])];
      if (retired(entry(id))) {
        expect(files, `${id} is retired but still emitted`).toEqual([]);
        continue;
      }
      expect(files.length, `${id} is in the catalogue but nothing emits it: mark it retired (never reuse the id)`).toBeGreaterThan(0);
      expect(files.some((f) => f.startsWith(stageFolder(entry(id).stage))), `${id}: stage ${entry(id).stage}, emitted by ${files.join(', ')}`).toBe(true);
    }
  });

  it('the union matches the scan: DiagnosticId is exactly the live catalogue ids and the policy rules', () => {
    expect(new Set(emitted.keys())).toEqual(new Set([...live, ...POLICY_RULE_IDS]));
  });

  it('POLICY_RULE_IDS lists exactly the registered policy rules', () => {
    expect([...POLICY_RULE_IDS].sort()).toEqual(RULES.map((r) => r.meta.id).sort());
  });

  it('ids are unique kebab-case across the catalogue and the policy rules', () => {
    const ids = [...CATALOGUE_IDS, ...POLICY_RULE_IDS];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(KEBAB);
  });

  it('every id validate emits on the invalid config fixtures is known', async () => {
    const known = new Set<string>([...live, ...POLICY_RULE_IDS]);
    const dir = join(root, 'test', 'fixtures', 'config', 'invalid');
    const seen = new Set<string>();
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const result = await runValidate({ configFile: join(dir, name) }, context);
      for (const d of result.diagnostics) seen.add(d.rule);
    }
    expect(seen.size).toBeGreaterThan(10);
    for (const id of seen) expect(known.has(id), id).toBe(true);
  });
});

describe('catalogue entries and pages', () => {
  it.each(CATALOGUE_IDS.map((id) => [id] as const))('%s has a severity, a one-line message and a page with every section', (id) => {
    const e = entry(id);
    expect(['error', 'warning', 'info']).toContain(e.defaultSeverity);
    expect(e.description).not.toMatch(/\n/);
    expect(e.description.length).toBeGreaterThan(10);
    expect(existsSync(join(root, e.docs)), e.docs).toBe(true);
    const page = readFileSync(join(root, e.docs), 'utf8');
    expect(page.startsWith(`# ${id}\n`)).toBe(true);
    if (e.docs.startsWith('policies/')) {
      // The engine's own checks keep their pages beside the policy rules, in the policy pages' form.
      for (const section of ['## What it catches', '## How to fix']) expect(page, `${e.docs} lacks '${section}'`).toContain(section);
    } else {
      expect(e.docs).toBe(`docs/diagnostics/${id}.md`);
      for (const section of PAGE_SECTIONS) expect(page, `${e.docs} lacks '${section}'`).toContain(section);
      expect(page).toContain(`Severity: ${e.defaultSeverity}`);
      expect(page).toMatch(/## Example\n\n```[a-z]*\n[\s\S]+?\n```/);
    }
    if (retired(e)) expect(page).toMatch(/retired/i);
  });

  it('docs/diagnostics holds a page for catalogue ids only, and its index links every entry', () => {
    const pages = readdirSync(join(root, 'docs', 'diagnostics')).filter((f) => f !== 'README.md');
    const expected = CATALOGUE_IDS.filter((id) => entry(id).docs.startsWith('docs/diagnostics/')).map((id) => `${id}.md`);
    expect(pages.sort()).toEqual(expected.sort());
    const index = readFileSync(join(root, 'docs', 'diagnostics', 'README.md'), 'utf8');
    for (const id of CATALOGUE_IDS) {
      const docs = entry(id).docs;
      expect(index, id).toContain(`[${id}](${docs.startsWith('docs/diagnostics/') ? `${id}.md` : `../../${docs}`})`);
    }
  });

  it('engine checks take their meta from the catalogue', () => {
    for (const check of ENGINE_CHECKS) {
      const e = entry(check.id);
      expect(check).toEqual({ id: check.id, defaultSeverity: e.defaultSeverity, description: e.description, docs: e.docs });
    }
  });
});

describe('meshforge explain answers for every id', () => {
  const all = [...POLICY_RULE_IDS, ...CATALOGUE_IDS];

  it.each(all.map((id) => [id] as const))('%s', async (id) => {
    const result = await runExplain({ id }, context);
    expect(result.status).toBe('ok');
    const docs = result.entries[0]!.docs;
    expect(result.page).toBe(readFileSync(join(root, docs), 'utf8'));
    expect(result.statusText).toBe(result.page);
  });

  it('lists every id once, policy rules first, with severity and message', async () => {
    const result = await runExplain({}, context);
    expect(result.entries.map((e) => e.id)).toEqual(all);
    expect(explainEntries().map((e) => e.id)).toEqual(all);
    const lines = result.statusText.trimEnd().split('\n');
    expect(lines).toHaveLength(all.length);
    expect(lines).toContainEqual(expect.stringMatching(/^config-unknown-reference\s+error\s+A name refers to/));
    expect(lines).toContainEqual(expect.stringMatching(/^vip-moved\s+warning\s+/));
    expect(lines).toContainEqual(expect.stringMatching(/^pki-rotation-pending\s+info\s+/));
  });

  it('refuses an unknown id with a suggestion drawn from every id', async () => {
    await expect(runExplain({ id: 'config-unknown-refrence' }, context)).rejects.toMatchObject({ kind: 'invalid-input', message: "unknown rule 'config-unknown-refrence'; did you mean 'config-unknown-reference'?" });
    await expect(runExplain({ id: 'registy-only' }, context)).rejects.toMatchObject({ message: "unknown rule 'registy-only'; did you mean 'registry-only'?" });
    await expect(runExplain({ id: 'zzz' }, context)).rejects.toMatchObject({ message: "unknown rule 'zzz'" });
  });
});
