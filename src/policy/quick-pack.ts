// A lighter check of a policy pack for the common case, as quick-schema.ts is for topologies: a
// pack that plainly satisfies packSchema (pack.ts) is accepted in one pass, with the schema's
// defaults filled in and its objects' keys in zod's order; anything it is unsure of gives
// undefined, and the caller then runs zod, whose answer (and error messages) stand. It keeps
// zod out of a `check` of a valid pack (the bundled ones above all): loading zod and building
// the pack's schema was ~0.13 G instructions of a small check's ~1.5 G.

import { isObj } from '../model/quick-schema.ts';
import { CONTENT_KINDS, ENDPOINT_CONTROLS, HOST_ROLES, MODELS, SANITIZER_METHODS } from '../model/schema.ts';
import { HYGIENE_KINDS } from './types.ts';

type Obj = Record<string, unknown>;
type Check = (v: unknown) => boolean;

const isString: Check = (v) => typeof v === 'string';
const nonEmpty: Check = (v) => typeof v === 'string' && v.length > 0;
const oneOf = (values: readonly unknown[]): Check => {
  const set = new Set(values);
  return (v) => set.has(v);
};
const list =
  (each: Check, min = 0): Check =>
  (v) => {
    if (!Array.isArray(v) || v.length < min) return false;
    for (const x of v) if (!each(x)) return false; // for-of, not every(): a hole is undefined, as zod sees it
    return true;
  };
const domainList = list(isString, 1);
const record =
  (key: Check, value: Check): Check =>
  (v) =>
    isObj(v) && Object.keys(v).every((k) => key(k) && value(v[k]));
/** A record keyed by an enum: zod wants every one of its keys. */
const exhaustive = (keys: readonly string[], value: Check): Check => {
  const some = record(oneOf(keys), value);
  return (v) => some(v) && keys.every((k) => Object.hasOwn(v as Obj, k));
};
/** A strict object whose every key is in `fields`, each present one passing, every required one present. */
const strict =
  (fields: Record<string, Check>, required: readonly string[]): Check =>
  (v) =>
    isObj(v) && Object.keys(v).every((k) => Object.hasOwn(fields, k) && fields[k]!(v[k])) && required.every((k) => v[k] !== undefined);
/** The same object with its keys in `order` (zod's output order: its shape's), absent ones left out. */
const ordered = (v: Obj, order: readonly string[]): Obj => {
  const out: Obj = {};
  for (const k of order) if (v[k] !== undefined) out[k] = v[k];
  return out;
};

const SEVERITY = oneOf(['error', 'warning', 'info']);
const HYGIENE_DEFAULT_KINDS = ['shadowed', 'conflicting', 'redundant', 'broad'];

/** Per rule, the check of its params (all required) and their order. */
const PARAMS: Record<string, Record<string, Check>> = {
  'mynumber-isolation': { isolated: domainList },
  'mynumber-exception-scope': { maxPortsPerTerm: (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 65536 },
  'mynumber-endpoint-controls': { domains: domainList, roles: list(oneOf(HOST_ROLES), 1), required: list(oneOf(ENDPOINT_CONTROLS), 1) },
  'path-separation': { lgwanSide: domainList, internetSide: domainList },
  'model-placement': {
    roles: list(oneOf(HOST_ROLES), 1),
    placement: exhaustive(MODELS, isString),
    domains: domainList,
    cloudModels: list(oneOf(MODELS)),
  },
  'internet-endpoint-controls': {
    models: list(oneOf(MODELS), 1),
    domains: domainList,
    roles: list(oneOf(HOST_ROLES), 1),
    required: list(oneOf(ENDPOINT_CONTROLS), 1),
  },
  'mynumber-internet-isolation': { isolated: domainList, internetSide: domainList },
  'sanitized-communication': {
    lgwanSide: domainList,
    internetSide: domainList,
    methods: exhaustive(CONTENT_KINDS, oneOf(SANITIZER_METHODS)),
    contentByService: record(isString, oneOf(CONTENT_KINDS)),
  },
  'security-cloud-aggregation': { from: domainList, to: domainList, cloud: domainList },
  inventory: {},
  'intent-reachability': {},
  availability: {},
  'firewall-hygiene': { kinds: list(oneOf(HYGIENE_KINDS)), unneededSeverity: SEVERITY },
};
/** The rules whose params may be left out (all of theirs have defaults). */
const OPTIONAL_PARAMS = new Set(['inventory', 'intent-reachability', 'availability', 'firewall-hygiene']);

const ENTRY_FIELDS: Record<string, Check> = { enabled: (v) => typeof v === 'boolean', severity: SEVERITY, clause: nonEmpty, params: () => true };
const ENTRY_ORDER = ['enabled', 'severity', 'clause', 'params'];

function ruleEntry(ruleId: string, entry: unknown): Obj | undefined {
  if (!strict(ENTRY_FIELDS, OPTIONAL_PARAMS.has(ruleId) ? [] : ['params'])(entry)) return undefined;
  const fields = PARAMS[ruleId]!;
  const given = (entry as Obj).params;
  let params: Obj;
  if (ruleId === 'firewall-hygiene') {
    if (given !== undefined && !strict(fields, [])(given)) return undefined;
    const p = (given ?? {}) as Obj;
    params = { kinds: p.kinds ?? [...HYGIENE_DEFAULT_KINDS], unneededSeverity: p.unneededSeverity ?? 'info' };
  } else {
    if (given !== undefined && !strict(fields, Object.keys(fields))(given)) return undefined;
    params = given === undefined ? {} : ordered(given as Obj, Object.keys(fields));
    // zod gives a record keyed by an enum in the enum's order.
    if (ruleId === 'model-placement') params.placement = ordered(params.placement as Obj, MODELS);
    if (ruleId === 'sanitized-communication') params.methods = ordered(params.methods as Obj, CONTENT_KINDS);
  }
  return ordered({ ...(entry as Obj), enabled: (entry as Obj).enabled ?? true, params }, ENTRY_ORDER);
}

const DOMAIN_NAME = /^[a-z][a-z0-9-]{0,63}$/;
const TOP: Record<string, Check> = {
  pack: (v) => v === 1,
  name: nonEmpty,
  source: nonEmpty,
  sides: record(isString, domainList),
  domains: record((k) => DOMAIN_NAME.test(k as string), strict({ ja: isString, en: isString, clause: isString }, ['ja', 'en'])),
  rules: isObj,
};
const TOP_ORDER = Object.keys(TOP);

/**
 * The pack as zod's parse of packSchema() would give it, when the document plainly satisfies
 * the schema; undefined when unsure (then zod decides).
 */
export function quickPack(data: unknown): Obj | undefined {
  if (!strict(TOP, ['pack', 'name', 'source', 'domains', 'rules'])(data)) return undefined;
  const rules = (data as Obj).rules as Obj;
  const parsedRules: Obj = {};
  for (const ruleId of Object.keys(rules)) if (!Object.hasOwn(PARAMS, ruleId)) return undefined;
  for (const ruleId of Object.keys(PARAMS)) {
    if (rules[ruleId] === undefined) continue;
    const entry = ruleEntry(ruleId, rules[ruleId]);
    if (!entry) return undefined;
    parsedRules[ruleId] = entry;
  }
  const domains: Obj = {};
  for (const [name, domain] of Object.entries((data as Obj).domains as Obj)) domains[name] = ordered(domain as Obj, ['ja', 'en', 'clause']);
  return ordered({ ...(data as Obj), domains, rules: parsedRules }, TOP_ORDER);
}
