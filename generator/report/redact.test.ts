import { describe, expect, it } from 'vitest';
import { privateKeyRanges, redactKeyMaterial } from './redact.js';

// Built at run time so that no file of this repository holds a private key or a token.
const BODY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';
const pem = (label: string) => `-----BEGIN ${label}PRIVATE KEY-----\n${BODY}\n-----END ${label}PRIVATE KEY-----`;
const token = `${'ghp'}_${'Zq8LmN3x'.repeat(5)}`;

describe('redactKeyMaterial', () => {
  it('removes a whole PEM key, escaped on one line or over lines, keeping its header as a label', () => {
    expect(redactKeyMaterial(`key: ${JSON.stringify(pem('RSA '))}`)).toBe('key: "-----BEGIN RSA PRIVATE KEY----- [private key redacted]"');
    expect(redactKeyMaterial(pem('EC '))).toBe('-----BEGIN EC PRIVATE KEY----- [private key redacted]');
    expect(redactKeyMaterial(`x: "-----BEGIN PRIVATE KEY-----\\n${BODY}`)).not.toContain(BODY);
  });

  it('removes a footer with the body before it, when the header is on another line', () => {
    expect(redactKeyMaterial(`    ${BODY}\\n-----END PRIVATE KEY-----"`)).toBe('[private key redacted]"');
  });

  it('removes tokens and base64 that decodes to a key or a token; leaves other base64 alone', () => {
    expect(redactKeyMaterial(`token: ${token}`)).toBe('token: ***');
    expect(redactKeyMaterial(`tls.key: ${Buffer.from(pem('')).toString('base64')}`)).toBe('tls.key: [redacted]');
    expect(redactKeyMaterial(`t: ${Buffer.from(token).toString('base64')}`)).toBe('t: [redacted]');
    const cert = Buffer.from('-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n').toString('base64');
    expect(redactKeyMaterial(`tls.crt: ${cert}`)).toBe(`tls.crt: ${cert}`);
    expect(redactKeyMaterial('subset: v3')).toBe('subset: v3');
  });

  it('stays linear on a long line with a certificate footer', () => {
    const line = `${'A'.repeat(2_000_000)}-----END CERTIFICATE----- PRIVATE KEY -----END X-----`;
    const started = performance.now();
    redactKeyMaterial(line);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('privateKeyRanges', () => {
  it('finds each key block of a file', () => {
    const text = `a: |\n  ${pem('').split('\n').join('\n  ')}\nb: 1\n`;
    const [range] = privateKeyRanges(text);
    expect(text.slice(range![0], range![1])).toContain(BODY);
    expect(privateKeyRanges('b: 1\n')).toEqual([]);
  });
});
