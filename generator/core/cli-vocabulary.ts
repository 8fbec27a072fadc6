/**
 * Names and choices the command line offers, kept apart from the stages that use them so that parsing flags, --help
 * and --version load none of the heavy modules (ajv, handlebars, octokit, simple-git, node-forge, execa). Each stage
 * imports its own constant from here: this is where the value is written.
 */

/** The config file every command reads by default. */
export const DEFAULT_CONFIG_FILE = 'mesh.config.yaml';
/** The output folder of the generated tree. */
export const DEFAULT_OUT_DIR = 'clusters';
/** Where pull requests go unless --api-url says otherwise. */
export const GITHUB_API_URL = 'https://api.github.com';
/** Environment variables read for the GitHub token, in order. */
export const TOKEN_ENV = ['GITHUB_TOKEN', 'GH_TOKEN'] as const;
export type ProviderName = 'git' | 'github';
export const PROVIDERS: readonly ProviderName[] = ['git', 'github'];
/** The folder under the PKI folder that `certs secrets` writes Secret manifests to. */
export const SECRETS_DIR = 'secrets';
/** How long kubeconform may run before it is stopped. */
export const DEFAULT_TIMEOUT_MS = 120_000;
/** The environment variable naming the kubeconform binary. */
export const KUBECONFORM_ENV = 'MESHFORGE_KUBECONFORM';
export type ValidatorChoice = 'embedded' | 'kubeconform' | 'auto';
export const VALIDATOR_CHOICES: readonly ValidatorChoice[] = ['embedded', 'kubeconform', 'auto'];

/** What `meshforge diff` can print. */
export const DIFF_FORMATS = ['text', 'json', 'markdown'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

/** One shard of a CI matrix: the index-th of count. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Reads `i/n` (1 <= i <= n): the CI matrix form of a shard. Undefined when the text is not one. */
export function parseShard(text: string): Shard | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return count >= 1 && index >= 1 && index <= count ? { index, count } : undefined;
}
