// The rule catalogue of the seed policy: each rule with its clause of the policy text and the
// check that turns reachability into findings, as data (titles and wording: report/messages.ts).

import { type DeclaredFlow, type Exception, type Intent, type Network, type Zone, zoneOfAddress, zonesOf } from '../model/network.ts';
import type { Loc } from '../errors.ts';
import { boxesOfMatch, type HeaderSet, normalize, subtract } from '../engine/headerset.ts';
import { type Disposition, endOf, type EngineFactory, type Failures, type Hop, type Outcome, type ReachabilityEngine, zoneOfEnd } from '../engine/types.ts';
import { rangeSize } from '../net/ipv4.ts';
import { PORT_PROTOCOLS } from '../net/services.ts';
import { attachId } from '../model/graph.ts';
import { classesOf, distancesTo, endDistance, evaluateIntent, legArrives, type LegResult, permittingRules, splitBySource, traceWitness } from './analysis.ts';
import { analyzeHygiene, type HygieneIssue, type HygieneKind } from './hygiene.ts';
import type { PackRules, RuleId } from './pack.ts';
import type {
  ExceptionProblem,
  Finding,
  FindingCommon,
  HeaderClass,
  HostSubject,
  HygieneFacts,
  InterfaceSubject,
  Junction,
  JunctionLeg,
  LegStop,
  Localized,
  Severity,
  ZonePairSubject,
  Witness,
  ZoneRef,
} from './types.ts';

/** A table's own entry for a key that comes from user text (never an inherited member such as `constructor`). */
function own<T>(table: Readonly<Partial<Record<string, T>>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export interface RuleContext<P> {
  readonly network: Network;
  readonly params: P;
  readonly severity: Severity;
  /** The rule's clause as the pack cites it (else the rule's own, of the seed policy). */
  readonly clause: string;
  readonly engine: ReachabilityEngine;
  readonly engineFactory: EngineFactory;
  /** Today's date (YYYY-MM-DD), for exception expiry. */
  readonly today: string;
  readonly domains: Readonly<Record<string, Localized>>;
  /** Intents whose legs another enabled rule already checks (sanitized communication). */
  readonly intentsCheckedElsewhere: ReadonlySet<string>;
  /**
   * True when the pack separates two domains (My Number isolation; the LGWAN side from the
   * Internet side): a flow between them is never to be opened with a firewall permit.
   */
  readonly separated: (a: string, b: string) => boolean;
  /** When set, only this part of the network is checked (an incremental review). */
  readonly scope: CheckScope | undefined;
}

/**
 * The part of a check a change can affect: flow findings of these zone pairs, findings of
 * these intents, and (when `objects`) the findings about objects (hosts, exceptions,
 * gateways, devices).
 */
export interface CheckScope {
  /** Zone index pairs "from>to". */
  readonly pairs: ReadonlySet<string>;
  readonly intents: ReadonlySet<string>;
  readonly objects: boolean;
  /** Firewalls (device indices) whose rules changed: their hygiene is checked again. */
  readonly devices: ReadonlySet<number>;
}

/**
 * The intents a check looks at, in the network's order: all of them, or those of the scope
 * (an incremental review), found by id rather than by a pass over every intent.
 */
export function intentsInScope(network: Network, scope: CheckScope | undefined): readonly Intent[] {
  if (!scope) return network.intents;
  const indices: number[] = [];
  for (const id of scope.intents) {
    const ref = network.ids.get(id);
    if (ref?.kind === 'intent') indices.push(ref.index);
  }
  return indices.sort((a, b) => a - b).map((k) => network.intents[k]!);
}

/** Rules whose findings are about a pair of zones (subject "from → to"). */
export const FLOW_RULES: ReadonlySet<string> = new Set(['mynumber-isolation', 'path-separation', 'security-cloud-aggregation', 'mynumber-internet-isolation']);
/** Rules whose findings are about a flow intent (subject starts with the intent id). */
export const INTENT_RULES: ReadonlySet<string> = new Set(['sanitized-communication', 'intent-reachability', 'availability']);

/**
 * Which part of a scope a finding belongs to, from its subject: "pair:from>to" (flow
 * findings), "intent:id", "device:index" (firewall hygiene) or "object" (everything else).
 */
export function scopeGroup(network: Network, f: Finding): string {
  const s = f.subject;
  switch (s.kind) {
    case 'zone-pair': {
      const a = network.ids.get(s.from);
      const b = network.ids.get(s.to);
      return a && b ? `pair:${a.index}>${b.index}` : 'object';
    }
    case 'intent':
      return `intent:${s.id}`;
    case 'leg':
      return `intent:${s.intent}`;
    case 'rule': {
      const device = network.ids.get(s.device);
      return device ? `device:${device.index}` : 'object';
    }
    default:
      return 'object';
  }
}

type ParamsOf<K extends RuleId> = NonNullable<PackRules[K]>['params'];

export interface RuleDefinition<K extends RuleId> {
  readonly id: K;
  /** The seed policy's clause: what a finding cites unless the pack gives the rule its own. */
  readonly clause: string;
  readonly check: (ctx: RuleContext<ParamsOf<K>>) => Finding[];
}

/** Severity and clause of a finding of the rule the context runs, and no evidence yet. */
function base(ctx: RuleContext<unknown>): Pick<FindingCommon, 'severity' | 'clause' | 'classes' | 'permittedBy'> {
  return { severity: ctx.severity, clause: ctx.clause, classes: [], permittedBy: [] };
}

/**
 * A forbidden flow as a finding's facts: the flow, with both its zones named. When no firewall
 * rule lets it through and a device on its witness path joins the two domains, the finding is
 * about that device: located at its leg into the other domain, the device named in its facts.
 */
function pairFacts(ctx: RuleContext<unknown>, { from, to, ...flow }: ForbiddenFlow) {
  const facts = { ...base(ctx), ...flow, from: zoneRef(ctx, from), to: zoneRef(ctx, to) };
  if (flow.permittedBy.length > 0) return facts;
  for (const c of flow.classes) {
    const found = c.witness && junctionOf(ctx, c.witness.hops);
    if (found) return { ...facts, loc: found.loc, junction: found.junction };
  }
  return facts;
}

/**
 * The first device of a path that the packet enters from one domain and leaves into another
 * (an interface on a link carries the domain the packet came from), with the leg to locate it
 * at: of its two legs, the one outside the device's own zone's domain when only one is, else
 * the leg it leaves by.
 */
function junctionOf(ctx: RuleContext<unknown>, hops: readonly Hop[]): { junction: Junction; loc: Loc } | undefined {
  const net = ctx.network;
  let domain: string | undefined;
  for (const hop of hops) {
    if (hop.kind === 'zone') {
      domain = net.zones[hop.zone]!.domain;
      continue;
    }
    const d = net.devices[hop.device]!;
    const entered = d.interfaces.find((f) => f.name === hop.in);
    const left = hop.out === undefined ? undefined : d.interfaces.find((f) => f.name === hop.out);
    const inZone = entered?.zone === undefined ? undefined : net.zones[entered.zone]!;
    const outZone = left?.zone === undefined ? undefined : net.zones[left.zone]!;
    const inDomain = inZone?.domain ?? domain;
    const outDomain = outZone?.domain ?? inDomain;
    if (entered && left && inDomain !== undefined && outDomain !== undefined && outDomain !== inDomain) {
      const leg = (f: typeof entered, z: Zone | undefined, dom: string): JunctionLeg => ({
        name: f.name,
        zone: z?.id,
        domain: dom,
        domainName: own(ctx.domains, dom) ?? { ja: dom, en: dom },
        loc: f.loc,
      });
      const legs = [leg(entered, inZone, inDomain), leg(left, outZone, outDomain)] as const;
      const home = d.zone === undefined ? undefined : net.zones[d.zone]!.domain;
      const foreign = legs.filter((l) => l.domain !== home);
      return { junction: { device: d.id, deviceKind: d.kind, legs }, loc: (foreign.length === 1 ? foreign[0]! : legs[1]).loc };
    }
    domain = outDomain;
  }
  return undefined;
}

/** A zone with its domain's name in the pack (the domain id when the pack names none). */
const zoneRef = (ctx: RuleContext<unknown>, z: Zone): ZoneRef => ({
  id: z.id,
  domain: z.domain,
  domainName: own(ctx.domains, z.domain) ?? { ja: z.domain, en: z.domain },
});

/** Exceptions in force for a rule: not expired, and naming the rule or no rule at all. */
function activeExceptions(ctx: RuleContext<unknown>, rule: string): Exception[] {
  return ctx.network.exceptions.filter((e) => e.expires >= ctx.today && (!e.rules || e.rules.includes(rule)));
}

function exceptionSet(exceptions: readonly Exception[]): HeaderSet {
  return normalize(exceptions.flatMap((e) => boxesOfMatch({ src: e.from, dst: e.to, services: e.services })));
}

const EXEMPT = new WeakMap<readonly Exception[], Map<string, HeaderSet>>();
/** The headers the exceptions in force for a rule exempt: kept per list of exceptions (a change of rules keeps it), date and rule. */
function exemptHeaders(ctx: RuleContext<unknown>, rule: string): HeaderSet {
  let known = EXEMPT.get(ctx.network.exceptions);
  if (!known) {
    known = new Map();
    EXEMPT.set(ctx.network.exceptions, known);
  }
  const key = `${ctx.today}\u0000${rule}`;
  let set = known.get(key);
  if (!set) {
    set = exceptionSet(activeExceptions(ctx, rule));
    known.set(key, set);
  }
  return set;
}

/** One pair of zones between which packets get that must not, with the evidence. */
interface ForbiddenFlow {
  readonly from: Zone;
  readonly to: Zone;
  readonly subject: ZonePairSubject;
  readonly loc: Loc;
  readonly classes: FindingCommon['classes'];
  readonly permittedBy: FindingCommon['permittedBy'];
}

/**
 * The common shape of "no packet from these zones reaches those zones": for each ordered
 * pair of zones (from one side to the other, both ways), what arrives minus exemptions
 * becomes one finding with every class, a witness each, and the rules that let it through.
 */
function forbiddenReach(
  ctx: RuleContext<unknown>,
  sides: readonly [readonly Zone[], readonly Zone[]],
  exempt: HeaderSet,
  engine: ReachabilityEngine,
): ForbiddenFlow[] {
  const net = ctx.network;
  const found: ForbiddenFlow[] = [];
  const scope = ctx.scope;
  // A scoped check (a review) wants a few zones of sides that may hold thousands: those are
  // looked up, the sides not walked (the findings are sorted by zone at the end).
  const scoped = (zones: readonly Zone[], end: 0 | 1): Zone[] => {
    if (!scope) return [...zones];
    const member = membersOf(net, zones);
    const wanted = new Set([...scope.pairs].map((p) => Number(p.split('>')[end])));
    return [...wanted]
      .sort((a, b) => a - b)
      .filter((z) => member[z] === 1)
      .map((z) => net.zones[z]!);
  };
  for (const [sources, targets] of [
    [sides[0], sides[1]],
    [sides[1], sides[0]],
  ] as const) {
    const from = scoped(sources, 0);
    const to = scoped(targets, 1);
    if (from.length === 0 || to.length === 0) continue;
    for (const r of engine.reach(
      from.map((z) => z.index),
      to.map((z) => z.index),
    )) {
      const to = net.zones[r.zone]!;
      for (const [fromIndex, headers] of splitBySource(net, r.headers)) {
        if (fromIndex === r.zone) continue;
        if (scope && !scope.pairs.has(`${fromIndex}>${r.zone}`)) continue;
        const violating = normalize(subtract(headers, exempt));
        if (violating.length === 0) continue;
        const from = net.zones[fromIndex]!;
        const arrives = (d: Disposition): boolean => {
          const end = endOf(d);
          return end !== undefined && zoneOfEnd(net, end) === r.zone;
        };
        const classes = classesOf(net, violating, (boxes) => traceWitness(net, engine, boxes, arrives));
        const permittedBy = permittingRules(net, classes);
        found.push({ from, to, subject: { kind: 'zone-pair', from: from.id, to: to.id }, loc: permittedBy[0]?.loc ?? from.loc, classes, permittedBy });
      }
    }
  }
  return found.sort((a, b) => a.from.index - b.from.index || a.to.index - b.to.index);
}

const MEMBERS = new WeakMap<readonly Zone[], Uint8Array>();
/** Which zones a list holds, by zone index: kept per list (zonesIn's are kept per network). */
function membersOf(network: Network, zones: readonly Zone[]): Uint8Array {
  let member = MEMBERS.get(zones);
  if (!member) {
    member = new Uint8Array(network.zones.length);
    for (const z of zones) member[z.index] = 1;
    MEMBERS.set(zones, member);
  }
  return member;
}

const ZONES_IN = new WeakMap<Network['zones'], Map<string, Zone[]>>();
/** The zones of these domains (with `outside`, of every other domain), kept per list of zones (which a change of rules keeps). */
function zonesIn(network: Network, domains: readonly string[], outside = false): readonly Zone[] {
  let byDomains = ZONES_IN.get(network.zones);
  if (!byDomains) ZONES_IN.set(network.zones, (byDomains = new Map()));
  const key = `${outside ? 'outside' : 'in'}\0${domains.join('\0')}`;
  let zones = byDomains.get(key);
  if (!zones) byDomains.set(key, (zones = network.zones.filter((z) => domains.includes(z.domain) !== outside)));
  return zones;
}

// ---------------------------------------------------------------------------------------

const mynumberIsolation: RuleDefinition<'mynumber-isolation'> = {
  id: 'mynumber-isolation',
  clause: '§6(3)ア',
  check(ctx) {
    const isolated = zonesIn(ctx.network, ctx.params.isolated);
    const others = zonesIn(ctx.network, ctx.params.isolated, true);
    const exceptions = activeExceptions(ctx, this.id);
    const findings: Finding[] = forbiddenReach(ctx, [isolated, others], exemptHeaders(ctx, this.id), ctx.engine).map((flow) => ({
      ...pairFacts(ctx, flow),
      rule: this.id,
      kind: 'reach',
    }));
    // A gateway with a foot in a mynumber zone and in another domain is a channel by itself.
    for (const d of ctx.scope && !ctx.scope.objects ? [] : ctx.network.devices) {
      if (d.kind !== 'sanitizer' && d.kind !== 'proxy') continue;
      const domains = new Set(d.interfaces.map((f) => ctx.network.zones[f.zone!]!.domain));
      const inside = [...domains].some((x) => ctx.params.isolated.includes(x));
      const outside = [...domains].some((x) => !ctx.params.isolated.includes(x));
      if (!inside || !outside || exceptions.some((e) => e.via.includes(d.index))) continue;
      findings.push({
        ...base(ctx),
        rule: this.id,
        kind: 'bridge',
        subject: { kind: 'device', id: d.id },
        gateway: d.kind,
        domains: [...domains],
        loc: d.loc,
      });
    }
    return findings;
  },
};

const mynumberExceptionScope: RuleDefinition<'mynumber-exception-scope'> = {
  id: 'mynumber-exception-scope',
  clause: '§6(3)ア',
  check(ctx) {
    const findings: Finding[] = [];
    for (const e of ctx.network.exceptions) {
      const problems: ExceptionProblem[] = [];
      for (const [side, ranges, written] of [
        ['from', e.from, e.written.from],
        ['to', e.to, e.written.to],
      ] as const) {
        const broad = ranges.filter((r) => rangeSize(r) > 1);
        if (broad.length > 0) problems.push({ kind: 'not-single-host', side, written, addresses: broad.map((r) => rangeSize(r)).reduce((a, b) => a + b, 0) });
      }
      for (const t of e.services) {
        const wide = t.protoLo !== t.protoHi || (PORT_PROTOCOLS.has(t.protoLo) && t.portHi - t.portLo + 1 > ctx.params.maxPortsPerTerm);
        if (wide) {
          problems.push({ kind: 'ports-not-limited', written: e.written.service });
          break;
        }
      }
      if (e.expires < ctx.today) problems.push({ kind: 'expired', expires: e.expires });
      if (problems.length === 0) continue;
      findings.push({
        ...base(ctx),
        rule: this.id,
        kind: 'too-wide',
        subject: { kind: 'exception', id: e.id },
        problems,
        loc: e.loc,
      });
    }
    return findings;
  },
};

const mynumberEndpointControls: RuleDefinition<'mynumber-endpoint-controls'> = {
  id: 'mynumber-endpoint-controls',
  clause: '§6(3)ア',
  check(ctx) {
    const findings: Finding[] = [];
    for (const h of ctx.network.hosts) {
      const zone = ctx.network.zones[h.zone]!;
      if (!ctx.params.domains.includes(zone.domain) || !ctx.params.roles.includes(h.role)) continue;
      const missing = ctx.params.required.filter((c) => !h.controls.has(c));
      if (missing.length === 0) continue;
      findings.push({
        ...base(ctx),
        rule: this.id,
        kind: 'missing-controls',
        subject: { kind: 'host', id: h.id },
        group: h.isGroup,
        zone: zone.id,
        missing,
        loc: h.loc,
      });
    }
    return findings;
  },
};

/**
 * Under the α' model, what the approved cloud services in force allow: from the terminals of
 * the LGWAN side to each service's destinations, its services only. Nothing under any other model.
 */
function cloudServiceSet(net: Network, lgwanSide: readonly string[], today: string): HeaderSet {
  if (net.model !== 'alpha-prime') return [];
  const terminals = net.hosts.filter((h) => h.role === 'terminal' && lgwanSide.includes(net.zones[h.zone]!.domain)).map((h) => h.range);
  if (terminals.length === 0) return [];
  const services = net.cloudServices.filter((c) => c.expires >= today);
  return normalize(services.flatMap((c) => boxesOfMatch({ src: terminals, dst: c.to, services: c.services })));
}

const pathSeparation: RuleDefinition<'path-separation'> = {
  id: 'path-separation',
  clause: '§6(3)イ, §2(17)',
  check(ctx) {
    const a = zonesIn(ctx.network, ctx.params.lgwanSide);
    const b = zonesIn(ctx.network, ctx.params.internetSide);
    const approved = cloudServiceSet(ctx.network, ctx.params.lgwanSide, ctx.today);
    const exempt = normalize([...exemptHeaders(ctx, this.id), ...approved]);
    return forbiddenReach(ctx, [a, b], exempt, ctx.engine).map((flow) => ({
      ...pairFacts(ctx, flow),
      rule: this.id,
      kind: 'reach',
      ...(approved.length > 0 ? { cloudServices: true as const } : {}),
    }));
  },
};

const mynumberInternetIsolation: RuleDefinition<'mynumber-internet-isolation'> = {
  id: 'mynumber-internet-isolation',
  // The guideline-derived rules cite 「地方公共団体における情報セキュリティポリシーに関するガイドライン」(MIC, 令和6年10月版).
  clause: '§6(3)ア, 総務省ガイドライン(令和6年10月版)',
  check(ctx) {
    const net = ctx.network;
    const isolated = zonesIn(net, ctx.params.isolated);
    const internet = zonesIn(net, ctx.params.internetSide);
    // No exemption: an exception does not make a path to or from the Internet side acceptable.
    const findings: Finding[] = forbiddenReach(ctx, [isolated, internet], [], ctx.engine).map((flow) => ({
      ...pairFacts(ctx, flow),
      rule: this.id,
      kind: 'reach',
    }));
    if (ctx.scope && !ctx.scope.objects) return findings;
    const ids = (ranges: Exception['from'], side: readonly Zone[]): string[] => {
      const wanted = new Set(side.map((z) => z.index));
      return zonesOf(net, ranges)
        .filter((z) => wanted.has(z))
        .map((z) => net.zones[z]!.id);
    };
    for (const e of net.exceptions) {
      const out = { fromZones: ids(e.from, isolated), toZones: ids(e.to, internet) };
      const back = { fromZones: ids(e.from, internet), toZones: ids(e.to, isolated) };
      const crossing = out.fromZones.length > 0 && out.toZones.length > 0 ? out : back.fromZones.length > 0 && back.toZones.length > 0 ? back : undefined;
      if (!crossing) continue;
      findings.push({ ...base(ctx), rule: this.id, kind: 'exception', subject: { kind: 'exception', id: e.id }, ...crossing, loc: e.loc });
    }
    return findings;
  },
};

const modelPlacement: RuleDefinition<'model-placement'> = {
  id: 'model-placement',
  clause: "総務省ガイドライン(令和6年10月版) α/α'/β/β'",
  check(ctx) {
    const net = ctx.network;
    const model = net.model;
    const findings: Finding[] = [];
    if (model === undefined || (ctx.scope && !ctx.scope.objects)) return findings;
    const expected = ctx.params.placement[model];
    // Where the business terminals sit: the domain holding most terminal members. A few
    // terminals elsewhere (an operations desk) do not make the model; a majority does.
    const terminals = net.hosts.filter((h) => ctx.params.roles.includes(h.role) && ctx.params.domains.includes(net.zones[h.zone]!.domain));
    const members = new Map<string, number>();
    for (const h of terminals) {
      const domain = net.zones[h.zone]!.domain;
      members.set(domain, (members.get(domain) ?? 0) + rangeSize(h.range));
    }
    const home = members.get(expected ?? '') ?? 0;
    if (expected !== undefined) {
      for (const h of terminals) {
        const zone = net.zones[h.zone]!;
        if (zone.domain === expected || (members.get(zone.domain) ?? 0) <= home) continue;
        findings.push({
          ...base(ctx),
          rule: this.id,
          kind: 'terminals',
          subject: { kind: 'host', id: h.id },
          model,
          group: h.isGroup,
          zone: zone.id,
          domainName: own(ctx.domains, zone.domain) ?? { ja: zone.domain, en: zone.domain },
          expected: { domain: expected, name: own(ctx.domains, expected) ?? { ja: expected, en: expected } },
          loc: h.loc,
        });
      }
    }
    if (!ctx.params.cloudModels.includes(model)) {
      for (const c of net.cloudServices) {
        findings.push({ ...base(ctx), rule: this.id, kind: 'cloud-service', subject: { kind: 'cloud-service', id: c.id }, model, loc: c.loc });
      }
    }
    return findings;
  },
};

const internetEndpointControls: RuleDefinition<'internet-endpoint-controls'> = {
  id: 'internet-endpoint-controls',
  clause: "総務省ガイドライン(令和6年10月版) β/β'",
  check(ctx) {
    const net = ctx.network;
    const model = net.model;
    const findings: Finding[] = [];
    if (model === undefined || !ctx.params.models.includes(model) || (ctx.scope && !ctx.scope.objects)) return findings;
    for (const h of net.hosts) {
      const zone = net.zones[h.zone]!;
      if (!ctx.params.domains.includes(zone.domain) || !ctx.params.roles.includes(h.role)) continue;
      const missing = ctx.params.required.filter((c) => !h.controls.has(c));
      if (missing.length === 0) continue;
      findings.push({
        ...base(ctx),
        rule: this.id,
        kind: 'missing-controls',
        subject: { kind: 'host', id: h.id },
        model,
        group: h.isGroup,
        zone: zone.id,
        missing,
        loc: h.loc,
      });
    }
    return findings;
  },
};

function sideOf(network: Network, ranges: Parameters<typeof zonesOf>[1], lgwan: readonly string[], internet: readonly string[]): Set<'lgwan' | 'internet'> {
  const sides = new Set<'lgwan' | 'internet'>();
  for (const z of zonesOf(network, ranges)) {
    const domain = network.zones[z]!.domain;
    if (lgwan.includes(domain)) sides.add('lgwan');
    if (internet.includes(domain)) sides.add('internet');
  }
  return sides;
}

/** True when a flow runs between the LGWAN side and the Internet side (either way). */
export function crossesSides(network: Network, flow: DeclaredFlow, lgwan: readonly string[], internet: readonly string[]): boolean {
  const from = sideOf(network, flow.from, lgwan, internet);
  const to = sideOf(network, flow.to, lgwan, internet);
  return (from.has('lgwan') && to.has('internet')) || (from.has('internet') && to.has('lgwan'));
}

/**
 * True when an intent crosses the sides and must be sanitized: not a direct flow (no `via`)
 * that the approved cloud services of an α' network carry in full (intent-reachability checks that one).
 */
export function needsSanitizing(network: Network, intent: DeclaredFlow, lgwan: readonly string[], internet: readonly string[], today: string): boolean {
  if (!crossesSides(network, intent, lgwan, internet)) return false;
  if (intent.via.length > 0) return true;
  const approved = cloudServiceSet(network, lgwan, today);
  if (approved.length === 0) return true;
  return subtract(boxesOfMatch({ src: intent.from, dst: intent.to, services: intent.services }), approved).length > 0;
}

const STOP_ORDER: Record<Outcome['disposition']['kind'], number> = {
  denied: 0,
  refused: 1,
  'no-route': 2,
  discarded: 2,
  terminated: 3,
  delivered: 4,
  local: 4,
  'not-forwarded': 5,
  'no-path': 6,
};

/**
 * Per engine, a failing leg's classes with their witnesses, by its missing set: legs alike share
 * that set (evaluateLeg), and their classes too (many intents fail on the same shared leg).
 */
const LEG_CLASSES = new WeakMap<ReachabilityEngine, WeakMap<HeaderSet, HeaderClass[]>>();

function legFindings(
  ctx: RuleContext<unknown>,
  rule: { readonly id: 'sanitized-communication' | 'intent-reachability' },
  intentId: string,
  loc: Loc,
  legs: readonly LegResult[],
): Finding[] {
  const findings: Finding[] = [];
  // A witness is the path a missing packet takes toward its destination, ending at the hop
  // that stops it: of the packet's traced ends, the nearest to the destination's zone (a
  // refusal at a gateway there, a deny at a firewall beside it, …), not a path that wanders
  // off elsewhere (issue 13, item 2). Then the most telling stop (a deny names the rule), then
  // the shorter path and the end itself, so that every engine shows the same one.
  const toward = (packet: { dst: number }) => distancesTo(ctx.network, zoneOfAddress(ctx.network, packet.dst));
  const prefer = (a: Outcome, b: Outcome, packet: { dst: number }): number => {
    const d = toward(packet);
    return (
      endDistance(ctx.network, d, a.disposition) - endDistance(ctx.network, d, b.disposition) ||
      STOP_ORDER[a.disposition.kind] - STOP_ORDER[b.disposition.kind] ||
      a.hops.length - b.hops.length ||
      dispositionKey(a.disposition).localeCompare(dispositionKey(b.disposition))
    );
  };
  legs.forEach((r, i) => {
    if (r.missing.length === 0) return;
    const fails = (d: Disposition): boolean => !legArrives(r.leg, d);
    let known = LEG_CLASSES.get(ctx.engine);
    if (!known) {
      known = new WeakMap();
      LEG_CLASSES.set(ctx.engine, known);
    }
    let classes = known.get(r.missing);
    if (!classes) {
      classes = classesOf(ctx.network, r.missing, (boxes) => traceWitness(ctx.network, ctx.engine, boxes, fails, prefer));
      known.set(r.missing, classes);
    }
    const witness = classes.find((c) => c.witness)?.witness;
    const stop = legStop(ctx, witness);
    findings.push({
      ...base(ctx),
      rule: rule.id,
      kind: 'leg',
      subject: { kind: 'leg', intent: intentId, leg: r.leg.label },
      index: i + 1,
      count: legs.length,
      stop,
      // At the deny rule that stops it; else at the intent (whose destination or gateway is to change).
      loc: witness?.disposition.kind === 'denied' && witness.disposition.rule ? witness.disposition.rule.loc : loc,
      classes,
    });
  });
  return findings;
}

/** A disposition as a stable text, to order ends that are otherwise alike. */
function dispositionKey(d: Disposition): string {
  const end = endOf(d);
  return end ? `${end.kind}:${'device' in end ? end.device : ''}:${'interface' in end ? end.interface : ''}:${'zone' in end ? end.zone : ''}` : d.kind;
}

/** What stops a leg, from its witness: the facts its hint is chosen by. */
function legStop(ctx: RuleContext<unknown>, witness: Witness | undefined): LegStop {
  const net = ctx.network;
  const d = witness?.disposition;
  if (!witness || !d) return { kind: 'other' };
  switch (d.kind) {
    case 'refused': {
      const gateway = net.devices[d.device]!;
      return { kind: 'refused', gateway: gateway.id, interface: d.interface, address: gateway.interfaces.find((f) => f.name === d.interface)?.address };
    }
    case 'denied': {
      const device = net.devices[d.device]!;
      // The zone it came from: the last zone segment before the firewall on the path.
      const before = [...witness.hops].reverse().find((h) => h.kind === 'zone');
      const fromZone = before?.kind === 'zone' ? before.zone : undefined;
      const srcZone = zoneOfAddress(net, witness.packet.src);
      const dstZone = zoneOfAddress(net, witness.packet.dst);
      // The zone it was leaving toward: the firewall's zone nearest the destination (the first
      // in zone order among equals), whichever way an engine's trace tried to leave; else the destination's.
      const distance = dstZone >= 0 ? distancesTo(net, dstZone).zones : [];
      const sides = device.interfaces.map((f) => f.zone).filter((z): z is number => z !== undefined && z !== fromZone);
      const outZone = [...new Set(sides)].sort((a, b) => (distance[a] ?? Infinity) - (distance[b] ?? Infinity) || a - b)[0];
      const toZone = outZone ?? (dstZone >= 0 ? dstZone : undefined);
      const domains = [...new Set([srcZone, fromZone, toZone, dstZone].filter((z): z is number => z !== undefined && z >= 0).map((z) => net.zones[z]!.domain))];
      return {
        kind: 'denied',
        device: device.id,
        rule: d.rule?.id,
        from: fromZone === undefined ? undefined : zoneRef(ctx, net.zones[fromZone]!),
        to: toZone === undefined ? undefined : zoneRef(ctx, net.zones[toZone]!),
        crosses: domains.some((a) => domains.some((b) => ctx.separated(a, b))),
      };
    }
    case 'no-route':
      return { kind: 'no-route', device: net.devices[d.device]!.id };
    default:
      return { kind: 'other' };
  }
}

const sanitizedCommunication: RuleDefinition<'sanitized-communication'> = {
  id: 'sanitized-communication',
  clause: '§6(3)イ, §2(18)',
  check(ctx) {
    const findings: Finding[] = [];
    const p = ctx.params;
    for (const intent of intentsInScope(ctx.network, ctx.scope)) {
      if (!needsSanitizing(ctx.network, intent, p.lgwanSide, p.internetSide, ctx.today)) continue;
      const about = { ...base(ctx), rule: this.id, subject: { kind: 'intent', id: intent.id }, loc: intent.loc } as const;
      const sanitizers = intent.via.map((i) => ctx.network.devices[i]!).filter((d) => d.kind === 'sanitizer');
      if (sanitizers.length === 0) {
        findings.push({ ...about, kind: 'no-sanitizer' });
        continue;
      }
      const content = intent.content ?? intent.written.service.map((s) => own(p.contentByService, s.toLowerCase())).find((c) => c !== undefined);
      if (!content) {
        findings.push({ ...about, kind: 'unknown-content' });
        continue;
      }
      const method = own(p.methods, content);
      if (method && !sanitizers.some((d) => d.method === method)) {
        findings.push({ ...about, kind: 'wrong-method', content, method, sanitizers: sanitizers.map((d) => ({ id: d.id, method: d.method })) });
        continue;
      }
      const evaluation = evaluateIntent(ctx.network, ctx.engine, intent);
      if (!evaluation.plan.ok) {
        findings.push({ ...about, kind: 'no-relay', gateway: evaluation.plan.device.id, target: evaluation.plan.to });
        continue;
      }
      findings.push(...legFindings(ctx, this, intent.id, intent.loc, evaluation.legs));
    }
    return findings;
  },
};

const securityCloudAggregation: RuleDefinition<'security-cloud-aggregation'> = {
  id: 'security-cloud-aggregation',
  clause: '§6(3)ウ',
  check(ctx) {
    const net = ctx.network;
    // A path that bypasses the cloud is a path in the network without the cloud's zones
    // and devices: reachability there is exactly the bypassing reachability.
    const cloudZones = zonesIn(net, ctx.params.cloud).map((z) => z.index);
    const cloud = new Set(cloudZones);
    const cloudDevices = net.devices.filter((d) => d.zone !== undefined && cloud.has(d.zone)).map((d) => d.index);
    const bypass = ctx.engineFactory(net, { zones: cloud, devices: new Set(cloudDevices), edges: new Set() });
    const from = zonesIn(net, ctx.params.from);
    const to = zonesIn(net, ctx.params.to);
    return forbiddenReach(ctx, [from, to], exemptHeaders(ctx, this.id), bypass).map((flow) => ({
      ...pairFacts(ctx, flow),
      rule: this.id,
      kind: 'bypass',
    }));
  },
};

const inventory: RuleDefinition<'inventory'> = {
  id: 'inventory',
  clause: '§3(2)',
  check(ctx) {
    const net = ctx.network;
    const findings: Finding[] = [];
    const common = { ...base(ctx), rule: this.id };
    for (const d of net.devices) {
      // A pure data plane (no zones) has nothing for a device to belong to.
      if (d.zone === undefined && net.zones.length > 0) {
        findings.push({ ...common, kind: 'no-zone', subject: { kind: 'device', id: d.id }, loc: d.loc });
      }
    }
    // Every address used twice: hosts, groups and interface addresses.
    type Owner = HostSubject | InterfaceSubject;
    const uses: Array<{ lo: number; hi: number; subject: Owner; loc: Loc }> = [];
    for (const h of net.hosts) uses.push({ ...h.range, subject: { kind: 'host', id: h.id }, loc: h.loc });
    for (const d of net.devices)
      for (const f of d.interfaces)
        if (f.address !== undefined) uses.push({ lo: f.address, hi: f.address, subject: { kind: 'interface', device: d.id, name: f.name }, loc: f.loc });
    uses.sort((x, y) => x.lo - y.lo);
    let reach = -1;
    let holder: (typeof uses)[number] | undefined;
    for (const u of uses) {
      if (holder && u.lo <= reach) {
        findings.push({ ...common, kind: 'address-conflict', subject: u.subject, address: u.lo, other: holder.subject, loc: u.loc });
      }
      if (u.hi > reach) {
        reach = u.hi;
        holder = u;
      }
    }
    // Overlapping subnets of two zones of one domain: a sweep over subnets sorted by start,
    // comparing each with the earlier ones still open (linear for unnested address plans).
    const subnets = net.zones.flatMap((z) => z.subnets.map((s) => ({ lo: s.lo, hi: s.hi, zone: z })));
    subnets.sort((a, b) => a.lo - b.lo);
    const pairs = new Map<string, [Zone, Zone]>();
    let open: typeof subnets = [];
    for (const s of subnets) {
      open = open.filter((o) => o.hi >= s.lo);
      for (const o of open) {
        if (o.zone === s.zone || o.zone.domain !== s.zone.domain) continue;
        const [a, b] = o.zone.index < s.zone.index ? [o.zone, s.zone] : [s.zone, o.zone];
        pairs.set(`${a.index}:${b.index}`, [a, b]);
      }
      open.push(s);
    }
    for (const [z, other] of [...pairs.values()].sort(([a, b], [c, d]) => a.index - c.index || b.index - d.index)) {
      findings.push({ ...common, kind: 'subnet-overlap', subject: { kind: 'zones', zones: [z.id, other.id] }, loc: other.loc });
    }
    return findings;
  },
};

const intentReachability: RuleDefinition<'intent-reachability'> = {
  id: 'intent-reachability',
  clause: '§2(10)',
  check(ctx) {
    const findings: Finding[] = [];
    for (const intent of intentsInScope(ctx.network, ctx.scope)) {
      if (ctx.intentsCheckedElsewhere.has(intent.id)) continue;
      const evaluation = evaluateIntent(ctx.network, ctx.engine, intent);
      if (!evaluation.plan.ok) {
        findings.push({
          ...base(ctx),
          rule: this.id,
          kind: 'no-relay',
          subject: { kind: 'intent', id: intent.id },
          gateway: evaluation.plan.device.id,
          target: evaluation.plan.to,
          loc: evaluation.plan.device.loc,
        });
        continue;
      }
      findings.push(...legFindings(ctx, this, intent.id, intent.loc, evaluation.legs));
    }
    return findings;
  },
};

const ELEMENT_ORDER = new WeakMap<Network, { readonly attachments: ReadonlyMap<string, number>; readonly links: ReadonlyMap<string, number> }>();
/**
 * The position of each attachment (of a device's interface in a zone: device, then interface
 * order) and of each link (link order) by failure id, kept per network: the n-1 sweep lists
 * each intent's elements in this order without walking every interface again.
 */
function elementOrder(net: Network): { readonly attachments: ReadonlyMap<string, number>; readonly links: ReadonlyMap<string, number> } {
  let order = ELEMENT_ORDER.get(net);
  if (!order) {
    const attachments = new Map<string, number>();
    for (const d of net.devices) for (const f of d.interfaces) if (f.zone !== undefined) attachments.set(attachId(d.id, f.name), attachments.size);
    const links = new Map<string, number>();
    net.links.forEach((l, k) => {
      links.set(l.id, k);
    });
    order = { attachments, links };
    ELEMENT_ORDER.set(net, order);
  }
  return order;
}

const availability: RuleDefinition<'availability'> = {
  id: 'availability',
  clause: '§2(10), §3(3), §3(5)',
  check(ctx) {
    const net = ctx.network;
    const findings: Finding[] = [];
    const resilient = intentsInScope(net, ctx.scope).filter((i) => i.resilient);
    if (resilient.length === 0) return findings;
    for (const intent of resilient) {
      const healthy = evaluateIntent(net, ctx.engine, intent);
      if (!healthy.plan.ok || healthy.legs.some((l) => l.missing.length > 0)) continue; // intent-reachability reports it
      // Only an element that carries some of the intent's packets can cut it: the others are
      // not tried (the footprint of each leg).
      const devices = new Set<number>();
      const edges = new Set<string>();
      for (const leg of healthy.legs) {
        const f = ctx.engine.footprint(zonesOf(net, leg.leg.from), leg.requested);
        f.devices.forEach((d) => {
          devices.add(d);
        });
        f.edges.forEach((e) => {
          edges.add(e);
        });
      }
      // The footprint's elements in the network's order: devices, attachments, then links.
      const order = elementOrder(net);
      const failing = (id: string): Failures => ({ zones: new Set(), devices: new Set(), edges: new Set([id]) });
      const keyed: Array<readonly [number, { label: string; failures: Failures }]> = [];
      for (const d of devices) keyed.push([d, { label: net.devices[d]!.id, failures: { zones: new Set(), devices: new Set([d]), edges: new Set() } }]);
      for (const id of edges) {
        const a = order.attachments.get(id);
        if (a !== undefined) keyed.push([net.devices.length + a, { label: id, failures: failing(id) }]);
        const l = order.links.get(id);
        if (l !== undefined) keyed.push([net.devices.length + order.attachments.size + l, { label: id, failures: failing(id) }]);
      }
      const elements = keyed.sort((x, y) => x[0] - y[0]).map(([, e]) => e);
      const breaking: string[] = [];
      for (const element of elements) {
        const engine = ctx.engineFactory(net, element.failures);
        const evaluation = evaluateIntent(net, engine, intent);
        if (evaluation.legs.some((l) => l.missing.length > 0)) breaking.push(element.label);
      }
      if (breaking.length === 0) continue;
      findings.push({
        ...base(ctx),
        rule: this.id,
        kind: 'single-failure',
        subject: { kind: 'intent', id: intent.id },
        breaking,
        loc: intent.loc,
      });
    }
    return findings;
  },
};

/** The facts of a hygiene issue: the rule's action, the rules that cover it, what is broad. */
function hygieneFacts(network: Network, issue: HygieneIssue, domains: Readonly<Record<string, Localized>>): HygieneFacts {
  const d = network.devices[issue.device]!;
  const r = d.rules[issue.rule]!;
  const name = (domain: string): Localized => own(domains, domain) ?? { ja: domain, en: domain };
  return {
    action: r.action,
    unbound: issue.unbound,
    covering: issue.covering.map((k) => {
      const c = d.rules[k]!;
      return { id: c.id, action: c.action, loc: c.loc };
    }),
    broad: issue.broadFields.map((field) => ({ field, written: field === 'from' ? r.written.from : field === 'to' ? r.written.to : r.written.service })),
    crossings: issue.crossings.map(([a, b]) => [name(a), name(b)] as const),
  };
}

const firewallHygiene: RuleDefinition<'firewall-hygiene'> = {
  id: 'firewall-hygiene',
  clause: '§3(2), §6(6)',
  check(ctx) {
    const kinds = new Set<HygieneKind>(ctx.params.kinds);
    // A scoped check (a review of rule changes) looks at the changed firewalls only.
    const devices = ctx.scope && !ctx.scope.objects ? ctx.scope.devices : undefined;
    return analyzeHygiene(ctx.network, ctx.engine, { kinds, ...(devices ? { devices } : {}) }).map((issue) => {
      const d = ctx.network.devices[issue.device]!;
      const r = d.rules[issue.rule]!;
      const finding: Finding = {
        ...base(ctx),
        rule: this.id,
        kind: issue.kind,
        subject: { kind: 'rule', device: d.id, rule: r.id },
        loc: r.loc,
        ...hygieneFacts(ctx.network, issue, ctx.domains),
      };
      return issue.kind === 'unneeded' ? { ...finding, severity: ctx.params.unneededSeverity } : finding;
    });
  },
};

/** Every rule the seed pack can name, in report order. */
export const CATALOGUE = [
  mynumberIsolation,
  mynumberExceptionScope,
  mynumberEndpointControls,
  pathSeparation,
  sanitizedCommunication,
  securityCloudAggregation,
  inventory,
  intentReachability,
  availability,
  firewallHygiene,
  mynumberInternetIsolation,
  modelPlacement,
  internetEndpointControls,
] as const;
