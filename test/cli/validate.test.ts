import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runMeshforge, tempWorkspace } from './helpers.js';

const INVALID = join(REPO_ROOT, 'test', 'fixtures', 'config', 'invalid');

describe('meshforge validate (child process)', () => {
  it('accepts the bundled example and exits 0', () => {
    const r = runMeshforge(['validate']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/mesh\.config\.yaml is valid: mesh mesh1, 3 clusters/);
  });

  it('reads --config relative to the working directory', () => {
    const dir = tempWorkspace();
    expect(runMeshforge(['validate', '--config', 'mesh.config.yaml'], { cwd: dir }).status).toBe(0);
  });

  it.each(readdirSync(INVALID).filter((f) => f.endsWith('.yaml')))('rejects %s with exit 2, file:line:col, a caret, and no stack trace', (name) => {
    const r = runMeshforge(['validate', '--config', join(INVALID, name)]);
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`${name.replace('.', '\\.')}:\\d+:\\d+: error: `));
    expect(r.stdout).toMatch(/\|\s+\^/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  });

  it('prints pure JSON with --format json', () => {
    const r = runMeshforge(['validate', '--config', join(INVALID, 'unknown-key-typo.yaml'), '--format', 'json']);
    expect(r.status).toBe(2);
    const report = JSON.parse(r.stdout) as { diagnostics: { rule: string; line: number; column: number; file: string }[]; summary: { errors: number } };
    expect(report.summary.errors).toBe(1);
    expect(report.diagnostics[0]).toMatchObject({ rule: 'config-unknown-key', line: 5, column: 5 });
  });

  it('keeps stdout pure JSON for a valid config too', () => {
    const r = runMeshforge(['validate', '--format', 'json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ diagnostics: [], summary: { errors: 0, warnings: 0, infos: 0, suppressed: 0 } });
    expect(r.stderr).toContain('is valid');
  });

  it('rejects a 50 MB file by its size, quickly and with exit 2', () => {
    const dir = tempWorkspace();
    const file = join(dir, 'huge.yaml');
    writeFileSync(file, Buffer.alloc(50 * 1024 * 1024, 'a'));
    const r = runMeshforge(['validate', '--config', file]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('over the 4 MiB limit');
  });

  it('exits 2 on a missing config file', () => {
    const r = runMeshforge(['validate', '--config', 'does-not-exist.yaml'], { cwd: tempWorkspace() });
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('file not found');
  });

  it('exits 2 on an unknown command or option, with a suggestion', () => {
    const r = runMeshforge(['valdate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Did you mean validate?');
    expect(runMeshforge(['validate', '--nope']).status).toBe(2);
  });

  it('has --help on every command and --version', () => {
    const top = runMeshforge(['--help']);
    expect(top.status).toBe(0);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z-]+)(?: \[options\]| <|\s)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands).toContain('validate');
    for (const command of commands) {
      const r = runMeshforge([command, '--help']);
      expect(r.status, command).toBe(0);
      expect(r.stdout, command).toContain(`Usage: meshforge ${command}`);
    }
    const version = runMeshforge(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('colours output only when asked', () => {
    const plain = runMeshforge(['validate', '--config', join(INVALID, 'bad-enum.yaml')]);
    expect(plain.stdout).not.toContain('\u001b[');
    const coloured = runMeshforge(['validate', '--config', join(INVALID, 'bad-enum.yaml')], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(coloured.stdout).toContain('\u001b[31m');
  });
});
