/** A GitHub (or GitHub Enterprise) repository. */
export interface GitHubRepository {
  readonly owner: string;
  readonly repo: string;
}

import { GITHUB_API_URL } from '../core/cli-vocabulary.js';
export { GITHUB_API_URL };

const OWNER_REPO = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;

/** Parses `OWNER/REPO`; undefined when it is not one. */
export function parseRepository(text: string): GitHubRepository | undefined {
  const match = OWNER_REPO.exec(text.trim().replace(/\.git$/, ''));
  return match ? { owner: match[1] as string, repo: match[2] as string } : undefined;
}

/** The web host of a GitHub API base URL: api.github.com -> github.com, https://ghe.corp/api/v3 -> ghe.corp. */
export function webHostOf(apiBaseUrl: string): string | undefined {
  try {
    const url = new URL(apiBaseUrl);
    return url.hostname === 'api.github.com' ? 'github.com' : url.host;
  } catch {
    return undefined;
  }
}

/** Host and path of a git remote URL in any of git's spellings (https, ssh://, scp-like user@host:path). */
export function parseRemoteUrl(remoteUrl: string): { readonly host: string; readonly path: string } | undefined {
  const url = remoteUrl.trim();
  const scpLike = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(url);
  if (scpLike && !/^[A-Za-z]:[\\/]/.test(url)) return { host: scpLike[1] as string, path: scpLike[2] as string };
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'file:') return undefined;
    return { host: parsed.host, path: decodeURIComponent(parsed.pathname) };
  } catch {
    return undefined;
  }
}

/**
 * The GitHub repository a remote URL points at, when its host is github.com or the web host of the configured
 * GitHub Enterprise API URL.
 */
export function githubRepositoryFromRemote(remoteUrl: string, apiBaseUrl: string = GITHUB_API_URL): GitHubRepository | undefined {
  const remote = parseRemoteUrl(remoteUrl);
  if (!remote) return undefined;
  const hosts = new Set(['github.com', webHostOf(apiBaseUrl)]);
  const host = remote.host.replace(/^www\./, '');
  if (!hosts.has(host) && !hosts.has(host.replace(/:\d+$/, ''))) return undefined;
  return parseRepository(remote.path.replace(/^\/+|\/+$/g, ''));
}

/**
 * How to open the pull request in a browser, for the forges whose URL layout is known; undefined otherwise
 * (then the caller prints the branch names to use).
 */
export function compareUrl(remoteUrl: string, base: string, branch: string, apiBaseUrl: string = GITHUB_API_URL): string | undefined {
  const github = githubRepositoryFromRemote(remoteUrl, apiBaseUrl);
  if (github) {
    const host = parseRemoteUrl(remoteUrl)?.host.replace(/^www\./, '');
    const webHost = host === 'github.com' ? host : (webHostOf(apiBaseUrl) ?? 'github.com');
    return `https://${webHost}/${github.owner}/${github.repo}/compare/${encodeRef(base)}...${encodeRef(branch)}?expand=1`;
  }
  const remote = parseRemoteUrl(remoteUrl);
  if (remote && /(^|\.)gitlab\./.test(remote.host)) {
    const project = remote.path.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '');
    const query = `merge_request%5Bsource_branch%5D=${encodeURIComponent(branch)}&merge_request%5Btarget_branch%5D=${encodeURIComponent(base)}`;
    return `https://${remote.host.replace(/:\d+$/, '')}/${project}/-/merge_requests/new?${query}`;
  }
  return undefined;
}

function encodeRef(ref: string): string {
  return ref.split('/').map(encodeURIComponent).join('/');
}
