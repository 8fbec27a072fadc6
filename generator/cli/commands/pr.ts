import { Option, type Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../../model/load.js';
import { SourceRegistry } from '../../diagnostics/sources.js';
import { checkResources } from '../../lint/resources.js';
import { summarizeDiagnostics } from '../../diff/checks.js';
import { summaryLines } from '../../diff/text.js';
import type { MeshModel } from '../../model/types.js';
import { packageVersion } from '../../core/paths.js';
import { planGenerate } from '../../pipeline/generate.js';
import { PROVIDERS, runPullRequest, type GitHubTarget, type ProviderName, type PullRequestOutcome } from '../../publish/flow.js';
import { PublishError } from '../../publish/errors.js';
import { TOKEN_ENV, tokenFromEnv } from '../../publish/github.js';
import { readRemoteUrl } from '../../publish/branch.js';
import { GITHUB_API_URL, githubRepositoryFromRemote, parseRepository, type GitHubRepository } from '../../publish/remote.js';
import { DEFAULT_OUT_DIR } from '../../render/render.js';
import { addValidatorOptions } from '../validator-options.js';
import { createValidator, validatorOptionsFromFlags, type ValidatorFlags } from '../../validate/index.js';
import { compareTree, writeTree } from '../../write/tree.js';
import type { CommandContext } from '../context.js';
import { MeshforgeError, usageError } from '../../core/errors.js';
import { EXIT } from '../exit.js';
import type { CliIO } from '../io.js';
import { printReport } from '../output.js';
import { redactSecrets } from '../../core/redact.js';

interface PrFlags extends ValidatorFlags {
  readonly config: string;
  readonly out: string;
  readonly provider?: ProviderName;
  readonly remote: string;
  readonly base?: string;
  readonly branch?: string;
  readonly dryRun?: boolean;
  readonly github?: string;
  readonly githubUrl?: string;
}

export function registerPr(program: Command, ctx: CommandContext): void {
  addValidatorOptions(
    program
      .command('pr')
      .description('commit the generated tree, mesh.lock.yaml and the config on a branch and open or update its pull request')
      .option('-c, --config <file>', 'the mesh config', DEFAULT_CONFIG_FILE)
      .option('-o, --out <dir>', 'the generated tree in the repository', `${DEFAULT_OUT_DIR}/`)
      .addOption(new Option('--provider <name>', 'git: push the branch and print how to open the pull request; github: also open or update it through the GitHub API (default: github when a GitHub repository is known, else git)').choices([...PROVIDERS]))
      .option('--remote <name|url>', 'the remote to fetch the base branch from and push to: a remote name or any URL or path git accepts', 'origin')
      .option('--base <branch>', 'the branch the pull request targets (default: gitops.branch from the config, else main)')
      .option('--branch <name>', 'the branch meshforge owns and force-pushes with a lease (default: meshforge/<base>)')
      .option('--dry-run', 'print what would be pushed and the pull request body; push nothing, call no API')
      .option('--github <owner/repo>', 'the GitHub repository (default: gitops.github.repository, else derived from the remote URL)')
      .option('--github-url <url>', `the GitHub API URL; for GitHub Enterprise Server https://HOST/api/v3 (default: gitops.github.baseUrl, else ${GITHUB_API_URL})`),
  )
    .addHelpText(
      'after',
      `
The base branch's tip is fetched from the remote and the new tree is committed on top of it in a temporary
worktree: your checkout, index and branches are left alone. Uncommitted changes outside the generated paths
(the --out folder, mesh.lock.yaml, the config) are refused. A run that changes nothing makes no commit.

The GitHub token comes from ${TOKEN_ENV.join(' or ')}; it is never printed.

Exit codes: 0 pushed, up to date or nothing to change; 2 invalid config, flags or a dirty working tree;
3 git, network or GitHub failure (authentication, missing repository, rejected request, push rejected because
someone else pushed to the branch).`,
    )
    .action(async (flags: PrFlags) => {
      await runPr(ctx, flags);
    });
}

async function runPr(ctx: CommandContext, flags: PrFlags): Promise<void> {
  const { io } = ctx;
  const sources = new SourceRegistry();
  const outDir = flags.out.replace(/[\\/]+$/, '') || '.';
  const planned = planGenerate({ configFile: flags.config, outDir }, sources);
  if (!planned.ok) {
    printReport({ ...io, stdout: io.stderr }, 'pr', 'stylish', planned.diagnostics, sources);
    ctx.exitCode = EXIT.invalid;
    return;
  }
  const { model, lock, files } = planned.value;
  // The pull request body reports the same schema and policy findings `meshforge check` would.
  const validatorOptions = validatorOptionsFromFlags(flags, io.env);
  const findings = await checkResources(files.flatMap((f) => f.resources), { model, validator: validatorOptions ? await createValidator(validatorOptions) : null });
  const checks = summarizeDiagnostics(findings.diagnostics, findings.suppressed.map((s) => s.diagnostic.rule), [...(validatorOptions ? ['schema validation'] : []), 'policies']);
  const base = flags.base ?? model.gitops?.branch ?? 'main';
  const branch = flags.branch ?? `meshforge/${base}`;
  const token = tokenFromEnv(io.env);

  try {
    const target = await chooseTarget(io, flags, model, token);
    const outcome = await runPullRequest({
      cwd: io.cwd,
      env: io.env,
      configFile: flags.config,
      outDir,
      lockFile: lock.path,
      lockContent: lock.content,
      files,
      remote: flags.remote,
      base,
      branch,
      provider: target.provider,
      ...(target.github ? { github: target.github } : {}),
      dryRun: flags.dryRun ?? false,
      checks,
      tree: { compare: (dir, f) => compareTree(dir, f), write: (dir, f) => writeTree(dir, f) },
      version: packageVersion(),
    });
    report(io, outcome, target.provider, target.github);
    ctx.exitCode = EXIT.ok;
  } catch (error) {
    if (error instanceof PublishError) throw new MeshforgeError(error.kind, redact(error.message, io, token), error.hint ? redact(error.hint, io, token) : undefined);
    throw error;
  }
}

interface Target {
  readonly provider: ProviderName;
  readonly github?: GitHubTarget;
}

/** github when asked for, or when a GitHub repository is known (flag, config, github.com remote); git otherwise. */
async function chooseTarget(io: CliIO, flags: PrFlags, model: MeshModel, token: string | undefined): Promise<Target> {
  const baseUrl = (flags.githubUrl ?? model.gitops?.github?.baseUrl ?? GITHUB_API_URL).replace(/\/+$/, '');
  if (flags.githubUrl !== undefined && !/^https?:\/\/[^/\s]+/.test(flags.githubUrl)) {
    throw usageError(`--github-url ${flags.githubUrl} is not an http(s) URL`, 'For GitHub Enterprise Server pass https://HOST/api/v3.');
  }
  let repository: GitHubRepository | undefined;
  if (flags.github !== undefined) {
    repository = parseRepository(flags.github);
    if (!repository) throw usageError(`--github ${flags.github} is not OWNER/REPO`, 'For example: --github example-org/mesh-gitops.');
  }
  const configured = model.gitops?.github?.repository;
  if (!repository && configured) repository = parseRepository(configured);
  if (!repository && flags.provider !== 'git') {
    repository = githubRepositoryFromRemote(await readRemoteUrl(io.cwd, io.env, flags.remote), baseUrl);
  }
  const provider = flags.provider ?? (repository ? 'github' : 'git');
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
      client: { userAgent: `meshforge/${packageVersion()}`, warn: (message) => io.stderr.write(`meshforge: ${redact(message, io, token)}\n`) },
    },
  };
}

function report(io: CliIO, outcome: PullRequestOutcome, provider: ProviderName, github: GitHubTarget | undefined): void {
  const out = io.stdout;
  const { prepared } = outcome;
  const where = prepared.remote === prepared.remoteUrl ? prepared.remote : `${prepared.remote} (${redact(prepared.remoteUrl, io)})`;
  if (outcome.result === 'no-changes') {
    out.write(`meshforge pr: nothing to change: ${prepared.base} on ${where} already holds the generated tree, ${prepared.paths.lockFile} and ${prepared.paths.configFile}.\n`);
    return;
  }
  out.write(`meshforge pr: ${prepared.paths.configFile} -> branch ${prepared.branch} on ${where}, base ${prepared.base} (${prepared.baseSha.slice(0, 12)})\n`);
  for (const line of summaryLines(prepared.plan)) out.write(`  ${line}\n`);
  const truncation = outcome.body.truncation;
  if (truncation) {
    const files = truncation.diffs.reduce((sum, d) => sum + d.omittedFiles.length + (d.partial ? 1 : 0), 0);
    out.write(`  pull request body shortened to ${outcome.body.markdown.length} characters: ${files} file diff(s) cut${truncation.rowsCut > 0 ? `, ${truncation.rowsCut} table rows cut` : ''}\n`);
  }

  if (outcome.result === 'dry-run') {
    const action = prepared.state === 'up-to-date' ? `nothing: ${prepared.branch} already holds this tree` : `a new commit on ${prepared.base} (tree ${prepared.treeSha.slice(0, 12)}) to ${prepared.branch}, with --force-with-lease=refs/heads/${prepared.branch}:${prepared.branchSha ?? ''}`;
    out.write(`\nDry run: nothing was committed or pushed. Would push ${action}.\n`);
    if (github) out.write(`Would create or update the pull request ${prepared.branch} -> ${prepared.base} in ${github.repository.owner}/${github.repository.repo}${outcome.labels.length > 0 ? ` with labels ${outcome.labels.join(', ')}` : ''}.\n`);
    out.write(`\n--- commit message ---\n${outcome.commitMessage}\n--- pull request title ---\n${outcome.title}\n\n--- pull request body ---\n${outcome.body.markdown}`);
    return;
  }

  if (outcome.commit) out.write(`Pushed ${outcome.commit.slice(0, 12)} to ${prepared.branch} (force-with-lease; ${prepared.base} untouched).\n`);
  else out.write(`Branch ${prepared.branch} already holds this change: no new commit.\n`);

  if (provider === 'github' && outcome.pullRequest) {
    const pr = outcome.pullRequest;
    out.write(`${pr.action === 'created' ? 'Created' : 'Updated'} pull request #${pr.number}: ${pr.url}\n`);
    if (pr.labels.length > 0) out.write(`Labels: ${pr.labels.join(', ')}\n`);
    return;
  }
  if (outcome.compareUrl) out.write(`Open the pull request: ${outcome.compareUrl}\n`);
  else out.write(`Open a pull request from ${prepared.branch} into ${prepared.base} on your forge (the body is printed by --dry-run).\n`);
}

function redact(text: string, io: CliIO, token?: string): string {
  return redactSecrets(text, token ? { ...io.env, MESHFORGE_GITHUB_TOKEN: token } : io.env);
}
