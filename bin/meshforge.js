#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/generator/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('meshforge: not built yet. Run `npm ci` (or `npm run build`) in the meshforge folder first.\n');
  process.exit(3);
}
const { main } = await import(entry.href);
await main();
