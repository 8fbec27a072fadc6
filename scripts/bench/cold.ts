/**
 * Cold start: what a user at the terminal or a CI job waits for on a small mesh. Each command is a fresh
 * `node bin/meshforge.js ...` on a temporary copy of the example (mesh.config.yaml, mesh.lock.yaml, clusters/),
 * against `node -e 0` measured in the same rounds. The commands take turns within each round, so a burst of load on a
 * shared machine lands on all of them alike and the ratios stay meaningful when the absolute times do not.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagePath } from '../../generator/core/paths.js';
import { median, round } from './stats.js';

export interface ColdStartFigures {
  readonly node_startup_ms: number;
  readonly cold_version_ms: number;
  readonly cold_validate_ms: number;
  readonly cold_lint_ms: number;
  readonly cold_check_ms: number;
}

type ColdKey = keyof ColdStartFigures;

/** What each figure runs: node's own start-up, then meshforge commands on the example. */
const COMMANDS: readonly { readonly key: ColdKey; readonly args: readonly string[] }[] = [
  { key: 'node_startup_ms', args: ['-e', '0'] },
  { key: 'cold_version_ms', args: ['--version'] },
  { key: 'cold_validate_ms', args: ['validate'] },
  { key: 'cold_lint_ms', args: ['lint'] },
  { key: 'cold_check_ms', args: ['check'] },
];

/** The example files a run needs, copied so the commands' caches and run state never touch the package. */
const EXAMPLE = ['mesh.config.yaml', 'mesh.lock.yaml', 'clusters'];

function timedRun(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): number {
  const bin = packagePath('bin', 'meshforge.js');
  const argv = args[0] === '-e' ? [...args] : [bin, ...args];
  const start = performance.now();
  const child = spawnSync(process.execPath, argv, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 16 * 1024 * 1024 });
  const ms = performance.now() - start;
  // Findings (exit 1) still measure the command; anything else means the figure would be wrong.
  if (child.status !== 0 && child.status !== 1) throw new Error(`bench: node ${argv.join(' ')} exited ${child.status ?? child.signal}: ${child.stderr?.toString().slice(-2000) ?? ''}`);
  return ms;
}

/** Medians of `runs` rounds; `say` gets one progress line per round. */
export function measureColdStart(runs: number, say: (text: string) => void): ColdStartFigures {
  const work = mkdtempSync(join(tmpdir(), 'meshforge-cold-'));
  try {
    for (const name of EXAMPLE) cpSync(packagePath(name), join(work, name), { recursive: true });
    // The commands as a user runs them (auto validator: kubeconform if on PATH); no colour codes.
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    const times = new Map<ColdKey, number[]>(COMMANDS.map((c) => [c.key, []]));
    for (let run = 0; run < runs; run++) {
      const round_: string[] = [];
      for (const command of COMMANDS) {
        const ms = timedRun(command.args, work, env);
        times.get(command.key)!.push(ms);
        round_.push(`${command.key.replace(/_ms$/, '')} ${round(ms)}`);
      }
      say(`cold start run ${run + 1}/${runs}: ${round_.join(', ')} ms`);
    }
    const figure = (key: ColdKey) => round(median(times.get(key)!));
    return {
      node_startup_ms: figure('node_startup_ms'),
      cold_version_ms: figure('cold_version_ms'),
      cold_validate_ms: figure('cold_validate_ms'),
      cold_lint_ms: figure('cold_lint_ms'),
      cold_check_ms: figure('cold_check_ms'),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The cold-start ratios (command / node start-up, same run) and the issue 19 targets they are held to. */
export function coldStartVerdict(figures: ColdStartFigures | null) {
  const ratioTo = (ms: number | undefined) => (figures && ms !== undefined && figures.node_startup_ms > 0 ? round(ms / figures.node_startup_ms, 2) : null);
  const ratios = {
    cold_version_vs_node: ratioTo(figures?.cold_version_ms),
    cold_validate_vs_node: ratioTo(figures?.cold_validate_ms),
    cold_lint_vs_node: ratioTo(figures?.cold_lint_ms),
    cold_check_vs_node: ratioTo(figures?.cold_check_ms),
  };
  const within = (ratio: number | null, limit: number) => (ratio !== null ? ratio <= limit : null);
  const targets = {
    cold_validate_within_6x_node: within(ratios.cold_validate_vs_node, 6),
    cold_lint_within_10x_node: within(ratios.cold_lint_vs_node, 10),
    cold_check_within_10x_node: within(ratios.cold_check_vs_node, 10),
  };
  return { ratios, targets };
}
