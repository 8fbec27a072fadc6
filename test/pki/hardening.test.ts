import { chmodSync, chownSync, cpSync, lstatSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCertsInit, runCertsSecrets, runCertsVerify } from '../../generator/app/certs.js';
import { initPki, type PkiWriteOptions } from '../../generator/pki/init.js';
import { runInProcess } from '../cli/helpers.js';
import { configText, modelOf, openssl, read, removeTempDirs, tempDir } from './helpers.js';

// Regression tests for issue 17: finding 11 (a shared or foreign PKI folder) and the same class of hole in
// generator/pki (links at key paths, predictable temporary names, special files). Each reproduces the attack.

const FAST: PkiWriteOptions = { caKeyBits: 2048 };
const mode = (path: string) => statSync(path).mode & 0o7777;

/** A project folder with the two-cluster test config; `pki` (if given) is copied in as pki/. */
function project(pki?: string) {
  const cwd = tempDir('mf-pki-hard-');
  writeFileSync(join(cwd, 'mesh.config.yaml'), configText());
  if (pki !== undefined) cpSync(pki, join(cwd, 'pki'), { recursive: true });
  return { cwd, context: { cwd, env: process.env } };
}

/** A folder that belongs to another user: one made and given away when running as root, else / (root's). */
function foreignFolder(): { dir: string; uid: number } {
  if (process.getuid?.() === 0) {
    const dir = join(tempDir('mf-pki-foreign-'), 'theirs');
    mkdirSync(dir, { mode: 0o755 });
    chownSync(dir, 65534, 65534);
    return { dir, uid: 65534 };
  }
  return { dir: '/', uid: statSync('/').uid };
}

let template: string;
beforeAll(async () => {
  template = join(tempDir(), 'pki');
  await initPki(modelOf(configText()), template, FAST);
});
afterAll(removeTempDirs);

describe('finding 11: a PKI folder meshforge did not make', () => {
  it('refuses a shared folder (mode 1777, holding another file): exit 2, its mode and contents untouched', async () => {
    const { cwd, context } = project();
    const shared = join(cwd, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    writeFileSync(join(shared, 'someone-elses.txt'), 'not yours');

    const cli = await runInProcess(['certs', 'init', '--pki', 'shared'], { cwd });
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain(`meshforge: refusing to keep private keys in ${shared}: every user can write to it (mode 1777)`);
    expect(cli.stderr).toContain('hint: Keys need a folder only you can write: pass --pki a folder that does not exist yet');
    await expect(runCertsInit({ pkiDir: 'shared', caKeyBits: 2048 }, context)).rejects.toMatchObject({ kind: 'invalid-input' });
    expect(mode(shared)).toBe(0o1777);
    expect(readdirSync(shared)).toEqual(['someone-elses.txt']);
  });

  it("refuses a folder owned by another user, for init and for secrets --out's cluster folder", async () => {
    const { cwd, context } = project(template);
    const foreign = foreignFolder();
    const before = mode(foreign.dir);
    const cli = await runInProcess(['certs', 'init', '--pki', foreign.dir], { cwd });
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain(`refusing to keep private keys in ${foreign.dir}: it belongs to another user (uid ${foreign.uid}`);
    expect(mode(foreign.dir)).toBe(before);
    if (process.getuid?.() === 0) {
      // secrets --out into a folder whose cluster subfolder another user made first.
      const out = join(cwd, 'out');
      mkdirSync(join(out, 'east'), { recursive: true });
      chownSync(join(out, 'east'), 65534, 65534);
      await expect(runCertsSecrets({ pkiDir: 'pki', out: 'out' }, context)).rejects.toMatchObject({ kind: 'invalid-input', message: expect.stringMatching(/out\/east: it belongs to another user/) });
      expect(readdirSync(join(out, 'east'))).toEqual([]);
    }
  });

  it('keeps the mode of an existing folder of the user (0750), and makes the folders it creates 0700', async () => {
    const { cwd, context } = project();
    const mine = join(cwd, 'mine');
    mkdirSync(mine);
    chmodSync(mine, 0o750);
    writeFileSync(join(mine, 'notes.txt'), 'kept');
    const result = await runCertsInit({ pkiDir: 'mine', caKeyBits: 2048 }, context);
    expect(result.status).toBe('ok');
    expect(mode(mine)).toBe(0o750);
    expect(mode(join(mine, 'east'))).toBe(0o700);
    expect(mode(join(mine, 'ingress'))).toBe(0o700);
    expect(mode(join(mine, 'root-key.pem'))).toBe(0o600);
    expect(read(join(mine, 'notes.txt'))).toBe('kept');
  });
});

describe('the same class of hole in generator/pki', () => {
  it('never writes through a link planted at the old predictable temporary name (.root-key.pem.<pid>.tmp)', async () => {
    const { cwd, context } = project();
    const pki = join(cwd, 'pki');
    mkdirSync(pki, { mode: 0o700 });
    const bait = join(cwd, 'outside.txt');
    writeFileSync(bait, 'bait\n');
    symlinkSync(bait, join(pki, `.root-key.pem.${process.pid}.tmp`));
    symlinkSync(bait, join(pki, `.root-cert.pem.${process.pid}.tmp`));

    const result = await runCertsInit({ pkiDir: 'pki', caKeyBits: 2048 }, context);
    expect(result.status).toBe('ok');
    expect(read(bait)).toBe('bait\n');
    expect(lstatSync(join(pki, 'root-key.pem')).isFile()).toBe(true);
    expect(mode(join(pki, 'root-key.pem'))).toBe(0o600);
    // Nothing but the planted links is left of the temporary files.
    expect(readdirSync(pki).filter((name) => name.endsWith('.tmp')).sort()).toEqual([`.root-cert.pem.${process.pid}.tmp`, `.root-key.pem.${process.pid}.tmp`]);
    expect((await openssl(['verify', '-CAfile', join(pki, 'root-cert.pem'), join(pki, 'east', 'ca-cert.pem')])).exitCode).toBe(0);
  });

  it('refuses a key path that is a link: secrets does not deliver the file it points to (exit 2)', async () => {
    const { cwd } = project(template);
    const secret = join(cwd, 'credentials');
    writeFileSync(secret, '[default]\naws_secret_access_key = planted-secret-value\n');
    const keyPath = join(cwd, 'pki', 'east', 'ca-key.pem');
    rmSync(keyPath);
    symlinkSync(secret, keyPath);

    const result = await runInProcess(['certs', 'secrets', '--pki', 'pki', '--cluster', 'east'], { cwd });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${keyPath} is a symbolic link; meshforge never follows links in the PKI folder`);
    const leaked = Buffer.from(read(secret)).toString('base64');
    expect(result.stdout + result.stderr).not.toContain(leaked);
    expect(result.stdout + result.stderr).not.toContain('planted-secret-value');
    // init and verify refuse it too, rather than signing with or judging another file.
    expect((await runInProcess(['certs', 'init', '--pki', 'pki'], { cwd })).status).toBe(2);
    expect((await runInProcess(['certs', 'verify', '--pki', 'pki'], { cwd })).status).toBe(2);
  });

  it('refuses a FIFO in the PKI folder promptly instead of hanging (exit 2)', async () => {
    const { cwd, context } = project(template);
    const cert = join(cwd, 'pki', 'west', 'ca-cert.pem');
    rmSync(cert);
    await execa('mkfifo', [cert]);
    await expect(runCertsVerify({ pkiDir: 'pki' }, context)).rejects.toMatchObject({ kind: 'invalid-input', message: `${cert} is not a regular file` });
  });
});
