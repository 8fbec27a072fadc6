import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, type BigIntStats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { sha256 } from './provenance.js';

/**
 * The run-state cache of `meshforge generate`: what make, ninja and git's index do. A run that ends with the output
 * folder and the ledger exactly as the config wants them records (1) a fingerprint of everything that decides what
 * the run writes and prints, (2) a stat snapshot of the output folder and (3) what the run printed. The next run with
 * the same fingerprint whose output folder still matches the snapshot prints the recorded output and stops, without
 * parsing the config or rendering, and without reading the files stat can vouch for. Anything unexpected (a missing,
 * unreadable, corrupt or older state file) is a miss, never an error: the cache can only skip work, not change a
 * result.
 */

/** Bumped whenever the state file's shape or meaning changes: an older file is then a miss. */
export const RUN_STATE_FORMAT = 1;

/**
 * Files whose mtime or ctime is this close to the snapshot (or later) are "racily clean": a change in the same clock
 * tick as the snapshot could leave size and times as recorded, so stat cannot vouch for them and their bytes are
 * compared with a recorded sha256 instead (git's index does the same). Two seconds covers coarse timestamps (FAT has
 * 2 s) and small skew between the process clock and the file system's.
 */
export const RACY_MARGIN_NS = 2_000_000_000n;

export type EntryType = 'file' | 'dir' | 'symlink' | 'other';

/** One entry of the output folder as lstat saw it (symlinks are never followed). Paths are POSIX, relative. */
export interface TreeEntry {
  readonly path: string;
  readonly type: EntryType;
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

/** The output folder at one moment: a digest of every entry's stat, and the bytes' sha256 of the racy files. */
export interface TreeSnapshot {
  /** When the walk started (ns since the epoch, decimal): entries changed at or after it, less the margin, are racy. */
  readonly takenAtNs: string;
  readonly entries: number;
  /** sha256 over every entry's path, type and (for non-folders) dev, ino, size, mtime and ctime, in walk order. */
  readonly digest: string;
  /** Racy files: path -> sha256 of the bytes the file must hold. */
  readonly racy: Readonly<Record<string, string>>;
}

/** What one kind of run (`generate`, `generate --check`) prints when it finds everything up to date. */
export interface RecordedOutput {
  /**
   * The report as printed (positions already resolved), kept as opaque JSON: the writer does not know report
   * objects, the application layer that records and replays them does.
   */
  readonly report: object;
  /** The status lines that follow the report (stdout in stylish, stderr in machine formats). */
  readonly status: string;
}

export interface RunState {
  readonly format: typeof RUN_STATE_FORMAT;
  readonly fingerprint: string;
  readonly snapshot: TreeSnapshot;
  readonly outputs: { readonly write?: RecordedOutput; readonly check?: RecordedOutput };
  /** What the recorded tree is the output of, for `lint` and `check` (no generate flags needed); absent in older states. */
  readonly vouch?: TreeVouch;
}

/**
 * A run covered the whole fleet (`fleet`) or only some of it (`partial`: --shard, --cluster, --reclaim): only a fleet
 * run vouches that every generated file of the folder is what the config renders.
 */
export type VouchScope = 'fleet' | 'partial';

/**
 * What a recorded tree is exactly the output of: sha256 of the config's and the ledger's bytes and the meshforge build
 * (toolFingerprint). `lint` and `check` compare it with their own inputs instead of reading every generated file.
 */
export interface TreeVouch {
  readonly config: string;
  /** Null when there was no ledger. */
  readonly ledger: string | null;
  readonly tool: string;
  readonly scope: VouchScope;
}

/** The vouch of a run with these inputs. */
export function treeVouch(inputs: { readonly config: Buffer; readonly ledger: Buffer | undefined; readonly tool: string; readonly scope: VouchScope }): TreeVouch {
  return { config: sha256(inputs.config), ledger: inputs.ledger === undefined ? null : sha256(inputs.ledger), tool: inputs.tool, scope: inputs.scope };
}

/** Whether a recorded state vouches for the whole tree as the output of `expected`'s config, ledger and build. */
export function vouchesFor(state: RunState, expected: Omit<TreeVouch, 'scope'>): boolean {
  const v = state.vouch as Partial<TreeVouch> | undefined;
  return v?.scope === 'fleet' && v.config === expected.config && v.ledger === expected.ledger && v.tool === expected.tool;
}

/** Written into the state folder: git ignores everything in it, this file included. */
export const STATE_GITIGNORE = '# Written by meshforge: the run-state cache of `meshforge generate` is local to this checkout.\n*\n';


/** Everything that decides what `generate` writes and prints, besides the output folder's content. */
export interface FingerprintInputs {
  /** The config file's bytes. */
  readonly config: Buffer;
  /** The ledger's bytes; undefined when there is none (a first run creates it). */
  readonly ledger: Buffer | undefined;
  /** Absolute output folder. */
  readonly outDir: string;
  /** Working folder: printed paths are relative to it. */
  readonly cwd: string;
  /** Flags that change the result or the printed output, as JSON-able values. */
  readonly flags: Readonly<Record<string, unknown>>;
  /** The meshforge version. */
  readonly version: string;
  /** toolFingerprint(): the installed code, templates and schemas. */
  readonly tool: string;
}

/** JSON with object keys sorted, so the same flags always give the same bytes. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value as Record<string, unknown>)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 over the inputs; every part is length-prefixed, so no two different inputs share a byte stream. */
export function inputFingerprint(inputs: FingerprintInputs): string {
  const hash = createHash('sha256');
  const part = (label: string, data: string | Buffer | undefined) => {
    if (data === undefined) {
      hash.update(`${label}:absent\n`);
      return;
    }
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    hash.update(`${label}:${bytes.length}\n`);
    hash.update(bytes);
    hash.update('\n');
  };
  part('format', String(RUN_STATE_FORMAT));
  part('version', inputs.version);
  part('tool', inputs.tool);
  part('config', inputs.config);
  part('ledger', inputs.ledger);
  part('out', inputs.outDir);
  part('cwd', inputs.cwd);
  part('flags', canonicalJson(inputs.flags));
  return hash.digest('hex');
}

/**
 * A fingerprint of the installed meshforge: the bytes of every file it loads at run time (compiled code, templates,
 * schemas, package.json; type declarations and source maps are skipped) and npm's install marker for its
 * dependencies. Upgrading or changing meshforge changes it, so a state recorded by another build is a miss; a rebuild
 * that emits the same bytes does not (about 5 MB to hash: tens of milliseconds).
 */
export function toolFingerprint(packageRoot: string): string {
  const hash = createHash('sha256');
  hash.update(`node ${process.version}\n`);
  const add = (path: string, contents: boolean) => {
    let stat: BigIntStats;
    try {
      stat = lstatSync(path, { bigint: true });
    } catch {
      hash.update(`${path} absent\n`);
      return;
    }
    if (stat.isDirectory()) {
      hash.update(`${path}/\n`);
      for (const name of readdirSync(path).sort()) if (!name.endsWith('.d.ts') && !name.endsWith('.map')) add(join(path, name), contents);
    } else if (contents && stat.isFile()) {
      hash.update(`${path} ${stat.size}\n`);
      hash.update(readFileSync(path));
    } else hash.update(`${path} ${stat.size} ${stat.mtimeNs}\n`);
  };
  for (const part of ['package.json', 'dist', join('generator', 'templates'), 'schemas']) add(join(packageRoot, part), true);
  // Dependencies (yaml, handlebars, ajv): npm rewrites this marker on every install, beside or above the package.
  add(join(packageRoot, 'node_modules', '.package-lock.json'), false);
  add(join(dirname(packageRoot), '.package-lock.json'), false);
  return hash.digest('hex');
}

function entryType(stat: BigIntStats): EntryType {
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isDirectory()) return 'dir';
  if (stat.isFile()) return 'file';
  return 'other';
}

/** The output folder's own type: only a real folder can be snapshotted (a symlink is never written through). */
export function rootType(outDir: string): EntryType | 'missing' {
  try {
    return entryType(lstatSync(outDir, { bigint: true }));
  } catch {
    return 'missing';
  }
}

/** Every entry under the folder, names sorted in each folder, without following symlinks. */
export function walkTree(outDir: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  const visit = (dir: string, prefix: string) => {
    const names = readdirSync(dir).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) {
      const rel = prefix === '' ? name : `${prefix}/${name}`;
      const full = join(dir, name);
      const stat = lstatSync(full, { bigint: true });
      const type = entryType(stat);
      entries.push({ path: rel, type, dev: stat.dev, ino: stat.ino, size: stat.size, mtimeNs: stat.mtimeNs, ctimeNs: stat.ctimeNs });
      if (type === 'dir') visit(full, rel);
    }
  };
  visit(outDir, '');
  return entries;
}

/**
 * The digest of a walk. Folders count by path and type only: their times move when an editor's swap file comes and
 * goes, and an added or removed entry shows in the list itself.
 */
export function treeDigest(entries: readonly TreeEntry[]): string {
  const hash = createHash('sha256');
  for (const e of entries) {
    hash.update(e.type === 'dir' ? `${e.path}\0dir\n` : `${e.path}\0${e.type}\0${e.dev}\0${e.ino}\0${e.size}\0${e.mtimeNs}\0${e.ctimeNs}\n`);
  }
  return hash.digest('hex');
}

/** A file changed too close to the snapshot for stat to prove it unchanged since (see RACY_MARGIN_NS). */
export function isRacy(entry: Pick<TreeEntry, 'type' | 'mtimeNs' | 'ctimeNs'>, takenAtNs: bigint): boolean {
  if (entry.type !== 'file') return false;
  const limit = takenAtNs - RACY_MARGIN_NS;
  return entry.mtimeNs >= limit || entry.ctimeNs >= limit;
}

function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/**
 * Snapshots the output folder. Racy files are recorded with the sha256 of the bytes they must hold: `intended(path)`
 * for files the run generated (what it meant to write, so a change made between the write and the snapshot still
 * shows), the bytes on disk for the rest. Undefined when the folder is not a real folder or a `required` file is not
 * there (the tree is not what the recorded output describes, so nothing is recorded).
 */
export function takeSnapshot(outDir: string, intended: (path: string) => string | undefined, required: Iterable<string> = []): TreeSnapshot | undefined {
  const abs = resolve(outDir);
  if (rootType(abs) !== 'dir') return undefined;
  const takenAt = nowNs();
  const entries = walkTree(abs);
  const files = new Set(entries.filter((e) => e.type === 'file').map((e) => e.path));
  for (const path of required) if (!files.has(path)) return undefined;
  const racy: Record<string, string> = {};
  for (const entry of entries) {
    if (!isRacy(entry, takenAt)) continue;
    racy[entry.path] = intended(entry.path) ?? sha256(readFileSync(join(abs, entry.path)));
  }
  return { takenAtNs: takenAt.toString(), entries: entries.length, digest: treeDigest(entries), racy };
}

export type SnapshotCheck = { readonly match: false } | { readonly match: true; /** A fresher snapshot with fewer racy files, to record. */ readonly refreshed?: TreeSnapshot };

/**
 * Does the output folder still match the snapshot? Every entry's stat must be as recorded, and every racy file's
 * bytes must hash as recorded. When racy files were verified, `refreshed` is the same snapshot taken now: files that
 * have since aged past the margin need no reading next time.
 */
export function checkSnapshot(outDir: string, snapshot: TreeSnapshot): SnapshotCheck {
  const abs = resolve(outDir);
  if (rootType(abs) !== 'dir') return { match: false };
  let takenAt: bigint;
  try {
    takenAt = BigInt(snapshot.takenAtNs);
  } catch {
    return { match: false };
  }
  const now = nowNs();
  const entries = walkTree(abs);
  if (entries.length !== snapshot.entries || treeDigest(entries) !== snapshot.digest) return { match: false };
  const stillRacy: Record<string, string> = {};
  let verified = 0;
  for (const entry of entries) {
    if (!isRacy(entry, takenAt)) continue;
    const expected = snapshot.racy[entry.path];
    if (expected === undefined || sha256(readFileSync(join(abs, entry.path))) !== expected) return { match: false };
    verified++;
    if (isRacy(entry, now)) stillRacy[entry.path] = expected;
  }
  if (verified === 0) return { match: true };
  return { match: true, refreshed: { ...snapshot, takenAtNs: now.toString(), racy: stillRacy } };
}

/** Where the state of one output folder lives: `.meshforge/state/` beside the config (git-ignored). */
export function runStateFile(configFile: string, outDir: string): string {
  return join(dirname(resolve(configFile)), '.meshforge', 'state', `generate-${sha256(resolve(outDir)).slice(0, 16)}.json`);
}

function isRecordedOutput(value: unknown): value is RecordedOutput {
  const v = value as Partial<RecordedOutput> | undefined;
  return typeof v?.status === 'string' && typeof v.report === 'object' && v.report !== null && !Array.isArray(v.report);
}

/** The recorded state, or undefined for anything but a well-formed state of this format (a miss, never an error). */
export function readRunState(file: string): RunState | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<RunState>;
    if (value?.format !== RUN_STATE_FORMAT || typeof value.fingerprint !== 'string') return undefined;
    const s = value.snapshot as Partial<TreeSnapshot> | undefined;
    if (typeof s?.takenAtNs !== 'string' || typeof s.entries !== 'number' || typeof s.digest !== 'string' || typeof s.racy !== 'object' || s.racy === null) return undefined;
    const outputs = value.outputs ?? {};
    if ((outputs.write !== undefined && !isRecordedOutput(outputs.write)) || (outputs.check !== undefined && !isRecordedOutput(outputs.check))) return undefined;
    return value as RunState;
  } catch {
    return undefined;
  }
}

/**
 * Records the state atomically (a temporary file renamed over the old one), so a reader sees the old state or the new
 * one. Returns false instead of throwing: a folder that cannot be written only means the next run is not cached.
 */
export function writeRunState(file: string, state: RunState): boolean {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    // The folder ignores itself, so git status stays clean (and `meshforge pr` sees no stray change) even in a
    // repository whose .gitignore does not list .meshforge/.
    const ignore = join(dirname(file), '.gitignore');
    if (!existsSync(ignore)) writeFileSync(ignore, STATE_GITIGNORE);
    writeFileSync(temp, `${JSON.stringify(state)}\n`);
    renameSync(temp, file);
    return true;
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // Nothing more to undo.
    }
    return false;
  }
}
