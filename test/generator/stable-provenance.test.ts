import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runInProcess, tempWorkspace } from '../cli/helpers.js';

/** Every file under `dir` (relative POSIX path -> text): the config itself and the git-ignored run state left out. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.meshforge') visit(full);
      }
      else if (entry.isFile() && entry.name !== 'mesh.config.yaml') out.set(relative(dir, full).split('\\').join('/'), readFileSync(full, 'utf8'));
    }
  };
  visit(dir);
  return out;
}

/** Lines removed plus lines added between two texts, as a line diff counts them (multiset difference). */
function changedLines(before: string, after: string): number {
  const count = new Map<string, number>();
  for (const line of before.split('\n')) count.set(line, (count.get(line) ?? 0) + 1);
  let added = 0;
  for (const line of after.split('\n')) {
    const left = count.get(line) ?? 0;
    if (left > 0) count.set(line, left - 1);
    else added++;
  }
  let removed = 0;
  for (const left of count.values()) removed += left;
  return added + removed;
}

const SLEEP = /\n {2}- name: sleep\n {4}namespace: foo\n {4}cluster: cluster1\n {4}ports: \[[^\n]*\]\n/;
const INDEXES = new Set(['clusters/meshforge-provenance.json', 'mesh.lock.yaml']);

async function generate(dir: string): Promise<string> {
  const result = await runInProcess(['generate'], { cwd: dir });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout + result.stderr;
}

async function removeSleep(edit: (config: string) => string = (c) => c): Promise<{ before: Map<string, string>; after: Map<string, string>; output: string }> {
  const dir = tempWorkspace('meshforge-stable-');
  copyFileSync(join(REPO_ROOT, 'mesh.lock.yaml'), join(dir, 'mesh.lock.yaml'));
  const config = edit(readFileSync(join(dir, 'mesh.config.yaml'), 'utf8'));
  writeFileSync(join(dir, 'mesh.config.yaml'), config);
  await generate(dir);
  const before = snapshot(dir);
  expect(config).toMatch(SLEEP);
  writeFileSync(join(dir, 'mesh.config.yaml'), config.replace(SLEEP, '\n'));
  const output = await generate(dir);
  return { before, after: snapshot(dir), output };
}

describe('removing a service changes only what came from it', () => {
  it('removing the client-only service sleep from the example changes no generated file and at most 20 lines of any index', async () => {
    const { before, after } = await removeSleep();
    expect(before.size).toBeGreaterThan(50);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((path) => before.get(path) !== after.get(path));
    expect(changed.filter((path) => !INDEXES.has(path))).toEqual([]);
    for (const path of INDEXES) expect(changedLines(before.get(path) ?? '', after.get(path) ?? ''), path).toBeLessThanOrEqual(20);
  }, 120_000);

  it('adds nothing elsewhere when a namespace lists no clusters: it leaves with its last service, with a warning', async () => {
    const { before, after, output } = await removeSleep((config) => config.replace(/- \{ name: foo, clusters: \[cluster1\] \}/, '- { name: foo }'));
    const added = [...after.keys()].filter((path) => !before.has(path));
    const removed = [...before.keys()].filter((path) => !after.has(path));
    const changed = [...after.keys()].filter((path) => before.has(path) && before.get(path) !== after.get(path));
    expect(added).toEqual([]);
    expect(removed).toEqual(['clusters/cluster1/_cluster/namespace-foo.yaml']);
    expect(changed.sort()).toEqual(['clusters/cluster1/kustomization.yaml', 'clusters/meshforge-provenance.json']);
    expect(changedLines(before.get('clusters/cluster1/kustomization.yaml')!, after.get('clusters/cluster1/kustomization.yaml')!)).toBe(1);
    expect(changedLines(before.get('clusters/meshforge-provenance.json')!, after.get('clusters/meshforge-provenance.json')!)).toBeLessThanOrEqual(3);
    expect(output).toContain("namespace 'foo' is generated in no cluster");
    expect(output).toContain('{ name: foo, clusters: [cluster1] }');
  }, 120_000);
});
