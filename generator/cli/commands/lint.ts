import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../../core/cli-vocabulary.js';
import type { Shard } from '../../pipeline/generate.js';
import type { ValidatorFlags } from '../../validate/index.js';
import { addValidatorOptions } from '../validator-options.js';
import type { CommandContext } from '../context.js';
import { appContext, formatOption, maxWarningsOption, printResult, shardOption } from '../output.js';

interface LintFlags extends ValidatorFlags {
  readonly cluster?: string;
  readonly config?: string;
  readonly format: string;
  readonly maxWarnings?: number;
  readonly listSuppressed?: boolean;
  readonly rule: string[];
  readonly shard?: Shard;
  /** --parse-all: no fast path for generated files. */
  readonly parseAll?: boolean;
  /** false with --no-cache. */
  readonly cache: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerLint(program: Command, ctx: CommandContext): void {
  addValidatorOptions(
    program
      .command('lint')
      .description('check Kubernetes/Istio manifests against the policy rules, across all clusters at once')
      .argument('[paths...]', 'files, folders (searched for *.yaml/*.yml) or - for standard input', ['clusters'])
      .option('--cluster <name>', 'cluster of files whose path has no clusters/<name>/ segment')
      .option('-c, --config <file>', `mesh config for VIP ranges, services, severity overrides and exceptions (default: ./${DEFAULT_CONFIG_FILE} if present)`)
      .addOption(formatOption())
      .addOption(maxWarningsOption())
      .option('--list-suppressed', 'also list the findings silenced by annotations or policies.exceptions')
      .option('--rule <id>', 'run only this rule (repeatable)', collect, [])
      .addOption(shardOption("report only shard i of n: the clusters sorted by name and dealt round-robin, as `generate --shard` (every shard still reads and checks the whole fleet)"))
      .option('--parse-all', 'parse every file, even files of a generated tree whose bytes equal what the config renders (the fast path is off)')
      .option('--no-cache', "read every file of a generated tree even when the run state of `meshforge generate` vouches for it"),
  )
    .addHelpText(
      'after',
      `
Suppress a finding on one resource with the annotations
  meshforge.io/suppress: "rule-a,rule-b"
  meshforge.io/suppress-reason: "why this is acceptable"
or for many resources with policies.exceptions in mesh.config.yaml. \`meshforge explain RULE\` documents each rule.

With a mesh config, files of a tree generated from it (a folder holding meshforge-provenance.json) whose bytes
equal what the config renders are not parsed: lint takes the objects they were rendered from. Edited, foreign and
other files are parsed. This applies when the paths cover the whole tree or at least an eighth of its cluster
folders; --parse-all turns it off. The report is the same either way.

When \`meshforge generate\` recorded its run state for that tree (.meshforge/state/ beside the config) from the same
config, ledger and meshforge build, for the whole fleet, and the tree still matches the state's snapshot, its
generated files are not even read: lint takes them from the plan. Foreign files are read and parsed as always; any
doubt (an edited file, another ledger, a shard's state) means the files are read. --no-cache turns this off.

--shard i/n reports the findings on shard i's clusters (from the config, else the clusters/<name>/ folders read);
shard 1 also reports findings outside any cluster. Every shard reads the whole fleet, because cross-cluster rules
need it: together the shards report exactly what one unsharded run reports. Not with --cluster.

Exit codes: 0 no errors, 1 errors found (or more warnings than --max-warnings), 2 unreadable or invalid input.`,
    )
    .action(async (paths: string[], flags: LintFlags) => {
      const { rule, format, ...rest } = flags;
      const result = await (await import('../../app/lint.js')).runLint({ ...rest, paths, rules: rule }, appContext(ctx.io));
      ctx.exitCode = printResult(ctx.io, format, result);
      for (const notice of result.notices) ctx.io.stderr.write(notice);
    });
}
