/**
 * Parsing manifest files in worker threads. YAML parsing is most of `lint --parse-all` (about 60% of its CPU at
 * 20,000 files), and each file parses on its own, so files are sent to workers in batches while the main thread goes
 * on reading the next ones. A worker runs exactly `parseManifestDocuments`, the function the main thread runs without
 * workers, and its answer is plain data (values and diagnostics), so where a file was parsed never changes a result.
 *
 * Workers start only once a run has queued a full batch (small runs never pay their start-up), and only when the
 * compiled worker script exists (running from TypeScript sources, as the tests do, parses in-process unless a test
 * names the script). A worker that fails hands its batches back to the main thread, which parses them itself.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { InputLimits } from '../load/limits.js';
import { runParseJob, type FileOutcome, type ParseJob, type ParseOutcome } from './read-file.js';

export type { FileOutcome, ParseJob, ParseOutcome };

/** Main thread -> worker. */
export interface ParseRequest {
  readonly id: number;
  readonly files: readonly ParseJob[];
  readonly limits: InputLimits;
}

/** Worker -> main thread: one outcome per file, in the request's order. */
export interface ParseReply {
  readonly id: number;
  readonly outcomes: readonly FileOutcome[];
}

export interface ParsePoolOptions {
  /** Worker threads; 0 parses everything in this thread. Default: one per available CPU, at most 4. */
  readonly workers?: number;
  /** The compiled worker script; default: parse-worker.js beside this module (absent when running from sources). */
  readonly script?: string | URL;
  /** Files per message: large enough that messaging costs little, small enough to keep every worker busy. */
  readonly batch?: number;
  readonly limits: InputLimits;
}

interface Pending {
  readonly jobs: readonly ParseJob[];
  readonly resolve: (outcomes: readonly FileOutcome[]) => void;
}

interface PoolWorker {
  readonly worker: Worker;
  readonly inFlight: Map<number, Pending>;
  failed: boolean;
}

const DEFAULT_SCRIPT = new URL('./parse-worker.js', import.meta.url);

export function defaultParseWorkers(): number {
  return Math.min(4, availableParallelism());
}

function parseHere(jobs: readonly ParseJob[], limits: InputLimits): FileOutcome[] {
  return jobs.map((job) => runParseJob(job, limits));
}

/**
 * Parses files, in workers when that pays. `parse` queues one file and resolves with its outcome; `close` flushes
 * what is queued (in this thread when no worker was ever started) and stops the workers. Always close it.
 */
export class ParsePool {
  private readonly limits: InputLimits;
  private readonly size: number;
  private readonly batchSize: number;
  private readonly script: string | URL | undefined;
  private readonly workers: PoolWorker[] = [];
  private queued: ParseJob[] = [];
  private waiting: ((outcome: FileOutcome) => void)[] = [];
  private readonly delivered: Promise<void>[] = [];
  private nextId = 0;

  constructor(options: ParsePoolOptions) {
    this.limits = options.limits;
    this.batchSize = Math.max(1, options.batch ?? 64);
    const script = options.script ?? DEFAULT_SCRIPT;
    const usable = existsSync(typeof script === 'string' ? script : fileURLToPath(script));
    this.script = usable ? script : undefined;
    this.size = usable ? Math.max(0, options.workers ?? defaultParseWorkers()) : 0;
  }

  /** Whether any file went to a worker (for tests). */
  get started(): boolean {
    return this.workers.length > 0;
  }

  /** Queues one file's text for parsing. */
  async parse(file: string, text: string): Promise<ParseOutcome> {
    const outcome = await this.submit({ file, text });
    // A text job always reads: only jobs given a path can fail to.
    if (outcome.read !== 'ok') throw new Error(`parse pool: ${file} was given as text but not read`);
    return outcome.parsed;
  }

  /** Queues one job: a file's text to parse, or a file's path to read, decode and parse. */
  submit(job: ParseJob): Promise<FileOutcome> {
    return new Promise((resolve) => {
      this.queued.push(job);
      this.waiting.push(resolve);
      if (this.queued.length >= this.batchSize && this.size > 0) this.flush();
    });
  }

  /** Sends what is queued; without workers (or a last partial batch before any started) parses it here. */
  private flush(final = false): void {
    if (this.queued.length === 0) return;
    const jobs = this.queued;
    const resolvers = this.waiting;
    this.queued = [];
    this.waiting = [];
    const deliver = (outcomes: readonly FileOutcome[]) => outcomes.forEach((outcome, i) => resolvers[i]!(outcome));
    const worker = final && this.workers.length === 0 ? undefined : this.pick();
    if (!worker) {
      deliver(parseHere(jobs, this.limits));
      return;
    }
    const id = this.nextId++;
    this.delivered.push(
      new Promise<void>((done) => {
        worker.inFlight.set(id, {
          jobs,
          resolve: (outcomes) => {
            deliver(outcomes);
            done();
          },
        });
      }),
    );
    const request: ParseRequest = { id, files: jobs, limits: this.limits };
    worker.worker.postMessage(request);
  }

  /** The worker for the next batch, starting them on first use; undefined when none can take work. */
  private pick(): PoolWorker | undefined {
    if (this.size === 0 || this.script === undefined) return undefined;
    if (this.workers.length < this.size) {
      const started = this.start(this.script);
      if (started) return started;
    }
    // The least busy worker: parsing times differ per batch, and round-robin left one worker idle a third of the time.
    let best: PoolWorker | undefined;
    for (const w of this.workers) if (!w.failed && (best === undefined || w.inFlight.size < best.inFlight.size)) best = w;
    return best;
  }

  private start(script: string | URL): PoolWorker | undefined {
    let worker: Worker;
    try {
      worker = new Worker(script);
    } catch {
      return undefined;
    }
    const entry: PoolWorker = { worker, inFlight: new Map(), failed: false };
    worker.on('message', (reply: ParseReply) => {
      const pending = entry.inFlight.get(reply.id);
      if (!pending) return;
      entry.inFlight.delete(reply.id);
      pending.resolve(reply.outcomes);
    });
    // A worker that dies (out of memory, a bug) must not lose files: its batches are parsed here instead.
    const takeBack = () => {
      entry.failed = true;
      for (const pending of entry.inFlight.values()) pending.resolve(parseHere(pending.jobs, this.limits));
      entry.inFlight.clear();
    };
    worker.on('error', takeBack);
    worker.on('exit', takeBack);
    this.workers.push(entry);
    return entry;
  }

  /** Flushes and waits for every outcome, then stops the workers. */
  async close(): Promise<void> {
    this.flush(true);
    await Promise.all(this.delivered);
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
