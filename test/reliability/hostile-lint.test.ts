import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, ftruncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../generator/cli/io.js';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { loadManifests } from '../../generator/discover/manifests.js';
import { runMeshforge } from '../cli/helpers.js';
import { HOSTILE_CONFIGS } from './hostile-config-corpus.js';
import { expectPositionedErrors } from './helpers.js';
import { HOSTILE_MANIFESTS, type HostileManifest } from './hostile-lint-corpus.js';

/** A Node stack frame ("    at fn (file.js:1:2)"): never printed for bad input. */
const STACK_TRACE = /\n\s+at .+:\d+:\d+\)?/;

function writeCase(dir: string, file: string, hostile: HostileManifest): string {
  const path = join(dir, file);
  if (hostile.sparseBytes !== undefined) {
    // A sparse file: the size is real, the disk use is not. The loader must refuse it from its size alone.
    const fd = openSync(path, 'w');
    ftruncateSync(fd, hostile.sparseBytes);
    closeSync(fd);
  } else {
    writeFileSync(path, hostile.bytes!());
  }
  return path;
}

const quietIO = (cwd: string): CliIO => ({
  stdout: { write: () => true },
  stderr: { write: () => true },
  cwd,
  env: {},
  readStdin: async () => Buffer.alloc(0),
});

describe('hostile lint input corpus (in-process)', () => {
  it('has at least 30 cases, uniquely named, and with the config corpus at least 60', () => {
    expect(HOSTILE_MANIFESTS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(HOSTILE_MANIFESTS.map((c) => c.name)).size).toBe(HOSTILE_MANIFESTS.length);
    expect(HOSTILE_MANIFESTS.length + HOSTILE_CONFIGS.length).toBeGreaterThanOrEqual(60);
  });

  it.each(HOSTILE_MANIFESTS.map((c) => [c.name, c] as const))('%s is refused with a positioned diagnostic', async (_name, hostile) => {
    const dir = mkdtempSync(join(tmpdir(), 'meshforge-hostile-lint-'));
    const file = writeCase(dir, 'manifest.yaml', hostile);
    const sources = new SourceRegistry();
    const result = await loadManifests([file], { io: quietIO(dir), sources });
    expect(result.ok).toBe(false);
    expectPositionedErrors(result.diagnostics, sources, file, hostile.rule);
  });
});

// The built CLI as a child process, on a representative subset of both corpora. Build first: `npm run build`.
const LINT_SUBSET = [
  'unclosed flow mapping', 'tab indentation', 'duplicate metadata.name', 'billion laughs alias bomb', 'NUL byte', 'invalid UTF-8 lead byte',
  'UTF-16 file', 'file over the 64 MiB limit', 'deep flow nesting', 'a list document', 'missing kind', 'kind is a number',
  'name with a path', 'name with Cyrillic homoglyph', 'namespace ../kube-system', 'YAML injection in kind',
];

const CONFIG_SUBSET = [
  'unclosed quote', 'tab indentation', 'billion laughs alias bomb', 'a list, not a mapping', 'NUL byte',
  'invalid UTF-8 lead byte', '50 MB file', 'deep flow nesting', 'deep block nesting', 'port beyond 2^53',
  'cluster name ..', 'cluster name absolute path', 'cluster name with Cyrillic homoglyph', 'namespace ../../etc', 'handlebars in a name',
  'YAML injection in a host',
];

function expectRefusal(result: { status: number | null; stdout: string; stderr: string }, file: string): void {
  const output = `${result.stdout}\n${result.stderr}`;
  expect(result.status, output).toBe(2);
  expect(output).toMatch(new RegExp(`${file.replace(/\./g, '\\.')}:\\d+:\\d+`));
  expect(output).not.toMatch(STACK_TRACE);
  expect(output).not.toMatch(/internal error/);
}

describe('hostile input through the built CLI', () => {
  it('the subsets name real corpus cases', () => {
    for (const name of LINT_SUBSET) expect(HOSTILE_MANIFESTS.some((c) => c.name === name), name).toBe(true);
    for (const name of CONFIG_SUBSET) expect(HOSTILE_CONFIGS.some((c) => c.name === name), name).toBe(true);
    expect(LINT_SUBSET.length).toBeGreaterThanOrEqual(15);
    expect(CONFIG_SUBSET.length).toBeGreaterThanOrEqual(15);
  });

  it.each(LINT_SUBSET)('meshforge lint: %s -> exit 2, file:line:col, no stack trace', (name) => {
    const hostile = HOSTILE_MANIFESTS.find((c) => c.name === name)!;
    const dir = mkdtempSync(join(tmpdir(), 'meshforge-hostile-cli-'));
    writeCase(dir, 'manifest.yaml', hostile);
    expectRefusal(runMeshforge(['lint', 'manifest.yaml'], { cwd: dir }), 'manifest.yaml');
  });

  it.each(CONFIG_SUBSET)('meshforge generate: %s -> exit 2, file:line:col, nothing written', (name) => {
    const hostile = HOSTILE_CONFIGS.find((c) => c.name === name)!;
    const dir = mkdtempSync(join(tmpdir(), 'meshforge-hostile-cli-'));
    writeFileSync(join(dir, 'mesh.config.yaml'), hostile.bytes());
    expectRefusal(runMeshforge(['generate'], { cwd: dir }), 'mesh.config.yaml');
    // No output folder, no ledger, no output lock, no staging folder: only the config itself.
    expect(readdirSync(dir)).toEqual(['mesh.config.yaml']);
  });

  it.each(CONFIG_SUBSET.slice(0, 3))('meshforge validate: %s -> exit 2, file:line:col', (name) => {
    const hostile = HOSTILE_CONFIGS.find((c) => c.name === name)!;
    const dir = mkdtempSync(join(tmpdir(), 'meshforge-hostile-cli-'));
    writeFileSync(join(dir, 'mesh.config.yaml'), hostile.bytes());
    expectRefusal(runMeshforge(['validate'], { cwd: dir }), 'mesh.config.yaml');
  });

  it('generate over an existing tree leaves the tree, the ledger and the lock untouched on bad input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshforge-hostile-cli-'));
    writeFileSync(join(dir, 'mesh.config.yaml'), 'mesh:\n  id: m\nclusters:\n  - { name: c1, network: n1, ingressGateway: { address: 10.0.0.1 } }\n');
    expect(runMeshforge(['generate'], { cwd: dir }).status).toBe(0);
    const before = readdirSync(join(dir, 'clusters'), { recursive: true }).sort();
    writeFileSync(join(dir, 'mesh.config.yaml'), HOSTILE_CONFIGS.find((c) => c.name === 'cluster name ..')!.bytes());
    expectRefusal(runMeshforge(['generate'], { cwd: dir }), 'mesh.config.yaml');
    expect(readdirSync(join(dir, 'clusters'), { recursive: true }).sort()).toEqual(before);
    expect(existsSync(join(dir, '.clusters.meshforge-lock'))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['clusters', 'mesh.config.yaml', 'mesh.lock.yaml']);
  });
});
