import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { RULES } from '../../../policies/index.js';
import { DRIFT_RULE, runCheck, type CheckResult } from '../../app/check.js';
import { DEFAULT_CONFIG_FILE } from '../../model/load.js';
import type { Shard } from '../../pipeline/generate.js';
import { ENGINE_CHECKS } from '../../lint/engine-checks.js';
import { PKI_RULES } from '../../pki/verify.js';
import { shouldColor } from '../../report/color.js';
import { findFormatter, formatNames } from '../../report/formats.js';
import { buildReport } from '../../report/resolve.js';
import type { ReportRule } from '../../report/types.js';
import { DEFAULT_OUT_DIR } from '../../render/render.js';
import { addValidatorOptions } from '../validator-options.js';
import { createValidator, SCHEMA_RULE, UNKNOWN_KIND_RULE, validatorOptionsFromFlags, type ValidatorFlags } from '../../validate/index.js';
import type { CommandContext } from '../context.js';
import { environmentError, MeshforgeError, usageError } from '../../core/errors.js';
import { EXIT } from '../exit.js';
import type { CliIO } from '../io.js';
import { formatOption, maxWarningsOption, shardOption, statusStream } from '../output.js';

interface CheckFlags extends ValidatorFlags {
  readonly config: string;
  readonly out: string;
  readonly format: string;
  readonly pki?: string;
  readonly maxWarnings?: number;
  readonly timings?: boolean;
  readonly shard?: Shard;
}

/** Every rule check can report, for formats that list them (SARIF). */
const CHECK_RULES: readonly ReportRule[] = [
  { id: DRIFT_RULE, description: 'A generated file or the VIP ledger differs from what mesh.config.yaml generates.', defaultSeverity: 'error', docs: 'docs/gitops.md' },
  { id: SCHEMA_RULE, description: "A manifest does not match its kind's schema.", defaultSeverity: 'error', docs: 'docs/validation.md' },
  { id: UNKNOWN_KIND_RULE, description: 'No schema knows this apiVersion/kind.', defaultSeverity: 'warning', docs: 'docs/validation.md' },
  ...RULES.map((r) => ({ id: r.meta.id, description: r.meta.description, defaultSeverity: r.meta.defaultSeverity, ...(r.meta.docs ? { docs: r.meta.docs } : {}) })),
  ...ENGINE_CHECKS.map((c) => ({ id: c.id, description: c.description, defaultSeverity: c.defaultSeverity, ...(c.docs ? { docs: c.docs } : {}) })),
  ...PKI_RULES.map((id) => ({ id, description: `PKI check ${id} (meshforge certs verify).`, defaultSeverity: 'error' as const })),
];

function printTimings(io: CliIO, result: CheckResult, totalMs: number): void {
  const parts = result.stages.map((s) => `${s.name} ${s.ran ? `${Math.round(s.ms)} ms` : 'skipped'}`);
  io.stderr.write(`meshforge check timings: ${parts.join(', ')}; total ${Math.round(totalMs)} ms (${result.resources} resources, ${result.files.length} files)\n`);
}

export function registerCheck(program: Command, ctx: CommandContext): void {
  const command = program
    .command('check')
    .description('the CI gate: config validation, drift of the generated tree, manifest schemas, policies and the PKI, in one run')
    .option('-c, --config <file>', 'the mesh config', DEFAULT_CONFIG_FILE)
    .option('-o, --out <dir>', 'the generated tree to check for drift', `${DEFAULT_OUT_DIR}/`)
    .addOption(formatOption())
    .option('--pki <dir>', 'the PKI folder to verify (default: mesh.ca.pkiDir next to the config; skipped when it does not exist)')
    .addOption(maxWarningsOption())
    .option('--timings', 'print how long each stage took to stderr')
    .addOption(shardOption('check only shard i of n: the clusters sorted by name and dealt round-robin, as `generate --shard`'));
  addValidatorOptions(command);
  command
    .addHelpText(
      'after',
      `
Stages: config (validation and rendering in memory), drift (rule "drift": every generated file and mesh.lock.yaml
must equal what the config generates), schema (the generated resources, GitOps wrappers included, against their
schemas), policies (the rules of \`meshforge lint\` with policies.severity and policies.exceptions), pki (\`certs
verify\`, only when the PKI folder exists). Nothing is written. Status lines go to stderr for machine formats.

--shard i/n checks the drift and schemas of shard i's cluster folders and reports the policy findings on them;
shard 1 also checks everything outside the cluster folders (GitOps wrappers, the index, mesh.lock.yaml, the PKI).
Every shard renders the whole fleet and runs the policies on all of it (cross-cluster rules need every resource):
together the shards report exactly what one unsharded run reports.

Exit codes: 0 everything passed, 1 findings or drift (or more warnings than --max-warnings), 2 invalid config or
flags, 3 environment failure (kubeconform missing or failing, unreadable tree).`,
    )
    .action(async (flags: CheckFlags) => {
      const { io } = ctx;
      const started = performance.now();
      if (!findFormatter(flags.format)) throw usageError(`unknown format '${flags.format}'`, `Use one of: ${formatNames().join(', ')}.`);
      if (flags.pki !== undefined && !existsSync(resolve(io.cwd, flags.pki))) {
        throw usageError(`there is no PKI folder at ${flags.pki}`, 'Create it with `meshforge certs init`, or leave --pki out to skip the PKI stage when there is none.');
      }
      const validatorOptions = validatorOptionsFromFlags(flags, io.env);
      const validator = validatorOptions ? await createValidator(validatorOptions) : null;
      const outDir = flags.out.replace(/[\\/]+$/, '') || '.';

      let result: CheckResult;
      try {
        result = await runCheck({ configFile: flags.config, outDir, validator, pki: { cwd: io.cwd, ...(flags.pki !== undefined ? { override: flags.pki } : {}) }, now: new Date(), ...(flags.shard ? { shard: flags.shard } : {}) });
      } catch (error) {
        if (error instanceof MeshforgeError) throw error;
        const err = error as NodeJS.ErrnoException;
        if (typeof err?.code === 'string' && /^E[A-Z]+$/.test(err.code)) throw environmentError(`cannot read ${err.path ?? outDir}: ${err.code}`, 'Check that the folders exist and are readable.');
        throw error;
      }

      const report = buildReport('check', result.diagnostics, result.sources, result.suppressed);
      const formatter = findFormatter(flags.format)!;
      const text = formatter.format({ ...report, rules: CHECK_RULES }, { color: shouldColor(io.stdout, io.env) });
      if (text !== '') io.stdout.write(text);
      if (flags.timings) printTimings(io, result, performance.now() - started);

      if (result.outcome === 'invalid') {
        ctx.exitCode = EXIT.invalid;
        return;
      }
      const status = statusStream(io, flags.format);
      const { errors, warnings } = report.summary;
      const drifted = result.diagnostics.filter((d) => d.rule === DRIFT_RULE).length;
      const ran = result.stages.filter((s) => s.ran).map((s) => (s.name === 'schema' && validator ? `schema (${validator.name})` : s.name));
      if (errors + warnings + report.summary.infos === 0) {
        const shard = flags.shard ? ` (shard ${flags.shard.index}/${flags.shard.count})` : '';
        status.write(`meshforge check: ${result.resources} resources in ${result.files.length} files${shard}, no problems (${ran.join(', ')})\n`);
      } else if (drifted > 0) {
        status.write(`meshforge check: ${drifted} generated file${drifted === 1 ? '' : 's'} out of date with ${flags.config}: run \`meshforge generate\` and commit the result\n`);
      }
      if (errors > 0) ctx.exitCode = EXIT.findings;
      else if (flags.maxWarnings !== undefined && warnings > flags.maxWarnings) {
        io.stderr.write(`meshforge: ${warnings} warnings, more than --max-warnings ${flags.maxWarnings}\n`);
        ctx.exitCode = EXIT.findings;
      } else ctx.exitCode = EXIT.ok;
    });
}
