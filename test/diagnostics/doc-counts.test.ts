import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE_IDS } from '../../generator/diagnostics/catalogue.js';
import { RULES } from '../../policies/index.js';

const ROOT = join(import.meta.dirname, '..', '..');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** README, docs/ and the rule pages: every count of rules or diagnostic ids they state. */
function statedCounts(pattern: RegExp): { file: string; count: number; text: string }[] {
  const files = [join(ROOT, 'README.md'), ...markdownFiles(join(ROOT, 'docs')), ...markdownFiles(join(ROOT, 'policies'))];
  return files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(pattern)].map((m) => ({ file: relative(ROOT, file), count: Number(m[1]), text: m[0] })),
  );
}

// #18: the README said "23 rules" while `explain` listed 25. A count in prose must be the registry's, or absent.
describe('counts in the docs come from the registries', () => {
  it('every "N rules" / "N policy rules" equals RULES', () => {
    for (const stated of statedCounts(/\b(\d+) (?:policy |lint )?rules\b/g)) expect(stated, `${stated.file}: "${stated.text}"`).toMatchObject({ count: RULES.length });
  });

  it('every "N diagnostic ids" equals the catalogue plus the rules', () => {
    for (const stated of statedCounts(/\b(\d+) diagnostic(?: ids|s ids| identifiers)\b/g)) expect(stated, `${stated.file}: "${stated.text}"`).toMatchObject({ count: CATALOGUE_IDS.length + RULES.length });
  });

  it('the scan reads the README and would catch the wording that went stale', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('meshforge lint [PATH...]');
    expect([...'checks Kubernetes/Istio YAML against 23 rules across all clusters'.matchAll(/\b(\d+) (?:policy |lint )?rules\b/g)].map((m) => m[1])).toEqual(['23']);
  });
});
