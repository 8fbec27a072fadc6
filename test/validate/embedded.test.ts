import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../generator/report/resolve.js';
import { EmbeddedValidator } from '../../generator/validate/embedded.js';
import { FIXTURES, loadFixture } from './helpers.js';

const KINDS_DIR = join(FIXTURES, 'kinds');
const REQUIRED_CASES = ['valid', 'wrong-type', 'missing-required', 'bad-enum', 'unknown-field', 'unknown-apiversion'];
/** Kinds whose schemas have no enum anywhere (besides apiVersion/kind): checked below, not just claimed. */
const NO_ENUM = new Set(['serviceaccount.yaml', 'configmap.yaml', 'secret.yaml', 'clusterrole.yaml', 'role.yaml', 'clusterrolebinding.yaml', 'rolebinding.yaml', 'istiooperator.yaml', 'application.yaml', 'appproject.yaml', 'referencegrant.yaml']);

/** What each case's message must say, so a typo'd enum value is not passed off as an unknown field. */
const CASE_MESSAGE: Record<string, RegExp> = {
  'wrong-type': /must be an? (string|integer|number|boolean|array|object)/,
  'missing-required': /missing required field "[^"]+"/,
  'bad-enum': /must be one of /,
  'unknown-field': /unknown field "[^"]+"/,
  'unknown-apiversion': /no schema for/,
};

const validator = new EmbeddedValidator();

function schemaHasEnum(node: unknown, key = ''): boolean {
  if (Array.isArray(node)) return node.some((n) => schemaHasEnum(n));
  if (typeof node !== 'object' || node === null) return false;
  return Object.entries(node).some(([k, v]) => (k === 'enum' && key !== 'apiVersion' && key !== 'kind') || (k !== 'enum' && schemaHasEnum(v, k)));
}

describe('embedded schemas: every kind meshforge emits', () => {
  for (const fixture of readdirSync(KINDS_DIR).filter((f) => f.endsWith('.yaml')).sort()) {
    describe(fixture, () => {
      const loaded = loadFixture(join(KINDS_DIR, fixture));

      it('has a valid case and each invalid case', () => {
        const names = loaded.cases.map((c) => c.name);
        for (const name of REQUIRED_CASES) {
          if (name === 'bad-enum' && NO_ENUM.has(fixture)) continue;
          expect(names, `${fixture} lacks case ${name}`).toContain(name);
        }
      });

      if (NO_ENUM.has(fixture)) {
        it('really has no enum field to get wrong', () => {
          const { apiVersion, kind } = loaded.resources[0]!;
          const index = JSON.parse(readFileSync(join(FIXTURES, '../../../schemas/k8s/index.json'), 'utf8')) as { schemas: { apiVersion: string; kind: string; file: string }[] };
          const entry = index.schemas.find((s) => s.apiVersion === apiVersion && s.kind === kind)!;
          const schema = JSON.parse(readFileSync(join(FIXTURES, '../../../schemas/k8s', entry.file), 'utf8')) as { definitions?: Record<string, unknown> };
          // ObjectMeta's definitions carry no enum either; only the kind's own fields matter here.
          expect(schemaHasEnum({ ...schema, definitions: undefined })).toBe(false);
        });
      }

      for (const fixtureCase of loaded.cases) {
        it(`${fixtureCase.name}: reports exactly the marked lines`, async () => {
          const resource = loaded.resources[fixtureCase.docIndex]!;
          const diagnostics = await validator.validate([resource]);
          const report = buildReport('lint', diagnostics, loaded.sources);
          const found = report.diagnostics.map((d) => ({ rule: d.rule, line: d.line }));
          expect(found).toEqual([...fixtureCase.expected].sort((a, b) => a.line - b.line));
          if (fixtureCase.name === 'valid') expect(fixtureCase.expected).toEqual([]);
          else expect(fixtureCase.expected.length).toBeGreaterThan(0);
          const shape = CASE_MESSAGE[fixtureCase.name];
          if (shape) expect(report.diagnostics.map((d) => d.message).join('\n')).toMatch(shape);
          for (const d of report.diagnostics) {
            expect(d.resource).toMatchObject({ kind: resource.kind, name: resource.name });
            expect(d.cluster).toBe('fixture');
            expect(d.file).toBe(loaded.file);
            expect(d.severity).toBe(d.rule === 'schema' ? 'error' : 'warning');
            expect(d.diagnostic.origin).toEqual(resource.origin);
          }
        });
      }
    });
  }
});
