import { execFileSync } from 'node:child_process';
import { simpleGit, type SimpleGit } from 'simple-git';
import { PublishError, scrub } from './errors.js';

// simple-git strips GIT_* variables (and a few others such as EDITOR) from the child environment unless they are
// allowed. These come from the user's own shell and mean the same as when they run git themselves: keep them.
const PASS_THROUGH_ENV = [
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_COMMITTER_DATE',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_SSH_VARIANT',
  'GIT_ASKPASS',
  'SSH_ASKPASS',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_TERMINAL_PROMPT',
  'GIT_HTTP_USER_AGENT',
  'GIT_SSL_NO_VERIFY',
  'GIT_SSL_CAINFO',
];
const GUARDED_NON_GIT = new Set(['editor', 'visual', 'pager', 'prefix', 'ssh_askpass']);

/** A network operation that produces no output for this long has hung (a dead server, a firewall). */
const NETWORK_SILENCE_MS = 120_000;

/** Thin wrapper over simple-git for the plumbing commands the publisher needs; every failure becomes a PublishError. */
export class Git {
  readonly #git: SimpleGit;
  readonly #secret: string | undefined;
  readonly #env: Readonly<Record<string, string>>;

  constructor(
    readonly dir: string,
    env: NodeJS.ProcessEnv,
    options: { readonly secret?: string; readonly extraEnv?: Readonly<Record<string, string>> } = {},
  ) {
    this.#secret = options.secret;
    const childEnv: Record<string, string> = {};
    const allowed: string[] = [];
    for (const [key, value] of Object.entries(env)) {
      if (value === undefined) continue;
      const lower = key.toLowerCase();
      const guarded = lower.startsWith('git_') || GUARDED_NON_GIT.has(lower);
      const config = /^GIT_CONFIG_(COUNT|KEY_\d+|VALUE_\d+)$/.test(key);
      if (guarded && !PASS_THROUGH_ENV.includes(key) && !config) continue;
      childEnv[key] = value;
      if (guarded) allowed.push(key);
    }
    // Never wait for a password prompt: fail and say how to configure credentials instead.
    childEnv.GIT_TERMINAL_PROMPT = '0';
    for (const [key, value] of Object.entries(options.extraEnv ?? {})) childEnv[key] = value;
    allowed.push(...Object.keys(childEnv).filter((key) => key.toLowerCase().startsWith('git_')));
    this.#env = childEnv;
    this.#git = simpleGit({
      baseDir: dir,
      maxConcurrentProcesses: 1,
      trimmed: false,
      timeout: { block: NETWORK_SILENCE_MS },
      allowEnvironment: [...new Set(allowed)],
      unsafe: { allowUnsafeSshCommand: true, allowUnsafeAskPass: true, allowUnsafeConfigPaths: true, allowUnsafeConfigEnvCount: true },
    }).env(childEnv);
  }

  /** Runs git with these arguments and returns stdout; a failure becomes a PublishError carrying git's own message. */
  async run(args: readonly string[], failure: { readonly what: string; readonly hint?: string } = { what: `git ${args[0]}` }): Promise<string> {
    try {
      return await this.#git.raw([...args]);
    } catch (error) {
      throw new PublishError('git', `${failure.what} failed: ${this.describe(error)}`, failure.hint);
    }
  }

  /** Like run, but returns undefined instead of throwing (for questions whose "no" is an exit status). */
  async tryRun(args: readonly string[]): Promise<string | undefined> {
    try {
      return await this.#git.raw([...args]);
    } catch {
      return undefined;
    }
  }

  /**
   * Runs git synchronously and ignores its outcome: for cleanup from a signal handler, where nothing asynchronous
   * runs any more. The same environment as every other command.
   */
  runSyncQuietly(args: readonly string[]): boolean {
    try {
      execFileSync('git', [...args], { cwd: this.dir, env: this.#env, stdio: 'ignore', timeout: 10_000 });
      return true;
    } catch {
      return false;
    }
  }

  /** git's message of a failed command, without tokens or URL credentials. */
  describe(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    return scrub(message.trim().replace(/\n+/g, ' | '), this.#secret);
  }

  /** The raw error text, for callers that classify failures (rejected pushes). */
  async runRaw(args: readonly string[]): Promise<{ readonly ok: true; readonly stdout: string } | { readonly ok: false; readonly message: string }> {
    try {
      return { ok: true, stdout: await this.#git.raw([...args]) };
    } catch (error) {
      return { ok: false, message: this.describe(error) };
    }
  }
}
