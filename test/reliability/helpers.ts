import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, REPO_ROOT } from '../cli/helpers.js';
import { expect } from 'vitest';
import type { SourceRegistry } from '../../generator/diagnostics/sources.js';
import type { Diagnostic } from '../../generator/diagnostics/types.js';
import { resolveDiagnostics } from '../../generator/report/resolve.js';

/** A Node stack frame ("    at fn (file.js:1:2)"): never printed for bad input or an environment failure. */
export const STACK_TRACE = /\n\s+at .+:\d+:\d+\)?/;

export interface ChildResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts the built CLI without waiting for it (so several can run at once, or one can be killed). */
export function startMeshforge(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<ChildResult>; printed: (text: string) => Promise<void> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<ChildResult>((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
  /** Resolves once the run has printed `text` (on either stream); rejects if it ends first. */
  const printed = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (stdout.includes(text) || stderr.includes(text)) resolve();
      };
      child.stdout!.on('data', check);
      child.stderr!.on('data', check);
      check();
      void done.then(() => (stdout.includes(text) || stderr.includes(text) ? resolve() : reject(new Error(`the run ended without printing ${text}: ${stdout}${stderr}`))));
    });
  return { child, done, printed };
}

/** Starts a node script from the repository and resolves once it prints `marker`. */
export function startScript(script: string, args: readonly string[], marker: string): Promise<{ child: ChildProcess; output: () => string; done: Promise<number | null> }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes(marker)) resolve({ child, output: () => output, done });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('close', (code) => {
      if (!output.includes(marker)) reject(new Error(`${script} exited (${code}) before printing ${marker}: ${output}`));
    });
  });
}

/** Every file under a folder (symlinks shown as links) with the sha256 of its bytes; {} for a missing folder. */
export function treeHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  const visit = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isSymbolicLink()) out[rel] = '<symlink>';
      else if (e.isDirectory()) visit(join(d, e.name), rel);
      else out[rel] = createHash('sha256').update(readFileSync(join(d, e.name))).digest('hex');
    }
  };
  visit(dir, '');
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A deterministic pseudo-random sequence in [0, 1) (mulberry32): the same seed always gives the same moments. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * A refused input: at least one error, and every error names the file, a 1-based line and column, and a message.
 * `rule`, when given, must be among the errors.
 */
export function expectPositionedErrors(diagnostics: readonly Diagnostic[], sources: SourceRegistry, file: string, rule?: string): void {
  const printed = resolveDiagnostics(diagnostics, sources).filter((d) => d.severity === 'error');
  expect(printed.length).toBeGreaterThan(0);
  for (const d of printed) {
    expect(d.file).toBe(file);
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(0);
  }
  if (rule) expect(printed.map((d) => d.rule)).toContain(rule);
}
