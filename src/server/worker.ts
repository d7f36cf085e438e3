// The pool worker (piscina): parses and validates uploads, runs checks, traces, matrices and
// reviews off the server's event loop. Each worker keeps its own LRU of loaded versions and
// review bases; a task that names a version the worker has not loaded answers `miss`, and the
// server sends it again with the version's text (so the text crosses threads only when needed).

import { createHash } from 'node:crypto';
import type { MessagePort } from 'node:worker_threads';
import { workerData } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import {
  type Diagnostic,
  InputError,
  type Lang,
  type MatrixLevel,
  matrixCsv,
  matrixJson,
  outcomesJson,
  recomputeReason,
  resolveAddress,
  resolveService,
  traceFlow,
  zoneGraph,
  zoneMatrix,
} from '../index.ts';
import { type CheckOutput, runStoredCheck, storedCheckHtml } from './check-run.ts';
import { HttpError } from './errors.ts';
import { type ImportInput, type ImportOutput, runImport } from './import-run.ts';
import { ReviewBases, type ReviewOutcome } from './review-run.ts';
import { engineNamed, policyOf, versionKey, Workspace } from './workspace.ts';

// piscina starts worker-shim.cjs, which loads this module with import() (a require() of an ES
// module interrupted by a shutdown aborted the process); the top-level await below keeps a
// require() of it, should one happen, from taking the synchronous path at all.
await Promise.resolve();

/** What the server hands each worker at start (piscina's workerData). */
export interface WorkerSetup {
  readonly policyText: string;
  readonly policySource: string;
  /** Loaded versions (and review bases) each worker keeps. */
  readonly cacheEntries: number;
}

/** A stored version: its cache key, file name and, when the worker must load it, its text. */
export interface VersionRef {
  readonly key: string;
  readonly filename: string;
  readonly text?: string;
  /** A check's flows file, loaded with the version (the key says so: workspace.ts versionRef). */
  readonly flows?: { readonly filename: string; readonly text: string };
}

export type Task =
  | { readonly kind: 'load'; readonly text: string; readonly filename: string }
  | {
      readonly kind: 'check';
      readonly version: VersionRef;
      readonly engine: string;
      readonly today: string;
      readonly lang: Lang;
      /** Progress of an asynchronous check: {done, total} per rule started. */
      readonly progress?: MessagePort;
    }
  | {
      readonly kind: 'trace';
      readonly version: VersionRef;
      readonly engine: string;
      readonly src: string;
      readonly dst: string;
      readonly service: string;
      readonly lang: Lang;
    }
  | {
      /** The audit report (HTML) of a stored check: its version, engine and date; sha256: the version's hash. */
      readonly kind: 'report';
      readonly version: VersionRef;
      readonly engine: string;
      readonly today: string;
      readonly sha256: string;
      readonly lang: Lang;
    }
  | {
      readonly kind: 'matrix';
      readonly version: VersionRef;
      readonly engine: string;
      readonly level: MatrixLevel;
      readonly format: 'json' | 'csv';
      readonly lang: Lang;
    }
  | { readonly kind: 'graph'; readonly version: VersionRef }
  /** An import (POST /projects/{p}/imports): composed, then loaded like an upload, so that only a topology that can be checked is stored. */
  | { readonly kind: 'import'; readonly input: ImportInput }
  | {
      readonly kind: 'review';
      readonly version: VersionRef;
      readonly change: string;
      readonly changeFilename: string;
      readonly today: string;
      readonly lang: Lang;
      /** The engine's name in the registry (checked by the route). */
      readonly engine: string;
    };

export interface ReviewAnswer {
  readonly verdict: ReviewOutcome['report']['verdict'];
  readonly summary: ReviewOutcome['report']['summary'];
  /** The mode and its reason in the request's language, as stored and served. */
  readonly recompute: { readonly mode: ReviewOutcome['report']['recompute']['mode']; readonly reason: string };
  readonly renderings: ReviewOutcome['renderings'];
  /** Whether this review prepared its base (a cache miss). */
  readonly prepared: boolean;
}

export interface Answers {
  load: { readonly name: string; readonly model: string };
  check: CheckOutput;
  report: string;
  trace: string;
  matrix: string;
  graph: string;
  review: ReviewAnswer;
  /** `topology`: its name and model once loaded; none when strict refuses the warnings (the job stores that failure). */
  import: ImportOutput & { readonly topology?: Answers['load'] };
}

export interface CacheSizes {
  readonly topologies: number;
  readonly reviewBases: number;
}

/** A task's outcome. Errors travel as data: an Error loses its diagnostics crossing threads. */
export type Outcome<K extends Task['kind']> =
  | { readonly ok: true; readonly value: Answers[K]; readonly cache: CacheSizes }
  | { readonly ok: false; readonly miss: true }
  | { readonly ok: false; readonly miss?: false; readonly error: WorkerFailure };

export type WorkerFailure =
  | { readonly kind: 'input'; readonly diagnostics: readonly Diagnostic[] }
  | { readonly kind: 'http'; readonly code: HttpError['code']; readonly message: string }
  | { readonly kind: 'bug'; readonly name: string; readonly message: string; readonly stack?: string };

const setup = workerData as WorkerSetup;
const policy = policyOf(setup.policyText, setup.policySource);
const workspace = new Workspace(policy, setup.cacheEntries);
const reviews = new ReviewBases(policy, setup.cacheEntries);

/** Share of the heap limit past which the caches give up their oldest entries. */
const HEAP_HIGH_WATER = 0.5;

const MISS = Symbol('miss');

function loaded(ref: VersionRef): NonNullable<ReturnType<Workspace['entry']>> {
  const entry = workspace.entry(ref.key, ref.filename, ref.text, ref.flows);
  if (!entry) throw MISS;
  return entry;
}

function perform(task: Task): Answers[Task['kind']] {
  switch (task.kind) {
    case 'load': {
      const network = workspace.load(task.text, task.filename);
      workspace.remember(versionKey(createHash('sha256').update(task.text).digest('hex'), task.filename), network);
      return { name: network.name, model: network.model ?? 'none' };
    }
    case 'import': {
      const out = runImport(task.input);
      if (task.input.strict && out.warnings.length > 0) return out;
      const network = workspace.load(out.text, out.filename);
      workspace.remember(versionKey(createHash('sha256').update(out.text).digest('hex'), out.filename), network);
      return { ...out, topology: { name: network.name, model: network.model ?? 'none' } };
    }
    case 'check': {
      const entry = loaded(task.version);
      const port = task.progress;
      const out = runStoredCheck(
        entry.network,
        policy.pack,
        engineNamed(task.engine).factory,
        task.today,
        task.lang,
        port ? (_rule, index, total) => port.postMessage({ done: index, total }) : undefined,
      );
      port?.close();
      return out;
    }
    case 'report': {
      const entry = loaded(task.version);
      const { engine, today, sha256, lang } = task;
      const flows = task.version.flows
        ? { file: task.version.flows.filename, sha256: createHash('sha256').update(task.version.flows.text).digest('hex') }
        : undefined;
      return workspace.answer(entry, JSON.stringify(['report', engine, today, lang]), () =>
        storedCheckHtml(entry.network, policy.pack, engineNamed(engine).factory, today, sha256, lang, flows),
      );
    }
    case 'trace': {
      const entry = loaded(task.version);
      const { src, dst, service, lang } = task;
      return workspace.answer(entry, JSON.stringify(['trace', task.engine, src, dst, service, lang]), () => {
        const { engine } = workspace.engine(entry, task.engine);
        const network = entry.network;
        const from = resolveAddress(network, src);
        const to = resolveAddress(network, dst);
        const svc = resolveService(network, service);
        if (!from.ok || !to.ok || !svc.ok) {
          const at = { file: '<request>', line: 1, column: 1 };
          const problems: Diagnostic[] = [from, to, svc].flatMap((r) => (r.ok ? [] : [{ code: 'BNK_ERR_USAGE' as const, message: r.error, loc: at }]));
          throw new InputError(problems);
        }
        const outcomes = traceFlow(network, engine, from.value, to.value, svc.value);
        return JSON.stringify({ flow: { src, dst, service }, engine: task.engine, outcomes: outcomesJson(network, outcomes, lang) });
      });
    }
    case 'matrix': {
      const entry = loaded(task.version);
      return workspace.answer(entry, JSON.stringify(['matrix', task.engine, task.level, task.format, task.lang]), () => {
        const matrix = zoneMatrix(entry.network, workspace.engine(entry, task.engine).engine, task.level);
        return task.format === 'csv' ? matrixCsv(entry.network, matrix, policy.pack.domains, task.lang) : matrixJson(entry.network, matrix);
      });
    }
    case 'graph': {
      const entry = loaded(task.version);
      return workspace.answer(entry, JSON.stringify(['graph']), () => JSON.stringify(zoneGraph(entry.network, policy.pack.domains)));
    }
    case 'review': {
      const before = reviews.prepared;
      const { version: ref } = task;
      const out = reviews.run(
        () => reviews.base(ref.key, ref.filename, ref.text, task.today, task.engine),
        task.change,
        task.changeFilename,
        task.today,
        task.lang,
      );
      if (!out) throw MISS;
      const { report, renderings } = out;
      const recompute = { mode: report.recompute.mode, reason: recomputeReason(report.recompute.cause, task.lang) };
      return { verdict: report.verdict, summary: report.summary, recompute, renderings, prepared: reviews.prepared > before };
    }
  }
}

function failure(error: unknown): WorkerFailure {
  if (error instanceof InputError) return { kind: 'input', diagnostics: error.diagnostics };
  if (error instanceof HttpError) return { kind: 'http', code: error.code, message: error.message };
  const e = error instanceof Error ? error : new Error(String(error));
  return { kind: 'bug', name: e.name, message: e.message, ...(e.stack === undefined ? {} : { stack: e.stack }) };
}

/** Gives up the oldest cached versions while the heap is past the high-water mark. */
function trim(): void {
  const heap = getHeapStatistics();
  let used = heap.used_heap_size;
  // The most recent entry of each cache stays: the next question is most likely about it.
  while (used > HEAP_HIGH_WATER * heap.heap_size_limit && ((reviews.size > 1 && reviews.evictOldest()) || (workspace.size > 1 && workspace.evictOldest()))) {
    used = getHeapStatistics().used_heap_size;
  }
}

export default function run(task: Task): Outcome<Task['kind']> {
  try {
    const value = perform(task);
    return { ok: true, value, cache: { topologies: workspace.size, reviewBases: reviews.size } };
  } catch (error) {
    if (error === MISS) return { ok: false, miss: true };
    return { ok: false, error: failure(error) };
  } finally {
    if (task.kind === 'check') task.progress?.close();
    trim();
  }
}
