// Runs a whole update trace through the Replayer: resolves every update first (parse time is
// not counted per update, as APKeep reports it), times each update on its own (the equivalence
// classes, kept up to date by every update, inside that time), and summarises.

import { type Diagnostic, InputError } from '../errors.ts';
import type { Network } from '../model/network.ts';
import { fullestPoint, type TracePort, type Update } from '../model/updates.ts';
import { Replayer, type ResolvedUpdate, type UpdateResult } from './replay.ts';
import { toPrefixes } from '../net/intervals.ts';

/** The classes kept by the Replayer (classes.ts) after some update: read, not computed. */
export interface ClassCount {
  /** After this many updates. */
  readonly at: number;
  /** Joint classes: non-empty intersections of a forwarding class and an ACL class. */
  readonly classes: number;
  /** Forwarding classes (APKeep's forwarding atoms): the same route targets at every device. */
  readonly destinationClasses: number;
  /** ACL classes (APKeep's ACL atoms): the same permit sets holding them. */
  readonly aclAtoms: number;
  /**
   * APKeep's "Number of APs": with its forwarding and ACL predicates kept apart (its "division"
   * mode, the one for Stanford), the sum of the two atom counts (Network.getAPNum), not the joint classes.
   */
  readonly apkeepAps: number;
}

export interface ReplaySummary {
  readonly updates: {
    readonly total: number;
    readonly fwd: number;
    readonly acl: number;
    readonly inserts: number;
    readonly removals: number;
    /** fwd updates that changed forwarding somewhere (M non-empty): a check ran. */
    readonly checked: number;
    /** fwd updates whose M was empty (duplicate, absent, hidden or same-port rule): no check. */
    readonly skippedEmptyM: number;
    readonly unchanged: number;
  };
  readonly loops: {
    readonly found: number;
    readonly activeAtEnd: number;
    readonly maxActive: number;
    readonly startEvents: number;
    readonly stopEvents: number;
  };
  /**
   * Device ports that fwd updates forward to directly and that have no link or zone: packets
   * leave the network there (FORMAT §5.3). Each with the first line naming it and the number of
   * insert lines; `declaredByTrace` when only the trace names the port (ReplayOptions.tracePorts).
   */
  readonly edgePorts: readonly EdgePort[];
  readonly classes: readonly ClassCount[];
  /** The most classes of each kind at once over the trace, and after which update. */
  readonly classesMax: {
    readonly joint: { readonly count: number; readonly at: number };
    readonly forwarding: { readonly count: number; readonly at: number };
    readonly acl: { readonly count: number; readonly at: number };
  };
  readonly reachKinds: Readonly<Record<string, number>>;
  readonly time: {
    readonly parseMs: number;
    readonly loadMs: number;
    /** Sum of the per-update times. */
    readonly updatesMs: number;
    readonly avgUs: number;
    readonly p50Us: number;
    readonly p95Us: number;
    readonly p99Us: number;
    readonly maxUs: number;
    readonly maxAt: number;
    /** Share of updates that took under 0.25 ms. */
    readonly under250us: number;
    readonly fwdAvgUs: number;
    readonly aclAvgUs: number;
  };
}

export interface EdgePort {
  readonly device: string;
  readonly port: string;
  readonly line: number;
  readonly rules: number;
  readonly declaredByTrace: boolean;
}

export interface ReplayRun {
  readonly summary: ReplaySummary;
  readonly loops: ReadonlyArray<{ readonly id: number; readonly path: readonly string[]; readonly foundAt: number; readonly dst: readonly string[] }>;
}

export interface ReplayOptions {
  /** Time already spent parsing the trace and the topology (reported, not counted per update). */
  readonly parseMs?: number;
  readonly loadMs?: number;
  /** Called after every update with its result and time, outside the timed region. */
  readonly onUpdate?: (result: UpdateResult, us: number, replayer: Replayer) => void;
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
  /** Collect where M ends (UpdateResult.reach); needed for a log. */
  readonly reach?: boolean;
  /** Update counts after which to report the equivalence classes (default: the fullest point and the end). */
  readonly checkpoints?: readonly number[];
  /** The ports only the trace names (the importer's StanfordData.tracePorts), marked in edgePorts. */
  readonly tracePorts?: readonly TracePort[];
}

/** The edge ports the trace forwards to (ReplaySummary.edgePorts), in first-use order. */
export function edgePortsOf(replayer: Replayer, updates: readonly Update[], tracePorts: readonly TracePort[] = []): EdgePort[] {
  const plane = replayer.plane;
  const traceOnly = new Set(tracePorts.map((p) => `${p.device} ${p.port}`));
  const found = new Map<string, { device: string; port: string; line: number; rules: number; declaredByTrace: boolean }>();
  for (const u of updates) {
    if (u.kind !== 'fwd' || u.port === 'self') continue;
    const d = plane.devices[plane.deviceIndex.get(u.device) ?? -1];
    const pi = d?.portIndex.get(u.port);
    if (!d || pi === undefined) continue;
    const pos = d.position[pi]!;
    if (pos < 0 || plane.edgeStart[pos] !== plane.edgeStart[pos + 1] || plane.toZone[pos]) continue;
    const key = `${u.device} ${u.port}`;
    const entry = found.get(key) ?? found.set(key, { device: u.device, port: u.port, line: u.line, rules: 0, declaredByTrace: traceOnly.has(key) }).get(key)!;
    if (u.op === '+') entry.rules++;
  }
  return [...found.values()];
}

export function resolveTrace(replayer: Replayer, updates: readonly Update[], file: string): ResolvedUpdate[] {
  const out: ResolvedUpdate[] = [];
  const problems: Diagnostic[] = [];
  for (const u of updates) {
    const r = replayer.resolve(u);
    if ('text' in r)
      problems.push({ code: 'BNK_ERR_UNKNOWN_REF', message: r.text.en, ja: r.text.ja, loc: { file, line: u.line, column: u.columns?.[r.token] ?? 1 } });
    else out.push(r);
  }
  if (problems.length > 0) throw new InputError(problems.slice(0, 200));
  return out;
}

export function runReplay(network: Network, updates: readonly Update[], file: string, options: ReplayOptions = {}): ReplayRun {
  const t0 = performance.now();
  const replayer = new Replayer(network, { reach: options.reach ?? false });
  const trace = resolveTrace(replayer, updates, file);
  const edgePorts = edgePortsOf(replayer, updates, options.tracePorts);
  const parseMs = (options.parseMs ?? 0) + (performance.now() - t0);
  const checkpoints = new Set(options.checkpoints ?? [fullestPoint(updates), updates.length]);
  const classes: ClassCount[] = [];
  const max = { joint: { count: 0, at: 0 }, forwarding: { count: 0, at: 0 }, acl: { count: 0, at: 0 } };
  const count = (at: number): void => {
    const c = replayer.classes.counts();
    classes.push({ at, classes: c.joint, destinationClasses: c.forwarding, aclAtoms: c.acl, apkeepAps: c.forwarding + c.acl });
  };
  if (checkpoints.has(0)) count(0);
  const times = new Float64Array(trace.length);
  let fwd = 0,
    acl = 0,
    inserts = 0,
    removals = 0,
    checked = 0,
    skipped = 0,
    unchanged = 0;
  let maxActive = 0,
    startEvents = 0,
    stopEvents = 0;
  let fwdUs = 0,
    aclUs = 0;
  const reachKinds: Record<string, number> = {};
  const every = options.progressEvery ?? 1000;
  for (let i = 0; i < trace.length; i++) {
    const u = trace[i]!;
    const s = performance.now();
    // Each kind straight to its own method (Replayer.apply says why).
    const result = u.kind === 'acl' ? replayer.applyAclUpdate(u) : replayer.applyFwdUpdate(u);
    const us = (performance.now() - s) * 1000;
    times[i] = us;
    if (u.kind === 'fwd') {
      fwd++;
      fwdUs += us;
    } else {
      acl++;
      aclUs += us;
    }
    if (u.op === '+') inserts++;
    else removals++;
    if (!result.changed) unchanged++;
    if (result.checked) checked++;
    else if (u.kind === 'fwd' && result.changed) skipped++;
    startEvents += result.started.length;
    stopEvents += result.stopped.length;
    if (replayer.activeLoops > maxActive) maxActive = replayer.activeLoops;
    if (result.reach.length > 0) for (const kind of new Set(result.reach.map((r) => r.kind))) reachKinds[kind] = (reachKinds[kind] ?? 0) + 1;
    options.onUpdate?.(result, us, replayer);
    const c = replayer.classes.counts();
    if (c.joint > max.joint.count) max.joint = { count: c.joint, at: i + 1 };
    if (c.forwarding > max.forwarding.count) max.forwarding = { count: c.forwarding, at: i + 1 };
    if (c.acl > max.acl.count) max.acl = { count: c.acl, at: i + 1 };
    if (checkpoints.has(i + 1)) count(i + 1);
    if (options.onProgress && (i + 1) % every === 0) options.onProgress(i + 1, trace.length);
  }
  const sorted = Float64Array.from(times).sort();
  const total = times.reduce((a, b) => a + b, 0);
  let maxAt = 0;
  times.forEach((t, i) => {
    if (t > times[maxAt]!) maxAt = i;
  });
  const quantile = (q: number): number => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  const under = times.reduce((n, t) => n + (t < 250 ? 1 : 0), 0);
  return {
    summary: {
      updates: { total: trace.length, fwd, acl, inserts, removals, checked, skippedEmptyM: skipped, unchanged },
      loops: { found: replayer.loops.length, activeAtEnd: replayer.activeLoops, maxActive, startEvents, stopEvents },
      edgePorts,
      classes,
      classesMax: max,
      reachKinds,
      time: {
        parseMs,
        loadMs: options.loadMs ?? 0,
        updatesMs: total / 1000,
        avgUs: trace.length ? total / trace.length : 0,
        p50Us: quantile(0.5),
        p95Us: quantile(0.95),
        p99Us: quantile(0.99),
        maxUs: sorted[sorted.length - 1] ?? 0,
        maxAt: trace[maxAt]?.line ?? 0,
        under250us: trace.length ? under / trace.length : 0,
        fwdAvgUs: fwd ? fwdUs / fwd : 0,
        aclAvgUs: acl ? aclUs / acl : 0,
      },
    },
    loops: replayer.loops.map((l) => ({ id: l.id, path: l.path, foundAt: l.foundAt, dst: toPrefixes(l.firstDst) })),
  };
}
