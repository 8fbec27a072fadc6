/**
 * A parse worker (node:worker_threads) of lint's pool, see parse-pool.ts: receives batches of jobs (a file's text, or
 * its path to read first), answers each with runParseJob's result (plain, structured-clonable data), in batch order.
 */
import { parentPort } from 'node:worker_threads';
import type { ParseReply, ParseRequest } from './parse-pool.js';
import { runParseJob } from './read-file.js';

parentPort?.on('message', (request: ParseRequest) => {
  const reply: ParseReply = { id: request.id, outcomes: request.files.map((job) => runParseJob(job, request.limits)) };
  parentPort!.postMessage(reply);
});
