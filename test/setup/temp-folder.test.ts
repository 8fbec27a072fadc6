import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';

describe('the run temp folder (test/setup/temp-folder.ts)', () => {
  const runTemp = inject('runTempDir');

  it('is where os.tmpdir() points, in the test and in the processes it spawns', () => {
    expect(runTemp).toMatch(/meshforge-test-run-/);
    expect(tmpdir()).toBe(runTemp);
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("node:os").tmpdir())'], { encoding: 'utf8' });
    expect(child.stdout).toBe(runTemp);
  });

  it('holds the folders tests make with mkdtemp', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshforge-guard-'));
    try {
      expect(dirname(dir)).toBe(runTemp);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
