import { MeshforgeError } from '../core/errors.js';
import { redactSecrets } from '../core/redact.js';

/**
 * Why publishing stopped. Each maps to one exit code: the caller's mistake (a dirty tree, a bad flag) is invalid
 * input (2); everything about the outside world (git, the network, GitHub's answers) is an environment failure (3).
 */
export type PublishFailure =
  | 'usage'
  | 'dirty-tree'
  | 'git'
  | 'stale-lease'
  | 'auth'
  | 'not-found'
  | 'validation'
  | 'network'
  | 'rate-limit'
  | 'github';

export class PublishError extends MeshforgeError {
  constructor(
    readonly failure: PublishFailure,
    message: string,
    hint?: string,
  ) {
    super(failure === 'usage' || failure === 'dirty-tree' ? 'invalid-input' : 'environment', message, hint);
    this.name = 'PublishError';
  }
}

/** Removes a token (and credentials embedded in URLs, and GitHub token shapes) from text that may reach a terminal. */
export function scrub(text: string, token: string | undefined): string {
  return redactSecrets(text, token ? { MESHFORGE_GITHUB_TOKEN: token } : {});
}
