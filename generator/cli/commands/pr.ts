import { Option, type Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../../core/cli-vocabulary.js';
import { PROVIDERS, type ProviderName } from '../../core/cli-vocabulary.js';
import { TOKEN_ENV } from '../../core/cli-vocabulary.js';
import { GITHUB_API_URL } from '../../core/cli-vocabulary.js';
import { DEFAULT_OUT_DIR } from '../../core/cli-vocabulary.js';
import { addValidatorOptions } from '../validator-options.js';
import type { ValidatorFlags } from '../../validate/index.js';
import type { CommandContext } from '../context.js';
import { appContext, printResult } from '../output.js';

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
      const { io } = ctx;
      const result = await (await import('../../app/pr.js')).runPr(
        {
          configFile: flags.config,
          outDir: flags.out,
          remote: flags.remote,
          validator: flags,
          ...(flags.provider !== undefined ? { provider: flags.provider } : {}),
          ...(flags.base !== undefined ? { base: flags.base } : {}),
          ...(flags.branch !== undefined ? { branch: flags.branch } : {}),
          ...(flags.dryRun !== undefined ? { dryRun: flags.dryRun } : {}),
          ...(flags.github !== undefined ? { github: flags.github } : {}),
          ...(flags.githubUrl !== undefined ? { githubUrl: flags.githubUrl } : {}),
        },
        appContext(io),
      );
      // An invalid config is reported on stderr, as before any git work starts.
      ctx.exitCode = printResult(result.status === 'invalid-input' ? { ...io, stdout: io.stderr } : io, 'stylish', result);
    });
}
