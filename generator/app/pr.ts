import { SourceRegistry } from '../diagnostics/sources.js';
import { checkResources } from '../lint/resources.js';
import { summarizeDiagnostics } from '../diff/checks.js';
import { summaryLines } from '../diff/text.js';
import { configLocator } from '../diff/sources.js';
import type { MeshModel } from '../model/types.js';
import { packageVersion } from '../core/paths.js';
import { defaultLockFile, planGenerate } from '../pipeline/generate.js';
import { runPullRequest, type GitHubTarget, type ProviderName, type PullRequestOutcome } from '../publish/flow.js';
import { PublishError } from '../publish/errors.js';
import { tokenFromEnv, type GitHubClientOptions } from '../publish/github.js';
import { readRemoteUrl } from '../publish/branch.js';
import { GITHUB_API_URL, githubRepositoryFromRemote, parseRepository, type GitHubRepository } from '../publish/remote.js';
import { buildReport } from '../report/resolve.js';
import type { ValidatorFlags } from '../validate/index.js';
import { validatorFromFlags } from './validator.js';
import { compareTree, writeTree } from '../write/tree.js';
import { MeshforgeError, usageError } from '../core/errors.js';
import { redactSecrets } from '../core/redact.js';
import { resolveFrom, type AppContext } from './context.js';
import { withPkiCoverage } from './pki-coverage.js';
import type { ServiceResult } from './result.js';

export interface PrOptions {
  readonly configFile: string;
  /** The generated tree in the repository, as the user named it. */
  readonly outDir: string;
  /** Default: github when a GitHub repository is known (option, config, github.com remote), else git. */
  readonly provider?: ProviderName;
  /** A remote name, or any URL or path git accepts. */
  readonly remote: string;
  /** Default: gitops.branch from the config, else main. */
  readonly base?: string;
  /** Default: meshforge/<base>. */
  readonly branch?: string;
  readonly dryRun?: boolean;
  /** OWNER/REPO; default gitops.github.repository, else derived from the remote URL. */
  readonly github?: string;
  /** The GitHub API URL; default gitops.github.baseUrl, else https://api.github.com. */
  readonly githubUrl?: string;
  /** How to validate the generated resources for the pull request body (as `check` takes them). */
  readonly validator?: ValidatorFlags;
  /** Tuning of the GitHub client (timeouts, retries): tests shorten them. */
  readonly githubClient?: Pick<GitHubClientOptions, 'retryBaseMs' | 'retries' | 'requestTimeoutMs' | 'totalTimeoutMs'>;
}

export interface PrResult extends ServiceResult {
  /** What was done; absent when the config is invalid (the report says why). */
  readonly outcome?: PullRequestOutcome;
  readonly provider?: ProviderName;
}

/**
 * `meshforge pr` without the CLI: generate in memory, check, commit the tree, the ledger and the config on the
 * pull request branch, push it with a lease, and (GitHub) open or update its pull request. The token never reaches
 * a message or the status text.
 */
export async function runPr(options: PrOptions, context: AppContext): Promise<PrResult> {
  const sources = new SourceRegistry();
  const outDir = options.outDir.replace(/[\\/]+$/, '') || '.';
  const configAbs = resolveFrom(context, options.configFile);
  const planned = withPkiCoverage(planGenerate({ configFile: configAbs, outDir: resolveFrom(context, outDir) }, sources), context);
  if (!planned.ok) return { status: 'invalid-input', report: buildReport('pr', planned.diagnostics, sources, 0, context.cwd), statusText: '' };
  const { model, lock, files } = planned.value;
  // The pull request body reports the same schema and policy findings `meshforge check` would.
  const validator = await validatorFromFlags(options.validator ?? {}, context);
  const findings = await checkResources(files.flatMap((f) => f.resources), { model, validator });
  const checks = summarizeDiagnostics(findings.diagnostics, findings.suppressed, [...(validator ? ['schema validation'] : []), 'policies']);
  const base = options.base ?? model.gitops?.branch ?? 'main';
  const branch = options.branch ?? `meshforge/${base}`;
  const token = tokenFromEnv(context.env);
  const redact = (text: string) => redactSecrets(text, token ? { ...context.env, MESHFORGE_GITHUB_TOKEN: token } : context.env);

  try {
    const target = await chooseTarget(options, context, model, token, redact);
    const outcome = await runPullRequest({
      cwd: context.cwd,
      env: context.env,
      // Paths as the user gave them (relative to cwd): messages quote them that way.
      configFile: options.configFile,
      outDir,
      lockFile: defaultLockFile(options.configFile),
      lockContent: lock.content,
      files,
      clusterNames: model.clusters.map((c) => c.name),
      locate: configLocator(sources, configAbs, options.configFile),
      remote: options.remote,
      base,
      branch,
      provider: target.provider,
      ...(target.github ? { github: target.github } : {}),
      dryRun: options.dryRun ?? false,
      checks,
      tree: { compare: (dir, f) => compareTree(dir, f), write: (dir, f) => writeTree(dir, f) },
      version: packageVersion(),
    });
    // The config's warnings (e.g. a cluster the PKI does not cover yet) are printed before the status.
    const warned = planned.diagnostics.filter((d) => d.severity !== 'info');
    const warnings = warned.length > 0 ? { report: buildReport('pr', warned, sources, 0, context.cwd) } : {};
    return { status: 'ok', outcome, provider: target.provider, statusText: describe(outcome, target.provider, target.github, redact), ...warnings };
  } catch (error) {
    if (error instanceof PublishError) throw new MeshforgeError(error.kind, redact(error.message), error.hint ? redact(error.hint) : undefined);
    throw error;
  }
}

interface Target {
  readonly provider: ProviderName;
  readonly github?: GitHubTarget;
}

/** github when asked for, or when a GitHub repository is known (option, config, github.com remote); git otherwise. */
async function chooseTarget(options: PrOptions, context: AppContext, model: MeshModel, token: string | undefined, redact: (text: string) => string): Promise<Target> {
  const baseUrl = (options.githubUrl ?? model.gitops?.github?.baseUrl ?? GITHUB_API_URL).replace(/\/+$/, '');
  if (options.githubUrl !== undefined && !/^https?:\/\/[^/\s]+/.test(options.githubUrl)) {
    throw usageError(`--github-url ${options.githubUrl} is not an http(s) URL`, 'For GitHub Enterprise Server pass https://HOST/api/v3.');
  }
  let repository: GitHubRepository | undefined;
  if (options.github !== undefined) {
    repository = parseRepository(options.github);
    if (!repository) throw usageError(`--github ${options.github} is not OWNER/REPO`, 'For example: --github example-org/mesh-gitops.');
  }
  const configured = model.gitops?.github?.repository;
  if (!repository && configured) repository = parseRepository(configured);
  if (!repository && options.provider !== 'git') {
    repository = githubRepositoryFromRemote(await readRemoteUrl(context.cwd, context.env, options.remote), baseUrl);
  }
  const provider = options.provider ?? (repository ? 'github' : 'git');
  if (provider === 'git') return { provider };
  if (!repository) {
    throw usageError('--provider github needs a GitHub repository', 'Pass --github OWNER/REPO, set gitops.github.repository in the config, or push to a github.com remote.');
  }
  return {
    provider,
    github: {
      repository,
      baseUrl,
      ...(token ? { token } : {}),
      client: { userAgent: `meshforge/${packageVersion()}`, ...options.githubClient, warn: (message) => context.progress?.(`meshforge: ${redact(message)}`) },
    },
  };
}

/** The status text: what was pushed and opened, or with --dry-run what would be, and the pull request body. */
function describe(outcome: PullRequestOutcome, provider: ProviderName, github: GitHubTarget | undefined, redact: (text: string) => string): string {
  const out: string[] = [];
  const write = (text: string) => out.push(text);
  const { prepared } = outcome;
  const where = prepared.remote === prepared.remoteUrl ? prepared.remote : `${prepared.remote} (${redact(prepared.remoteUrl)})`;
  if (outcome.result === 'no-changes') {
    write(`meshforge pr: nothing to change: ${prepared.base} on ${where} already holds the generated tree, ${prepared.paths.lockFile} and ${prepared.paths.configFile}.\n`);
    return out.join('');
  }
  write(`meshforge pr: ${prepared.paths.configFile} -> branch ${prepared.branch} on ${where}, base ${prepared.base} (${prepared.baseSha.slice(0, 12)})\n`);
  for (const line of summaryLines(prepared.plan)) write(`  ${line}\n`);
  const truncation = outcome.body.truncation;
  if (truncation) {
    const files = truncation.diffs.reduce((sum, d) => sum + d.omittedFiles.length + (d.partial ? 1 : 0), 0);
    write(`  pull request body shortened to ${outcome.body.markdown.length} characters: ${files} file diff(s) cut${truncation.rowsCut > 0 ? `, ${truncation.rowsCut} table rows cut` : ''}\n`);
  }

  if (outcome.result === 'dry-run') {
    const action = prepared.state === 'up-to-date' ? `nothing: ${prepared.branch} already holds this tree` : `a new commit on ${prepared.base} (tree ${prepared.treeSha.slice(0, 12)}) to ${prepared.branch}, with --force-with-lease=refs/heads/${prepared.branch}:${prepared.branchSha ?? ''}`;
    write(`\nDry run: nothing was committed or pushed. Would push ${action}.\n`);
    if (github) write(`Would create or update the pull request ${prepared.branch} -> ${prepared.base} in ${github.repository.owner}/${github.repository.repo}${outcome.labels.length > 0 ? ` with labels ${outcome.labels.join(', ')}` : ''}.\n`);
    write(`\n--- commit message ---\n${outcome.commitMessage}\n--- pull request title ---\n${outcome.title}\n\n--- pull request body ---\n${outcome.body.markdown}`);
    return out.join('');
  }

  if (outcome.commit) write(`Pushed ${outcome.commit.slice(0, 12)} to ${prepared.branch} (force-with-lease; ${prepared.base} untouched).\n`);
  else write(`Branch ${prepared.branch} already holds this change: no new commit.\n`);
  if (outcome.sincePrevious && prepared.branchSha) {
    write(`Since the previous push (${prepared.branchSha.slice(0, 12)}):\n`);
    for (const line of summaryLines(outcome.sincePrevious)) write(`  ${line}\n`);
  }

  if (provider === 'github' && outcome.pullRequest) {
    const pr = outcome.pullRequest;
    write(`${pr.action === 'created' ? 'Created' : 'Updated'} pull request #${pr.number}: ${pr.url}\n`);
    if (pr.labels.length > 0) write(`Labels: ${pr.labels.join(', ')}\n`);
    if (outcome.comment) write(`${outcome.comment.action === 'created' ? 'Commented' : 'Updated the comment'} on what changed since the previous push${outcome.comment.url ? `: ${outcome.comment.url}` : ''}\n`);
    return out.join('');
  }
  if (outcome.compareUrl) write(`Open the pull request: ${outcome.compareUrl}\n`);
  else write(`Open a pull request from ${prepared.branch} into ${prepared.base} on your forge (the body is printed by --dry-run).\n`);
  return out.join('');
}
