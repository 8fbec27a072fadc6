import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packagePath } from '../../generator/core/paths.js';
import { runInProcess } from '../cli/helpers.js';

// GitHub Actions cannot run here: these tests read the workflows as data and check every meshforge invocation in
// them against the CLI's own --help (in-process).
const WORKFLOWS = packagePath('.github', 'workflows');

interface Step {
  readonly name?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, unknown>;
}
interface Workflow {
  readonly name?: string;
  readonly on: Record<string, unknown>;
  readonly env?: Record<string, string>;
  readonly jobs: Record<string, { readonly steps: Step[]; readonly env?: Record<string, string> }>;
}

const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort();
const workflows = new Map(files.map((f) => [f, parse(readFileSync(join(WORKFLOWS, f), 'utf8'), { strict: true, uniqueKeys: true }) as Workflow]));
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((job) => job.steps ?? []);

async function help(args: readonly string[]): Promise<{ code: number | null; text: string }> {
  const result = await runInProcess([...args, '--help']);
  return { code: result.status, text: result.stdout + result.stderr };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What is wrong with `meshforge <words>`: a command, subcommand or flag its --help does not list. */
async function problems(words: readonly string[]): Promise<string[]> {
  const [command, ...rest] = words;
  // An unknown command with --help prints the top-level help: the usage line tells them apart.
  let text = (await help([command!])).text;
  if (!new RegExp(`^Usage: meshforge ${escape(command!)} `, 'm').test(text)) return [`meshforge ${command} does not exist`];
  let args = rest;
  let name = command!;
  if (/^Commands:/m.test(text) && args[0] !== undefined && !args[0].startsWith('-')) {
    name = `${command} ${args[0]}`;
    text = (await help([command!, args[0]])).text;
    if (!new RegExp(`^Usage: meshforge ${escape(name)} `, 'm').test(text)) return [`meshforge ${name} does not exist`];
    args = args.slice(1);
  }
  return args
    .filter((a) => a.startsWith('-'))
    .map((a) => a.split('=')[0]!)
    .filter((flag) => !new RegExp(`(^|[\\s,])${escape(flag)}(?![\\w-])`, 'm').test(text))
    .map((flag) => `meshforge ${name} has no ${flag}`);
}

/** Every `npx meshforge ...` in a run script, split into words up to the first shell operator. */
export function meshforgeInvocations(script: string): string[][] {
  const out: string[][] = [];
  for (const line of script.replace(/\\\n/g, ' ').split('\n')) {
    for (const match of line.matchAll(/(?:^|[\s;&|(])npx\s+meshforge\s+([^\n]*)/g)) {
      const words: string[] = [];
      for (const token of match[1]!.match(/"[^"]*"|'[^']*'|[^\s]+/g) ?? []) {
        if (/^(\||\|\||&&|;|>|>>|2>|2>&1|<)$/.test(token) || /^[>|;&]/.test(token)) break;
        words.push(token);
      }
      out.push(words);
    }
  }
  return out;
}

describe('.github/workflows', () => {
  it('every workflow parses as YAML with jobs and steps', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const [file, workflow] of workflows) {
      expect(workflow.on, file).toBeTruthy();
      expect(Object.keys(workflow.jobs).length, file).toBeGreaterThan(0);
      for (const step of steps(workflow)) expect(step.run !== undefined || step.uses !== undefined, `${file}: ${step.name}`).toBe(true);
    }
  });

  it('the PR gate runs npm ci, meshforge check with the real kubeconform as SARIF, and uploads it', () => {
    const gates = [...workflows.entries()].filter(([, w]) => w.on.pull_request !== undefined && steps(w).some((s) => /npx meshforge check\b/.test(s.run ?? '')));
    expect(gates.map(([file]) => file)).toHaveLength(1);
    const [, gate] = gates[0]!;
    const all = steps(gate);
    expect(all.some((s) => /\bnpm ci\b/.test(s.run ?? ''))).toBe(true);
    const check = all.find((s) => /npx meshforge check\b/.test(s.run ?? '') && /--format sarif/.test(s.run ?? ''))!;
    expect(check.run).toMatch(/--validator kubeconform/);
    const sarifFile = /> *(\S+\.sarif)/.exec(check.run!)?.[1];
    expect(sarifFile).toBeDefined();
    const upload = all.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.with?.sarif_file).toBe(sarifFile);
    // kubeconform at a pinned release, and meshforge pointed at that binary.
    const version = gate.env?.KUBECONFORM_VERSION ?? Object.values(gate.jobs)[0]!.env?.KUBECONFORM_VERSION;
    expect(version).toMatch(/^v\d+\.\d+\.\d+$/);
    const install = all.find((s) => /kubeconform/.test(s.run ?? '') && /releases\/download/.test(s.run ?? ''))!;
    expect(install.run).toMatch(/yannh\/kubeconform\/releases\/download\/\$\{?KUBECONFORM_VERSION\}?\//);
    expect(install.run).toMatch(/MESHFORGE_KUBECONFORM=/);
    // Annotations for the pull request.
    expect(all.some((s) => /npx meshforge check\b.*--format github/.test(s.run ?? ''))).toBe(true);
  });

  it('the PR workflow runs meshforge pr --provider github on pushes touching mesh.config.yaml and on demand', () => {
    const prFlows = [...workflows.values()].filter((w) => steps(w).some((s) => /npx meshforge pr\b/.test(s.run ?? '')));
    expect(prFlows).toHaveLength(1);
    const flow = prFlows[0]!;
    const push = flow.on.push as { paths?: string[]; branches?: string[] } | undefined;
    expect(push?.paths).toContain('mesh.config.yaml');
    expect(Object.hasOwn(flow.on, 'workflow_dispatch')).toBe(true);
    const step = steps(flow).find((s) => /npx meshforge pr\b/.test(s.run ?? ''))!;
    expect(step.run).toMatch(/--provider github/);
    expect(JSON.stringify(step.env ?? {})).toMatch(/GITHUB_TOKEN/);
  });

  it('extracts meshforge invocations from run scripts', () => {
    expect(meshforgeInvocations('npx meshforge check --validator kubeconform --format sarif > out.sarif')).toEqual([['check', '--validator', 'kubeconform', '--format', 'sarif']]);
    expect(meshforgeInvocations('a && npx meshforge pr --base "${{ x }}" || true')).toEqual([['pr', '--base', '"${{ x }}"']]);
  });

  it('the invocation check catches an unknown command, subcommand or flag', async () => {
    expect(await problems(['check', '--format', 'sarif'])).toEqual([]);
    expect(await problems(['certs', 'verify', '--warning-days', '10'])).toEqual([]);
    expect(await problems(['check', '--no-such-flag'])).toEqual(['meshforge check has no --no-such-flag']);
    expect(await problems(['no-such-command'])).toEqual(['meshforge no-such-command does not exist']);
    expect(await problems(['certs', 'frobnicate'])).toEqual(['meshforge certs frobnicate does not exist']);
  });

  const invocations = [...workflows.entries()].flatMap(([file, w]) => steps(w).flatMap((s) => meshforgeInvocations(s.run ?? '').map((words) => ({ file, words }))));
  it('the workflows call meshforge check and meshforge pr', () => {
    expect(new Set(invocations.map((i) => i.words[0]))).toEqual(new Set(['check', 'pr']));
  });
  for (const { file, words } of invocations) {
    it(`${file}: \`meshforge ${words.join(' ')}\` names a command and flags that exist`, async () => {
      expect(await problems(words)).toEqual([]);
    });
  }
});
