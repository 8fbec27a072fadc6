// `meshforge pr` end to end: the CLI in-process (one run as the built binary, the smoke test: build first), in a real
// git checkout of the example config, with a bare repository as the remote (by path, and by URL through smart HTTP
// served by git http-backend), and GitHub replaced by a local server that follows GitHub's published OpenAPI
// contract (fake-github.ts).
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestWorld, type FakeGitHub, type PullRequestWorld } from './fake-github.js';
import { startGitHttpServer, type GitHttpServer } from './git-http-server.js';
import { bareRemote, branchSha, checkout, filesAt, git, meshforgeInProcess as meshforge, meshforgeProcess, REPO_ROOT, sandbox, type Sandbox } from './helpers.js';

const EXAMPLE_CONFIG = readFileSync(join(REPO_ROOT, 'mesh.config.yaml'), 'utf8');
const TOKEN = 'cli-test-token-5d1e08a7c3f2';

function editConfig(work: string, from: string, to: string): void {
  const path = join(work, 'mesh.config.yaml');
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`example config no longer contains ${from}`);
  writeFileSync(path, text.replace(from, to));
}

const GIT_PR = ['pr', '--provider', 'git', '--remote', 'origin', '--base', 'main'];

describe('meshforge pr --provider git, remote by path', () => {
  let box: Sandbox;
  let remote: string;
  let work: string;
  beforeAll(async () => {
    box = sandbox('meshforge-pr-cli-');
    remote = await bareRemote(box);
    work = await checkout(box, remote, { 'mesh.config.yaml': EXAMPLE_CONFIG, 'README.md': '# GitOps\n' });
  });
  afterAll(() => box.cleanup());

  it('first run (the built binary: the spawn smoke test) pushes one branch whose commit holds clusters/, the ledger and the config', async () => {
    const base = await branchSha(remote, box.env, 'main');
    const head = await git(work, box.env, ['rev-parse', 'HEAD']);
    const run = await meshforgeProcess(work, box.env, GIT_PR);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^meshforge pr: mesh\.config\.yaml -> branch meshforge\/main on origin \(.*remote\.git\), base main/);
    expect(run.stdout).toMatch(/\n {2}cluster1: resources \d+ added, 0 changed, 0 removed; files \d+ added, 0 changed, 0 removed\n/);
    expect(run.stdout).toMatch(/\nPushed [0-9a-f]{12} to meshforge\/main \(force-with-lease; main untouched\)\.\n/);
    expect(run.stdout).toContain('Open a pull request from meshforge/main into main on your forge');
    const files = await filesAt(remote, box.env, 'meshforge/main');
    expect(files).toContain('mesh.lock.yaml');
    expect(files).toContain('mesh.config.yaml');
    expect(files.filter((f) => f.startsWith('clusters/cluster1/')).length).toBeGreaterThan(10);
    expect(files.filter((f) => f.startsWith('clusters/cluster3/')).length).toBeGreaterThan(5);
    expect(await branchSha(remote, box.env, 'main')).toBe(base);
    expect(await git(work, box.env, ['rev-parse', 'HEAD'])).toBe(head);
    expect(await git(work, box.env, ['status', '--porcelain'])).toBe('');
  });

  it('a second run with no change makes no new commit', async () => {
    const tip = await branchSha(remote, box.env, 'meshforge/main');
    const run = await meshforge(work, box.env, GIT_PR);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Branch meshforge/main already holds this change: no new commit.');
    expect(await branchSha(remote, box.env, 'meshforge/main')).toBe(tip);
  });

  it('--dry-run prints the commit and the pull request body and pushes nothing', async () => {
    editConfig(work, 'ports: [{ number: 8000, name: http, protocol: HTTP }]', 'ports: [{ number: 8001, name: http, protocol: HTTP }]');
    const tip = await branchSha(remote, box.env, 'meshforge/main');
    const run = await meshforge(work, box.env, [...GIT_PR, '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Dry run: nothing was committed or pushed. Would push a new commit on main');
    expect(run.stdout).toContain(`--force-with-lease=refs/heads/meshforge/main:${tip}`);
    expect(run.stdout).toContain('\n--- pull request body ---\n<!-- meshforge:pr -->\n## meshforge: generated changes\n');
    expect(run.stdout).toContain('-    ports: [{ number: 8000, name: http, protocol: HTTP }]\n+    ports: [{ number: 8001, name: http, protocol: HTTP }]');
    expect(await branchSha(remote, box.env, 'meshforge/main')).toBe(tip);
  });

  it('a run after a config change adds a new commit to the same branch, on top of the base tip', async () => {
    const base = await branchSha(remote, box.env, 'main');
    const tip = await branchSha(remote, box.env, 'meshforge/main');
    const run = await meshforge(work, box.env, GIT_PR);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Pushed ');
    const newTip = await branchSha(remote, box.env, 'meshforge/main');
    expect(newTip).not.toBe(tip);
    expect(await git(remote, box.env, ['rev-parse', `${newTip}^`])).toBe(base);
    expect(await git(remote, box.env, ['show', 'meshforge/main:mesh.config.yaml'])).toContain('number: 8001');
    expect(await git(remote, box.env, ['log', '-1', '--format=%s', 'meshforge/main'])).toMatch(/^meshforge: update cluster1, cluster2, cluster3 \(\+\d+ ~\d+ -\d+\)$/);
    expect(await branchSha(remote, box.env, 'main')).toBe(base);
  });

  it('refuses uncommitted changes outside the generated paths with exit 2', async () => {
    const tip = await branchSha(remote, box.env, 'meshforge/main');
    writeFileSync(join(work, 'README.md'), '# GitOps (edited)\n');
    const run = await meshforge(work, box.env, GIT_PR);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'meshforge: the working tree has uncommitted changes outside the generated paths: README.md\n' +
        '  hint: Commit or stash them first. meshforge pr only carries clusters/, mesh.lock.yaml and mesh.config.yaml; other changes would silently be left out of the pull request.\n',
    );
    expect(await branchSha(remote, box.env, 'meshforge/main')).toBe(tip);
    await git(work, box.env, ['checkout', '--', 'README.md']);
  });

  it('stops with exit 3 when someone else pushes to the branch during the run, and keeps their commit', async () => {
    // The colleague's push happens from a pre-push hook: after meshforge read the branch, before its push lands.
    const colleague = join(box.dir, 'colleague');
    await git(box.dir, box.env, ['clone', '--quiet', '--branch', 'meshforge/main', remote, colleague]);
    writeFileSync(join(colleague, 'hotfix.txt'), 'theirs\n');
    await git(colleague, box.env, ['add', '--all']);
    await git(colleague, box.env, ['commit', '--quiet', '-m', 'hotfix']);
    const hook = join(work, '.git/hooks/pre-push');
    writeFileSync(hook, `#!/bin/sh\nunset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE\ncd '${colleague}' && git push --quiet origin HEAD:refs/heads/meshforge/main\n`);
    chmodSync(hook, 0o755);
    editConfig(work, 'number: 8001', 'number: 8002');
    try {
      const run = await meshforge(work, box.env, GIT_PR);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^meshforge: push to meshforge\/main rejected: the branch changed on origin .* since meshforge read it/);
      expect(run.stderr).toContain('hint: Someone else pushed to the branch. meshforge did not overwrite it');
      const theirs = await git(colleague, box.env, ['rev-parse', 'HEAD']);
      expect(await branchSha(remote, box.env, 'meshforge/main')).toBe(theirs);
    } finally {
      writeFileSync(hook, '#!/bin/sh\nexit 0\n');
      editConfig(work, 'number: 8002', 'number: 8001');
    }
  });

  it('rejects an invalid config with exit 2 and pushes nothing', async () => {
    const tip = await branchSha(remote, box.env, 'meshforge/main');
    writeFileSync(join(box.dir, 'broken.yaml'), 'apiVersion: meshforge.io/v1alpha1\nmesh: [\n');
    const run = await meshforge(work, box.env, [...GIT_PR, '--config', join(box.dir, 'broken.yaml')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/broken\.yaml:\d+:\d+/);
    expect(await branchSha(remote, box.env, 'meshforge/main')).toBe(tip);
  });

  it('picks the github provider when the config names a GitHub repository, and with changes to publish needs a token (exit 3)', async () => {
    const run = await meshforge(work, box.env, ['pr', '--remote', 'origin']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('meshforge: no GitHub token: set GITHUB_TOKEN or GH_TOKEN to publish these changes to');
    expect(run.stderr).toContain('--provider git');
  });
});

describe('meshforge pr --provider git, remote by URL over smart HTTP', () => {
  let box: Sandbox;
  let remote: string;
  let work: string;
  let server: GitHttpServer;
  beforeAll(async () => {
    box = sandbox('meshforge-pr-http-');
    remote = await bareRemote(box);
    server = await startGitHttpServer(join(box.dir, 'server'), box.env);
    // No gitops.github: the git provider is the default.
    const config = EXAMPLE_CONFIG.replace(/\n {2}github: \{[^}]*\}\n/, '\n');
    work = await checkout(box, `${server.url}/remote.git`, { 'mesh.config.yaml': config });
  });
  afterAll(async () => {
    await server.close();
    box.cleanup();
  });

  it('pushes through git http-backend, and a second run makes no new commit', async () => {
    const url = `${server.url}/remote.git`;
    const first = await meshforge(work, box.env, ['pr', '--remote', url]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`-> branch meshforge/main on ${url}, base main`);
    const tip = await branchSha(remote, box.env, 'meshforge/main');
    expect(tip).toBeDefined();
    expect(server.requests.some((r) => r === 'POST /remote.git/git-receive-pack')).toBe(true);
    const second = await meshforge(work, box.env, ['pr', '--remote', url]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('no new commit');
    expect(await branchSha(remote, box.env, 'meshforge/main')).toBe(tip);
    expect(await branchSha(remote, box.env, 'main')).toBe(await git(work, box.env, ['rev-parse', 'HEAD']));
  });
});

describe('meshforge pr --provider github against the GitHub stand-in', () => {
  let box: Sandbox;
  let remote: string;
  let work: string;
  let github: FakeGitHub;
  let world: PullRequestWorld;
  beforeAll(async () => {
    world = await pullRequestWorld('meshforge-pr-github-', TOKEN, { 'mesh.config.yaml': EXAMPLE_CONFIG });
    ({ box, remote, work, github } = world);
  });
  afterAll(() => world.close());

  const pr = (token: string) => meshforge(work, { ...box.env, GITHUB_TOKEN: token }, ['pr', '--provider', 'github', '--github', 'example-org/mesh-gitops', '--github-url', github.url]);

  it('creates the pull request, then updates the same one after a config change, never printing the token', async () => {
    const first = await pr(TOKEN);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Created pull request #1: https://github.example/example-org/mesh-gitops/pull/1');
    expect(first.stdout).toContain('Labels: cluster/cluster1, cluster/cluster2, cluster/cluster3');

    editConfig(work, 'ports: [{ number: 8000, name: http, protocol: HTTP }]', 'ports: [{ number: 8001, name: http, protocol: HTTP }]');
    const second = await pr(TOKEN);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Pushed ');
    expect(second.stdout).toContain('Updated pull request #1: https://github.example/example-org/mesh-gitops/pull/1');

    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]?.body.length).toBeLessThan(65_536);
    expect(github.pulls[0]?.body.split('\n')[0]).toBe('<!-- meshforge:pr -->');
    expect(github.contractViolations).toEqual([]);
    expect(github.requests.filter((r) => r.operation === 'pulls/create')).toHaveLength(1);
    expect(github.requests.every((r) => r.userAgent.startsWith('meshforge/'))).toBe(true);
    for (const run of [first, second]) expect(run.stdout + run.stderr).not.toContain(TOKEN);
    expect(github.pulls[0]?.body).not.toContain(TOKEN);
  });

  it('exits 3 on a refused token and does not print it', async () => {
    const wrong = 'wrong-cli-token-9b8a7c6d';
    const run = await pr(wrong);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('GitHub refused the token (HTTP 401)');
    expect(run.stderr).toContain('hint: Set GITHUB_TOKEN or GH_TOKEN');
    expect(run.stdout + run.stderr).not.toContain(wrong);
  });
});
