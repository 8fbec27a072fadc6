import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { loadConfigString } from '../../generator/model/load.js';
import { resolveDiagnostics } from '../../generator/report/resolve.js';

const EXAMPLE = readFileSync(join(import.meta.dirname, '..', '..', 'mesh.config.yaml'), 'utf8');

function errorsOf(text: string) {
  const sources = new SourceRegistry();
  const result = loadConfigString(text, 'mesh.config.yaml', sources);
  return resolveDiagnostics(result.diagnostics, sources).filter((d) => d.severity === 'error');
}

/** The example with one line changed: `find` names the line by its text, after the first line holding `after`. */
function exampleWith(after: string, find: string, replace: string): { text: string; line: number } {
  const lines = EXAMPLE.split('\n');
  const start = lines.findIndex((l) => l.includes(after));
  const index = lines.findIndex((l, i) => i > start && l === find);
  expect(index, `${find} after ${after}`).toBeGreaterThan(0);
  lines[index] = replace;
  return { text: lines.join('\n'), line: index + 1 };
}

describe('YAML syntax errors, one per mistake', () => {
  it('a key indented by 3 instead of 4 spaces in a service of the example: one error at its line naming the expected column', () => {
    const { text, line } = exampleWith('- name: httpbin', '    cluster: cluster2', '   cluster: cluster2');
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ rule: 'yaml-syntax', line, column: 4 });
    expect(errors[0]!.message).toBe(`'cluster' is at column 4, but its siblings ('namespace' on line ${line - 1}) are at column 5`);
    expect(errors[0]!.hint).toContain('by 4 spaces, to column 5');
  });

  it('a key indented too far under a key that holds a value: one error naming the siblings', () => {
    const { text, line } = exampleWith('- name: httpbin', '    cluster: cluster2', '      cluster: cluster2');
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line, column: 7 });
    expect(errors[0]!.message).toContain(`siblings ('namespace' on line ${line - 1}) are at column 5`);
  });

  it('a top-level key out of line: names the siblings column and the enclosing one', () => {
    const errors = errorsOf('mesh:\n  id: m\n network: n\nclusters: []\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 3, column: 2 });
    expect(errors[0]!.message).toContain("siblings ('id' on line 2) are at column 3");
    expect(errors[0]!.hint).toContain('column 1');
  });

  it('a list item out of line with the items above it', () => {
    const errors = errorsOf('mesh:\n  vipRanges:\n    - 240.0.0.0/16\n   - 240.1.0.0/16\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 4, column: 4 });
    expect(errors[0]!.message).toContain('this list item is at column 4');
  });

  it('tabs: says tabs are not allowed, where, and how many more lines have them', () => {
    const errors = errorsOf('mesh:\n\tid: m\n\tnetwork: n\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ rule: 'yaml-tab', line: 2, column: 1 });
    expect(errors[0]!.message).toBe('tabs are not allowed in YAML indentation: line 2 is indented with a tab at column 1 (and 1 more line: 3)');
  });

  it('an unclosed flow list: points at its opening bracket', () => {
    const { text, line } = exampleWith('- name: httpbin', '    exportTo: [cluster1]', '    exportTo: [cluster1');
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ rule: 'yaml-syntax', line, column: 15 });
    expect(errors[0]!.message).toBe(`the '[' opened on line ${line} at column 15 is never closed`);
    expect(errors[0]!.hint).toContain("Add ']'");
  });

  it('a flow mapping closed by the wrong bracket: points at the wrong one and names the opening', () => {
    const errors = errorsOf('mesh:\n  ports: [{ number: 80, name: http ]\n  id: m\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 2, column: 36 });
    expect(errors[0]!.message).toBe("']' closes the '{' opened on line 2 at column 11, which needs '}'");
  });

  it('an unclosed quote: points at the opening quote, not the end of the file', () => {
    const errors = errorsOf('mesh:\n  id: "mesh1\n  network: n\nclusters: []\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 2, column: 7 });
    expect(errors[0]!.message).toBe('the double quote opened on line 2 at column 7 is never closed');
  });

  it('a missing space after a colon: says so and shows the fix', () => {
    const errors = errorsOf('mesh:\n  id:m\n  network: n\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 2 });
    expect(errors[0]!.hint).toBe('Write a space after the colon: id: m');
  });

  it('no hint is the old generic one', () => {
    for (const text of ['mesh: id: a\n', 'mesh: ]\n', 'a: @foo\n']) {
      for (const error of errorsOf(text)) expect(error.hint).not.toMatch(/check indentation, quotes and brackets/);
    }
  });

  it('two mistakes in different top-level blocks: one error each', () => {
    const errors = errorsOf('mesh:\n  id: m\n   network: n\nclusters:\n  - name: a\n     network: b\n');
    expect(errors.map((e) => e.line)).toEqual([3, 6]);
  });

  it('valid YAML with block scalars, multi-line flows and quotes is not flagged', () => {
    const text = 'mesh:\n  id: m\n  note: |\n    text: here\n      deeper: fine\n  list: [\n    a,\n    b\n  ]\n  quoted: "a: b"\n';
    const sources = new SourceRegistry();
    const result = loadConfigString(text, 'mesh.config.yaml', sources);
    expect(result.diagnostics.filter((d) => d.rule.startsWith('yaml-'))).toEqual([]);
  });
});
