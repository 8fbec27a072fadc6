import { accessSync, chmodSync, chownSync, closeSync, constants, copyFileSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, renameSync, rmdirSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { RenderedFile } from '../manifest/types.js';
import { withOutputLock } from './lock.js';
import { configFromOutDir, parseProvenance, provenanceEntry, readProvenance, provenancePieces, sha256, type ProvenanceEntry, type ProvenanceIndex, type ProvenanceSource } from './provenance.js';
import { PROVENANCE_FILE } from '../manifest/vocabulary.js';
import { MeshforgeError } from '../core/errors.js';
import { secretIn } from '../core/secrets.js';

/** What a write would do (compareTree) or did (writeTree). Paths are relative to the output folder, POSIX, sorted. */
export interface TreeChanges {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
  /** Resources each removed file held, from the previous index (summaries count them; the index may be gone). */
  readonly removedResources?: Readonly<Record<string, number>>;
  readonly unchanged: number;
  /** Files and links meshforge did not generate: never deleted or overwritten. */
  readonly foreign: readonly string[];
  /** Foreign paths that stand where a generated file must go (a file, a directory or a symlink): writing stops. */
  readonly conflicts: readonly string[];
}

export interface TreeOptions {
  /** Only these clusters' folders are compared, written and pruned; everything else is kept as it is. */
  readonly clusters?: readonly string[];
  /** The output folder as the user typed it, for messages (default: outDir as given). */
  readonly display?: string;
  /**
   * The sha256 of the bytes at a file's path when the caller vouches that they are exactly what `file.content` would
   * give (the run state recorded them for the same inputs and the file is untouched since): such a file counts as
   * unchanged and is neither rendered, read nor compared. Undefined: the file is compared byte by byte.
   */
  readonly trusted?: (file: RenderedFile) => string | undefined;
  /** The sha256 of a file's content, when the caller keeps it (default: hashed here, once per file). */
  readonly contentSha256?: (file: RenderedFile) => string;
}

/** Steps of the atomic swap, for crash tests: a hook may kill the process at any of them. */
export type SwapStep = 'staged' | 'committed' | 'parked' | 'swapped';

export interface WriteOptions extends TreeOptions {
  readonly onStep?: (step: SwapStep) => void;
  /**
   * What the write will change, once planned and before anything moves (the old bytes are still in place): generate
   * counts its change summary here instead of comparing the whole tree a second time.
   */
  readonly onPlanned?: (changes: TreeChanges) => void;
  /**
   * The VIP ledger that belongs to this tree: recorded beside the output folder before the swap and written right
   * after it, so a run killed in between leaves a record the next run completes (the tree and the ledger change
   * together). The caller still writes it (writeFileAtomic) when the tree did not change.
   */
  readonly ledger?: { readonly path: string; readonly content: string };
}

/** A tree that cannot be written without breaking a promise (foreign files, symlinks). */
export class TreeError extends MeshforgeError {
  constructor(
    message: string,
    hint: string,
    readonly paths: readonly string[] = [],
  ) {
    super('environment', message, hint);
    this.name = 'TreeError';
  }
}

type Entry = { readonly type: 'file' | 'dir' | 'symlink' | 'other' };

function sorted(list: Iterable<string>): string[] {
  return [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function lstatOrUndefined(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** Every entry under the folder, without following symlinks. */
function walk(root: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  const visit = (dir: string, prefix: string) => {
    for (const dirent of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix === '' ? dirent.name : `${prefix}/${dirent.name}`;
      if (dirent.isSymbolicLink()) entries.set(rel, { type: 'symlink' });
      else if (dirent.isDirectory()) {
        entries.set(rel, { type: 'dir' });
        visit(join(dir, dirent.name), rel);
      } else if (dirent.isFile()) entries.set(rel, { type: 'file' });
      else entries.set(rel, { type: 'other' });
    }
  };
  visit(root, '');
  return entries;
}

function checkRoot(outDir: string, display: string): 'missing' | 'dir' {
  const stat = lstatOrUndefined(resolve(outDir));
  if (!stat) return 'missing';
  if (stat.isSymbolicLink()) {
    throw new TreeError(`the output folder ${display} is a symlink`, 'meshforge swaps the output folder atomically and never writes through a symlink: pass the real folder with --out.');
  }
  if (!stat.isDirectory()) throw new TreeError(`the output folder ${display} is not a folder`, 'Pass a folder with --out, or move the file away.');
  return 'dir';
}

interface TreePlan {
  readonly changes: TreeChanges;
  /** What the walk found in the output folder (reused by the swap instead of walking it again). */
  readonly entries: ReadonlyMap<string, Entry>;
  /** The files to write (added or changed), in plan order: their bytes stay on the RenderedFile, never copied. */
  readonly writes: readonly RenderedFile[];
  /**
   * The new index's bytes, made again chunk by chunk as they are written, when it must be written; undefined when it
   * is unchanged (or in the way). Never held whole: at 200,000 files it is 120 MB.
   */
  readonly index: (() => Iterable<Buffer>) | undefined;
  readonly root: 'missing' | 'dir';
  /** The paths `trusted` vouched for: unchanged, never rendered. */
  readonly trusted: ReadonlySet<string>;
}

function readIndex(outDir: string, display: string, entries: ReadonlyMap<string, Entry>): ProvenanceIndex | undefined {
  if (entries.get(PROVENANCE_FILE)?.type !== 'file') return undefined;
  const text = readFileSync(join(resolve(outDir), PROVENANCE_FILE), 'utf8');
  const read = readProvenance(text);
  if (!read.ok) throw new TreeError(`${join(display, PROVENANCE_FILE)} ${read.problem}`, read.hint.replace('<file>', join(display, PROVENANCE_FILE)));
  return read.index;
}

/**
 * Compares files on disk with expected bytes through two reused buffers, so a run over 200,000 files allocates no
 * Buffer per file (the garbage of one read and one encoding per file is most of what a no-op run's heap churns).
 */
class ByteComparer {
  private expected = Buffer.allocUnsafe(64 * 1024);
  private actual = Buffer.allocUnsafe(64 * 1024);

  /** Whether the file holds exactly `text` (UTF-8). */
  sameText(file: string, text: string): boolean {
    // Three bytes per UTF-16 unit at most: the encoding always fits, without measuring it first.
    if (this.expected.length < text.length * 3) this.expected = Buffer.allocUnsafe(text.length * 3);
    const length = this.expected.write(text, 0, 'utf8');
    return this.sameBytes(file, [this.expected.subarray(0, length)]);
  }

  /** Whether the file holds exactly the chunks, one after the other (made only as far as they agree). */
  sameBytes(file: string, chunks: Iterable<Buffer>): boolean {
    const fd = openSync(file, 'r');
    try {
      for (const chunk of chunks) if (!this.readEquals(fd, chunk)) return false;
      // Nothing may follow: a read at the end gives 0 bytes.
      return readSync(fd, this.actual, 0, 1, null) === 0;
    } finally {
      closeSync(fd);
    }
  }

  private readEquals(fd: number, chunk: Buffer): boolean {
    const length = chunk.length;
    const window = Math.min(length, 1 << 20);
    if (this.actual.length < window) this.actual = Buffer.allocUnsafe(window);
    for (let done = 0; done < length; ) {
      const want = Math.min(length - done, this.actual.length);
      let got = 0;
      while (got < want) {
        const n = readSync(fd, this.actual, got, want - got, null);
        if (n === 0) return false;
        got += n;
      }
      if (this.actual.compare(chunk, done, done + want, 0, want) !== 0) return false;
      done += want;
    }
    return true;
  }
}

/** Bytes per chunk of the index: large enough that the per-chunk cost vanishes, small beside the index. */
const INDEX_CHUNK_BYTES = 1 << 20;

/**
 * The index as UTF-8 chunks of about a megabyte, made as they are consumed, each piece encoded straight into the
 * chunk: the whole text never exists, as a string or as bytes, and no large temporary string lands on the heap.
 */
function* indexChunks(source: ProvenanceSource): Generator<Buffer> {
  let chunk = Buffer.allocUnsafe(INDEX_CHUNK_BYTES);
  let used = 0;
  for (const piece of provenancePieces(source)) {
    // Three bytes per UTF-16 unit at most: when the piece may not fit, hand the chunk over first.
    if (used + piece.length * 3 > chunk.length) {
      if (used > 0) yield chunk.subarray(0, used);
      chunk = Buffer.allocUnsafe(Math.max(INDEX_CHUNK_BYTES, piece.length * 3));
      used = 0;
    }
    used += chunk.write(piece, used, 'utf8');
  }
  if (used > 0) yield chunk.subarray(0, used);
}

function planTree(outDir: string, files: readonly RenderedFile[], options: TreeOptions): TreePlan {
  const display = options.display ?? outDir;
  const root = checkRoot(outDir, display);
  const abs = resolve(outDir);
  const entries = root === 'dir' ? walk(abs) : new Map<string, Entry>();
  const scope = options.clusters ? new Set(options.clusters) : undefined;
  const inScope = (path: string, cluster: string | undefined) => !scope || (cluster !== undefined && scope.has(cluster) && path.startsWith(`${cluster}/`));
  const diskInScope = (path: string) => path !== PROVENANCE_FILE && (!scope || scope.has(path.split('/')[0]!));

  const wanted = new Map<string, RenderedFile>();
  for (const file of files) {
    if (!inScope(file.path, file.cluster)) continue;
    if (file.path === PROVENANCE_FILE || file.path.split('/').some((s) => s === '' || s === '.' || s === '..')) {
      throw new Error(`meshforge: refusing to write the unsafe path ${JSON.stringify(file.path)}`);
    }
    wanted.set(file.path, file);
  }

  // Whole-fleet runs: when the index on disk is byte for byte the index this run writes, the previous index lists
  // exactly the wanted files, so it need not be parsed (at 200,000 files it is 120 MB of JSON: seconds, and
  // hundreds of MB). Scoped runs keep other clusters' entries, so they always read it. The new index is made entry by
  // entry into chunks and compared with the file chunk by chunk: the whole text never exists as one string.
  const indexEntry = entries.get(PROVENANCE_FILE);
  const indexPath = join(abs, PROVENANCE_FILE);
  const comparer = new ByteComparer();
  const ownConfig = configFromOutDir(outDir, files);
  // Files the caller vouches for keep their recorded hash; the others are hashed once (the index is made up to three
  // times: compared whole, compared again when scoped, written).
  const hashes = new Map<string, string>();
  for (const [path, file] of wanted) {
    const sha = entries.get(path)?.type === 'file' ? options.trusted?.(file) : undefined;
    if (sha !== undefined) hashes.set(path, sha);
  }
  const trusted = new Set(hashes.keys());
  const hashOf = (path: string): string => {
    let sha = hashes.get(path);
    if (sha === undefined) {
      const file = wanted.get(path)!;
      sha = options.contentSha256 ? options.contentSha256(file) : sha256(file.content);
      hashes.set(path, sha);
    }
    return sha;
  };
  const entryOf = (path: string) => provenanceEntry(wanted.get(path)!, hashOf(path));
  const fleetIndex = !scope && ownConfig !== undefined ? () => indexChunks({ generator: 'meshforge', config: ownConfig, paths: [...wanted.keys()], entry: entryOf }) : undefined;
  const indexUnchanged = fleetIndex !== undefined && indexEntry?.type === 'file' && comparer.sameBytes(indexPath, fleetIndex());
  const previous = indexUnchanged ? undefined : readIndex(outDir, display, entries);
  const generatedBefore = indexUnchanged ? (path: string) => wanted.has(path) : (path: string) => previous?.files[path] !== undefined;

  const added: string[] = [];
  const changed: string[] = [];
  const conflicts = new Set<string>();
  const writes: RenderedFile[] = [];
  let unchanged = 0;
  const checkedFolders = new Set<string>();
  for (const [path, file] of wanted) {
    // Every folder on the way must be a real folder: a symlink or file there is foreign, and never written through.
    for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
      const ancestor = path.slice(0, slash);
      if (checkedFolders.has(ancestor)) continue;
      checkedFolders.add(ancestor);
      const type = entries.get(ancestor)?.type;
      if (type !== undefined && type !== 'dir') conflicts.add(ancestor);
    }
    const entry = entries.get(path);
    if (!entry) {
      added.push(path);
      writes.push(file);
    } else if (entry.type !== 'file') {
      conflicts.add(path);
    } else if (trusted.has(path)) {
      unchanged++;
    } else {
      // Bytes, not the index's hashes: a hand edit of a generated file must show up as a change.
      if (comparer.sameText(join(abs, path), file.content)) unchanged++;
      else if (generatedBefore(path)) {
        changed.push(path);
        writes.push(file);
      } else conflicts.add(path);
    }
  }

  const removed: string[] = [];
  const removedResources: Record<string, number> = {};
  for (const [path, entry] of Object.entries(previous?.files ?? {})) {
    if (wanted.has(path) || !inScope(path, (entry as ProvenanceEntry).cluster)) continue;
    if (entries.get(path)?.type !== 'file') continue;
    removed.push(path);
    removedResources[path] = entry.resources.length;
  }

  const foreign: string[] = [];
  for (const [path, entry] of entries) {
    if (entry.type === 'dir' || !diskInScope(path)) continue;
    if (!generatedBefore(path) && !wanted.has(path)) foreign.push(path);
    else if (entry.type !== 'file') foreign.push(path);
  }
  const foreignSet = new Set(foreign);
  for (const c of conflicts) if (!foreignSet.has(c)) foreign.push(c);

  // The index keeps out-of-scope entries as they were and records the scope's files as they will be.
  let index = fleetIndex;
  if (index === undefined) {
    const kept = Object.entries(previous?.files ?? {})
      .filter(([path, entry]) => !inScope(path, entry.cluster) && !wanted.has(path))
      .map(([path]) => path);
    const config = ownConfig ?? previous?.config;
    const paths = [...kept, ...wanted.keys()];
    index = () =>
      indexChunks({
        generator: 'meshforge',
        ...(config !== undefined ? { config } : {}),
        paths,
        entry: (path) => (wanted.has(path) ? entryOf(path) : previous!.files[path]!),
      });
  }
  let writeIndex = false;
  if (indexEntry && indexEntry.type !== 'file') conflicts.add(PROVENANCE_FILE);
  else if (!indexEntry) {
    added.push(PROVENANCE_FILE);
    writeIndex = true;
  } else if (!(indexUnchanged || comparer.sameBytes(indexPath, index()))) {
    changed.push(PROVENANCE_FILE);
    writeIndex = true;
  } else unchanged++;

  return {
    root,
    writes,
    index: writeIndex ? index : undefined,
    entries,
    trusted,
    changes: { added: sorted(added), changed: sorted(changed), removed: sorted(removed), removedResources, unchanged, foreign: sorted(foreign), conflicts: sorted(conflicts) },
  };
}

/** What writing `files` would change, without touching the disk: `--check`, diff and pr use it. */
export function compareTree(outDir: string, files: readonly RenderedFile[], options: TreeOptions = {}): TreeChanges {
  refuseInterruptedSwap(outDir, options.display ?? outDir);
  return planTree(outDir, files, options).changes;
}

export function hasChanges(changes: TreeChanges): boolean {
  return changes.added.length + changes.changed.length + changes.removed.length + changes.conflicts.length > 0;
}

/**
 * Refuses an output folder reached through a symlink: every folder on the way from `base` (the caller's working
 * folder) down to it must be a real folder, as the output folder itself must (checkRoot). A path outside `base` is
 * checked from its parent folder down. Folders that do not exist yet are fine: meshforge creates them.
 */
export function refuseSymlinkedPath(base: string, outDir: string, display: string): void {
  const target = resolve(base, outDir);
  const rel = relative(base, target);
  const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  const start = inside ? resolve(base) : dirname(dirname(target));
  // The output folder itself is checkRoot's (it names the folder as the symlink).
  const steps = relative(start, target).split(sep).filter((part) => part !== '').slice(0, -1);
  let at = start;
  for (const part of steps) {
    at = join(at, part);
    const stat = lstatOrUndefined(at);
    if (!stat) return;
    if (stat.isSymbolicLink()) {
      throw new TreeError(
        `the output folder ${display} is reached through a symlink (${relative(base, at) || at})`,
        'meshforge never follows symlinks when it writes: pass the real folder with --out.',
        [at],
      );
    }
  }
}

/**
 * The paths beside the output folder that a write uses: the folder it builds the new entries in (stage), the folder it
 * parks the replaced ones in (old), the ledger record, and the journal of a per-folder swap.
 */
export function sidePaths(outDir: string) {
  const abs = resolve(outDir);
  const parent = dirname(abs);
  const name = basename(abs);
  return {
    abs,
    parent,
    stage: join(parent, `.${name}.meshforge-new`),
    old: join(parent, `.${name}.meshforge-old`),
    ledger: join(parent, `.${name}.meshforge-ledger`),
    journal: join(parent, `.${name}.meshforge-journal`),
  };
}

/** Refuses content holding a private key or a token (checked where files are written, so there is no path around it). */
function refuseKeyMaterial(path: string, content: string): void {
  const found = secretIn(content);
  if (found === 'a PEM private key block') {
    throw new TreeError(`refusing to write ${path}: it contains a PEM private key block`, 'Private keys never go into the generated tree or git: keep them in the PKI folder (ca.pkiDir) or a secret manager, and reference them by Secret name.', [path]);
  }
  if (found === 'what looks like a GitHub token') {
    throw new TreeError(`refusing to write ${path}: it contains what looks like a GitHub token`, 'Tokens never go into the generated tree or git: remove it from mesh.config.yaml and pass it to meshforge through GITHUB_TOKEN.', [path]);
  }
}

/** Opens a new file for writing: exclusive create (never an existing file), never through a symlink. */
function openNew(file: string, mode = 0o644): number {
  return openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
}

/** The start of the temporary names writeUnguessable gives files beside `file`. */
function tempPrefix(file: string): string {
  return `.${basename(file)}.meshforge-tmp-`;
}

/** Writes `content` to a new file whose name nobody can guess (exclusive, no symlink followed) and returns that name. */
function writeUnguessable(beside: string, content: string, mode = 0o644): string {
  const temp = join(dirname(beside), `${tempPrefix(beside)}${randomBytes(8).toString('hex')}`);
  const fd = openNew(temp, mode);
  try {
    const bytes = Buffer.from(content, 'utf8');
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  return temp;
}

/** The record of the ledger a swap commits with its tree: the ledger's bytes and the new tree's index hash. */
interface LedgerIntent {
  readonly content: string;
  /** sha256 of the swapped-in tree's provenance index: the record belongs to that tree and no other. */
  readonly index: string | null;
}

function indexHash(dir: string): string | null {
  try {
    const stat = lstatSync(join(dir, PROVENANCE_FILE));
    if (!stat.isFile()) return null;
    return createHash('sha256').update(readFileSync(join(dir, PROVENANCE_FILE))).digest('hex');
  } catch {
    return null;
  }
}

function readIntent(file: string): LedgerIntent | undefined {
  try {
    if (!lstatSync(file).isFile()) return undefined;
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<LedgerIntent>;
    return typeof value.content === 'string' && (typeof value.index === 'string' || value.index === null) ? { content: value.content, index: value.index } : undefined;
  } catch {
    return undefined;
  }
}

/** One entry of the output folder (see unitOf) that a per-folder swap replaces with its staged version, or removes. */
interface SwapUnit {
  readonly name: string;
  readonly action: 'replace' | 'remove';
}

const JOURNAL_FORMAT = 1;

/** Written once every unit is staged: from then on the swap is finished, never undone (by this run or the next). */
interface SwapJournal {
  readonly format: typeof JOURNAL_FORMAT;
  readonly units: readonly SwapUnit[];
}

function isSafeUnitName(name: unknown): name is string {
  if (typeof name !== 'string' || name.includes('\\')) return false;
  const parts = name.split('/');
  return parts.length <= 2 && parts.every((part) => part !== '' && part !== '.' && part !== '..');
}

/** The journal beside the output folder; undefined when there is none. A journal that cannot be read stops the run. */
function readJournal(file: string, display: string): SwapJournal | undefined {
  if (!lstatOrUndefined(file)) return undefined;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<SwapJournal>;
    if (value.format === JOURNAL_FORMAT && Array.isArray(value.units) && value.units.every((u) => isSafeUnitName(u?.name) && (u.action === 'replace' || u.action === 'remove'))) return { format: JOURNAL_FORMAT, units: value.units };
  } catch {
    // reported below
  }
  throw new TreeError(
    `${file} records an interrupted write of ${display} that this meshforge cannot read`,
    `Restore ${display} from git (git checkout -- ${display}), delete ${file} and the folders beside ${display} whose names end in .meshforge-new and .meshforge-old, and run meshforge generate again.`,
    [file],
  );
}

/** Whether a killed run left a per-folder swap to finish: readers then see a tree that is neither the old nor the new. */
export function interruptedSwap(outDir: string): boolean {
  return lstatOrUndefined(sidePaths(outDir).journal) !== undefined;
}

/** Refuses to read a tree that a killed run left half swapped (the next `meshforge generate` finishes the swap). */
export function refuseInterruptedSwap(outDir: string, display = outDir): void {
  if (!interruptedSwap(outDir)) return;
  throw new TreeError(
    `${display} is half written: a meshforge generate run was killed (or is still running) while it swapped cluster folders`,
    'Run `meshforge generate` (it takes the output lock and finishes the interrupted write), then run this command again.',
    [sidePaths(outDir).journal],
  );
}

/**
 * Finishes a per-folder swap that its journal commits: every unit not yet in place is parked and replaced (or
 * removed). Refuses when a unit's folder stands both in place and parked: something other than meshforge moved it.
 */
function rollForward(paths: ReturnType<typeof sidePaths>, journal: SwapJournal, display: string): void {
  mkdirSync(paths.old, { recursive: true });
  for (const unit of journal.units) {
    const target = join(paths.abs, unit.name);
    const staged = join(paths.stage, unit.name);
    const parked = join(paths.old, unit.name);
    if (unit.action === 'replace' && !lstatOrUndefined(staged)) continue;
    if (lstatOrUndefined(target)) {
      mkdirSync(dirname(parked), { recursive: true });
      if (lstatOrUndefined(parked)) {
        throw new TreeError(
          `cannot finish the interrupted write of ${display}: ${unit.name} stands both in ${display} and in ${paths.old}`,
          `Keep the version you want in ${display}, delete ${paths.journal}, ${paths.stage} and ${paths.old}, and run meshforge generate again.`,
          [join(display, unit.name)],
        );
      }
      renameSync(target, parked);
    }
    if (unit.action === 'replace') {
      mkdirSync(dirname(target), { recursive: true });
      renameSync(staged, target);
    } else pruneEmptyParents(paths.abs, unit.name);
  }
}

/**
 * Finishes or undoes a write that a killed run left half done. A per-folder swap whose journal was written is
 * finished (the staged units go into place); a swap without a journal is undone (the staged entries are dropped, with
 * the ledger record). A parked old tree is put back when the target is missing (a whole-tree swap of an older
 * meshforge that did not happen) and dropped when the new tree is in place. The ledger record is written to
 * `ledgerFile` when given and when it names the tree now in place. A half-built new tree is removed. Without
 * `ledgerFile` a record is left for the run that knows the ledger.
 */
export function recoverInterruptedWrite(outDir: string, ledgerFile?: string): void {
  const paths = sidePaths(outDir);
  const { abs, stage, old, ledger } = paths;
  // Temporary files of a run killed while writing them (named by writeUnguessable: a prefix and 16 hex digits).
  for (const file of [ledger, paths.journal, ...(ledgerFile !== undefined ? [resolve(ledgerFile)] : [])]) {
    let names: string[];
    try {
      names = readdirSync(dirname(file));
    } catch {
      continue;
    }
    const prefix = tempPrefix(file);
    for (const name of names) if (name.startsWith(prefix) && /^[0-9a-f]{16}$/.test(name.slice(prefix.length))) rmSync(join(dirname(file), name), { force: true });
  }
  const journal = readJournal(paths.journal, outDir);
  if (journal) {
    rollForward(paths, journal, outDir);
    rmSync(paths.journal, { force: true });
    rmSync(stage, { recursive: true, force: true });
  }
  if (lstatOrUndefined(old)) {
    if (lstatOrUndefined(abs)) removeParkedTree(old, abs, undefined);
    else renameSync(old, abs);
  }
  // The record is written once the new tree is complete, and the staged tree goes only by the swap (or by this
  // function): a staged tree still beside means the swap did not happen.
  if (lstatOrUndefined(stage)) {
    rmSync(stage, { recursive: true, force: true });
    rmSync(ledger, { force: true });
    return;
  }
  if (ledgerFile === undefined || !lstatOrUndefined(ledger)) return;
  const intent = readIntent(ledger);
  if (intent && intent.index === indexHash(abs)) writeFileAtomic(ledgerFile, intent.content);
  rmSync(ledger, { force: true });
}

/**
 * Moves what is in the parked old tree but was not there when this run listed it (a file the user created while the
 * new tree was being staged) into the new tree, so it is kept; beside the path under a new name when a generated
 * file now stands there. Returns the paths it kept, relative to the output folder.
 */
function rescueLateArrivals(old: string, abs: string, listed: ReadonlyMap<string, Entry> | undefined): string[] {
  const kept: string[] = [];
  let found: Map<string, Entry>;
  try {
    found = walk(old);
  } catch {
    return kept;
  }
  // Without the run's listing (recovery after a kill), the old tree's files are told apart by the old index (files
  // meshforge generated, some pruned since) and by the new tree (a carried-over file or a new version stands there).
  let generated: ProvenanceIndex | undefined;
  if (listed === undefined) {
    try {
      generated = parseProvenance(readFileSync(join(old, PROVENANCE_FILE), 'utf8'));
    } catch {
      generated = undefined;
    }
  }
  for (const [path, entry] of found) {
    if (entry.type === 'dir' || listed?.has(path)) continue;
    if (listed === undefined && (path === PROVENANCE_FILE || generated?.files[path] !== undefined)) continue;
    const from = join(old, path);
    let to = join(abs, path);
    let keptAs = path;
    if (lstatOrUndefined(to)) {
      if (listed === undefined) continue;
      const suffix = `.meshforge-kept-${randomBytes(4).toString('hex')}`;
      to += suffix;
      keptAs += suffix;
    }
    mkdirSync(dirname(to), { recursive: true });
    renameSync(from, to);
    kept.push(keptAs);
  }
  return kept;
}

/**
 * Deletes the parked old tree: only what the walk listed (each entry unlinked directly, no lstat per entry, as a
 * generic recursive delete does). Anything else found there arrived while the run was staging: it is moved into the
 * new tree first, never deleted. Returns the late arrivals kept.
 */
function removeParkedTree(old: string, abs: string, entries: ReadonlyMap<string, Entry> | undefined): string[] {
  if (!lstatOrUndefined(old)) return [];
  const kept = rescueLateArrivals(old, abs, entries);
  const listed = entries ?? walk(old);
  const folders: string[] = [];
  for (const [path, entry] of listed) {
    if (entry.type === 'dir') folders.push(path);
    else {
      try {
        unlinkSync(join(old, path));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }
  // Deepest first, so each folder is empty when its turn comes.
  folders.sort((a, b) => b.length - a.length);
  for (const folder of folders) {
    try {
      rmdirSync(join(old, folder));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  try {
    rmdirSync(old);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Something arrived after the rescue: keep it too. What is still there then is left for the next run's recovery.
    kept.push(...rescueLateArrivals(old, abs, listed));
    for (const folder of folders) {
      try {
        rmdirSync(join(old, folder));
      } catch {
        // not empty: the next run rescues what is in it
      }
    }
    try {
      rmdirSync(old);
    } catch {
      // as above
    }
  }
  return kept;
}

/** Writes a new file from chunks (exclusive create, like every file of the staged tree). */
function writeChunks(file: string, chunks: Iterable<Buffer>): void {
  const fd = openNew(file);
  try {
    for (const chunk of chunks) for (let done = 0; done < chunk.length; ) done += writeSync(fd, chunk, done, chunk.length - done);
  } finally {
    closeSync(fd);
  }
}

/** Hard link, so an unchanged file keeps its inode and bytes; a copy where links are not possible. */
function carryOver(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
    const stat = statSync(from);
    utimesSync(to, stat.atime, stat.mtime);
  }
}

/**
 * Writes the tree atomically: the new tree is built beside the target (unchanged and foreign files hard-linked, so
 * only changed bytes are written) and swapped in with two renames. A run killed at any moment leaves the old tree or
 * the new one (a kill between the renames parks the old tree beside the target; the next run puts it back), never a
 * mix, and never a temporary file inside the tree. Files meshforge generated before and no longer produces are pruned;
 * files it did not generate are kept and reported; a foreign file or symlink where a generated file must go stops the
 * write before anything changes.
 */
export function writeTree(outDir: string, files: readonly RenderedFile[], options: WriteOptions = {}): TreeChanges {
  const paths = sidePaths(outDir);
  mkdirSync(paths.parent, { recursive: true });
  return withOutputLock(outDir, () => swapTree(outDir, paths, files, options));
}

/** Gives a folder meshforge made in the staged tree the mode (and, as root, the owner) of the folder it replaces. */
function keepFolderAttributes(from: string, to: string): void {
  const stat = lstatSync(from);
  chmodSync(to, stat.mode & 0o7777);
  if (process.getuid?.() === 0 && (stat.uid !== 0 || stat.gid !== 0)) chownSync(to, stat.uid, stat.gid);
}

/**
 * The entry a per-folder swap replaces as a whole for a path: the folder two levels down (a cluster's namespace
 * folder, `<cluster>/<namespace>`), or the path itself when it lies higher (the index, a cluster's kustomization).
 * A one-service change then rebuilds the namespace folders it reaches, not whole clusters.
 */
function unitOf(path: string): string {
  const first = path.indexOf('/');
  if (first === -1) return path;
  const second = path.indexOf('/', first + 1);
  return second === -1 ? path : path.slice(0, second);
}

/**
 * Whether every existing folder a unit is renamed out of (or into) lets this process do so: a read-only folder of the
 * user's (not for root, which renames anyway) would stop a per-folder swap half way, after its journal.
 */
function unitFoldersWritable(abs: string, units: ReadonlySet<string>): boolean {
  const checked = new Set<string>();
  for (const unit of units) {
    for (let dir = dirname(unit); ; dir = dirname(dir)) {
      const folder = dir === '.' ? abs : join(abs, dir);
      if (!checked.has(folder)) {
        checked.add(folder);
        try {
          if (lstatOrUndefined(folder)) accessSync(folder, constants.W_OK | constants.X_OK);
        } catch {
          return false;
        }
      }
      if (dir === '.' || dir === '') break;
    }
  }
  return true;
}

/** Removes the folders above a removed unit that its removal left empty (never the output folder itself). */
function pruneEmptyParents(abs: string, unit: string): void {
  for (let dir = dirname(unit); dir !== '.' && dir !== ''; dir = dirname(dir)) {
    try {
      rmdirSync(join(abs, dir));
    } catch {
      return;
    }
  }
}

/** Writes one staged file (exclusive create, never through a symlink). */
function writeStaged(to: string, content: string): void {
  const fd = openNew(to);
  try {
    const bytes = Buffer.from(content, 'utf8');
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
  } finally {
    closeSync(fd);
  }
}

/**
 * Builds the staged entries: every listed entry `include` accepts is carried over (unchanged files hard-linked,
 * symlinks re-made, special files linked), the changed files written, the index written when it changes, and folders
 * that pruning empties removed. The folders meshforge makes get the mode of the folders they replace.
 */
function stageEntries(paths: ReturnType<typeof sidePaths>, plan: TreePlan, changes: TreeChanges, include: (path: string) => boolean, options: WriteOptions): void {
  // The index is carried over like any file unless this run writes a new one (a restored hand edit leaves it as it is).
  const drop = new Set([...changes.changed, ...changes.removed, ...(plan.index ? [PROVENANCE_FILE] : [])]);
  for (const [path, entry] of plan.entries) {
    if (!include(path)) continue;
    const from = join(paths.abs, path);
    const to = join(paths.stage, path);
    if (entry.type === 'dir') mkdirSync(to, { recursive: true });
    else if (entry.type === 'symlink') symlinkSync(readlinkSync(from), to);
    else if (entry.type === 'other') {
      // A FIFO, a socket or a device node is the user's: the same node goes into the new tree (a hard link), or
      // nothing is written at all.
      try {
        linkSync(from, to);
      } catch (error) {
        throw new TreeError(`cannot keep ${join(options.display ?? paths.abs, path)} (${(error as NodeJS.ErrnoException).code ?? 'error'}): it is a special file meshforge did not generate`, 'Move it out of the output folder and run again: meshforge replaces the folder as a whole and never deletes files it did not generate.', [path]);
      }
    } else if (entry.type === 'file' && !drop.has(path)) carryOver(from, to);
  }
  const madeFolders = new Set<string>();
  for (const file of plan.writes) {
    const to = join(paths.stage, file.path);
    const folder = dirname(to);
    if (!madeFolders.has(folder)) {
      mkdirSync(folder, { recursive: true });
      madeFolders.add(folder);
    }
    writeStaged(to, file.content);
  }
  if (plan.index) writeChunks(join(paths.stage, PROVENANCE_FILE), plan.index());
  // Folders left empty by pruning go too; empty folders that were already there are someone else's.
  // (Several removed files share folders: a folder already removed for one of them is skipped for the next.)
  const removedFolders = new Set<string>();
  for (const path of changes.removed) {
    let dir = dirname(path);
    while (dir !== '.' && dir !== '' && !removedFolders.has(dir)) {
      const full = join(paths.stage, dir);
      if (readdirSync(full).length > 0) break;
      rmdirSync(full);
      removedFolders.add(dir);
      dir = dirname(dir);
    }
  }
  // The user's folders keep their mode (and, as root, their owner): set last, as a read-only folder of theirs may
  // still have received generated files above. Folders pruned above are gone.
  for (const [path, entry] of plan.entries) if (entry.type === 'dir' && include(path) && lstatOrUndefined(join(paths.stage, path))) keepFolderAttributes(join(paths.abs, path), join(paths.stage, path));
}

/** Records the ledger that goes with the tree whose index hashes to `index`, before the swap (see recoverInterruptedWrite). */
function recordLedgerIntent(paths: ReturnType<typeof sidePaths>, ledger: WriteOptions['ledger'], index: string | null): void {
  if (!ledger) return;
  refuseKeyMaterial(ledger.path, ledger.content);
  const intent: LedgerIntent = { content: ledger.content, index };
  renameSync(writeUnguessable(paths.ledger, JSON.stringify(intent)), paths.ledger);
}

function swapTree(outDir: string, paths: ReturnType<typeof sidePaths>, files: readonly RenderedFile[], options: WriteOptions): TreeChanges {
  try {
    recoverInterruptedWrite(outDir, options.ledger?.path);
    const plan = planTree(outDir, files, options);
    // Files the caller vouched for are on disk as an earlier write (which checked them) left them.
    for (const file of files) if (!plan.trusted.has(file.path)) refuseKeyMaterial(file.path, file.content);
    const { changes } = plan;
    if (changes.conflicts.length > 0) {
      throw new TreeError(
        `${changes.conflicts.length} path${changes.conflicts.length === 1 ? '' : 's'} in ${options.display ?? outDir} that meshforge did not generate stand where it must write: ${changes.conflicts.slice(0, 5).join(', ')}${changes.conflicts.length > 5 ? ', …' : ''}`,
        'meshforge never overwrites or writes through files and symlinks it did not create. Move them out of the output folder and run again.',
        changes.conflicts,
      );
    }
    options.onPlanned?.(changes);
    if (!hasChanges(changes)) return changes;

    mkdirSync(paths.stage);
    const touched = new Set([...changes.added, ...changes.changed, ...changes.removed].map(unitOf));
    if (plan.root === 'missing' || !unitFoldersWritable(paths.abs, touched)) {
      // A first run, or a folder of the user's that the units cannot be renamed out of (read-only): the whole tree is
      // built beside the target and swapped in with two renames (a kill between them parks the old tree beside the
      // target; the next run puts it back or drops it).
      stageEntries(paths, plan, changes, () => true, options);
      if (plan.root === 'dir') keepFolderAttributes(paths.abs, paths.stage);
      recordLedgerIntent(paths, options.ledger, indexHash(paths.stage));
      options.onStep?.('staged');
      if (plan.root === 'dir') {
        renameSync(paths.abs, paths.old);
        options.onStep?.('parked');
      }
      renameSync(paths.stage, paths.abs);
      options.onStep?.('swapped');
      const late = removeParkedTree(paths.old, paths.abs, plan.entries);
      if (options.ledger) {
        writeFileAtomic(options.ledger.path, options.ledger.content);
        rmSync(paths.ledger, { force: true });
      }
      return late.length === 0 ? changes : { ...changes, foreign: sorted([...changes.foreign, ...late]) };
    } else {
      // Per-folder swap: only the units (namespace folders of clusters, files above them, the index) that hold a
      // change are rebuilt and swapped; every other entry stays where it is, untouched. Each unit is complete before
      // the journal commits the run: from then on a killed run is finished by the next one (recoverInterruptedWrite),
      // so the tree and the ledger still change together.
      // What the parked folder will hold: the units' entries and the folders above them (made to park them in).
      const under = new Map<string, Entry>();
      for (const [path, entry] of plan.entries) if (touched.has(unitOf(path))) under.set(path, entry);
      for (const unit of touched) for (let dir = dirname(unit); dir !== '.' && dir !== ''; dir = dirname(dir)) under.set(dir, { type: 'dir' });
      stageEntries(paths, plan, changes, (path) => touched.has(unitOf(path)), options);
      // The index goes last: it is what tells meshforge's files from the user's.
      const names = [...touched].sort((a, b) => (a === PROVENANCE_FILE ? 1 : b === PROVENANCE_FILE ? -1 : a < b ? -1 : a > b ? 1 : 0));
      const units: SwapUnit[] = names.map((name) => ({ name, action: lstatOrUndefined(join(paths.stage, name)) ? 'replace' : 'remove' }));
      recordLedgerIntent(paths, options.ledger, indexHash(touched.has(PROVENANCE_FILE) ? paths.stage : paths.abs));
      options.onStep?.('staged');
      const journal: SwapJournal = { format: JOURNAL_FORMAT, units };
      renameSync(writeUnguessable(paths.journal, JSON.stringify(journal)), paths.journal);
      options.onStep?.('committed');
      mkdirSync(paths.old);
      let parked = false;
      for (const unit of units) {
        const target = join(paths.abs, unit.name);
        if (lstatOrUndefined(target)) {
          const parkedAt = join(paths.old, unit.name);
          mkdirSync(dirname(parkedAt), { recursive: true });
          renameSync(target, parkedAt);
          if (!parked) options.onStep?.('parked');
          parked = true;
        }
        if (unit.action === 'replace') {
          mkdirSync(dirname(target), { recursive: true });
          renameSync(join(paths.stage, unit.name), target);
        } else pruneEmptyParents(paths.abs, unit.name);
      }
      options.onStep?.('swapped');
      rmSync(paths.journal, { force: true });
      // What is left of the staged folder: the empty folders above the units.
      rmSync(paths.stage, { recursive: true, force: true });
      const late = removeParkedTree(paths.old, paths.abs, under);
      if (options.ledger) {
        writeFileAtomic(options.ledger.path, options.ledger.content);
        rmSync(paths.ledger, { force: true });
      }
      return late.length === 0 ? changes : { ...changes, foreign: sorted([...changes.foreign, ...late]) };
    }
  } catch (error) {
    // Before the journal: leave the old tree in place and drop the staged entries. After it: finish the swap.
    try {
      recoverInterruptedWrite(outDir, options.ledger?.path);
    } catch {
      // The original error is the one to report.
    }
    throw error;
  }
}

/**
 * Replaces one file atomically (write beside it under a name nobody can guess, exclusively and never through a
 * symlink, then rename over it), only when its bytes change. Returns whether it wrote.
 */
export function writeFileAtomic(file: string, content: string, display = file): boolean {
  refuseKeyMaterial(display, content);
  const abs = resolve(file);
  const stat = lstatOrUndefined(abs);
  if (stat?.isSymbolicLink()) throw new TreeError(`${display} is a symlink`, 'meshforge never writes through symlinks: replace it with a regular file.');
  if (stat?.isFile() && readFileSync(abs, 'utf8') === content) return false;
  const temp = writeUnguessable(abs, content, stat?.isFile() ? Number(stat.mode) & 0o7777 : 0o644);
  try {
    renameSync(temp, abs);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return true;
}
