// Rule changes applied to a loaded network in memory: the fast path of a review. Only the
// changed firewalls' rule lists are rebuilt (their new rules resolved against the network's
// zones, hosts, devices and services); everything else is shared with the network before.
// Changes that add or remove elements go through the topology document instead (change.ts).

import { InputError, type Diagnostic, type ErrorCode } from '../errors.ts';
import type { Device, Network, Rule } from '../model/network.ts';
import { quickRule } from '../model/quick-schema.ts';
import { type RuleDecl, ruleSchema } from '../model/schema.ts';
import { loadDocument, type LoadOptions } from '../model/load.ts';
import { networkScope, resolveAddresses, resolveServices } from '../model/resolve.ts';
import type { SourceDocument } from '../model/source.ts';
import { actionJa, applyChange, type LoadedChange, type Touched } from './change.ts';
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
export function networkAfter(
  before: Network,
  topology: SourceDocument,
  loaded: LoadedChange,
  options: LoadOptions,
): { after: Network; operations: readonly ChangeOperation[]; touched: Touched } {
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
  const scope = networkScope(before);
  const operations: ChangeOperation[] = [];
  const lists = new Map<number, Rule[]>();
  const down: string[] = [];
  const asList = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);

  // biome-ignore lint/suspicious/useIterableCallbackReturn: an early return ends one operation's checks
  loaded.change.changes.forEach((op, index) => {
    const [name, body] = Object.entries(op)[0]! as [string, Record<string, unknown>];
    const path = ['changes', index, name];
    const loc = loaded.doc.locate(path);
    const fail = (code: ErrorCode, message: string, at: readonly PropertyKey[] = path): void => {
      problems.push({ code, message, loc: loaded.doc.locate(at) });
    };
    if (name === 'down') {
      const ids = typeof body === 'string' ? [body] : (body as unknown as string[]);
      down.push(...ids);
      operations.push({ op: name, summary: { en: `take out of service: ${ids.join(', ')}`, ja: `運用停止: ${ids.join('、')}` }, loc });
      return;
    }
    const ref = before.ids.get(String(body.device));
    const device = ref?.kind === 'device' ? before.devices[ref.index] : undefined;
    if (!device) return fail('BNK_ERR_UNKNOWN_REF', `unknown device "${String(body.device)}"`, [...path, 'device']);
    if (device.kind !== 'firewall')
      return fail('BNK_ERR_SCHEMA', `device "${device.id}" is a ${device.kind}, not a firewall: it has no rules`, [...path, 'device']);
    const rules = lists.get(device.index) ?? [...device.rules];
    lists.set(device.index, rules);
    const indexOf = (r: unknown, at: readonly PropertyKey[]): number => {
      const i = typeof r === 'number' ? r - 1 : rules.findIndex((x) => x.id === r);
      if (i >= 0 && i < rules.length) return i;
      fail('BNK_ERR_UNKNOWN_REF', `no rule ${typeof r === 'number' ? `at position ${r}` : `"${String(r)}"`} in this firewall`, at);
      return -1;
    };
    const target = (w: Where): number => {
      if (w.position !== undefined) {
        if (w.position > rules.length + 1) fail('BNK_ERR_SCHEMA', `position ${w.position} is past the end (${rules.length} rules)`, [...path, 'position']);
        return Math.min(w.position - 1, rules.length);
      }
      if (w.before !== undefined) return indexOf(w.before, [...path, 'before']);
      if (w.after !== undefined) return indexOf(w.after, [...path, 'after']) + 1;
      return rules.length;
    };
    const resolve = (decl: unknown, at: readonly PropertyKey[], position: number): Rule | undefined => {
      // A plainly valid rule needs no zod (quick-schema.ts); zod reads the rest, and words its errors.
      const quick = quickRule(decl) as RuleDecl | undefined;
      const parsed = quick ? ({ success: true, data: quick } as const) : ruleSchema().safeParse(decl);
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          problems.push({
            code: 'BNK_ERR_SCHEMA',
            message: `${issue.path.join('.') || 'rule'}: ${issue.message}`,
            loc: loaded.doc.locate([...at, ...issue.path.slice(0, 1)] as PropertyKey[]),
          });
        return undefined;
      }
      const r = parsed.data;
      const names = new Set(device.interfaces.map((f) => f.name));
      const ifaces = (v: string | readonly string[] | undefined, key: string): Set<string> | undefined => {
        if (v === undefined) return undefined;
        const set = new Set(asList(v));
        for (const n of set)
          if (!names.has(n)) fail('BNK_ERR_UNKNOWN_REF', `device "${device.id}" has no interface "${n}" (it has ${[...names].join(', ')})`, [...at, key]);
        return set;
      };
      return {
        id: r.id ?? String(position),
        named: r.id !== undefined,
        position,
        action: r.action,
        src: resolveAddresses(scope, asList(r.from), () => loaded.doc.locate([...at, 'from']), problems),
        dst: resolveAddresses(scope, asList(r.to), () => loaded.doc.locate([...at, 'to']), problems),
        services: resolveServices(scope, asList(r.service), () => loaded.doc.locate([...at, 'service']), problems),
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
      operations.push({
        op: name,
        summary: {
          en: `add rule ${rule.id} (${rule.action}) at position ${at + 1} of ${device.id}`,
          ja: `${device.id} の ${at + 1} 番目にルール ${rule.id}（${actionJa(rule.action)}）を追加`,
        },
        loc,
      });
    } else if (name === 'remove-rule') {
      const i = indexOf(b.rule, [...path, 'rule']);
      if (i < 0) return;
      const [removed] = rules.splice(i, 1);
      operations.push({
        op: name,
        summary: {
          en: `remove rule ${removed!.id} (${removed!.action}, position ${i + 1}) of ${device.id}`,
          ja: `${device.id} の ${i + 1} 番目のルール ${removed!.id}（${actionJa(removed!.action)}）を削除`,
        },
        loc,
      });
    } else if (name === 'replace-rule') {
      const i = indexOf(b.rule, [...path, 'rule']);
      if (i < 0) return;
      const rule = resolve(b.with, [...path, 'with'], i + 1);
      if (!rule) return;
      rules[i] = rule;
      operations.push({
        op: name,
        summary: {
          en: `replace rule ${String(b.rule)} of ${device.id} (position ${i + 1}) with ${rule.id} (${rule.action})`,
          ja: `${device.id} の ${i + 1} 番目のルール ${String(b.rule)} を ${rule.id}（${actionJa(rule.action)}）に置換`,
        },
        loc,
      });
    } else if (name === 'move-rule') {
      const i = indexOf(b.rule, [...path, 'rule']);
      if (i < 0) return;
      const [moved] = rules.splice(i, 1);
      const at = target(b);
      rules.splice(Math.max(0, at), 0, moved!);
      operations.push({
        op: name,
        summary: {
          en: `move rule ${moved!.id} of ${device.id} from position ${i + 1} to ${at + 1}`,
          ja: `${device.id} のルール ${moved!.id} を ${i + 1} 番目から ${at + 1} 番目に移動`,
        },
        loc,
      });
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
      if (ids.has(r.id))
        problems.push({ code: 'BNK_ERR_DUPLICATE_ID', message: `rule id "${r.id}" appears twice in firewall "${before.devices[d]!.id}"`, loc: r.loc });
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
