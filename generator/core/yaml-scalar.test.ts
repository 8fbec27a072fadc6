import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'yaml';
import { doubleQuote, isPlainSafe, isPlainSafeByParsing, yamlKey, yamlScalar } from './yaml-scalar.js';

const readBoth = (text: string) => [parse(`v: ${text}`).v, parse(`v: ${text}`, { schema: 'yaml-1.1' }).v];

describe('yamlScalar', () => {
  it.each([
    'yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'NO', 'true', 'False', 'null', 'Null', '~', '', ' ', '0', '017', '0o17', '0x1F', '1e3', '1_000', '1:20', '.inf', '.NaN',
    '2001-12-14', '-', '- a', 'a: b', 'a:', '#x', 'a #b', '{{x}}', '[a]', '{a: 1}', '*a', '&a', '!a', '!!str', '%a', '@a', '`a', '|', '>', "'q'", '"q"', 'line\nbreak',
    'tab\there', ' leading', 'trailing ', '---', '...', '=', '<<', '\u2028', '\ufeff', '\u0085', '\u0000', 'é', '日本', '\ud800', 'a\\b',
  ])('writes %j so that every YAML reader gets the same string back', (value) => {
    expect(readBoth(yamlScalar(value))).toEqual([value, value]);
  });

  it('keeps ordinary names, hosts, addresses and paths unquoted', () => {
    for (const value of ['httpbin', 'httpbin.bar.cluster2', '240.0.0.1', '1.29.0', '/dev/stdout', 'networking.istio.io/v1', 'x-nextensio-for', 'type.googleapis.com/envoy.X']) {
      expect(isPlainSafe(value)).toBe(true);
      expect(yamlScalar(value)).toBe(value);
    }
  });

  it('writes numbers and booleans as YAML numbers and booleans', () => {
    expect(yamlScalar(8000)).toBe('8000');
    expect(yamlScalar(true)).toBe('true');
    expect(() => yamlScalar(Number.NaN)).toThrow();
  });

  it('throws on a missing value instead of writing an empty string', () => {
    expect(() => yamlScalar(undefined)).toThrow(/missing/);
    expect(() => yamlScalar(null)).toThrow();
    expect(() => yamlScalar({})).toThrow();
    expect(() => yamlKey(1)).toThrow();
  });

  it('round-trips any string, as a value and as a key (property)', () => {
    const anyString = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 20 }));
    fc.assert(
      fc.property(anyString, (value) => {
        expect(readBoth(yamlScalar(value))).toEqual([value, value]);
        const keyed = `${yamlKey(value)}: 1`;
        expect(Object.keys(parse(keyed) as object)).toEqual([value]);
      }),
      { numRuns: 2000 },
    );
  });

  it('escapes control characters and keeps the text ASCII-safe where it must', () => {
    expect(doubleQuote('a\nb"c\\')).toBe('"a\\nb\\"c\\\\"');
    expect(doubleQuote('\u0085')).toBe('"\\u0085"');
  });
});

describe('isPlainSafe fast path', () => {
  // The fast path decides DNS-style strings without parsing: it must agree with the parsers on every one of them.
  const dnsChars = fc.constantFrom(...'abcdefnoltruyesx0123456789-.'.split(''));
  it('agrees with parsing both YAML versions on strings of DNS characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: dnsChars, minLength: 1, maxLength: 12 }), (text) => {
        expect(isPlainSafe(text)).toBe(isPlainSafeByParsing(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with parsing on dotted quads (VIPs and addresses)', () => {
    const part = fc.oneof(fc.integer({ min: 0, max: 999 }).map(String), fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(3, '0')));
    fc.assert(
      fc.property(fc.tuple(part, part, part, part), (parts) => {
        const text = parts.join('.');
        expect(isPlainSafe(text)).toBe(isPlainSafeByParsing(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with parsing on path-like strings (kustomization entries, API versions)', () => {
    const pathChars = fc.constantFrom(...'aeynotru_01.-/:'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: pathChars, minLength: 1, maxLength: 14 }), (text) => {
        expect(isPlainSafe(text)).toBe(isPlainSafeByParsing(text));
      }),
      { numRuns: 5000 },
    );
    for (const text of ['_cluster/namespace-bar.yaml', 'istio-system/serviceentry-export-svc-1.yaml', 'networking.istio.io/v1', 'a/', '/a', 'a//b', 'y/n', 'e/1', '_/_', 'a/.inf', 'a/-']) {
      expect(isPlainSafe(text), text).toBe(isPlainSafeByParsing(text));
    }
  });

  it.each(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null', 'e1', 'e-1', 'e', 'ex1', 'a.b-c', 'x-1.y', 'inf', 'nan', 'a..b', 'a.', 'a-'])('agrees on %j', (text) => {
    expect(isPlainSafe(text)).toBe(isPlainSafeByParsing(text));
  });
});
