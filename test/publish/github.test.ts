// GitHub is replaced by a local HTTP server (fake-github.ts) that follows GitHub's published OpenAPI contract for the
// operations meshforge calls and rejects any request that breaks it. The real git parts (branch, push) run against a
// bare repository.
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_FOR_KIND } from '../../generator/cli/exit.js';
import type { RenderedFile } from '../../generator/manifest/types.js';
import { GitHubPullRequests, PublishError, runPullRequest, type PullRequestContent, type PullRequestRequest } from '../../generator/publish/index.js';
import { compareTree, writeTree } from '../../generator/write/tree.js';
import { OPENAPI_SUBSET, startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { bareRemote, branchSha, checkout, git, sandbox, type Sandbox } from './helpers.js';

// Shaped unlike GitHub's own tokens on purpose: redaction must come from meshforge knowing the value, not the shape.
const TOKEN = 'meshforge-test-token-7f3a9c2e41b8';
const OWNER = 'example-org';
const REPO = 'mesh-gitops';

const content = (body = 'body'): PullRequestContent => ({ head: 'meshforge/main', base: 'main', title: 'meshforge: update cluster1', body, labels: ['cluster/cluster1', 'cluster/cluster2'] });

/** Everything a failure could show a person: message, hint, string form, and any warning printed. */
function visibleText(error: unknown, warnings: readonly string[]): string {
  const e = error as PublishError;
  return [String(e), e.message, e.hint ?? '', ...warnings].join('\n');
}

describe('the OpenAPI subset the fake server checks against', () => {
  it('comes from @octokit/openapi and holds the operations meshforge calls', () => {
    expect(OPENAPI_SUBSET.source.package).toBe('@octokit/openapi');
    expect(Object.keys(OPENAPI_SUBSET.operations).sort()).toEqual(['issues/add-labels', 'issues/create-comment', 'issues/list-comments', 'issues/update-comment', 'pulls/create', 'pulls/list', 'pulls/update']);
    expect(OPENAPI_SUBSET.operations['issues/update-comment']?.requestBody?.schema).toMatchObject({ required: ['body'] });
    expect(OPENAPI_SUBSET.operations['pulls/create']?.requestBody?.schema).toMatchObject({ required: ['head', 'base'] });
  });
});

describe('GitHubPullRequests against the local GitHub stand-in', () => {
  let github: FakeGitHub;
  const warnings: string[] = [];
  const client = (token = TOKEN, repo = REPO) => new GitHubPullRequests({ owner: OWNER, repo }, token, { baseUrl: github.url, retryBaseMs: 5, warn: (m) => warnings.push(m) });

  beforeEach(async () => {
    warnings.length = 0;
    github = await startFakeGitHub({ token: TOKEN, owner: OWNER, repo: REPO });
  });
  afterEach(async () => {
    expect(github.contractViolations).toEqual([]);
    await github.close();
  });

  it('creates the pull request, then updates the same one: never a duplicate', async () => {
    const first = await client().upsert(content('first body'));
    expect(first).toMatchObject({ action: 'created', number: 1, url: `https://github.example/${OWNER}/${REPO}/pull/1` });
    const second = await client().upsert(content('second body'));
    expect(second).toMatchObject({ action: 'updated', number: 1 });
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]).toMatchObject({ body: 'second body', head: 'meshforge/main', base: 'main', labels: ['cluster/cluster1', 'cluster/cluster2'] });
    expect(github.requests.map((r) => r.operation)).toEqual(['pulls/list', 'pulls/create', 'issues/add-labels', 'pulls/list', 'pulls/update', 'issues/add-labels']);
    expect(github.requests[0]?.query).toEqual({ state: 'open', head: `${OWNER}:meshforge/main`, base: 'main', per_page: '10' });
    expect(github.requests.every((r) => r.path.startsWith('/api/v3/repos/example-org/mesh-gitops/'))).toBe(true);
  });

  it('turns 401 into an authentication error (exit 3) without retrying and without the token', async () => {
    const error = await client('wrong-token-value-123').upsert(content()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).failure).toBe('auth');
    expect(EXIT_FOR_KIND[(error as PublishError).kind]).toBe(3);
    expect((error as PublishError).message).toContain('GitHub refused the token (HTTP 401)');
    expect((error as PublishError).message).toContain('Bad credentials');
    expect(github.requests).toHaveLength(1);
    expect(visibleText(error, warnings)).not.toContain('wrong-token-value-123');
  });

  it('turns 403 into an authentication error', async () => {
    github.fail('pulls/list', { status: 403, body: { message: 'Resource not accessible by integration' }, times: 1 });
    const error = (await client().upsert(content()).catch((e: unknown) => e)) as PublishError;
    expect(error.failure).toBe('auth');
    expect(error.message).toContain('HTTP 403');
    expect(error.message).toContain('Resource not accessible by integration');
  });

  it('turns 404 into a missing-repository error', async () => {
    const error = (await client(TOKEN, 'no-such-repo').upsert(content()).catch((e: unknown) => e)) as PublishError;
    expect(error.failure).toBe('not-found');
    expect(EXIT_FOR_KIND[error.kind]).toBe(3);
    expect(error.message).toMatch(/^GitHub repository example-org\/no-such-repo at http:\/\/127\.0\.0\.1:\d+\/api\/v3 not found \(HTTP 404\)/);
    expect(visibleText(error, warnings)).not.toContain(TOKEN);
  });

  it('turns 422 into a validation error that carries GitHub\'s reason (body too long)', async () => {
    const error = (await client().upsert(content('x'.repeat(70_000))).catch((e: unknown) => e)) as PublishError;
    expect(error.failure).toBe('validation');
    expect(error.message).toContain('(HTTP 422)');
    expect(error.message).toContain('body: body is too long (maximum is 65536 characters)');
    expect(github.pulls).toHaveLength(0);
  });

  it('retries 5xx answers and then succeeds', async () => {
    github.fail('pulls/list', { status: 502, times: 2 });
    github.fail('pulls/create', { status: 503, times: 1 });
    const result = await client().upsert(content());
    expect(result.action).toBe('created');
    expect(github.requests.map((r) => r.operation)).toEqual(['pulls/list', 'pulls/list', 'pulls/list', 'pulls/create', 'pulls/create', 'issues/add-labels']);
    expect(github.pulls).toHaveLength(1);
  });

  it('gives up on persistent 5xx after the retries with a network error', async () => {
    github.fail('pulls/list', { status: 500, times: 100 });
    const error = (await client().upsert(content()).catch((e: unknown) => e)) as PublishError;
    expect(error.failure).toBe('network');
    expect(error.message).toContain('after retries');
    // One try and three retries.
    expect(github.requests).toHaveLength(4);
  });

  it('updates the pull request another run created between the list and the create', async () => {
    // The list call sees nothing; by the time of the create, the pull request exists.
    github.fail('pulls/list', { status: 200, body: [], times: 1 });
    github.pulls.push({ number: 1, state: 'open', title: 't', body: 'b', head: 'meshforge/main', base: 'main', labels: [] });
    const result = await client().upsert(content('after race'));
    expect(result).toMatchObject({ action: 'updated', number: 1 });
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]?.body).toBe('after race');
  });
});

describe('network failure', () => {
  it('reports an unreachable GitHub after retries, without the token', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const warnings: string[] = [];
    const client = new GitHubPullRequests({ owner: OWNER, repo: REPO }, TOKEN, { baseUrl: `http://127.0.0.1:${port}/api/v3`, retryBaseMs: 5, warn: (m) => warnings.push(m) });
    const error = (await client.upsert(content()).catch((e: unknown) => e)) as PublishError;
    expect(error).toBeInstanceOf(PublishError);
    expect(error.failure).toBe('network');
    expect(EXIT_FOR_KIND[error.kind]).toBe(3);
    expect(error.message).toContain('GitHub did not answer');
    expect(visibleText(error, warnings)).not.toContain(TOKEN);
  });
});

describe('meshforge pr with --provider github: real git, GitHub stand-in', () => {
  let box: Sandbox;
  let remote: string;
  let work: string;
  let github: FakeGitHub;

  const render = (port: number): RenderedFile[] =>
    ['cluster1', 'cluster2'].map((cluster) => ({
      path: `${cluster}/bar/serviceentry-httpbin.yaml`,
      content: `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: httpbin\n  namespace: bar\nspec:\n  hosts: [httpbin.bar.global]\n  ports: [{ number: ${port}, name: http, protocol: HTTP }]\n`,
      cluster,
      resources: [],
    }));

  /** The pull-request request every test here starts from: port 8000 rendered, the real token, a real push. */
  const request = (overrides: Partial<PullRequestRequest> = {}): PullRequestRequest => ({
    cwd: work,
    env: box.env,
    configFile: 'mesh.config.yaml',
    outDir: 'clusters',
    lockFile: 'mesh.lock.yaml',
    lockContent: 'vips: {}\n',
    files: render(8000),
    remote: 'origin',
    base: 'main',
    branch: 'meshforge/main',
    provider: 'github',
    github: { repository: { owner: OWNER, repo: REPO }, baseUrl: github.url, token: TOKEN, client: { retryBaseMs: 5 } },
    dryRun: false,
    tree: { compare: (dir, files) => compareTree(dir, files), write: (dir, files) => writeTree(dir, files) },
    version: '0.0.0-test',
    ...overrides,
  });

  const run = (port: number) => runPullRequest(request({ files: render(port) }));

  beforeEach(async () => {
    box = sandbox();
    remote = await bareRemote(box);
    work = await checkout(box, remote, { 'mesh.config.yaml': 'port: 8000\n' });
    // GitHub refuses a pull request from a branch it does not have: ask the real remote.
    github = await startFakeGitHub({ token: TOKEN, owner: OWNER, repo: REPO, branchExists: async (branch) => (await branchSha(remote, box.env, branch)) !== undefined });
  });
  afterEach(async () => {
    expect(github.contractViolations).toEqual([]);
    await github.close();
    box.cleanup();
  });

  // Three runs of real git and two dozen API calls: slow on a loaded machine.
  it('pushes, creates the pull request with cluster labels, then after a config change pushes again and updates the same pull request', { timeout: 120_000 }, async () => {
    const first = await run(8000);
    expect(first.result).toBe('pushed');
    expect(first.pullRequest).toMatchObject({ action: 'created', number: 1 });
    expect(github.pulls[0]?.labels).toEqual(['cluster/cluster1', 'cluster/cluster2']);
    expect(github.pulls[0]?.body.startsWith('<!-- meshforge:pr -->\n')).toBe(true);
    const firstTip = await branchSha(remote, box.env, 'meshforge/main');

    const again = await run(8000);
    expect(again.result).toBe('up-to-date');
    expect(again.pullRequest).toMatchObject({ action: 'updated', number: 1 });
    expect(await branchSha(remote, box.env, 'meshforge/main')).toBe(firstTip);

    writeFileSync(join(work, 'mesh.config.yaml'), 'port: 8001\n');
    const changed = await run(8001);
    expect(changed.result).toBe('pushed');
    expect(changed.pullRequest).toMatchObject({ action: 'updated', number: 1 });
    expect(await branchSha(remote, box.env, 'meshforge/main')).not.toBe(firstTip);
    expect(github.pulls).toHaveLength(1);
    // The body describes the whole pull request against the base: the new port and the config edit.
    expect(github.pulls[0]?.body).toContain('+  ports: [{ number: 8001, name: http, protocol: HTTP }]');
    expect(github.pulls[0]?.body).toContain('-port: 8000\n+port: 8001');
    expect(github.requests.filter((r) => r.operation === 'pulls/create')).toHaveLength(1);
    expect(github.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);
    // The push onto the first one: one comment on what changed since, and only the config edit and the port.
    expect(changed.comment).toMatchObject({ action: 'created' });
    expect(github.comments.map((c) => c.body.split('\n')[0])).toEqual(['<!-- meshforge:update -->']);
    expect(github.comments[0]?.body).toContain('-port: 8000\n+port: 8001');
  });

  it('asks GitHub before pushing: a refused token or a missing repository pushes nothing', async () => {
    const attempt = (token: string, repo: string) =>
      runPullRequest(request({ github: { repository: { owner: OWNER, repo }, baseUrl: github.url, token, client: { retryBaseMs: 5 } } })).then(
        () => undefined,
        (e: unknown) => e as PublishError,
      );
    expect((await attempt('not-the-token-4321', REPO))?.failure).toBe('auth');
    expect((await attempt(TOKEN, 'missing-repo'))?.failure).toBe('not-found');
    expect(await branchSha(remote, box.env, 'meshforge/main')).toBeUndefined();
    expect(github.pulls).toHaveLength(0);
  });

  it('touches neither git nor GitHub in a dry run', async () => {
    const outcome = await runPullRequest(request({ github: { repository: { owner: OWNER, repo: REPO }, baseUrl: github.url }, dryRun: true }));
    expect(outcome.result).toBe('dry-run');
    expect(outcome.body.markdown).toContain('<!-- meshforge:pr -->');
    expect(await branchSha(remote, box.env, 'meshforge/main')).toBeUndefined();
    expect(github.requests).toEqual([]);
  });

  it('needs a token when there is something to publish, and says how to proceed (#18)', async () => {
    const error = (await runPullRequest(request({ lockContent: '', github: { repository: { owner: OWNER, repo: REPO }, baseUrl: github.url } })).catch((e: unknown) => e)) as PublishError;
    expect(error.failure).toBe('auth');
    expect(EXIT_FOR_KIND[error.kind]).toBe(3);
    expect(error.message).toBe(`no GitHub token: set GITHUB_TOKEN or GH_TOKEN to publish these changes to ${OWNER}/${REPO}`);
    expect(error.hint).toContain('or run meshforge pr --provider git to push the branch only');
    expect(await branchSha(remote, box.env, 'meshforge/main')).toBeUndefined();
    expect(github.requests).toEqual([]);
  });

  it('needs no token when there is nothing to change (#18)', async () => {
    // Publish once with the token, merge the branch into main: main now holds the generated tree.
    await run(8000);
    await git(work, box.env, ['fetch', '--quiet', 'origin', 'meshforge/main']);
    await git(work, box.env, ['merge', '--quiet', '--ff-only', 'FETCH_HEAD']);
    await git(work, box.env, ['push', '--quiet', 'origin', 'main']);
    const requests = github.requests.length;
    const outcome = await runPullRequest(request({ github: { repository: { owner: OWNER, repo: REPO }, baseUrl: github.url } }));
    expect(outcome.result).toBe('no-changes');
    expect(github.requests.length).toBe(requests);
  });
});
