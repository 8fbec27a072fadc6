import { redactSecrets } from '../core/redact.js';

/**
 * Key material and tokens never reach an output format. Every string a report prints (messages, hints, the code
 * frame's line, names, reasons) passes through here once, when the report is built, so no formatter can print them.
 */

const REDACTED_KEY = '[private key redacted]';
const REDACTED = '[redacted]';

/** A PEM private key, from its header to its footer (or to the end of the text, when cut off). */
const PEM_KEY = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----|$)/g;
/** A footer left over from a block whose header is on another line. */
const PEM_FOOTER = /-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g;
/** What a key body is made of, escaped line breaks (a backslash and an n) included. */
const BODY_CHAR = /[A-Za-z0-9+/=\s\\]/;

/** Removes each footer with the key body before it (walked back character by character: linear on long lines). */
function redactFooters(text: string): string {
  let out = '';
  let copied = 0;
  for (const match of text.matchAll(PEM_FOOTER)) {
    let start = match.index;
    while (start > copied && BODY_CHAR.test(text[start - 1]!)) start--;
    out += `${text.slice(copied, start)}${REDACTED_KEY}`;
    copied = match.index + match[0].length;
  }
  return out + text.slice(copied);
}
/** Base64 runs (those of 24 characters or more can hide a key or a token; `{24,}` is 20 times slower in V8). */
const BASE64_RUN = /[A-Za-z0-9+/]+={0,2}/g;
/** Token shapes: GitHub, GitLab, Slack, AWS access key ids, JWTs. */
const TOKENS = /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)/g;

/** Whether decoded bytes carry a key or a token. */
function secretInside(decoded: string): boolean {
  return decoded.includes('PRIVATE KEY') || new RegExp(TOKENS.source).test(decoded);
}

/** Text bound for any output format, with private keys, tokens and base64 that decodes to either removed. */
export function redactKeyMaterial(text: string): string {
  if (text === '') return text;
  let out = text;
  // Most text holds no key at all: skip the patterns then.
  if (out.includes('PRIVATE KEY')) {
    out = out.replace(PEM_KEY, (_match, label: string | undefined) => `-----BEGIN ${label ?? ''}PRIVATE KEY----- ${REDACTED_KEY}`);
    if (out.includes('-----END')) out = redactFooters(out);
  }
  out = redactSecrets(out, {}).replace(TOKENS, REDACTED);
  // A blob too long to read in a report is not decoded (that cost grows with its size): it is not shown either.
  out = out.replace(BASE64_RUN, (run) => (run.length < 24 ? run : run.length > 4096 || secretInside(Buffer.from(run, 'base64').toString('latin1')) ? REDACTED : run));
  return out;
}

/** The [start, end) offsets of every PEM private key block in a text: lines inside one are never shown. */
export function privateKeyRanges(text: string): readonly (readonly [number, number])[] {
  if (!text.includes('PRIVATE KEY')) return [];
  const ranges: [number, number][] = [];
  for (const match of text.matchAll(PEM_KEY)) ranges.push([match.index, match.index + match[0].length]);
  return ranges;
}
