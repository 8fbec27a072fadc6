import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { runValidate } from '../../generator/app/validate.js';
import { hasErrors } from '../../generator/diagnostics/result.js';
import { planGenerate } from '../../generator/pipeline/generate.js';
import { REPO_ROOT, runInProcess, runMeshforge } from './helpers.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'config');
const INVALID = join(FIXTURES, 'invalid');
const EXAMPLE = join(REPO_ROOT, 'mesh.config.yaml');

const created: string[] = [];
afterEach(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder, removed after the test; with a copy of the example config unless told otherwise. */
function workspace(config: string | null = readFileSync(EXAMPLE, 'utf8')): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshforge-validate-'));
  created.push(dir);
  if (config !== null) writeFileSync(join(dir, 'mesh.config.yaml'), config);
  return dir;
}

const context = (cwd: string) => ({ cwd, env: {} });

describe('meshforge validate (child process)', () => {
  it('smoke: the built binary accepts the bundled example and exits 0', () => {
    const r = runMeshforge(['validate']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/mesh\.config\.yaml is valid: mesh mesh1, 3 clusters/);
  });
});

describe('meshforge explain (child process)', () => {
  it('smoke: the built binary prints the page of a catalogue id', () => {
    const r = runMeshforge(['explain', 'config-unknown-reference']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(REPO_ROOT, 'docs', 'diagnostics', 'config-unknown-reference.md'), 'utf8'));
  });
});

describe('meshforge validate', () => {
  it('accepts the bundled example: status, counts and the planned tree', async () => {
    const result = await runValidate({}, context(REPO_ROOT));
    expect(result.status).toBe('ok');
    expect(result.statusText).toMatch(/^mesh\.config\.yaml is valid: mesh mesh1, 3 clusters/);
    expect(result.model?.clusters).toHaveLength(3);
    expect(result.plannedFiles).toBeGreaterThan(10);
    expect(result.report?.summary.errors).toBe(0);
  });

  it('reads --config relative to the working directory', async () => {
    const dir = workspace();
    const r = await runInProcess(['validate', '--config', 'mesh.config.yaml'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^mesh\.config\.yaml is valid: /);
  });

  it.each(readdirSync(INVALID).filter((f) => f.endsWith('.yaml')))('rejects %s with exit 2, file:line:col, a caret, and no stack trace', async (name) => {
    const r = await runInProcess(['validate', '--config', join(INVALID, name)]);
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`${name.replace('.', '\\.')}:\\d+:\\d+: error: `));
    expect(r.stdout).toMatch(/\|\s+\^/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  });

  it('prints pure JSON with --format json', async () => {
    const r = await runInProcess(['validate', '--config', join(INVALID, 'unknown-key-typo.yaml'), '--format', 'json']);
    expect(r.status).toBe(2);
    const report = JSON.parse(r.stdout) as { diagnostics: { rule: string; line: number; column: number; file: string }[]; summary: { errors: number } };
    expect(report.summary.errors).toBe(1);
    expect(report.diagnostics[0]).toMatchObject({ rule: 'config-unknown-key', line: 5, column: 5 });
  });

  it('keeps stdout pure JSON for a valid config too', async () => {
    const r = await runInProcess(['validate', '--format', 'json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ diagnostics: [], summary: { errors: 0, warnings: 0, infos: 0, suppressed: 0 } });
    expect(r.stderr).toContain('is valid');
  });

  it('rejects a 50 MB file by its size, quickly and with exit 2', async () => {
    const file = join(workspace(null), 'huge.yaml');
    writeFileSync(file, Buffer.alloc(50 * 1024 * 1024, 'a'));
    const started = Date.now();
    const r = await runInProcess(['validate', '--config', file]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('over the 4 MiB limit');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('exits 2 on a missing config file', async () => {
    const r = await runInProcess(['validate', '--config', 'does-not-exist.yaml'], { cwd: workspace(null) });
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('file not found');
  });

  it('exits 2 on an unknown command or option, with a suggestion', async () => {
    const r = await runInProcess(['valdate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Did you mean validate?');
    expect((await runInProcess(['validate', '--nope'])).status).toBe(2);
  });

  it('has --help on every command and --version', async () => {
    const top = await runInProcess(['--help']);
    expect(top.status).toBe(0);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z-]+)(?: \[options\]| <|\s)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands).toContain('validate');
    expect(commands).toContain('explain');
    for (const command of commands) {
      const r = await runInProcess([command, '--help']);
      expect(r.status, command).toBe(0);
      expect(r.stdout, command).toContain(`Usage: meshforge ${command}`);
    }
    const version = await runInProcess(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('colours output only when asked', async () => {
    const plain = await runInProcess(['validate', '--config', join(INVALID, 'bad-enum.yaml')]);
    expect(plain.stdout).not.toContain('\u001b[');
    const coloured = await runInProcess(['validate', '--config', join(INVALID, 'bad-enum.yaml')], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(coloured.stdout).toContain('\u001b[31m');
  });

  it('writes nothing: no ledger, no tree', async () => {
    const dir = workspace();
    expect((await runInProcess(['validate'], { cwd: dir })).status).toBe(0);
    expect(readdirSync(dir)).toEqual(['mesh.config.yaml']);
  });
});

describe('meshforge explain', () => {
  it('prints the page of a catalogue id on stdout, exit 0', async () => {
    const r = await runInProcess(['explain', 'vip-range-exhausted']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(REPO_ROOT, 'docs', 'diagnostics', 'vip-range-exhausted.md'), 'utf8'));
    expect(r.stderr).toBe('');
  });

  it('prints the page of a policy rule', async () => {
    const r = await runInProcess(['explain', 'registry-only']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(REPO_ROOT, 'policies', 'registry-only.md'), 'utf8'));
  });

  it('lists policy rules and catalogue ids without an argument', async () => {
    const r = await runInProcess(['explain']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^unique-vips\s+error\s+ServiceEntry addresses/m);
    expect(r.stdout).toMatch(/^suppression-reason\s+error/m);
    expect(r.stdout).toMatch(/^config-unknown-reference\s+error\s+/m);
  });

  it('exits 2 with a did-you-mean for an unknown id', async () => {
    const r = await runInProcess(['explain', 'config-unknown-refrence']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown rule 'config-unknown-refrence'; did you mean 'config-unknown-reference'?");
  });
});

/** The example with one edit made through the YAML document (comments and layout kept). */
function editExample(change: (doc: ReturnType<typeof parseDocument>) => void): string {
  const doc = parseDocument(readFileSync(EXAMPLE, 'utf8'));
  change(doc);
  return doc.toString();
}

/** What generate's planning says about a config, as generate runs it. */
function plan(configFile: string) {
  return planGenerate({ configFile, outDir: join(configFile, '..', 'clusters') });
}

describe('validate refuses every config generate refuses (issue 17, item 17)', () => {
  it('a VIP range too small for the hosts: vip-range-exhausted, as generate reports it', async () => {
    const dir = workspace(editExample((doc) => doc.setIn(['mesh', 'vipRanges'], ['240.0.0.0/30'])));
    const config = join(dir, 'mesh.config.yaml');
    const result = await runValidate({}, context(dir));
    expect(result.status).toBe('invalid-input');
    expect(result.diagnostics.map((d) => d.rule)).toContain('vip-range-exhausted');
    const planned = plan(config);
    expect(planned.ok).toBe(false);
    expect(result.diagnostics).toEqual(planned.diagnostics);
    const cli = await runInProcess(['validate'], { cwd: dir });
    expect(cli.status).toBe(2);
    expect(cli.stdout).toMatch(/^mesh\.config\.yaml:\d+:\d+: error: cluster cluster\d needs \d+ VIPs but mesh\.vipRanges \(240\.0\.0\.0\/30\) has 2 usable addresses/m);
    expect(cli.stdout).toContain('[vip-range-exhausted]');
    expect((await runInProcess(['generate', '--config', config, '--out', join(dir, 'clusters'), '--no-cache'], { cwd: dir })).status).toBe(2);
    expect(readdirSync(dir)).toEqual(['mesh.config.yaml']);
  });

  it('two entries rendering the same file: generate-name-collision, as generate reports it', async () => {
    // A route named like the file an ingress entry renders.
    const dir = workspace(
      editExample((doc) => doc.addIn(['routes'], { name: 'tcp-echo-ingress', namespace: 'tcp-echo', host: 'tcp-echo', tcp: [{ port: 8020, to: [{ service: 'tcp-echo', version: 'v1' }] }] })),
    );
    const config = join(dir, 'mesh.config.yaml');
    const result = await runValidate({ configFile: 'mesh.config.yaml' }, context(dir));
    expect(result.status).toBe('invalid-input');
    expect(result.diagnostics.map((d) => d.rule)).toContain('generate-name-collision');
    const planned = plan(config);
    expect(planned.ok).toBe(false);
    expect(result.diagnostics).toEqual(planned.diagnostics);
    const cli = await runInProcess(['validate', '--format', 'json'], { cwd: dir });
    expect(cli.status).toBe(2);
    const report = JSON.parse(cli.stdout) as { diagnostics: { rule: string; file: string; line: number }[] };
    expect(report.diagnostics).toContainEqual(expect.objectContaining({ rule: 'generate-name-collision', file: 'mesh.config.yaml' }));
    expect((await runInProcess(['generate', '--config', config, '--out', join(dir, 'clusters'), '--no-cache'], { cwd: dir })).status).toBe(2);
  });

  it('a corrupt VIP ledger beside the config: lock-invalid, as generate reports it', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'mesh.lock.yaml'), 'apiVersion: meshforge.io/v1alpha1\nkind: VipLedger\nvips:\n  cluster1:\n    default/httpbin: not-an-ip\n');
    const result = await runValidate({}, context(dir));
    expect(result.status).toBe('invalid-input');
    expect(result.diagnostics.map((d) => d.rule)).toEqual(['lock-invalid']);
    expect(result.diagnostics).toEqual(plan(join(dir, 'mesh.config.yaml')).diagnostics);
  });
});

/** Every config file under test/fixtures/config, and the example. */
function fixtureConfigs(dir = FIXTURES): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return fixtureConfigs(path);
    return name.endsWith('.yaml') && name !== 'mesh.lock.yaml' ? [path] : [];
  });
}

describe('validate accepts exactly what generate plans', () => {
  it.each([EXAMPLE, ...fixtureConfigs()].map((file) => [file.slice(REPO_ROOT.length + 1)] as const))('%s', async (name) => {
    const file = join(REPO_ROOT, name);
    // A copy, so that every fixture is planned without a ledger, as a first generate would.
    const dir = workspace(null);
    cpSync(file, join(dir, 'mesh.config.yaml'));
    const result = await runValidate({}, context(dir));
    const planned = plan(join(dir, 'mesh.config.yaml'));
    const generateRefuses = !planned.ok || hasErrors(planned.diagnostics);
    expect(result.status === 'invalid-input', `validate ${result.status}, generate ${generateRefuses ? 'refuses' : 'plans'}`).toBe(generateRefuses);
    if (generateRefuses) expect(result.diagnostics).toEqual(planned.diagnostics);
  });

  it('property: for any VIP range size and number of external hosts, validate refuses iff generate does', async () => {
    const config = (prefix: number, hosts: number) =>
      [
        'mesh:',
        '  id: mesh1',
        `  vipRanges: [240.0.0.0/${prefix}]`,
        'clusters:',
        '  - { name: cluster1, network: network1 }',
        ...(hosts > 0 ? ['externalServices:'] : []),
        ...Array.from({ length: hosts }, (_, i) => `  - { name: ext${i}, hosts: [ext${i}.example.com], ports: [{ number: 443, name: tls, protocol: TLS }], resolution: DNS, addresses: auto }`),
        '',
      ].join('\n');
    const dir = workspace(null);
    const file = join(dir, 'mesh.config.yaml');
    const outcomes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 27, max: 32 }), fc.integer({ min: 0, max: 12 }), async (prefix, hosts) => {
        writeFileSync(file, config(prefix, hosts));
        const result = await runValidate({}, context(dir));
        const planned = plan(file);
        const generateRefuses = !planned.ok || hasErrors(planned.diagnostics);
        outcomes.add(generateRefuses ? 'refused' : 'planned');
        expect(result.status === 'invalid-input').toBe(generateRefuses);
        if (generateRefuses) expect(result.diagnostics).toEqual(planned.diagnostics);
      }),
      { numRuns: 40, seed: 17 },
    );
    // Both sides of the boundary were tried.
    expect(outcomes).toEqual(new Set(['refused', 'planned']));
  });
});
