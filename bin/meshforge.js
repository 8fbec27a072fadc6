#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (prepare) or `npm run build`.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// `--version` alone needs only package.json: answer it without loading the CLI and its dependencies (cold start).
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${version}\n`);
  process.exit(0);
}

const entry = new URL('../dist/generator/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('meshforge: not built yet. Run `npm ci` (or `npm run build`) in the meshforge folder first.\n');
  process.exit(3);
}
const { main } = await import(entry.href);
await main();
