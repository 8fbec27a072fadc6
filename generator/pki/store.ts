import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PkiError } from './errors.js';

/**
 * The small file-system layer of the PKI: private folders, 0600 keys, atomic writes, errors with a kind. It never
 * changes the mode of a folder it did not create, never follows a link to a file, and reads only regular files.
 */

export const KEY_FILE_MODE = 0o600;
export const CERT_FILE_MODE = 0o644;
export const PRIVATE_DIR_MODE = 0o700;

function environment(action: string, path: string, error: unknown): PkiError {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
  return new PkiError('environment', `cannot ${action} ${path} (${code})`, code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'Choose a writable folder with --pki, or fix its permissions.' : undefined);
}

const SAFE_DIR_HINT = 'Keys need a folder only you can write: pass --pki a folder that does not exist yet (meshforge creates it, mode 0700), or one you own that others cannot write, such as the default .meshforge/pki.';

/**
 * Refuses an existing folder keys must not go into: one writable by every user (a shared folder such as /tmp,
 * where others can plant files and links) or owned by another user. A link to a folder is judged by its target.
 * Nothing happens when the folder does not exist.
 */
export function checkPrivateDir(dir: string): void {
  let stats;
  try {
    stats = statSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Missing, or a file in the way: creating the folder will say so.
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw environment('read', dir, error);
  }
  if (!stats.isDirectory()) throw new PkiError('environment', `cannot create the folder ${dir} (ENOTDIR)`, 'Something other than a folder is in the way: choose another --pki.');
  if ((stats.mode & 0o002) !== 0) {
    throw new PkiError('invalid-input', `refusing to keep private keys in ${dir}: every user can write to it (mode ${(stats.mode & 0o7777).toString(8).padStart(4, '0')})`, SAFE_DIR_HINT);
  }
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) {
    throw new PkiError('invalid-input', `refusing to keep private keys in ${dir}: it belongs to another user (uid ${stats.uid}, you are ${uid})`, SAFE_DIR_HINT);
  }
}

/**
 * A folder for keys: an existing one must pass checkPrivateDir and keeps its mode; a missing one (and its missing
 * parents) is created readable by the owner only.
 */
export function ensurePrivateDir(dir: string): void {
  checkPrivateDir(dir);
  try {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  } catch (error) {
    throw environment('create the folder', dir, error);
  }
  // Again: another user may have made the folder between the check and mkdir (which accepts an existing one).
  checkPrivateDir(dir);
}

/**
 * Writes through a temporary file and a rename, so a crash never leaves half a key or certificate. The temporary
 * name is unpredictable and created with O_EXCL|O_NOFOLLOW at its final mode, so no planted file or link is ever
 * written through; the rename replaces whatever sits at `path` (a link included) without following it.
 */
export function writeFileAtomic(path: string, content: string, mode: number): void {
  ensurePrivateDir(dirname(path));
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
    // The umask may have taken bits away; never adds any.
    fchmodSync(fd, mode);
    writeSync(fd, content);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temporary);
    } catch {
      // Never created, or already renamed.
    }
    throw environment('write', path, error);
  }
}

export function writeKeyFile(path: string, pem: string): void {
  writeFileAtomic(path, pem, KEY_FILE_MODE);
}

export function writeCertFile(path: string, pem: string): void {
  writeFileAtomic(path, pem, CERT_FILE_MODE);
}

/**
 * The file's text, or undefined when it does not exist. A link or anything but a regular file is refused: a link
 * planted at a key path would otherwise hand another file (~/.aws/credentials) to `certs secrets`, and a FIFO would
 * hang the read.
 */
export function readIfExists(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new PkiError('invalid-input', `${path} is a symbolic link; meshforge never follows links in the PKI folder`, 'Replace the link with the file itself (cp --remove-destination TARGET LINK), or restore the file from your backup.');
    throw environment('read', path, error);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new PkiError('invalid-input', `${path} is not a regular file`, 'Remove it and run `meshforge certs init` to reissue what is missing, or restore the file from your backup.');
    return readFileSync(fd, 'utf8');
  } catch (error) {
    if (error instanceof PkiError) throw error;
    throw environment('read', path, error);
  } finally {
    closeSync(fd);
  }
}

export function readRequired(path: string, hint: string): string {
  const text = readIfExists(path);
  if (text === undefined) throw new PkiError('invalid-input', `${path} does not exist`, hint);
  return text;
}

/** True when something is at `path`, a link included (even one that points nowhere). */
export function fileExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Permission bits of a file (not of a link's target), or undefined when it does not exist. */
export function fileMode(path: string): number | undefined {
  try {
    return lstatSync(path).mode & 0o777;
  } catch {
    return undefined;
  }
}

export function moveFile(from: string, to: string): void {
  ensurePrivateDir(dirname(to));
  try {
    renameSync(from, to);
  } catch (error) {
    throw environment('move', from, error);
  }
}

export function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch (error) {
    throw environment('remove', dir, error);
  }
}
