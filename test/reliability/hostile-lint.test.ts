import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, ftruncateSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { runLint } from '../../generator/app/lint.js';
import type { CliIO } from '../../generator/cli/io.js';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { loadManifests } from '../../generator/discover/manifests.js';
import { findFormatter, formatNames } from '../../generator/report/formats.js';
import { runInProcess } from '../cli/helpers.js';
import { HOSTILE_CONFIGS } from './hostile-config-corpus.js';
import { expectPositionedErrors, isRoot } from './helpers.js';
import { HOSTILE_MANIFESTS, type HostileManifest } from './hostile-lint-corpus.js';

/** A Node stack frame ("    at fn (file.js:1:2)"): never printed for bad input. */
const STACK_TRACE = /\n\s+at .+:\d+:\d+\)?/;

function writeCase(dir: string, file: string, hostile: HostileManifest): string {
  const path = join(dir, file);
  if (hostile.sparseBytes !== undefined) {
    // A sparse file: the size is real, the disk use is not. The loader must refuse it from its size alone.
    const fd = openSync(path, 'w');
    ftruncateSync(fd, hostile.sparseBytes);
    closeSync(fd);
  } else {
    writeFileSync(path, hostile.bytes!());
  }
  return path;
}

/** Temp folders of the running test, removed after it. */
const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) {
    // A test may leave a folder unreadable: give it back before removing it.
    try {
      chmodSync(dir, 0o700);
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

const quietIO = (cwd: string): CliIO => ({
  stdout: { write: () => true },
  stderr: { write: () => true },
  cwd,
  env: {},
  readStdin: async () => Buffer.alloc(0),
});

describe('hostile lint input corpus (in-process)', () => {
  it('has at least 30 cases, uniquely named, and with the config corpus at least 60', () => {
    expect(HOSTILE_MANIFESTS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(HOSTILE_MANIFESTS.map((c) => c.name)).size).toBe(HOSTILE_MANIFESTS.length);
    expect(HOSTILE_MANIFESTS.length + HOSTILE_CONFIGS.length).toBeGreaterThanOrEqual(60);
  });

  it.each(HOSTILE_MANIFESTS.map((c) => [c.name, c] as const))('%s is refused with a positioned diagnostic', async (_name, hostile) => {
    const dir = tempDir('meshforge-hostile-lint-');
    const file = writeCase(dir, 'manifest.yaml', hostile);
    const sources = new SourceRegistry();
    const result = await loadManifests([file], { io: quietIO(dir), sources });
    expect(result.ok).toBe(false);
    expectPositionedErrors(result.diagnostics, sources, file, hostile.rule);
  });
});

// The CLI on a representative subset of both corpora: lint in this process; generate and validate (their commands do
// not take the caller's folder from the context yet) as the built binary in a child process. Build first.
const LINT_SUBSET = [
  'unclosed flow mapping', 'tab indentation', 'duplicate metadata.name', 'billion laughs alias bomb', 'NUL byte', 'invalid UTF-8 lead byte',
  'UTF-16 file', 'file over the 64 MiB limit', 'deep flow nesting', 'a list document', 'missing kind', 'kind is a number',
  'name with a path', 'name with Cyrillic homoglyph', 'namespace ../kube-system', 'YAML injection in kind',
];

const CONFIG_SUBSET = [
  'unclosed quote', 'tab indentation', 'billion laughs alias bomb', 'a list, not a mapping', 'NUL byte',
  'invalid UTF-8 lead byte', '50 MB file', 'deep flow nesting', 'deep block nesting', 'port beyond 2^53',
  'cluster name ..', 'cluster name absolute path', 'cluster name with Cyrillic homoglyph', 'namespace ../../etc', 'handlebars in a name',
  'YAML injection in a host',
];

function expectRefusal(result: { status: number | null; stdout: string; stderr: string }, file: string): void {
  const output = `${result.stdout}\n${result.stderr}`;
  expect(result.status, output).toBe(2);
  expect(output).toMatch(new RegExp(`${file.replace(/\./g, '\\.')}:\\d+:\\d+`));
  expect(output).not.toMatch(STACK_TRACE);
  expect(output).not.toMatch(/internal error/);
}

describe('hostile input through the CLI', () => {
  it('the subsets name real corpus cases', () => {
    for (const name of LINT_SUBSET) expect(HOSTILE_MANIFESTS.some((c) => c.name === name), name).toBe(true);
    for (const name of CONFIG_SUBSET) expect(HOSTILE_CONFIGS.some((c) => c.name === name), name).toBe(true);
    expect(LINT_SUBSET.length).toBeGreaterThanOrEqual(15);
    expect(CONFIG_SUBSET.length).toBeGreaterThanOrEqual(15);
  });

  it.each(LINT_SUBSET)('meshforge lint: %s -> exit 2, file:line:col, no stack trace', async (name) => {
    const hostile = HOSTILE_MANIFESTS.find((c) => c.name === name)!;
    const dir = tempDir('meshforge-hostile-cli-');
    writeCase(dir, 'manifest.yaml', hostile);
    expectRefusal(await runInProcess(['lint', 'manifest.yaml'], { cwd: dir }), 'manifest.yaml');
  });

  it.each(CONFIG_SUBSET)('meshforge generate: %s -> exit 2, file:line:col, nothing written', async (name) => {
    const hostile = HOSTILE_CONFIGS.find((c) => c.name === name)!;
    const dir = tempDir('meshforge-hostile-cli-');
    writeFileSync(join(dir, 'mesh.config.yaml'), hostile.bytes());
    expectRefusal(await runInProcess(['generate'], { cwd: dir }), 'mesh.config.yaml');
    // No output folder, no ledger, no output lock, no staging folder: only the config itself.
    expect(readdirSync(dir)).toEqual(['mesh.config.yaml']);
  });

  it.each(CONFIG_SUBSET.slice(0, 3))('meshforge validate: %s -> exit 2, file:line:col', async (name) => {
    const hostile = HOSTILE_CONFIGS.find((c) => c.name === name)!;
    const dir = tempDir('meshforge-hostile-cli-');
    writeFileSync(join(dir, 'mesh.config.yaml'), hostile.bytes());
    expectRefusal(await runInProcess(['validate'], { cwd: dir }), 'mesh.config.yaml');
  });

  it('generate over an existing tree leaves the tree, the ledger and the lock untouched on bad input', async () => {
    const dir = tempDir('meshforge-hostile-cli-');
    writeFileSync(join(dir, 'mesh.config.yaml'), 'mesh:\n  id: m\nclusters:\n  - { name: c1, network: n1, ingressGateway: { address: 10.0.0.1 } }\n');
    expect((await runInProcess(['generate'], { cwd: dir })).status).toBe(0);
    const before = readdirSync(join(dir, 'clusters'), { recursive: true }).sort();
    writeFileSync(join(dir, 'mesh.config.yaml'), HOSTILE_CONFIGS.find((c) => c.name === 'cluster name ..')!.bytes());
    expectRefusal(await runInProcess(['generate'], { cwd: dir }), 'mesh.config.yaml');
    expect(readdirSync(join(dir, 'clusters'), { recursive: true }).sort()).toEqual(before);
    expect(existsSync(join(dir, '.clusters.meshforge-lock'))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['clusters', 'mesh.config.yaml', 'mesh.lock.yaml']);
  });
});

// Issue 17. Key material is built at run time, so that no file of this repository holds a private key or a token.
const KEY_BODY = ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7', 'q3Vb9xXk2mPzR4tLw8nYc1Hs6JdFfU0aKoE5rTgWiQ2vNlZpB8'];
const pem = (label: string, body: readonly string[] = KEY_BODY) => [`-----BEGIN ${label}PRIVATE KEY-----`, ...body, `-----END ${label}PRIVATE KEY-----`].join('\n');
const b64 = (text: string) => Buffer.from(text).toString('base64');
const TOKEN = `${'ghp'}_${'Zq8LmN3x'.repeat(5)}`;

/** What must never be printed: each line of the key body, the key as base64, the token. */
function expectNoSecrets(output: string, secrets: readonly string[]): void {
  for (const secret of secrets) expect(output, `printed ${secret}`).not.toContain(secret);
}

describe('issue 17: lint never prints a private key or a token (finding 1, 2)', () => {
  const manifests = [
    // One-line values: the code frame shows the whole value.
    `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: leaked, namespace: shop }\ndata:\n  key: ${JSON.stringify(pem('RSA '))}\n`,
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n  annotations: { backup/key: ${JSON.stringify(pem('EC '))} }\nspec:\n  ports: [{ port: 80, name: http }]\n`,
    `apiVersion: v1\nkind: Secret\nmetadata: { name: reviews-tls, namespace: shop }\ntype: kubernetes.io/tls\ndata:\n  tls.key: ${b64(pem('RSA '))}\n`,
    `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: blob, namespace: shop }\nbinaryData:\n  server.bin: ${b64(pem(''))}\n`,
    `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ci, namespace: shop }\ndata:\n  GITHUB_TOKEN: ${TOKEN}\n`,
    // A block scalar whose body lines carry findings of their own (a tab inside the key).
    `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: block, namespace: shop }\ndata:\n  key: |\n    ${pem('', [KEY_BODY[0]!, `${KEY_BODY[1]!}`]).split('\n').join('\n    ')}\n`,
  ];
  const secrets = [...KEY_BODY, b64(pem('RSA ')), b64(pem('')), TOKEN];

  it.each(formatNames())('format %s: every finding reported, no key material or token printed', async (format) => {
    const dir = tempDir('meshforge-hostile-secrets-');
    mkdirSync(join(dir, 'clusters', 'c1'), { recursive: true });
    manifests.forEach((text, i) => writeFileSync(join(dir, 'clusters', 'c1', `m${i}.yaml`), text));
    const result = await runInProcess(['lint', '--no-schema', '--format', format, '--list-suppressed', 'clusters'], { cwd: dir });
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toContain('no-private-keys');
    expectNoSecrets(`${result.stdout}\n${result.stderr}`, secrets);
  });

  it('the service reports each secret once, at its value', async () => {
    const dir = tempDir('meshforge-hostile-secrets-');
    mkdirSync(join(dir, 'clusters', 'c1'), { recursive: true });
    manifests.forEach((text, i) => writeFileSync(join(dir, 'clusters', 'c1', `m${i}.yaml`), text));
    const result = await runLint({ paths: ['clusters'], schema: false, rules: ['no-private-keys'] }, { cwd: dir, env: {} });
    expect(result.report?.diagnostics.map((d) => `${d.file}:${d.line}`)).toEqual(['clusters/c1/m0.yaml:5', 'clusters/c1/m1.yaml:6', 'clusters/c1/m2.yaml:6', 'clusters/c1/m3.yaml:5', 'clusters/c1/m4.yaml:5', 'clusters/c1/m5.yaml:5']);
    expect(result.report?.diagnostics.find((d) => d.file === 'clusters/c1/m0.yaml')?.lineText).toBe('  key: "-----BEGIN RSA PRIVATE KEY----- [private key redacted]"');
  });

  it('a YAML error on a line inside a key block shows no key material', async () => {
    const dir = tempDir('meshforge-hostile-secrets-');
    writeFileSync(join(dir, 'key.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\ndata:\n  key: |\n    ${pem('').split('\n').join('\n    ')}\n  key: again\n`.replace(`    ${KEY_BODY[1]}`, `\t${KEY_BODY[1]}`));
    const result = await runInProcess(['lint', 'key.yaml'], { cwd: dir });
    expect(result.status).toBe(2);
    expectNoSecrets(`${result.stdout}\n${result.stderr}`, secrets);
  });

  // Property: wherever a key or token sits in a resource, and however it is written, no format prints it.
  const identifier = fc.stringMatching(/^[a-z][a-zA-Z0-9.-]{0,10}$/);
  const body = fc.array(fc.stringMatching(/^[A-Za-z0-9+/]{40,64}$/), { minLength: 1, maxLength: 3 });
  const secret = fc.oneof(
    fc.record({ kind: fc.constant('pem' as const), label: fc.constantFrom('', 'RSA ', 'EC ', 'OPENSSH ', 'ENCRYPTED '), body }),
    fc.record({ kind: fc.constant('token' as const), token: fc.stringMatching(/^gh[pousr]_[A-Za-z0-9]{36}$/) }),
  );
  const placement = fc.record({
    at: fc.constantFrom('data', 'binaryData', 'annotation', 'spec'),
    path: fc.array(identifier, { minLength: 1, maxLength: 3 }),
    encoding: fc.constantFrom('plain', 'base64'),
    style: fc.constantFrom('block', 'flow'),
    kind: fc.constantFrom('ConfigMap', 'Secret', 'Service'),
  });

  it('property: for arbitrary resources embedding a PEM key or a token anywhere, no output format prints it', async () => {
    const dir = tempDir('meshforge-hostile-property-');
    const file = join(dir, 'resource.yaml');
    await fc.assert(
      fc.asyncProperty(secret, placement, async (s, p) => {
        const plain = s.kind === 'pem' ? pem(s.label, s.body) : s.token;
        const value = p.encoding === 'base64' || p.at === 'binaryData' ? b64(plain) : plain;
        const metadata: Record<string, unknown> = { name: 'target', namespace: 'shop' };
        const object: Record<string, unknown> = { apiVersion: 'v1', kind: p.kind, metadata };
        const nested = p.path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
        if (p.at === 'annotation') metadata['annotations'] = { [p.path.join('.')]: value };
        else if (p.at === 'spec') object['spec'] = nested;
        else object[p.at] = { [p.path.join('-')]: value };
        const { stringify } = await import('yaml');
        writeFileSync(file, p.style === 'flow' ? `${JSON.stringify(object)}\n` : stringify(object));
        const result = await runLint({ paths: ['resource.yaml'], schema: false, cluster: 'c1', listSuppressed: true }, { cwd: dir, env: {} });
        const printed = formatNames().map((name) => findFormatter(name)!.format(result.report!, { color: false })).join('\n') + result.statusText;
        const material = s.kind === 'pem' ? [...s.body, b64(plain)] : [s.token, b64(plain)];
        for (const m of material) if (printed.includes(m)) throw new Error(`printed ${m} (${JSON.stringify(p)})\n${printed}`);
      }),
      { numRuns: 40, seed: 17 },
    );
  });
});

describe('issue 17: lint reads only regular files inside the folders it is given (findings 5, 12, 13)', () => {
  it('finding 5: a link out of the folder (esc/creds.yaml -> ~/.aws/credentials) is refused unread: exit 2, with its location', async () => {
    const dir = tempDir('meshforge-hostile-link-');
    const home = tempDir('meshforge-hostile-home-');
    writeFileSync(join(home, 'credentials'), '[default]\naws_access_key_id = AKIAEXAMPLEEXAMPLE12\naws_secret_access_key = outside-secret-value\n');
    mkdirSync(join(dir, 'esc'));
    symlinkSync(join(home, 'credentials'), join(dir, 'esc', 'creds.yaml'));
    for (const args of [['lint', 'esc'], ['lint', '.'], ['lint', '--format', 'json', 'esc'], ['lint', 'esc/creds.yaml']]) {
      const result = await runInProcess(args, { cwd: dir });
      const output = `${result.stdout}\n${result.stderr}`;
      expect(result.status, output).toBe(2);
      expect(output).toMatch(/esc\/creds\.yaml(:1:1|",)/);
      expect(output).toMatch(/symbolic link/);
      expect(output).not.toContain('outside-secret-value');
      expect(output).not.toContain('aws_access_key_id');
    }
  });

  it('finding 5: a link to a file inside the folder is still read', async () => {
    const dir = tempDir('meshforge-hostile-link-');
    mkdirSync(join(dir, 'm'));
    writeFileSync(join(dir, 'm', 'pa.yml'), 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: { name: default, namespace: istio-system }\nspec:\n  mtls: { mode: STRICT }\n');
    symlinkSync('pa.yml', join(dir, 'm', 'alias.yaml'));
    const result = await runLint({ paths: ['m'], schema: false }, { cwd: dir, env: {} });
    expect(result.status).toBe('ok');
    expect(result.files).toEqual(['m/alias.yaml', 'm/pa.yml']);
  });

  it('finding 12: a FIFO named as input is refused at once (exit 2), never waited on; one in a folder is skipped', async () => {
    const dir = tempDir('meshforge-hostile-fifo-');
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    const started = Date.now();
    const result = await runInProcess(['lint', 'pipe.yaml'], { cwd: dir });
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/pipe\.yaml:1:1: error: pipe\.yaml is not a regular file/);
    const folder = await runLint({ paths: ['.'], schema: false }, { cwd: dir, env: {} });
    expect(folder.status).toBe('invalid-input');
    expect(folder.files).toEqual([]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('finding 13: a link loop is exit 2 with its location and words, not a raw ELOOP', async () => {
    const dir = tempDir('meshforge-hostile-loop-');
    symlinkSync('b.yaml', join(dir, 'a.yaml'));
    symlinkSync('a.yaml', join(dir, 'b.yaml'));
    for (const args of [['lint', 'a.yaml'], ['lint', '.']]) {
      const result = await runInProcess(args, { cwd: dir });
      const output = `${result.stdout}\n${result.stderr}`;
      expect(result.status, output).toBe(2);
      expect(output).toMatch(/a\.yaml:1:1: error: .*too many symbolic links/);
      expect(output).not.toMatch(/ELOOP/);
      expect(output).not.toMatch(STACK_TRACE);
    }
  });

  it.skipIf(isRoot())('finding 13: an unreadable folder is exit 2 with its location, not a raw EACCES', async () => {
    const dir = tempDir('meshforge-hostile-eacces-');
    mkdirSync(join(dir, 'm', 'locked'), { recursive: true });
    writeFileSync(join(dir, 'm', 'ok.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a, namespace: b }\n');
    chmodSync(join(dir, 'm', 'locked'), 0o000);
    try {
      const result = await runInProcess(['lint', 'm'], { cwd: dir });
      const output = `${result.stdout}\n${result.stderr}`;
      expect(result.status, output).toBe(2);
      expect(output).toMatch(/m\/locked:1:1: error: cannot read the folder m\/locked: permission denied/);
      expect(output).not.toMatch(/EACCES|scandir/);
    } finally {
      chmodSync(join(dir, 'm', 'locked'), 0o700);
    }
  });
});
