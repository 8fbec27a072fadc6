import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runInProcess, tempWorkspace as newWorkspace, type RunResult } from './helpers.js';

// The run-state cache of `meshforge generate` (generator/write/run-state.ts), end to end with the CLI run in-process. A hit is told from a miss without any clock: the tests plant a marker in the recorded output of a
// valid state; a run that prints the marker took the cache, one that does not did the full work.

/**
 * No schema validation (the cache treats it like any validator flag) keeps these ~60 runs fast; the first test uses
 * the embedded validator, so a kubeconform on this machine's PATH (never cached) does not change what is tested.
 */
const V = ['--no-schema'];

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) {
    // A test may leave a read-only folder behind when it fails half way.
    try {
      chmodSync(join(dir, '.meshforge'), 0o755);
    } catch {
      // none there
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

function tempWorkspace(prefix: string): string {
  const dir = newWorkspace(prefix);
  made.push(dir);
  return dir;
}
const EMBEDDED = ['--validator', 'embedded'];
const MARK = 'MARKER-FROM-THE-RECORDED-STATE\n';

/** The example with findings: strict-mtls warnings on generated files and an unknown rule id in the config. */
function warningWorkspace(): string {
  const dir = tempWorkspace('meshforge-cache-');
  const config = join(dir, 'mesh.config.yaml');
  writeFileSync(
    config,
    readFileSync(config, 'utf8')
      .replace('    mtls: STRICT', '    mtls: PERMISSIVE')
      .replace('    deprecated-api: warning', '    deprecated-api: warning\n    strict-mtls: warning\n    deprecated-apis: info'),
  );
  return dir;
}

function gen(dir: string, ...args: string[]): Promise<RunResult> {
  return runInProcess(['generate', ...(args.includes('--validator') ? [] : V), ...args], { cwd: dir });
}

/** The recorded states (not the file tables beside them, recorded after every write: test/generator/incremental.test.ts). */
function stateFiles(dir: string): string[] {
  const folder = join(dir, '.meshforge', 'state');
  return existsSync(folder) ? readdirSync(folder).filter((name) => name !== '.gitignore' && !name.endsWith('.files.json')).map((name) => join(folder, name)) : [];
}

function onlyState(dir: string): string {
  const files = stateFiles(dir);
  expect(files).toHaveLength(1);
  return files[0]!;
}

interface StateJson {
  format: number;
  fingerprint: string;
  snapshot: { takenAtNs: string; racy: Record<string, string> };
  outputs: { write?: { status: string }; check?: { status: string } };
}

/** The one generate-*.json state beside other files in the folder. */
function onlyStateNamed(dir: string): string {
  const files = stateFiles(dir).filter((f) => /generate-[0-9a-f]{16}\.json$/.test(f));
  expect(files).toHaveLength(1);
  return files[0]!;
}

function readState(dir: string): StateJson {
  return JSON.parse(readFileSync(onlyStateNamed(dir), 'utf8')) as StateJson;
}

/** Plants the marker in the recorded outputs, keeping the state valid: the next run prints it if it takes the cache. */
function mark(dir: string, edit: (state: StateJson) => void = () => {}): void {
  const state = readState(dir);
  if (state.outputs.write) state.outputs.write.status += MARK;
  if (state.outputs.check) state.outputs.check.status += MARK;
  edit(state);
  writeFileSync(onlyStateNamed(dir), JSON.stringify(state));
}

const hit = (r: RunResult) => (r.stdout + r.stderr).includes(MARK);

/** Every entry of a folder with the stat fields a write would move. */
function stats(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir).sort()) {
      const rel = prefix ? `${prefix}/${name}` : name;
      const s = lstatSync(join(dir, name), { bigint: true });
      out[rel] = `${s.ino} ${s.size} ${s.mtimeNs} ${s.ctimeNs}`;
      if (s.isDirectory()) visit(join(dir, name), rel);
    }
  };
  visit(root, '');
  return out;
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A workspace with the tree and ledger generated and a state recorded by an up-to-date run. */
async function recorded(...args: string[]): Promise<string> {
  const dir = warningWorkspace();
  expect((await gen(dir, ...args)).status).toBe(0); // creates the ledger: not recorded (the next run reads another ledger)
  expect(stateFiles(dir)).toEqual([]);
  expect((await gen(dir, ...args)).status).toBe(0); // up to date: recorded
  onlyState(dir);
  return dir;
}

const SERVICE_FILE = 'clusters/cluster1/tenants/virtualservice-tenant-router.yaml';

describe('generate: the run-state cache', () => {
  it('a no-op run prints byte for byte what an uncached run prints, in every format and with --check, and writes nothing', { timeout: 60_000 }, async () => {
    const dir = await recorded(...EMBEDDED);
    const tree = stats(join(dir, 'clusters'));
    const ledger = stats(dir)['mesh.lock.yaml'];
    for (const format of ['stylish', 'json', 'sarif', 'junit', 'github']) {
      const uncached = await gen(dir, ...EMBEDDED, '--format', format, '--no-cache');
      expect(uncached.status).toBe(0);
      expect(uncached.stdout + uncached.stderr, format).toMatch(/strict-mtls/);
      expect(await gen(dir, ...EMBEDDED, '--format', format), format).toEqual(uncached);
    }
    const uncachedCheck = await gen(dir, ...EMBEDDED, '--check', '--no-cache');
    expect(uncachedCheck.status).toBe(0);
    expect(uncachedCheck.stdout).toContain('are up to date with mesh.config.yaml');
    expect(await gen(dir, ...EMBEDDED, '--check')).toEqual(uncachedCheck);
    expect(stats(join(dir, 'clusters'))).toEqual(tree);
    expect(stats(dir)['mesh.lock.yaml']).toBe(ledger);

    // Stylish findings keep their positions and code frames, in generated files and in the config.
    const stylish = await gen(dir, ...EMBEDDED);
    expect(stylish.stdout).toMatch(/clusters\/cluster\d\/[^\s:]+\.yaml:\d+:\d+: warning: .*\[strict-mtls\]/);
    expect(stylish.stdout).toMatch(/mesh\.config\.yaml:\d+:\d+: warning: .*'deprecated-apis'/);
    expect(stylish.stdout).toMatch(/^ {2}\d+ \| /m);

    // The same state, marked, is what these runs took: they were hits.
    mark(dir);
    for (const args of [[], ['--format', 'sarif'], ['--check']]) {
      const marked = await gen(dir, ...EMBEDDED, ...args);
      expect(hit(marked), args.join(' ')).toBe(true);
      expect(marked.status).toBe(0);
    }
    expect(stats(join(dir, 'clusters'))).toEqual(tree);
  });

  it('misses on edits: the config (same size), the ledger, a generated file (also same size, mtime put back), the tree', async () => {
    const dir = await recorded();
    const file = join(dir, SERVICE_FILE);
    const original = readFileSync(file, 'utf8');
    mark(dir);
    writeFileSync(file, `${original}# hand edit\n`);
    const check = await gen(dir, '--check');
    expect(hit(check)).toBe(false);
    expect(check.status).toBe(1);
    expect(check.stdout).toContain(`changed   ${SERVICE_FILE}`);
    writeFileSync(file, original);

    const config = join(dir, 'mesh.config.yaml');
    const text = readFileSync(config, 'utf8');
    const edited = text.replace('serverHeader: { value: example-gateway }', 'serverHeader: { value: example-gatewaz }');
    expect(edited.length).toBe(text.length);
    mark(dir);
    writeFileSync(config, edited);
    const configRun = await gen(dir);
    expect(hit(configRun)).toBe(false);
    expect(configRun.stdout).toMatch(/files 0 added, 1 changed/);
    // That write recorded the state (the ledger did not move): the next no-op takes it.
    mark(dir);
    const after = await gen(dir);
    expect(hit(after)).toBe(true);
    expect(after.stdout).toContain('cluster1: up to date');
    expect(after.stdout).not.toMatch(/files \d+ added/);

    const ledger = join(dir, 'mesh.lock.yaml');
    const ledgerText = readFileSync(ledger, 'utf8');
    writeFileSync(ledger, `${ledgerText}# a comment\n`);
    const ledgerRun = await gen(dir);
    expect(hit(ledgerRun)).toBe(false);
    expect(ledgerRun.stdout).toContain('mesh.lock.yaml: updated');
    expect(readFileSync(ledger, 'utf8')).toBe(ledgerText);
    expect((await gen(dir)).status).toBe(0); // that run changed the ledger, so this one records

    mark(dir);
    writeFileSync(file, `${original}# hand edit\n`);
    const handRun = await gen(dir);
    expect(hit(handRun)).toBe(false);
    expect(handRun.stdout).toMatch(/cluster1: resources [^;]*; files 0 added, 1 changed, 0 removed/);
    expect(readFileSync(file, 'utf8')).toBe(original);

    // Whole seconds, so the mtime can be put back exactly; this run records it in the snapshot.
    utimesSync(file, 1_600_000_000, 1_600_000_000);
    expect((await gen(dir)).status).toBe(0);
    mark(dir);
    const sameSize = original.replace('tenant', 'tenanT');
    expect(sameSize.length).toBe(original.length);
    writeFileSync(file, sameSize);
    utimesSync(file, 1_600_000_000, 1_600_000_000);
    expect(lstatSync(file, { bigint: true }).mtimeNs).toBe(1_600_000_000_000_000_000n);
    const sameSizeRun = await gen(dir);
    expect(hit(sameSizeRun)).toBe(false);
    expect(sameSizeRun.stdout).toMatch(/cluster1: resources [^;]*; files 0 added, 1 changed/);
    expect(readFileSync(file, 'utf8')).toBe(original);

    mark(dir);
    writeFileSync(join(dir, 'clusters/cluster2/notes.txt'), 'mine\n');
    const added = await gen(dir);
    expect(hit(added)).toBe(false);
    expect(added.stdout).toContain('kept 1 file meshforge did not generate: clusters/cluster2/notes.txt');

    mark(dir);
    rmSync(join(dir, SERVICE_FILE));
    const removed = await gen(dir);
    expect(hit(removed)).toBe(false);
    expect(removed.stdout).toMatch(/cluster1: resources [^;]*; files 1 added, 0 changed/);
    expect(readFileSync(file, 'utf8')).toBe(original);

  });

  it('misses on other flags and another output folder, and prints what an uncached run prints', async () => {
    const dir = await recorded();
    for (const args of [['--cluster', 'cluster1'], ['--shard', '1/2'], EMBEDDED, ['--reclaim']]) {
      mark(dir);
      const run = await gen(dir, ...args);
      expect(hit(run), args.join(' ')).toBe(false);
      expect(run.status).toBe(0);
      expect(run, args.join(' ')).toEqual(await gen(dir, ...args, '--no-cache'));
    }
    expect((await gen(dir)).status).toBe(0); // back to the plain flags: records
    mark(dir);
    const other = await gen(dir, '--out', 'elsewhere');
    expect(hit(other)).toBe(false);
    expect(other.stdout).toContain('meshforge generate: elsewhere/ from mesh.config.yaml');
    expect(stateFiles(dir)).toHaveLength(2); // the write into elsewhere/ recorded that folder's own state
    expect(hit(await gen(dir))).toBe(true); // and left the first folder's alone
  });

  it('misses on a corrupt or old state, a racy snapshot whose file changed, a held lock', async () => {
    const dir = await recorded();
    const uncached = await gen(dir, '--no-cache');
    writeFileSync(onlyState(dir), '{"format":1,"fingerp');
    expect(await gen(dir)).toEqual(uncached);
    mark(dir, (state) => (state.format = 0)); // the run above recorded a valid state again: make it an old one
    const old = await gen(dir);
    expect(hit(old)).toBe(false);
    expect(old).toEqual(uncached);

    // The snapshot time set to the newest file time: every file is racy, so its bytes must match the recorded hash.
    const newest = (): bigint => {
      let max = 0n;
      for (const line of Object.values(stats(join(dir, 'clusters')))) {
        const [, , mtime, ctime] = line.split(' ').map(BigInt);
        if (mtime! > max) max = mtime!;
        if (ctime! > max) max = ctime!;
      }
      return max;
    };
    const racyHashes = (wrongFor?: string) => {
      const hashes: Record<string, string> = {};
      for (const path of Object.keys(stats(join(dir, 'clusters')))) {
        if (lstatSync(join(dir, 'clusters', path)).isFile()) hashes[path] = path === wrongFor ? '0'.repeat(64) : sha(join(dir, 'clusters', path));
      }
      return hashes;
    };
    mark(dir, (state) => {
      state.snapshot.takenAtNs = newest().toString();
      state.snapshot.racy = racyHashes();
    });
    expect(hit(await gen(dir))).toBe(true); // racy, and every file verified
    // As if the file had changed in the same clock tick as the snapshot: its stat matches, its bytes do not.
    mark(dir, (state) => {
      state.snapshot.takenAtNs = newest().toString();
      state.snapshot.racy = racyHashes('cluster1/tenants/virtualservice-tenant-router.yaml');
    });
    const racy = await gen(dir);
    expect(hit(racy)).toBe(false);
    expect(racy).toEqual(uncached);

    // A lock left by a run that no longer exists: the full path clears it; the cache stays out of its way.
    mark(dir);
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    writeFileSync(join(dir, '.clusters.meshforge-lock'), JSON.stringify({ pid: dead, hostname: hostname(), startedAt: '2020-01-01T00:00:00Z' }));
    const locked = await gen(dir);
    expect(hit(locked)).toBe(false);
    expect(locked.status).toBe(0);
    expect(existsSync(join(dir, '.clusters.meshforge-lock'))).toBe(false);
  });

  it('records no state inside the output folder it describes (--out .)', async () => {
    const dir = warningWorkspace();
    for (let run = 0; run < 3; run++) expect((await gen(dir, '--out', '.')).status).toBe(0);
    expect(existsSync(join(dir, '.meshforge', 'state'))).toBe(false);
    const again = await gen(dir, '--out', '.');
    expect(again.stdout).toBe((await gen(dir, '--out', '.', '--no-cache')).stdout);
  });

  it('--no-cache neither reads nor records a state; --help documents it', async () => {
    const fresh = warningWorkspace();
    expect((await gen(fresh, '--no-cache')).status).toBe(0);
    expect((await gen(fresh, '--no-cache')).status).toBe(0);
    expect(existsSync(join(fresh, '.meshforge'))).toBe(false);
    mkdirSync(join(fresh, '.meshforge', 'state'), { recursive: true });
    writeFileSync(join(fresh, '.meshforge', 'state', 'x'), '');
    expect((await gen(fresh)).status).toBe(0); // records
    mark(fresh);
    const before = readFileSync(onlyStateNamed(fresh), 'utf8');
    const run = await gen(fresh, '--no-cache');
    expect(hit(run)).toBe(false);
    expect(run.status).toBe(0);
    expect(readFileSync(onlyStateNamed(fresh), 'utf8')).toBe(before);

    const help = await runInProcess(['generate', '--help']);
    expect(help.stdout).toMatch(/--no-cache\s+neither read nor record the run-state cache/);
    expect(help.stdout).toContain('.meshforge/state/');
  });

  it('the state folder ignores itself: git status stays clean without a .gitignore entry for it', async () => {
    const dir = warningWorkspace();
    const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    expect(git('init', '-q').status).toBe(0);
    expect((await gen(dir)).status).toBe(0);
    expect((await gen(dir)).status).toBe(0); // records
    expect(stateFiles(dir)).toHaveLength(1);
    const status = git('status', '--porcelain=v1', '--untracked-files=all');
    expect(status.status).toBe(0);
    expect(status.stdout).not.toContain('.meshforge');
    expect(status.stdout).toContain('mesh.config.yaml');
  });

  it('a state folder that cannot be written does not fail the run', async () => {
    const dir = warningWorkspace();
    writeFileSync(join(dir, '.meshforge'), 'a file where the folder must go\n');
    expect((await gen(dir)).status).toBe(0);
    const uncached = await gen(dir, '--no-cache');
    expect(uncached.status).toBe(0);
    expect(await gen(dir)).toEqual(uncached);
    expect(readFileSync(join(dir, '.meshforge'), 'utf8')).toBe('a file where the folder must go\n');
    if (process.getuid?.() !== 0) {
      // Permission bits (root ignores them, so only off root): a read-only state folder.
      rmSync(join(dir, '.meshforge'));
      mkdirSync(join(dir, '.meshforge'), { mode: 0o555 });
      try {
        writeFileSync(join(dir, SERVICE_FILE), 'x\n');
        const run = await gen(dir);
        expect(run.status).toBe(0);
        expect(run.stdout).toMatch(/cluster1: resources [^;]*; files 0 added, 1 changed/);
      } finally {
        chmodSync(join(dir, '.meshforge'), 0o755);
      }
    }
  });

  it('a run that would use kubeconform is never cached (its schemas are outside meshforge)', async () => {
    const dir = warningWorkspace();
    const env = { MESHFORGE_KUBECONFORM: join(dir, 'no-such-kubeconform') };
    for (let i = 0; i < 2; i++) {
      const run = await runInProcess(['generate', '--validator', 'auto'], { cwd: dir, env });
      expect(run.status).toBe(3);
      expect(run.stderr).toContain('kubeconform not found');
    }
    expect(existsSync(join(dir, '.meshforge'))).toBe(false);
  });
});
