import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { PublishError, scrub } from './errors.js';
import { GITHUB_API_URL, type GitHubRepository } from './remote.js';

const MeshOctokit = Octokit.plugin(retry, throttling);

/** Environment variables read for the token, in order. */
export const TOKEN_ENV = ['GITHUB_TOKEN', 'GH_TOKEN'] as const;

export function tokenFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  for (const name of TOKEN_ENV) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

export interface PullRequestContent {
  /** Branch holding the change (in the same repository). */
  readonly head: string;
  readonly base: string;
  readonly title: string;
  readonly body: string;
  readonly labels: readonly string[];
}

export interface PullRequestResult {
  readonly action: 'created' | 'updated';
  readonly number: number;
  readonly url: string;
  readonly labels: readonly string[];
}

export interface GitHubClientOptions {
  /** API base URL: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  readonly baseUrl?: string;
  readonly userAgent?: string;
  /** Milliseconds: the retry delays are 1, 4 and 9 times this (Octokit's retry plugin). */
  readonly retryBaseMs?: number;
  readonly retries?: number;
  /** Receives warnings (rate limits, retries), already stripped of the token. */
  readonly warn?: (message: string) => void;
}

interface HttpFailure {
  readonly status: number;
  readonly message: string;
  readonly response?: { readonly data?: unknown };
}

/**
 * Opens or updates meshforge's pull request. The token stays in a private field: it is handed to Octokit and
 * removed from every message this class produces.
 */
export class GitHubPullRequests {
  readonly #token: string;
  readonly #octokit: InstanceType<typeof MeshOctokit>;
  readonly #target: GitHubRepository;
  readonly #baseUrl: string;

  constructor(target: GitHubRepository, token: string, options: GitHubClientOptions = {}) {
    this.#token = token;
    this.#target = target;
    this.#baseUrl = (options.baseUrl ?? GITHUB_API_URL).replace(/\/+$/, '');
    const warn = (message: string) => options.warn?.(scrub(message, this.#token));
    this.#octokit = new MeshOctokit({
      auth: token,
      baseUrl: this.#baseUrl,
      userAgent: options.userAgent ?? 'meshforge',
      log: { debug: () => {}, info: () => {}, warn, error: warn },
      retry: { retries: options.retries ?? 3, ...(options.retryBaseMs !== undefined ? { retryAfterBaseValue: options.retryBaseMs } : {}) },
      throttle: {
        // Wait out a primary rate limit twice at most, and never for more than a minute: a CI job should fail clearly.
        onRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => {
          warn(`GitHub rate limit reached; retrying in ${retryAfter}s`);
          return retryCount < 2 && retryAfter <= 60;
        },
        onSecondaryRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => {
          warn(`GitHub secondary rate limit reached; retrying in ${retryAfter}s`);
          return retryCount < 1 && retryAfter <= 60;
        },
      },
    });
  }

  get repository(): string {
    return `${this.#target.owner}/${this.#target.repo}`;
  }

  /**
   * The open pull request from `head` into `base`, if any. Also the first call of a run: a bad token or a wrong
   * repository fails here, before anything is pushed.
   */
  async findOpen(head: string, base: string): Promise<{ readonly number: number } | undefined> {
    const { owner, repo } = this.#target;
    const existing = await this.#call('find the open pull request', () => this.#octokit.rest.pulls.list({ owner, repo, state: 'open', head: `${owner}:${head}`, base, per_page: 10 }));
    const open = existing.data[0];
    return open ? { number: open.number } : undefined;
  }

  /**
   * Updates the open pull request for the branch, or creates it; then adds the labels. `found` is the result of an
   * earlier findOpen in the same run, to skip a second lookup.
   */
  async upsert(content: PullRequestContent, found?: { readonly open: { readonly number: number } | undefined }): Promise<PullRequestResult> {
    const { owner, repo } = this.#target;
    let action: PullRequestResult['action'];
    let pull: { number: number; html_url: string };
    const open = found ? found.open : await this.findOpen(content.head, content.base);
    if (open) {
      action = 'updated';
      pull = (await this.#call(`update pull request #${open.number}`, () => this.#octokit.rest.pulls.update({ owner, repo, pull_number: open.number, title: content.title, body: content.body }))).data;
    } else {
      try {
        pull = (await this.#call('create the pull request', () => this.#octokit.rest.pulls.create({ owner, repo, head: content.head, base: content.base, title: content.title, body: content.body }))).data;
        action = 'created';
      } catch (error) {
        // Another run opened it between our list and our create: update that one instead of failing.
        if (!(error instanceof PublishError && error.failure === 'validation' && /already exists/i.test(error.message))) throw error;
        const again = await this.#call('find the open pull request', () => this.#octokit.rest.pulls.list({ owner, repo, state: 'open', head: `${owner}:${content.head}`, base: content.base, per_page: 10 }));
        const raced = again.data[0];
        if (!raced) throw error;
        pull = (await this.#call(`update pull request #${raced.number}`, () => this.#octokit.rest.pulls.update({ owner, repo, pull_number: raced.number, title: content.title, body: content.body }))).data;
        action = 'updated';
      }
    }
    if (content.labels.length > 0) {
      await this.#call(`label pull request #${pull.number}`, () => this.#octokit.rest.issues.addLabels({ owner, repo, issue_number: pull.number, labels: [...content.labels] }));
    }
    return { action, number: pull.number, url: pull.html_url, labels: content.labels };
  }

  /** Runs one API call; turns every failure into a PublishError whose text never holds the token. */
  async #call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw this.#explain(what, error);
    }
  }

  #explain(what: string, error: unknown): PublishError {
    const clean = (text: string) => scrub(text, this.#token);
    const where = `${this.repository} at ${this.#baseUrl}`;
    if (!isHttpFailure(error)) {
      const message = error instanceof Error ? error.message : String(error);
      return new PublishError('github', clean(`could not ${what} on ${where}: ${message}`));
    }
    const detail = clean(githubMessage(error));
    const { status } = error;
    if (status === 401 || (status === 403 && !/rate limit/i.test(detail))) {
      return new PublishError(
        'auth',
        `GitHub refused the token (HTTP ${status}) when trying to ${what} on ${where}: ${detail}`,
        'Set GITHUB_TOKEN or GH_TOKEN to a token that can read the repository and write pull requests (fine-grained: "Pull requests: write", "Contents: read"; classic: "repo").',
      );
    }
    if (status === 404) {
      return new PublishError(
        'not-found',
        `GitHub repository ${where} not found (HTTP 404) when trying to ${what}`,
        'Check --github OWNER/REPO (or gitops.github.repository), --github-url for GitHub Enterprise, and that the token can see the repository.',
      );
    }
    if (status === 422) {
      const tooLong = /too long|maximum is/i.test(detail);
      return new PublishError(
        'validation',
        `GitHub rejected the request to ${what} (HTTP 422): ${detail}`,
        tooLong ? 'The pull request body is too long; this is a meshforge bug (it truncates bodies), please report it.' : 'Check that the base branch exists on GitHub and the branch was pushed to the same repository.',
      );
    }
    if (status >= 500 || error.response === undefined) {
      return new PublishError('network', `GitHub did not answer the request to ${what} on ${where} after retries: ${detail}`, 'Check the network and https://www.githubstatus.com, then run meshforge pr again: it updates the same pull request.');
    }
    return new PublishError('github', `GitHub refused the request to ${what} on ${where} (HTTP ${status}): ${detail}`);
  }
}

function isHttpFailure(error: unknown): error is HttpFailure {
  return typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number';
}

/** GitHub's own message plus its per-field validation errors. */
function githubMessage(error: HttpFailure): string {
  const data = error.response?.data;
  if (typeof data === 'object' && data !== null) {
    const { message, errors } = data as { message?: unknown; errors?: unknown };
    const parts: string[] = [];
    if (typeof message === 'string') parts.push(message);
    if (Array.isArray(errors)) {
      for (const item of errors) {
        if (typeof item === 'string') parts.push(item);
        else if (typeof item === 'object' && item !== null) {
          const { message: m, field, code } = item as { message?: unknown; field?: unknown; code?: unknown };
          parts.push([typeof field === 'string' ? field : '', typeof m === 'string' ? m : typeof code === 'string' ? code : ''].filter(Boolean).join(': '));
        }
      }
    }
    if (parts.length > 0) return parts.join('; ');
  }
  return error.message.replace(/ - https:\/\/docs\.github\.com\S*/, '');
}
