import { spawnSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../generator/helpers.js';
import { BIN, REPO_ROOT } from './helpers.js';

/**
 * Cold start (issue 19): each command loads only the libraries it uses. A module hook prints every ES module the
 * process loads; the packages each command must not load are checked by name. (CommonJS packages loaded with
 * require, ajv's compiler among them, are not seen by the hook: test/config/standalone.test.ts and
 * test/validate/standalone.test.ts cover those being precompiled.)
 */
const HEAVY = ['yaml', 'handlebars', 'execa', 'node-forge', 'simple-git', '@octokit/rest', 'diff'] as const;
type Heavy = (typeof HEAVY)[number];

let hooks: string;
let workspace: string;

beforeAll(() => {
  hooks = tempDir('meshforge-cold-imports-');
  writeFileSync(join(hooks, 'hooks.mjs'), "import { writeSync } from 'node:fs';\nexport async function load(url, context, next) { writeSync(2, `LOADED ${url}\\n`); return next(url, context); }\n");
  writeFileSync(join(hooks, 'register.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
  workspace = tempDir('meshforge-cold-imports-work-');
  for (const name of ['mesh.config.yaml', 'mesh.lock.yaml', 'clusters']) cpSync(join(REPO_ROOT, name), join(workspace, name), { recursive: true });
});

/** The heavy packages a command loaded. */
function heavyLoaded(args: readonly string[]): Heavy[] {
  const result = spawnSync(process.execPath, ['--import', join(hooks, 'register.mjs'), BIN, ...args], { cwd: workspace, env: { ...process.env, NO_COLOR: '1', PATH: '' }, encoding: 'utf8', timeout: 120_000 });
  expect(result.status, result.stderr).not.toBe(null);
  const urls = result.stderr.split('\n').filter((line) => line.startsWith('LOADED ')).map((line) => line.slice('LOADED '.length));
  expect(urls.length).toBeGreaterThan(0);
  return HEAVY.filter((name) => urls.some((url) => url.includes(`/node_modules/${name}/`)));
}

describe('what each command loads', () => {
  it.each([['--help'], ['lint', '--help'], ['check', '--no-such-flag'], ['no-such-command']].map((args) => [args.join(' '), args] as const))('%s: nothing heavy', (_name, args) => {
    expect(heavyLoaded(args)).toEqual([]);
  });

  it('validate: no git, GitHub, process, certificate or diff library', () => {
    expect(heavyLoaded(['validate'])).toEqual(expect.not.arrayContaining(['execa', 'node-forge', 'simple-git', '@octokit/rest', 'diff']));
  });

  it('lint: no git, GitHub, process, certificate or diff library', () => {
    expect(heavyLoaded(['lint', 'clusters'])).toEqual(expect.not.arrayContaining(['execa', 'node-forge', 'simple-git', '@octokit/rest', 'diff']));
  });

  it('check: no git, GitHub or process library', () => {
    expect(heavyLoaded(['check'])).toEqual(expect.not.arrayContaining(['execa', 'simple-git', '@octokit/rest']));
  });
});
