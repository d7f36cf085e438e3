// The check worker thread: runs large checks off the event loop so the server keeps serving.
// Messages in: a job (topology text, policy text, engine, date, language). Out: progress, then
// done or failed. One job at a time; the parent queues the rest.

import { parentPort } from 'node:worker_threads';
import { InputError, type Lang, loadPack, loadTopology } from '../index.ts';
import { ENGINES } from '../engine/registry.ts';
import { runStoredCheck } from './check-run.ts';
import { diagnosticsJson } from './errors.ts';

export interface WorkerJob {
  readonly id: string;
  readonly content: string;
  readonly filename: string;
  readonly policyText: string;
  readonly policySource: string;
  readonly engine: string;
  readonly today: string;
  readonly lang: Lang;
}

export type WorkerMessage =
  | { readonly type: 'progress'; readonly id: string; readonly done: number; readonly total: number }
  | { readonly type: 'done'; readonly id: string; readonly summary: unknown; readonly report: string; readonly rules: number }
  | { readonly type: 'failed'; readonly id: string; readonly error: { code: string; message: string; diagnostics?: unknown } };

function run(job: WorkerJob): WorkerMessage {
  try {
    const pack = loadPack(job.policyText, job.policySource);
    const network = loadTopology(job.content, job.filename, { domains: new Set(Object.keys(pack.domains)) });
    const factory = ENGINES[job.engine];
    if (!factory) return { type: 'failed', id: job.id, error: { code: 'BNK_ERR_USAGE', message: `unknown engine "${job.engine}"` } };
    const out = runStoredCheck(network, pack, factory, job.today, job.lang, (_rule, index, total) => {
      parentPort?.postMessage({ type: 'progress', id: job.id, done: index, total } satisfies WorkerMessage);
    });
    return { type: 'done', id: job.id, summary: out.summary, report: out.report, rules: out.rules };
  } catch (error) {
    if (error instanceof InputError) {
      return { type: 'failed', id: job.id, error: { code: error.diagnostics[0]?.code ?? 'BNK_ERR_USAGE', message: error.message, diagnostics: diagnosticsJson(error.diagnostics) } };
    }
    return { type: 'failed', id: job.id, error: { code: 'BNK_ERR_INTERNAL', message: error instanceof Error ? error.message : String(error) } };
  }
}

parentPort?.on('message', (job: WorkerJob) => {
  parentPort?.postMessage(run(job));
});
