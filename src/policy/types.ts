// Findings are data: what a policy rule found, where, the evidence (header classes with a
// witness path each), and messages in Japanese and English. Rendering lives in report/.

import type { Loc } from '../errors.ts';
import type { HeaderBox } from '../engine/headerset.ts';
import type { DecidingRule, Disposition, Hop, Packet } from '../engine/types.ts';

export type { Packet };

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export interface Localized {
  readonly ja: string;
  readonly en: string;
}


/** A path that shows a header class doing what the finding says, hop by hop. */
export interface Witness {
  readonly packet: Packet;
  readonly hops: readonly Hop[];
  readonly disposition: Disposition;
}

/**
 * One offending class: boxes that share source, protocol and ports and differ only in
 * destination, so that "to every address of the public Internet" reads as one class.
 */
export interface HeaderClass {
  readonly boxes: readonly HeaderBox[];
  readonly witness: Witness | undefined;
}

/** A firewall rule that lets an offending class through, located in the topology file. */
export interface PermittingRule extends DecidingRule {
  readonly device: string;
}

export interface Finding {
  /** Policy rule id, e.g. `path-separation`. */
  readonly rule: string;
  readonly severity: Severity;
  /** Clause of the policy text, e.g. `§6(3)イ`. */
  readonly clause: string;
  /** What the finding is about, e.g. `lg-office → inet-srv` or a host id. */
  readonly subject: string;
  readonly message: Localized;
  readonly hint: Localized;
  /** Primary location: the permitting rule's line for flow findings, else the object. */
  readonly loc: Loc;
  readonly classes: readonly HeaderClass[];
  readonly permittedBy: readonly PermittingRule[];
}

export type RuleStatus = 'pass' | 'fail' | 'disabled';

export interface RuleResult {
  readonly id: string;
  readonly clause: string;
  readonly title: Localized;
  readonly severity: Severity;
  readonly status: RuleStatus;
  readonly findings: number;
}

export interface CheckReport {
  readonly topology: { readonly file: string; readonly name: string; readonly model: string };
  readonly policy: { readonly name: string; readonly source: string };
  readonly engine: string;
  readonly rules: readonly RuleResult[];
  readonly findings: readonly Finding[];
  readonly summary: { readonly errors: number; readonly warnings: number; readonly infos: number; readonly rulesChecked: number; readonly rulesFailed: number };
}
