import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { writeFailure } from '../../generator/app/generate.js';
import { EXIT, EXIT_FOR_KIND } from '../../generator/cli/exit.js';
import type { RenderedFile } from '../../generator/manifest/types.js';
import { tryAcquireOutputLock } from '../../generator/write/lock.js';
import { compareTree, recoverInterruptedWrite, TreeError, writeFileAtomic, writeTree, type SwapStep } from '../../generator/write/tree.js';
import { REPO_ROOT, runInProcess, tempWorkspace } from '../cli/helpers.js';
import { tempDir } from '../generator/helpers.js';
import { removeTrackedTemps } from '../setup/temp-registry.js';
import { isRoot, STACK_TRACE, treeHashes } from './helpers.js';

const file = (path: string, content: string): RenderedFile => ({ path, content, cluster: path.split('/')[0]!, resources: [] });
const TREE_A = [file('c1/ns/a.yaml', 'a: 1\n'), file('c1/ns/b.yaml', 'b: 1\n')];
const TREE_B = [file('c1/ns/a.yaml', 'a: 2\n'), file('c1/other/c.yaml', 'c: 1\n')];

// Every test removes what it made (a folder left read-only by a failed test is made writable first).
afterEach(() => removeTrackedTemps());

/** `meshforge` in-process, in the workspace `cwd`. */
function runMeshforge(args: readonly string[], options: { cwd: string }) {
  return runInProcess(args, options);
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code, path: '/somewhere/clusters' });
}

function expectEnvironmentFailure(run: { status: number | null; stdout: string; stderr: string }, message: RegExp): void {
  const output = run.stdout + run.stderr;
  expect(run.status, output).toBe(3);
  expect(output).toMatch(message);
  expect(output).not.toMatch(STACK_TRACE);
  expect(output).not.toMatch(/internal error/);
}

describe('write errors map to exit 3 with a clear message (unit)', () => {
  const REASONS: Record<string, RegExp> = {
    ENOSPC: /no space left on the device/,
    EDQUOT: /disk quota exceeded/,
    EROFS: /read-only file system/,
    EACCES: /permission denied/,
    EPERM: /operation not permitted/,
  };

  it.each(Object.entries(REASONS))('%s', (code, reason) => {
    const error = writeFailure(errno(code), 'write clusters');
    expect(EXIT_FOR_KIND[error.kind]).toBe(EXIT.environment);
    expect(error.message).toMatch(reason);
    expect(error.message).toContain('/somewhere/clusters');
    expect(error.hint).toMatch(/nothing was half-written/);
  });

  // The error is injected through the writer's own step hook, at each step of the swap: the old tree stays, nothing
  // temporary is left beside it, and the error reaches the caller unchanged (so the CLI maps it as above).
  // Before the journal commits the per-folder swap the old tree stays; after it the swap is finished (the tree and
  // the ledger change together either way).
  it.each(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM'].flatMap((code) => (['staged', 'committed', 'parked'] as SwapStep[]).map((step) => [code, step] as const)))(
    '%s at step %s keeps the old tree, or finishes a committed swap',
    (code, step) => {
      const root = tempDir();
      const out = join(root, 'out');
      writeTree(out, TREE_A);
      const before = treeHashes(out);
      expect(() => writeTree(out, TREE_B, { onStep: (s) => { if (s === step) throw errno(code); } })).toThrow(expect.objectContaining({ code }));
      if (step === 'staged') expect(treeHashes(out)).toEqual(before);
      else expect(compareTree(out, TREE_B)).toMatchObject({ added: [], changed: [], removed: [] });
      expect(readdirSync(root)).toEqual(['out']);
    },
  );
});

describe('files meshforge did not generate, and symlinks (the CLI in-process)', () => {
  it('keeps foreign files through a change that prunes generated ones, and lists them', async () => {
    const ws = tempWorkspace('meshforge-safety-');
    expect((await runMeshforge(['generate'], { cwd: ws })).status).toBe(0);
    writeFileSync(join(ws, 'clusters', 'README.md'), 'ours\n');
    writeFileSync(join(ws, 'clusters', 'cluster1', 'notes.yaml'), 'hand: written\n');
    // Drop the tcp-echo route: its generated file goes, the foreign files stay byte for byte.
    const config = readFileSync(join(ws, 'mesh.config.yaml'), 'utf8');
    const withoutRoute = config.replace(/  # A TCP route[\s\S]*?weight: 20 }\n/, '');
    expect(withoutRoute).not.toBe(config);
    writeFileSync(join(ws, 'mesh.config.yaml'), withoutRoute);
    const run = await runMeshforge(['generate'], { cwd: ws });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/kept 2 files meshforge did not generate/);
    expect(readFileSync(join(ws, 'clusters', 'README.md'), 'utf8')).toBe('ours\n');
    expect(readFileSync(join(ws, 'clusters', 'cluster1', 'notes.yaml'), 'utf8')).toBe('hand: written\n');
    expect(existsSync(join(ws, 'clusters', 'cluster2', 'tcp-echo', 'virtualservice-tcp-echo.yaml'))).toBe(false);
  });

  it('never overwrites a foreign file standing where a generated file must go (exit 3, nothing changed)', async () => {
    const ws = tempWorkspace('meshforge-safety-');
    expect((await runMeshforge(['generate'], { cwd: ws })).status).toBe(0);
    const target = join(ws, 'clusters', 'cluster2', 'tcp-echo', 'virtualservice-tcp-echo.yaml');
    rmSync(target);
    // Also drop it from the index, so it really is not meshforge's file any more.
    const indexFile = join(ws, 'clusters', 'meshforge-provenance.json');
    const index = JSON.parse(readFileSync(indexFile, 'utf8'));
    delete index.files['cluster2/tcp-echo/virtualservice-tcp-echo.yaml'];
    writeFileSync(indexFile, JSON.stringify(index, null, 2));
    writeFileSync(target, 'mine: true\n');
    const before = treeHashes(join(ws, 'clusters'));
    expectEnvironmentFailure(await runMeshforge(['generate'], { cwd: ws }), /did not generate stand where it must write: cluster2\/tcp-echo\/virtualservice-tcp-echo\.yaml/);
    expect(treeHashes(join(ws, 'clusters'))).toEqual(before);
  });

  it('never writes through a symlinked cluster folder or a symlinked output folder that leaves the tree', async () => {
    const ws = tempWorkspace('meshforge-safety-');
    const outside = join(ws, 'outside');
    mkdirSync(outside);
    mkdirSync(join(ws, 'clusters'));
    symlinkSync(outside, join(ws, 'clusters', 'cluster1'));
    expectEnvironmentFailure(await runMeshforge(['generate'], { cwd: ws }), /did not generate stand where it must write: cluster1/);
    expect(readdirSync(outside)).toEqual([]);
    rmSync(join(ws, 'clusters'), { recursive: true });
    symlinkSync(outside, join(ws, 'clusters'));
    expectEnvironmentFailure(await runMeshforge(['generate'], { cwd: ws }), /the output folder clusters is a symlink/);
    expect(readdirSync(outside)).toEqual([]);
  });
});

/** Runs a shell tool; true when it exited 0. */
function tool(command: string, args: readonly string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

const mounts: string[] = [];
afterAll(() => {
  for (const dir of mounts) {
    tool('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Mounts a small tmpfs (needs root and mount rights; false when the environment does not allow it). */
function mountTmpfs(options: string): string | undefined {
  if (!isRoot()) return undefined;
  // Removed after it is unmounted (afterAll), not with the other folders.
  const dir = mkdtempSync(join(tmpdir(), 'meshforge-mnt-'));
  if (!tool('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir])) {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  mounts.push(dir);
  return dir;
}

describe('read-only output folder and full disk (real file systems)', () => {
  it('a read-only folder (chmod as a normal user; the immutable attribute as root) gives exit 3', async (context) => {
    const ws = tempWorkspace('meshforge-safety-');
    const parent = join(ws, 'ro');
    mkdirSync(parent);
    let undo: () => void;
    if (!isRoot()) {
      chmodSync(parent, 0o555);
      undo = () => chmodSync(parent, 0o755);
    } else if (tool('chattr', ['+i', parent])) {
      // root ignores permission bits, but not the immutable attribute.
      undo = () => tool('chattr', ['-i', parent]);
    } else {
      console.warn('skipped: running as root and chattr +i is not available here, so no folder can be made read-only for this process; the errno mapping is tested above');
      context.skip();
      return;
    }
    try {
      expectEnvironmentFailure(await runMeshforge(['generate', '--out', 'ro/clusters'], { cwd: ws }), /cannot lock ro\/clusters: (permission denied|operation not permitted)/);
      expect(readdirSync(parent)).toEqual([]);
    } finally {
      undo();
    }
  });

  it('a read-only file system gives exit 3 naming it', async (context) => {
    const mnt = mountTmpfs('ro,size=1m');
    if (!mnt) {
      console.warn('skipped: cannot mount a read-only tmpfs here (needs root and mount rights); the EROFS mapping is tested above');
      context.skip();
      return;
    }
    const ws = tempWorkspace('meshforge-safety-');
    expectEnvironmentFailure(await runMeshforge(['generate', '--out', join(mnt, 'clusters')], { cwd: ws }), /read-only file system/);
    expect(readdirSync(mnt)).toEqual([]);
  });

  it('a full disk gives exit 3, keeps the old tree byte for byte and leaves nothing behind', async (context) => {
    const mnt = mountTmpfs('size=2m');
    if (!mnt) {
      console.warn('skipped: cannot mount a small tmpfs here (needs root and mount rights); the ENOSPC mapping is tested above');
      context.skip();
      return;
    }
    const ws = tempWorkspace('meshforge-safety-');
    const out = join(mnt, 'clusters');
    expect((await runMeshforge(['generate', '--out', out], { cwd: ws })).status).toBe(0);
    const before = treeHashes(out);
    // Fill the file system.
    const fd = openSync(join(mnt, 'filler'), 'w');
    const block = Buffer.alloc(64 * 1024, 1);
    try {
      for (;;) writeSync(fd, block);
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      closeSync(fd);
    }
    const config = readFileSync(join(ws, 'mesh.config.yaml'), 'utf8');
    writeFileSync(join(ws, 'mesh.config.yaml'), config.replace('serverHeader: { value: example-gateway }', 'serverHeader: { value: example-gateway-v2 }'));
    expectEnvironmentFailure(await runMeshforge(['generate', '--out', out], { cwd: ws }), /no space left on the device/);
    expect(treeHashes(out)).toEqual(before);
    expect(readdirSync(mnt).sort()).toEqual(['clusters', 'filler']);
  });
});

describe('no key material or token in the tree (the writer)', () => {
  // Built at run time so that no file of this repository holds a PEM private key header or a token.
  const begin = (label: string) => ['-----BEGIN ', label, 'PRIVATE KEY-----'].join('');
  const PEM = `${begin('RSA ')}\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----\n`;

  it.each([
    ['a PEM private key', `data:\n  key: |\n    ${PEM.replace(/\n/g, '\n    ')}`, /PEM private key/],
    ['an EC private key', `x: "${begin('EC ')}"\n`, /PEM private key/],
    ['a PKCS#8 encrypted key', `x: "${begin('ENCRYPTED ')}"\n`, /PEM private key/],
    ['a GitHub token', `x: ${['ghp', 'a1B2'.repeat(9)].join('_')}\n`, /GitHub token/],
  ])('refuses a file holding %s and writes nothing', (_what, content, message) => {
    const root = tempDir();
    const out = join(root, 'out');
    writeTree(out, TREE_A);
    const before = treeHashes(out);
    expect(() => writeTree(out, [...TREE_A, file('c1/ns/secret.yaml', content)])).toThrow(TreeError);
    expect(() => writeTree(out, [...TREE_A, file('c1/ns/secret.yaml', content)])).toThrow(message);
    expect(treeHashes(out)).toEqual(before);
    expect(() => writeFileAtomic(join(root, 'mesh.lock.yaml'), content)).toThrow(message);
    expect(readdirSync(root)).toEqual(['out']);
  });

  it('writes certificates (public) and the word "key" freely', async () => {
    const out = join(tempDir(), 'out');
    writeTree(out, [file('c1/ns/ca.yaml', 'data:\n  ca.crt: "-----BEGIN CERTIFICATE-----"\n  privateKeyRef: my-secret\n')]);
    expect(existsSync(join(out, 'c1/ns/ca.yaml'))).toBe(true);
  });

  it('a key smuggled through a free-text config field stops generate before anything is written: by the rule, and by the writer when the rule is off', async () => {
    const ws = tempWorkspace('meshforge-safety-');
    const original = readFileSync(join(ws, 'mesh.config.yaml'), 'utf8');
    // The schema refuses a multi-line header value outright (exit 2, the key not echoed)...
    writeFileSync(join(ws, 'mesh.config.yaml'), original.replace('x-nextensio-for: { exact: tom.com }', `x-nextensio-for: { exact: ${JSON.stringify(PEM)} }`));
    const refused = await runMeshforge(['generate'], { cwd: ws });
    expect(refused.status, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stdout + refused.stderr).not.toContain(PEM.split('\n')[1]!);
    // ...so the key is smuggled on one line, which a header value may hold.
    const config = original.replace('x-nextensio-for: { exact: tom.com }', `x-nextensio-for: { exact: ${JSON.stringify(PEM.replace(/\n/g, ' ').trim())} }`);
    writeFileSync(join(ws, 'mesh.config.yaml'), config);
    // First line of defence: the no-private-keys policy on the rendered resources (exit 1, nothing written).
    const checked = await runMeshforge(['generate'], { cwd: ws });
    expect(checked.status, checked.stdout + checked.stderr).toBe(1);
    expect(checked.stdout).toMatch(/virtualservice-tenant-router\.yaml:\d+:\d+: error: .*PRIVATE KEY.*\[no-private-keys\]/);
    expect(readdirSync(ws)).toEqual(['mesh.config.yaml']);
    // Second line: with the rule switched off in the config, the writer still refuses (exit 3, nothing written).
    writeFileSync(join(ws, 'mesh.config.yaml'), config.replace('    deprecated-api: warning', '    deprecated-api: warning\n    no-private-keys: "off"'));
    expectEnvironmentFailure(await runMeshforge(['generate'], { cwd: ws }), /refusing to write cluster1\/tenants\/virtualservice-tenant-router\.yaml: it contains a PEM private key block/);
    expect(readdirSync(ws)).toEqual(['mesh.config.yaml']);
  });
});

/** A FIFO made with mkfifo(1). */
function fifo(path: string): void {
  expect(spawnSync('mkfifo', [path]).status).toBe(0);
}

/** A listening Unix socket at `path`, closed by the returned function. */
async function unixSocket(path: string): Promise<() => Promise<void>> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

// Issue 17, findings 6 to 10: each test reproduces the attack or fault as it was reported.
describe('the writer keeps what is not its own, never follows a link it did not make, and commits the ledger with the tree', () => {
  it('6: keeps FIFOs, sockets and folder modes under the output folder through a change, and lists them as kept', async () => {
    const root = tempDir();
    const out = join(root, 'out');
    writeTree(out, TREE_A);
    mkdirSync(join(out, 'mine'));
    chmodSync(join(out, 'mine'), 0o700);
    chmodSync(out, 0o700);
    // A generated folder the user restricted: it receives a changed file and keeps its mode.
    chmodSync(join(out, 'c1', 'ns'), 0o750);
    fifo(join(out, 'mine', 'pipe'));
    const close = await unixSocket(join(out, 'c1', 'sock'));
    try {
      const before = { pipe: lstatSync(join(out, 'mine', 'pipe')).ino, sock: lstatSync(join(out, 'c1', 'sock')).ino };
      const changes = writeTree(out, TREE_B);
      expect(changes.foreign).toEqual(['c1/sock', 'mine/pipe']);
      expect(lstatSync(join(out, 'mine', 'pipe')).isFIFO()).toBe(true);
      expect(lstatSync(join(out, 'mine', 'pipe')).ino).toBe(before.pipe);
      expect(lstatSync(join(out, 'c1', 'sock')).isSocket()).toBe(true);
      expect(lstatSync(join(out, 'c1', 'sock')).ino).toBe(before.sock);
      expect(statSync(join(out, 'mine')).mode & 0o777).toBe(0o700);
      expect(statSync(out).mode & 0o777).toBe(0o700);
      expect(statSync(join(out, 'c1', 'ns')).mode & 0o777).toBe(0o750);
    } finally {
      await close();
    }
  });

  it('6: generate --out . keeps the project folder\'s mode, its FIFO and its .git', async () => {
    const ws = tempWorkspace('meshforge-safety-');
    mkdirSync(join(ws, '.git'));
    writeFileSync(join(ws, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    chmodSync(ws, 0o700);
    fifo(join(ws, 'pipe'));
    const first = await runMeshforge(['generate', '--out', '.', '--no-cache'], { cwd: ws });
    expect(first.status, first.stderr).toBe(0);
    const config = readFileSync(join(ws, 'mesh.config.yaml'), 'utf8');
    writeFileSync(join(ws, 'mesh.config.yaml'), config.replace('serverHeader: { value: example-gateway }', 'serverHeader: { value: example-gateway-v2 }'));
    const second = await runMeshforge(['generate', '--out', '.', '--no-cache'], { cwd: ws });
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/files 0 added, \d+ changed/);
    expect(second.stdout).toMatch(/kept \d+ files meshforge did not generate: .*\.git\/HEAD/);
    expect(statSync(ws).mode & 0o777).toBe(0o700);
    expect(lstatSync(join(ws, 'pipe')).isFIFO()).toBe(true);
    expect(readFileSync(join(ws, '.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
  });

  it('7: keeps a file the user creates in the output folder while the new tree is being staged, and lists it', () => {
    const out = join(tempDir(), 'out');
    writeTree(out, TREE_A);
    const changes = writeTree(out, TREE_B, {
      onStep: (step) => {
        if (step === 'staged') {
          // In a folder the swap replaces (it is moved into the new one and listed), and in one it leaves in place.
          writeFileSync(join(out, 'c1', 'ns', 'notes.md'), 'written while staging\n');
          writeFileSync(join(out, 'c1', 'notes.md'), 'written while staging\n');
        }
      },
    });
    expect(readFileSync(join(out, 'c1', 'ns', 'notes.md'), 'utf8')).toBe('written while staging\n');
    expect(changes.foreign).toContain('c1/ns/notes.md');
    expect(readFileSync(join(out, 'c1', 'notes.md'), 'utf8')).toBe('written while staging\n');
    expect(readdirSync(dirname(out))).toEqual(['out']);
  });

  it('8: a kill right after the swap, before the ledger is written, leaves a record: the next run writes the ledger that goes with the tree', async () => {
    const ws = tempWorkspace('meshforge-safety-');
    const out = join(ws, 'clusters');
    const ledger = join(ws, 'mesh.lock.yaml');
    writeTree(out, TREE_A, { ledger: { path: ledger, content: 'ledger: A\n' } });
    expect(readFileSync(ledger, 'utf8')).toBe('ledger: A\n');
    const spec = join(ws, 'files.json');
    writeFileSync(spec, JSON.stringify(TREE_B));
    const child = spawnSync(process.execPath, [join(REPO_ROOT, 'test/fixtures/reliability/crash-after-swap.mjs'), out, spec, ledger, 'ledger: B\n']);
    expect(child.signal).toBe('SIGKILL');
    // Killed between the two: the new tree is in place, the old ledger still on disk, and the record beside.
    expect(readFileSync(join(out, 'c1/ns/a.yaml'), 'utf8')).toBe('a: 2\n');
    expect(readFileSync(ledger, 'utf8')).toBe('ledger: A\n');
    // A temporary file of a run killed while writing the ledger (the names carry 16 random hex digits).
    writeFileSync(join(ws, '.mesh.lock.yaml.meshforge-tmp-0123456789abcdef'), 'half a ledger');
    // The next run (the generate service calls this under the lock before it reads the ledger) completes the pair.
    recoverInterruptedWrite(out, ledger);
    expect(readFileSync(ledger, 'utf8')).toBe('ledger: B\n');
    // Only the killed run's lock is left (the next run that takes the lock clears it).
    expect(readdirSync(ws).sort()).toEqual(['.clusters.meshforge-lock', 'clusters', 'files.json', 'mesh.config.yaml', 'mesh.lock.yaml']);
    // A record that does not name the tree in place (planted, or left for another tree) is dropped, never applied.
    writeFileSync(join(ws, '.clusters.meshforge-ledger'), JSON.stringify({ content: 'ledger: planted\n', index: '0'.repeat(64) }));
    recoverInterruptedWrite(out, ledger);
    expect(readFileSync(ledger, 'utf8')).toBe('ledger: B\n');
    expect(existsSync(join(ws, '.clusters.meshforge-ledger'))).toBe(false);
  });

  it('8: generate after such a kill writes the ledger of the tree in place and then the config\'s', async () => {
    const ws = tempWorkspace('meshforge-safety-');
    expect((await runMeshforge(['generate', '--no-cache'], { cwd: ws })).status).toBe(0);
    const ledger = readFileSync(join(ws, 'mesh.lock.yaml'), 'utf8');
    // As a killed run leaves it: the record of the ledger that goes with the tree in place.
    const index = createHash('sha256').update(readFileSync(join(ws, 'clusters', 'meshforge-provenance.json'))).digest('hex');
    writeFileSync(join(ws, 'mesh.lock.yaml'), `${ledger}# stale\n`);
    writeFileSync(join(ws, '.clusters.meshforge-ledger'), JSON.stringify({ content: ledger, index }));
    const run = await runMeshforge(['generate'], { cwd: ws });
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(join(ws, 'mesh.lock.yaml'), 'utf8')).toBe(ledger);
    expect(run.stdout).toContain('mesh.lock.yaml: unchanged');
    expect(readdirSync(ws).sort()).toEqual(['clusters', 'mesh.config.yaml', 'mesh.lock.yaml']);
  });

  it('9: temporary files are never written through a planted symlink (ledger and lock)', async () => {
    const ws = tempWorkspace('meshforge-safety-');
    const outside = join(tempDir(), 'victim');
    writeFileSync(outside, 'untouched\n');
    // The names earlier versions used, for this very process (the CLI runs in-process here).
    symlinkSync(outside, join(ws, `.mesh.lock.yaml.meshforge-tmp-${process.pid}`));
    symlinkSync(outside, join(ws, `.clusters.meshforge-lock.${process.pid}.tmp`));
    const run = await runMeshforge(['generate', '--no-cache'], { cwd: ws });
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(outside, 'utf8')).toBe('untouched\n');
    expect(lstatSync(join(ws, 'mesh.lock.yaml')).isFile()).toBe(true);
    expect(readFileSync(join(ws, 'mesh.lock.yaml'), 'utf8')).toMatch(/^# /m);
    // Links meshforge did not make are left alone.
    expect(lstatSync(join(ws, `.mesh.lock.yaml.meshforge-tmp-${process.pid}`)).isSymbolicLink()).toBe(true);
    // And directly: the atomic write and the lock.
    const ledger = join(ws, 'other.lock.yaml');
    symlinkSync(outside, join(ws, `.other.lock.yaml.meshforge-tmp-${process.pid}`));
    writeFileAtomic(ledger, 'x: 1\n');
    expect(readFileSync(outside, 'utf8')).toBe('untouched\n');
    expect(lstatSync(ledger).isFile()).toBe(true);
    tryAcquireOutputLock(join(ws, 'clusters')).release();
    expect(readFileSync(outside, 'utf8')).toBe('untouched\n');
  });

  it('10: refuses an output folder reached through a symlinked folder (exit 3), writing nothing there', async () => {
    const ws = tempWorkspace('meshforge-safety-');
    const outside = tempDir();
    symlinkSync(outside, join(ws, 'sub'));
    const run = await runMeshforge(['generate', '--out', 'sub/clusters'], { cwd: ws });
    expectEnvironmentFailure(run, /the output folder sub\/clusters is reached through a symlink \(sub\)/);
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(ws).sort()).toEqual(['mesh.config.yaml', 'sub']);
  });
});
