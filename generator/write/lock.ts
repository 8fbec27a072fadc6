import { closeSync, constants, linkSync, lstatSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { MeshforgeError } from '../core/errors.js';
import { pidRuns } from '../core/process.js';

/**
 * The output lock: one meshforge run at a time writes an output folder (and its VIP ledger). The lock is a file beside
 * the folder, `.<out>.meshforge-lock`, holding who took it. It is created exclusively, so two runs can never both hold
 * it; a lock whose holder is dead (its pid no longer runs on this host) is cleared by the next run.
 */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  /** ISO time the lock was taken. */
  readonly startedAt: string;
  /** Linux only: the holder's start time in clock ticks since boot, which tells a reused pid from the holder. */
  readonly processStart?: number;
}

export interface OutputLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Removes the lock (idempotent; only the holder's own lock file is removed). */
  release(): void;
}

export interface LockWaitOptions {
  /** How long to wait for another run to finish; 0 fails at once. */
  readonly timeoutMs: number;
  /** How often to look again (default 100 ms). */
  readonly pollMs?: number;
  /** The output folder as the user typed it, for messages (default: outDir as given). */
  readonly display?: string;
  /** Called once, when the lock is held by a live run and this one starts waiting. */
  readonly onWait?: (holder: LockHolder, lockFile: string) => void;
}

/** The lock is held by another live run (or one on another host) and did not come free in time. */
export class LockError extends MeshforgeError {
  constructor(
    message: string,
    hint: string,
    readonly lockFile: string,
    readonly holder?: LockHolder,
  ) {
    super('environment', message, hint);
    this.name = 'LockError';
  }
}

/** A breaker older than this was left by a run killed while clearing a stale lock (which takes milliseconds). */
const STALE_BREAKER_MS = 10_000;
/** An unreadable lock younger than this may be one being replaced right now. */
const UNREADABLE_GRACE_MS = 2_000;

/** Locks this process holds, by lock path: writeTree runs inside a caller's lock without taking it again. */
const held = new Map<string, LockHolder>();

export function outputLockPath(outDir: string): string {
  const abs = resolve(outDir);
  return join(dirname(abs), `.${basename(abs)}.meshforge-lock`);
}

/** Linux: field 22 of /proc/<pid>/stat. undefined elsewhere or when the process is gone. */
function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}


function currentHolder(): LockHolder {
  const processStart = processStartTicks(process.pid);
  return { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), ...(processStart !== undefined ? { processStart } : {}) };
}

/** Reads a lock file; a bare pid (written by earlier versions) counts as a holder on this host. */
export function readLockHolder(lockFile: string): LockHolder | undefined {
  let text: string;
  try {
    text = readFileSync(lockFile, 'utf8');
  } catch {
    return undefined;
  }
  if (/^\s*\d+\s*$/.test(text)) return { pid: Number(text.trim()), hostname: hostname(), startedAt: 'unknown' };
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || !Number.isInteger(value.pid) || value.pid <= 0 || typeof value.hostname !== 'string') return undefined;
    return {
      pid: value.pid,
      hostname: value.hostname,
      startedAt: typeof value.startedAt === 'string' ? value.startedAt : 'unknown',
      ...(typeof value.processStart === 'number' ? { processStart: value.processStart } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * Whether the holder still runs: true or false on this host; undefined for another host, where meshforge cannot tell
 * (a shared network folder), so such a lock is only ever waited for, never cleared.
 */
export function holderAlive(holder: LockHolder, thisHost = hostname()): boolean | undefined {
  if (holder.hostname !== thisHost) return undefined;
  if (!pidRuns(holder.pid)) return false;
  if (holder.processStart !== undefined) {
    const now = processStartTicks(holder.pid);
    if (now !== undefined && now !== holder.processStart) return false;
  }
  return true;
}

export function describeHolder(holder: LockHolder): string {
  return `pid ${holder.pid} on ${holder.hostname}, started ${holder.startedAt}`;
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Creates `lockFile` holding `holder`, failing with EEXIST if it exists: the file never appears half-written. */
function createExclusive(lockFile: string, holder: LockHolder): boolean {
  // A name nobody can guess, created exclusively and never through a symlink: a link planted beside the folder
  // cannot redirect what is written.
  const temp = `${lockFile}.${randomBytes(8).toString('hex')}.tmp`;
  const content = `${JSON.stringify(holder)}\n`;
  let made = false;
  try {
    writeWhole(temp, content);
    made = true;
    // link() is create-exclusive like open(O_CREAT|O_EXCL), and the content is complete the moment the name exists.
    linkSync(temp, lockFile);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && made) return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    // File systems without hard links: plain O_EXCL.
    try {
      writeWhole(lockFile, content);
      return true;
    } catch (inner) {
      if ((inner as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw inner;
    }
  } finally {
    // Also when writing failed (a full disk): no temporary file is ever left beside the tree. Only our own file.
    if (made) rmSync(temp, { force: true });
  }
}

/** Writes a new file exclusively (O_EXCL), never through a symlink (O_NOFOLLOW); removed again if writing fails. */
function writeWhole(file: string, content: string): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  try {
    writeSync(fd, content);
  } catch (error) {
    closeSync(fd);
    rmSync(file, { force: true });
    throw error;
  }
  closeSync(fd);
}

/**
 * Removes a lock whose holder is dead. A second, short-lived breaker file serializes breakers, and the lock is read
 * again under it: two runs that both saw the dead holder cannot both clear it (the later one would remove the lock
 * the first one has just taken).
 */
function clearStale(lockFile: string, seen: { ino: number; holder: LockHolder | undefined }): void {
  const breaker = `${lockFile}.break`;
  const breakerStat = lstatOrUndefined(breaker);
  if (breakerStat && Date.now() - breakerStat.mtimeMs > STALE_BREAKER_MS) rmSync(breaker, { force: true });
  let fd: number;
  try {
    fd = openSync(breaker, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw error;
  }
  closeSync(fd);
  try {
    const now = lstatOrUndefined(lockFile);
    if (now && now.ino === seen.ino && JSON.stringify(readLockHolder(lockFile)) === JSON.stringify(seen.holder)) rmSync(lockFile, { force: true });
  } finally {
    rmSync(breaker, { force: true });
  }
}

type Attempt = { readonly lock: OutputLock } | { readonly busy: LockHolder | undefined };

function attempt(lockFile: string): Attempt {
  const holder = currentHolder();
  for (let i = 0; i < 3; i++) {
    if (createExclusive(lockFile, holder)) {
      held.set(lockFile, holder);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        held.delete(lockFile);
        // Remove only our own lock: never one a later run took after ours was cleared by hand.
        if (JSON.stringify(readLockHolder(lockFile)) === JSON.stringify(holder)) rmSync(lockFile, { force: true });
      };
      return { lock: { path: lockFile, holder, release } };
    }
    const stat = lstatOrUndefined(lockFile);
    if (!stat) continue;
    const other = readLockHolder(lockFile);
    const dead = other ? holderAlive(other) === false : Date.now() - stat.mtimeMs > UNREADABLE_GRACE_MS;
    if (!dead) return { busy: other };
    clearStale(lockFile, { ino: stat.ino, holder: other });
  }
  return { busy: readLockHolder(lockFile) };
}

function busyError(lockFile: string, outDir: string, holder: LockHolder | undefined, waitedMs: number): LockError {
  const who = holder ? `another meshforge run (${describeHolder(holder)})` : 'another meshforge run';
  const waited = waitedMs > 0 ? ` after waiting ${Math.round(waitedMs / 1000)}s` : '';
  const hint =
    holder && holder.hostname !== hostname()
      ? `The lock was taken on another host, so meshforge cannot tell whether that run is alive. If it is not, delete ${lockFile}.`
      : `Wait for it to finish (raise --lock-timeout to wait longer), or delete ${lockFile} if no meshforge is running.`;
  return new LockError(`${who} is writing ${outDir}: the output lock ${lockFile} is taken${waited}`, hint, lockFile, holder);
}

/** Whether this process holds the lock of `outDir`. */
export function holdsOutputLock(outDir: string): boolean {
  return held.has(outputLockPath(outDir));
}

/** Takes the lock now or throws LockError naming the holder. The folder's parent must exist. */
export function tryAcquireOutputLock(outDir: string): OutputLock {
  const lockFile = outputLockPath(outDir);
  const result = attempt(lockFile);
  if ('lock' in result) return result.lock;
  throw busyError(lockFile, outDir, result.busy, 0);
}

/** Takes the lock, waiting up to timeoutMs for a live holder to finish; a dead holder's lock is cleared at once. */
export async function acquireOutputLock(outDir: string, options: LockWaitOptions): Promise<OutputLock> {
  const lockFile = outputLockPath(outDir);
  const started = Date.now();
  const poll = options.pollMs ?? 100;
  let told = false;
  for (;;) {
    const result = attempt(lockFile);
    if ('lock' in result) return result.lock;
    const waited = Date.now() - started;
    if (waited >= options.timeoutMs) throw busyError(lockFile, options.display ?? outDir, result.busy, waited);
    if (!told && result.busy) {
      told = true;
      options.onWait?.(result.busy, lockFile);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, Math.min(poll, Math.max(1, options.timeoutMs - waited))));
  }
}

/** Runs `work` holding the output lock: inside a caller's lock when this process already holds it, else taking it now. */
export function withOutputLock<T>(outDir: string, work: () => T): T {
  if (holdsOutputLock(outDir)) return work();
  const lock = tryAcquireOutputLock(outDir);
  try {
    return work();
  } finally {
    lock.release();
  }
}

