import { defineConfig } from 'vitest/config';

/**
 * Two projects, both run by `npm test` (`npx vitest run --project unit` for the quick loop):
 *  - unit: everything that runs in this process (services, stages, the CLI through runInProcess), plus the one
 *    spawn smoke test per command that lives beside each command's in-process tests;
 *  - e2e: files where a real process is the point: kills, locks held by another process, real git remotes and
 *    servers, kubectl, npm pack and install. New files of that kind are named *.e2e.test.ts or listed here.
 */
const E2E = [
  '**/*.e2e.test.ts',
  'test/package/**/*.test.ts',
  'test/publish/branch.test.ts',
  'test/publish/pr-cli.test.ts',
  'test/real-cluster/kustomize.test.ts',
  'test/reliability/interrupted.test.ts',
  'test/reliability/lock.test.ts',
];

const shared = {
  // No single test may take longer; a file that needs more sets its own timeout on the test, and says why.
  testTimeout: 15_000,
  // Hooks may build a whole project (several CLI runs); not a test, but bounded.
  hookTimeout: 60_000,
  pool: 'forks',
  // After each file: remove the temp folders its helpers made (test/setup/temp-registry.ts).
  setupFiles: ['./test/setup/remove-temps.ts'],
} as const;

export default defineConfig({
  test: {
    // Run once for the whole run (root config): every test's temp folder goes under one fresh folder, which must be
    // empty at the end.
    globalSetup: ['./test/setup/temp-folder.ts'],
    // Both cores: vitest's default on a 2-core machine is one worker.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          // In-process tests share one module graph per worker instead of re-importing meshforge for every file
          // (half the unit run's time was imports). Temp folders and state are per file (setupFiles above).
          isolate: false,
          include: ['generator/**/*.test.ts', 'policies/**/*.test.ts', 'scripts/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/node_modules/**', ...E2E],
          ...shared,
        },
      },
      {
        test: {
          name: 'e2e',
          include: E2E,
          exclude: ['**/node_modules/**'],
          ...shared,
        },
      },
    ],
  },
});
