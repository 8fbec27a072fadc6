import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256 } from './provenance.js';
import {
  checkSnapshot,
  inputFingerprint,
  isRacy,
  RACY_MARGIN_NS,
  readRunState,
  RUN_STATE_FORMAT,
  runStateFile,
  STATE_GITIGNORE,
  takeSnapshot,
  toolFingerprint,
  treeDigest,
  walkTree,
  writeRunState,
  type FingerprintInputs,
  type RunState,
  type TreeSnapshot,
} from './run-state.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshforge-run-state-'));
  made.push(dir);
  return dir;
}

function put(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** A small output folder: two clusters, an index, a symlink. */
function tree(): string {
  const out = join(tempDir(), 'clusters');
  put(out, 'c1/ns/a.yaml', 'kind: A\n');
  put(out, 'c1/ns/b.yaml', 'kind: B\n');
  put(out, 'c2/x.yaml', 'kind: X\n');
  put(out, 'meshforge-provenance.json', '{}\n');
  symlinkSync('c1/ns/a.yaml', join(out, 'link'));
  return out;
}

/** Moves a file's times one hour back, so it is no longer racy by mtime (ctime stays: the kernel sets it). */
function age(file: string): void {
  const old = new Date(Date.now() - 3_600_000);
  utimesSync(file, old, old);
}

const BASE: FingerprintInputs = {
  config: Buffer.from('mesh:\n  id: m\n'),
  ledger: Buffer.from('vips: {}\n'),
  outDir: '/w/clusters',
  cwd: '/w',
  flags: { format: 'stylish', cluster: [], reclaim: false },
  version: '0.1.0',
  tool: 'abc',
};

describe('inputFingerprint', () => {
  it('is stable for the same inputs, whatever the order of the flags', () => {
    expect(inputFingerprint(BASE)).toBe(inputFingerprint({ ...BASE, flags: { reclaim: false, cluster: [], format: 'stylish' } }));
    expect(inputFingerprint(BASE)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with every input: a same-size config edit, the ledger (absent is not empty), the folder, each flag, the build', () => {
    const base = inputFingerprint(BASE);
    const variants: FingerprintInputs[] = [
      { ...BASE, config: Buffer.from('mesh:\n  id: n\n') },
      { ...BASE, ledger: Buffer.from('vips: {} \n') },
      { ...BASE, ledger: undefined },
      { ...BASE, ledger: Buffer.alloc(0) },
      { ...BASE, outDir: '/w/other' },
      { ...BASE, cwd: '/x' },
      { ...BASE, flags: { ...BASE.flags, format: 'json' } },
      { ...BASE, flags: { ...BASE.flags, cluster: ['c1'] } },
      { ...BASE, flags: { ...BASE.flags, shard: '1/2' } },
      { ...BASE, flags: { ...BASE.flags, schema: false } },
      { ...BASE, version: '0.2.0' },
      { ...BASE, tool: 'abd' },
    ];
    const all = variants.map(inputFingerprint);
    expect(all).not.toContain(base);
    expect(new Set(all).size).toBe(all.length);
  });

  it('cannot be fooled by moving bytes from one part to the next', () => {
    expect(inputFingerprint({ ...BASE, config: Buffer.from('ab'), ledger: Buffer.from('c') })).not.toBe(inputFingerprint({ ...BASE, config: Buffer.from('a'), ledger: Buffer.from('bc') }));
  });
});

describe('toolFingerprint', () => {
  it('changes when a file meshforge loads changes, not when a rebuild rewrites the same bytes', () => {
    const root = tempDir();
    put(root, 'package.json', '{"name":"meshforge"}\n');
    put(root, 'dist/generator/cli/main.js', 'x\n');
    put(root, 'generator/templates/a.yaml.hbs', 'a\n');
    put(root, 'schemas/mesh.config.schema.json', '{}\n');
    const before = toolFingerprint(root);
    expect(toolFingerprint(root)).toBe(before);
    put(root, 'dist/generator/cli/main.js', 'x\n');
    utimesSync(join(root, 'dist/generator/cli/main.js'), new Date(1000), new Date(1000));
    put(root, 'dist/generator/cli/main.d.ts', 'declarations are not loaded\n');
    expect(toolFingerprint(root)).toBe(before);
    put(root, 'generator/templates/a.yaml.hbs', 'b\n'); // same size, other bytes
    const edited = toolFingerprint(root);
    expect(edited).not.toBe(before);
    put(root, 'dist/generator/new.js', '\n');
    expect(toolFingerprint(root)).not.toBe(edited);
  });

  it('takes a hash-named precompiled validator by name, size and mtime: unread, yet a rewrite or a new one counts', () => {
    const root = tempDir();
    put(root, 'package.json', '{"name":"meshforge"}\n');
    const code = 'dist/generator/validate/standalone/0123abcd.js';
    put(root, code, 'module.exports = 1;\n');
    utimesSync(join(root, code), new Date(1000), new Date(1000));
    const before = toolFingerprint(root);
    put(root, code, 'module.exports = 2;\n'); // same size, same mtime: not read
    utimesSync(join(root, code), new Date(1000), new Date(1000));
    expect(toolFingerprint(root)).toBe(before);
    utimesSync(join(root, code), new Date(2000), new Date(2000)); // the build wrote it again
    const rewritten = toolFingerprint(root);
    expect(rewritten).not.toBe(before);
    put(root, 'dist/generator/validate/standalone/4567ef.js', 'module.exports = 3;\n');
    expect(toolFingerprint(root)).not.toBe(rewritten);
  });
});

describe('walkTree and treeDigest', () => {
  it('lists every entry sorted, without following symlinks', () => {
    const out = tree();
    const entries = walkTree(out);
    expect(entries.map((e) => `${e.path}:${e.type}`)).toEqual(['c1:dir', 'c1/ns:dir', 'c1/ns/a.yaml:file', 'c1/ns/b.yaml:file', 'c2:dir', 'c2/x.yaml:file', 'link:symlink', 'meshforge-provenance.json:file']);
    expect(entries.find((e) => e.path === 'c1/ns/a.yaml')!.ino).toBe(lstatSync(join(out, 'c1/ns/a.yaml'), { bigint: true }).ino);
  });

  it('is the same for an untouched tree and differs after an edit, an addition, a removal or a retyped entry', () => {
    const out = tree();
    const digest = treeDigest(walkTree(out));
    expect(treeDigest(walkTree(out))).toBe(digest);

    writeFileSync(join(out, 'c2/x.yaml'), 'kind: Y\n'); // same size
    const edited = treeDigest(walkTree(out));
    expect(edited).not.toBe(digest);

    put(out, 'c2/extra.yaml', '');
    const added = treeDigest(walkTree(out));
    expect(added).not.toBe(edited);

    rmSync(join(out, 'c2/extra.yaml'));
    rmSync(join(out, 'c1/ns/b.yaml'));
    expect(treeDigest(walkTree(out))).not.toBe(edited);
  });

  it('ignores folder times (an editor swap file that came and went) but not the folder list', () => {
    const out = tree();
    const digest = treeDigest(walkTree(out));
    put(out, 'c1/.swp', 'x');
    rmSync(join(out, 'c1/.swp'));
    expect(treeDigest(walkTree(out))).toBe(digest);
    mkdirSync(join(out, 'c3'));
    expect(treeDigest(walkTree(out))).not.toBe(digest);
  });
});

describe('isRacy', () => {
  const at = 10_000_000_000n;
  it('flags files whose mtime or ctime is within the margin of the snapshot or after it', () => {
    expect(isRacy({ type: 'file', mtimeNs: at - RACY_MARGIN_NS - 1n, ctimeNs: at - RACY_MARGIN_NS - 1n }, at)).toBe(false);
    expect(isRacy({ type: 'file', mtimeNs: at - RACY_MARGIN_NS, ctimeNs: 0n }, at)).toBe(true);
    expect(isRacy({ type: 'file', mtimeNs: 0n, ctimeNs: at }, at)).toBe(true);
    expect(isRacy({ type: 'file', mtimeNs: at + 5n, ctimeNs: 0n }, at)).toBe(true);
  });

  it('only for files: folders and symlinks are compared by stat alone', () => {
    expect(isRacy({ type: 'dir', mtimeNs: at, ctimeNs: at }, at)).toBe(false);
    expect(isRacy({ type: 'symlink', mtimeNs: at, ctimeNs: at }, at)).toBe(false);
  });
});

describe('takeSnapshot and checkSnapshot', () => {
  it('a fresh tree is racy: its files are recorded with the hash of the bytes they must hold', () => {
    const out = tree();
    const snapshot = takeSnapshot(out, (path) => (path === 'c1/ns/a.yaml' ? sha256('kind: A\n') : undefined))!;
    expect(Object.keys(snapshot.racy).sort()).toEqual(['c1/ns/a.yaml', 'c1/ns/b.yaml', 'c2/x.yaml', 'meshforge-provenance.json']);
    expect(snapshot.racy['c2/x.yaml']).toBe(sha256('kind: X\n'));
    expect(snapshot.entries).toBe(8);
    const checked = checkSnapshot(out, snapshot);
    expect(checked.match).toBe(true);
  });

  it('records nothing when a required file is missing (the tree is not what the recorded output describes)', () => {
    const out = tree();
    expect(takeSnapshot(out, () => undefined, ['c1/ns/a.yaml', 'meshforge-provenance.json'])).toBeDefined();
    expect(takeSnapshot(out, () => undefined, ['c1/ns/a.yaml', 'c1/ns/gone.yaml'])).toBeUndefined();
    expect(takeSnapshot(out, () => undefined, ['c1'])).toBeUndefined(); // a folder is not a file
  });

  it('a racy file whose bytes are not what the run meant to write is a miss (changed between the write and the snapshot)', () => {
    const out = tree();
    const snapshot = takeSnapshot(out, (path) => (path === 'c1/ns/a.yaml' ? sha256('kind: Z\n') : undefined))!;
    expect(checkSnapshot(out, snapshot).match).toBe(false);
  });

  it('the racy rule: a wrong recorded hash is caught only while the file is racy (a same-tick change stat cannot see)', () => {
    const out = tree();
    const real = takeSnapshot(out, () => undefined)!;
    const wrong = { ...real.racy, 'c2/x.yaml': sha256('kind: Y\n') };
    // Snapshot time at the files' own times: racy, so the bytes are read and the lie is caught.
    expect(checkSnapshot(out, { ...real, racy: wrong }).match).toBe(false);
    // A racy file missing from the record is a miss too.
    const { ['c2/x.yaml']: _dropped, ...missing } = real.racy;
    expect(checkSnapshot(out, { ...real, racy: missing }).match).toBe(false);
    // The same snapshot taken long after the files' times: stat vouches for them and the bytes are not read.
    const later = (statSync(join(out, 'c2/x.yaml'), { bigint: true }).ctimeNs + 3_600_000_000_000n).toString();
    expect(checkSnapshot(out, { ...real, takenAtNs: later, racy: wrong }).match).toBe(true);
  });

  it('after verifying racy files, offers a refreshed snapshot: same digest, a newer time, the files still racy', () => {
    const out = tree();
    const snapshot = takeSnapshot(out, () => undefined)!;
    const checked = checkSnapshot(out, snapshot);
    expect(checked.match).toBe(true);
    const refreshed = (checked as { refreshed?: TreeSnapshot }).refreshed!;
    expect(refreshed.digest).toBe(snapshot.digest);
    expect(BigInt(refreshed.takenAtNs)).toBeGreaterThanOrEqual(BigInt(snapshot.takenAtNs));
    for (const [path, hash] of Object.entries(refreshed.racy)) expect(snapshot.racy[path]).toBe(hash);
    expect(checkSnapshot(out, refreshed).match).toBe(true);
  });

  it('a same-size edit with the mtime put back is still seen (ctime moves)', () => {
    const out = tree();
    const file = join(out, 'c2/x.yaml');
    age(file);
    const snapshot = takeSnapshot(out, () => undefined)!;
    const before = statSync(file);
    writeFileSync(file, 'kind: Q\n');
    utimesSync(file, before.atime, before.mtime);
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
    expect(checkSnapshot(out, snapshot).match).toBe(false);
  });

  it('a missing folder, a folder replaced by a symlink or a corrupt time is a miss', () => {
    const out = tree();
    const snapshot = takeSnapshot(out, () => undefined)!;
    expect(checkSnapshot(out, { ...snapshot, takenAtNs: 'soon' }).match).toBe(false);
    rmSync(out, { recursive: true });
    expect(checkSnapshot(out, snapshot).match).toBe(false);
    expect(takeSnapshot(out, () => undefined)).toBeUndefined();
    const elsewhere = tree();
    symlinkSync(elsewhere, out);
    expect(checkSnapshot(out, snapshot).match).toBe(false);
    expect(takeSnapshot(out, () => undefined)).toBeUndefined();
  });
});

describe('the state file', () => {
  const state = (): RunState => ({
    format: RUN_STATE_FORMAT,
    fingerprint: 'f'.repeat(64),
    snapshot: { takenAtNs: '1', entries: 0, digest: 'd', racy: {} },
    outputs: { write: { report: { command: 'generate', diagnostics: [], summary: { errors: 0, warnings: 0, infos: 0, suppressed: 0 } }, status: 'ok\n' } },
  });

  it('lives in .meshforge/state beside the config, one per output folder', () => {
    const a = runStateFile('/w/mesh.config.yaml', '/w/clusters');
    expect(a).toMatch(/^\/w\/\.meshforge\/state\/generate-[0-9a-f]{16}\.json$/);
    expect(runStateFile('/w/mesh.config.yaml', '/w/clusters/')).toBe(a);
    expect(runStateFile('/w/mesh.config.yaml', '/w/other')).not.toBe(a);
    expect(runStateFile('mesh.config.yaml', 'clusters')).toBe(runStateFile(resolve('mesh.config.yaml'), resolve('clusters')));
  });

  it('round-trips, and is written by renaming a temporary file (nothing else left behind)', () => {
    const file = join(tempDir(), '.meshforge', 'state', 'generate-x.json');
    expect(writeRunState(file, state())).toBe(true);
    expect(readRunState(file)).toEqual(state());
    expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
    expect(walkTree(dirname(file)).map((e) => e.path)).toEqual(['.gitignore', 'generate-x.json']);
    expect(readFileSync(join(dirname(file), '.gitignore'), 'utf8')).toBe(STATE_GITIGNORE);
  });

  it('anything but a well-formed state of this format reads as no state', () => {
    const dir = tempDir();
    const file = join(dir, 's.json');
    expect(readRunState(file)).toBeUndefined();
    const bad: unknown[] = ['{', 'null', '[]', { ...state(), format: RUN_STATE_FORMAT + 1 }, { ...state(), format: 0 }, { ...state(), fingerprint: 1 }, { ...state(), snapshot: { takenAtNs: 1 } }, { ...state(), outputs: { write: { status: 1 } } }, { ...state(), outputs: { check: { status: 'x', report: null } } }];
    for (const value of bad) {
      writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
      expect(readRunState(file), JSON.stringify(value)).toBeUndefined();
    }
  });

  it('a folder that cannot be written is no error: false, and nothing left behind', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.meshforge'), 'a file where the folder must go');
    expect(writeRunState(join(dir, '.meshforge', 'state', 'generate-x.json'), state())).toBe(false);
    expect(walkTree(dir).map((e) => e.path)).toEqual(['.meshforge']);
  });
});
