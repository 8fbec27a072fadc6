/**
 * Global setup: the run gets a fresh temp folder, and must leave it empty.
 *
 * os.tmpdir() reads TMPDIR (then TMP, TEMP) each time it is called, and child processes inherit the environment, so
 * pointing these variables at one folder before the test workers are forked sends every temp folder of the run
 * there: the tests', the services' (publish scratch, kubeconform), and those of the processes tests spawn. At the end
 * the run fails if anything is left, naming it, and the folder is removed either way so a failed run leaves nothing.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

const VARIABLES = ['TMPDIR', 'TMP', 'TEMP'] as const;

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's temp folder, for the test that checks tests really use it. */
    runTempDir: string;
  }
}

/** What is left in `dir`, two levels deep, so the message names the folders and what is in them. */
function leftovers(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (!entry.isDirectory()) return [entry.name];
    const inside = readdirSync(join(dir, entry.name));
    const shown = inside.slice(0, 3).map((name) => `${entry.name}/${name}`);
    return inside.length > 3 ? [...shown, `${entry.name}/… (${inside.length - 3} more)`] : shown.length > 0 ? shown : [`${entry.name}/`];
  });
}

export default function setup(project: TestProject): () => void {
  const runTemp = mkdtempSync(join(tmpdir(), 'meshforge-test-run-'));
  const previous = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of VARIABLES) process.env[name] = runTemp;
  project.provide('runTempDir', runTemp);

  return function teardown(): void {
    let left: string[];
    try {
      left = leftovers(runTemp);
    } finally {
      rmSync(runTemp, { recursive: true, force: true, maxRetries: 3 });
      for (const name of VARIABLES) {
        if (previous[name] === undefined) delete process.env[name];
        else process.env[name] = previous[name];
      }
    }
    if (left.length > 0) {
      // vitest prints an error thrown here but keeps the exit code it had: fail the run explicitly.
      process.exitCode = 1;
      throw new Error(`tests left ${left.length} entries in the temp folder (each test must remove what it creates):\n  ${left.join('\n  ')}`);
    }
  };
}
