import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../generator/model/load.js';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { resolveDiagnostics } from '../../generator/report/resolve.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'config');

function load(file: string) {
  const sources = new SourceRegistry();
  const result = loadConfigFile(file, sources);
  return { result, printed: resolveDiagnostics(result.diagnostics, sources) };
}

describe('valid configs', () => {
  const files = ['mesh.config.yaml', ...readdirSync(join(fixtures, 'valid')).map((f) => join('test', 'fixtures', 'config', 'valid', f))];
  it.each(files)('%s is valid', (file) => {
    const { result, printed } = load(join(import.meta.dirname, '..', '..', file));
    expect(printed.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.ok).toBe(true);
  });
});

describe('invalid configs', () => {
  const dir = join(fixtures, 'invalid');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

  it('has at least 25 cases', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
  });

  // Each fixture names its expected diagnostic on its first line: "# expect: <rule> <line>:<column>".
  it.each(files)('%s', (name) => {
    const file = join(dir, name);
    const header = /^# expect: (\S+) (\d+):(\d+)/.exec(readFileSync(file, 'utf8'));
    expect(header, 'fixture must start with "# expect: rule line:col"').not.toBeNull();
    const [, rule, line, column] = header!;
    const { result, printed } = load(file);
    expect(result.ok).toBe(false);
    const errors = printed.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    // Every error carries a file and a resolved position, and the expected one is first.
    for (const d of errors) {
      expect(d.file).toBe(file);
      expect(d.line).toBeGreaterThan(0);
      expect(d.hint).toBeTruthy();
    }
    expect({ rule: errors[0]!.rule, line: errors[0]!.line, column: errors[0]!.column }).toEqual({ rule, line: Number(line), column: Number(column) });
  });
});
