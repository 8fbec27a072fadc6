import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PkiError } from './errors.js';

/** The small file-system layer of the PKI: private folders, 0600 keys, atomic writes, errors with a kind. */

export const KEY_FILE_MODE = 0o600;
export const CERT_FILE_MODE = 0o644;
export const PRIVATE_DIR_MODE = 0o700;

function environment(action: string, path: string, error: unknown): PkiError {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
  return new PkiError('environment', `cannot ${action} ${path} (${code})`, code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'Choose a writable folder with --pki, or fix its permissions.' : undefined);
}

/** Creates a folder (and its parents) readable by the owner only. */
export function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    chmodSync(dir, PRIVATE_DIR_MODE);
  } catch (error) {
    throw environment('create the folder', dir, error);
  }
}

/** Writes through a temporary file and a rename, so a crash never leaves half a key or certificate. */
export function writeFileAtomic(path: string, content: string, mode: number): void {
  ensurePrivateDir(dirname(path));
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, content, { mode, flag: 'w' });
    chmodSync(temporary, mode);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw environment('write', path, error);
  }
}

export function writeKeyFile(path: string, pem: string): void {
  writeFileAtomic(path, pem, KEY_FILE_MODE);
}

export function writeCertFile(path: string, pem: string): void {
  writeFileAtomic(path, pem, CERT_FILE_MODE);
}

/** The file's text, or undefined when it does not exist. */
export function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw environment('read', path, error);
  }
}

export function readRequired(path: string, hint: string): string {
  const text = readIfExists(path);
  if (text === undefined) throw new PkiError('invalid-input', `${path} does not exist`, hint);
  return text;
}

export function fileExists(path: string): boolean {
  return existsSync(path);
}

/** Permission bits of a file, or undefined when it does not exist. */
export function fileMode(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o777;
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
