// Change files: a list of operations on a topology (rules, routes, links, hosts, zones, and
// what-if failures), in the same YAML/JSON style as topology files. Applying one gives the
// topology after the change, whose every element still points at the line it came from:
// the topology file for what was there, the change file for what the change brought.

import type { output } from 'zod';
import { InputError, type Diagnostic, type ErrorCode, type Loc } from '../errors.ts';
import { readSource, type SourceDocument, DEFAULT_LIMITS } from '../model/source.ts';
import type { ChangeOperation } from './types.ts';
import { zod } from '../model/zod.ts';
import { quickChange } from './quick-change.ts';

// Built on first use: zod is loaded only by the commands that read a change file.
function buildChangeSchema() {
  const { z } = zod();

  const id = z.string().min(1).max(128);
  const where = {
    position: z.number().int().min(1).optional().describe('1-based position in the rule list'),
    before: id.optional().describe('Put it before this rule (id)'),
    after: id.optional().describe('Put it after this rule (id)'),
  };
  const ruleRef = { device: id.describe('Firewall id'), rule: z.union([id, z.number().int().min(1)]).describe('Rule id (or 1-based position)') };
  const anyObject = z.record(z.string(), z.unknown());
  const linkPair = z.tuple([z.string(), z.string()]);

  const operation = z.union([
    z.strictObject({ 'add-rule': z.strictObject({ device: id, rule: anyObject, ...where }) }),
    z.strictObject({ 'remove-rule': z.strictObject(ruleRef) }),
    z.strictObject({ 'replace-rule': z.strictObject({ ...ruleRef, with: anyObject }) }),
    z.strictObject({ 'move-rule': z.strictObject({ ...ruleRef, ...where }) }),
    z.strictObject({
      'add-route': z.strictObject({
        device: id,
        prefix: z.string(),
        action: z.enum(['forward', 'deliver', 'drop']).optional(),
        interface: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
        priority: z.number().int().min(0).max(2_147_483_647).optional(),
        description: z.string().optional(),
      }),
    }),
    z.strictObject({
      'remove-route': z.strictObject({ device: id, prefix: z.string(), interface: z.union([z.string(), z.array(z.string()).min(1)]).optional() }),
    }),
    z.strictObject({ 'add-interface': z.strictObject({ device: id, interface: anyObject }) }),
    z.strictObject({ 'remove-interface': z.strictObject({ device: id, interface: z.string() }) }),
    z.strictObject({ 'add-link': linkPair }),
    z.strictObject({ 'remove-link': linkPair }),
    z.strictObject({ 'add-host': anyObject }),
    z.strictObject({ 'remove-host': id }),
    z.strictObject({ 'add-zone': anyObject }),
    z.strictObject({ 'remove-zone': id }),
    z.strictObject({
      down: z.union([z.string(), z.array(z.string()).min(1)]).describe('Devices, links (a:x--b:y) or attachments (device:interface) out of service'),
    }),
  ]);

  return z.strictObject({
    'bunkatsu-change': z.literal(1).describe('Change file format version'),
    description: z.string().max(4000).optional(),
    topology: z.string().max(1000).optional().describe('The topology file this change is for (informative)'),
    changes: z.array(operation).min(1).max(100_000),
  });
}

let built: ReturnType<typeof buildChangeSchema> | undefined;

/** The schema of a change file. */
export function changeSchema(): ReturnType<typeof buildChangeSchema> {
  built ??= buildChangeSchema();
  return built;
}

export type ChangeFile = output<ReturnType<typeof changeSchema>>;
type Operation = ChangeFile['changes'][number];

export interface LoadedChange {
  readonly file: string;
  readonly change: ChangeFile;
  readonly doc: SourceDocument;
}

/** The top-level key that marks a change file, and the one version of the format this bunkatsu reads. */
export const CHANGE_MARKER = 'bunkatsu-change';
export const CHANGE_FORMAT_VERSION = 1;

/**
 * What a parsed document is, by its data: a change file when its top level has the
 * `bunkatsu-change` key (any value: a wrong version is reported when it is loaded), a topology
 * otherwise. The one place a change file is recognised.
 */
export function documentKind(data: unknown): 'change' | 'topology' {
  return isRecord(data) && Object.hasOwn(data, CHANGE_MARKER) ? 'change' : 'topology';
}

/**
 * Thrown by loadChange when the document is a mapping without `bunkatsu-change: 1` (a whole
 * topology, say): the same diagnostics as any bad change file, but callers that take change
 * files only can tell it apart by its class.
 */
export class NotAChangeFileError extends InputError {}

function isRecord(data: unknown): data is Record<string, unknown> {
  return typeof data === 'object' && data !== null && !Array.isArray(data);
}

export function loadChange(text: string, file: string): LoadedChange {
  const read = readSource(text, file, DEFAULT_LIMITS);
  if (!read.ok) throw new InputError(read.diagnostics);
  return loadChangeDocument(read.doc, file);
}

/** loadChange for a document already read (readSource). */
export function loadChangeDocument(doc: SourceDocument, file: string): LoadedChange {
  // A plainly valid file needs no zod (quick-change.ts); zod reads the rest, and words its errors.
  const quick = quickChange(doc.data);
  if (quick) return { file, change: quick as ChangeFile, doc };
  const parsed = changeSchema().safeParse(doc.data);
  if (!parsed.success) {
    const diagnostics = parsed.error.issues.slice(0, 50).map((issue) => ({
      code: 'BNK_ERR_SCHEMA' as const,
      message: `${issue.path.join('.') || '(top level)'}: ${issue.message}`,
      loc: doc.locate(issue.path.slice(0, 3) as PropertyKey[]),
      field: issue.path.join('.'),
    }));
    const unmarked = isRecord(doc.data) && doc.data[CHANGE_MARKER] !== CHANGE_FORMAT_VERSION;
    throw unmarked ? new NotAChangeFileError(diagnostics) : new InputError(diagnostics);
  }
  return { file, change: parsed.data, doc };
}

/** What a change touches, for the review to decide what to recompute. */
/** A rule action in an operation's Japanese summary (as written when it is not one). */
export const actionJa = (action: unknown): string => (action === 'permit' ? '許可' : action === 'deny' ? '拒否' : String(action));

export interface Touched {
  /** Firewalls whose rule lists changed (ids). */
  readonly rules: ReadonlySet<string>;
  /** Routers and firewalls whose routes changed (ids), with the prefixes added or removed. */
  readonly routes: ReadonlyMap<string, readonly string[]>;
  /** Elements taken out of service (device ids, link ids, attachment ids). */
  readonly down: readonly string[];
  /** Hosts, zones or links added or removed: the review recomputes everything. */
  readonly structural: { readonly op: string; readonly subject: string } | undefined;
  /** Hosts changed: the object rules (endpoint controls, inventory) are run again. */
  readonly hosts: boolean;
}

export interface AppliedChange {
  /** The topology after the change, locations mapped back to both files. */
  readonly doc: SourceDocument;
  readonly operations: readonly ChangeOperation[];
  readonly touched: Touched;
}

const ORIGIN = Symbol('origin');

interface Origin {
  readonly locate: SourceDocument['locate'];
  readonly path: readonly PropertyKey[];
}

type Json = Record<string, unknown>;

function tag(value: unknown, origin: Origin): void {
  if (value !== null && typeof value === 'object') Object.defineProperty(value, ORIGIN, { value: origin, enumerable: false });
}

/** Tags every element of a topology document with where it was written. */
function tagTopology(data: Json, doc: SourceDocument): void {
  tag(data, { locate: doc.locate, path: [] });
  for (const key of ['zones', 'hosts', 'devices', 'links', 'exceptions', 'intents', 'cloudServices']) {
    const list = data[key];
    if (!Array.isArray(list)) continue;
    list.forEach((element, i) => {
      tag(element, { locate: doc.locate, path: [key, i] });
      if (key !== 'devices' || element === null || typeof element !== 'object') return;
      for (const inner of ['rules', 'routes', 'interfaces', 'relays']) {
        const items = (element as Json)[inner];
        if (Array.isArray(items))
          items.forEach((item, j) => {
            tag(item, { locate: doc.locate, path: [key, i, inner, j] });
          });
      }
    });
  }
}

/** A document whose locations come from the nearest tagged element on the path. */
function compositeDocument(data: Json, file: string): SourceDocument {
  const locate = (path: readonly PropertyKey[], key?: boolean): Loc => {
    let node: unknown = data;
    let origin = (data as { [ORIGIN]?: Origin })[ORIGIN]!;
    let from = 0;
    for (let i = 0; i < path.length; i++) {
      if (node === null || typeof node !== 'object') break;
      node = (node as Record<PropertyKey, unknown>)[path[i]!];
      const o = node !== null && typeof node === 'object' ? (node as { [ORIGIN]?: Origin })[ORIGIN] : undefined;
      if (o) {
        origin = o;
        from = i + 1;
      }
    }
    return origin.locate([...origin.path, ...path.slice(from)], key);
  };
  return { data, file, locate };
}

/** Applies a change to a topology document; throws InputError (change-file locations) on a bad reference. */
export function applyChange(topology: SourceDocument, loaded: LoadedChange): AppliedChange {
  const data = structuredClone(topology.data) as Json;
  tagTopology(data, topology);
  const problems: Diagnostic[] = [];
  const operations: ChangeOperation[] = [];
  const rules = new Set<string>();
  const routes = new Map<string, string[]>();
  const down: string[] = [];
  let structural: Touched['structural'];
  let hosts = false;
  const list = (key: string): Json[] => {
    if (!Array.isArray(data[key])) data[key] = [];
    return data[key] as Json[];
  };

  loaded.change.changes.forEach((op: Operation, index) => {
    const [name, body] = Object.entries(op)[0]! as [string, unknown];
    const path = ['changes', index, name];
    const loc = loaded.doc.locate(path);
    const fail = (code: ErrorCode, message: string, at: readonly PropertyKey[] = path): void => {
      problems.push({ code, message, loc: loaded.doc.locate(at) });
    };
    const fromChange = (value: unknown, at: readonly PropertyKey[]): void => tag(value, { locate: loaded.doc.locate, path: at });
    const findDevice = (deviceId: string): Json | undefined => {
      const d = list('devices').find((x) => x.id === deviceId);
      if (!d) fail('BNK_ERR_UNKNOWN_REF', `unknown device "${deviceId}"`, [...path, 'device']);
      return d;
    };
    const rulesOf = (d: Json): Json[] | undefined => {
      if (d.kind !== 'firewall') {
        fail('BNK_ERR_SCHEMA', `device "${String(d.id)}" is a ${String(d.kind)}, not a firewall: it has no rules`, [...path, 'device']);
        return undefined;
      }
      if (!Array.isArray(d.rules)) d.rules = [];
      return d.rules as Json[];
    };
    const ruleIndex = (list: Json[], ref: string | number, at: readonly PropertyKey[]): number => {
      const i = typeof ref === 'number' ? ref - 1 : list.findIndex((r, k) => (r.id ?? String(k + 1)) === ref);
      if (i >= 0 && i < list.length) return i;
      // A position past the end is refused like an unknown id (-1), not used as an index.
      fail('BNK_ERR_UNKNOWN_REF', `no rule ${typeof ref === 'number' ? `at position ${ref}` : `"${ref}"`} in this firewall`, at);
      return -1;
    };
    /** Where a rule goes: position, before or after a rule, else the end. */
    const target = (list: Json[], w: { position?: number | undefined; before?: string | undefined; after?: string | undefined }): number => {
      if (w.position !== undefined) {
        if (w.position > list.length + 1) fail('BNK_ERR_SCHEMA', `position ${w.position} is past the end (${list.length} rules)`, [...path, 'position']);
        return Math.min(w.position - 1, list.length);
      }
      if (w.before !== undefined) return ruleIndex(list, w.before, [...path, 'before']);
      if (w.after !== undefined) return ruleIndex(list, w.after, [...path, 'after']) + 1;
      return list.length;
    };
    const ruleName = (r: Json, i: number): string => String(r.id ?? i + 1);
    const summary = (en: string, ja: string): void => void operations.push({ op: name, summary: { en, ja }, loc });

    switch (name) {
      case 'add-rule': {
        const b = body as { device: string; rule: Json; position?: number; before?: string; after?: string };
        const d = findDevice(b.device);
        const rs = d && rulesOf(d);
        if (!rs) break;
        const at = target(rs, b);
        const rule = structuredClone(b.rule);
        fromChange(rule, [...path, 'rule']);
        rs.splice(Math.max(0, at), 0, rule);
        rules.add(b.device);
        summary(
          `add rule ${ruleName(rule, at)} (${String(rule.action)}) at position ${at + 1} of ${b.device}`,
          `${b.device} の ${at + 1} 番目にルール ${ruleName(rule, at)}（${actionJa(rule.action)}）を追加`,
        );
        break;
      }
      case 'remove-rule': {
        const b = body as { device: string; rule: string | number };
        const d = findDevice(b.device);
        const rs = d && rulesOf(d);
        if (!rs) break;
        const i = ruleIndex(rs, b.rule, [...path, 'rule']);
        if (i < 0) break;
        const [removed] = rs.splice(i, 1);
        rules.add(b.device);
        summary(
          `remove rule ${ruleName(removed!, i)} (${String(removed!.action)}, position ${i + 1}) of ${b.device}`,
          `${b.device} の ${i + 1} 番目のルール ${ruleName(removed!, i)}（${actionJa(removed!.action)}）を削除`,
        );
        break;
      }
      case 'replace-rule': {
        const b = body as { device: string; rule: string | number; with: Json };
        const d = findDevice(b.device);
        const rs = d && rulesOf(d);
        if (!rs) break;
        const i = ruleIndex(rs, b.rule, [...path, 'rule']);
        if (i < 0) break;
        const rule = structuredClone(b.with);
        fromChange(rule, [...path, 'with']);
        rs[i] = rule;
        rules.add(b.device);
        summary(
          `replace rule ${String(b.rule)} of ${b.device} (position ${i + 1}) with ${ruleName(rule, i)} (${String(rule.action)})`,
          `${b.device} の ${i + 1} 番目のルール ${String(b.rule)} を ${ruleName(rule, i)}（${actionJa(rule.action)}）に置換`,
        );
        break;
      }
      case 'move-rule': {
        const b = body as { device: string; rule: string | number; position?: number; before?: string; after?: string };
        const d = findDevice(b.device);
        const rs = d && rulesOf(d);
        if (!rs) break;
        const i = ruleIndex(rs, b.rule, [...path, 'rule']);
        if (i < 0) break;
        const [moved] = rs.splice(i, 1);
        const at = target(rs, b);
        rs.splice(Math.max(0, at), 0, moved!);
        rules.add(b.device);
        summary(
          `move rule ${ruleName(moved!, i)} of ${b.device} from position ${i + 1} to ${at + 1}`,
          `${b.device} のルール ${ruleName(moved!, i)} を ${i + 1} 番目から ${at + 1} 番目に移動`,
        );
        break;
      }
      case 'add-route':
      case 'remove-route': {
        const b = body as { device: string; prefix: string; action?: string; interface?: string | string[]; priority?: number; description?: string };
        const d = findDevice(b.device);
        if (!d) break;
        if (d.kind !== 'router' && d.kind !== 'firewall') {
          fail('BNK_ERR_SCHEMA', `device "${b.device}" is a ${String(d.kind)}: only routers and firewalls have routes`, [...path, 'device']);
          break;
        }
        if (!Array.isArray(d.routes)) d.routes = [];
        const rs = d.routes as Json[];
        if (name === 'add-route') {
          const route: Json = { prefix: b.prefix };
          for (const key of ['action', 'interface', 'priority', 'description'] as const) if (b[key] !== undefined) route[key] = b[key];
          fromChange(route, path);
          rs.push(route);
          const how = b.action === 'deliver' || b.action === 'drop' ? b.action : `via ${[b.interface ?? []].flat().join(', ')}`;
          const howJa = b.action === 'deliver' ? '自機宛て' : b.action === 'drop' ? '破棄' : `送信 ${[b.interface ?? []].flat().join('、')}`;
          summary(
            `add route ${b.prefix} ${how}${b.priority === undefined ? '' : ` priority ${b.priority}`} on ${b.device}`,
            `${b.device} に経路 ${b.prefix}（${howJa}${b.priority === undefined ? '' : `、優先度 ${b.priority}`}）を追加`,
          );
        } else {
          const sameInterface = (r: Json): boolean =>
            b.interface === undefined || JSON.stringify([r.interface].flat()) === JSON.stringify([b.interface].flat());
          const i = rs.findIndex((r) => r.prefix === b.prefix && sameInterface(r));
          if (i < 0) {
            fail('BNK_ERR_UNKNOWN_REF', `no route ${b.prefix}${b.interface ? ` via ${[b.interface].flat().join(', ')}` : ''} on ${b.device}`, [
              ...path,
              'prefix',
            ]);
            break;
          }
          rs.splice(i, 1);
          summary(`remove route ${b.prefix} on ${b.device}`, `${b.device} の経路 ${b.prefix} を削除`);
        }
        routes.set(b.device, [...(routes.get(b.device) ?? []), b.prefix]);
        break;
      }
      case 'add-interface':
      case 'remove-interface': {
        const b = body as { device: string; interface: Json | string };
        const d = findDevice(b.device);
        if (!d) break;
        if (!Array.isArray(d.interfaces)) d.interfaces = [];
        const ifaces = d.interfaces as Json[];
        if (name === 'add-interface') {
          const f = structuredClone(b.interface as Json);
          fromChange(f, [...path, 'interface']);
          ifaces.push(f);
          summary(
            `add interface ${String(f.name)} to ${b.device}${f.zone ? ` (zone ${String(f.zone)})` : ''}`,
            `${b.device} にインタフェース ${String(f.name)}${f.zone ? `（ゾーン ${String(f.zone)}）` : ''}を追加`,
          );
        } else {
          const i = ifaces.findIndex((f) => f.name === b.interface);
          if (i < 0) {
            fail('BNK_ERR_UNKNOWN_REF', `no interface "${String(b.interface)}" on ${b.device}`, [...path, 'interface']);
            break;
          }
          ifaces.splice(i, 1);
          summary(`remove interface ${String(b.interface)} from ${b.device}`, `${b.device} のインタフェース ${String(b.interface)} を削除`);
        }
        structural = { op: name, subject: b.device };
        break;
      }
      case 'add-link':
      case 'remove-link': {
        const [a, b] = body as [string, string];
        const links = list('links') as unknown as string[][];
        if (name === 'add-link') {
          const link = [a, b];
          fromChange(link, path);
          links.push(link);
        } else {
          const i = links.findIndex((l) => (l[0] === a && l[1] === b) || (l[0] === b && l[1] === a));
          if (i < 0) {
            fail('BNK_ERR_UNKNOWN_REF', `no link between ${a} and ${b}`);
            break;
          }
          links.splice(i, 1);
        }
        structural = { op: name, subject: `${a} — ${b}` };
        summary(`${name === 'add-link' ? 'add' : 'remove'} link ${a} — ${b}`, `リンク ${a} — ${b} を${name === 'add-link' ? '追加' : '削除'}`);
        break;
      }
      case 'add-host':
      case 'add-zone': {
        const key = name === 'add-host' ? 'hosts' : 'zones';
        const element = structuredClone(body as Json);
        fromChange(element, path);
        list(key).push(element);
        if (name === 'add-zone') structural = { op: name, subject: String(element.id) };
        hosts = true;
        summary(
          `add ${name === 'add-host' ? 'host' : 'zone'} ${String(element.id)}`,
          `${name === 'add-host' ? 'ホスト' : 'ゾーン'} ${String(element.id)} を追加`,
        );
        break;
      }
      case 'remove-host':
      case 'remove-zone': {
        const key = name === 'remove-host' ? 'hosts' : 'zones';
        const ref = body as string;
        const i = list(key).findIndex((x) => x.id === ref);
        if (i < 0) {
          fail('BNK_ERR_UNKNOWN_REF', `no ${name === 'remove-host' ? 'host' : 'zone'} "${ref}"`);
          break;
        }
        list(key).splice(i, 1);
        if (name === 'remove-zone') structural = { op: name, subject: ref };
        hosts = true;
        summary(`remove ${name === 'remove-host' ? 'host' : 'zone'} ${ref}`, `${name === 'remove-host' ? 'ホスト' : 'ゾーン'} ${ref} を削除`);
        break;
      }
      case 'down': {
        const ids = typeof body === 'string' ? [body] : (body as string[]);
        down.push(...ids);
        summary(`take out of service: ${ids.join(', ')}`, `運用停止: ${ids.join('、')}`);
        break;
      }
    }
  });
  if (problems.length > 0) throw new InputError(problems);
  return {
    doc: compositeDocument(data, topology.file),
    operations,
    touched: { rules, routes, down, structural, hosts },
  };
}
