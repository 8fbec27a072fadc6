import { PublishError } from './errors.js';

/** A PEM private key block's first line, also behind a YAML comment or indentation. */
const PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;

/** GitHub token shapes (classic and fine-grained), as the tree writer refuses them. */
const GITHUB_TOKEN_SHAPE = /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/;

export interface SecretFinding {
  /** 1-based line. */
  readonly line: number;
  readonly what: 'a PEM private key block' | 'what looks like a GitHub token';
}

/** Every line of a text that holds key material or a token, comments included: git commits comments too. */
export function findSecrets(text: string): SecretFinding[] {
  const found: SecretFinding[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.includes('PRIVATE KEY') && PEM_PRIVATE_KEY.test(line)) found.push({ line: index + 1, what: 'a PEM private key block' });
    else if (GITHUB_TOKEN_SHAPE.test(line)) found.push({ line: index + 1, what: 'what looks like a GitHub token' });
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
