import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { PublishError, scrub } from './errors.js';
import { GITHUB_API_URL, type GitHubRepository } from './remote.js';

const MeshOctokit = Octokit.plugin(retry, throttling);

/** Environment variables read for the token, in order. */
import { TOKEN_ENV } from '../core/cli-vocabulary.js';
export { TOKEN_ENV };

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

export interface CommentResult {
  readonly action: 'created' | 'updated';
  readonly id: number;
  /** The comment's web address, when GitHub gave one. */
  readonly url?: string;
}

const MAX_COMMENT_PAGES = 10;

function commentUrl(data: unknown): string | undefined {
  const url = typeof data === 'object' && data !== null ? (data as { html_url?: unknown }).html_url : undefined;
  return typeof url === 'string' && /^https?:\/\/\S+$/.test(url) ? url : undefined;
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
  /** Milliseconds one HTTP request may take before it is abandoned (and retried). Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Milliseconds all API calls of this client may take together, retries and their waits included. Default 120 s. */
  readonly totalTimeoutMs?: number;
  /** The clock the rate-limit reset time is read against (tests pass a fixed one). */
  readonly now?: () => Date;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_TOTAL_TIMEOUT_MS = 120_000;

interface HttpFailure {
  readonly status: number;
  readonly message: string;
  readonly cause?: unknown;
  readonly response?: { readonly data?: unknown; readonly headers?: Readonly<Record<string, string | number | undefined>> };
}

/** Thrown when a call runs past the client's total budget. */
class BudgetExceeded extends Error {}

/** The pull request fields meshforge uses, from an answer that must hold them (GitHub's answer is not trusted blindly). */
interface PullRef {
  readonly number: number;
  readonly html_url: string;
}

function isPullNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
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
  readonly #requestTimeoutMs: number;
  readonly #totalTimeoutMs: number;
  readonly #now: () => Date;
  /** Time spent in API calls so far, against the total budget. */
  #spentMs = 0;
  /** Set once the total budget is spent: no request leaves after that, not even a retry already scheduled. */
  #expired = false;

  constructor(target: GitHubRepository, token: string, options: GitHubClientOptions = {}) {
    this.#token = token;
    this.#target = target;
    this.#baseUrl = (options.baseUrl ?? GITHUB_API_URL).replace(/\/+$/, '');
    this.#requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#totalTimeoutMs = options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
    this.#now = options.now ?? (() => new Date());
    const warn = (message: string) => options.warn?.(scrub(message, this.#token));
    // Node's fetch waits about 5 minutes for a silent server: every request gets its own, shorter timeout.
    const timedFetch = (url: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
      if (this.#expired) return Promise.reject(new BudgetExceeded('the total time budget for GitHub is spent'));
      const timeout = AbortSignal.timeout(this.#requestTimeoutMs);
      return fetch(url, { ...init, signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
    };
    this.#octokit = new MeshOctokit({
      auth: token,
      baseUrl: this.#baseUrl,
      userAgent: options.userAgent ?? 'meshforge',
      log: { debug: () => {}, info: () => {}, warn, error: warn },
      request: { fetch: timedFetch },
      retry: { retries: options.retries ?? 3, ...(options.retryBaseMs !== undefined ? { retryAfterBaseValue: options.retryBaseMs } : {}) },
      throttle: {
        // Wait out a primary rate limit twice at most, and never for more than a minute: a CI job should fail clearly
        // (the error then says until when GitHub refuses). Only a wait that happens is announced.
        onRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => {
          const retry = retryCount < 2 && retryAfter <= 60;
          if (retry) warn(`GitHub rate limit reached; retrying in ${retryAfter}s`);
          return retry;
        },
        onSecondaryRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => {
          const retry = retryCount < 1 && retryAfter <= 60;
          if (retry) warn(`GitHub secondary rate limit reached; retrying in ${retryAfter}s`);
          return retry;
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
    return this.#firstPull('find the open pull request', existing.data);
  }

  /** The first pull request of a list answer; the answer must be a list of pull requests with numbers. */
  #firstPull(what: string, data: unknown): { readonly number: number } | undefined {
    if (!Array.isArray(data)) throw this.#malformed(what, 'not a list of pull requests');
    const first: unknown = data[0];
    if (first === undefined) return undefined;
    const number = typeof first === 'object' && first !== null ? (first as { number?: unknown }).number : undefined;
    if (!isPullNumber(number)) throw this.#malformed(what, 'a pull request without a valid number');
    return { number };
  }

  /** A pull request answer (create, update) must carry the number and the web address meshforge prints and uses. */
  #pullRef(what: string, data: unknown): PullRef {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw this.#malformed(what, 'not a pull request object');
    const { number, html_url: url } = data as { number?: unknown; html_url?: unknown };
    if (!isPullNumber(number)) throw this.#malformed(what, 'a pull request without a valid number');
    if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) throw this.#malformed(what, `pull request #${number} without a valid html_url`);
    return { number, html_url: url };
  }

  #malformed(what: string, found: string): PublishError {
    return new PublishError(
      'github',
      `GitHub's answer to the request to ${what} on ${this.repository} at ${this.#baseUrl} is malformed: ${found}`,
      'meshforge stopped rather than act on it. Check --github-url (a proxy or a wrong endpoint answers like this) and https://www.githubstatus.com, then run meshforge pr again.',
    );
  }

  /**
   * Updates the open pull request for the branch, or creates it; then adds the labels. `found` is the result of an
   * earlier findOpen in the same run, to skip a second lookup.
   */
  async upsert(content: PullRequestContent, found?: { readonly open: { readonly number: number } | undefined }): Promise<PullRequestResult> {
    const { owner, repo } = this.#target;
    let action: PullRequestResult['action'];
    let pull: PullRef;
    const open = found ? found.open : await this.findOpen(content.head, content.base);
    if (open) {
      action = 'updated';
      const what = `update pull request #${open.number}`;
      pull = this.#pullRef(what, (await this.#call(what, () => this.#octokit.rest.pulls.update({ owner, repo, pull_number: open.number, title: content.title, body: content.body }))).data);
    } else {
      try {
        pull = this.#pullRef('create the pull request', (await this.#call('create the pull request', () => this.#octokit.rest.pulls.create({ owner, repo, head: content.head, base: content.base, title: content.title, body: content.body }))).data);
        action = 'created';
      } catch (error) {
        // Another run opened it between our list and our create: update that one instead of failing.
        if (!(error instanceof PublishError && error.failure === 'validation' && /already exists/i.test(error.message))) throw error;
        const again = await this.#call('find the open pull request', () => this.#octokit.rest.pulls.list({ owner, repo, state: 'open', head: `${owner}:${content.head}`, base: content.base, per_page: 10 }));
        const raced = this.#firstPull('find the open pull request', again.data);
        if (!raced) throw error;
        const what = `update pull request #${raced.number}`;
        pull = this.#pullRef(what, (await this.#call(what, () => this.#octokit.rest.pulls.update({ owner, repo, pull_number: raced.number, title: content.title, body: content.body }))).data);
        action = 'updated';
      }
    }
    if (content.labels.length > 0) {
      await this.#call(`label pull request #${pull.number}`, () => this.#octokit.rest.issues.addLabels({ owner, repo, issue_number: pull.number, labels: [...content.labels] }));
    }
    return { action, number: pull.number, url: pull.html_url, labels: content.labels };
  }

  /**
   * The comment of pull request `number` whose body holds `marker` (a hidden `<!-- meshforge:... -->` line) is updated
   * in place with `body`, or created when there is none: one comment per marker, however many runs.
   */
  async upsertComment(number: number, marker: string, body: string): Promise<CommentResult> {
    const { owner, repo } = this.#target;
    const what = `read the comments of pull request #${number}`;
    let existing: { readonly id: number } | undefined;
    // 100 a page (GitHub's maximum), oldest first; a pull request with more than 1,000 comments gets a new one.
    for (let page = 1; page <= MAX_COMMENT_PAGES && !existing; page += 1) {
      const { data } = await this.#call(what, () => this.#octokit.rest.issues.listComments({ owner, repo, issue_number: number, per_page: 100, page }));
      if (!Array.isArray(data)) throw this.#malformed(what, 'not a list of comments');
      for (const comment of data as unknown[]) {
        const { id, body: text } = (typeof comment === 'object' && comment !== null ? comment : {}) as { id?: unknown; body?: unknown };
        if (typeof text === 'string' && text.includes(marker)) {
          if (!isPullNumber(id)) throw this.#malformed(what, 'a comment without a valid id');
          existing = { id };
          break;
        }
      }
      if (data.length < 100) break;
    }
    if (existing) {
      const id = existing.id;
      const answer = await this.#call(`update comment ${id} of pull request #${number}`, () => this.#octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body }));
      return { action: 'updated', id, url: commentUrl(answer.data) };
    }
    const answer = await this.#call(`comment on pull request #${number}`, () => this.#octokit.rest.issues.createComment({ owner, repo, issue_number: number, body }));
    const id = (answer.data as { id?: unknown }).id;
    if (!isPullNumber(id)) throw this.#malformed(`comment on pull request #${number}`, 'a comment without a valid id');
    return { action: 'created', id, url: commentUrl(answer.data) };
  }

  /** Runs one API call; turns every failure into a PublishError whose text never holds the token. */
  async #call<T>(what: string, request: () => Promise<T>): Promise<T> {
    const remaining = this.#totalTimeoutMs - this.#spentMs;
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    // Retries and their waits cannot be interrupted from outside Octokit: the budget races them, and once it is spent
    // no further request leaves (timedFetch refuses).
    const budget = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        this.#expired = true;
        reject(new BudgetExceeded(`no answer within the total time budget of ${seconds(this.#totalTimeoutMs)}`));
      }, Math.max(remaining, 0));
    });
    try {
      if (remaining <= 0) throw new BudgetExceeded(`the total time budget of ${seconds(this.#totalTimeoutMs)} is spent`);
      const pending = request();
      // Lost to the budget, it may still fail later: that failure is already reported.
      pending.catch(() => {});
      return await Promise.race([pending, budget]);
    } catch (error) {
      throw this.#explain(what, error);
    } finally {
      clearTimeout(timer);
      budget.catch(() => {});
      this.#spentMs += Date.now() - started;
    }
  }

  #explain(what: string, error: unknown): PublishError {
    const clean = (text: string) => scrub(text, this.#token);
    const where = `${this.repository} at ${this.#baseUrl}`;
    const retryHint = 'Check the network and https://www.githubstatus.com, then run meshforge pr again: it updates the same pull request.';
    if (error instanceof BudgetExceeded) {
      return new PublishError('network', `GitHub did not answer the request to ${what} on ${where}: ${error.message}`, retryHint);
    }
    if (!isHttpFailure(error)) {
      const message = error instanceof Error ? error.message : String(error);
      return new PublishError('github', clean(`could not ${what} on ${where}: ${message}`));
    }
    const detail = clean(githubMessage(error));
    const { status } = error;
    const rateLimited = rateLimitReset(error);
    if (rateLimited !== undefined || ((status === 403 || status === 429) && /rate limit/i.test(detail))) {
      const until = rateLimited ?? retryAfterDate(error, this.#now());
      return new PublishError(
        'rate-limit',
        `GitHub rate limit reached when trying to ${what} on ${where} (HTTP ${status})${until ? `: rate limited until ${hhmm(until)} UTC` : ''}: ${detail}`,
        'Run meshforge pr again after that time, or use a token with a higher limit (a GitHub App installation token in Actions).',
      );
    }
    if (status === 401 || status === 403) {
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
    if (error.response === undefined) {
      const cause = error.cause as { name?: unknown } | undefined;
      const timedOut = cause?.name === 'TimeoutError' || /due to timeout/i.test(error.message);
      const why = timedOut ? `no answer within ${seconds(this.#requestTimeoutMs)} per request` : detail;
      return new PublishError('network', `GitHub did not answer the request to ${what} on ${where} after retries: ${why}`, retryHint);
    }
    if (status >= 500) {
      return new PublishError('network', `GitHub answered HTTP ${status} (${shortReason(detail)}) to the request to ${what} on ${where}, after retries`, retryHint);
    }
    return new PublishError('github', `GitHub refused the request to ${what} on ${where} (HTTP ${status}): ${detail}`);
  }
}

/** When a primary rate limit ends (x-ratelimit-remaining: 0 and x-ratelimit-reset, epoch seconds). */
function rateLimitReset(error: HttpFailure): Date | undefined {
  const headers = error.response?.headers;
  if (!headers || String(headers['x-ratelimit-remaining']) !== '0') return undefined;
  const reset = Number(headers['x-ratelimit-reset']);
  return Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : undefined;
}

/** A secondary rate limit's end, from its retry-after header (seconds). */
function retryAfterDate(error: HttpFailure, now: Date): Date | undefined {
  const after = Number(error.response?.headers?.['retry-after']);
  return Number.isFinite(after) && after >= 0 ? new Date(now.getTime() + after * 1000) : undefined;
}

function hhmm(date: Date): string {
  return date.toISOString().slice(11, 16);
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** The first line of a reason, at most 120 characters: enough to tell a proxy's error page from GitHub's. */
function shortReason(text: string): string {
  const line = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  if (line === '') return 'no reason given';
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
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
