/**
 * Tests of `npm run bench` at a tiny size: it runs, measures the steps it is asked for, and ends with the JSON line.
 * No figures are asserted (timings on a shared machine are not test material); the benchmark itself is run by hand,
 * see docs/performance.md. One test runs the real thing (`npm run bench`, each step in its own node process; build
 * first, like the other spawn tests); the others call runBench with the steps in this process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../generator/core/paths.js';
import { runBench } from '../../scripts/bench/run.js';
import { runInProcess } from '../cli/helpers.js';

const REQUIRED_KEYS = ['resources', 'generate_ms', 'floor_ms', 'cdk8s_ms', 'noop_ms', 'one_change_ms', 'lint_resources_per_s', 'check_ms', 'peak_rss_mb'];

/** The bench in this process, steps included: its exit code and what it printed. */
async function benchHere(args: string[]) {
  let stdout = '';
  let stderr = '';
  const status = await runBench(args, { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, steps: 'here' });
  return { status, stdout, stderr };
}

function figuresOf(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  expect(lines.slice(0, -1).every((line) => line.startsWith('bench: '))).toBe(true);
  return JSON.parse(lines.at(-1)!) as Record<string, unknown>;
}

describe('npm run bench', () => {
  it('runs a tiny mesh, each step in its own process, and prints the figures as one JSON object on the last line', () => {
    const run = spawnSync('npm', ['run', '--silent', 'bench', '--', '--clusters', '2', '--services', '2', '--fanout', '1', '--runs', '1', '--only', 'generate,floor'], {
      cwd: packagePath(),
      encoding: 'utf8',
      timeout: 100_000,
    });
    expect(run.stderr).not.toMatch(/bench: .*failed/);
    expect(run.status).toBe(0);
    const figures = figuresOf(run.stdout);
    for (const key of REQUIRED_KEYS) expect(figures).toHaveProperty(key);
    expect(figures.resources).toBeGreaterThan(0);
    expect(figures.generate_ms).toBeGreaterThan(0);
    expect(figures.floor_ms).toBeGreaterThan(0);
    expect(figures.peak_rss_mb).toBeGreaterThan(0);
    expect(figures.generate_vs_floor).toBeGreaterThan(0);
    // Steps not asked for are reported as null, not left out or faked.
    expect(figures.cdk8s_ms).toBeNull();
    expect(figures.lint_resources_per_s).toBeNull();
    expect(figures.machine).toMatchObject({ nproc: expect.any(Number), node: process.version });
  }, 120_000); // a node process per step: seconds each on a busy machine

  it('measures the no-op with and without the run-state cache, and lint with and without the fast path', async () => {
    const run = await benchHere(['--clusters', '2', '--services', '2', '--fanout', '1', '--runs', '1', '--only', 'noop,noop-uncached,lint,lint-parse-all']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const figures = figuresOf(run.stdout);
    for (const key of ['noop_ms', 'noop_uncached_ms', 'lint_resources_per_s', 'lint_parse_all_resources_per_s']) expect(figures[key], key).toBeGreaterThan(0);
    expect(figures.generate_ms).toBeNull();
  });

  it('--write-config writes the synthetic mesh.config.yaml, which meshforge validates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshforge-bench-config-'));
    try {
      const run = await benchHere(['--clusters', '3', '--services', '4', '--fanout', '2', '--write-config', dir]);
      expect(run.status).toBe(0);
      const text = readFileSync(join(dir, 'mesh.config.yaml'), 'utf8');
      expect(text).toContain('svc-002-0003');
      const validate = await runInProcess(['validate', '--config', join(dir, 'mesh.config.yaml')], { cwd: dir });
      expect(validate.stderr).toBe('');
      expect(validate.status).toBe(0);
      expect(validate.stdout).toMatch(/3 clusters, 12 services, 24 cross-cluster exports/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses impossible sizes with exit 2', async () => {
    const run = await benchHere(['--clusters', '2', '--services', '1', '--fanout', '3']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--fanout 3 is more than the 1 other clusters/);
  });
});
