import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { planFromTree } from '../diff/tree.js';
import { planChanges, type PlanInput } from '../diff/plan.js';
import type { BookkeepingFileChange } from '../diff/types.js';
import { PROVENANCE_FILE } from '../manifest/vocabulary.js';
import type { ChangePlan } from '../diff/types.js';
import type { RenderedFile } from '../manifest/types.js';
import { PublishError } from './errors.js';
import { Git } from './git.js';
import { addScratchWorktree, pruneStaleWorktrees } from './scratch.js';
import { refuseSecrets } from './secrets.js';

/** The generator's tree writer (generator/write/tree.ts), injected so publishing uses exactly its prune and foreign-file rules. */
export interface TreeWriter {
  compare(outDir: string, files: readonly RenderedFile[]): { readonly added: readonly string[]; readonly changed: readonly string[]; readonly removed: readonly string[] };
  write(outDir: string, files: readonly RenderedFile[]): unknown;
}

export interface BranchInput {
  /** Where meshforge runs: inside the user's checkout. */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Paths as the user gave them (relative to cwd, or absolute). */
  readonly configFile: string;
  readonly outDir: string;
  readonly lockFile: string;
  readonly lockContent: string;
  readonly files: readonly RenderedFile[];
  /** A remote name of the checkout, or a URL or path git can push to. */
  readonly remote: string;
  readonly base: string;
  readonly branch: string;
  readonly tree: TreeWriter;
  /** Every cluster of the mesh (default: the clusters of `files`), to attribute files outside cluster folders. */
  readonly clusterNames?: readonly string[];
  /** Where a config entry starts in the config, for the pull request body. */
  readonly locate?: PlanInput['locate'];
  /** A secret to keep out of messages (the GitHub token), if any. */
  readonly secret?: string;
}

/** Where the would-be commit stands against the remote. */
export type BranchState =
  /** The generated tree, ledger and config already match the base branch: no pull request needed. */
  | 'no-changes'
  /** The branch already holds exactly this tree: no new commit. */
  | 'up-to-date'
  /** A new commit is needed on the branch. */
  | 'needs-commit';

export interface PreparedBranch {
  readonly state: BranchState;
  readonly plan: ChangePlan;
  readonly repoRoot: string;
  /** The remote as given, and the URL it resolves to. */
  readonly remote: string;
  readonly remoteUrl: string;
  readonly base: string;
  readonly branch: string;
  readonly baseSha: string;
  /** The branch's tip on the remote before this run; undefined when the branch does not exist yet. */
  readonly branchSha?: string;
  /** The tree of the would-be commit: base + generated tree + ledger + config. */
  readonly treeSha: string;
  /** Repo-relative paths meshforge owns in the commit. */
  readonly paths: { readonly outDir: string; readonly lockFile: string; readonly configFile: string };
}

/**
 * Builds the would-be commit's tree without touching the user's checkout, index or branches: the base branch's tip
 * is fetched from the remote and checked out in a temporary worktree, the generator's writer writes the new tree
 * there (same pruning and foreign-file rules as `meshforge generate`), and `git write-tree` records it.
 * The worktree is removed before returning.
 */
export async function prepareBranch(input: BranchInput): Promise<PreparedBranch> {
  if (input.branch === input.base) {
    throw new PublishError('usage', `the pull request branch '${input.branch}' is the base branch`, 'meshforge never pushes to the base branch: pass another --branch (default meshforge/<base>).');
  }
  const git = new Git(input.cwd, input.env, withSecret(input.secret));
  const repoRoot = await requireRepository(git);
  const paths = {
    outDir: repoPath(repoRoot, input.cwd, input.outDir, '--out'),
    lockFile: repoPath(repoRoot, input.cwd, input.lockFile, 'the lock file'),
    configFile: repoPath(repoRoot, input.cwd, input.configFile, '--config'),
  };
  if (paths.outDir === '') throw new PublishError('usage', 'the output folder is the repository root', 'Generate into a folder such as clusters/ (--out).');
  // The config is committed and pushed as it is, comments included: it passes the tree's secret check before any
  // git work, and a dry run never prints it either. Read once, so the checked bytes are the committed bytes.
  const newConfig = readFileSync(resolve(input.cwd, input.configFile), 'utf8');
  refuseSecrets(input.configFile, newConfig);
  // The ledger is generated from the config, but it is committed beside it: the same rule, no way around it.
  refuseSecrets(input.lockFile, input.lockContent);
  await checkBranchName(git, input.branch);
  await assertCleanOutside(git, paths);

  const remoteUrl = await resolveRemote(git, input.remote);
  const heads = await remoteHeads(git, input.remote, [input.base, input.branch]);
  const baseSha = heads.get(input.base);
  if (!baseSha) {
    throw new PublishError('usage', `the base branch '${input.base}' does not exist on ${describeRemote(input.remote, remoteUrl)}`, 'Pass the branch your GitOps engine syncs with --base (default: gitops.branch, else main).');
  }
  const branchSha = heads.get(input.branch);
  await git.run(['fetch', '--no-tags', '--no-write-fetch-head', '--quiet', input.remote, `refs/heads/${input.base}`, ...(branchSha ? [`refs/heads/${input.branch}`] : [])], {
    what: `fetching ${input.base} from ${describeRemote(input.remote, remoteUrl)}`,
  });
  for (const sha of [baseSha, branchSha]) {
    if (sha && (await git.tryRun(['cat-file', '-e', `${sha}^{commit}`])) === undefined) {
      throw new PublishError('stale-lease', `the remote changed while meshforge was reading it (${sha.slice(0, 12)} is gone)`, 'Someone pushed at the same time: run meshforge pr again.');
    }
  }

  // A run killed earlier (SIGKILL) may have left its worktree registered: remove it before adding ours.
  await pruneStaleWorktrees(git);
  const scratch = await addScratchWorktree(git, input.env, baseSha);
  const worktree = scratch.path;
  let treeSha: string;
  let plan: ChangePlan;
  try {
    const wt = new Git(worktree, input.env, withSecret(input.secret));
    // reset --hard fills the worktree from the base commit without running checkout hooks.
    await wt.run(['reset', '--hard', '--quiet', baseSha], { what: 'checking out the base branch in the temporary worktree' });

    const outAbs = join(worktree, paths.outDir);
    // Provenance records the config path relative to the output folder: make it the worktree's copy of the config,
    // so the committed index is byte-identical to what `meshforge generate` writes in the checkout.
    const files = relocateOrigins(input.files, resolve(input.cwd, input.configFile), join(worktree, paths.configFile), input.cwd);
    const changes = treeStep(() => input.tree.compare(outAbs, files));
    const oldLock = readIfFile(join(worktree, paths.lockFile));
    const oldConfig = readIfFile(join(worktree, paths.configFile));

    // The one change summary, as generate and diff compute it for the checkout; the base branch's tree is on disk
    // here until the write below, so it is computed first.
    plan = planFromTree({
      outAbs,
      changes,
      files,
      outDir: paths.outDir,
      clusterNames: input.clusterNames ?? [...new Set(files.flatMap((f) => (f.cluster === undefined ? [] : [f.cluster])))],
      ...(input.locate ? { locate: input.locate } : {}),
      ledger: { path: paths.lockFile, before: oldLock, after: input.lockContent },
      extraFiles: [{ path: paths.configFile, before: oldConfig, after: newConfig }],
    });

    treeStep(() => input.tree.write(outAbs, files));
    writeFile(join(worktree, paths.lockFile), input.lockContent);
    writeFile(join(worktree, paths.configFile), newConfig);
    await wt.run(['add', '--all', '--', paths.outDir, paths.lockFile, paths.configFile], { what: 'staging the generated tree' });
    treeSha = (await wt.run(['write-tree'], { what: 'recording the generated tree' })).trim();
  } finally {
    await scratch.remove();
  }

  const baseTree = (await git.run(['rev-parse', `${baseSha}^{tree}`])).trim();
  const branchTree = branchSha ? (await git.run(['rev-parse', `${branchSha}^{tree}`])).trim() : undefined;
  const state: BranchState = treeSha === baseTree ? 'no-changes' : treeSha === branchTree ? 'up-to-date' : 'needs-commit';
  return { state, plan, repoRoot, remote: input.remote, remoteUrl, base: input.base, branch: input.branch, baseSha, ...(branchSha ? { branchSha } : {}), treeSha, paths };
}

/**
 * Commits the prepared tree on top of the base tip and pushes it to the branch only, with a lease on the tip seen
 * when preparing: if anyone pushed to the branch since, the push is rejected and nothing is overwritten.
 */
export async function commitAndPush(prepared: PreparedBranch, message: string, options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly secret?: string }): Promise<string> {
  const git = new Git(options.cwd, options.env, withSecret(options.secret));
  // CI machines often have no git identity: fall back to a neutral one instead of failing.
  const identity = (await git.tryRun(['var', 'GIT_COMMITTER_IDENT'])) !== undefined && (await git.tryRun(['var', 'GIT_AUTHOR_IDENT'])) !== undefined;
  const committer = identity
    ? git
    : new Git(options.cwd, options.env, {
        ...withSecret(options.secret),
        extraEnv: { GIT_AUTHOR_NAME: 'meshforge', GIT_AUTHOR_EMAIL: 'meshforge@users.noreply.github.com', GIT_COMMITTER_NAME: 'meshforge', GIT_COMMITTER_EMAIL: 'meshforge@users.noreply.github.com' },
      });
  const commit = (await committer.run(['commit-tree', prepared.treeSha, '-p', prepared.baseSha, '-m', message], { what: 'creating the commit' })).trim();
  const lease = `--force-with-lease=refs/heads/${prepared.branch}:${prepared.branchSha ?? ''}`;
  const pushed = await git.runRaw(['push', '--quiet', lease, prepared.remote, `${commit}:refs/heads/${prepared.branch}`]);
  if (!pushed.ok) {
    // Client-side lease check (stale info), or the server's compare-and-swap when the push raced another one.
    if (/stale info|\(fetch first\)|non-fast-forward|\(already exists\)|cannot lock ref|but expected/i.test(pushed.message)) {
      throw new PublishError(
        'stale-lease',
        `push to ${prepared.branch} rejected: the branch changed on ${describeRemote(prepared.remote, prepared.remoteUrl)} since meshforge read it (${pushed.message})`,
        'Someone else pushed to the branch. meshforge did not overwrite it: look at their change, then run meshforge pr again.',
      );
    }
    throw new PublishError('git', `push to ${describeRemote(prepared.remote, prepared.remoteUrl)} failed: ${pushed.message}`, 'Check the remote URL and your git credentials (ssh key, credential helper or token) for pushing.');
  }
  return commit;
}

/**
 * What the new commit changes against the branch's previous tip (the last push): the same change summary, from the
 * generated files, the ledger and the config that differ between the two trees (read with git, nothing checked out).
 * Undefined when the branch did not exist.
 */
export async function planSincePreviousPush(
  prepared: PreparedBranch,
  input: Pick<BranchInput, 'cwd' | 'env' | 'files' | 'lockContent' | 'clusterNames' | 'locate' | 'secret'>,
): Promise<ChangePlan | undefined> {
  if (!prepared.branchSha) return undefined;
  const git = new Git(input.cwd, input.env, withSecret(input.secret));
  const { outDir, lockFile, configFile } = prepared.paths;
  const listed = await git.run(['diff-tree', '-r', '-z', '--no-renames', '--name-status', prepared.branchSha, prepared.treeSha, '--', outDir, lockFile, configFile], {
    what: 'comparing the branch with its previous push',
  });
  const fields = listed.split('\0').filter((field) => field !== '');
  const changed = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) changed.set(fields[i + 1] as string, fields[i] as string);
  const blob = async (sha: string, path: string) => git.tryRun(['cat-file', 'blob', `${sha}:${path}`]);
  const prefix = `${outDir}/`;
  const before = new Map<string, string>();
  const byPath = new Map(input.files.map((f) => [f.path, f]));
  for (const file of input.files) if (!changed.has(prefix + file.path)) before.set(file.path, file.content);
  const bookkeeping: BookkeepingFileChange[] = [];
  for (const [path, status] of changed) {
    if (!path.startsWith(prefix)) continue;
    const rel = path.slice(prefix.length);
    const change = status === 'A' ? 'added' : status === 'D' ? 'removed' : 'changed';
    if (rel === PROVENANCE_FILE) bookkeeping.push({ path: rel, change });
    // A rendered file's old bytes (none when it is new), or a generated file that went away.
    else if (status !== 'A' && (byPath.has(rel) || status === 'D')) {
      const text = await blob(prepared.branchSha, path);
      if (text !== undefined) before.set(rel, text);
    }
  }
  const side = async (path: string, now: string | undefined) => ({ path, before: changed.has(path) ? await blob(prepared.branchSha as string, path) : now, after: now });
  const newConfig = changed.has(configFile) ? await blob(prepared.treeSha, configFile) : undefined;
  return planChanges({
    before,
    files: input.files,
    outDir,
    clusterNames: input.clusterNames ?? [...new Set(input.files.flatMap((f) => (f.cluster === undefined ? [] : [f.cluster])))],
    ...(input.locate ? { locate: input.locate } : {}),
    bookkeeping,
    ledger: await side(lockFile, input.lockContent),
    ...(newConfig !== undefined ? { extraFiles: [{ path: configFile, before: await blob(prepared.branchSha, configFile), after: newConfig }] } : {}),
  });
}

/** The tree writer's refusals (foreign files where it must write, symlinks) are problems of the repository's content. */
function treeStep<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    const hint = (error as { hint?: unknown }).hint;
    if (error instanceof Error && typeof hint === 'string') throw new PublishError('usage', `in the base branch: ${error.message}`, hint);
    throw error;
  }
}

function relocateOrigins(files: readonly RenderedFile[], from: string, to: string, cwd: string): RenderedFile[] {
  return files.map((file) => (file.origin && resolve(cwd, file.origin.file) === from ? { ...file, origin: { ...file.origin, file: to } } : file));
}

function withSecret(secret: string | undefined): { secret?: string } {
  return secret ? { secret } : {};
}

/** A path the user gave, as a POSIX path relative to the repository root; outside the repository is an error. */
function repoPath(repoRoot: string, cwd: string, path: string, what: string): string {
  const absolute = resolve(cwd, path);
  const real = realpathOrSelf(absolute);
  const rel = relative(repoRoot, real);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new PublishError('usage', `${what} (${path}) is outside the git repository ${repoRoot}`, 'meshforge pr commits the config, the lock file and the generated tree: keep them in the repository.');
  }
  return rel.split(sep).join('/');
}

function realpathOrSelf(path: string): string {
  // The output folder or lock file may not exist yet: resolve the nearest existing parent.
  if (existsSync(path)) return realpathSync(path);
  const parent = dirname(path);
  return parent === path ? path : join(realpathOrSelf(parent), path.slice(parent.length + 1));
}

async function checkBranchName(git: Git, branch: string): Promise<void> {
  if ((await git.tryRun(['check-ref-format', '--branch', branch])) === undefined) {
    throw new PublishError('usage', `'${branch}' is not a valid branch name`, 'Pass a valid --branch, e.g. meshforge/main.');
  }
}

/** Refuses when something outside meshforge's own paths is modified or untracked: it would not be in the commit. */
async function assertCleanOutside(git: Git, paths: PreparedBranch['paths']): Promise<void> {
  const status = await git.run(['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=all'], { what: 'reading the working tree status' });
  const entries = status.split('\0').filter((entry) => entry.length > 3);
  const owned = (path: string) => path === paths.lockFile || path === paths.configFile || path === paths.outDir || path.startsWith(`${paths.outDir}/`);
  const foreign: string[] = [];
  for (let i = 0; i < entries.length; i += 1) {
    const entry = entries[i] as string;
    const path = entry.slice(3);
    if (!owned(path)) foreign.push(path);
    // A rename is followed by its source path, which is not a status entry of its own.
    if (entry[0] === 'R' || entry[0] === 'C') i += 1;
  }
  if (foreign.length > 0) {
    const listed = foreign.slice(0, 10).join(', ') + (foreign.length > 10 ? ` and ${foreign.length - 10} more` : '');
    throw new PublishError(
      'dirty-tree',
      `the working tree has uncommitted changes outside the generated paths: ${listed}`,
      `Commit or stash them first. meshforge pr only carries ${paths.outDir}/, ${paths.lockFile} and ${paths.configFile}; other changes would silently be left out of the pull request.`,
    );
  }
}

/** The URL a remote name points at (push URL), or the argument itself when it is already a URL or path. */
export async function readRemoteUrl(cwd: string, env: NodeJS.ProcessEnv, remote: string): Promise<string> {
  const git = new Git(cwd, env);
  await requireRepository(git);
  return resolveRemote(git, remote);
}

async function requireRepository(git: Git): Promise<string> {
  const top = await git.tryRun(['rev-parse', '--show-toplevel']);
  if (top === undefined || top.trim() === '') {
    throw new PublishError('usage', `${git.dir} is not inside a git checkout`, 'Run meshforge pr inside the git checkout that holds the mesh config (a clone of the GitOps repository).');
  }
  return realpathSync(top.trim());
}

async function resolveRemote(git: Git, remote: string): Promise<string> {
  const names = (await git.run(['remote'], { what: 'listing remotes' })).split('\n').map((n) => n.trim()).filter(Boolean);
  if (names.includes(remote)) return (await git.run(['remote', 'get-url', '--push', remote], { what: `reading the URL of remote ${remote}` })).trim();
  if (/^[\w.-]+$/.test(remote) && !existsSync(resolve(git.dir, remote))) {
    throw new PublishError('usage', `no remote named '${remote}'`, `Known remotes: ${names.join(', ') || 'none'}. Pass --remote NAME or a URL/path.`);
  }
  return remote;
}

async function remoteHeads(git: Git, remote: string, branches: readonly string[]): Promise<Map<string, string>> {
  const output = await git.run(['ls-remote', '--heads', remote, ...branches.map((b) => `refs/heads/${b}`)], {
    what: `reading branches of ${remote}`,
    hint: 'Check the remote URL, the network and your git credentials.',
  });
  const heads = new Map<string, string>();
  for (const line of output.split('\n')) {
    const [sha, ref] = line.trim().split(/\s+/);
    if (sha && ref?.startsWith('refs/heads/')) {
      const name = ref.slice('refs/heads/'.length);
      if (branches.includes(name)) heads.set(name, sha);
    }
  }
  return heads;
}

function describeRemote(remote: string, url: string): string {
  return remote === url ? remote : `${remote} (${url})`;
}

function readIfFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function writeFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}
