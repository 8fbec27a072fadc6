/**
 * The targets of issue 19 (docs/performance.md), judged from one bench run: every target is listed, met or missed,
 * or "not measured" when the run left out a step it needs (`--only`, `--no-cdk8s`, no `--scaling`). Ratios are taken
 * within the run, because absolute times on a shared machine move too much to be held to a number.
 */
import { round } from './stats.js';

export type Verdict = 'met' | 'missed' | 'not measured';

export interface TargetVerdict {
  readonly verdict: Verdict;
  /** What was measured, in the unit of the limit (a ratio, MiB, resources/s, an exponent); null when not measured. */
  readonly measured: number | null;
  /** The limit: an upper bound unless `atLeast`. */
  readonly limit: number;
  readonly atLeast?: true;
  /** The target in words, for the progress line. */
  readonly what: string;
}

/** What the verdicts are computed from: the medians and ratios of one run. */
export interface TargetInputs {
  readonly cold_validate_vs_node?: number | null;
  readonly cold_lint_vs_node?: number | null;
  readonly cold_check_vs_node?: number | null;
  readonly one_change_vs_generate?: number | null;
  /** Peak RSS (MiB) of each meshforge step measured, by step key. */
  readonly peak_rss_by_step?: Readonly<Record<string, number>>;
  readonly lint_resources_per_s?: number | null;
  readonly lint_parse_all_resources_per_s?: number | null;
  /** cdk8s_memory_ms / render_ms. */
  readonly cdk8s_memory_vs_render?: number | null;
  /** generate_ms / floor_ms. */
  readonly generate_vs_floor?: number | null;
  /** Fitted exponents of time against resources, with --scaling. */
  readonly exponent?: { readonly generate?: number | null; readonly lint?: number | null; readonly one_change?: number | null };
}

const usable = (value: number | null | undefined): value is number => typeof value === 'number' && Number.isFinite(value);

function atMost(what: string, measured: number | null | undefined, limit: number): TargetVerdict {
  if (!usable(measured)) return { verdict: 'not measured', measured: null, limit, what };
  return { verdict: measured <= limit ? 'met' : 'missed', measured, limit, what };
}

function atLeast(what: string, measured: number | null | undefined, limit: number): TargetVerdict {
  if (!usable(measured)) return { verdict: 'not measured', measured: null, limit, atLeast: true, what };
  return { verdict: measured >= limit ? 'met' : 'missed', measured, limit, atLeast: true, what };
}

/** The 1.5 GiB budget every step's peak RSS is held to. */
export const PEAK_RSS_LIMIT_MB = 1536;

/** Every target of issue 19, in the issue's order. */
export function issue19Targets(inputs: TargetInputs): Record<string, TargetVerdict> {
  const steps = Object.entries(inputs.peak_rss_by_step ?? {});
  const worst = steps.reduce<[string, number] | undefined>((max, entry) => (max === undefined || entry[1] > max[1] ? entry : max), undefined);
  const exponent = inputs.exponent;
  return {
    cold_validate_within_6x_node: atMost('cold validate / node -e 0', inputs.cold_validate_vs_node, 6),
    cold_lint_within_10x_node: atMost('cold lint / node -e 0', inputs.cold_lint_vs_node, 10),
    cold_check_within_10x_node: atMost('cold check / node -e 0', inputs.cold_check_vs_node, 10),
    one_change_within_25pct: atMost('one-service change / full generate', inputs.one_change_vs_generate, 0.25),
    peak_rss_within_1_5_gib: atMost(`largest peak RSS of any step, MiB${worst ? ` (${worst[0]})` : ''}`, worst?.[1], PEAK_RSS_LIMIT_MB),
    lint_10k_per_s: atLeast('lint of a generated tree, resources/s', inputs.lint_resources_per_s, 10_000),
    lint_parse_all_5k_per_s: atLeast('lint --parse-all, resources/s', inputs.lint_parse_all_resources_per_s, 5_000),
    render_10x_faster_than_cdk8s_memory: atLeast('cdk8s in memory / render', inputs.cdk8s_memory_vs_render, 10),
    generate_within_1_5x_floor: atMost('generate / the disk floor', inputs.generate_vs_floor, 1.5),
    linear_growth_generate: atMost('fitted exponent of generate (--scaling)', exponent?.generate, 1.05),
    linear_growth_lint: atMost('fitted exponent of lint (--scaling)', exponent?.lint, 1.05),
    linear_growth_one_change: atMost('fitted exponent of the one-service change (--scaling)', exponent?.one_change, 1.05),
  };
}

/** One progress line per target: "met  lint --parse-all, resources/s: 5,210 (at least 5,000)". */
export function targetLines(targets: Readonly<Record<string, TargetVerdict>>): string[] {
  const number = (n: number) => (Math.abs(n) >= 100 ? round(n).toLocaleString('en-US') : String(round(n, 3)));
  return Object.entries(targets).map(([key, t]) => {
    const bound = `${t.atLeast ? 'at least' : 'at most'} ${number(t.limit)}`;
    const measured = t.measured === null ? 'not measured' : number(t.measured);
    return `target ${key}: ${t.verdict.toUpperCase()}: ${t.what}: ${measured} (${bound})`;
  });
}
