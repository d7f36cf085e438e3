// Reviews of a change file against a stored version, as `bunkatsu review` does them, inside a
// pool worker. The base (the stored version loaded, its engine and full check) is prepared once
// per version and date and kept in the worker's LRU cache: a stored version never changes.

import { InputError } from '../errors.ts';
import { loadDocument } from '../model/load.ts';
import { readSource, type SourceDocument } from '../model/source.ts';
import type { Lang } from '../report/describe.ts';
import { reviewMarkdown } from '../report/markdown.ts';
import { reviewJson } from '../report/review.ts';
import { reviewSarif } from '../report/sarif.ts';
import { networkAfter } from '../review/apply.ts';
import { isNotAChangeFile, loadChange, type LoadedChange } from '../review/change.ts';
import { prepareBase, review, type ReviewBase, type ReviewInput } from '../review/review.ts';
import type { ReviewReport } from '../review/types.ts';
import type { ReviewFormat } from '../store/store.ts';
import { LruMap } from './lru.ts';
import type { Policy } from './workspace.ts';

export interface BaseEntry {
  /** The stored text as a document: what structural changes are applied to. */
  readonly doc: SourceDocument;
  readonly base: ReviewBase;
}

export interface ReviewOutcome {
  readonly report: ReviewReport;
  readonly renderings: Readonly<Record<ReviewFormat, string>>;
}

/** loadChange, with a plain first diagnostic when the body is not a change file at all (e.g. a whole topology). */
function loadChangeFile(text: string, filename: string): LoadedChange {
  try {
    return loadChange(text, filename);
  } catch (error) {
    if (isNotAChangeFile(error)) {
      throw new InputError([{
        code: 'BNK_ERR_SCHEMA',
        message: 'not a change file (it needs "bunkatsu-change: 1"): this route reviews change files only; upload a whole topology as a new version instead',
        loc: { file: filename, line: 1, column: 1 },
      }, ...error.diagnostics]);
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
   * hit only) for a date (exception expiry depends on it). Undefined on a miss without text.
   */
  base(version: string, filename: string, text: string | undefined, today: string): BaseEntry | undefined {
    const key = `${version}\u0000${today}`;
    const hit = this.entries.get(key);
    if (hit || text === undefined) return hit;
    const read = readSource(text, filename);
    if (!read.ok) throw new InputError(read.diagnostics);
    const network = loadDocument(read.doc, { domains: this.policy.domains });
    const entry = { doc: read.doc, base: prepareBase(network, this.policy.pack, today) };
    this.prepared += 1;
    this.entries.set(key, entry);
    return entry;
  }

  /**
   * Loads the change file (InputError with file:line:column when it is bad), applies it to the
   * stored version (in memory for rule-only changes) and reviews it; renders every format.
   * Undefined when the base is not prepared and base() has no text to prepare it from.
   */
  run(base: () => BaseEntry | undefined, text: string, filename: string, today: string, lang: Lang): ReviewOutcome | undefined {
    const loaded = loadChangeFile(text, filename);
    const entry = base();
    if (!entry) return undefined;
    return this.review(entry, loaded, filename, today, lang);
  }

  private review({ doc, base }: BaseEntry, loaded: LoadedChange, filename: string, today: string, lang: Lang): ReviewOutcome {
    const applied = networkAfter(base.network, doc, loaded, { domains: this.policy.domains });
    const after = applied.after;
    const change: ReviewInput['change'] = { file: filename, operations: applied.operations, touched: applied.touched };
    const { report } = review(base, { after, pack: this.policy.pack, today, change });
    const networks = { before: base.network, after };
    return {
      report,
      renderings: {
        json: reviewJson(report, networks, lang),
        sarif: reviewSarif(report, networks, lang),
        markdown: reviewMarkdown(report, networks, lang),
      },
    };
  }
}
