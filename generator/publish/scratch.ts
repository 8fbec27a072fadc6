import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Git } from './git.js';
import { pidRuns } from '../core/process.js';

/** The prefix of the temporary folders holding meshforge's worktrees. */
const SCRATCH_PREFIX = 'meshforge-pr-';
/** Every worktree meshforge adds is locked with this reason, naming the process that owns it. */
const LOCK_REASON = /^meshforge pr \(pid (\d+)\)$/;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface ScratchWorktree {
  readonly path: string;
  /** Removes the worktree, its registration and its temporary folder. */
  remove(): Promise<void>;
}

/** The system temp folder as the caller's environment names it (os.tmpdir() reads the process's own). */
function tempRoot(env: NodeJS.ProcessEnv): string {
  const named = env.TMPDIR || env.TMP || env.TEMP;
  return named ? named.replace(/(.)\/+$/, '$1') : tmpdir();
}


/**
 * Removes the worktrees an earlier meshforge run left behind when it was killed (SIGKILL, a power cut): registered
 * and locked with the pid of a process that is gone. Worktrees of a run still going on are left alone.
 */
export async function pruneStaleWorktrees(git: Git): Promise<string[]> {
  const listing = await git.tryRun(['worktree', 'list', '--porcelain']);
  const removed: string[] = [];
  for (const block of (listing ?? '').split(/\n\s*\n/)) {
    const path = /^worktree (.+)$/m.exec(block)?.[1];
    const pid = LOCK_REASON.exec(/^locked (.+)$/m.exec(block)?.[1] ?? '')?.[1];
    if (path === undefined || pid === undefined || pidRuns(Number(pid))) continue;
    if ((await git.tryRun(['worktree', 'remove', '--force', '--force', path])) === undefined) await git.tryRun(['worktree', 'unlock', path]);
    // Only a folder shaped like meshforge's own is deleted: <temp>/meshforge-pr-XXXXXX/tree.
    const scratch = dirname(path);
    if (basename(path) === 'tree' && basename(scratch).startsWith(SCRATCH_PREFIX)) rmSync(scratch, { recursive: true, force: true });
    removed.push(path);
  }
  await git.tryRun(['worktree', 'prune']);
  return removed;
}

/**
 * Adds a detached worktree at `commit` in a fresh temporary folder, locked with this process's pid so a later run
 * can tell it is stale. Until `remove` is called, SIGINT, SIGTERM and SIGHUP remove it (synchronously) before the
 * process ends with that signal: an interrupted run leaves nothing registered and nothing in the temp folder.
 */
export async function addScratchWorktree(git: Git, env: NodeJS.ProcessEnv, commit: string): Promise<ScratchWorktree> {
  const scratch = mkdtempSync(join(tempRoot(env), SCRATCH_PREFIX));
  const path = join(scratch, 'tree');
  const removeNow = () => {
    git.runSyncQuietly(['worktree', 'remove', '--force', '--force', path]);
    rmSync(scratch, { recursive: true, force: true });
    git.runSyncQuietly(['worktree', 'prune']);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    release();
    try {
      removeNow();
    } finally {
      // Ends the process as the signal would have, now that nothing of the run is left behind.
      process.kill(process.pid, signal);
    }
  };
  const release = () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  try {
    await git.run(['worktree', 'add', '--lock', '--reason', `meshforge pr (pid ${process.pid})`, '--detach', '--no-checkout', '--quiet', path, commit], { what: 'creating a temporary worktree' });
  } catch (error) {
    release();
    removeNow();
    throw error;
  }
  return {
    path,
    async remove() {
      release();
      await git.tryRun(['worktree', 'remove', '--force', '--force', path]);
      rmSync(scratch, { recursive: true, force: true });
      await git.tryRun(['worktree', 'prune']);
    },
  };
}
