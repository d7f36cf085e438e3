// Loaded topologies and their engines, kept in a small LRU cache inside each pool worker so that
// traces, matrices and checks on a stored version do not parse it again. Bounded by count (and
// trimmed when the worker's heap fills): memory does not grow with traffic.

import { createHash } from 'node:crypto';
import {
  DEFAULT_ENGINE,
  ENGINES,
  type EngineFactory,
  engineFactoryNamed,
  type Network,
  type Pack,
  type ReachabilityEngine,
  loadPack,
  loadTopology,
  readFlows,
} from '../index.ts';
import type { CheckFlows, Store, VersionRecord } from '../store/store.ts';
import { HttpError } from './errors.ts';
import { LruMap } from './lru.ts';

/** The policy pack the server checks with, and its text (handed to the pool workers). */
export interface Policy {
  readonly pack: Pack;
  readonly text: string;
  readonly source: string;
  readonly domains: ReadonlySet<string>;
}

export function policyOf(text: string, source: string): Policy {
  const pack = loadPack(text, source);
  return { pack, text, source, domains: new Set(Object.keys(pack.domains)) };
}

/** The engine factory by name (`?engine=`), or the registry's default. */
export function engineNamed(name: string | undefined): { name: string; factory: EngineFactory } {
  const chosen = name ?? DEFAULT_ENGINE;
  const factory = engineFactoryNamed(chosen);
  if (!factory) throw new HttpError('BNK_ERR_USAGE', `unknown engine "${chosen}" (available: ${Object.keys(ENGINES).join(', ')})`);
  return { name: chosen, factory };
}

export interface Loaded {
  readonly network: Network;
  readonly engines: Map<string, ReachabilityEngine>;
  /** Answers already computed for this version (versions never change), most recent last. */
  readonly answers: Map<string, string>;
}

/** Answers (traces, matrices) kept per loaded version. */
const ANSWERS_PER_VERSION = 1000;

export class Workspace {
  private readonly entries: LruMap<Loaded>;

  constructor(
    readonly policy: Policy,
    maxEntries: number,
  ) {
    this.entries = new LruMap(maxEntries);
  }

  /** Parses and validates text (with a flows file's intents, exceptions and cloud services); throws InputError with every diagnostic. */
  load(text: string, filename: string, flows?: CheckFlows): Network {
    return loadTopology(text, filename, { domains: this.policy.domains, flows: flows ? [readFlows(flows.text, flows.filename)] : [] });
  }

  /** Keeps a network just loaded (on upload) so the first trace need not parse it again. */
  remember(key: string, network: Network): void {
    this.entries.set(key, { network, engines: new Map(), answers: new Map() });
  }

  /**
   * The loaded version under key, loaded from text on a miss; undefined on a miss without text.
   * A version loaded with a flows file has a key of its own (versionRef).
   */
  entry(key: string, filename: string, text: string | undefined, flows?: CheckFlows): Loaded | undefined {
    const hit = this.entries.get(key);
    if (hit || text === undefined) return hit;
    const entry: Loaded = { network: this.load(text, filename, flows), engines: new Map(), answers: new Map() };
    this.entries.set(key, entry);
    return entry;
  }

  engine(entry: Loaded, name: string | undefined): { name: string; engine: ReachabilityEngine } {
    const { name: chosen, factory } = engineNamed(name);
    let engine = entry.engines.get(chosen);
    if (!engine) {
      engine = factory(entry.network);
      entry.engines.set(chosen, engine);
    }
    return { name: chosen, engine };
  }

  /**
   * The answer to a question about a stored version, computed once: a stored version is
   * immutable and the engines are deterministic, so the same question has the same answer.
   */
  answer(entry: Loaded, question: string, compute: () => string): string {
    const answers = entry.answers;
    const hit = answers.get(question);
    if (hit !== undefined) {
      answers.delete(question);
      answers.set(question, hit);
      return hit;
    }
    const fresh = compute();
    answers.set(question, fresh);
    if (answers.size > ANSWERS_PER_VERSION) answers.delete(answers.keys().next().value as string);
    return fresh;
  }

  get size(): number {
    return this.entries.size;
  }

  evictOldest(): boolean {
    return this.entries.evictOldest();
  }
}

/** The text of a stored version (404 when it is gone). */
export async function storedText(store: Store, v: VersionRecord): Promise<string> {
  const text = await store.getContent(v.project, v.version);
  if (text === undefined) throw new HttpError('BNK_ERR_NOT_FOUND', `version ${v.version} of project "${v.project}" not found`);
  return text;
}

/**
 * The cache key of a stored version's loaded form: its sha256 and file name (diagnostics and
 * reports name the file). A version is immutable, and an upload warms the key before it is stored.
 */
export const versionKey = (hash: string, filename: string): string => `${hash}\u0000${filename}`;

/**
 * A stored version as a pool task names it (the pool adds the text when a worker asks), with a
 * check's flows file: a version loaded with one has a key of its own (its name and digest added).
 */
export function versionRef(v: VersionRecord, flows?: CheckFlows | null): { key: string; filename: string; flows?: CheckFlows } {
  const key = versionKey(v.hash, v.filename);
  if (!flows) return { key, filename: v.filename };
  return { key: JSON.stringify([key, flows.filename, createHash('sha256').update(flows.text).digest('hex')]), filename: v.filename, flows };
}
