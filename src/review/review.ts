// Reviews a change: what it opens and closes between zones, the findings it brings and
// resolves, the intents it breaks and restores, and a verdict. Incremental when it can be:
// headers are never rewritten, so a header the change does not touch (no rule, route or
// element on its way changes what it meets) arrives exactly where it did; only the touched
// headers are recomputed, and only the findings and intents they can affect are re-checked.
// Written once for every engine: through the engine interface, its sets in the engine's space.

import type { HeaderSpace } from '../engine/space.ts';
import { endOf, type EngineFactory, type Failures, NO_FAILURES, type ReachabilityEngine, zoneOfEnd } from '../engine/types.ts';
import { InputError, type Loc } from '../errors.ts';
import { attachId } from '../model/graph.ts';
import { type Intent, type Network, ownedByZones, type Zone, zoneOfAddress, zonesOf } from '../model/network.ts';
import { classesOf, planIntent, splitBySource, traceWitness } from '../policy/analysis.ts';
import { runCheck } from '../policy/check.ts';
import type { Pack } from '../policy/pack.ts';
import { type CheckScope, scopeGroup } from '../policy/rules.ts';
import { type CheckReport, type Finding, findingKey, type Severity } from '../policy/types.ts';
import type { Touched } from './change.ts';
import type { ChangeOperation, FlowChange, IntentChange, IntentProblem, IntentStatus, RecomputeCause, ReviewReport, Verdict, ZoneMove } from './types.ts';
import { formatRange, IPV4_MAX, type Ipv4Range, meetsSorted } from '../net/ipv4.ts';
import { PORT_MAX, PROTO_MAX } from '../net/services.ts';

/** The network before the change with its engine and full check: computed once, reused. */
export interface ReviewBase {
  readonly network: Network;
  /** The factory the base was prepared with: what-if checks after a change use it too. */
  readonly factory: EngineFactory;
  readonly engine: ReachabilityEngine;
  readonly check: CheckReport;
}

/** The base of a review on the engine `factory` builds (any engine of the registry). */
export function prepareBase(network: Network, pack: Pack, today: string, factory: EngineFactory): ReviewBase {
  const engine = factory(network);
  const check = runCheck(network, pack, { engineFactory: factory, engine, today });
  intentHeaders(network, engine.space); // computed once here, not in the first review
  return { network, factory, engine, check };
}

export interface ReviewInput {
  readonly after: Network;
  readonly pack: Pack;
  readonly today: string;
  /** The change file's operations and what they touch; undefined when two whole topologies are compared. */
  readonly change: { readonly file: string; readonly operations: readonly ChangeOperation[]; readonly touched: Touched } | undefined;
}

/** The review, and the network after the change as the base for a review of the next change. */
export interface Reviewed {
  readonly report: ReviewReport;
  readonly next: ReviewBase;
}

export function review(base: ReviewBase, input: ReviewInput): Reviewed {
  const started = performance.now();
  const before = base.network;
  const { after, pack, today } = input;
  const touched = input.change?.touched;
  const failures = touched ? resolveDown(after, touched.down, input.change!.operations) : NO_FAILURES;

  // What to recompute: the headers the change touches (as the engine tells them), or everything.
  const structural: RecomputeCause | undefined = !touched ? { kind: 'whole-topologies' } : touched.structural && { kind: 'structural', ...touched.structural };
  const space: HeaderSpace<unknown> = base.engine.space;
  let devices: Set<number> | undefined;
  if (structural === undefined) {
    devices = new Set<number>();
    for (const id of [...touched!.rules, ...touched!.routes.keys()]) devices.add(after.ids.get(id)!.index);
  }
  const derived = base.engine.derive({ after, devices, failures });
  const { delta } = derived;
  const afterEngine = derived.engine;
  const merged = (f?: Failures): Failures =>
    f
      ? {
          zones: new Set([...failures.zones, ...f.zones]),
          devices: new Set([...failures.devices, ...f.devices]),
          edges: new Set([...failures.edges, ...f.edges]),
        }
      : failures;
  const incremental = !space.equals(delta, space.all);
  // An engine that always recomputes everything says so (derived.full).
  const recompute = incremental
    ? { mode: 'incremental' as const, cause: { kind: 'touched' } as const }
    : {
        mode: 'full' as const,
        cause: derived.full !== undefined ? ({ kind: 'engine', engine: base.engine.name } as const) : (structural ?? ({ kind: 'every-header' } as const)),
      };

  // Flows opened and closed, per destination zone, split by source zone.
  const zoneBefore = (id: string): number | undefined => {
    const ref = before.ids.get(id);
    return ref?.kind === 'zone' ? ref.index : undefined;
  };
  const candidates = incremental
    ? zonesOf(
        after,
        space.toBoxes(space.project(delta, 'dst')).map((b) => ({ lo: b.dstLo, hi: b.dstHi })),
      )
    : after.zones.map((z) => z.index);
  const newlyAllowed: FlowChange[] = [];
  const newlyBlocked: FlowChange[] = [];
  const rezonedStopped: FlowChange[] = [];
  const pairs = new Set<string>();
  // Re-zoning: headers with an address that changed zone arrive under other zone names. Those
  // that arrived before (anywhere) are not opened flows where they arrive now; those that arrived
  // before and arrive nowhere now are reported with the move, not as blocked.
  const rezoned = zoneMoves(before, after);
  let moved = space.empty;
  let arrivedBefore = space.empty;
  let arrivesAfter = space.empty;
  if (rezoned.length > 0) {
    const addresses = rezoned.flatMap((m) => m.addresses);
    const whole = [{ lo: 0, hi: IPV4_MAX }];
    moved = space.or(space.match({ src: addresses, dst: whole, services: ANY_SERVICE }), space.match({ src: whole, dst: addresses, services: ANY_SERVICE }));
    for (const z of before.zones) arrivedBefore = space.or(arrivedBefore, space.and(base.engine.arriving(z.index), moved));
    for (const z of after.zones) arrivesAfter = space.or(arrivesAfter, space.and(afterEngine.arriving(z.index), moved));
  }
  for (const z of candidates) {
    const zone = after.zones[z]!;
    const was = zoneBefore(zone.id);
    // Outside the delta both engines agree (derive's promise): only the delta's part can differ.
    const old = was !== undefined ? base.engine.arriving(was, delta) : space.empty;
    const now = afterEngine.arriving(z, delta);
    if (space.equals(old, now)) continue;
    const flows = (set: unknown, network: Network, engine: ReachabilityEngine, into: FlowChange[], toIndex: number): void => {
      if (space.isEmpty(set)) return;
      for (const [from, boxes] of splitBySource(network, space.toBoxes(set))) {
        if (from === toIndex) continue;
        const source = network.zones[from]!;
        const arrives = (d: Parameters<typeof endOf>[0]): boolean => {
          const end = endOf(d);
          return end !== undefined && zoneOfEnd(network, end) === toIndex;
        };
        into.push({
          from: source.id,
          to: zone.id,
          fromDomain: source.domain,
          toDomain: zone.domain,
          classes: classesOf(network, boxes, (b) => traceWitness(network, engine, b, arrives)),
        });
        const a = after.ids.get(source.id);
        if (a) pairs.add(`${a.index}>${z}`);
      }
    };
    flows(space.diff(space.diff(now, old), arrivedBefore), after, afterEngine, newlyAllowed, z);
    if (was !== undefined) {
      const closed = space.diff(old, now);
      flows(space.diff(closed, moved), before, base.engine, newlyBlocked, was);
      flows(space.diff(space.and(closed, moved), arrivesAfter), before, base.engine, rezonedStopped, was);
    }
  }

  // Findings: re-check only what the change can affect, keep the rest from the base check.
  const intents = incremental ? intentsTouched(after, space, delta, candidates) : new Set(after.intents.map((intent) => intent.id));
  const changedFirewalls = new Set([...(touched?.rules ?? [])].map((id) => after.ids.get(id)!.index));
  if (incremental) rescopeWitnessesNearFailures(base, after, failures, { pairs, intents, devices: changedFirewalls });
  const scope: CheckScope = { pairs, intents, objects: !incremental || (touched?.hosts ?? true), devices: changedFirewalls };
  const factory: EngineFactory = (n, f) => base.factory(n, merged(f));
  const afterCheck = runCheck(after, pack, { engineFactory: factory, engine: afterEngine, today, ...(incremental ? { scope } : {}) });
  const key = findingKey;
  const index = findingIndex(base, key);
  let afterFindings: Finding[];
  let counts: FindingCounts;
  let findingsIntroduced: Finding[];
  let findingsResolved: Finding[];
  if (incremental) {
    // Base findings outside the scope are carried over; those inside were checked again.
    const replaced = new Set<number>();
    const take = (group: string): void =>
      index.groups.get(group)?.forEach((i) => {
        replaced.add(i);
      });
    for (const p of scope.pairs) take(`pair:${p}`);
    for (const i of scope.intents) take(`intent:${i}`);
    for (const d of scope.devices) take(`device:${d}`);
    if (scope.objects) for (const [group] of index.groups) if (group === 'object' || group.startsWith('device:')) take(group);
    // Both lists are in severity order: per severity, the base's kept ones then the re-checked
    // ones (what a stable sort of the two gives), without reading every finding again.
    // The kept runs between replaced findings are copied whole.
    const gone = [...replaced].sort((a, b) => a - b);
    const kept = base.check.findings;
    afterFindings = [];
    const copy = (from: number, to: number): void => {
      for (let i = from; i < to; i++) afterFindings.push(kept[i]!);
    };
    let g = 0;
    for (let s = 0; s < 3; s++) {
      let from = index.severityStart[s]!;
      const end = index.severityStart[s + 1]!;
      for (; g < gone.length && gone[g]! < end; g++) {
        copy(from, gone[g]!);
        from = gone[g]! + 1;
      }
      copy(from, end);
      for (const f of afterCheck.findings) if (SEVERITY_ORDER[f.severity] === s) afterFindings.push(f);
    }
    counts = countsOf(
      afterCheck.findings,
      index.counts,
      gone.map((i) => kept[i]!),
    );
    const rechecked = new Set(afterCheck.findings.map(key));
    findingsIntroduced = afterCheck.findings.filter((f) => !index.keys.has(key(f)));
    findingsResolved = gone.map((i) => kept[i]!).filter((f) => !rechecked.has(key(f)));
  } else {
    afterFindings = [...afterCheck.findings];
    counts = countsOf(afterFindings);
    const afterKeys = new Set(afterFindings.map(key));
    findingsIntroduced = afterFindings.filter((f) => !index.keys.has(key(f)));
    findingsResolved = base.check.findings.filter((f) => !afterKeys.has(key(f)));
  }

  // Intents: broken when it got through before and does not now, restored the reverse.
  const memo = intentMemo(base);
  const failedBefore = memo.failed;
  // After the change: the base's failing intents, with the re-checked ones replaced.
  let failedAfter: Map<string, IntentProblem[]>;
  if (incremental) {
    failedAfter = new Map(failedBefore);
    for (const id of intents) failedAfter.delete(id);
    for (const [id, legs] of failing(afterCheck.findings)) failedAfter.set(id, legs);
  } else failedAfter = failing(afterFindings);
  const beforeIntents = memo.intents;
  const intentsBroken: IntentChange[] = [];
  const intentsRestored: IntentChange[] = [];
  const compare = (i: Intent): IntentStatus => {
    const problems = failedAfter.get(i.id);
    if (problems && beforeIntents.has(i.id) && !failedBefore.has(i.id)) intentsBroken.push({ intent: i.id, purpose: i.purpose, loc: i.loc, problems });
    if (!problems && failedBefore.has(i.id)) intentsRestored.push({ intent: i.id, purpose: i.purpose, loc: i.loc, problems: failedBefore.get(i.id)! });
    return status(i, problems);
  };
  let statuses: IntentStatus[];
  if (incremental && after.intents === before.intents) {
    // Same intents: only those re-checked can change; the others keep the base's status.
    const changed = intentIndices(after, intents);
    statuses = changed.length === 0 ? memo.statuses : memo.statuses.slice();
    for (const k of changed) statuses[k] = compare(after.intents[k]!);
  } else {
    statuses = after.intents.map(compare);
    const afterIntents = new Set(after.intents.map((i) => i.id));
    for (const i of before.intents) {
      if (!afterIntents.has(i.id) && !failedBefore.has(i.id))
        intentsBroken.push({ intent: i.id, purpose: i.purpose, loc: i.loc, problems: [{ kind: 'removed' }] });
    }
  }

  const checkAfter = reportWith(afterCheck, base.check, afterFindings, counts);
  const crossDomain = newlyAllowed.filter((f) => f.fromDomain !== f.toDomain);
  const errors = findingsIntroduced.filter((f) => f.severity === 'error');
  const verdict: Verdict =
    errors.length > 0 || intentsBroken.length > 0 ? 'reject' : findingsIntroduced.length > 0 || crossDomain.length > 0 ? 'needs-attention' : 'approve';
  const summary = summarize(verdict, {
    newlyAllowed,
    newlyBlocked,
    rezoned,
    rezonedStopped,
    crossDomain,
    findingsIntroduced,
    findingsResolved,
    intentsBroken,
    intentsRestored,
  });
  const report: ReviewReport = {
    before: { file: before.file, name: before.name },
    after: { file: after.file, name: after.name },
    change: input.change ? { file: input.change.file, operations: input.change.operations } : undefined,
    engine: base.engine.name,
    recompute,
    newlyAllowed,
    newlyBlocked,
    rezoned,
    rezonedStopped,
    findingsIntroduced,
    findingsResolved,
    intentsBroken,
    intentsRestored,
    checkAfter,
    intents: statuses,
    verdict,
    summary,
    elapsedMs: Math.round((performance.now() - started) * 10) / 10,
  };
  return { report, next: { network: after, factory: base.factory, engine: afterEngine, check: checkAfter } };
}

const findingIndexes = new WeakMap<ReviewBase, FindingIndex>();

/** Per base: the keys of its findings, and their indices by scope group (see scopeGroup). */
function findingIndex(base: ReviewBase, key: (f: Finding) => string): FindingIndex {
  let index = findingIndexes.get(base);
  if (!index) {
    const groups = new Map<string, number[]>();
    const findings = base.check.findings;
    findings.forEach((f, i) => {
      const group = scopeGroup(base.network, f);
      const list = groups.get(group);
      if (list) list.push(i);
      else groups.set(group, [i]);
    });
    // A check's findings are in severity order (runCheck, and a review's merge): where each
    // severity's run starts (and the end).
    const order = findings.map((f) => SEVERITY_ORDER[f.severity]);
    if (order.some((o, i) => i > 0 && o < order[i - 1]!)) throw new Error('a base check whose findings are not in severity order');
    const severityStart = [0, 1, 2, 3].map((s) => {
      const at = order.findIndex((o) => o >= s);
      return at < 0 ? findings.length : at;
    });
    index = { keys: new Set(findings.map(key)), groups, severityStart, counts: countsOf(findings) };
    findingIndexes.set(base, index);
  }
  return index;
}

interface FindingIndex {
  readonly keys: Set<string>;
  readonly groups: Map<string, number[]>;
  /** severityStart[s] .. severityStart[s + 1] - 1: the findings of severity order s (error 0, warning 1, info 2). */
  readonly severityStart: readonly number[];
  readonly counts: FindingCounts;
}

/** How many findings each rule and each severity has. */
interface FindingCounts {
  readonly perRule: ReadonlyMap<string, number>;
  readonly perSeverity: Readonly<Record<Severity, number>>;
}

function countsOf(findings: readonly Finding[], from: FindingCounts | undefined = undefined, removed: readonly Finding[] = []): FindingCounts {
  const perRule = new Map(from?.perRule);
  const perSeverity: Record<Severity, number> = { ...(from?.perSeverity ?? { error: 0, warning: 0, info: 0 }) };
  const count = (f: Finding, n: number): void => {
    perRule.set(f.rule, (perRule.get(f.rule) ?? 0) + n);
    perSeverity[f.severity] += n;
  };
  for (const f of removed) count(f, -1);
  for (const f of findings) count(f, 1);
  return { perRule, perSeverity };
}

/** Per base: the intents failing before, and the intent ids (shared by every review of it). */
const baseMemo = new WeakMap<ReviewBase, { failed: Map<string, IntentProblem[]>; intents: Set<string>; statuses: IntentStatus[] }>();

function intentMemo(base: ReviewBase): { failed: Map<string, IntentProblem[]>; intents: Set<string>; statuses: IntentStatus[] } {
  let memo = baseMemo.get(base);
  if (!memo) {
    const failed = failing(base.check.findings);
    const intents = base.network.intents;
    memo = { failed, intents: new Set(intents.map((i) => i.id)), statuses: intents.map((i) => status(i, failed.get(i.id))) };
    baseMemo.set(base, memo);
  }
  return memo;
}

/** The intents the findings say do not get through, with why. */
function failing(findings: readonly Finding[]): Map<string, IntentProblem[]> {
  const out = new Map<string, IntentProblem[]>();
  for (const f of findings) {
    if (f.rule !== 'sanitized-communication' && f.rule !== 'intent-reachability') continue;
    // A leg that does not get through is named by its label; a plan that fails, by its finding.
    const [id, problem]: [string, IntentProblem] =
      f.subject.kind === 'leg' ? [f.subject.intent, { kind: 'leg', leg: f.subject.leg }] : [f.subject.id, { kind: 'finding', finding: f }];
    out.set(id, [...(out.get(id) ?? []), problem]);
  }
  return out;
}

function status(i: Intent, problems: IntentProblem[] | undefined): IntentStatus {
  return { intent: i.id, purpose: i.purpose, ok: !problems, loc: i.loc, problems };
}

/** Every header each intent sends (all its legs), and the intents by the zones they send to and from. */
interface IntentIndex {
  readonly byId: Map<string, unknown>;
  /** The intents by the zones their legs send to. */
  readonly byZone: Map<number, string[]>;
  /** The zones each intent's legs send to (the keys of byZone it is under). */
  readonly targets: Map<string, readonly number[]>;
  /** The intents by the zones owning some of their legs' source addresses. */
  readonly bySource: Map<number, string[]>;
  /** The intents with a source address no zone owns (under no key of bySource for it). */
  readonly outsideZones: readonly string[];
  /** The source addresses of each intent's legs. */
  readonly sources: Map<string, readonly Ipv4Range[]>;
}

/** Per space (one per BDD manager, shared by a base and the engines derived from it), per list of intents. */
const intentHeaderCache = new WeakMap<HeaderSpace<unknown>, WeakMap<readonly Intent[], IntentIndex>>();

/** Computed once per list of intents: a change to rules alone shares the list with the network before it. */
function intentHeaders(network: Network, space: HeaderSpace<unknown>): IntentIndex {
  let cache = intentHeaderCache.get(space);
  if (!cache) {
    cache = new WeakMap();
    intentHeaderCache.set(space, cache);
  }
  let index = cache.get(network.intents);
  if (!index) {
    const byZone = new Map<number, string[]>();
    const bySource = new Map<number, string[]>();
    const under = (map: Map<number, string[]>, z: number, id: string): void => {
      const list = map.get(z);
      if (list) list.push(id);
      else map.set(z, [id]);
    };
    index = { byId: new Map(), byZone, targets: new Map(), bySource, outsideZones: [], sources: new Map() };
    for (const intent of network.intents) {
      const plan = planIntent(network, intent);
      const legs = plan.ok
        ? plan.legs.map((l) => ({ src: l.from, dst: l.to, services: l.services }))
        : [{ src: intent.from, dst: intent.to, services: intent.services }];
      const sources = legs.flatMap((l) => l.src);
      index.sources.set(intent.id, sources);
      index.byId.set(
        intent.id,
        legs.reduce((n, l) => space.or(n, space.match(l)), space.empty),
      );
      const targets = zonesOf(
        network,
        legs.flatMap((l) => l.dst),
      );
      index.targets.set(intent.id, targets);
      for (const z of targets) under(byZone, z, intent.id);
      for (const z of zonesOf(network, sources)) under(bySource, z, intent.id);
      if (!ownedByZones(network, sources)) (index.outsideZones as string[]).push(intent.id);
    }
    cache.set(network.intents, index);
  }
  return index;
}

/**
 * The intents a change's delta can affect: those sending to a zone the delta reaches
 * (`candidates`), from addresses that send some of it, tested exactly against it. The same
 * intents are found from either side: by the zones the delta reaches, or by the zones that send
 * it (an intent sending from an address no zone owns is always looked at). A change of one
 * zone's rule reaches a server zone hundreds of intents send to, from the few that one zone
 * sends: the shorter list is walked unless `via` says which (tests compare the two).
 */
export function intentsTouched<S>(after: Network, space: HeaderSpace<S>, delta: S, candidates: readonly number[], via?: 'targets' | 'sources'): Set<string> {
  const intents = new Set<string>();
  const { byId, byZone, bySource, outsideZones, targets, sources } = intentHeaders(after, space as HeaderSpace<unknown>);
  const sending = space
    .toBoxes(space.project(delta, 'src'))
    .map((b) => ({ lo: b.srcLo, hi: b.srcHi }))
    .sort((a, b) => a.lo - b.lo);
  const affected = (id: string): boolean => !intents.has(id) && meetsSorted(sending, sources.get(id)!) && !space.isEmpty(space.and(byId.get(id) as S, delta));
  const senders = zonesOf(after, sending);
  let viaTargets = 0;
  for (const z of candidates) viaTargets += byZone.get(z)?.length ?? 0;
  let viaSources = outsideZones.length;
  for (const z of senders) viaSources += bySource.get(z)?.length ?? 0;
  if ((via ?? (viaSources < viaTargets ? 'sources' : 'targets')) === 'sources') {
    const reached = new Set(candidates);
    const look = (id: string): void => {
      if (targets.get(id)!.some((z) => reached.has(z)) && affected(id)) intents.add(id);
    };
    outsideZones.forEach(look);
    for (const z of senders) bySource.get(z)?.forEach(look);
  } else for (const z of candidates) for (const id of byZone.get(z) ?? []) if (affected(id)) intents.add(id);
  return intents;
}

/**
 * A failure can change a finding's witness without changing any header set: a packet denied at a
 * firewall on its way toward a device that is now down no longer leaves by that port, so the
 * deny is no longer where it stops (its headers never reached the failed part, so the delta
 * leaves them out). Findings whose witness passes a device at a failed part, or beside one over a
 * link, are checked again.
 */
function rescopeWitnessesNearFailures(
  base: ReviewBase,
  after: Network,
  failures: Failures,
  scope: { readonly pairs: Set<string>; readonly intents: Set<string>; readonly devices: Set<number> },
): void {
  if (failures.devices.size + failures.edges.size + failures.zones.size === 0) return;
  const near = new Set<number>(failures.devices);
  for (const link of after.links) {
    const down = failures.edges.has(link.id) || failures.devices.has(link.a.device) || failures.devices.has(link.b.device);
    if (!down) continue;
    near.add(link.a.device);
    near.add(link.b.device);
  }
  for (const edge of failures.edges) {
    // An attachment (device:interface) to a zone: the device beside the failed edge.
    const ref = after.ids.get(edge.split(':')[0]!);
    if (ref?.kind === 'device') near.add(ref.index);
  }
  for (const f of base.check.findings) {
    const touches = f.classes.some((c) => c.witness?.hops.some((h) => h.kind === 'device' && near.has(h.device)));
    if (!touches) continue;
    const group = scopeGroup(base.network, f);
    if (group.startsWith('intent:')) scope.intents.add(group.slice('intent:'.length));
    else if (group.startsWith('pair:')) {
      const s = f.subject as { from: string; to: string };
      const a = after.ids.get(s.from);
      const b = after.ids.get(s.to);
      if (a && b) scope.pairs.add(`${a.index}>${b.index}`);
    } else if (group.startsWith('device:')) {
      const d = f.subject as { device: string };
      const ref = after.ids.get(d.device);
      if (ref) scope.devices.add(ref.index);
    }
  }
}

/** Failures named by `down` operations, checked against the network. */
function resolveDown(network: Network, ids: readonly string[], operations: readonly ChangeOperation[]): Failures {
  if (ids.length === 0) return NO_FAILURES;
  const devices = new Set<number>();
  const edges = new Set<string>();
  const links = new Set(network.links.map((l) => l.id));
  const attachments = new Set(network.devices.flatMap((d) => d.interfaces.filter((f) => f.zone !== undefined).map((f) => attachId(d.id, f.name))));
  const unknown: string[] = [];
  for (const id of ids) {
    const ref = network.ids.get(id);
    if (ref?.kind === 'device') devices.add(ref.index);
    else if (links.has(id) || attachments.has(id)) edges.add(id);
    else {
      const reversed = id.split('--').reverse().join('--');
      if (links.has(reversed)) edges.add(reversed);
      else unknown.push(id);
    }
  }
  if (unknown.length > 0) {
    const loc: Loc = operations.find((o) => o.op === 'down')?.loc ?? { file: '<change>', line: 1, column: 1 };
    throw new InputError(
      unknown.map((u) => ({ code: 'BNK_ERR_UNKNOWN_REF' as const, message: `"${u}" is not a device, link (a:x--b:y) or attachment (device:interface)`, loc })),
    );
  }
  return { zones: new Set(), devices, edges };
}

const ANY_SERVICE = [{ protoLo: 0, protoHi: PROTO_MAX, portLo: 0, portHi: PORT_MAX }];

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** The positions in `network.intents` of these intent ids, in order: found by id, not by a pass over every intent. */
function intentIndices(network: Network, ids: ReadonlySet<string>): number[] {
  const out: number[] = [];
  for (const id of ids) {
    const ref = network.ids.get(id);
    if (ref?.kind === 'intent') out.push(ref.index);
  }
  return out.sort((a, b) => a - b);
}

/** The after check with the merged findings, and the rules' statuses from their counts. */
function reportWith(scoped: CheckReport, base: CheckReport, findings: readonly Finding[], { perRule, perSeverity }: FindingCounts): CheckReport {
  const rules = base.rules.map((r) => {
    const n = perRule.get(r.id) ?? 0;
    return { ...r, status: r.status === 'disabled' ? r.status : n > 0 ? ('fail' as const) : ('pass' as const), findings: n };
  });
  return {
    ...scoped,
    rules,
    findings,
    summary: {
      errors: perSeverity.error,
      warnings: perSeverity.warning,
      infos: perSeverity.info,
      rulesChecked: rules.filter((r) => r.status !== 'disabled').length,
      rulesFailed: rules.filter((r) => r.status === 'fail').length,
    },
  };
}

/** A move as one line: its addresses, the zone before and the zone after (`-`: none). */
function moveText(m: ZoneMove, ja = false): string {
  const shown = m.addresses
    .slice(0, 3)
    .map(formatRange)
    .join(ja ? '、' : ', ');
  return `${m.addresses.length > 3 ? `${shown}${ja ? '、' : ', '}…` : shown}: ${m.from ?? '-'} → ${m.to ?? '-'}`;
}

/**
 * The addresses whose owning zone differs between the two networks (by zone id), grouped by
 * the zones before and after, in address order of their first range.
 */
export function zoneMoves(before: Network, after: Network): ZoneMove[] {
  if (before.ownership === after.ownership) return []; // a change to rules or routes alone shares the table
  const moves = new Map<string, { from: Zone | undefined; to: Zone | undefined; addresses: Ipv4Range[] }>();
  // Every range of either table starts a segment whose owner is the same throughout, in both.
  const starts = [...new Set([0, ...before.ownership.map((r) => r.lo), ...after.ownership.map((r) => r.lo)])].sort((x, y) => x - y);
  starts.forEach((lo, k) => {
    const hi = k + 1 < starts.length ? starts[k + 1]! - 1 : IPV4_MAX;
    const was = zoneOfAddress(before, lo);
    const is = zoneOfAddress(after, lo);
    const from = was < 0 ? undefined : before.zones[was];
    const to = is < 0 ? undefined : after.zones[is];
    if (from?.id === to?.id) return;
    const key = `${from?.id ?? ''}\u0000${to?.id ?? ''}`;
    const move = moves.get(key) ?? { from, to, addresses: [] };
    const last = move.addresses[move.addresses.length - 1];
    if (last && last.hi + 1 === lo) move.addresses[move.addresses.length - 1] = { lo: last.lo, hi };
    else move.addresses.push({ lo, hi });
    moves.set(key, move);
  });
  return [...moves.values()].map((m) => ({ from: m.from?.id, fromDomain: m.from?.domain, to: m.to?.id, toDomain: m.to?.domain, addresses: m.addresses }));
}

function summarize(
  verdict: Verdict,
  r: {
    newlyAllowed: readonly FlowChange[];
    newlyBlocked: readonly FlowChange[];
    rezoned: readonly ZoneMove[];
    rezonedStopped: readonly FlowChange[];
    crossDomain: readonly FlowChange[];
    findingsIntroduced: readonly Finding[];
    findingsResolved: readonly Finding[];
    intentsBroken: readonly IntentChange[];
    intentsRestored: readonly IntentChange[];
  },
): { ja: string; en: string } {
  const VERDICT = { approve: ['承認', 'APPROVE'], reject: ['却下', 'REJECT'], 'needs-attention': ['要確認', 'NEEDS ATTENTION'] } as const;
  const rules = [...new Set(r.findingsIntroduced.map((f) => f.rule))];
  const en = [
    `Verdict: ${VERDICT[verdict][1]}.`,
    `Opens ${r.newlyAllowed.length} zone-to-zone flow(s) (${r.crossDomain.length} across domains), closes ${r.newlyBlocked.length}.`,
    r.rezoned.length
      ? `Moves ${r.rezoned.length} address range(s) to another zone (${r.rezoned.map((m) => moveText(m)).join('; ')}): ${r.rezonedStopped.length} flow(s) to or from them no longer arrive (not counted as closed).`
      : '',
    `Introduces ${r.findingsIntroduced.length} finding(s)${rules.length ? ` (${rules.join(', ')})` : ''}, resolves ${r.findingsResolved.length}.`,
    r.intentsBroken.length ? `Breaks flow intent(s): ${r.intentsBroken.map((i) => i.intent).join(', ')}.` : 'Breaks no flow intent.',
    r.intentsRestored.length ? `Restores: ${r.intentsRestored.map((i) => i.intent).join(', ')}.` : '',
  ]
    .filter(Boolean)
    .join('\n');
  const ja = [
    `判定: ${VERDICT[verdict][0]}`,
    `ゾーン間の通信を ${r.newlyAllowed.length} 件開き（うち領域をまたぐもの ${r.crossDomain.length} 件）、${r.newlyBlocked.length} 件閉じます。`,
    r.rezoned.length
      ? `${r.rezoned.length} 件のアドレス範囲の所属ゾーンが変わります（${r.rezoned.map((m) => moveText(m, true)).join('、')}）。これらのアドレスとの通信のうち ${r.rezonedStopped.length} 件は到達しなくなります（遮断には数えません）。`
      : '',
    `新たな指摘 ${r.findingsIntroduced.length} 件${rules.length ? `（${rules.join('、')}）` : ''}、解消 ${r.findingsResolved.length} 件。`,
    r.intentsBroken.length ? `必要な通信が途絶します: ${r.intentsBroken.map((i) => i.intent).join('、')}` : '必要な通信の途絶はありません。',
    r.intentsRestored.length ? `回復する通信: ${r.intentsRestored.map((i) => i.intent).join('、')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return { ja, en };
}
