// A change file that plainly satisfies the change schema (change.ts) is accepted in one pass
// without zod, as the topology's quick check does (model/quick-schema.ts); anything it is unsure
// of gives undefined, and the caller runs zod, whose answer (and error messages) stand. zod was
// the first review's largest cost: loading it and building the change schema took 45 ms of a
// process's first review (tests/review/quick-change.test.ts holds the two to the same answers).

import { isObj } from '../model/quick-schema.ts';

type Obj = Record<string, unknown>;

const id = (v: unknown): boolean => typeof v === 'string' && v.length >= 1 && v.length <= 128;
const optId = (v: unknown): boolean => v === undefined || id(v);
const string = (v: unknown): boolean => typeof v === 'string';
const int = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
/** Every item passes (a hole in a sparse array is an item that does not: `every` would skip it). */
const all = (list: readonly unknown[], test: (x: unknown) => boolean): boolean => {
  for (let i = 0; i < list.length; i++) if (!test(list[i])) return false;
  return true;
};
const strings = (v: unknown): boolean => Array.isArray(v) && v.length >= 1 && all(v, string);
const stringOrList = (v: unknown): boolean => string(v) || strings(v);
/** Every key of o is one of `keys`, and each required one is there. */
const keys = (o: Obj, allowed: readonly string[], required: readonly string[]): boolean => {
  for (const k in o) if (!allowed.includes(k)) return false;
  return required.every((k) => Object.hasOwn(o, k));
};
const where = (o: Obj): boolean => (o.position === undefined || int(o.position, 1)) && optId(o.before) && optId(o.after);
const ruleRef = (o: Obj): boolean => id(o.device) && (id(o.rule) || int(o.rule, 1));
const pair = (v: unknown): boolean => Array.isArray(v) && v.length === 2 && string(v[0]) && string(v[1]);

/** Each operation's test of its value (the one key of the operation's object). */
const OPERATIONS: Readonly<Record<string, (v: unknown) => boolean>> = {
  'add-rule': (v) => isObj(v) && keys(v, ['device', 'rule', 'position', 'before', 'after'], ['device', 'rule']) && id(v.device) && isObj(v.rule) && where(v),
  'remove-rule': (v) => isObj(v) && keys(v, ['device', 'rule'], ['device', 'rule']) && ruleRef(v),
  'replace-rule': (v) => isObj(v) && keys(v, ['device', 'rule', 'with'], ['device', 'rule', 'with']) && ruleRef(v) && isObj(v.with),
  'move-rule': (v) => isObj(v) && keys(v, ['device', 'rule', 'position', 'before', 'after'], ['device', 'rule']) && ruleRef(v) && where(v),
  'add-route': (v) =>
    isObj(v) &&
    keys(v, ['device', 'prefix', 'action', 'interface', 'priority', 'description'], ['device', 'prefix']) &&
    id(v.device) &&
    string(v.prefix) &&
    (v.action === undefined || v.action === 'forward' || v.action === 'deliver' || v.action === 'drop') &&
    (v.interface === undefined || stringOrList(v.interface)) &&
    (v.priority === undefined || int(v.priority, 0, 2_147_483_647)) &&
    (v.description === undefined || string(v.description)),
  'remove-route': (v) =>
    isObj(v) &&
    keys(v, ['device', 'prefix', 'interface'], ['device', 'prefix']) &&
    id(v.device) &&
    string(v.prefix) &&
    (v.interface === undefined || stringOrList(v.interface)),
  'add-interface': (v) => isObj(v) && keys(v, ['device', 'interface'], ['device', 'interface']) && id(v.device) && isObj(v.interface),
  'remove-interface': (v) => isObj(v) && keys(v, ['device', 'interface'], ['device', 'interface']) && id(v.device) && string(v.interface),
  'add-link': pair,
  'remove-link': pair,
  'add-host': isObj,
  'remove-host': id,
  'add-zone': isObj,
  'remove-zone': id,
  down: stringOrList,
};

function operation(op: unknown): boolean {
  if (!isObj(op)) return false;
  const names = Object.keys(op);
  if (names.length !== 1) return false;
  const test = Object.hasOwn(OPERATIONS, names[0]!) ? OPERATIONS[names[0]!] : undefined;
  return test?.(op[names[0]!]) === true;
}

/**
 * The change file, when it plainly satisfies the schema (the document as it is: the schema fills
 * in nothing; change.ts types it); otherwise undefined.
 */
export function quickChange(data: unknown): Obj | undefined {
  if (
    !isObj(data) ||
    !keys(data, ['bunkatsu-change', 'description', 'topology', 'changes'], ['bunkatsu-change', 'changes']) ||
    data['bunkatsu-change'] !== 1 ||
    !(data.description === undefined || (string(data.description) && (data.description as string).length <= 4000)) ||
    !(data.topology === undefined || (string(data.topology) && (data.topology as string).length <= 1000)) ||
    !Array.isArray(data.changes) ||
    data.changes.length < 1 ||
    data.changes.length > 100_000 ||
    !all(data.changes, operation)
  )
    return undefined;
  return data;
}
