import { Command, CommanderError } from 'commander';
import { packageVersion } from '../core/paths.js';
import { COMMANDS } from './commands/index.js';
import type { CommandContext } from './context.js';
import { MeshforgeError } from '../core/errors.js';
import { EXIT, EXIT_FOR_KIND, type ExitCode } from './exit.js';
import { processIO, redactingIO, type CliIO } from './io.js';
import { redactSecrets } from '../core/redact.js';

function buildProgram(ctx: CommandContext): Command {
  const program = new Command();
  program
    .name('meshforge')
    .description('Generate, check and deliver every cluster\'s Istio configuration from one mesh.config.yaml.')
    .version(packageVersion(), '-V, --version', 'print the meshforge version')
    .helpOption('-h, --help', 'show help for a command')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
    })
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 checks found problems, 2 invalid input or usage, 3 environment failure.\nRun `meshforge <command> --help` for a command\'s options.',
    );
  for (const register of COMMANDS) register(program, ctx);
  // Every subcommand shares the parent's error handling and output.
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeOut: (t) => ctx.io.stdout.write(t), writeErr: (t) => ctx.io.stderr.write(t) }).showSuggestionAfterError(true);
  }
  return program;
}

/** Runs the CLI with the given arguments (without node and script) and returns the exit code. */
export async function runCli(args: readonly string[], rawIO: CliIO = processIO()): Promise<ExitCode> {
  // Everything a command prints goes through redaction: tokens never reach a terminal or CI log.
  const io = redactingIO(rawIO);
  const ctx: CommandContext = { io, exitCode: EXIT.ok };
  const program = buildProgram(ctx);
  try {
    if (args.length === 0) {
      program.outputHelp();
      return EXIT.invalid;
    }
    await program.parseAsync([...args], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end by "throwing" with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.invalid;
    }
    if (error instanceof MeshforgeError) {
      io.stderr.write(`meshforge: ${redactSecrets(error.message, io.env)}\n`);
      if (error.hint) io.stderr.write(`  hint: ${redactSecrets(error.hint, io.env)}\n`);
      return EXIT_FOR_KIND[error.kind];
    }
    const err = error as NodeJS.ErrnoException;
    const environmental = typeof err?.code === 'string' && /^E[A-Z]+$/.test(err.code);
    io.stderr.write(`meshforge: ${environmental ? '' : 'internal error: '}${redactSecrets(err?.message ?? String(error), io.env)}\n`);
    if (io.env.MESHFORGE_DEBUG) io.stderr.write(`${redactSecrets(err?.stack ?? '', io.env)}\n`);
    else if (!environmental) io.stderr.write('  This is a bug in meshforge; rerun with MESHFORGE_DEBUG=1 for details and report it.\n');
    return EXIT.environment;
  }
}

export async function main(): Promise<void> {
  // `meshforge ... | head` closes the pipe early: that is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  const code = await runCli(process.argv.slice(2));
  process.exitCode = code;
}
