import { describe, expect, it } from 'vitest';
import { scrub } from './errors.js';
import { compareUrl, githubRepositoryFromRemote, parseRepository, webHostOf } from './remote.js';

describe('GitHub repository from a remote URL', () => {
  it.each([
    ['https://github.com/example-org/mesh-gitops.git', 'example-org/mesh-gitops'],
    ['https://github.com/example-org/mesh-gitops', 'example-org/mesh-gitops'],
    ['https://x-access-token:secret@github.com/example-org/mesh-gitops.git', 'example-org/mesh-gitops'],
    ['git@github.com:example-org/mesh-gitops.git', 'example-org/mesh-gitops'],
    ['ssh://git@github.com/example-org/mesh-gitops.git', 'example-org/mesh-gitops'],
  ])('%s -> %s', (url, expected) => {
    const repo = githubRepositoryFromRemote(url);
    expect(repo && `${repo.owner}/${repo.repo}`).toBe(expected);
  });

  it.each(['/srv/git/mesh.git', 'file:///srv/git/mesh.git', 'https://gitlab.com/example-org/mesh-gitops.git', 'git@ghe.corp.example:org/repo.git'])('%s is not a github.com repository', (url) => {
    expect(githubRepositoryFromRemote(url)).toBeUndefined();
  });

  it('recognises the GitHub Enterprise host of the configured API URL', () => {
    expect(webHostOf('https://ghe.corp.example/api/v3')).toBe('ghe.corp.example');
    expect(webHostOf('https://api.github.com')).toBe('github.com');
    expect(githubRepositoryFromRemote('git@ghe.corp.example:org/repo.git', 'https://ghe.corp.example/api/v3')).toEqual({ owner: 'org', repo: 'repo' });
  });

  it('parses OWNER/REPO and rejects anything else', () => {
    expect(parseRepository('example-org/mesh-gitops')).toEqual({ owner: 'example-org', repo: 'mesh-gitops' });
    expect(parseRepository('example-org')).toBeUndefined();
    expect(parseRepository('a/b/c')).toBeUndefined();
  });
});

describe('compare URL printed by the git provider', () => {
  it('is the GitHub compare page for GitHub remotes', () => {
    expect(compareUrl('git@github.com:example-org/mesh-gitops.git', 'main', 'meshforge/main')).toBe('https://github.com/example-org/mesh-gitops/compare/main...meshforge/main?expand=1');
    expect(compareUrl('git@ghe.corp.example:org/repo.git', 'main', 'meshforge/main', 'https://ghe.corp.example/api/v3')).toBe('https://ghe.corp.example/org/repo/compare/main...meshforge/main?expand=1');
  });

  it('is the new merge request page for GitLab remotes', () => {
    expect(compareUrl('https://gitlab.com/group/mesh.git', 'main', 'meshforge/main')).toBe(
      'https://gitlab.com/group/mesh/-/merge_requests/new?merge_request%5Bsource_branch%5D=meshforge%2Fmain&merge_request%5Btarget_branch%5D=main',
    );
  });

  it('is unknown for plain paths and other forges', () => {
    expect(compareUrl('/srv/git/mesh.git', 'main', 'meshforge/main')).toBeUndefined();
    expect(compareUrl('https://git.example.net/mesh.git', 'main', 'meshforge/main')).toBeUndefined();
  });
});

describe('scrub', () => {
  it('removes the token and URL credentials', () => {
    expect(scrub('failed for token abc123token at https://user:abc123token@github.com/o/r', 'abc123token')).toBe('failed for token *** at https://user:***@github.com/o/r');
  });
});
