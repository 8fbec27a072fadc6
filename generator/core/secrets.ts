/**
 * What counts as a secret in a file meshforge writes or commits: the same test for the generated tree (the writer)
 * and for the config and ledger a pull request commits (publish), so neither can let through what the other refuses.
 */

/** A PEM private key block's first line, also behind a YAML comment or indentation. */
const PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;

/** GitHub token shapes (classic and fine-grained). */
const GITHUB_TOKEN_SHAPE = /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/;

export type SecretKind = 'a PEM private key block' | 'what looks like a GitHub token';

/** The secret a text holds, if any: a private key first, then a token. */
export function secretIn(text: string): SecretKind | undefined {
  if (text.includes('PRIVATE KEY') && PEM_PRIVATE_KEY.test(text)) return 'a PEM private key block';
  if (GITHUB_TOKEN_SHAPE.test(text)) return 'what looks like a GitHub token';
  return undefined;
}
