// A stand-in for GitHub's REST API: GitHub itself cannot run here, so this local server implements the operations
// `meshforge pr` calls (pulls/list, pulls/create, pulls/update, issues/add-labels, issues/list-comments,
// issues/create-comment, issues/update-comment) and checks every request
// against GitHub's published OpenAPI description of that operation (extracted from @octokit/openapi into
// test/fixtures/publish/github-openapi-subset.json). A request that breaks the contract is answered 422 and recorded
// in `contractViolations`, which every test expects to stay empty.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { bareRemote, branchSha, checkout, REPO_ROOT, sandbox, type Sandbox } from './helpers.js';

interface ParameterSpec {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly schema: Record<string, unknown>;
}

interface OperationSpec {
  readonly method: string;
  readonly path: string;
  readonly parameters: readonly ParameterSpec[];
  readonly requestBody?: { readonly required: boolean; readonly schema: Record<string, unknown> };
  readonly responses: readonly string[];
}

interface Subset {
  readonly source: { readonly package: string; readonly version: string };
  readonly operations: Readonly<Record<string, OperationSpec>>;
}

export type OperationId = 'pulls/list' | 'pulls/create' | 'pulls/update' | 'issues/add-labels' | 'issues/list-comments' | 'issues/create-comment' | 'issues/update-comment';

export interface FakeComment {
  readonly id: number;
  readonly issueNumber: number;
  body: string;
}

export const OPENAPI_SUBSET: Subset = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/publish/github-openapi-subset.json'), 'utf8')) as Subset;

export interface RecordedRequest {
  readonly operation: OperationId | 'unknown';
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly authorization: string;
  readonly userAgent: string;
}

export interface FakePull {
  readonly number: number;
  state: 'open' | 'closed';
  title: string;
  body: string;
  readonly head: string;
  readonly base: string;
  readonly labels: string[];
}

export interface FakeGitHubOptions {
  readonly token: string;
  readonly owner: string;
  readonly repo: string;
  /** Mount point, as on GitHub Enterprise Server (`/api/v3`); '' for api.github.com's layout. */
  readonly prefix?: string;
  /** Does the head branch exist in the repository? GitHub answers 422 to a pull request from a missing branch. */
  readonly branchExists?: (branch: string) => Promise<boolean>;
}

export interface InjectedFailure {
  readonly status: number;
  readonly body?: unknown;
  /** Sent as it is instead of `body` (a malformed JSON answer). */
  readonly raw?: string;
  /** Extra response headers (rate-limit headers). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Hold the answer back this long (a hung server); the connection is dropped when the server closes. */
  readonly hangMs?: number;
  /** How many requests to this operation fail before it works again. */
  times: number;
}

export interface FakeGitHub {
  /** The API base URL to hand to meshforge (--github-url). */
  readonly url: string;
  readonly pulls: FakePull[];
  /** Comments on pull requests (issue comments), oldest first. */
  readonly comments: FakeComment[];
  readonly requests: RecordedRequest[];
  /** Requests that broke GitHub's published contract; empty in a passing test. */
  readonly contractViolations: string[];
  fail(operation: OperationId, failure: InjectedFailure): void;
  close(): Promise<void>;
}

const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: false });
const bodyValidators = new Map<string, ValidateFunction>();
const paramValidators = new Map<string, ValidateFunction>();

function validatorFor(cache: Map<string, ValidateFunction>, key: string, schema: Record<string, unknown>): ValidateFunction {
  let validate = cache.get(key);
  if (!validate) cache.set(key, (validate = ajv.compile(schema)));
  return validate;
}

/** Matches a request path against the operation's template; returns the path parameters. */
function matchPath(template: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = new RegExp(`^${template.replace(/\{([^}]+)\}/g, (_m, name: string) => (names.push(name), '([^/]+)'))}$`);
  const match = pattern.exec(path);
  if (!match) return undefined;
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] as string)]));
}

function coerce(value: string, schema: Record<string, unknown>): unknown {
  return schema.type === 'integer' || schema.type === 'number' ? (/^-?\d+$/.test(value) ? Number(value) : value) : value;
}

/** Every contract problem of one request, as readable strings. */
function checkContract(operationId: OperationId, spec: OperationSpec, pathParams: Record<string, string>, query: Record<string, string>, body: unknown): string[] {
  const problems: string[] = [];
  for (const param of spec.parameters) {
    const value = param.in === 'path' ? pathParams[param.name] : param.in === 'query' ? query[param.name] : undefined;
    if (value === undefined) {
      if (param.required) problems.push(`${operationId}: missing ${param.in} parameter ${param.name}`);
      continue;
    }
    const validate = validatorFor(paramValidators, `${operationId}:${param.in}:${param.name}`, param.schema);
    if (!validate(coerce(value, param.schema))) problems.push(`${operationId}: ${param.in} parameter ${param.name}=${value}: ${ajv.errorsText(validate.errors)}`);
  }
  const knownQuery = new Set(spec.parameters.filter((p) => p.in === 'query').map((p) => p.name));
  for (const name of Object.keys(query)) if (!knownQuery.has(name)) problems.push(`${operationId}: unknown query parameter ${name}`);

  if (spec.requestBody) {
    if (body === undefined) {
      if (spec.requestBody.required) problems.push(`${operationId}: missing request body`);
    } else {
      const validate = validatorFor(bodyValidators, operationId, spec.requestBody.schema);
      if (!validate(body)) problems.push(`${operationId}: body ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`);
      // GitHub's schemas allow unknown fields (GitHub ignores them); a field meshforge sends that the operation does
      // not define is a typo that GitHub would silently drop, so it counts as a violation here.
      const properties = (spec.requestBody.schema as { properties?: Record<string, unknown> }).properties;
      if (properties && typeof body === 'object' && body !== null && !Array.isArray(body)) {
        for (const key of Object.keys(body)) if (!(key in properties)) problems.push(`${operationId}: body has a field the operation does not define: ${key}`);
      }
    }
  } else if (body !== undefined) {
    problems.push(`${operationId}: sends a body but the operation takes none`);
  }
  return problems;
}

export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const prefix = options.prefix ?? '/api/v3';
  const pulls: FakePull[] = [];
  const comments: FakeComment[] = [];
  const requests: RecordedRequest[] = [];
  const contractViolations: string[] = [];
  const failures = new Map<OperationId, InjectedFailure>();
  let origin = '';

  const send = (res: ServerResponse, status: number, data: unknown, extra: { readonly raw?: string; readonly headers?: Readonly<Record<string, string>> } = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-media-type': 'github.v3; format=json', ...extra.headers });
    res.end(extra.raw ?? JSON.stringify(data));
  };
  const pullJson = (pull: FakePull) => ({
    url: `${origin}${prefix}/repos/${options.owner}/${options.repo}/pulls/${pull.number}`,
    html_url: `https://github.example/${options.owner}/${options.repo}/pull/${pull.number}`,
    number: pull.number,
    state: pull.state,
    title: pull.title,
    body: pull.body,
    head: { ref: pull.head, label: `${options.owner}:${pull.head}` },
    base: { ref: pull.base, label: `${options.owner}:${pull.base}` },
    labels: pull.labels.map((name) => ({ name })),
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await new Promise<string>((resolve, reject) => {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (text += chunk));
      req.on('end', () => resolve(text));
      req.on('error', reject);
    });
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams.entries());
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      send(res, 400, { message: 'Problems parsing JSON' });
      return;
    }
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
    let operation: OperationId | undefined;
    let params: Record<string, string> = {};
    for (const [id, spec] of Object.entries(OPENAPI_SUBSET.operations)) {
      const matched = spec.method === req.method ? matchPath(spec.path, path) : undefined;
      if (matched) {
        operation = id as OperationId;
        params = matched;
        break;
      }
    }
    requests.push({
      operation: operation ?? 'unknown',
      method: req.method ?? '',
      path: url.pathname,
      query,
      body,
      authorization: String(req.headers.authorization ?? ''),
      userAgent: String(req.headers['user-agent'] ?? ''),
    });
    if (!operation || !url.pathname.startsWith(prefix)) {
      contractViolations.push(`unexpected request ${req.method} ${url.pathname}`);
      send(res, 404, { message: 'Not Found' });
      return;
    }
    const spec = OPENAPI_SUBSET.operations[operation] as OperationSpec;

    // Authentication comes first on GitHub too.
    const auth = String(req.headers.authorization ?? '');
    if (auth !== `token ${options.token}` && auth !== `bearer ${options.token}` && auth !== `Bearer ${options.token}`) {
      send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
      return;
    }
    const injected = failures.get(operation);
    if (injected && injected.times > 0) {
      injected.times -= 1;
      if (injected.hangMs !== undefined) await new Promise((resolve) => setTimeout(resolve, injected.hangMs).unref());
      if (res.destroyed) return;
      send(res, injected.status, injected.body ?? { message: `injected HTTP ${injected.status}` }, { ...(injected.raw !== undefined ? { raw: injected.raw } : {}), ...(injected.headers ? { headers: injected.headers } : {}) });
      return;
    }
    if (params.owner !== options.owner || params.repo !== options.repo) {
      send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
      return;
    }
    const problems = checkContract(operation, spec, params, query, body);
    if (problems.length > 0) {
      contractViolations.push(...problems);
      send(res, 422, { message: 'Validation Failed', errors: problems.map((message) => ({ code: 'invalid', message })) });
      return;
    }
    const data = (body ?? {}) as Record<string, unknown>;
    const tooLong = typeof data.body === 'string' && data.body.length > 65_536;
    if (tooLong) {
      const resource = operation.startsWith('issues/') ? 'IssueComment' : 'PullRequest';
      send(res, 422, { message: 'Validation Failed', errors: [{ resource, code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }] });
      return;
    }
    const commentJson = (comment: FakeComment) => ({
      id: comment.id,
      node_id: `IC_${comment.id}`,
      url: `${origin}${prefix}/repos/${options.owner}/${options.repo}/issues/comments/${comment.id}`,
      html_url: `https://github.example/${options.owner}/${options.repo}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
      body: comment.body,
    });

    switch (operation) {
      case 'pulls/list': {
        const head = query.head;
        const base = query.base;
        const state = query.state ?? 'open';
        const found = pulls.filter((p) => (state === 'all' || p.state === state) && (!head || `${options.owner}:${p.head}` === head) && (!base || p.base === base));
        send(res, 200, found.map(pullJson));
        return;
      }
      case 'pulls/create': {
        const head = String(data.head);
        const base = String(data.base);
        if (pulls.some((p) => p.state === 'open' && p.head === head && p.base === base)) {
          send(res, 422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${options.owner}:${head}.` }] });
          return;
        }
        if (options.branchExists && !(await options.branchExists(head))) {
          send(res, 422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }] });
          return;
        }
        const pull: FakePull = { number: pulls.length + 1, state: 'open', title: String(data.title ?? ''), body: String(data.body ?? ''), head, base, labels: [] };
        pulls.push(pull);
        send(res, 201, pullJson(pull));
        return;
      }
      case 'pulls/update': {
        const pull = pulls.find((p) => p.number === Number(params.pull_number));
        if (!pull) {
          send(res, 404, { message: 'Not Found' });
          return;
        }
        if (typeof data.title === 'string') pull.title = data.title;
        if (typeof data.body === 'string') pull.body = data.body;
        if (data.state === 'open' || data.state === 'closed') pull.state = data.state;
        send(res, 200, pullJson(pull));
        return;
      }
      case 'issues/list-comments': {
        if (!pulls.some((p) => p.number === Number(params.issue_number))) {
          send(res, 404, { message: 'Not Found' });
          return;
        }
        const perPage = Number(query.per_page ?? 30);
        const page = Number(query.page ?? 1);
        const all = comments.filter((c) => c.issueNumber === Number(params.issue_number));
        send(res, 200, all.slice((page - 1) * perPage, page * perPage).map(commentJson));
        return;
      }
      case 'issues/create-comment': {
        if (!pulls.some((p) => p.number === Number(params.issue_number))) {
          send(res, 404, { message: 'Not Found' });
          return;
        }
        const comment: FakeComment = { id: 1000 + comments.length + 1, issueNumber: Number(params.issue_number), body: String(data.body) };
        comments.push(comment);
        send(res, 201, commentJson(comment));
        return;
      }
      case 'issues/update-comment': {
        const comment = comments.find((c) => c.id === Number(params.comment_id));
        if (!comment) {
          send(res, 404, { message: 'Not Found' });
          return;
        }
        comment.body = String(data.body);
        send(res, 200, commentJson(comment));
        return;
      }
      case 'issues/add-labels': {
        const pull = pulls.find((p) => p.number === Number(params.issue_number));
        if (!pull) {
          send(res, 404, { message: 'Not Found' });
          return;
        }
        const labels = Array.isArray(body) ? body : ((data.labels ?? []) as unknown[]);
        for (const label of labels) {
          const name = typeof label === 'string' ? label : String((label as { name?: unknown }).name);
          if (!pull.labels.includes(name)) pull.labels.push(name);
        }
        send(res, 200, pull.labels.map((name, id) => ({ id: id + 1, name, color: 'ededed', default: false })));
        return;
      }
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}${prefix}`,
    pulls,
    comments,
    requests,
    contractViolations,
    fail: (operation, failure) => failures.set(operation, failure),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A pull request's world: a bare remote, a checkout of it holding `files`, and the GitHub stand-in for example-org/mesh-gitops. */
export interface PullRequestWorld {
  readonly box: Sandbox;
  readonly remote: string;
  readonly work: string;
  readonly github: FakeGitHub;
  close(): Promise<void>;
}

export async function pullRequestWorld(prefix: string, token: string, files: Readonly<Record<string, string>>): Promise<PullRequestWorld> {
  const box = sandbox(prefix);
  const remote = await bareRemote(box);
  const work = await checkout(box, remote, files);
  const github = await startFakeGitHub({ token, owner: 'example-org', repo: 'mesh-gitops', branchExists: async (b) => (await branchSha(remote, box.env, b)) !== undefined });
  return {
    box,
    remote,
    work,
    github,
    close: async () => {
      await github.close();
      box.cleanup();
    },
  };
}
