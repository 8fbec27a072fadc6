import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/** Why a path must not hold private key material. */
export interface KeyPathProblem {
  readonly path: string;
  readonly reason: 'generated-tree' | 'git-tracked' | 'git-not-ignored';
  readonly message: string;
}

/** True when `child` is `parent` or inside it (both absolute). */
export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The real path of a file that may not exist yet: the nearest existing ancestor resolved, the rest appended. */
function realPathOf(path: string): string {
  const absolute = resolve(path);
  let existing = absolute;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const rest = relative(existing, absolute);
  const real = realpathSync(existing);
  return rest === '' ? real : resolve(real, rest);
}

function nearestExistingDir(path: string): string {
  let dir = path;
  while (!(existsSync(dir) && statSync(dir).isDirectory()) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** execa's environment options: the caller's variables only, when given. */
function gitEnv(env: NodeJS.ProcessEnv | undefined): { env?: NodeJS.ProcessEnv; extendEnv?: boolean } {
  return env ? { env, extendEnv: false } : {};
}

/** execa, loaded when git is first asked: commands that never write keys (validate, lint, check) never load it. */
const loadExeca = async () => (await import('execa')).execa;

async function gitTopLevel(dir: string, env: NodeJS.ProcessEnv | undefined): Promise<string | undefined> {
  const execa = await loadExeca();
  // Outside a git work tree (or with no git binary) only the generated-tree check applies.
  const result = await execa('git', ['rev-parse', '--show-toplevel'], { cwd: dir, reject: false, ...gitEnv(env) });
  return result.exitCode === 0 && typeof result.stdout === 'string' && result.stdout !== '' ? realpathSync(result.stdout.trim()) : undefined;
}

/** The paths (relative to `top`) git lists in the output of a command given them, one a line. */
async function gitListed(top: string, args: readonly string[], paths: readonly string[], env: NodeJS.ProcessEnv | undefined): Promise<Set<string>> {
  const execa = await loadExeca();
  const result = await execa('git', [...args, '--', ...paths], { cwd: top, reject: false, ...gitEnv(env) });
  if (result.exitCode !== 0 && result.exitCode !== 1) {
    throw new Error(`git ${args.join(' ')} failed in ${top}: ${String(result.stderr).trim()}`);
  }
  return new Set(String(result.stdout).split('\n').filter((line) => line !== ''));
}

/**
 * Checks that private keys (and files that embed them) may be written at these paths: never inside the
 * generated GitOps tree, never at a path git tracks, and never where `git status` would show them
 * (inside a work tree the path must be git-ignored). `env`: the environment git runs with (the process's when omitted).
 */
export async function checkKeyPaths(paths: readonly string[], generatedTrees: readonly string[], env?: NodeJS.ProcessEnv): Promise<KeyPathProblem[]> {
  const problems: KeyPathProblem[] = [];
  const trees = generatedTrees.map(realPathOf);
  const byRepo = new Map<string, { path: string; rel: string }[]>();
  for (const path of paths) {
    const real = realPathOf(path);
    const tree = trees.find((t) => isInside(real, t));
    if (tree !== undefined) {
      problems.push({ path, reason: 'generated-tree', message: `${path} is inside the generated tree ${tree}` });
      continue;
    }
    const top = await gitTopLevel(nearestExistingDir(dirname(real)), env);
    if (top === undefined) continue;
    const entries = byRepo.get(top) ?? [];
    entries.push({ path, rel: relative(top, real).split(sep).join('/') });
    byRepo.set(top, entries);
  }
  for (const [top, entries] of byRepo) {
    const rels = entries.map((e) => e.rel);
    const tracked = await gitListed(top, ['ls-files', '--full-name'], rels, env);
    const ignored = await gitListed(top, ['check-ignore'], rels, env);
    for (const entry of entries) {
      if (tracked.has(entry.rel)) problems.push({ path: entry.path, reason: 'git-tracked', message: `${entry.path} is tracked by git (${top})` });
      else if (!ignored.has(entry.rel)) problems.push({ path: entry.path, reason: 'git-not-ignored', message: `${entry.path} is inside the git work tree ${top} and not ignored: git status would show it` });
    }
  }
  return problems;
}
