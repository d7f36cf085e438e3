// Rule updates and the rules in force: the trace of a data plane (fwd and ACL rules inserted
// and removed one by one) and the one place that says what an update does to the rules in
// force: which rule it names, and where a new ACL rule goes. The Stanford importer and the
// replayer both keep rule state through it.

import { IPV4_MAX } from '../net/ipv4.ts';

/** An address match in Cisco form: a 1 bit of `wildcard` means "any value". */
export interface WildcardAddress {
  readonly address: number;
  readonly wildcard: number;
}

export const ANY_ADDRESS: WildcardAddress = { address: 0, wildcard: IPV4_MAX };

/** One ACL rule as a trace writes it. */
export interface AclLine {
  readonly action: 'permit' | 'deny';
  readonly protoLo: number;
  readonly protoHi: number;
  readonly src: WildcardAddress;
  readonly dst: WildcardAddress;
  readonly portLo: number;
  readonly portHi: number;
  readonly priority: number;
  /** The rule text from the action on: identity for removals (FORMAT §7.12). */
  readonly key: string;
}

/** A fwd update: the rule (device, prefix, length, port, priority) inserted or removed. */
export interface FwdUpdate {
  readonly op: '+' | '-';
  readonly kind: 'fwd';
  readonly device: string;
  readonly prefix: number;
  readonly length: number;
  /** Interface name, or "self" (deliver). */
  readonly port: string;
  readonly priority: number;
  readonly line: number;
  /** Columns of the line's tokens, for locations. */
  readonly columns?: readonly number[];
}

/** An ACL update: a rule of ACL `<device>_<acl>` inserted or removed. */
export interface AclUpdate {
  readonly op: '+' | '-';
  readonly kind: 'acl';
  readonly device: string;
  readonly acl: string;
  readonly rule: AclLine;
  readonly line: number;
  readonly columns?: readonly number[];
}

export type Update = FwdUpdate | AclUpdate;

/**
 * A port that only `fwd` lines name (not topo.txt, not vlan.txt, not an ACL binding): an edge
 * port the trace declares, where packets leave the network. APKeep creates such a port on the
 * first rule that forwards to it (ForwardElement.insertOneRule); with no topo edge it is an exit.
 */
export interface TracePort {
  readonly device: string;
  readonly port: string;
  /** The first fwd line naming it, and the port's column there. */
  readonly line: number;
  readonly column: number;
}

/** Identity of a fwd rule on its device (APKeep: prefix, length, port, priority). */
export function fwdKey(u: { readonly prefix: number; readonly length: number; readonly port: string; readonly priority: number }): string {
  return `${u.prefix}/${u.length} ${u.port} ${u.priority}`;
}

/**
 * Inserts an ACL rule into a list in evaluation order (descending priority): before existing
 * rules of equal priority, so the newest wins (FORMAT §3.1). Identical rules are kept both.
 */
export function insertAclRule<R extends { readonly priority: number }>(list: R[], rule: R): void {
  let i = 0;
  while (i < list.length && list[i]!.priority > rule.priority) i++;
  list.splice(i, 0, rule);
}

/** Removes the first ACL rule with the key (FORMAT §7.12); false when none is in force. */
export function removeAclRule<R extends { readonly key: string }>(list: R[], key: string): boolean {
  const i = list.findIndex((r) => r.key === key);
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}

/** The rules in force: fwd rules per device, ACL rules per element in evaluation order. */
export class RuleTable {
  /** Per device: fwd rules keyed by fwdKey. */
  private readonly fwdRules = new Map<string, Map<string, FwdUpdate>>();
  /** Per element "device acl": rules in evaluation order. */
  private readonly aclRules = new Map<string, AclLine[]>();
  /** Rules in force, fwd and ACL. */
  size = 0;

  /** The rules in force after the first `n` updates of a trace, from none. */
  static at(updates: readonly Update[], n: number): RuleTable {
    const table = new RuleTable();
    for (let i = 0; i < n && i < updates.length; i++) table.apply(updates[i]!);
    return table;
  }

  /** Applies one update; false when it changed nothing (duplicate fwd insert, absent removal). */
  apply(u: Update): boolean {
    const changed = u.kind === 'fwd' ? this.applyFwd(u) : this.applyAcl(u);
    if (changed) this.size += u.op === '+' ? 1 : -1;
    return changed;
  }

  private applyFwd(u: FwdUpdate): boolean {
    const table = this.fwdRules.get(u.device) ?? this.fwdRules.set(u.device, new Map()).get(u.device)!;
    const key = fwdKey(u);
    if (u.op === '-') return table.delete(key);
    if (table.has(key)) return false;
    table.set(key, u);
    return true;
  }

  private applyAcl(u: AclUpdate): boolean {
    const key = `${u.device} ${u.acl}`;
    const list = this.aclRules.get(key) ?? this.aclRules.set(key, []).get(key)!;
    if (u.op === '-') return removeAclRule(list, u.rule.key);
    insertAclRule(list, u.rule);
    return true;
  }

  /** The fwd rules of a device in force, in the order they were inserted. */
  fwd(device: string): readonly FwdUpdate[] {
    return [...(this.fwdRules.get(device)?.values() ?? [])];
  }

  /** The rules of ACL `<device>_<acl>` in force, in evaluation order. */
  acl(device: string, acl: string): readonly AclLine[] {
    return this.aclRules.get(`${device} ${acl}`) ?? [];
  }
}

/** The number of updates after which the most rules are in force (the first such point). */
export function fullestPoint(updates: readonly Update[]): number {
  const table = new RuleTable();
  let best = 0;
  let at = 0;
  updates.forEach((u, i) => {
    table.apply(u);
    if (table.size > best) {
      best = table.size;
      at = i + 1;
    }
  });
  return at;
}
