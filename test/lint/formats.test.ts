/**
 * Exact-output tests of the lint output formats (one Formatter per file in generator/report/).
 * SARIF is also validated with ajv against test/fixtures/lint/sarif-2.1.0-subset.schema.json, a schema written from the
 * SARIF 2.1.0 specification's structural requirements. The official OASIS schema (sarif-2.1.0-rtm.5.json) ships in
 * the npm package @microsoft/jest-sarif, which is not a dependency of meshforge; it is not vendored here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { github } from '../../generator/report/github.js';
import { junit } from '../../generator/report/junit.js';
import { sarif } from '../../generator/report/sarif.js';
import { findFormatter } from '../../generator/report/formats.js';
import type { PrintedDiagnostic, PrintedSuppression, Report } from '../../generator/report/types.js';
import { packageVersion } from '../../generator/core/paths.js';

const subsetError: PrintedDiagnostic = {
  rule: 'subset-not-found',
  severity: 'error',
  message: 'subset v3 of host ratings is not defined, 100% "fails" <here> & there',
  hint: 'Add the subset, or fix the name.',
  resource: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', namespace: 'shop', name: 'productpage' },
  cluster: 'a',
  file: 'clusters/a/shop/vs, one.yaml',
  line: 19,
  column: 17,
  endLine: 19,
  endColumn: 19,
  source: { file: 'mesh.config.yaml', line: 12, column: 5 },
  diagnostic: { rule: 'subset-not-found', severity: 'error', message: '' },
};
const portWarning: PrintedDiagnostic = {
  rule: 'service-port-name',
  severity: 'warning',
  message: "port 9080 is named 'web'",
  resource: { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'reviews' },
  cluster: 'b',
  file: 'clusters/b/shop/services.yaml',
  line: 25,
  column: 11,
  endLine: 25,
  endColumn: 14,
  diagnostic: { rule: 'service-port-name', severity: 'warning', message: '' },
};
const noFile: PrintedDiagnostic = { rule: 'rule-failed', severity: 'info', message: 'line one\nline two: 50%', diagnostic: { rule: 'rule-failed', severity: 'info', message: '' } };
const suppressedFinding: PrintedSuppression = {
  rule: 'istio-mutual',
  severity: 'error',
  message: 'tls.mode DISABLE',
  resource: { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', namespace: 'shop', name: 'legacy' },
  cluster: 'b',
  file: 'clusters/b/shop/dr.yaml',
  line: 14,
  column: 13,
  diagnostic: { rule: 'istio-mutual', severity: 'error', message: '' },
  by: 'annotation',
  reason: 'legacy client until Q3',
};

const report: Report = {
  command: 'lint',
  diagnostics: [subsetError, portWarning, noFile],
  summary: { errors: 1, warnings: 1, infos: 1, suppressed: 1 },
  rules: [
    { id: 'subset-not-found', description: 'Subsets exist.', defaultSeverity: 'error', docs: 'policies/subset-not-found.md' },
    { id: 'service-port-name', description: 'Ports are named.', defaultSeverity: 'warning', docs: 'policies/service-port-name.md' },
  ],
};
const withSuppressed: Report = { ...report, suppressed: [suppressedFinding] };

describe('formats registry', () => {
  it('has every lint format behind one interface', () => {
    for (const name of ['stylish', 'json', 'sarif', 'junit', 'github']) expect(findFormatter(name)?.name).toBe(name);
  });
});

describe('github', () => {
  it('writes escaped workflow commands and a summary line', () => {
    expect(github.format(withSuppressed, { color: false })).toBe(
      [
        '::error file=clusters/a/shop/vs%2C one.yaml,line=19,col=17,endLine=19,endColumn=19,title=meshforge subset-not-found::a: VirtualService shop/productpage: subset v3 of host ratings is not defined, 100%25 "fails" <here> & there%0Afrom mesh.config.yaml:12:5%0Ahint: Add the subset, or fix the name.',
        "::warning file=clusters/b/shop/services.yaml,line=25,col=11,endLine=25,endColumn=14,title=meshforge service-port-name::b: Service shop/reviews: port 9080 is named 'web'",
        '::notice title=meshforge rule-failed::line one%0Aline two: 50%25',
        '::notice file=clusters/b/shop/dr.yaml,line=14,col=13,title=meshforge istio-mutual (suppressed)::b: DestinationRule shop/legacy: tls.mode DISABLE%0Asuppressed by annotation: legacy client until Q3',
        'meshforge lint: 1 error, 1 warning, 1 info, 1 suppressed',
        '',
      ].join('\n'),
    );
  });
});

describe('junit', () => {
  it('writes a testsuite per file with escaped failures and skipped suppressions', () => {
    expect(junit.format(withSuppressed, { color: false })).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="meshforge lint" tests="4" failures="3" errors="0" skipped="1">
  <testsuite name="(no file)" tests="1" failures="1" errors="0" skipped="0">
    <testcase classname="(no file)" name="rule-failed">
      <failure message="line one
line two: 50%" type="info">(no file): info: line one
line two: 50% [rule-failed]</failure>
    </testcase>
  </testsuite>
  <testsuite name="clusters/a/shop/vs, one.yaml" tests="1" failures="1" errors="0" skipped="0">
    <testcase classname="clusters/a/shop/vs, one.yaml" name="subset-not-found a: VirtualService shop/productpage (line 19)">
      <failure message="subset v3 of host ratings is not defined, 100% &quot;fails&quot; &lt;here&gt; &amp; there" type="error">clusters/a/shop/vs, one.yaml:19:17: error: subset v3 of host ratings is not defined, 100% &quot;fails&quot; &lt;here&gt; &amp; there [subset-not-found]
from mesh.config.yaml:12:5
hint: Add the subset, or fix the name.</failure>
    </testcase>
  </testsuite>
  <testsuite name="clusters/b/shop/dr.yaml" tests="1" failures="0" errors="0" skipped="1">
    <testcase classname="clusters/b/shop/dr.yaml" name="istio-mutual b: DestinationRule shop/legacy (line 14)">
      <skipped message="suppressed by annotation: legacy client until Q3 - tls.mode DISABLE"/>
    </testcase>
  </testsuite>
  <testsuite name="clusters/b/shop/services.yaml" tests="1" failures="1" errors="0" skipped="0">
    <testcase classname="clusters/b/shop/services.yaml" name="service-port-name b: Service shop/reviews (line 25)">
      <failure message="port 9080 is named &apos;web&apos;" type="warning">clusters/b/shop/services.yaml:25:11: warning: port 9080 is named &apos;web&apos; [service-port-name]</failure>
    </testcase>
  </testsuite>
</testsuites>
`,
    );
  });

  it('writes an empty but valid document when there is nothing to report', () => {
    expect(junit.format({ command: 'lint', diagnostics: [], summary: { errors: 0, warnings: 0, infos: 0, suppressed: 0 } }, { color: false })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="meshforge lint" tests="0" failures="0" errors="0" skipped="0">\n</testsuites>\n',
    );
  });
});

describe('sarif', () => {
  const expected = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'meshforge',
            version: packageVersion(),
            rules: [
              { id: 'subset-not-found', shortDescription: { text: 'Subsets exist.' }, help: { text: 'See policies/subset-not-found.md, or run: meshforge explain subset-not-found' }, defaultConfiguration: { level: 'error' } },
              { id: 'service-port-name', shortDescription: { text: 'Ports are named.' }, help: { text: 'See policies/service-port-name.md, or run: meshforge explain service-port-name' }, defaultConfiguration: { level: 'warning' } },
              { id: 'rule-failed', defaultConfiguration: { level: 'note' } },
              { id: 'istio-mutual', defaultConfiguration: { level: 'error' } },
            ],
          },
        },
        columnKind: 'unicodeCodePoints',
        results: [
          {
            ruleId: 'subset-not-found',
            ruleIndex: 0,
            level: 'error',
            message: { text: 'subset v3 of host ratings is not defined, 100% "fails" <here> & there\nHint: Add the subset, or fix the name.' },
            locations: [
              {
                physicalLocation: { artifactLocation: { uri: 'clusters/a/shop/vs%2C%20one.yaml' }, region: { startLine: 19, startColumn: 17, endLine: 19, endColumn: 19 } },
                logicalLocations: [{ name: 'productpage', kind: 'resource', fullyQualifiedName: 'a/VirtualService shop/productpage' }],
              },
            ],
            relatedLocations: [{ id: 1, message: { text: 'generated from this mesh config node' }, physicalLocation: { artifactLocation: { uri: 'mesh.config.yaml' }, region: { startLine: 12, startColumn: 5 } } }],
            properties: { cluster: 'a', resource: 'VirtualService shop/productpage' },
          },
          {
            ruleId: 'service-port-name',
            ruleIndex: 1,
            level: 'warning',
            message: { text: "port 9080 is named 'web'" },
            locations: [
              {
                physicalLocation: { artifactLocation: { uri: 'clusters/b/shop/services.yaml' }, region: { startLine: 25, startColumn: 11, endLine: 25, endColumn: 14 } },
                logicalLocations: [{ name: 'reviews', kind: 'resource', fullyQualifiedName: 'b/Service shop/reviews' }],
              },
            ],
            properties: { cluster: 'b', resource: 'Service shop/reviews' },
          },
          { ruleId: 'rule-failed', ruleIndex: 2, level: 'note', message: { text: 'line one\nline two: 50%' } },
          {
            ruleId: 'istio-mutual',
            ruleIndex: 3,
            level: 'error',
            message: { text: 'tls.mode DISABLE' },
            locations: [
              {
                physicalLocation: { artifactLocation: { uri: 'clusters/b/shop/dr.yaml' }, region: { startLine: 14, startColumn: 13 } },
                logicalLocations: [{ name: 'legacy', kind: 'resource', fullyQualifiedName: 'b/DestinationRule shop/legacy' }],
              },
            ],
            suppressions: [{ kind: 'inSource', status: 'accepted', justification: 'legacy client until Q3' }],
            properties: { cluster: 'b', resource: 'DestinationRule shop/legacy' },
          },
        ],
      },
    ],
  };

  it('writes the exact SARIF log', () => {
    expect(sarif.format(withSuppressed, { color: false })).toBe(JSON.stringify(expected, null, 2) + '\n');
  });

  it('validates against the SARIF 2.1.0 structural schema, and the schema rejects a broken log', () => {
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'lint', 'sarif-2.1.0-subset.schema.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
    const validate = ajv.compile(schema);
    for (const r of [report, withSuppressed, { command: 'lint', diagnostics: [], summary: { errors: 0, warnings: 0, infos: 0, suppressed: 0 } }]) {
      const log = JSON.parse(sarif.format(r, { color: false })) as unknown;
      expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    }
    const broken = JSON.parse(sarif.format(report, { color: false })) as { runs: { results: Record<string, unknown>[] }[] };
    broken.runs[0]!.results[0]!.level = 'fatal';
    delete broken.runs[0]!.results[1]!.message;
    expect(validate(broken)).toBe(false);
  });
});
