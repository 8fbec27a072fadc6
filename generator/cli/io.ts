import { redactSecrets } from '../core/redact.js';

/** What a command may touch of the outside world, so tests can run the CLI in-process. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface CliIO {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Reads all of standard input (for `-` arguments). */
  readStdin(): Promise<Buffer>;
}

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
  };
}

/**
 * The same IO with every line bound for stdout or stderr passed through redactSecrets: diagnostics, reports and
 * status lines quote paths and URLs given by the user, and a token there must not reach a CI log.
 */
export function redactingIO(io: CliIO): CliIO {
  const wrap = (stream: OutputStream): OutputStream => ({
    write: (text: string) => stream.write(redactSecrets(text, io.env)),
    ...(stream.isTTY !== undefined ? { isTTY: stream.isTTY } : {}),
  });
  return { stdout: wrap(io.stdout), stderr: wrap(io.stderr), cwd: io.cwd, env: io.env, readStdin: () => io.readStdin() };
}
