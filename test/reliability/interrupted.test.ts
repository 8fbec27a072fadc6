import { mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticConfig } from '../../scripts/bench/synthetic.js';
import { runInProcess } from '../cli/helpers.js';
import { seededRandom, startMeshforge, treeHashes } from './helpers.js';
import { interruptedSwap } from '../../generator/write/tree.js';

/**
 * `meshforge generate` (the built CLI, a real process) killed with SIGKILL at seeded pseudo-random moments of a large
 * run that changes thousands of files. After every kill the output folder is exactly the old tree or exactly the new
 * one, or (a kill during the per-cluster swap) a mix recorded by the swap's journal, with no temporary file inside it;
 * the next run succeeds and writes the new tree. Runs alternate between
 * two configs, so each kill interrupts a change of about 900 files. The kill moments are spread
 * over the measured write phase of a full run (from just before the writer starts staging the new tree to the end), so
 * they fall in staging, the swap and the ledger write; the seed makes every run of the suite kill at the same
 * fractions of that window (where exactly a fraction lands still depends on the machine's speed). The step-exact kills (at each rename of the swap) are in
 * generator/write/tree.test.ts.
 */
const SEED = 0x6d657368;
const KILLS = 5;
// 3 clusters x 100 services, each exported to 2 clusters: about 1,800 resources. The two configs differ in every
// service's port, so about half the files (900) change, while the hosts (and so the VIP ledger) stay the same: the runs can
// alternate old -> new -> old without restoring anything in between.
const OLD = syntheticConfig({ clusters: 3, services: 100, fanout: 2 });
const NEW = OLD.replace(/number: 80,/g, 'number: 8080,');

interface State {
  readonly tree: Record<string, string>;
  readonly ledger: string;
}

const stateOf = (ws: string): State => ({ tree: treeHashes(join(ws, 'clusters')), ledger: readFileSync(join(ws, 'mesh.lock.yaml'), 'utf8') });
const SIDE_FILES = /meshforge-(new|old|tmp|lock)/;

/** Runs generate to the end; returns how long it took and when the writer started staging the new tree beside it. */
async function generate(ws: string): Promise<{ totalMs: number; stagingMs: number | undefined }> {
  const started = Date.now();
  let stagingMs: number | undefined;
  const watcher = watch(ws, (_event, name) => {
    if (stagingMs === undefined && name === '.clusters.meshforge-new') stagingMs = Date.now() - started;
  });
  const run = await startMeshforge(['generate'], ws).done;
  watcher.close();
  expect(run.status, run.stderr).toBe(0);
  return { totalMs: Date.now() - started, stagingMs };
}

/** The run after a kill, in-process: what it finds is what the killed process left. */
async function recover(ws: string): Promise<void> {
  const run = await runInProcess(['generate'], { cwd: ws });
  expect(run.status, run.stderr).toBe(0);
}

describe('generate killed with SIGKILL at random moments', () => {
  // The reference states come from uninterrupted runs: old, then old -> new (timed: the kill window). Each kill is
  // its own test, in order: it starts from what the previous one left, as a run after a crash would.
  let ws: string;
  const states = { old: { tree: {}, ledger: '' } as State, new: { tree: {}, ledger: '' } as State };
  let windowStart = 0;
  let windowLength = 0;
  let current: 'old' | 'new' = 'new';
  const random = seededRandom(SEED);
  const fractions = Array.from({ length: KILLS }, () => random());
  const outcomes: string[] = [];

  beforeAll(async () => {
    ws = mkdtempSync(join(tmpdir(), 'meshforge-kill-'));
    writeFileSync(join(ws, 'mesh.config.yaml'), OLD);
    await generate(ws);
    states.old = stateOf(ws);
    expect(Object.keys(states.old.tree).length).toBeGreaterThan(1000);
    writeFileSync(join(ws, 'mesh.config.yaml'), NEW);
    const timing = await generate(ws);
    // Kill moments: from a little before staging starts (planning, which must leave the old tree) to a little after the end of a run.
    windowStart = Math.round((timing.stagingMs ?? timing.totalMs / 2) * 0.8);
    windowLength = Math.round(timing.totalMs * 1.2) - windowStart;
    states.new = stateOf(ws);
    expect(states.new.ledger).toBe(states.old.ledger);
    const changed = Object.keys(states.new.tree).filter((p) => states.new.tree[p] !== states.old.tree[p]);
    expect(changed.length).toBeGreaterThan(800);
  }, 120_000);

  afterAll(() => {
    console.info(`kill moments (fraction of ${windowStart} + ${windowLength} ms) and outcomes:\n  ${outcomes.join('\n  ')}`);
    rmSync(ws, { recursive: true, force: true });
  });

  it.each(fractions.map((fraction, i) => [i + 1, fraction.toFixed(2), fraction] as const))('kill %i (at %s of the window) leaves the old tree or the new one, and the next run succeeds', async (i, _shown, fraction) => {
    const target: 'old' | 'new' = current === 'old' ? 'new' : 'old';
    writeFileSync(join(ws, 'mesh.config.yaml'), target === 'old' ? OLD : NEW);
    const run = startMeshforge(['generate'], ws);
    const timer = setTimeout(() => run.child.kill('SIGKILL'), windowStart + Math.round(fraction * windowLength));
    const result = await run.done;
    clearTimeout(timer);

    const tree = treeHashes(join(ws, 'clusters'));
    const leftOld = JSON.stringify(tree) === JSON.stringify(states[current].tree);
    const leftNew = JSON.stringify(tree) === JSON.stringify(states[target].tree);
    // A kill during the per-cluster swap leaves some clusters old and some new, but only with the journal that commits
    // the swap beside the tree: readers refuse such a tree and the next run finishes it (to the new tree).
    const journalled = interruptedSwap(join(ws, 'clusters'));
    outcomes.push(`${fraction.toFixed(2)}: ${result.signal ?? `exit ${result.status}`} -> ${leftOld ? 'old' : leftNew ? 'new' : journalled ? 'journalled' : 'MIXED'} tree`);
    expect(leftOld || leftNew || journalled, `kill ${i} at ${fraction.toFixed(2)} of a run left a mixed tree without a journal`).toBe(true);
    expect(Object.keys(tree).filter((p) => SIDE_FILES.test(p))).toEqual([]);
    expect(readFileSync(join(ws, 'mesh.lock.yaml'), 'utf8')).toBe(states.old.ledger);
    if (result.signal === null) expect(result.status).toBe(0);

    // The next run finishes the job from whatever the kill left (a stale lock, a parked or half-built tree beside).
    await recover(ws);
    expect(stateOf(ws)).toEqual(states[target]);
    // .meshforge/ holds the run-state cache that a completed run records (docs/generator.md); nothing else beside.
    expect(readdirSync(ws).sort()).toEqual(['.meshforge', 'clusters', 'mesh.config.yaml', 'mesh.lock.yaml']);
    current = target;
  }, 60_000);
});
