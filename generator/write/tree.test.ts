import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RenderedFile } from '../manifest/types.js';
import { packagePath } from '../core/paths.js';
import { tempDir } from '../../test/generator/helpers.js';
import { parseProvenance } from './provenance.js';
import { PROVENANCE_FILE } from '../manifest/vocabulary.js';
import { compareTree, interruptedSwap, recoverInterruptedWrite, TreeError, writeTree } from './tree.js';

function file(path: string, content: string): RenderedFile {
  const cluster = path.split('/')[0]!;
  const name = path.split('/').pop()!.replace('.yaml', '');
  return {
    path,
    cluster,
    content,
    resources: [{ apiVersion: 'v1', kind: 'ConfigMap', name, namespace: 'ns', object: { kind: 'ConfigMap' }, cluster, location: { file: `out/${path}`, docIndex: 0, path: [] }, origin: { file: 'mesh.config.yaml', path: ['services', 0] } }],
    origin: { file: 'mesh.config.yaml', path: ['services', 0] },
    source: 'services[ns/a]',
  };
}

const treeA = [file('c1/ns/a.yaml', 'a: 1\n'), file('c1/ns/b.yaml', 'b: 1\n'), file('c2/ns/c.yaml', 'c: 1\n')];
const treeB = [file('c1/ns/a.yaml', 'a: 2\n'), file('c2/ns/c.yaml', 'c: 1\n'), file('c2/other/d.yaml', 'd: 1\n')];

/** Every regular file under a folder with its content (symlinks shown as links). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isSymbolicLink()) out[rel] = '<symlink>';
      else if (e.isDirectory()) visit(join(d, e.name), rel);
      else out[rel] = readFileSync(join(d, e.name), 'utf8');
    }
  };
  visit(dir, '');
  return out;
}

const contentOf = (files: readonly RenderedFile[]) => Object.fromEntries(files.map((f) => [f.path, f.content]));
const withoutIndex = (snap: Record<string, string>) => Object.fromEntries(Object.entries(snap).filter(([k]) => k !== PROVENANCE_FILE));

describe('writeTree', () => {
  it('writes a new tree with a provenance index and reports it as added', () => {
    const root = tempDir();
    const out = join(root, 'out');
    const changes = writeTree(out, treeA);
    expect(changes.added).toEqual(['c1/ns/a.yaml', 'c1/ns/b.yaml', 'c2/ns/c.yaml', PROVENANCE_FILE]);
    expect(withoutIndex(snapshot(out))).toEqual(contentOf(treeA));
    const index = parseProvenance(readFileSync(join(out, PROVENANCE_FILE), 'utf8'))!;
    expect(Object.keys(index.files)).toEqual(['c1/ns/a.yaml', 'c1/ns/b.yaml', 'c2/ns/c.yaml']);
    expect(index.files['c1/ns/a.yaml']).toMatchObject({ source: 'services[ns/a]', resources: [{ kind: 'ConfigMap', name: 'a' }] });
    expect(index.config).toMatch(/(^|\/)mesh\.config\.yaml$/);
    expect(readdirSync(root)).toEqual(['out']);
  });

  it('prunes what it generated before, rewrites only changed files, and leaves unchanged files untouched', () => {
    const out = join(tempDir(), 'out');
    writeTree(out, treeA);
    const before = statSync(join(out, 'c2/ns/c.yaml'));
    const changes = writeTree(out, treeB);
    expect(changes).toMatchObject({ added: ['c2/other/d.yaml'], changed: ['c1/ns/a.yaml', PROVENANCE_FILE], removed: ['c1/ns/b.yaml'], unchanged: 1, foreign: [] });
    expect(withoutIndex(snapshot(out))).toEqual(contentOf(treeB));
    const after = statSync(join(out, 'c2/ns/c.yaml'));
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it('does nothing at all when nothing changed', () => {
    const out = join(tempDir(), 'out');
    writeTree(out, treeA);
    const inode = statSync(out).ino;
    const changes = writeTree(out, treeA);
    expect(changes).toMatchObject({ added: [], changed: [], removed: [], unchanged: 4 });
    expect(statSync(out).ino).toBe(inode);
  });

  it('keeps the index when it restores hand-edited or deleted files (the index itself is unchanged)', () => {
    const dir = join(tempDir('meshforge-tree-'), 'out');
    writeTree(dir, treeA);
    const index = readFileSync(join(dir, PROVENANCE_FILE), 'utf8');
    writeFileSync(join(dir, 'c1/ns/a.yaml'), 'a: 1\n# hand edit\n');
    rmSync(join(dir, 'c2/ns/c.yaml'));
    const changes = writeTree(dir, treeA);
    expect(changes).toMatchObject({ changed: ['c1/ns/a.yaml'], added: ['c2/ns/c.yaml'], removed: [] });
    expect(readFileSync(join(dir, PROVENANCE_FILE), 'utf8')).toBe(index);
    expect(readFileSync(join(dir, 'c1/ns/a.yaml'), 'utf8')).toBe('a: 1\n');
    expect(compareTree(dir, treeA)).toMatchObject({ added: [], changed: [], removed: [], conflicts: [] });
  });

  it('never deletes or overwrites foreign files, and reports them', () => {
    const out = join(tempDir(), 'out');
    writeTree(out, treeA);
    writeFileSync(join(out, 'c1/ns/notes.md'), 'mine\n');
    writeFileSync(join(out, 'README.md'), 'readme\n');
    const changes = writeTree(out, treeB);
    expect(changes.foreign).toEqual(['README.md', 'c1/ns/notes.md']);
    expect(readFileSync(join(out, 'c1/ns/notes.md'), 'utf8')).toBe('mine\n');
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toBe('readme\n');
  });

  it('refuses to overwrite a foreign file standing where a generated file must go, changing nothing', () => {
    const out = join(tempDir(), 'out');
    writeTree(out, treeA);
    mkdirSync(join(out, 'c2/other'), { recursive: true });
    writeFileSync(join(out, 'c2/other/d.yaml'), 'hand written\n');
    const before = snapshot(out);
    expect(() => writeTree(out, treeB)).toThrow(TreeError);
    expect(snapshot(out)).toEqual(before);
    expect(compareTree(out, treeB).conflicts).toEqual(['c2/other/d.yaml']);
  });

  it('never writes through a symlink that leaves the output folder', () => {
    const root = tempDir();
    const out = join(root, 'out');
    const outside = join(root, 'outside');
    mkdirSync(outside);
    writeTree(out, [file('c1/ns/a.yaml', 'a: 1\n')]);
    // A symlinked folder where generated files must go.
    symlinkSync(outside, join(out, 'c2'));
    expect(() => writeTree(out, treeA)).toThrow(/did not generate/);
    expect(readdirSync(outside)).toEqual([]);
    // A symlinked file where a generated file must go.
    rmSync(join(out, 'c2'));
    symlinkSync(join(outside, 'x.yaml'), join(out, 'c1/ns/b.yaml'));
    expect(() => writeTree(out, treeA)).toThrow(TreeError);
    expect(existsSync(join(outside, 'x.yaml'))).toBe(false);
    // A foreign symlink elsewhere is carried over as a link, never followed.
    rmSync(join(out, 'c1/ns/b.yaml'));
    symlinkSync(outside, join(out, 'c1/link'));
    writeTree(out, treeA);
    expect(lstatSync(join(out, 'c1/link')).isSymbolicLink()).toBe(true);
    expect(readdirSync(outside)).toEqual([]);
    // The output folder itself as a symlink.
    const real = join(root, 'real');
    mkdirSync(real);
    symlinkSync(real, join(root, 'linked'));
    expect(() => writeTree(join(root, 'linked'), treeA)).toThrow(/symlink/);
    expect(readdirSync(real)).toEqual([]);
  });

  it('with clusters, touches only those clusters and keeps the others\' index entries', () => {
    const out = join(tempDir(), 'out');
    writeTree(out, treeA);
    const changes = writeTree(out, treeB, { clusters: ['c2'] });
    expect(changes.added).toEqual(['c2/other/d.yaml']);
    expect(changes.removed).toEqual([]);
    // c1 keeps its old files, including b.yaml, which is still in the index.
    expect(readFileSync(join(out, 'c1/ns/a.yaml'), 'utf8')).toBe('a: 1\n');
    expect(Object.keys(parseProvenance(readFileSync(join(out, PROVENANCE_FILE), 'utf8'))!.files)).toEqual(['c1/ns/a.yaml', 'c1/ns/b.yaml', 'c2/ns/c.yaml', 'c2/other/d.yaml']);
    expect(compareTree(out, treeB, { clusters: ['c2'] })).toMatchObject({ added: [], changed: [], removed: [] });
    expect(compareTree(out, treeB).changed).toContain('c1/ns/a.yaml');
  });

  it('compareTree reads only: it reports a hand edit, a missing file and a stale one', () => {
    const out = join(tempDir(), 'out');
    writeTree(out, treeA);
    writeFileSync(join(out, 'c1/ns/a.yaml'), 'edited\n');
    rmSync(join(out, 'c2/ns/c.yaml'));
    const before = snapshot(out);
    const changes = compareTree(out, treeA.slice(0, 1).concat(treeA[2]!));
    expect(changes).toMatchObject({ changed: ['c1/ns/a.yaml', PROVENANCE_FILE], added: ['c2/ns/c.yaml'], removed: ['c1/ns/b.yaml'] });
    expect(snapshot(out)).toEqual(before);
  });

  // A real child process killed with SIGKILL at each step of the swap. Before the journal commits the run, the folder
  // holds the old tree (the staged entries beside are dropped by the next run); after it, the next run finishes the
  // per-folder swap. Either way the tree and the ledger end up together, and readers refuse a half-swapped tree.
  it.each(['staged', 'committed', 'parked', 'swapped'] as const)('a run killed at %s leaves the old tree, or a journal the next run finishes', (step) => {
    const root = tempDir();
    const out = join(root, 'out');
    const ledger = join(root, 'mesh.lock.yaml');
    // c1 changes, c2 gains a file, c3 goes (every file pruned), c4 is untouched; a foreign file in c2 stays.
    const before = [...treeA, file('c3/ns/e.yaml', 'e: 1\n'), file('c4/ns/f.yaml', 'f: 1\n')];
    const after = [...treeB, file('c4/ns/f.yaml', 'f: 1\n')];
    writeTree(out, before, { ledger: { path: ledger, content: 'ledger: A\n' } });
    writeFileSync(join(out, 'c2/ns/mine.txt'), 'kept\n');
    const old = snapshot(out);
    const untouched = statSync(join(out, 'c4/ns/f.yaml')).ino;
    const spec = join(root, 'files.json');
    writeFileSync(spec, JSON.stringify(after));
    const child = spawnSync(process.execPath, [packagePath('test/fixtures/generator/crash-writer.mjs'), out, step, spec, ledger, 'ledger: B\n']);
    expect(child.signal).toBe('SIGKILL');
    const committed = step !== 'staged';
    expect(interruptedSwap(out)).toBe(committed);
    if (committed) expect(() => compareTree(out, after)).toThrow(/half written/);
    else expect(snapshot(out)).toEqual(old);
    expect(readFileSync(ledger, 'utf8')).toBe('ledger: A\n');

    // The next run (generate calls this under the output lock) finishes or undoes the interrupted write.
    recoverInterruptedWrite(out, ledger);
    const expected = committed ? { ...contentOf(after), 'c2/ns/mine.txt': 'kept\n' } : withoutIndex(old);
    expect(withoutIndex(snapshot(out))).toEqual(expected);
    expect(readFileSync(ledger, 'utf8')).toBe(committed ? 'ledger: B\n' : 'ledger: A\n');
    // Only the killed run's lock is left beside (the next run that takes the lock clears it).
    expect(readdirSync(root).sort()).toEqual(['.out.meshforge-lock', 'files.json', 'mesh.lock.yaml', 'out']);
    expect(existsSync(join(out, 'c3'))).toBe(!committed);
    // A cluster folder the change cannot reach was never touched: same inode.
    expect(statSync(join(out, 'c4/ns/f.yaml')).ino).toBe(untouched);
    expect(compareTree(out, after)).toMatchObject(committed ? { added: [], changed: [], removed: [] } : { changed: expect.arrayContaining(['c1/ns/a.yaml']) });
    writeTree(out, after, { ledger: { path: ledger, content: 'ledger: B\n' } });
    expect(withoutIndex(snapshot(out))).toEqual({ ...contentOf(after), 'c2/ns/mine.txt': 'kept\n' });
    expect(readFileSync(ledger, 'utf8')).toBe('ledger: B\n');
  });

  it('swaps only the folders that change: others keep their inodes', () => {
    const out = join(tempDir(), 'out');
    const before = [...treeA, file('c4/ns/f.yaml', 'f: 1\n')];
    writeTree(out, before);
    const inodes = { c1: statSync(join(out, 'c1')).ino, c1ns: statSync(join(out, 'c1/ns')).ino, c4: statSync(join(out, 'c4')).ino, f: statSync(join(out, 'c4/ns/f.yaml')).ino, root: statSync(out).ino };
    writeTree(out, [...treeA.map((f) => (f.path === 'c1/ns/a.yaml' ? file(f.path, 'a: 3\n') : f)), file('c4/ns/f.yaml', 'f: 1\n')]);
    expect(readFileSync(join(out, 'c1/ns/a.yaml'), 'utf8')).toBe('a: 3\n');
    // The namespace folder that holds the change is swapped; the cluster folder above it and other clusters stay.
    expect(statSync(out).ino).toBe(inodes.root);
    expect(statSync(join(out, 'c1')).ino).toBe(inodes.c1);
    expect(statSync(join(out, 'c1/ns')).ino).not.toBe(inodes.c1ns);
    expect(statSync(join(out, 'c4')).ino).toBe(inodes.c4);
    expect(statSync(join(out, 'c4/ns/f.yaml')).ino).toBe(inodes.f);
  });

  it('refuses a journal it cannot read, with what to do', () => {
    const root = tempDir();
    const out = join(root, 'out');
    writeTree(out, treeA);
    writeFileSync(join(root, '.out.meshforge-journal'), '{"format": 99}');
    expect(() => writeTree(out, treeB)).toThrow(/cannot read/);
    expect(() => compareTree(out, treeB)).toThrow(/half written/);
    expect(snapshot(out)).toMatchObject(contentOf(treeA));
  });

  it('compares bytes exactly: a same-length edit, an appended byte, a truncation and non-ASCII text', () => {
    const out = join(tempDir(), 'out');
    const tree = [file('c1/ns/a.yaml', 'a: 1\n'), file('c1/ns/b.yaml', 'b: 1\n'), file('c1/ns/c.yaml', 'c: 1\n'), file('c1/ns/u.yaml', 'name: caf\u00e9 \u{1f600}\n')];
    writeTree(out, tree);
    expect(compareTree(out, tree)).toMatchObject({ changed: [], unchanged: 5 });
    writeFileSync(join(out, 'c1/ns/a.yaml'), 'a: 2\n');
    writeFileSync(join(out, 'c1/ns/b.yaml'), 'b: 1\n\n');
    writeFileSync(join(out, 'c1/ns/c.yaml'), 'c: 1');
    writeFileSync(join(out, 'c1/ns/u.yaml'), 'name: cafe \u{1f600}\n');
    expect(compareTree(out, tree).changed).toEqual(['c1/ns/a.yaml', 'c1/ns/b.yaml', 'c1/ns/c.yaml', 'c1/ns/u.yaml']);
    writeTree(out, tree);
    expect(withoutIndex(snapshot(out))).toEqual(contentOf(tree));
  });

  it('compares and rewrites an index of several megabytes and files larger than the comparison buffers', () => {
    const out = join(tempDir(), 'out');
    // About 6,000 entries of ~215 bytes: the index spans two 1 MB chunks; one file is 200 kB.
    const many = Array.from({ length: 6000 }, (_, i) => file(`c${i % 7}/ns/f${String(i).padStart(4, '0')}.yaml`, `n: ${i}\n`));
    const big = file('c1/ns/big.yaml', `${'x: '.padEnd(200_000, 'y')}\n`);
    writeTree(out, [...many, big]);
    const indexText = readFileSync(join(out, PROVENANCE_FILE), 'utf8');
    expect(indexText.length).toBeGreaterThan(1024 * 1024);
    expect(Object.keys(parseProvenance(indexText)!.files)).toHaveLength(6001);
    expect(compareTree(out, [...many, big])).toMatchObject({ added: [], changed: [], unchanged: 6002 });
    // A one-byte edit deep in the index (past the first chunk) and in the big file's tail are both found.
    const at = indexText.lastIndexOf('"sha256":"') + 10;
    writeFileSync(join(out, PROVENANCE_FILE), `${indexText.slice(0, at)}${indexText[at] === '0' ? '1' : '0'}${indexText.slice(at + 1)}`);
    writeFileSync(join(out, 'c1/ns/big.yaml'), `${'x: '.padEnd(200_000, 'y')}z`);
    expect(compareTree(out, [...many, big]).changed).toEqual(['c1/ns/big.yaml', PROVENANCE_FILE]);
    writeTree(out, [...many, big]);
    expect(readFileSync(join(out, PROVENANCE_FILE), 'utf8')).toBe(indexText);
    expect(readFileSync(join(out, 'c1/ns/big.yaml'), 'utf8')).toBe(big.content);
  });

  it('reports a folder that cannot be created as an I/O error and writes nothing', () => {
    const root = tempDir();
    writeFileSync(join(root, 'blocker'), 'a file where a folder should be\n');
    expect(() => writeTree(join(root, 'blocker', 'out'), treeA)).toThrow(expect.objectContaining({ code: expect.stringMatching(/^E/) }));
    expect(readdirSync(root)).toEqual(['blocker']);
  });
});
