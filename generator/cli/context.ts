import type { ExitCode } from './exit.js';
import type { CliIO } from './io.js';

/** Shared by the commands of one CLI run: the IO to use and the exit code to return. */
export interface CommandContext {
  readonly io: CliIO;
  exitCode: ExitCode;
}
