// `meshforge pr` on an update: besides refreshing the body, it says what changed since the previous push in one
// comment, found again by its hidden marker and updated in place. Against the GitHub stand-in (fake-github.ts), which
// checks every request against GitHub's published OpenAPI description of issues/list-comments, create-comment and
// update-comment.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestWorld, type FakeGitHub, type PullRequestWorld } from './fake-github.js';
import { branchSha, meshforgeInProcess as meshforge, REPO_ROOT, type Sandbox } from './helpers.js';

const EXAMPLE_CONFIG = readFileSync(join(REPO_ROOT, 'mesh.config.yaml'), 'utf8');
const TOKEN = 'comment-test-token-31c9e2f0a4b7';
const MARKER = '<!-- meshforge:update -->';

function editConfig(work: string, from: string, to: string): void {
  const path = join(work, 'mesh.config.yaml');
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`example config no longer contains ${from}`);
  writeFileSync(path, text.replace(from, to));
}

describe('meshforge pr: the "since the previous push" comment', () => {
  let box: Sandbox;
  let remote: string;
  let work: string;
  let github: FakeGitHub;
  let world: PullRequestWorld;
  beforeAll(async () => {
    world = await pullRequestWorld('meshforge-pr-comment-', TOKEN, { 'mesh.config.yaml': EXAMPLE_CONFIG });
    ({ box, remote, work, github } = world);
  });
  afterAll(() => world.close());

  const pr = () => meshforge(work, { ...box.env, GITHUB_TOKEN: TOKEN }, ['pr', '--provider', 'github', '--github', 'example-org/mesh-gitops', '--github-url', github.url]);

  it('comments nothing on a new pull request, then one comment per update, updated in place', { timeout: 240_000 }, async () => {
    const first = await pr();
    expect(first.code).toBe(0);
    expect(github.comments).toEqual([]);
    // A reviewer's own comment is never touched.
    github.comments.push({ id: 1, issueNumber: 1, body: 'Looks good, but check the VIPs.' });

    const firstTip = await branchSha(remote, box.env, 'meshforge/main');
    editConfig(work, 'ports: [{ number: 8000, name: http, protocol: HTTP }]', 'ports: [{ number: 8001, name: http, protocol: HTTP }]');
    const second = await pr();
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`Since the previous push (${firstTip?.slice(0, 12)}):`);
    expect(second.stdout).toMatch(/Commented on what changed since the previous push: https:\/\/github\.example\/example-org\/mesh-gitops\/pull\/1#issuecomment-\d+/);
    const ours = () => github.comments.filter((c) => c.body.includes(MARKER));
    expect(ours()).toHaveLength(1);
    const comment = ours()[0]!;
    expect(comment.body.split('\n')[0]).toBe(MARKER);
    expect(comment.body).toContain('## meshforge: changes since the previous push');
    expect(comment.body).toContain(`What commit ${firstTip?.slice(0, 12)} → `);
    // Only what the second push changed: the port edit, not the whole tree the first push added.
    expect(comment.body).toMatch(/\| `cluster\d` \| `Service(Entry)?` \|/);
    expect(comment.body).not.toMatch(/\| \d{2,} \|/);
    expect(comment.body).not.toContain('### Policy findings');
    expect(comment.body.length).toBeLessThanOrEqual(65_536);
    const firstCommentBody = comment.body;

    const secondTip = await branchSha(remote, box.env, 'meshforge/main');
    editConfig(work, 'ports: [{ number: 8001, name: http, protocol: HTTP }]', 'ports: [{ number: 8002, name: http, protocol: HTTP }]');
    const third = await pr();
    expect(third.code).toBe(0);
    expect(third.stdout).toContain('Updated the comment on what changed since the previous push');
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.id).toBe(comment.id);
    expect(ours()[0]!.body).not.toBe(firstCommentBody);
    expect(ours()[0]!.body).toContain(`What commit ${secondTip?.slice(0, 12)} → `);
    expect(github.comments.find((c) => c.id === 1)?.body).toBe('Looks good, but check the VIPs.');

    // A run with nothing new pushes nothing and leaves the comment alone.
    const before = github.requests.length;
    const fourth = await pr();
    expect(fourth.code).toBe(0);
    expect(github.requests.slice(before).some((r) => r.operation.startsWith('issues/') && r.operation !== 'issues/add-labels')).toBe(false);

    expect(github.requests.filter((r) => r.operation === 'issues/create-comment')).toHaveLength(1);
    expect(github.requests.filter((r) => r.operation === 'issues/update-comment')).toHaveLength(1);
    expect(github.contractViolations).toEqual([]);
    for (const run of [first, second, third, fourth]) expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });
});
