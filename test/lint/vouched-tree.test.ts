import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck, type CheckResult } from '../../generator/app/check.js';
import { runLint, type LintResult } from '../../generator/app/lint.js';
import { formatNames } from '../../generator/report/formats.js';
import { treeVouch, vouchesFor, type RunState } from '../../generator/write/run-state.js';
import { runInProcess, tempWorkspace } from '../cli/helpers.js';

// lint and check on a tree the run state of `meshforge generate` vouches for (app/tree-vouch.ts): its generated files
// are taken from the plan without being read. Whether a run took that path is told by the result (lint's
// stats.vouched, check's vouched), never by a clock; what it prints must be byte for byte what the reading path
// (--no-cache) prints, in every format.

/** No schemas: the state is recorded whatever the validator, and the comparisons stay quick. */
const NO_SCHEMA = ['--no-schema'];

/** The example generated twice: the first run creates the ledger (and records no state), the second records it. */
function generated(edit?: (config: string) => string): string {
  const dir = tempWorkspace('meshforge-vouch-');
  const config = join(dir, 'mesh.config.yaml');
  if (edit) writeFileSync(config, edit(readFileSync(config, 'utf8')));
  return dir;
}

async function generate(dir: string, ...args: string[]): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const result = await runInProcess(['generate', ...NO_SCHEMA, ...args], { cwd: dir });
    expect(result.status, result.stderr + result.stdout).toBe(0);
  }
}

/** The example with findings on generated files: strict-mtls warnings on every PeerAuthentication. */
const withFindings = (text: string) => text.replace('    mtls: STRICT', '    mtls: PERMISSIVE').replace('    deprecated-api: warning', '    deprecated-api: warning\n    strict-mtls: warning');

function context(dir: string) {
  return { cwd: dir, env: process.env };
}

function lintOf(dir: string, cache = true): Promise<LintResult> {
  return runLint({ paths: ['clusters'], config: 'mesh.config.yaml', schema: false, cache }, context(dir));
}

function checkOf(dir: string, cache = true): Promise<CheckResult> {
  return runCheck({ schema: false, cache }, context(dir));
}

/** lint and check print the same with and without the run state, in these formats (exit code and both streams). */
async function expectSameOutput(dir: string, formats: readonly string[] = formatNames()): Promise<void> {
  for (const format of formats) {
    for (const command of [['lint', 'clusters', '--config', 'mesh.config.yaml', '--list-suppressed'], ['check']]) {
      const args = [...command, ...NO_SCHEMA, '--format', format];
      const vouched = await runInProcess(args, { cwd: dir });
      const read = await runInProcess([...args, '--no-cache'], { cwd: dir });
      expect(vouched, `${command[0]} --format ${format}`).toEqual(read);
    }
  }
}

describe('lint and check on a tree the run state vouches for', { timeout: 180_000 }, () => {
  it('take the example tree from the plan, printing what reading it prints', async () => {
    const dir = generated();
    await generate(dir);
    const lint = await lintOf(dir);
    expect(lint.stats.vouched).toBe(lint.files.length);
    expect(lint.stats).toMatchObject({ parsed: 0, rendered: 0, trees: 1 });
    const read = await lintOf(dir, false);
    expect(read.stats).toMatchObject({ vouched: 0, parsed: 0, rendered: lint.files.length });
    expect(lint.report).toEqual(read.report);
    expect(lint.statusText).toBe(read.statusText);

    const check = await checkOf(dir);
    const compared = await checkOf(dir, false);
    expect(check.vouched).toBe(true);
    expect(compared.vouched).toBe(false);
    expect(check.drift).toEqual(compared.drift);
    expect(check.report).toEqual(compared.report);
    expect(check.statusText).toBe(compared.statusText);
    await expectSameOutput(dir);
  });

  it('print findings on vouched files at the same line and column', async () => {
    const dir = generated(withFindings);
    await generate(dir);
    const lint = await lintOf(dir);
    expect(lint.stats.vouched).toBeGreaterThan(0);
    const located = lint.report.diagnostics.filter((d) => d.rule === 'strict-mtls');
    expect(located.length).toBeGreaterThan(0);
    for (const d of located) expect(d.line).toBeGreaterThan(1);
    expect((await checkOf(dir)).vouched).toBe(true);
    await expectSameOutput(dir);
  });

  it('read a file edited by hand after generate (the snapshot no longer matches) and find the edit', async () => {
    const dir = generated();
    await generate(dir);
    const file = join(dir, 'clusters', 'cluster1', 'istio-system', 'peerauthentication-default.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('mode: STRICT', 'mode: PERMISSIVE'));
    const lint = await lintOf(dir);
    expect(lint.stats).toMatchObject({ vouched: 0, parsed: 1 });
    expect(lint.report.diagnostics.some((d) => d.rule === 'strict-mtls' && d.file === 'clusters/cluster1/istio-system/peerauthentication-default.yaml')).toBe(true);
    const check = await checkOf(dir);
    expect(check.vouched).toBe(false);
    expect(check.drift?.changed).toEqual(['cluster1/istio-system/peerauthentication-default.yaml']);
    await expectSameOutput(dir, ['stylish', 'json']);
  });

  it('still read and parse a foreign file in a vouched tree', async () => {
    const dir = generated();
    await runInProcess(['generate', ...NO_SCHEMA], { cwd: dir });
    writeFileSync(
      join(dir, 'clusters', 'cluster1', 'istio-system', 'extra-peer-authentication.yaml'),
      'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: extra\n  namespace: istio-system\nspec:\n  mtls:\n    mode: PERMISSIVE\n',
    );
    // The foreign file is there when the state is recorded: the snapshot holds it.
    await generate(dir);
    const lint = await lintOf(dir);
    expect(lint.stats).toMatchObject({ parsed: 1, rendered: 0 });
    expect(lint.stats.vouched).toBe(lint.files.length - 1);
    expect(lint.report.diagnostics.some((d) => d.file === 'clusters/cluster1/istio-system/extra-peer-authentication.yaml')).toBe(true);
    const check = await checkOf(dir);
    expect(check.vouched).toBe(true);
    expect(check.drift?.foreign).toEqual(['cluster1/istio-system/extra-peer-authentication.yaml']);
    expect(check.drift).toEqual((await checkOf(dir, false)).drift);
    await expectSameOutput(dir, ['stylish', 'json']);
  });

  it('read every file when the ledger changed since generate', async () => {
    const dir = generated();
    await generate(dir);
    appendFileSync(join(dir, 'mesh.lock.yaml'), '# edited\n');
    const lint = await lintOf(dir);
    expect(lint.stats.vouched).toBe(0);
    expect(lint.stats.rendered).toBe(lint.files.length);
    expect((await checkOf(dir)).vouched).toBe(false);
    await expectSameOutput(dir, ['stylish', 'json']);
  });

  it('take no word from a state recorded by a shard or cluster run', async () => {
    for (const scoped of [['--shard', '1/2'], ['--cluster', 'cluster1']]) {
      const dir = generated();
      await generate(dir);
      // Same tree, same ledger: the scoped run records its state over the fleet run's.
      const result = await runInProcess(['generate', ...NO_SCHEMA, ...scoped], { cwd: dir });
      expect(result.status, result.stderr).toBe(0);
      const lint = await lintOf(dir);
      expect(lint.stats.vouched, scoped.join(' ')).toBe(0);
      expect(lint.stats.rendered).toBe(lint.files.length);
      expect((await checkOf(dir)).vouched).toBe(false);
      // A fleet run records a vouching state again.
      await generate(dir);
      expect((await lintOf(dir)).stats.vouched).toBe(lint.files.length);
    }
  });

  it('read every file with --parse-all, and with a config saved since generate', async () => {
    const dir = generated();
    await generate(dir);
    const parseAll = await runLint({ paths: ['clusters'], config: 'mesh.config.yaml', schema: false, parseAll: true }, context(dir));
    expect(parseAll.stats).toMatchObject({ vouched: 0, rendered: 0 });
    const config = join(dir, 'mesh.config.yaml');
    appendFileSync(config, '# a comment\n');
    const lint = await lintOf(dir);
    expect(lint.stats.vouched).toBe(0);
    expect(lint.stats.rendered).toBeGreaterThan(0);
    expect((await checkOf(dir)).vouched).toBe(false);
  });

  it('vouch only for a fleet state whose config, ledger and build all match', () => {
    const state = (vouch?: RunState['vouch']): RunState => ({ format: 1, fingerprint: 'f', snapshot: { takenAtNs: '0', entries: 0, digest: 'd', racy: {} }, outputs: {}, ...(vouch ? { vouch } : {}) });
    const config = Buffer.from('config');
    const ledger = Buffer.from('ledger');
    const fleet = treeVouch({ config, ledger, tool: 't', scope: 'fleet' });
    const asked = { config: fleet.config, ledger: fleet.ledger, tool: 't' };
    expect(vouchesFor(state(fleet), asked)).toBe(true);
    expect(vouchesFor(state(), asked)).toBe(false);
    expect(vouchesFor(state({ ...fleet, scope: 'partial' }), asked)).toBe(false);
    expect(vouchesFor(state(fleet), { ...asked, tool: 'other build' })).toBe(false);
    expect(vouchesFor(state(fleet), { ...asked, ledger: null })).toBe(false);
    expect(vouchesFor(state(treeVouch({ config, ledger: Buffer.from('ledger2'), tool: 't', scope: 'fleet' })), asked)).toBe(false);
    expect(treeVouch({ config, ledger: undefined, tool: 't', scope: 'fleet' }).ledger).toBeNull();
  });
});
