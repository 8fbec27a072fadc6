import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The meshforge package folder, found from this module whether it runs from dist/ or from source. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'meshforge') return (root = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error('meshforge: cannot find the package folder');
    dir = parent;
  }
}

export function packagePath(...segments: string[]): string {
  return join(packageRoot(), ...segments);
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}
