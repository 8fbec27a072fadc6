/**
 * Smoke test of `npm run bench` at a tiny size: it runs, measures the steps it is asked for, and ends with the JSON
 * line. No figures are asserted (timings on a shared machine are not test material); the benchmark itself is run by
 * hand, see docs/performance.md. Needs `npm run build` first, like the other CLI tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../generator/core/paths.js';

const REQUIRED_KEYS = ['resources', 'generate_ms', 'floor_ms', 'cdk8s_ms', 'noop_ms', 'one_change_ms', 'lint_resources_per_s', 'check_ms', 'peak_rss_mb'];

function bench(args: string[]) {
  return spawnSync('npm', ['run', '--silent', 'bench', '--', ...args], { cwd: packagePath(), encoding: 'utf8', timeout: 60_000 });
}

describe('npm run bench', () => {
  it('runs a tiny mesh and prints the figures as one JSON object on the last line', () => {
    const run = bench(['--clusters', '2', '--services', '2', '--fanout', '1', '--runs', '1', '--only', 'generate,floor']);
    expect(run.stderr).not.toMatch(/bench: .*failed/);
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.slice(0, -1).every((line) => line.startsWith('bench: '))).toBe(true);
    const figures = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
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
  });

  it('measures the no-op with and without the run-state cache, and lint with and without the fast path', () => {
    const run = bench(['--clusters', '2', '--services', '2', '--fanout', '1', '--runs', '1', '--only', 'noop,noop-uncached,lint,lint-parse-all']);
    expect(run.status).toBe(0);
    const figures = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    for (const key of ['noop_ms', 'noop_uncached_ms', 'lint_resources_per_s', 'lint_parse_all_resources_per_s']) expect(figures[key], key).toBeGreaterThan(0);
    expect(figures.generate_ms).toBeNull();
  });

  it('--write-config writes the synthetic mesh.config.yaml, which meshforge validates', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshforge-bench-config-'));
    const run = bench(['--clusters', '3', '--services', '4', '--fanout', '2', '--write-config', dir]);
    expect(run.status).toBe(0);
    const text = readFileSync(join(dir, 'mesh.config.yaml'), 'utf8');
    expect(text).toContain('svc-002-0003');
    const validate = spawnSync(process.execPath, [packagePath('bin', 'meshforge.js'), 'validate'], { cwd: dir, encoding: 'utf8' });
    expect(validate.stderr).toBe('');
    expect(validate.status).toBe(0);
    expect(validate.stdout).toMatch(/3 clusters, 12 services, 24 cross-cluster exports/);
  });

  it('refuses impossible sizes with exit 2', () => {
    const run = bench(['--clusters', '2', '--services', '1', '--fanout', '3']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--fanout 3 is more than the 1 other clusters/);
  });
});
