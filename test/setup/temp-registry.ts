import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

/**
 * Temp folders that test helpers made, removed after each test file by test/setup/remove-temps.ts (a setup file, so
 * it runs for every file whether or not vitest isolates files from each other).
 */
const REGISTRY = Symbol.for('meshforge.test.temps');
type Registry = Set<string>;

function registry(): Registry {
  const holder = globalThis as { [REGISTRY]?: Registry };
  return (holder[REGISTRY] ??= new Set());
}

export function trackTemp(dir: string): string {
  registry().add(dir);
  return dir;
}

export function removeTrackedTemps(): void {
  for (const dir of registry()) {
    // Tests make read-only folders on purpose; give them back their write bit first.
    spawnSync('chmod', ['-R', 'u+rwx', dir], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
  registry().clear();
}
