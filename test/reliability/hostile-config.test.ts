import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../generator/config/load.js';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { resolveDiagnostics } from '../../generator/report/resolve.js';
import { HOSTILE_CONFIGS } from './hostile-config-corpus.js';

describe('hostile mesh.config.yaml corpus (in-process)', () => {
  it('has the cases the reliability issue asks for', () => {
    expect(HOSTILE_CONFIGS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(HOSTILE_CONFIGS.map((c) => c.name)).size).toBe(HOSTILE_CONFIGS.length);
  });

  it.each(HOSTILE_CONFIGS.map((c) => [c.name, c] as const))('%s is refused with a positioned diagnostic', (_name, hostile) => {
    const dir = mkdtempSync(join(tmpdir(), 'meshforge-hostile-'));
    const file = join(dir, 'mesh.config.yaml');
    writeFileSync(file, hostile.bytes());
    const sources = new SourceRegistry();
    const result = loadConfigFile(file, sources);
    expect(result.ok).toBe(false);
    const printed = resolveDiagnostics(result.diagnostics, sources).filter((d) => d.severity === 'error');
    expect(printed.length).toBeGreaterThan(0);
    for (const d of printed) {
      expect(d.file).toBe(file);
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.column).toBeGreaterThanOrEqual(1);
      expect(d.message.length).toBeGreaterThan(0);
    }
    if (hostile.rule) expect(printed.map((d) => d.rule)).toContain(hostile.rule);
  });
});
