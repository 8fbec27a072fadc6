import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../generator/model/load.js';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { HOSTILE_CONFIGS } from './hostile-config-corpus.js';
import { expectPositionedErrors } from './helpers.js';

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
    expectPositionedErrors(result.diagnostics, sources, file, hostile.rule);
  });
});
