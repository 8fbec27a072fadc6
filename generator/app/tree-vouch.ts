import { readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { packageRoot } from '../core/paths.js';
import type { SourceRegistry } from '../diagnostics/sources.js';
import { decodedText } from '../load/source.js';
import { defaultLockFile } from '../pipeline/generate.js';
import { sha256 } from '../write/provenance.js';
import { checkSnapshot, readRunState, runStateFile, toolFingerprint, vouchesFor, type TreeEntry } from '../write/run-state.js';
import { busy } from './generate-cache.js';

/**
 * "Does the run state vouch that folder F is exactly the output of config C with its ledger, for this meshforge
 * build?" (docs/generator.md, "Run state cache"). Yes only when a whole-fleet `generate` (or `generate --check`)
 * recorded state for (C, F), the config's and the ledger's bytes and the build are the ones it recorded, no other
 * run is at work on F, and F still matches the recorded stat snapshot. Then every generated file in F is what C
 * renders, and `lint` and `check` need not read them. Any doubt is a no: the caller takes the path that reads.
 * A yes comes with the folder's entries as the snapshot check walked them (check lists foreign files from them).
 */
export interface VouchQuery {
  /** The config, absolute, as the caller loaded it into `sources`. */
  readonly configFile: string;
  /** The generated folder, absolute. */
  readonly outDir: string;
  /** Where the caller loaded the config: a config saved since that load is not vouched for by its new bytes. */
  readonly sources: SourceRegistry;
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

export function runStateVouches(query: VouchQuery): readonly TreeEntry[] | undefined {
  try {
    const configFile = resolve(query.configFile);
    const outDir = resolve(query.outDir);
    const file = runStateFile(configFile, outDir);
    // generate never records a state kept inside the folder it describes (generate-cache.ts): none to trust either.
    if (file.startsWith(`${outDir}${sep}`)) return undefined;
    const state = readRunState(file);
    if (!state?.vouch) return undefined;
    const loaded = query.sources.get(query.configFile)?.text;
    const config = readFileSync(configFile);
    if (loaded === undefined || decodedText(config) !== loaded) return undefined;
    const ledger = readOrUndefined(defaultLockFile(configFile));
    const inputs = { config: sha256(config), ledger: ledger === undefined ? null : sha256(ledger) };
    // The build's fingerprint hashes a few MB: asked only when the config and the ledger already match.
    if (!vouchesFor(state, { ...inputs, tool: state.vouch.tool }) || !vouchesFor(state, { ...inputs, tool: toolFingerprint(packageRoot()) }) || busy(outDir)) return undefined;
    const checked = checkSnapshot(outDir, state.snapshot);
    return checked.match ? checked.entries : undefined;
  } catch {
    return undefined;
  }
}
