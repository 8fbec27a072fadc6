import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { fail, ok, type StageResult } from '../diagnostics/result.js';
import type { SourceRegistry } from '../diagnostics/sources.js';
import type { Diagnostic, DocPath } from '../diagnostics/types.js';
import { MANIFEST_LIMITS } from '../load/limits.js';
import { decodeSource } from '../load/source.js';
import { clusterFromPath, manifestsFromDocuments, manifestsFromParsed, STDIN_NAME, type ManifestTextOptions } from '../manifest/from-text.js';
import type { ManifestResource } from '../manifest/types.js';
import { PROVENANCE_FILE } from '../manifest/vocabulary.js';
import type { MeshModel } from '../model/types.js';
import { shardClusters, type Shard } from '../pipeline/generate.js';
import { ParsePool, type ParsePoolOptions } from './parse-pool.js';
import { notRegular, readRegularFile, unreadable, unreadableReason } from './read-file.js';
import { findTreeRoot, planRenderedTree, treeConfigFile, type IntendedFile } from './rendered-tree.js';

interface InputFile {
  /** As shown in reports: the argument as typed, joined with the path below it (POSIX separators). */
  readonly display: string;
  readonly absolute: string;
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** Whether `path` is `folder` or lies below it (both real paths). */
function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Collects *.yaml/*.yml files below a folder, and every generated tree's root (a folder with an index) on the way.
 * Only regular files are taken; a symbolic link is followed only when its target lies inside `root` (the real path of
 * the folder the user gave): a link out of it (creds.yaml -> ~/.aws/credentials, in a pull request) is refused
 * unread. Folders that cannot be read are reported, not thrown.
 */
function walk(display: string, absolute: string, root: string, out: InputFile[], treeRoots: Set<string>, problems: Diagnostic[]): void {
  let entries;
  try {
    entries = readdirSync(absolute, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    problems.push(unreadable(display, `cannot read the folder ${display}: ${unreadableReason(error)}`, 'Check that the folder exists and is readable.'));
    return;
  }
  for (const entry of entries) {
    // Hidden folders (.git, .meshforge) and dependencies are never manifests.
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const childDisplay = display === '.' ? entry.name : posix.join(display, entry.name);
    const childAbsolute = join(absolute, entry.name);
    if (entry.isDirectory()) walk(childDisplay, childAbsolute, root, out, treeRoots, problems);
    else if (/\.ya?ml$/i.test(entry.name) && entry.isFile()) out.push({ display: childDisplay, absolute: childAbsolute });
    else if (/\.ya?ml$/i.test(entry.name) && entry.isSymbolicLink()) {
      let target: string;
      try {
        target = realpathSync(childAbsolute);
      } catch (error) {
        problems.push(unreadable(childDisplay, `cannot read ${childDisplay}: ${unreadableReason(error)}`, 'Fix or remove the symbolic link.'));
        continue;
      }
      if (!isInside(root, target)) {
        problems.push(unreadable(childDisplay, `${childDisplay} is a symbolic link to a file outside the folder being linted: it was not read`, 'lint never follows a link out of the folders it is given: replace the link with the file itself, or lint the target directly.'));
        continue;
      }
      if (statSync(target, { throwIfNoEntry: false })?.isFile()) out.push({ display: childDisplay, absolute: childAbsolute });
    } else if (entry.name === PROVENANCE_FILE && entry.isFile()) treeRoots.add(absolute);
  }
}

/** How the files of a run were read: for `--parse-all` comparisons and tests. */
export interface LoadStats {
  /** Files taken from the in-memory render (their bytes equal the rendered text). */
  rendered: number;
  /** Files parsed. */
  parsed: number;
  /** Generated trees the fast path engaged for. */
  trees: number;
  /** Files taken from the plan without being read: the run state vouched for their tree (none when absent). */
  vouched?: number;
}

/** Where relative inputs are resolved and `-` is read from: the caller's working folder and standard input. */
export interface InputContext {
  readonly cwd: string;
  readStdin(): Promise<Buffer>;
}

export interface LoadManifestsOptions {
  readonly cluster?: string;
  readonly io: InputContext;
  readonly sources: SourceRegistry;
  readonly configFile?: string;
  /** Reads generated files' `# Source:` paths against the loaded config (ManifestTextOptions.locateOrigin). */
  readonly locateOrigin?: (printed: string) => DocPath | undefined;
  /**
   * The loaded mesh config's model: enables the fast path for generated trees made from this config (their index's
   * `config` is this file). Files whose bytes equal what the config renders are not parsed; their resources are the
   * objects they were rendered from. Leave out to parse every file (`--parse-all`).
   */
  readonly renderFrom?: MeshModel;
  /**
   * Asked once for each generated tree the fast path engages for (absolute root): true when the run state vouches that
   * the tree is exactly what `renderFrom` generates (app/tree-vouch.ts). Its planned files are then not read: their
   * resources come from the plan and their text is rendered only if a finding on them is printed. Files the plan
   * does not hold (foreign files) are read and parsed as always.
   */
  readonly vouched?: (root: string) => boolean;
  readonly stats?: LoadStats;
  /** Receives the path (as displayed) of every file read: `--shard` takes cluster names from it without a config. */
  readonly fileList?: string[];
  /** Worker threads for parsing (parse-pool.ts); default: one per CPU once a run has enough files to parse. */
  readonly parse?: Omit<ParsePoolOptions, 'limits'>;
  /** Receives whether worker threads parsed any file (tests). */
  readonly onParsed?: (usedWorkers: boolean) => void;
}

/**
 * Whether planning a tree in memory pays: rendering plans the whole fleet (about 15 µs a generated file) and saves
 * about 200 µs on each file read, so it pays when the paths cover the whole tree or at least an eighth of its
 * clusters' folders. Linting one file or one folder of a large fleet stays as fast as parsing it.
 */
export function renderPays(coveredFolders: number | 'all', clusters: number): boolean {
  return coveredFolders === 'all' || (coveredFolders > 0 && coveredFolders * 8 >= clusters);
}

/** The generated trees the fast path is used for, keyed by their absolute root folder. */
function engagedTrees(folderInputs: readonly string[], walkedRoots: ReadonlySet<string>, model: MeshModel): string[] {
  const coverage = new Map<string, Set<string> | 'all'>();
  for (const root of walkedRoots) coverage.set(root, 'all');
  for (const folder of folderInputs) {
    const root = findTreeRoot(folder);
    // A folder inside a tree counts when it is one of the tree's top folders (a cluster, _argocd).
    if (root === undefined || coverage.get(root) === 'all' || dirname(folder) !== root) continue;
    const covered = coverage.get(root) ?? new Set<string>();
    if (covered !== 'all') covered.add(basename(folder));
    coverage.set(root, covered);
  }
  const configFile = resolve(model.configFile);
  const clusterNames = new Set(model.clusters.map((c) => c.name));
  return [...coverage]
    .filter(([, covered]) => renderPays(covered === 'all' ? 'all' : [...covered].filter((name) => clusterNames.has(name)).length, clusterNames.size))
    .map(([root]) => root)
    .filter((root) => treeConfigFile(root) === configFile)
    .sort();
}

/**
 * Reads every input (files, folders searched recursively for *.yaml/*.yml, `-` for stdin) into resources.
 * Each resource's cluster comes from a clusters/<name>/ segment of its path, else from `cluster`.
 * Any unreadable or invalid input fails the whole load, with every problem found.
 */
export async function loadManifests(inputs: readonly string[], options: LoadManifestsOptions): Promise<StageResult<ManifestResource[]>> {
  const { io, sources } = options;
  const files: InputFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const folderInputs: string[] = [];
  const walkedRoots = new Set<string>();
  let stdin = false;
  for (const input of inputs) {
    if (input === '-') {
      stdin = true;
      continue;
    }
    const absolute = isAbsolute(input) ? input : resolve(io.cwd, input);
    const display = toPosix(input).replace(/\/+$/, '') || '/';
    let stats: Stats;
    try {
      stats = statSync(absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      diagnostics.push(unreadable(input, code === 'ENOENT' || code === 'ENOTDIR' ? `no such file or folder: ${input}` : `cannot read ${input}: ${unreadableReason(error)}`, 'Pass existing files or folders of Kubernetes YAML (or - for standard input).'));
      continue;
    }
    // A link named on the command line may point anywhere below the caller's folder, not out of it.
    if (lstatSync(absolute).isSymbolicLink() && !isInside(realpathSync(io.cwd), realpathSync(absolute))) {
      diagnostics.push(unreadable(display, `${display} is a symbolic link to a path outside the working folder: it was not read`, 'lint never follows a link out of the folders it is given: lint the target directly.'));
      continue;
    }
    if (stats.isDirectory()) {
      const before = files.length;
      const problems = diagnostics.length;
      folderInputs.push(resolve(absolute));
      walk(display, absolute, realpathSync(absolute), files, walkedRoots, diagnostics);
      if (files.length === before && diagnostics.length === problems) diagnostics.push(unreadable(input, `no *.yaml or *.yml files under ${input}`, 'Point meshforge lint at a folder of manifests, e.g. clusters/.'));
    } else if (stats.isFile()) {
      files.push({ display, absolute });
    } else {
      diagnostics.push(notRegular(display));
    }
  }

  // The fast path: generated trees of the loaded config, rendered in memory (never written).
  const trees = options.renderFrom ? engagedTrees(folderInputs, walkedRoots, options.renderFrom) : [];
  const rendered = trees.length > 0 ? planRenderedTree(options.renderFrom!, options.renderFrom!.configFile) : undefined;
  // Asked after planning: the plan read the ledger the vouch then compares with what generate recorded.
  const vouchedRoots = new Set(rendered && options.vouched ? trees.filter((root) => options.vouched!(root)) : []);
  const intendedFor = (absolute: string): { intended: IntendedFile; vouched: boolean } | undefined => {
    if (!rendered) return undefined;
    const full = resolve(absolute);
    const root = trees.find((r) => full.startsWith(r + sep));
    const intended = root === undefined ? undefined : rendered.get(toPosix(relative(root, full)));
    return intended === undefined ? undefined : { intended, vouched: vouchedRoots.has(root!) };
  };
  if (options.stats && rendered) options.stats.trees += trees.length;

  const resources: ManifestResource[] = [];
  const seen = new Set<string>();
  const textOptions: ManifestTextOptions = { sources, ...(options.cluster !== undefined ? { cluster: options.cluster } : {}), ...(options.configFile !== undefined ? { configFile: options.configFile } : {}), ...(options.locateOrigin !== undefined ? { locateOrigin: options.locateOrigin } : {}) };
  // Inside a generated tree (a folder holding meshforge's index) a file's cluster is its top folder, wherever the tree
  // was written (`generate --out gitops/` too), not only under a folder named clusters/.
  const treeRootOf = memoTreeRoots();
  // One answer per folder: every file of a folder has the same tree root and top folder (a tree holds ~20 files a folder).
  const folderOptions = new Map<string, ManifestTextOptions>();
  const fileOptions = (absolute: string | undefined): ManifestTextOptions => {
    if (absolute === undefined) return textOptions;
    const full = resolve(absolute);
    const folder = dirname(full);
    let found = folderOptions.get(folder);
    if (found === undefined) {
      const cluster = treeCluster(treeRootOf(folder), full);
      found = cluster === undefined ? textOptions : { ...textOptions, cluster };
      folderOptions.set(folder, found);
    }
    return found;
  };
  // Each file's outcome, in input order: files being parsed by a worker hold a promise until it answers, so the
  // resources and diagnostics come out in the same order wherever each file was parsed. Until the first file goes to
  // the pool, outcomes are taken in at once (a generated tree read by the fast path never keeps a list of them).
  const outcomes: (StageResult<ManifestResource[]> | Promise<StageResult<ManifestResource[]>>)[] = [];
  const take = (loaded: StageResult<ManifestResource[]>): void => {
    diagnostics.push(...loaded.diagnostics);
    if (loaded.ok) for (const resource of loaded.value) resources.push(resource);
  };
  const settled = (loaded: StageResult<ManifestResource[]>): void => {
    if (outcomes.length === 0) take(loaded);
    else outcomes.push(loaded);
  };
  const pool = new ParsePool({ ...options.parse, limits: MANIFEST_LIMITS });
  const accept = (file: string, bytes: Uint8Array, intended?: IntendedFile, absolute?: string): void => {
    const decoded = decodeSource(file, bytes, MANIFEST_LIMITS, sources);
    if (!decoded.ok) {
      settled(fail(decoded.diagnostics));
      return;
    }
    const text = decoded.value.text;
    // Equal text means parsing would give back exactly the documents the file was rendered from.
    const same = intended !== undefined && text === intended.render();
    const ownOptions = fileOptions(absolute);
    if (options.stats) options.stats[same ? 'rendered' : 'parsed']++;
    if (same) settled(manifestsFromDocuments(file, text, intended.documents.map((value, index) => ({ index, value })), ownOptions));
    else outcomes.push(pool.parse(file, text).then((parsed) => manifestsFromParsed(file, text, parsed, ownOptions)));
  };
  // A file the run state vouches for holds exactly the rendered text: nothing is read, the text is rendered only if
  // a position in it is printed. Its origin is read from the header line alone, as from the whole text (a header
  // too long for that reading, which looks at the first 2 KiB, is rendered).
  const takeVouched = (file: string, intended: IntendedFile, absolute: string): void => {
    const source = intended.source();
    const head = source.length < 1024 ? `# Source: ${source}\n` : intended.render();
    sources.addLazyText(file, intended.render);
    if (options.stats) options.stats.vouched = (options.stats.vouched ?? 0) + 1;
    settled(manifestsFromDocuments(file, head, intended.documents.map((value, index) => ({ index, value })), fileOptions(absolute)));
  };
  try {
    for (const file of files) {
      if (seen.has(file.absolute)) continue;
      seen.add(file.absolute);
      options.fileList?.push(file.display);
      const planned = intendedFor(file.absolute);
      if (planned?.vouched) {
        takeVouched(file.display, planned.intended, file.absolute);
        continue;
      }
      const intended = planned?.intended;
      if (intended === undefined) {
        // Nothing to compare with: the file is read, decoded and parsed by a worker (or here, for small runs).
        const display = file.display;
        const ownOptions = fileOptions(file.absolute);
        outcomes.push(
          pool.submit({ file: display, absolute: file.absolute }).then((outcome) => {
            if (outcome.read === 'failed') {
              // The lossy decoding that shows the offending byte's line, as decodeSource registers it here.
              if (outcome.text !== undefined) sources.addText(display, outcome.text);
              return fail(outcome.diagnostics);
            }
            if (options.stats) options.stats.parsed++;
            return manifestsFromParsed(display, outcome.text!, outcome.parsed, ownOptions);
          }),
        );
        if (pool.started && outcomes.length % 256 === 0) await new Promise((resume) => setImmediate(resume));
        continue;
      }
      const read = readRegularFile(file.absolute, file.display);
      if ('problem' in read) {
        settled(fail([read.problem]));
        continue;
      }
      accept(file.display, read.bytes, intended, file.absolute);
      // Let the workers' answers in as they come, instead of all at the end: the main thread turns them into
      // resources while the workers parse the next batches.
      if (pool.started && outcomes.length % 256 === 0) await new Promise((resume) => setImmediate(resume));
    }
    if (stdin) accept(STDIN_NAME, await io.readStdin());
  } finally {
    await pool.close();
  }
  options.onParsed?.(pool.started);
  for (const outcome of outcomes) take(await outcome);
  if (diagnostics.some((d) => d.severity === 'error')) return fail(diagnostics);
  return ok(resources, diagnostics);
}

/** findTreeRoot with one answer per folder: a tree's files share a handful of folders. */
function memoTreeRoots(): (folder: string) => string | undefined {
  const roots = new Map<string, string | undefined>();
  return (folder) => {
    if (!roots.has(folder)) roots.set(folder, findTreeRoot(folder));
    return roots.get(folder);
  };
}

/** The cluster of a file in a generated tree: its top folder there (fleet-wide folders such as _argocd/ are none). */
function treeCluster(root: string | undefined, absolute: string): string | undefined {
  if (root === undefined) return undefined;
  const segments = relative(root, absolute).split(sep);
  const top = segments[0];
  return segments.length >= 2 && top !== undefined && top !== '' && top !== '..' && !top.startsWith('_') && !top.startsWith('.') ? top : undefined;
}

/**
 * Which findings a `--shard i/n` run reports: those on its clusters (clusters sorted by name and dealt round-robin,
 * as `generate --shard`), with shard 1 also taking everything that belongs to no cluster of the fleet (the config,
 * fleet-wide files, folders of clusters that are not in the list). Every finding thus lands in exactly one shard.
 */
export function shardOwner(fleet: readonly string[], shard: Shard): (cluster: string | undefined) => boolean {
  const mine = new Set(shardClusters(fleet, shard));
  const all = new Set(fleet);
  return (cluster) => (cluster !== undefined && all.has(cluster) ? mine.has(cluster) : shard.index === 1);
}

/**
 * The cluster a lint finding is about: the clusters/<name>/ folder of its file, else the cluster it names (stdin, or
 * files given with --cluster). A finding in the mesh config belongs to no cluster, whatever cluster it names, so shard
 * 1 reports it, as `check --shard` does.
 */
export function findingCluster(diagnostic: Diagnostic, configFile?: string): string | undefined {
  const file = diagnostic.location?.file;
  if (file !== undefined && configFile !== undefined && resolve(file) === resolve(configFile)) return undefined;
  return (file !== undefined && file !== STDIN_NAME ? clusterFromPath(file) : undefined) ?? diagnostic.cluster;
}
