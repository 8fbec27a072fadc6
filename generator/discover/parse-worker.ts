/**
 * A parse worker (node:worker_threads) of lint's pool, see parse-pool.ts: receives batches of files' text, answers
 * each with parseManifestDocuments' result (plain, structured-clonable data), in the batch's order.
 */
import { parentPort } from 'node:worker_threads';
import { parseManifestDocuments } from '../manifest/from-text.js';
import type { ParseReply, ParseRequest } from './parse-pool.js';

parentPort?.on('message', (request: ParseRequest) => {
  const reply: ParseReply = { id: request.id, outcomes: request.files.map((job) => parseManifestDocuments(job.file, job.text, request.limits)) };
  parentPort!.postMessage(reply);
});
