import type { ErrorKind } from '../core/errors.js';
import type { ServiceStatus } from '../app/result.js';

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

/** The one place an error's kind becomes an exit code. A bug counts as an environment failure: it is not the input's fault. */
export const EXIT_FOR_KIND: Readonly<Record<ErrorKind, ExitCode>> = {
  'invalid-input': EXIT.invalid,
  environment: EXIT.environment,
  findings: EXIT.findings,
  bug: EXIT.environment,
};

/** The exit code of a run that ended normally. */
export const EXIT_FOR_STATUS: Readonly<Record<ServiceStatus, ExitCode>> = {
  ok: EXIT.ok,
  findings: EXIT.findings,
  'invalid-input': EXIT.invalid,
};
