// JSON output for machines: the same data as the text report, with indices turned into
// names and header classes into readable ranges (plus the raw numbers).

import type { Network } from '../model/network.ts';
import type { CheckReport, Finding, HeaderClass, Junction, LegStop, RuleResult, ZoneRef } from '../policy/types.ts';
import { formatIpv4 } from '../net/ipv4.ts';
import type { Outcome } from '../engine/types.ts';
import { findingIds } from './ids.ts';
import { findingText, RULE_TITLES, subjectText } from './messages.ts';
import { describeBox, describeClass, describeDisposition, describeHop, describePacket, formatLoc, inTraceOrder, type Lang } from './describe.ts';

export function classJson(network: Network, c: HeaderClass, lang: Lang): unknown {
  return {
    ...describeClass(network, c.boxes),
    boxes: c.boxes,
    witness: c.witness && {
      packet: describePacket(c.witness.packet),
      hops: c.witness.hops.map((h) => describeHop(network, h, lang)),
      disposition: describeDisposition(network, c.witness.disposition, lang),
    },
  };
}

/** A finding as JSON; `id`: its id in the check (ids.ts), when it has one. */
export function findingJson(network: Network, f: Finding, lang: Lang, id?: string): unknown {
  return {
    ...(id === undefined ? {} : { id }),
    rule: f.rule,
    severity: f.severity,
    clause: f.clause,
    subject: subjectText(f),
    ...findingText(f),
    location: formatLoc(f.loc),
    permittedBy: f.permittedBy.map((r) => ({ device: r.device, rule: r.id, position: r.position, location: formatLoc(r.loc) })),
    ...('junction' in f && f.junction ? { junction: junctionJson(f.junction) } : {}),
    ...('stop' in f ? { stop: stopJson(f.stop) } : {}),
    classes: f.classes.map((c) => classJson(network, c, lang)),
  };
}

/** The device joining two domains of a flow finding with no permitting rule, its legs located. */
function junctionJson(j: Junction): unknown {
  return {
    device: j.device,
    deviceKind: j.deviceKind,
    legs: j.legs.map((l) => ({ interface: l.name, zone: l.zone ?? null, domain: l.domain, domainName: l.domainName, location: formatLoc(l.loc) })),
  };
}

/** What stops a failed leg's witness (the facts its hint is chosen by). */
function stopJson(s: LegStop): unknown {
  const zone = (z: ZoneRef | undefined) => (z ? { id: z.id, domain: z.domain, domainName: z.domainName } : null);
  switch (s.kind) {
    case 'refused':
      return { kind: s.kind, gateway: s.gateway, interface: s.interface, address: s.address === undefined ? null : formatIpv4(s.address) };
    case 'denied':
      return { kind: s.kind, device: s.device, rule: s.rule ?? null, from: zone(s.from), to: zone(s.to), crosses: s.crosses };
    case 'no-route':
      return { kind: s.kind, device: s.device };
    default:
      return { kind: s.kind };
  }
}

/** The rules of a check as JSON, each with its title from the catalogue (in both languages). */
export function rulesJson(rules: readonly RuleResult[]): unknown[] {
  return rules.map((r) => ({ id: r.id, clause: r.clause, title: RULE_TITLES[r.id], severity: r.severity, status: r.status, findings: r.findings }));
}

export function checkReportJson(network: Network, report: CheckReport, lang: Lang): string {
  const ids = findingIds(report.findings);
  return JSON.stringify(
    {
      bunkatsu: 1,
      topology: report.topology,
      policy: report.policy,
      engine: report.engine,
      summary: report.summary,
      rules: rulesJson(report.rules),
      findings: report.findings.map((f, i) => findingJson(network, f, lang, ids[i])),
    },
    null,
    2,
  );
}

/** A trace's outcomes, in the order the text lists them (delivered first). */
export function outcomesJson(network: Network, outcomes: readonly Outcome[], lang: Lang): unknown[] {
  return inTraceOrder(outcomes).map((o) => ({
    disposition: describeDisposition(network, o.disposition, lang),
    kind: o.disposition.kind,
    classes: o.headers.map(describeBox),
    hops: o.hops.map((h) => describeHop(network, h, lang)),
  }));
}
