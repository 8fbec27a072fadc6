import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess, tempWorkspace } from './helpers.js';

// Defects a review found; each test failed before its fix.
describe('review regressions', () => {
  it('generate --format json prints exactly one JSON document, config warnings and rule findings together', async () => {
    const dir = tempWorkspace();
    const config = join(dir, 'mesh.config.yaml');
    const text = readFileSync(config, 'utf8')
      .replace('    mtls: STRICT', '    mtls: PERMISSIVE')
      .replace('    deprecated-api: warning', '    deprecated-api: warning\n    strict-mtls: warning\n    deprecated-apis: info');
    writeFileSync(config, text);
    const r = await runInProcess(['generate', '--no-schema', '--format', 'json'], { cwd: dir });
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { diagnostics: { rule: string }[] };
    expect(report.diagnostics.map((d) => d.rule).sort()).toEqual(['policy-unknown-rule', 'strict-mtls', 'strict-mtls', 'strict-mtls']);
  });

  it('validate and check warn about an unknown rule id in policies', async () => {
    const dir = tempWorkspace();
    const config = join(dir, 'mesh.config.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('    deprecated-api: warning', '    deprecated-apis: warning'));
    const validate = await runInProcess(['validate'], { cwd: dir });
    expect(validate.status).toBe(0);
    expect(validate.stdout).toContain("unknown rule 'deprecated-apis'; did you mean 'deprecated-api'?");
    expect((await runInProcess(['generate', '--no-schema'], { cwd: dir })).status).toBe(0);
    const check = await runInProcess(['check', '--no-schema', '--format', 'json'], { cwd: dir });
    expect((JSON.parse(check.stdout) as { diagnostics: { rule: string }[] }).diagnostics.map((d) => d.rule)).toEqual(['policy-unknown-rule']);
  });

  it('lint --rule explains that suppression checks always run', async () => {
    const r = await runInProcess(['lint', '--rule', 'suppression-reason'], { cwd: tempWorkspace() });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('always runs');
    expect(r.stderr).not.toContain('did you mean');
  });
});

describe('code frames', () => {
  it('show a window of a very long line around the column, with the caret under it', async () => {
    const dir = tempWorkspace();
    const file = join(dir, 'long.yaml');
    writeFileSync(file, `mesh: { id: m, x: [${'1, '.repeat(3000)}2], bad: [ }\n`);
    const r = await runInProcess(['validate', '--config', file]);
    expect(r.status).toBe(2);
    const [codeLine, caretLine] = r.stdout.split('\n').filter((l) => /^\s+\d* \|/.test(l));
    expect(codeLine!.length).toBeLessThan(200);
    expect(codeLine).toContain('…');
    const caretAt = caretLine!.indexOf('^');
    expect(codeLine!.slice(caretAt, caretAt + 1)).not.toBe(' ');
  });
});
