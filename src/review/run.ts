// The review pipeline, once for every caller (the CLI's review and simulate, the server's
// workers): read the topology before, read the change (a change file, or for callers that take
// them, the whole topology after), apply it, prepare the base (engine and full check) and review.
// On any engine of the registry, by name or factory (the fast engine by default).

import { DEFAULT_ENGINE, engineFactoryNamed, ENGINES } from '../engine/registry.ts';
import type { EngineFactory } from '../engine/types.ts';
import { InputError } from '../errors.ts';
import { withFlows } from '../model/flows.ts';
import { loadDocument } from '../model/load.ts';
import type { Network } from '../model/network.ts';
import { readSource, type SourceDocument } from '../model/source.ts';
import type { Pack } from '../policy/pack.ts';
import { networkAfter } from './apply.ts';
import { documentKind, type LoadedChange, loadChangeDocument } from './change.ts';
import { prepareBase, review, type ReviewBase, type ReviewInput } from './review.ts';
import type { ReviewNetworks, ReviewReport } from './types.ts';

/** The topology a change is reviewed against: its document (structural changes edit it) and network; its base once prepared. */
export interface ReviewTopology {
  readonly doc: SourceDocument;
  readonly network: Network;
  /** Its engine and full check (prepareReview); computed once, reused by every review against it on that engine. */
  readonly base?: ReviewBase;
}

/** A topology with its base prepared: what a cache of review bases keeps. */
export type PreparedTopology = ReviewTopology & { readonly base: ReviewBase };

/** The change under review: a change file, or (review of two whole topologies) the topology after. */
export type ReviewChange = { readonly kind: 'change'; readonly loaded: LoadedChange } | { readonly kind: 'topology'; readonly after: Network };

/** Which documents a caller takes as the change: change files only (the HTTP API), or whole topologies too (the CLI). */
export type ChangeAccept = 'change' | 'change-or-topology';

export interface ReviewRequest {
  /** The topology before: its text and file name, or read already (loadReviewTopology, prepareReview). */
  readonly base: { readonly text: string; readonly file: string } | ReviewTopology;
  /** The change: its text (read as `accept` says), or read already (readChange). */
  readonly change: string | ReviewChange;
  /** The change's file name, for locations. */
  readonly file: string;
  readonly pack: Pack;
  /** YYYY-MM-DD: exceptions expire by it. */
  readonly today: string;
  /** Default 'change-or-topology'. */
  readonly accept?: ChangeAccept;
  /** Flows files (read) whose intents, exceptions and cloud services join both topologies (flows.ts). */
  readonly flows?: readonly SourceDocument[];
  /**
   * The engine: a name of the registry (`fast`, `reference`) or a factory. Default: the one the
   * topology's base was prepared with, or the registry's default.
   */
  readonly engine?: string | EngineFactory;
}

export interface ReviewResult {
  readonly report: ReviewReport;
  readonly networks: ReviewNetworks;
}

const domainsOf = (pack: Pack): Set<string> => new Set(Object.keys(pack.domains));

function read(text: string, file: string): SourceDocument {
  const result = readSource(text, file);
  if (!result.ok) throw new InputError(result.diagnostics);
  return result.doc;
}

/**
 * Reads and loads the topology before the change (InputError with locations when it is bad),
 * with the flows files' intents, exceptions and cloud services (flows.ts) when given.
 */
export function loadReviewTopology(text: string, file: string, pack: Pack, flows: readonly SourceDocument[] = []): ReviewTopology {
  // The document a change is applied to holds the flows too: the network after keeps them.
  const doc = withFlows(read(text, file), flows);
  return { doc, network: loadDocument(doc, { domains: domainsOf(pack) }) };
}

/** An engine by name (InputError BNK_ERR_USAGE for a name the registry does not have) or as given. */
function engineFactoryOf(engine: string | EngineFactory): EngineFactory {
  if (typeof engine !== 'string') return engine;
  const factory = engineFactoryNamed(engine);
  if (!factory) {
    const message = `unknown engine "${engine}" (available: ${Object.keys(ENGINES).join(', ')})`;
    throw new InputError([{ code: 'BNK_ERR_USAGE', message, loc: { file: '<engine>', line: 1, column: 1 } }]);
  }
  return factory;
}

/**
 * Prepares the base of a topology (its engine and full check for the date) on the engine given
 * (by default the base's own, or the registry's default); the same topology when it has a base
 * on that engine.
 */
export function prepareReview(topology: ReviewTopology, pack: Pack, today: string, engine?: string | EngineFactory): PreparedTopology {
  const factory = engine === undefined ? (topology.base?.factory ?? ENGINES[DEFAULT_ENGINE]!) : engineFactoryOf(engine);
  if (topology.base?.factory === factory) return topology as PreparedTopology;
  return { ...topology, base: prepareBase(topology.network, pack, today, factory) };
}

/**
 * Reads the change. A change file is recognised by its data (documentKind: the `bunkatsu-change`
 * key); anything else is a topology after the change when `accept` allows it, and otherwise
 * fails with NotAChangeFileError.
 */
export function readChange(
  text: string,
  file: string,
  pack: Pack,
  accept: ChangeAccept = 'change-or-topology',
  flows: readonly SourceDocument[] = [],
): ReviewChange {
  const doc = read(text, file);
  if (accept === 'change' || documentKind(doc.data) === 'change') return { kind: 'change', loaded: loadChangeDocument(doc, file) };
  // A whole topology after the change gets the same flows files as the one before.
  return { kind: 'topology', after: loadDocument(doc, { domains: domainsOf(pack), flows }) };
}

/** Reviews a change against a topology: the report, and the networks before and after for rendering. */
export function reviewChange(request: ReviewRequest): ReviewResult {
  const { pack, today, file } = request;
  const flows = request.flows ?? [];
  const topology = 'network' in request.base ? request.base : loadReviewTopology(request.base.text, request.base.file, pack, flows);
  const change = typeof request.change === 'string' ? readChange(request.change, file, pack, request.accept, flows) : request.change;
  let after: Network;
  let input: ReviewInput['change'];
  if (change.kind === 'change') {
    const applied = networkAfter(topology.network, topology.doc, change.loaded, { domains: domainsOf(pack) });
    after = applied.after;
    input = { file, operations: applied.operations, touched: applied.touched };
  } else {
    after = change.after;
    input = undefined;
  }
  const { base } = prepareReview(topology, pack, today, request.engine);
  const { report } = review(base, { after, pack, today, change: input });
  return { report, networks: { before: topology.network, after } };
}
