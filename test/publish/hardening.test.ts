// Regression tests for the `meshforge pr` findings of issue 17 (3, 18, 19, 20), each reproducing the attack or
// fault against real git and the local GitHub stand-in (fake-github.ts).
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_FOR_KIND } from '../../generator/cli/exit.js';
import { GitHubPullRequests, PublishError, runPullRequest, type PullRequestContent } from '../../generator/publish/index.js';
import { compareTree, writeTree } from '../../generator/write/tree.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { bareRemote, BIN, branchSha, checkout, git, meshforgeInProcess, REPO_ROOT, sandbox, type Sandbox } from './helpers.js';

const TOKEN = 'hardening-test-token-3b9e71d2';
const OWNER = 'example-org';
const REPO = 'mesh-gitops';
// No gitops.github: the git provider is the default and no API is involved.
const EXAMPLE_CONFIG = readFileSync(join(REPO_ROOT, 'mesh.config.yaml'), 'utf8').replace(/\n {2}github: \{[^}]*\}\n/, '\n');
const content = (): PullRequestContent => ({ head: 'meshforge/main', base: 'main', title: 'meshforge: update cluster1', body: 'body', labels: ['cluster/cluster1'] });

const failureOf = async (promise: Promise<unknown>): Promise<PublishError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PublishError);
  return error as PublishError;
};

describe('finding 3: secrets in mesh.config.yaml comments are never committed, pushed or printed', () => {
  let box: Sandbox;
  let remote: string;
  let work: string;
  const KEY_BODY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';
  const GH_TOKEN = `ghp_${'A1b2C3d4E5'.repeat(4)}`;
  beforeAll(async () => {
    box = sandbox('meshforge-pr-secrets-');
    remote = await bareRemote(box);
    work = await checkout(box, remote, { 'mesh.config.yaml': EXAMPLE_CONFIG });
    const lines = EXAMPLE_CONFIG.split('\n').length;
    writeFileSync(join(work, 'mesh.config.yaml'), `${EXAMPLE_CONFIG}# -----BEGIN PRIVATE KEY-----\n# ${KEY_BODY}\n# -----END PRIVATE KEY-----\n# deploy token: ${GH_TOKEN}\n`);
    expect(lines).toBeGreaterThan(10);
  });
  afterAll(() => box.cleanup());

  const lineOf = (needle: string) => readFileSync(join(work, 'mesh.config.yaml'), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;

  for (const dryRun of [true, false]) {
    it(`${dryRun ? 'pr --dry-run' : 'pr'} refuses with exit 2, names file:line and prints no key material`, async () => {
      const run = await meshforgeInProcess(work, box.env, ['pr', '--provider', 'git', '--no-schema', ...(dryRun ? ['--dry-run'] : [])]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(`mesh.config.yaml:${lineOf('BEGIN PRIVATE KEY')}: a PEM private key block`);
      expect(run.stderr).toContain(`mesh.config.yaml:${lineOf('deploy token')}: what looks like a GitHub token`);
      const printed = run.stdout + run.stderr;
      for (const secret of ['PRIVATE KEY-----', KEY_BODY, GH_TOKEN]) expect(printed).not.toContain(secret);
      expect(await branchSha(remote, box.env, 'meshforge/main')).toBeUndefined();
      expect((await git(work, box.env, ['worktree', 'list'])).split('\n')).toHaveLength(1);
    });
  }

  it('the ledger passes the same check: a token in mesh.lock.yaml is refused before any git work', async () => {
    writeFileSync(join(work, 'clean.yaml'), EXAMPLE_CONFIG);
    const error = await failureOf(
      runPullRequest({
        cwd: work,
        env: box.env,
        configFile: 'clean.yaml',
        outDir: 'clusters',
        lockFile: 'mesh.lock.yaml',
        lockContent: `vips:\n  # ${GH_TOKEN}\n  a.bar.global: 240.1.0.2\n`,
        files: [],
        remote: 'origin',
        base: 'main',
        branch: 'meshforge/main',
        provider: 'git',
        dryRun: true,
        tree: { compare: (dir, files) => compareTree(dir, files), write: (dir, files) => writeTree(dir, files) },
        version: '0.0.0-test',
      }),
    );
    rmSync(join(work, 'clean.yaml'));
    expect(EXIT_FOR_KIND[error.kind]).toBe(2);
    expect(error.message).toBe('refusing to commit mesh.lock.yaml: mesh.lock.yaml:2: what looks like a GitHub token');
    expect(`${error.message}${error.hint}`).not.toContain(GH_TOKEN);
  });
});

describe('finding 18: a malformed GitHub answer is an error (exit 3), never acted on', () => {
  let github: FakeGitHub;
  const client = () => new GitHubPullRequests({ owner: OWNER, repo: REPO }, TOKEN, { baseUrl: github.url, retryBaseMs: 5 });
  beforeEach(async () => {
    github = await startFakeGitHub({ token: TOKEN, owner: OWNER, repo: REPO });
  });
  afterEach(async () => {
    expect(github.contractViolations).toEqual([]);
    await github.close();
  });

  it('a list answer that is not JSON: no update of pull request #undefined', async () => {
    github.fail('pulls/list', { status: 200, raw: '[{"number": 1, "html_url": ', times: 1 });
    const error = await failureOf(client().upsert(content()));
    expect(error.failure).toBe('github');
    expect(EXIT_FOR_KIND[error.kind]).toBe(3);
    expect(error.message).toContain("GitHub's answer to the request to find the open pull request");
    expect(error.message).toContain('is malformed: not a list of pull requests');
    expect(error.message).not.toContain('undefined');
    expect(github.requests.map((r) => r.operation)).toEqual(['pulls/list']);
  });

  it('a listed pull request without a number: nothing is patched', async () => {
    github.fail('pulls/list', { status: 200, body: [{ title: 'meshforge: update', html_url: 'https://github.example/x/pull/1' }], times: 1 });
    const error = await failureOf(client().upsert(content()));
    expect(error.message).toContain('is malformed: a pull request without a valid number');
    expect(github.requests.map((r) => r.operation)).toEqual(['pulls/list']);
  });

  it('a created pull request without number or html_url: no labels, no "#undefined"', async () => {
    github.fail('pulls/create', { status: 201, body: { html_url: 'https://github.example/x/pull/7' }, times: 1 });
    const error = await failureOf(client().upsert(content()));
    expect(error.message).toContain("GitHub's answer to the request to create the pull request");
    expect(error.message).toContain('a pull request without a valid number');
    github.fail('pulls/create', { status: 201, body: { number: 7 }, times: 1 });
    const noUrl = await failureOf(client().upsert(content()));
    expect(noUrl.message).toContain('pull request #7 without a valid html_url');
    expect(github.requests.some((r) => r.operation === 'issues/add-labels')).toBe(false);
  });
});

describe('finding 19: timeouts, rate limits and server errors say what happened', () => {
  let github: FakeGitHub;
  const warnings: string[] = [];
  const client = (options: { requestTimeoutMs?: number; totalTimeoutMs?: number; retries?: number } = {}) =>
    new GitHubPullRequests({ owner: OWNER, repo: REPO }, TOKEN, { baseUrl: github.url, retryBaseMs: 5, warn: (m) => warnings.push(m), ...options });
  beforeEach(async () => {
    warnings.length = 0;
    github = await startFakeGitHub({ token: TOKEN, owner: OWNER, repo: REPO });
  });
  afterEach(async () => {
    await github.close();
  });

  it('a hung API: each request times out, the retries end, exit 3 within seconds', async () => {
    github.fail('pulls/list', { status: 200, body: [], hangMs: 60_000, times: 100 });
    const started = Date.now();
    const error = await failureOf(client({ requestTimeoutMs: 200, retries: 2 }).upsert(content()));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.failure).toBe('network');
    expect(EXIT_FOR_KIND[error.kind]).toBe(3);
    expect(error.message).toContain('GitHub did not answer the request to find the open pull request');
    expect(error.message).toContain('no answer within 0.2 s per request');
    // One try and two retries, each abandoned after its timeout.
    expect(github.requests).toHaveLength(3);
  });

  it('a hung API: the total budget ends the run even when single requests may take longer', async () => {
    github.fail('pulls/list', { status: 200, body: [], hangMs: 60_000, times: 100 });
    const started = Date.now();
    const error = await failureOf(client({ requestTimeoutMs: 30_000, totalTimeoutMs: 300 }).upsert(content()));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error.failure).toBe('network');
    expect(error.message).toContain('no answer within the total time budget of 0.3 s');
    expect(github.requests).toHaveLength(1);
  });

  it('a 403 primary rate limit an hour away: "rate limited until HH:MM" (UTC), exit 3, no false "retrying"', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3601;
    github.fail('pulls/list', {
      status: 403,
      body: { message: 'API rate limit exceeded for installation ID 1.', documentation_url: 'https://docs.github.com/rest/rate-limit' },
      headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset), 'x-ratelimit-resource': 'core' },
      times: 1,
    });
    const error = await failureOf(client().upsert(content()));
    expect(error.failure).toBe('rate-limit');
    expect(EXIT_FOR_KIND[error.kind]).toBe(3);
    expect(error.message).toContain(`rate limited until ${new Date(reset * 1000).toISOString().slice(11, 16)} UTC`);
    expect(error.message).toContain('API rate limit exceeded');
    expect(warnings.join('\n')).not.toMatch(/retrying/);
    expect(github.requests).toHaveLength(1);
  });

  it('a persistent 500 names the status and GitHub\'s reason, not "did not answer"', async () => {
    github.fail('pulls/list', { status: 500, body: { message: 'Internal Server Error: database unavailable' }, times: 100 });
    const error = await failureOf(client().upsert(content()));
    expect(error.failure).toBe('network');
    expect(EXIT_FOR_KIND[error.kind]).toBe(3);
    expect(error.message).toContain('GitHub answered HTTP 500 (Internal Server Error: database unavailable) to the request to find the open pull request');
    expect(error.message).not.toContain('did not answer');
  });
});

describe('finding 20: an interrupted pr leaves no worktree and no temporary folder; a killed one is pruned next run', () => {
  let box: Sandbox;
  let remote: string;
  let work: string;
  let temp: string;
  let wrappers: string;
  const marker = () => join(box.dir, 'paused');

  beforeAll(async () => {
    box = sandbox('meshforge-pr-signal-');
    remote = await bareRemote(box);
    work = await checkout(box, remote, { 'mesh.config.yaml': EXAMPLE_CONFIG });
    // meshforge's own temp folders go here, so the test sees exactly what it leaves behind.
    temp = join(box.dir, 'tmp');
    mkdirSync(temp);
    // The hook point: a git in front of the real one that, when meshforge fills its temporary worktree (`reset
    // --hard`), says so through a marker file and waits until the marker is gone (at most 20 s).
    wrappers = join(box.dir, 'bin');
    mkdirSync(wrappers);
    // It writes its pid into the marker, so the test can end it too.
    writeFileSync(
      join(wrappers, 'git'),
      `#!/bin/sh\nPATH="${box.env.PATH ?? '/usr/bin:/bin'}"\nif [ -n "$MESHFORGE_PAUSE" ] && [ "$1" = reset ]; then\n  echo $$ > "$MESHFORGE_PAUSE"\n  i=0\n  while [ -e "$MESHFORGE_PAUSE" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done\nfi\nexec git "$@"\n`,
    );
    chmodSync(join(wrappers, 'git'), 0o755);
  });
  afterAll(() => {
    rmSync(marker(), { force: true });
    box.cleanup();
  });

  /** Starts `meshforge pr` as a real process, waits until it holds its temporary worktree, then sends `signal`. */
  async function interrupt(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
    const env = { ...box.env, PATH: `${wrappers}:${box.env.PATH ?? ''}`, TMPDIR: temp, MESHFORGE_PAUSE: marker() };
    const child = spawn(process.execPath, [BIN, 'pr', '--provider', 'git', '--no-schema'], { cwd: work, env });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, sig) => resolve({ code, signal: sig })));
    const deadline = Date.now() + 40_000;
    const paused = () => existsSync(marker()) && /^\d+\n$/.test(readFileSync(marker(), 'utf8'));
    while (!paused()) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`meshforge pr never reached its worktree: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const waitingGit = Number(readFileSync(marker(), 'utf8'));
    // The worktree is registered and its folder exists at this point: the hazard is real.
    expect(await git(work, box.env, ['worktree', 'list'])).toContain(temp);
    child.kill(signal);
    const result = await closed;
    // The paused git would go on in a worktree that is gone (or, after SIGKILL, race the next run): end it first.
    try {
      process.kill(waitingGit, 'SIGKILL');
    } catch {
      // It already ended.
    }
    rmSync(marker(), { force: true });
    return { ...result, stderr };
  }

  const worktrees = async () => (await git(work, box.env, ['worktree', 'list', '--porcelain'])).split('\n').filter((l) => l.startsWith('worktree ')).length;

  it.each(['SIGINT', 'SIGTERM'] as const)('%s removes the worktree and its temporary folder, and the process ends by that signal', async (signal) => {
    const run = await interrupt(signal);
    expect(run.signal).toBe(signal);
    expect(await worktrees()).toBe(1);
    expect(readdirSync(temp)).toEqual([]);
    expect(await branchSha(remote, box.env, 'meshforge/main')).toBeUndefined();
  }, 60_000);

  it('a run killed with SIGKILL leaves its worktree; the next run prunes it and pushes', async () => {
    await interrupt('SIGKILL');
    expect(await worktrees()).toBe(2);
    expect(readdirSync(temp).filter((name) => name.startsWith('meshforge-pr-'))).toHaveLength(1);
    const next = await meshforgeInProcess(work, { ...box.env, TMPDIR: temp }, ['pr', '--provider', 'git', '--no-schema']);
    expect(next.stderr).toBe('');
    expect(next.code).toBe(0);
    expect(await worktrees()).toBe(1);
    expect(readdirSync(temp)).toEqual([]);
    expect(await branchSha(remote, box.env, 'meshforge/main')).toBeDefined();
  }, 60_000);
});
