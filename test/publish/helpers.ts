// Real git repositories for the publish tests: a bare "remote" and a checkout of it, with git isolated from the
// machine's own configuration (HOME and system config) so the tests behave the same everywhere.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(REPO_ROOT, 'bin/meshforge.js');

export interface Sandbox {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  cleanup(): void;
}

export function sandbox(prefix = 'meshforge-publish-'): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const home = join(dir, 'home');
  mkdirSync(home);
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Nothing from the machine's git setup or tokens leaks into the tests.
    if (key.startsWith('GIT_') || key === 'GITHUB_TOKEN' || key === 'GH_TOKEN' || key === 'MESHFORGE_GITHUB_TOKEN') continue;
    env[key] = value;
  }
  Object.assign(env, {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Test Author',
    GIT_COMMITTER_EMAIL: 'author@example.com',
    NO_COLOR: '1',
  });
  return { dir, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs git and returns its trimmed stdout; throws with stderr on failure. Asynchronous on purpose: the smart-HTTP
 * server runs in this process, and a synchronous child would block it.
 */
export async function git(cwd: string, env: NodeJS.ProcessEnv, args: readonly string[]): Promise<string> {
  const result = await tryGit(cwd, env, args);
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

/** Exit status and output of a git command that may fail. */
export function tryGit(cwd: string, env: NodeJS.ProcessEnv, args: readonly string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('git', [...args], { cwd, env, encoding: 'utf8' }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ status, stdout: stdout.trim(), stderr: stderr.trim() });
    });
  });
}

/** A bare repository with pushes over smart HTTP allowed. */
export async function bareRemote(box: Sandbox, name = 'remote.git'): Promise<string> {
  const path = join(box.dir, 'server', name);
  mkdirSync(path, { recursive: true });
  await git(path, box.env, ['init', '--bare', '--quiet', '--initial-branch=main']);
  await git(path, box.env, ['config', 'http.receivepack', 'true']);
  return path;
}

/** A checkout of `remoteUrl` with `files` committed and pushed to main. */
export async function checkout(box: Sandbox, remoteUrl: string, files: Readonly<Record<string, string>>, name = 'work'): Promise<string> {
  const dir = join(box.dir, name);
  mkdirSync(dir);
  await git(dir, box.env, ['init', '--quiet', '--initial-branch=main']);
  await git(dir, box.env, ['remote', 'add', 'origin', remoteUrl]);
  writeFiles(dir, files);
  await git(dir, box.env, ['add', '--all']);
  await git(dir, box.env, ['commit', '--quiet', '-m', 'initial']);
  await git(dir, box.env, ['push', '--quiet', 'origin', 'main']);
  return dir;
}

export function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** The sha of a branch in a (bare) repository, or undefined. */
export async function branchSha(repo: string, env: NodeJS.ProcessEnv, branch: string): Promise<string | undefined> {
  const result = await tryGit(repo, env, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
  return result.status === 0 ? result.stdout : undefined;
}

export async function commitCount(repo: string, env: NodeJS.ProcessEnv, ref: string): Promise<number> {
  return Number(await git(repo, env, ['rev-list', '--count', ref]));
}

/** Files in a commit of a (bare) repository. */
export async function filesAt(repo: string, env: NodeJS.ProcessEnv, ref: string): Promise<string[]> {
  return (await git(repo, env, ['ls-tree', '-r', '--name-only', ref])).split('\n').filter(Boolean);
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the CLI in this process with exactly this working folder and environment (nothing of the test runner's own
 * environment, such as a GITHUB_TOKEN, leaks in). Asynchronous git keeps the local HTTP servers answering.
 */
export async function meshforgeInProcess(cwd: string, env: NodeJS.ProcessEnv, args: readonly string[]): Promise<CliRun> {
  const { runCli } = await import('../../generator/cli/main.js');
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd,
    env,
    readStdin: async () => Buffer.alloc(0),
  });
  return { code, stdout, stderr };
}

/** Runs the built CLI as a child process without blocking this process (the HTTP servers live here). Build first. */
export function meshforgeProcess(cwd: string, env: NodeJS.ProcessEnv, args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
