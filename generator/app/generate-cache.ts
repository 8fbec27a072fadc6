import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { dirname, sep } from 'node:path';
import type { GeneratePlan, Shard } from '../pipeline/generate.js';
import { packageRoot, packageVersion } from '../core/paths.js';
import { validatorOptionsFromFlags, type ValidatorFlags, type ValidatorOptions } from '../validate/index.js';
import { findKubeconform, KUBECONFORM_ENV } from '../validate/kubeconform.js';
import { outputLockPath } from '../write/lock.js';
import { sha256 } from '../write/provenance.js';
import { decodedText } from '../load/source.js';
import { PROVENANCE_FILE } from '../manifest/vocabulary.js';
import type { RenderedFile } from '../manifest/types.js';
import { checkSnapshot, fileTable, fileTableFile, inputFingerprint, readFileTable, readRunState, RUN_STATE_FORMAT, runStateFile, snapshotWithEntries, toolFingerprint, treeVouch, vouchedSha256, writeFileTable, writeRunState, type FileTable, type RecordedOutput, type RunState, type TreeVouch } from '../write/run-state.js';
import { sidePaths } from '../write/tree.js';

/**
 * The run-state cache as `meshforge generate` uses it (docs/generator.md, "Run state cache"): which runs may be
 * cached, the fingerprint of a run's inputs, taking a recorded result, replaying it, and recording a new one. The
 * state itself (fingerprints, snapshots, the state file) is generator/write/run-state.ts.
 */

/** The flags of a generate run that decide what it writes and prints (all of them but --format and --lock-timeout). */
export interface CachedRunFlags extends ValidatorFlags {
  readonly config: string;
  readonly out: string;
  readonly cluster: readonly string[];
  readonly shard?: Shard;
  readonly reclaim?: boolean;
}

/**
 * The validator a cacheable run uses: none (--no-schema) or the embedded schemas, which ship with meshforge and so are
 * covered by its fingerprint. A run that would use kubeconform is never cached: its verdicts depend on a binary and on
 * schema locations (by default on the network) that meshforge cannot fingerprint.
 */
function cacheableValidator(options: ValidatorOptions | null): 'none' | 'embedded' | undefined {
  if (!options) return 'none';
  if (options.choice === 'embedded') return 'embedded';
  if (options.choice !== 'auto') return undefined;
  const named = options.kubeconformPath ?? options.env[KUBECONFORM_ENV];
  if (named !== undefined && named !== '') return undefined;
  return findKubeconform(undefined, options.env) === undefined ? 'embedded' : undefined;
}

export interface RunCache {
  readonly file: string;
  /** The config file, absolute: the key its text has in a plan's sources. */
  readonly configFile: string;
  readonly fingerprint: string;
  /** toolFingerprint() of this meshforge: the file table of another build is not used. */
  readonly tool: string;
  /** The config as the fingerprint saw it, decoded as the loader decodes it. */
  readonly configText: string;
  /** What the recorded tree is the output of, for lint and check (app/tree-vouch.ts). */
  readonly vouch?: TreeVouch;
}

/**
 * Whether the plan was made from the config the fingerprint hashed: the config is read again when planning, and an
 * edit saved in between must not be recorded under the old config's fingerprint.
 */
export function plannedFromFingerprint(cache: RunCache, plan: GeneratePlan): boolean {
  return plan.sources.get(cache.configFile)?.text === cache.configText;
}

/** Where a run works: its config and output folder (absolute) and the caller's working folder. */
export interface RunPaths {
  readonly configFile: string;
  readonly outDir: string;
  readonly cwd: string;
}

/**
 * The cache of this run: its state file and the fingerprint of its inputs. Undefined when the run cannot be cached
 * (kubeconform, flags the normal path will reject, an unreadable config: the normal path reports those).
 */
export function openRunCache(flags: CachedRunFlags, paths: RunPaths, ledger: Buffer | undefined, env: NodeJS.ProcessEnv): RunCache | undefined {
  const { configFile, outDir, cwd } = paths;
  try {
    const validator = cacheableValidator(validatorOptionsFromFlags(flags, env));
    if (validator === undefined) return undefined;
    const config = readFileSync(configFile);
    const tool = toolFingerprint(packageRoot());
    const fingerprint = inputFingerprint({
      config,
      ledger,
      outDir,
      // The recorded output shows paths relative to the caller's folder (and as typed): it depends on that folder.
      cwd,
      version: packageVersion(),
      tool,
      // Not --format: the recorded report is formatted at replay time, so one state serves every format.
      flags: {
        config: flags.config,
        out: flags.out,
        cluster: flags.cluster,
        shard: flags.shard ? `${flags.shard.index}/${flags.shard.count}` : undefined,
        reclaim: flags.reclaim ?? false,
        validator,
        validatorFlag: flags.validator,
        schema: flags.schema,
        kubeconform: flags.kubeconform,
        schemaLocation: flags.schemaLocation,
        kubernetesVersion: flags.kubernetesVersion,
        kubeconformTimeout: flags.kubeconformTimeout,
      },
    });
    const file = runStateFile(configFile, outDir);
    // A state folder inside the output folder would be part of the tree it describes (and a file meshforge did not
    // generate there): no cache for such a layout (e.g. --out .).
    if (file.startsWith(`${outDir}${sep}`)) return undefined;
    const vouch = treeVouch({ config, ledger, tool, scope: flags.shard || flags.cluster.length > 0 || flags.reclaim ? 'partial' : 'fleet' });
    return { file, configFile, fingerprint, tool, configText: decodedText(config), vouch };
  } catch {
    return undefined;
  }
}

/**
 * Another run is at work on the folder (its lock is held) or a killed run left its side folders: the normal path
 * waits for it or cleans up, so the cache stays out of the way.
 */
export function busy(outDir: string): boolean {
  const { stage, old, ledger, journal } = sidePaths(outDir);
  const side = [outputLockPath(outDir), stage, old, ledger, journal];
  return side.some((path) => {
    try {
      lstatSync(path);
      return true;
    } catch {
      return false;
    }
  });
}

/** The recorded output when the state matches: same fingerprint, no other run at work, the tree as snapshotted. */
export function cachedOutput(cache: RunCache, outDir: string, kind: 'write' | 'check'): RecordedOutput | undefined {
  try {
    const state = readRunState(cache.file);
    const recorded = state?.outputs[kind];
    if (!state || !recorded || state.fingerprint !== cache.fingerprint || busy(outDir)) return undefined;
    const checked = checkSnapshot(outDir, state.snapshot);
    if (!checked.match) return undefined;
    // Racy files were read and verified: record the fresher snapshot so the next run need not read them again.
    if (checked.refreshed) writeRunState(cache.file, { ...state, snapshot: checked.refreshed });
    return recorded;
  } catch {
    return undefined;
  }
}

/**
 * The planned files' hashes for one plan: which files the file table of the last write vouches for (recorded with
 * the same input fingerprint, untouched on disk since: neither rendered nor read), and every other file's sha256,
 * hashed once from its rendered text. What the writer and the next file table use.
 */
export class PlannedDigests {
  private readonly vouched = new Map<string, string>();
  private readonly hashed = new WeakMap<RenderedFile, string>();
  private readonly fingerprints = new WeakMap<RenderedFile, string | undefined>();

  constructor(
    private table: FileTable | undefined,
    private readonly outDir: string,
    private readonly plannedFingerprintOf: GeneratePlan['fingerprintOf'],
  ) {}

  /** A file's input fingerprint, computed once (the writer asks, then the next table records it). */
  readonly fingerprintOf = (file: RenderedFile): string | undefined => {
    if (this.fingerprints.has(file)) return this.fingerprints.get(file);
    const fingerprint = this.plannedFingerprintOf(file);
    this.fingerprints.set(file, fingerprint);
    return fingerprint;
  };

  /** The recorded sha256 of a file the table vouches for (see TreeOptions.trusted), else undefined. */
  readonly trusted = (file: RenderedFile): string | undefined => {
    if (!this.table) return undefined;
    const fingerprint = this.fingerprintOf(file);
    const sha = fingerprint === undefined ? undefined : vouchedSha256(this.table, this.outDir, file.path, fingerprint);
    if (sha !== undefined) this.vouched.set(file.path, sha);
    return sha;
  };

  /** The sha256 of a file's bytes: the vouched one, or its rendered text's. */
  readonly contentSha256 = (file: RenderedFile): string => {
    const known = this.vouched.get(file.path) ?? this.hashed.get(file);
    if (known !== undefined) return known;
    const sha = sha256(file.content);
    this.hashed.set(file, sha);
    return sha;
  };

  /**
   * The writer has asked about every file: the table (a few hundred MB at 200,000 files) is let go before the next one
   * is made. Later questions get no vouch, so a file asked about again is rendered.
   */
  dropTable(): void {
    this.table = undefined;
  }

  /** How many files the table vouched for. */
  get trustedCount(): number {
    return this.vouched.size;
  }
}

/** The digests of a plan, with the file table the last write of this build left (none: every file is compared). */
export function plannedDigests(cache: RunCache | undefined, outDir: string, plan: GeneratePlan): PlannedDigests {
  return new PlannedDigests(cache ? readFileTable(fileTableFile(cache.file), cache.tool) : undefined, outDir, plan.fingerprintOf);
}

/**
 * Records the state after an up-to-date result or a successful write (`outputs`: what a no-op prints, when the next
 * no-op may replay it), and the file table of the tree as the plan left it. Never fails the run.
 */
export function recordRunState(cache: RunCache, outDir: string, plan: Pick<GeneratePlan, 'files'>, digests: PlannedDigests, outputs: RunState['outputs'] | undefined, disturbed: () => boolean = () => false): void {
  try {
    const byPath = new Map(plan.files.map((f) => [f.path, f]));
    const intended = (path: string) => {
      const file = byPath.get(path);
      return file ? digests.contentSha256(file) : undefined;
    };
    // Every planned file and the index must be there: the recorded output says the tree is complete.
    const taken = snapshotWithEntries(outDir, intended, [...byPath.keys(), PROVENANCE_FILE]);
    // A writer that took the lock while the snapshot was being taken may have changed what it saw: record nothing.
    if (!taken || disturbed()) return;
    if (outputs) writeRunState(cache.file, { format: RUN_STATE_FORMAT, fingerprint: cache.fingerprint, snapshot: taken.snapshot, outputs, ...(cache.vouch ? { vouch: cache.vouch } : {}) });
    // A run that records no state does not make the state folder for its table: a first run (it creates the ledger)
    // leaves only the tree and the ledger behind.
    else if (!existsSync(dirname(cache.file))) return;
    writeFileTable(
      fileTableFile(cache.file),
      fileTable(cache.tool, taken.snapshot, taken.entries, (path) => {
        const file = byPath.get(path);
        const fingerprint = file ? digests.fingerprintOf(file) : undefined;
        return file && fingerprint !== undefined ? [fingerprint, digests.contentSha256(file)] : undefined;
      }),
    );
  } catch {
    // A state that cannot be recorded only costs the next run its shortcut.
  }
}
