import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, type BigIntStats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
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
 * that emits the same bytes does not (about 5 MB to hash: tens of milliseconds). The precompiled validators in
 * `standalone/` folders (about 30 MB) are named by a hash of what they were made from and the build leaves an
 * up-to-date one untouched: their name, size and mtime stand for their bytes (hashing them took 0.1-0.2 s a run).
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
    } else if (contents && stat.isFile() && basename(dirname(path)) !== 'standalone') {
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
  return snapshotWithEntries(outDir, intended, required)?.snapshot;
}

/** takeSnapshot, with the entries its walk saw (the file table records their stat). */
export function snapshotWithEntries(outDir: string, intended: (path: string) => string | undefined, required: Iterable<string> = []): { readonly snapshot: TreeSnapshot; readonly entries: readonly TreeEntry[] } | undefined {
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
  return { snapshot: { takenAtNs: takenAt.toString(), entries: entries.length, digest: treeDigest(entries), racy }, entries };
}

export type SnapshotCheck =
  | { readonly match: false }
  | {
      readonly match: true;
      /** The walk that matched: the folder's entries now. */
      readonly entries: readonly TreeEntry[];
      /** A fresher snapshot with fewer racy files, to record. */
      readonly refreshed?: TreeSnapshot;
    };

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
  if (verified === 0) return { match: true, entries };
  return { match: true, entries, refreshed: { ...snapshot, takenAtNs: now.toString(), racy: stillRacy } };
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
 * Makes the state folder. It ignores itself, so git status stays clean (and `meshforge pr` sees no stray change) even
 * in a repository whose .gitignore does not list .meshforge/.
 */
function makeStateFolder(folder: string): void {
  mkdirSync(folder, { recursive: true });
  const ignore = join(folder, '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, STATE_GITIGNORE);
}

/**
 * Records the state atomically (a temporary file renamed over the old one), so a reader sees the old state or the new
 * one. Returns false instead of throwing: a folder that cannot be written only means the next run is not cached.
 */
export function writeRunState(file: string, state: RunState): boolean {
  return writeStateJson(file, state);
}

/** One JSON file of the state folder, written to a temporary file and renamed over the old one; false on failure. */
function writeStateJson(file: string, value: RunState | FileTable): boolean {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    makeStateFolder(dirname(file));
    writeFileSync(temp, `${JSON.stringify(value)}\n`);
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

/** Bumped whenever the file table's shape or meaning changes: an older table is then ignored. */
export const FILE_TABLE_FORMAT = 1;

/**
 * What the last write knew of each generated file (docs/generator.md, "Run state cache"): the fingerprint of the
 * inputs its bytes come from (render/render.ts, plannedFingerprint), the sha256 of those bytes, and the file's stat
 * when they were on disk. A later run that plans a file with the same fingerprint, under the same meshforge build,
 * while stat shows the file untouched since (and not racily clean), knows its bytes without rendering or reading it.
 * Kept beside the state file, not in it: a no-op run that replays the state never reads it.
 */
export interface FileTable {
  readonly format: typeof FILE_TABLE_FORMAT;
  /** toolFingerprint() of the build that recorded it: another build may render the same inputs differently. */
  readonly tool: string;
  /** When the stats were taken (ns since the epoch, decimal): files changed at or after it, less the margin, are racy. */
  readonly takenAtNs: string;
  /** Path (POSIX, relative to the output folder) -> [input fingerprint, sha256 of the bytes, statKey of the file]. */
  readonly files: Readonly<Record<string, readonly [string, string, string]>>;
}

/** The file table of the state file `stateFile` (runStateFile). */
export function fileTableFile(stateFile: string): string {
  return stateFile.replace(/\.json$/, '.files.json');
}

/** What stat says about a file's bytes: any write, rename over it or copy onto it changes one of these. */
export function statKey(entry: Pick<TreeEntry, 'dev' | 'ino' | 'size' | 'mtimeNs' | 'ctimeNs'>): string {
  return `${entry.dev}:${entry.ino}:${entry.size}:${entry.mtimeNs}:${entry.ctimeNs}`;
}

/** The file table recorded by the build `tool`, or undefined (none, another build's, another format, unreadable). */
export function readFileTable(file: string, tool: string): FileTable | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<FileTable>;
    if (value?.format !== FILE_TABLE_FORMAT || value.tool !== tool || typeof value.takenAtNs !== 'string' || typeof value.files !== 'object' || value.files === null) return undefined;
    BigInt(value.takenAtNs);
    return value as FileTable;
  } catch {
    return undefined;
  }
}

/**
 * The table of one walk of the output folder: every regular file the walk saw that `known` gives a fingerprint and a
 * sha256 for. The caller vouches that each such file held those bytes when the walk started.
 */
export function fileTable(tool: string, snapshot: TreeSnapshot, entries: readonly TreeEntry[], known: (path: string) => readonly [fingerprint: string, sha256: string] | undefined): FileTable {
  const files: [string, readonly [string, string, string]][] = [];
  for (const entry of entries) {
    if (entry.type !== 'file') continue;
    const file = known(entry.path);
    if (file) files.push([entry.path, [file[0], file[1], statKey(entry)]]);
  }
  return { format: FILE_TABLE_FORMAT, tool, takenAtNs: snapshot.takenAtNs, files: Object.fromEntries(files) };
}

/** Records the table atomically (as writeRunState); false when it cannot be written. */
export function writeFileTable(file: string, table: FileTable): boolean {
  return writeStateJson(file, table);
}

/**
 * The sha256 of the bytes at `path` under `outDir` when the table vouches for them: recorded with `fingerprint`, a
 * regular file with the recorded stat, and either changed well before the table was taken or, racily clean (see
 * RACY_MARGIN_NS), holding bytes that hash as recorded. Undefined otherwise (the caller renders and compares it).
 */
export function vouchedSha256(table: FileTable, outDir: string, path: string, fingerprint: string): string | undefined {
  if (!Object.hasOwn(table.files, path)) return undefined;
  const [recorded, sha, stat] = table.files[path]!;
  if (recorded !== fingerprint) return undefined;
  let entry: BigIntStats;
  try {
    entry = lstatSync(join(outDir, path), { bigint: true });
  } catch {
    return undefined;
  }
  if (!entry.isFile() || statKey(entry) !== stat) return undefined;
  if (!isRacy({ type: 'file', mtimeNs: entry.mtimeNs, ctimeNs: entry.ctimeNs }, BigInt(table.takenAtNs))) return sha;
  try {
    return sha256(readFileSync(join(outDir, path))) === sha ? sha : undefined;
  } catch {
    return undefined;
  }
}
