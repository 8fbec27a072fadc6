import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasCredentials } from '../../generator/config/semantic.js';
import { redactingIO } from '../../generator/cli/io.js';
import { redactSecrets } from '../../generator/core/redact.js';
import { runInProcess, tempWorkspace } from '../cli/helpers.js';
import { STACK_TRACE } from './helpers.js';

// Built at run time so that no file of this repository holds something that looks like a real token or key.
const TOKEN = ['ghp', 'Zx9'.repeat(12)].join('_');
const FINE_GRAINED = ['github', 'pat', `11ABCDEFG0${'q'.repeat(40)}`].join('_');
const begin = (label: string) => ['-----BEGIN ', label, 'PRIVATE KEY-----'].join('');

describe('redactSecrets', () => {
  it.each([
    ['the value of GITHUB_TOKEN', `push failed: bad credentials ${'s3cr3t-value'}`, { GITHUB_TOKEN: 's3cr3t-value' }, 'push failed: bad credentials ***'],
    ['the value of GH_TOKEN, every time it occurs', 'a tok-123456 b tok-123456', { GH_TOKEN: 'tok-123456' }, 'a *** b ***'],
    ['the value of MESHFORGE_GITHUB_TOKEN', 'x=mf-token-1', { MESHFORGE_GITHUB_TOKEN: 'mf-token-1' }, 'x=***'],
    ['user:password in a URL', 'cannot fetch https://bob:hunter2@git.example.com/a.git', {}, 'cannot fetch https://bob:***@git.example.com/a.git'],
    ['a bare token as URL user', `remote https://${TOKEN}@github.com/o/r.git`, {}, 'remote https://***@github.com/o/r.git'],
    ['x-access-token URLs', `https://x-access-token:${TOKEN}@github.com/o/r`, {}, 'https://x-access-token:***@github.com/o/r'],
    ['credentials in a URL whose slashes a path resolution folded', 'file not found: /w/https:/bob:hunter2@git.example.com/a.yaml', {}, 'file not found: /w/https:/bob:***@git.example.com/a.yaml'],
    ['a classic token anywhere', `Authorization: token ${TOKEN}`, {}, 'Authorization: token ***'],
    ['a fine-grained token anywhere', `token=${FINE_GRAINED}\n`, {}, 'token=***\n'],
  ])('removes %s', (_what, input, env, expected) => {
    expect(redactSecrets(input, env)).toBe(expected);
  });

  it('leaves ordinary text, short env values and URLs without credentials alone', () => {
    const text = 'see https://github.com/o/r.git and git@github.com:o/r.git; ghp_short; user@example.com';
    expect(redactSecrets(text, { GITHUB_TOKEN: 'ab' })).toBe(text);
  });

  it('redactingIO passes every write through redaction and keeps the rest of the IO', async () => {
    const written: string[] = [];
    const io = redactingIO({ stdout: { write: (t: string) => written.push(t), isTTY: true }, stderr: { write: (t: string) => written.push(t) }, cwd: '/w', env: { GITHUB_TOKEN: 'abcd1234' }, readStdin: async () => Buffer.from('in') });
    io.stdout.write('token abcd1234');
    io.stderr.write(`url https://u:${TOKEN}@h/x`);
    expect(written).toEqual(['token ***', 'url https://u:***@h/x']);
    expect(io.stdout.isTTY).toBe(true);
    expect(io.cwd).toBe('/w');
    expect((await io.readStdin()).toString()).toBe('in');
  });
});

describe('tokens never reach the output of the built CLI', () => {
  it('a token in a path quoted by a diagnostic is redacted, in stylish and in JSON', async () => {
    const ws = tempWorkspace('meshforge-secrets-');
    const url = `https://x-access-token:${TOKEN}@example.com/mesh.config.yaml`;
    for (const format of ['stylish', 'json']) {
      const run = await runInProcess(['validate', '--config', url, '--format', format], { cwd: ws, env: { GITHUB_TOKEN: TOKEN } });
      const output = run.stdout + run.stderr;
      expect(run.status, output).toBe(2);
      expect(output).not.toContain(TOKEN);
      // A --config value is a path: resolved from the working folder, its two slashes fold into one.
      expect(output).toContain('https:/x-access-token:***@example.com/mesh.config.yaml');
      if (format === 'json') expect(() => JSON.parse(run.stdout)).not.toThrow();
    }
  });

  it('a token in an environment failure (MeshforgeError) is redacted', async () => {
    const ws = tempWorkspace('meshforge-secrets-');
    // A file where the output's parent folder must be: the error names the path, which holds the token.
    writeFileSync(join(ws, 'blocker'), '');
    const run = await runInProcess(['generate', '--out', `blocker/${TOKEN}/clusters`], { cwd: ws });
    const output = run.stdout + run.stderr;
    expect(run.status, output).toBe(3);
    expect(output).not.toContain(TOKEN);
    expect(output).toContain('***');
    expect(output).not.toMatch(STACK_TRACE);
  });

  it('credentials in gitops.repoURL are refused (they would be committed in the Argo CD / Flux objects) and not echoed', async () => {
    const ws = tempWorkspace('meshforge-secrets-');
    const config = readFileSync(join(ws, 'mesh.config.yaml'), 'utf8');
    writeFileSync(join(ws, 'mesh.config.yaml'), config.replace('repoURL: https://github.com/', `repoURL: https://bot:${TOKEN}@github.com/`));
    const run = await runInProcess(['generate'], { cwd: ws });
    const output = run.stdout + run.stderr;
    expect(run.status, output).toBe(2);
    expect(output).toMatch(/mesh\.config\.yaml:\d+:\d+: error: this URL carries credentials.*\[config-credentials\]/);
    expect(output).not.toContain(TOKEN);
    expect(readdirSync(ws)).toEqual(['mesh.config.yaml']);
  });

  it('hasCredentials: user info on http(s), passwords on any scheme, token shapes anywhere', () => {
    expect(hasCredentials('https://token@github.com/o/r.git')).toBe(true);
    expect(hasCredentials('https://u:p@github.com/o/r.git')).toBe(true);
    expect(hasCredentials('ssh://git:secret@github.com/o/r.git')).toBe(true);
    expect(hasCredentials(`https://github.com/o/r.git?t=${TOKEN}`)).toBe(true);
    expect(hasCredentials('ssh://git@github.com/o/r.git')).toBe(false);
    expect(hasCredentials('https://github.com/o/r.git')).toBe(false);
    expect(hasCredentials('git@github.com:o/r.git')).toBe(false);
  });
});

describe('no key material in the tree: the no-private-keys rule (built CLI)', () => {
  it('lint finds a PEM private key in a committed Secret (exit 1)', async () => {
    const ws = tempWorkspace('meshforge-secrets-');
    mkdirSync(join(ws, 'manifests'));
    const key = `${begin('')}\n    MIIBVwIBADANBgkqhkiG9w0BAQEFAASCAUEwggE9AgEAAkEA\n    -----END PRIVATE KEY-----`;
    writeFileSync(join(ws, 'manifests', 'secret.yaml'), `apiVersion: v1\nkind: Secret\nmetadata: { name: leaked, namespace: istio-system }\nstringData:\n  ca-key.pem: |\n    ${key}\n`);
    const run = await runInProcess(['lint', '--rule', 'no-private-keys', '--cluster', 'c1', 'manifests'], { cwd: ws });
    expect(run.status, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/manifests\/secret\.yaml:\d+:\d+: error: .*PRIVATE KEY.*\[no-private-keys\]/);
  });

  it('the generated example tree holds no key material', async () => {
    const ws = tempWorkspace('meshforge-secrets-');
    expect((await runInProcess(['generate'], { cwd: ws })).status).toBe(0);
    const run = await runInProcess(['lint', '--rule', 'no-private-keys', 'clusters'], { cwd: ws });
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });
});
