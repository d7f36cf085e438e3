// JSON output for machines: the same data as the text report, with indices turned into
// names and header classes into readable ranges (plus the raw numbers).

import type { Network } from '../model/network.ts';
import type { CheckReport, Finding, HeaderClass, RuleResult } from '../policy/types.ts';
import type { Outcome } from '../engine/types.ts';
import { findingText, RULE_TITLES, subjectText } from './messages.ts';
import { describeBox, describeClass, describeDisposition, describeHop, describePacket, formatLoc, type Lang } from './describe.ts';

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

export function findingJson(network: Network, f: Finding, lang: Lang): unknown {
  return {
    rule: f.rule,
    severity: f.severity,
    clause: f.clause,
    subject: subjectText(f),
    ...findingText(f),
    location: formatLoc(f.loc),
    permittedBy: f.permittedBy.map((r) => ({ device: r.device, rule: r.id, position: r.position, location: formatLoc(r.loc) })),
    classes: f.classes.map((c) => classJson(network, c, lang)),
  };
}

/** The rules of a check as JSON, each with its title from the catalogue (in both languages). */
export function rulesJson(rules: readonly RuleResult[]): unknown[] {
  return rules.map((r) => ({ id: r.id, clause: r.clause, title: RULE_TITLES[r.id], severity: r.severity, status: r.status, findings: r.findings }));
}

export function checkReportJson(network: Network, report: CheckReport, lang: Lang): string {
  return JSON.stringify(
    {
      bunkatsu: 1,
      topology: report.topology,
      policy: report.policy,
      engine: report.engine,
      summary: report.summary,
      rules: rulesJson(report.rules),
      findings: report.findings.map((f) => findingJson(network, f, lang)),
    },
    null,
    2,
  );
}

export function outcomesJson(network: Network, outcomes: readonly Outcome[], lang: Lang): unknown[] {
  return outcomes.map((o) => ({
    disposition: describeDisposition(network, o.disposition, lang),
    kind: o.disposition.kind,
    classes: o.headers.map(describeBox),
    hops: o.hops.map((h) => describeHop(network, h, lang)),
  }));
}
