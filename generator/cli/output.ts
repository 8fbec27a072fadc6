import { InvalidArgumentError, Option } from 'commander';
import { parseShard, type Shard } from '../core/cli-vocabulary.js';
import { shouldColor } from '../report/color.js';
import { findFormatter, formatNames } from '../report/formats.js';
import type { AppContext } from '../app/context.js';
import type { ServiceResult } from '../app/result.js';
import { EXIT_FOR_STATUS, type ExitCode } from './exit.js';
import { usageError } from '../core/errors.js';
import type { CliIO } from './io.js';

export function formatOption(): Option {
  return new Option('-f, --format <name>', 'output format').choices(formatNames()).default('stylish');
}

/** `--max-warnings n`, as lint and check take it. */
export function maxWarningsOption(): Option {
  return new Option('--max-warnings <n>', 'fail (exit 1) when there are more than n warnings').argParser((value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number of 0 or more.');
    return Number(value);
  });
}

/** `--shard i/n`, as generate, lint and check take it (the CI matrix form; see parseShard). */
export function shardOption(description: string): Option {
  return new Option('--shard <i/n>', description).argParser((value: string): Shard => {
    const shard = parseShard(value);
    if (!shard) throw new InvalidArgumentError('expected i/n with 1 <= i <= n, e.g. 2/8.');
    return shard;
  });
}

/** Human status lines go to stderr when stdout carries a machine format, so stdout stays pure. */
export function statusStream(io: CliIO, format: string): CliIO['stdout'] {
  return format === 'stylish' ? io.stdout : io.stderr;
}

/** Prints a service's result: its report in the chosen format on stdout, then its status text. Returns the exit code. */
export function printResult(io: CliIO, format: string, result: ServiceResult): ExitCode {
  if (result.report) {
    const formatter = findFormatter(format);
    if (!formatter) throw usageError(`unknown format '${format}'`, `Use one of: ${formatNames().join(', ')}.`);
    const text = formatter.format(result.report, { color: shouldColor(io.stdout, io.env) });
    if (text !== '') io.stdout.write(text);
  }
  if (result.statusText !== '') statusStream(io, format).write(result.statusText);
  return EXIT_FOR_STATUS[result.status];
}

/** The context a service runs in, from the CLI's IO: progress lines go to stderr. */
export function appContext(io: CliIO): AppContext {
  return { cwd: io.cwd, env: io.env, progress: (line) => io.stderr.write(line.endsWith('\n') ? line : `${line}\n`), readStdin: () => io.readStdin() };
}
