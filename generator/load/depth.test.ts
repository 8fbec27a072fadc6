import { describe, expect, it } from 'vitest';
import { findExcessiveNesting } from './depth.js';

describe('findExcessiveNesting', () => {
  it('finds the bracket where flow nesting passes the limit', () => {
    expect(findExcessiveNesting('a: [[[1]]]\n', 2)).toBe(5);
    expect(findExcessiveNesting('a: [[1]]\n', 2)).toBe(-1);
  });

  it('finds the line where block indentation passes the limit', () => {
    expect(findExcessiveNesting('a:\n b:\n  c: 1\n', 2)).toBe(9);
    expect(findExcessiveNesting('a:\n b:\n  c: 1\n', 3)).toBe(-1);
    expect(findExcessiveNesting('- - - x\n', 2)).toBe(0);
  });

  it('ignores brackets in quotes, comments, plain scalars and block scalars', () => {
    const text = [
      'a: "[[[[[["',
      "b: '{{{{{{'",
      'c: x[[[[[[ # [[[[[[',
      'd: |',
      '  [[[[[[[[',
      '  {{{{{{{{',
      'e: >-',
      '  [[[[[[[[',
      'f: [1, "]]]]", 2]',
      '',
    ].join('\n');
    expect(findExcessiveNesting(text, 2)).toBe(-1);
  });

  it('counts nesting again after a block scalar ends', () => {
    expect(findExcessiveNesting('d: |\n  [[[\ne: [[[1]]]\n', 2)).toBe(16);
  });
});
