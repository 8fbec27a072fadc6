import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deriveSchemas } from '../generator/validate/derive.js';

/**
 * `npm run schemas`: re-derives schemas/k8s/ from the pinned kubernetes-models devDependencies.
 * Run from the repository root; the folder is replaced whole so removed kinds disappear.
 */
const root = process.cwd();
const outDir = join(root, 'schemas', 'k8s');
const { files } = deriveSchemas(join(root, 'node_modules'));
rmSync(outDir, { recursive: true, force: true });
for (const [file, content] of files) {
  const target = join(outDir, file);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
}
const count = readdirSync(outDir, { recursive: true }).filter((name) => String(name).endsWith('.json')).length;
process.stdout.write(`wrote ${count} files to schemas/k8s/\n`);
