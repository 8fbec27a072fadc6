/**
 * The one error type every stage may raise. Its kind, not its class, decides the exit code: the mapping lives in
 * one place (generator/cli/exit.ts), so a stage never needs to know about the CLI.
 */
export type ErrorKind =
  /** The config, a manifest, a flag: the user can fix it. Nothing was written. */
  | 'invalid-input'
  /** git, the network, a missing tool, an unwritable folder. */
  | 'environment'
  /** Checks ran and found problems. */
  | 'findings'
  /** A broken promise inside meshforge. */
  | 'bug';

export class MeshforgeError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'MeshforgeError';
  }
}

export const usageError = (message: string, hint?: string) => new MeshforgeError('invalid-input', message, hint);
export const environmentError = (message: string, hint?: string) => new MeshforgeError('environment', message, hint);
