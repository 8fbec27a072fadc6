import { describe, expect, it } from 'vitest';
import { loadConfigString } from '../../generator/model/load.js';
import { allocateVips } from '../../generator/ledger/ledger.js';
import { renderMesh } from '../../generator/render/render.js';
import { coldStartVerdict } from './cold.js';
import { fitExponent, median } from './stats.js';
import { checkSize, expectedResources, syntheticConfig } from './synthetic.js';
import { issue19Targets, targetLines } from './targets.js';

describe('syntheticConfig', () => {
  it('is a valid mesh whose exports follow the sizes', () => {
    const size = { clusters: 4, services: 3, fanout: 2 };
    const loaded = loadConfigString(syntheticConfig(size));
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const { model } = loaded.value;
    expect(model.clusters).toHaveLength(4);
    expect(model.services).toHaveLength(12);
    expect(model.exports).toHaveLength(24);
    const ledger = allocateVips(model, undefined, { reclaim: false });
    expect(ledger.ok).toBe(true);
    if (!ledger.ok) return;
    const resources = renderMesh(model, ledger.value).flatMap((f) => f.resources);
    // Export and import pairs, plus per-cluster namespaces, PeerAuthentication and cross-cluster Gateway.
    expect(resources.length).toBeGreaterThanOrEqual(expectedResources(size));
    expect(resources.filter((r) => r.kind === 'ServiceEntry')).toHaveLength(12 + 24);
  });

  it('is deterministic, and the one-service change differs in exactly one line', () => {
    const size = { clusters: 3, services: 2, fanout: 1 };
    expect(syntheticConfig(size)).toBe(syntheticConfig(size));
    const base = syntheticConfig(size).split('\n');
    const changed = syntheticConfig(size, { variant: 'one-change' }).split('\n');
    expect(base.filter((line, i) => line !== changed[i])).toHaveLength(1);
  });

  it.each([
    [{ clusters: 0, services: 1, fanout: 0 }, /--clusters/],
    [{ clusters: 2, services: 0, fanout: 0 }, /--services/],
    [{ clusters: 2, services: 1, fanout: 2 }, /--fanout 2 is more than the 1 other/],
    [{ clusters: 2, services: 1.5, fanout: 0 }, /--services/],
  ])('refuses %j', (size, message) => {
    expect(checkSize(size)).toMatch(message);
    expect(() => syntheticConfig(size)).toThrow(message);
  });
});

describe('stats', () => {
  it('takes the median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('fits the exponent of a power law', () => {
    expect(fitExponent([1000, 2000, 4000].map((size) => ({ size, value: 3 * size })))).toBeCloseTo(1, 10);
    expect(fitExponent([1000, 2000, 4000].map((size) => ({ size, value: size ** 2 / 7 })))).toBeCloseTo(2, 10);
    expect(fitExponent([{ size: 10, value: 5 }])).toBeNaN();
  });
});

describe('coldStartVerdict', () => {
  const figures = { node_startup_ms: 50, cold_version_ms: 60, cold_validate_ms: 300, cold_lint_ms: 520, cold_check_ms: 480 };

  it('holds validate to 6x and lint/check to 10x node start-up, measured in the same run', () => {
    expect(coldStartVerdict(figures)).toEqual({
      ratios: { cold_version_vs_node: 1.2, cold_validate_vs_node: 6, cold_lint_vs_node: 10.4, cold_check_vs_node: 9.6 },
      targets: { cold_validate_within_6x_node: true, cold_lint_within_10x_node: false, cold_check_within_10x_node: true },
    });
  });

  it('says nothing when cold start was not measured', () => {
    const verdict = coldStartVerdict(null);
    expect(Object.values(verdict.ratios).every((v) => v === null)).toBe(true);
    expect(Object.values(verdict.targets).every((v) => v === null)).toBe(true);
  });
});

describe('issue19Targets', () => {
  const everything = {
    cold_validate_vs_node: 5.9,
    cold_lint_vs_node: 10.4,
    cold_check_vs_node: 9,
    one_change_vs_generate: 0.2,
    peak_rss_by_step: { generate: 1400, 'lint-parse-all': 1600, lint: 900 },
    lint_resources_per_s: 10_500,
    lint_parse_all_resources_per_s: 4_900,
    cdk8s_memory_vs_render: 12,
    generate_vs_floor: 1.6,
    exponent: { generate: 0.9, lint: 1.06, one_change: 1.05 },
  };

  it('judges every target of the issue, upper and lower bounds inclusive, and names the step over the memory budget', () => {
    const targets = issue19Targets(everything);
    expect(Object.fromEntries(Object.entries(targets).map(([key, t]) => [key, t.verdict]))).toEqual({
      cold_validate_within_6x_node: 'met',
      cold_lint_within_10x_node: 'missed',
      cold_check_within_10x_node: 'met',
      one_change_within_25pct: 'met',
      peak_rss_within_1_5_gib: 'missed',
      lint_10k_per_s: 'met',
      lint_parse_all_5k_per_s: 'missed',
      render_10x_faster_than_cdk8s_memory: 'met',
      generate_within_1_5x_floor: 'missed',
      linear_growth_generate: 'met',
      linear_growth_lint: 'missed',
      linear_growth_one_change: 'met',
    });
    expect(targets.peak_rss_within_1_5_gib).toMatchObject({ measured: 1600, limit: 1536 });
    expect(targets.peak_rss_within_1_5_gib!.what).toContain('lint-parse-all');
    expect(targetLines(targets)).toContain('target lint_parse_all_5k_per_s: MISSED: lint --parse-all, resources/s: 4,900 (at least 5,000)');
  });

  it('says "not measured" for what the run left out, never met or missed', () => {
    const targets = issue19Targets({ lint_resources_per_s: Number.NaN, cdk8s_memory_vs_render: null });
    expect(Object.values(targets).every((t) => t.verdict === 'not measured' && t.measured === null)).toBe(true);
    expect(targetLines(targets)).toHaveLength(12);
  });
});
