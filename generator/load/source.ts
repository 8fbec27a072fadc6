import { openSync, readSync, closeSync, fstatSync } from 'node:fs';
import type { Diagnostic, DiagnosticId } from '../diagnostics/types.js';
import { fail, ok, type StageResult } from '../diagnostics/result.js';
import type { SourceRegistry } from '../diagnostics/sources.js';
import { formatBytes, type InputLimits } from './limits.js';

/** The text of one input file, checked to be readable UTF-8 within the limits. */
export interface SourceText {
  readonly file: string;
  readonly text: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/** The text the loader registers for a file's bytes (BOM dropped): what a cache compares a loaded source with. */
export function decodedText(bytes: Uint8Array): string {
  return lossy.decode(bytes);
}

function problem(file: string, rule: DiagnosticId, message: string, hint: string, offset = 0): Diagnostic {
  return { rule, severity: 'error', message, hint, location: { file, offset } };
}

/** Reads a file, refusing oversize, binary and non-UTF-8 content before parsing. */
export function readSourceFile(file: string, limits: InputLimits, sources?: SourceRegistry): StageResult<SourceText> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? `file not found: ${file}` : code === 'EISDIR' ? `${file} is a directory, not a file` : `cannot read ${file} (${code ?? 'unknown error'})`;
    return fail([{ rule: 'file-unreadable', severity: 'error', message, hint: 'Pass the path of an existing file with --config.', location: { file, offset: 0 } }]);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) {
      return fail([problem(file, 'file-unreadable', `${file} is a directory, not a file`, 'Pass the path of a YAML file.')]);
    }
    if (stat.size > limits.maxBytes) {
      return fail([
        problem(file, 'file-too-large', `file is ${formatBytes(stat.size)}, over the ${formatBytes(limits.maxBytes)} limit`, 'Split the input into smaller files; meshforge will not parse files over this limit.'),
      ]);
    }
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return decodeSource(file, buffer.subarray(0, read), limits, sources);
  } finally {
    closeSync(fd);
  }
}

/** Checks and decodes bytes already in memory (stdin, tests). */
export function decodeSource(file: string, bytes: Uint8Array, limits: InputLimits, sources?: SourceRegistry): StageResult<SourceText> {
  if (bytes.length > limits.maxBytes) {
    return fail([problem(file, 'file-too-large', `input is ${formatBytes(bytes.length)}, over the ${formatBytes(limits.maxBytes)} limit`, 'Split the input into smaller files.')]);
  }
  // Both checks below point at the offending byte: register a lossy decoding so that its line can be shown.
  const lossyPrefix = (end: number): number => {
    sources?.addText(file, lossy.decode(bytes));
    return lossy.decode(bytes.subarray(0, end)).length;
  };
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    return fail([problem(file, 'file-binary', `file contains a NUL byte (byte offset ${nul}): it is binary, not YAML`, 'Point meshforge at a text YAML file.', lossyPrefix(nul))]);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    return fail([problem(file, 'file-encoding', `file is not valid UTF-8 (byte 0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')} at byte offset ${offset})`, 'Save the file as UTF-8.', lossyPrefix(offset))]);
  }
  // TextDecoder strips a leading BOM; editors on Windows add one and YAML allows it.
  sources?.addText(file, text);
  return ok({ file, text });
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    const len = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
    if (len === 0) return i;
    try {
      utf8.decode(bytes.subarray(i, i + len));
    } catch {
      return i;
    }
    i += len - 1;
  }
  return 0;
}
