/**
 * Reading one input file for lint, and the whole of a file's work before its resources are made (read, decode,
 * parse), as one job that runs in this thread or in a parse worker (parse-pool.ts) with the same result.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import type { StageResult } from '../diagnostics/result.js';
import { SourceRegistry } from '../diagnostics/sources.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { formatBytes, MANIFEST_LIMITS, type InputLimits } from '../load/limits.js';
import { decodeSource } from '../load/source.js';
import { parseManifestDocuments, type DocumentValue } from '../manifest/from-text.js';

/** Why a path could not be read, in words (never a raw errno). */
export function unreadableReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'it does not exist';
    case 'ELOOP':
      return 'too many symbolic links (a link loop)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return code ?? 'unknown error';
  }
}

export function unreadable(file: string, message: string, hint: string): Diagnostic {
  return { rule: 'file-unreadable', severity: 'error', message, hint, location: { file, offset: 0 } };
}

/**
 * A regular file's bytes, or why it cannot be read. Opened without blocking and checked on the open descriptor, so a
 * FIFO, socket or device (or a file swapped for one after the walk) is refused at once instead of hanging the run.
 */
export function readRegularFile(absolute: string, display: string): { bytes: Buffer } | { problem: Diagnostic } {
  let fd: number;
  try {
    fd = openSync(absolute, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { problem: unreadable(display, `cannot read ${display}: ${unreadableReason(error)}`, 'Check that the file exists and is readable.') };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { problem: notRegular(display) };
    if (stats.size > MANIFEST_LIMITS.maxBytes) {
      return { problem: { rule: 'file-too-large', severity: 'error', message: `file is ${formatBytes(stats.size)}, over the ${formatBytes(MANIFEST_LIMITS.maxBytes)} limit`, hint: 'Split the input into smaller files.', location: { file: display, offset: 0 } } };
    }
    return { bytes: readFileSync(fd) };
  } catch (error) {
    return { problem: unreadable(display, `cannot read ${display}: ${unreadableReason(error)}`, 'Check that the file exists and is readable.') };
  } finally {
    closeSync(fd);
  }
}

export function notRegular(display: string): Diagnostic {
  return unreadable(display, `${display} is not a regular file (a FIFO, socket or device): it was not read`, 'Pass regular files or folders of Kubernetes YAML (or - for standard input).');
}

export type ParseOutcome = StageResult<DocumentValue[]>;

/** A file to parse: its text (already read), or its path (read by whoever runs the job). */
export type ParseJob = { readonly file: string; readonly text: string } | { readonly file: string; readonly absolute: string };

/**
 * What a job found. `read: 'failed'`: the file could not be read or decoded (`text` is the lossy decoding to show the
 * offending line, if any). `read: 'ok'`: `parsed` is parseManifestDocuments' result, and `text` the decoded text when
 * the job read the file itself.
 */
export type FileOutcome =
  | { readonly read: 'failed'; readonly diagnostics: readonly Diagnostic[]; readonly text?: string }
  | { readonly read: 'ok'; readonly parsed: ParseOutcome; readonly text?: string };

/** Runs one job: what lint did inline for each file before the pool, in the same order of checks. */
export function runParseJob(job: ParseJob, limits: InputLimits): FileOutcome {
  if ('text' in job) return { read: 'ok', parsed: parseManifestDocuments(job.file, job.text, limits) };
  const read = readRegularFile(job.absolute, job.file);
  if ('problem' in read) return { read: 'failed', diagnostics: [read.problem] };
  const registry = new SourceRegistry();
  const decoded = decodeSource(job.file, read.bytes, limits, registry);
  if (!decoded.ok) {
    const shown = registry.get(job.file)?.text;
    return { read: 'failed', diagnostics: decoded.diagnostics, ...(shown !== undefined ? { text: shown } : {}) };
  }
  return { read: 'ok', text: decoded.value.text, parsed: parseManifestDocuments(job.file, decoded.value.text, limits) };
}
