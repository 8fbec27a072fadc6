import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runGenerate } from '../../generator/app/generate.js';
import type { RenderedFile } from '../../generator/manifest/types.js';
import { holderAlive, LockError, outputLockPath, readLockHolder, tryAcquireOutputLock, withOutputLock } from '../../generator/write/lock.js';
import { writeTree } from '../../generator/write/tree.js';
import { runInProcess, tempWorkspace } from '../cli/helpers.js';
import { tempDir } from '../generator/helpers.js';
import { removeTrackedTemps } from '../setup/temp-registry.js';
import { STACK_TRACE, startMeshforge, startScript, treeHashes } from './helpers.js';

const HOLDER = 'test/fixtures/reliability/hold-lock.mjs';

// Every test removes what it made.
afterEach(() => removeTrackedTemps());

function deadPid(): number {
  // A process that has exited: its pid is (for the moment) free.
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

const file = (path: string, content: string): RenderedFile => ({ path, content, cluster: path.split('/')[0]!, resources: [] });

describe('the output lock (in-process)', () => {
  it('is exclusive: a second taker gets a LockError naming the holder; release frees it', () => {
    const out = join(tempDir(), 'out');
    const lock = tryAcquireOutputLock(out);
    const holder = readLockHolder(outputLockPath(out))!;
    expect(holder).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(Date.parse(holder.startedAt)).not.toBeNaN();
    // This process already holds it, so only a separate taker (another run) is refused: simulate one by name.
    writeFileSync(outputLockPath(out), JSON.stringify({ pid: process.ppid, hostname: hostname(), startedAt: holder.startedAt }));
    expect(() => tryAcquireOutputLock(out)).toThrow(LockError);
    expect(() => tryAcquireOutputLock(out)).toThrow(new RegExp(`pid ${process.ppid} on ${hostname()}`));
    // release() removes only its own lock, never one another run holds.
    lock.release();
    expect(existsSync(outputLockPath(out))).toBe(true);
  });

  it('is re-entrant within one process: writeTree runs inside the caller\'s lock', () => {
    const out = join(tempDir(), 'out');
    const changes = withOutputLock(out, () => writeTree(out, [file('c1/a.yaml', 'a: 1\n')]));
    expect(changes.added).toContain('c1/a.yaml');
    expect(existsSync(outputLockPath(out))).toBe(false);
  });

  it('clears a lock whose holder is dead, and a bare pid left by earlier versions', () => {
    const out = join(tempDir(), 'out');
    const pid = deadPid();
    writeFileSync(outputLockPath(out), JSON.stringify({ pid, hostname: hostname(), startedAt: '2020-01-01T00:00:00Z' }));
    expect(holderAlive(readLockHolder(outputLockPath(out))!)).toBe(false);
    tryAcquireOutputLock(out).release();
    writeFileSync(outputLockPath(out), `${pid}\n`);
    tryAcquireOutputLock(out).release();
    expect(existsSync(outputLockPath(out))).toBe(false);
  });

  it.skipIf(!existsSync('/proc/self/stat'))('tells a reused pid from the holder by its process start time', () => {
    const out = join(tempDir(), 'out');
    // A live pid (the test runner's parent) with a start time that is not its own: the holder is gone.
    writeFileSync(outputLockPath(out), JSON.stringify({ pid: process.ppid, hostname: hostname(), startedAt: 'x', processStart: 1 }));
    expect(holderAlive(readLockHolder(outputLockPath(out))!)).toBe(false);
    tryAcquireOutputLock(out).release();
  });

  it('never clears a lock taken on another host; it fails with a hint to check that host', () => {
    const out = join(tempDir(), 'out');
    writeFileSync(outputLockPath(out), JSON.stringify({ pid: 1, hostname: 'build-agent-7.example', startedAt: '2024-01-01T00:00:00Z' }));
    expect(() => tryAcquireOutputLock(out)).toThrow(expect.objectContaining({ hint: expect.stringMatching(/another host/) }));
    expect(readLockHolder(outputLockPath(out))?.hostname).toBe('build-agent-7.example');
  });

  it('waits on an unreadable lock that is fresh, clears one that is old', () => {
    const out = join(tempDir(), 'out');
    writeFileSync(outputLockPath(out), 'garbage');
    expect(() => tryAcquireOutputLock(out)).toThrow(LockError);
    const old = new Date(Date.now() - 60_000);
    utimesSync(outputLockPath(out), old, old);
    tryAcquireOutputLock(out).release();
    expect(existsSync(outputLockPath(out))).toBe(false);
  });
});

// The lock is held by another process (a script, or a killed one); generate runs in-process unless concurrent
// meshforge processes are the point.
describe('meshforge generate and a lock held by another process', () => {
  it('fails with exit 3 naming the holder when the lock stays taken past --lock-timeout, writing nothing', async () => {
    const ws = tempWorkspace('meshforge-lock-');
    const holder = await startScript(HOLDER, [join(ws, 'clusters')], 'locked');
    try {
      const run = await runInProcess(['generate', '--lock-timeout', '0.5'], { cwd: ws });
      const output = run.stdout + run.stderr;
      expect(run.status, output).toBe(3);
      expect(output).toMatch(new RegExp(`another meshforge run \\(pid ${holder.child.pid} on ${hostname()}, started [^)]+\\) is writing clusters`));
      expect(output).toMatch(/--lock-timeout/);
      expect(output).not.toMatch(STACK_TRACE);
      expect(readdirSync(ws).sort()).toEqual(['.clusters.meshforge-lock', 'mesh.config.yaml']);
    } finally {
      holder.child.kill('SIGKILL');
    }
  });

  it('waits for a live holder to finish, then writes', async () => {
    const ws = tempWorkspace('meshforge-lock-');
    const holder = await startScript(HOLDER, [join(ws, 'clusters')], 'locked');
    const progress: string[] = [];
    let waiting: () => void = () => {};
    const told = new Promise<void>((resolve) => (waiting = resolve));
    const run = runGenerate({ config: 'mesh.config.yaml', out: 'clusters', lockTimeoutSeconds: 60, cache: false, schema: false }, {
      cwd: ws,
      env: process.env,
      progress: (line) => {
        progress.push(line);
        waiting();
      },
    });
    // The holder lets go only once the second run says it is waiting: no timing involved.
    await told;
    expect(existsSync(join(ws, 'clusters'))).toBe(false);
    holder.child.kill('SIGTERM');
    const result = await run;
    expect(result.status).toBe('ok');
    expect(result.outcome).toBe('written');
    expect(progress.join('')).toMatch(new RegExp(`waiting up to 60s for another run \\(pid ${holder.child.pid} on ${hostname()}`));
    expect(await holder.done).toBe(0);
    expect(holder.output()).toContain('released');
    expect(existsSync(join(ws, 'clusters', 'meshforge-provenance.json'))).toBe(true);
    expect(existsSync(join(ws, '.clusters.meshforge-lock'))).toBe(false);
  });

  it('clears a lock left by a killed run and writes at once', async () => {
    const ws = tempWorkspace('meshforge-lock-');
    const holder = await startScript(HOLDER, [join(ws, 'clusters')], 'locked');
    holder.child.kill('SIGKILL');
    await holder.done;
    expect(readLockHolder(join(ws, '.clusters.meshforge-lock'))?.pid).toBe(holder.child.pid);
    const run = await runInProcess(['generate', '--lock-timeout', '0'], { cwd: ws });
    expect(run.status, run.stderr).toBe(0);
    expect(readdirSync(ws).sort()).toEqual(['clusters', 'mesh.config.yaml', 'mesh.lock.yaml']);
  });

  // Three child processes at once start slowly on a busy machine: a wider timeout.
  it('three meshforge processes started together all succeed, one at a time, and leave exactly the tree one run writes', { timeout: 180_000 }, async () => {
    const reference = tempWorkspace('meshforge-lock-ref-');
    expect((await runInProcess(['generate'], { cwd: reference })).status).toBe(0);
    const ws = tempWorkspace('meshforge-lock-');
    const runs = await Promise.all([0, 1, 2].map(() => startMeshforge(['generate', '--lock-timeout', '120'], ws).done));
    for (const run of runs) expect(run.status, run.stderr).toBe(0);
    expect(treeHashes(join(ws, 'clusters'))).toEqual(treeHashes(join(reference, 'clusters')));
    expect(readFileSync(join(ws, 'mesh.lock.yaml'), 'utf8')).toBe(readFileSync(join(reference, 'mesh.lock.yaml'), 'utf8'));
    expect(readdirSync(ws).sort()).toEqual(['clusters', 'mesh.config.yaml', 'mesh.lock.yaml']);
  });

  it('--lock-timeout must be a number of seconds', async () => {
    const ws = tempWorkspace('meshforge-lock-');
    const run = await runInProcess(['generate', '--lock-timeout', 'soon'], { cwd: ws });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/seconds/);
  });
});
