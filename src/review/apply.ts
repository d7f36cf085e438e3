// Rule changes applied to a loaded network in memory: the fast path of a review. Only the
// changed firewalls' rule lists are rebuilt (their new rules resolved against the network's
// zones, hosts, devices and services); everything else is shared with the network before.
// Changes that add or remove elements go through the topology document instead (change.ts).

import { InputError, type Diagnostic } from '../errors.ts';
import type { Device, Network, Rule } from '../model/network.ts';
import { ruleSchema } from '../model/schema.ts';
import { IPV4_ALL, type Ipv4Range, looksLikeAddress, parseAddressSpec } from '../net/ipv4.ts';
import { ANY_SERVICE, lookupService, type ServiceTerm } from '../net/services.ts';
import { loadDocument, type LoadOptions } from '../model/load.ts';
import type { SourceDocument } from '../model/source.ts';
import { applyChange, type LoadedChange, type Touched } from './change.ts';
import type { ChangeOperation } from './types.ts';

const RULE_OPS = new Set(['add-rule', 'remove-rule', 'replace-rule', 'move-rule', 'down']);

/** True when every operation of the change can be applied in memory. */
export function appliesInMemory(loaded: LoadedChange): boolean {
  return loaded.change.changes.every((op) => RULE_OPS.has(Object.keys(op)[0]!));
}

/**
 * The network after a change, and the change as a review reads it: applied in memory when
 * it only touches rules or takes elements down, else through the topology document (which is
 * then loaded and validated again).
 */
export function networkAfter(before: Network, topology: SourceDocument, loaded: LoadedChange, options: LoadOptions): { after: Network; operations: readonly ChangeOperation[]; touched: Touched } {
  if (appliesInMemory(loaded)) return applyInMemory(before, loaded);
  const applied = applyChange(topology, loaded);
  return { after: loadDocument(applied.doc, options), operations: applied.operations, touched: applied.touched };
}

export interface InMemoryChange {
  readonly after: Network;
  readonly operations: readonly ChangeOperation[];
  readonly touched: Touched;
}

type Where = { position?: number | undefined; before?: string | undefined; after?: string | undefined };

export function applyInMemory(before: Network, loaded: LoadedChange): InMemoryChange {
  const problems: Diagnostic[] = [];
  const operations: ChangeOperation[] = [];
  const lists = new Map<number, Rule[]>();
  const down: string[] = [];
  const asList = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);

  loaded.change.changes.forEach((op, index) => {
    const [name, body] = Object.entries(op)[0]! as [string, Record<string, unknown>];
    const path = ['changes', index, name];
    const loc = loaded.doc.locate(path);
    const fail = (message: string, at: readonly PropertyKey[] = path): void => {
      problems.push({ code: 'BNK_ERR_UNKNOWN_REF', message, loc: loaded.doc.locate(at) });
    };
    if (name === 'down') {
      const ids = typeof body === 'string' ? [body] : (body as unknown as string[]);
      down.push(...ids);
      operations.push({ op: name, summary: `take out of service: ${ids.join(', ')}`, loc });
      return;
    }
    const ref = before.ids.get(String(body.device));
    const device = ref?.kind === 'device' ? before.devices[ref.index] : undefined;
    if (!device) return fail(`unknown device "${String(body.device)}"`, [...path, 'device']);
    if (device.kind !== 'firewall') return fail(`device "${device.id}" is a ${device.kind}, not a firewall: it has no rules`, [...path, 'device']);
    const rules = lists.get(device.index) ?? [...device.rules];
    lists.set(device.index, rules);
    const indexOf = (r: unknown, at: readonly PropertyKey[]): number => {
      const i = typeof r === 'number' ? r - 1 : rules.findIndex((x) => x.id === r);
      if (i >= 0 && i < rules.length) return i;
      fail(`no rule ${typeof r === 'number' ? `at position ${r}` : `"${String(r)}"`} in this firewall`, at);
      return -1;
    };
    const target = (w: Where): number => {
      if (w.position !== undefined) {
        if (w.position > rules.length + 1) fail(`position ${w.position} is past the end (${rules.length} rules)`, [...path, 'position']);
        return Math.min(w.position - 1, rules.length);
      }
      if (w.before !== undefined) return indexOf(w.before, [...path, 'before']);
      if (w.after !== undefined) return indexOf(w.after, [...path, 'after']) + 1;
      return rules.length;
    };
    const resolve = (decl: unknown, at: readonly PropertyKey[], position: number): Rule | undefined => {
      const parsed = ruleSchema.safeParse(decl);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) problems.push({ code: 'BNK_ERR_SCHEMA', message: `${issue.path.join('.') || 'rule'}: ${issue.message}`, loc: loaded.doc.locate([...at, ...issue.path.slice(0, 1)] as PropertyKey[]) });
        return undefined;
      }
      const r = parsed.data;
      const names = new Set(device.interfaces.map((f) => f.name));
      const ifaces = (v: string | readonly string[] | undefined, key: string): Set<string> | undefined => {
        if (v === undefined) return undefined;
        const set = new Set(asList(v));
        for (const n of set) if (!names.has(n)) fail(`device "${device.id}" has no interface "${n}" (it has ${[...names].join(', ')})`, [...at, key]);
        return set;
      };
      return {
        id: r.id ?? String(position),
        named: r.id !== undefined,
        position,
        action: r.action,
        src: addresses(before, asList(r.from), (m) => fail(m, [...at, 'from'])),
        dst: addresses(before, asList(r.to), (m) => fail(m, [...at, 'to'])),
        services: services(before, asList(r.service), (m) => fail(m, [...at, 'service'])),
        inInterfaces: ifaces(r.in, 'in'),
        outInterfaces: ifaces(r.out, 'out'),
        written: { from: asList(r.from), to: asList(r.to), service: asList(r.service) },
        loc: loaded.doc.locate(at),
      };
    };
    const b = body as { rule?: unknown; with?: unknown } & Where;
    if (name === 'add-rule') {
      const at = target(b);
      const rule = resolve(b.rule, [...path, 'rule'], at + 1);
      if (!rule) return;
      rules.splice(Math.max(0, at), 0, rule);
      operations.push({ op: name, summary: `add rule ${rule.id} (${rule.action}) at position ${at + 1} of ${device.id}`, loc });
    } else if (name === 'remove-rule') {
      const i = indexOf(b.rule, [...path, 'rule']);
      if (i < 0) return;
      const [removed] = rules.splice(i, 1);
      operations.push({ op: name, summary: `remove rule ${removed!.id} (${removed!.action}, position ${i + 1}) of ${device.id}`, loc });
    } else if (name === 'replace-rule') {
      const i = indexOf(b.rule, [...path, 'rule']);
      if (i < 0) return;
      const rule = resolve(b.with, [...path, 'with'], i + 1);
      if (!rule) return;
      rules[i] = rule;
      operations.push({ op: name, summary: `replace rule ${String(b.rule)} of ${device.id} (position ${i + 1}) with ${rule.id} (${rule.action})`, loc });
    } else if (name === 'move-rule') {
      const i = indexOf(b.rule, [...path, 'rule']);
      if (i < 0) return;
      const [moved] = rules.splice(i, 1);
      const at = target(b);
      rules.splice(Math.max(0, at), 0, moved!);
      operations.push({ op: name, summary: `move rule ${moved!.id} of ${device.id} from position ${i + 1} to ${at + 1}`, loc });
    }
  });
  if (problems.length > 0) throw new InputError(problems);
  const devices = before.devices.map((d): Device => {
    const rules = lists.get(d.index);
    // Positions follow the new order; so do the ids of rules the file does not name.
    return rules ? { ...d, rules: rules.map((r, k) => (r.position === k + 1 ? r : { ...r, position: k + 1, id: r.named ? r.id : String(k + 1) })) } : d;
  });
  for (const d of lists.keys()) {
    const ids = new Set<string>();
    for (const r of devices[d]!.rules) {
      if (ids.has(r.id)) problems.push({ code: 'BNK_ERR_DUPLICATE_ID', message: `rule id "${r.id}" appears twice in firewall "${before.devices[d]!.id}"`, loc: r.loc });
      ids.add(r.id);
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return {
    after: { ...before, file: before.file, devices },
    operations,
    touched: { rules: new Set([...lists.keys()].map((d) => before.devices[d]!.id)), routes: new Map(), down, structural: undefined, hosts: false },
  };
}

function addresses(network: Network, refs: readonly string[], fail: (message: string) => void): Ipv4Range[] {
  const out: Ipv4Range[] = [];
  for (const ref of refs) {
    if (ref === 'any') return [IPV4_ALL];
    if (looksLikeAddress(ref)) {
      const parsed = parseAddressSpec(ref);
      if ('error' in parsed) fail(parsed.error);
      else out.push(parsed);
      continue;
    }
    const entry = network.ids.get(ref);
    if (entry?.kind === 'zone') {
      const z = network.zones[entry.index]!;
      out.push(...(z.isDefault ? z.owned : z.subnets));
    } else if (entry?.kind === 'host') out.push(network.hosts[entry.index]!.range);
    else if (entry?.kind === 'device') {
      for (const f of network.devices[entry.index]!.interfaces) if (f.address !== undefined) out.push({ lo: f.address, hi: f.address });
    } else fail(`"${ref}" is not a zone, host, device or address`);
  }
  return out;
}

function services(network: Network, refs: readonly string[], fail: (message: string) => void): ServiceTerm[] {
  const out: ServiceTerm[] = [];
  for (const ref of refs) {
    const found = lookupService(ref, network.services);
    if (found.ok) out.push(...found.terms);
    else fail(found.error);
  }
  return out.some((t) => t === ANY_SERVICE) ? [ANY_SERVICE] : out;
}
