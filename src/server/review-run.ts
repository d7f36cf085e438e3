// Reviews of a change file against a stored version, as `bunkatsu review` does them, inside a
// pool worker. The base (the stored version loaded, its engine and full check) is prepared once
// per version, date and engine and kept in the worker's LRU cache: a stored version never changes.

import {
  InputError,
  type Lang,
  NotAChangeFileError,
  type Pack,
  type PreparedTopology,
  prepareReview,
  readChange,
  loadReviewTopology,
  render,
  type ReviewChange,
  reviewChange,
  type ReviewReport,
} from '../index.ts';
import type { ReviewFormat } from '../store/store.ts';
import { LruMap } from './lru.ts';
import type { Policy } from './workspace.ts';

/** A stored version read, loaded and prepared for reviews (its engine and full check). */
export type BaseEntry = PreparedTopology;

export interface ReviewOutcome {
  readonly report: ReviewReport;
  readonly renderings: Readonly<Record<ReviewFormat, string>>;
}

/** readChange for change files only, with a plain first diagnostic when the body is not one (e.g. a whole topology). */
function readChangeFile(text: string, filename: string, pack: Pack): ReviewChange {
  try {
    return readChange(text, filename, pack, 'change');
  } catch (error) {
    if (error instanceof NotAChangeFileError) {
      throw new InputError([
        {
          code: 'BNK_ERR_SCHEMA',
          message: 'not a change file (it needs "bunkatsu-change: 1"): this route reviews change files only; upload a whole topology as a new version instead',
          loc: { file: filename, line: 1, column: 1 },
        },
        ...error.diagnostics,
      ]);
    }
    throw error;
  }
}

export class ReviewBases {
  private readonly entries: LruMap<BaseEntry>;
  /** How many bases were prepared (a cache miss each): for tests and metrics. */
  prepared = 0;

  constructor(
    private readonly policy: Policy,
    maxEntries: number,
  ) {
    this.entries = new LruMap(maxEntries);
  }

  get size(): number {
    return this.entries.size;
  }

  evictOldest(): boolean {
    return this.entries.evictOldest();
  }

  /**
   * The base of a stored version (its cache key, file name, and text: undefined asks for a cache
   * hit only) for a date (exception expiry depends on it) on an engine (by its registry name).
   * Undefined on a miss without text.
   */
  base(version: string, filename: string, text: string | undefined, today: string, engine: string): BaseEntry | undefined {
    const key = `${version}\u0000${today}\u0000${engine}`;
    const hit = this.entries.get(key);
    if (hit || text === undefined) return hit;
    const entry = prepareReview(loadReviewTopology(text, filename, this.policy.pack), this.policy.pack, today, engine);
    this.prepared += 1;
    this.entries.set(key, entry);
    return entry;
  }

  /**
   * Reads the change file (InputError with file:line:column when it is bad), applies it to the
   * stored version (in memory for rule-only changes) and reviews it; renders every format.
   * Undefined when the base is not prepared and base() has no text to prepare it from.
   */
  run(base: () => BaseEntry | undefined, text: string, filename: string, today: string, lang: Lang): ReviewOutcome | undefined {
    const change = readChangeFile(text, filename, this.policy.pack);
    const entry = base();
    if (!entry) return undefined;
    const { report, networks } = reviewChange({ base: entry, change, file: filename, pack: this.policy.pack, today });
    const subject = { kind: 'review', report, networks } as const;
    return {
      report,
      renderings: { json: render('json', subject, lang), sarif: render('sarif', subject, lang), markdown: render('markdown', subject, lang) },
    };
  }
}
