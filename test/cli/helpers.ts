import { spawnSync } from 'node:child_process';
import { runCli } from '../../generator/cli/main.js';
import type { CliIO } from '../../generator/cli/io.js';
import { cpSync, mkdtempSync } from 'node:fs';
import { trackTemp } from '../setup/temp-registry.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(REPO_ROOT, 'bin', 'meshforge.js');

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the CLI in this process, exactly as the binary would with these arguments, working folder, environment and
 * standard input. Use this unless a real process is the point (signals, crashes, locks, one smoke test per command).
 */
export async function runInProcess(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const io: CliIO = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd: options.cwd ?? REPO_ROOT,
    env,
    readStdin: async () => Buffer.from(options.input ?? '', 'utf8'),
  };
  const status = await runCli(args, io);
  return { status, stdout, stderr };
}

/** Runs the built CLI as a child process (build first: `npm run build`; `npm test` does it). */
export function runMeshforge(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): RunResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env },
    input: options.input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A temporary folder holding a copy of the example config; removed after the importing file's tests. */
export function tempWorkspace(prefix = 'meshforge-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  trackTemp(dir);
  cpSync(join(REPO_ROOT, 'mesh.config.yaml'), join(dir, 'mesh.config.yaml'));
  return dir;
}
