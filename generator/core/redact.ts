const SECRET_ENV = ['GITHUB_TOKEN', 'GH_TOKEN', 'MESHFORGE_GITHUB_TOKEN'] as const;

/** Removes tokens from text bound for a terminal or log: the values of token variables and credentials in URLs. */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv): string {
  let out = text;
  for (const name of SECRET_ENV) {
    const value = env[name];
    if (value && value.length >= 4) out = out.split(value).join('***');
  }
  // https://user:token@host -> https://user:***@host ; https://token@host -> https://***@host; also after a path
  // normalisation has folded the two slashes into one (https:/user:token@host).
  out = out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/?)([^/\s:@]+)(:[^/\s@]*)?@/gi, (_m, scheme: string, user: string, password?: string) => (password ? `${scheme}${user}:***@` : `${scheme}***@`));
  // Bare GitHub token shapes.
  out = out.replace(/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, '***');
  return out;
}
