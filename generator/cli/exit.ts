/** The exit-code contract shared by every command (README, "Exit codes"). */
export const EXIT = {
  /** Everything passed. */
  ok: 0,
  /** Checks ran and found problems (errors, drift, too many warnings). */
  findings: 1,
  /** Invalid input or usage: the config, a manifest, a flag. Nothing was written. */
  invalid: 2,
  /** Environment failure: git, the network, a missing tool, an unwritable folder. */
  environment: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error a command raises to stop with a clear message and a chosen exit code (never a stack trace). */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string, hint?: string) => new CliError(EXIT.invalid, message, hint);
export const environmentError = (message: string, hint?: string) => new CliError(EXIT.environment, message, hint);
