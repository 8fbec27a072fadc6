import { isAbsolute, resolve } from 'node:path';

/**
 * What a service may know of its caller. Services run in-process (the CLI, tests, a library user), so nothing here
 * comes from the process: every relative path is resolved from `cwd`, every variable is read from `env`.
 */
export interface AppContext {
  /** The caller's working folder. */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Lines a long run reports while it works (waiting for a lock, pushing a branch); the CLI prints them on stderr. */
  readonly progress?: (line: string) => void;
  /** All of standard input, for `-` arguments. */
  readonly readStdin?: () => Promise<Buffer>;
}

/** A path from the user, made absolute against the caller's working folder (never process.cwd()). */
export function resolveFrom(context: Pick<AppContext, 'cwd'>, path: string): string {
  return isAbsolute(path) ? path : resolve(context.cwd, path);
}
