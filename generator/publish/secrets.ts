import { secretIn, type SecretKind } from '../core/secrets.js';
import { PublishError } from './errors.js';

export interface SecretFinding {
  /** 1-based line. */
  readonly line: number;
  readonly what: SecretKind;
}

/** Every line of a text that holds key material or a token, comments included: git commits comments too. */
export function findSecrets(text: string): SecretFinding[] {
  const found: SecretFinding[] = [];
  text.split('\n').forEach((line, index) => {
    const what = secretIn(line);
    if (what !== undefined) found.push({ line: index + 1, what });
  });
  return found;
}

/**
 * Refuses a file meshforge would commit (the config) when it holds a secret, the same check the generated tree
 * passes. The message names file:line and never quotes the line.
 */
export function refuseSecrets(displayPath: string, text: string): void {
  const found = findSecrets(text);
  if (found.length === 0) return;
  const where = found.slice(0, 5).map((f) => `${displayPath}:${f.line}: ${f.what}`).join('; ');
  throw new PublishError(
    'usage',
    `refusing to commit ${displayPath}: ${where}${found.length > 5 ? ` and ${found.length - 5} more` : ''}`,
    'meshforge pr commits the config and pushes it: remove the key or token from it, comments included (keys belong in the PKI folder, the token in GITHUB_TOKEN), and rotate it if it was ever pushed.',
  );
}
