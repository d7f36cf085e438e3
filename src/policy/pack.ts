// Policy packs: YAML files that list the rules to run, their severity and parameters, and
// the domains a topology may use. Parsed with the same guarded reader as topologies; a pack
// that plainly satisfies the schema is taken without zod (quick-pack.ts).

import type { z } from 'zod';
import { type Diagnostic, InputError } from '../errors.ts';
import { readSource, type SourceDocument } from '../model/source.ts';
import { CONTENT_KINDS, ENDPOINT_CONTROLS, HOST_ROLES, MODELS, SANITIZER_METHODS } from '../model/schema.ts';
import { zod } from '../model/zod.ts';
import { HYGIENE_KINDS } from './hygiene.ts';
import { quickPack } from './quick-pack.ts';
import type { Severity } from './types.ts';

/** The schema of a pack, built on first use: building zod's schemas is work at start that only the commands reading a pack need. */
export function packSchema(): PackSchema {
  built ??= buildPackSchema();
  return built;
}
let built: PackSchema | undefined;
type PackSchema = ReturnType<typeof buildPackSchema>;

function buildPackSchema() {
  const { z } = zod();
  const severity = z.enum(['error', 'warning', 'info']);
  const domainList = z.array(z.string()).min(1);

  const ruleEntry = <P extends z.ZodType>(params: P) =>
    z.strictObject({
      enabled: z.boolean().default(true),
      severity: severity.optional(),
      clause: z.string().min(1).optional().describe("The rule's clause in the pack's policy text, printed with its findings (default: the seed policy's)"),
      params,
    });

  return z.strictObject({
    pack: z.literal(1).describe('Policy pack format version'),
    name: z.string().min(1),
    source: z.string().min(1).describe('The policy text the rules come from'),
    sides: z.record(z.string(), domainList).optional().describe('Named lists of domains; YAML anchors here keep params short'),
    domains: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,63}$/), z.strictObject({ ja: z.string(), en: z.string(), clause: z.string().optional() })),
    rules: z.strictObject({
      'mynumber-isolation': ruleEntry(z.strictObject({ isolated: domainList })).optional(),
      'mynumber-exception-scope': ruleEntry(z.strictObject({ maxPortsPerTerm: z.number().int().min(1).max(65536) })).optional(),
      'mynumber-endpoint-controls': ruleEntry(
        z.strictObject({
          domains: domainList,
          roles: z.array(z.enum(HOST_ROLES)).min(1),
          required: z.array(z.enum(ENDPOINT_CONTROLS)).min(1),
        }),
      ).optional(),
      'path-separation': ruleEntry(z.strictObject({ lgwanSide: domainList, internetSide: domainList })).optional(),
      'model-placement': ruleEntry(
        z.strictObject({
          roles: z.array(z.enum(HOST_ROLES)).min(1).describe('Which hosts are the business terminals'),
          placement: z.record(z.enum(MODELS), z.string()).describe('Per model, the domain its business terminals sit in'),
          domains: domainList.describe('Domains where a misplaced terminal is looked for'),
          cloudModels: z.array(z.enum(MODELS)).describe('Models under which cloudServices may be declared'),
        }),
      ).optional(),
      'internet-endpoint-controls': ruleEntry(
        z.strictObject({
          models: z.array(z.enum(MODELS)).min(1),
          domains: domainList,
          roles: z.array(z.enum(HOST_ROLES)).min(1),
          required: z.array(z.enum(ENDPOINT_CONTROLS)).min(1),
        }),
      ).optional(),
      'mynumber-internet-isolation': ruleEntry(z.strictObject({ isolated: domainList, internetSide: domainList })).optional(),
      'sanitized-communication': ruleEntry(
        z.strictObject({
          lgwanSide: domainList,
          internetSide: domainList,
          methods: z.record(z.enum(CONTENT_KINDS), z.enum(SANITIZER_METHODS)),
          contentByService: z.record(z.string(), z.enum(CONTENT_KINDS)),
        }),
      ).optional(),
      'security-cloud-aggregation': ruleEntry(z.strictObject({ from: domainList, to: domainList, cloud: domainList })).optional(),
      inventory: ruleEntry(z.strictObject({}).default({})).optional(),
      'intent-reachability': ruleEntry(z.strictObject({}).default({})).optional(),
      availability: ruleEntry(z.strictObject({}).default({})).optional(),
      'firewall-hygiene': ruleEntry(
        z
          .strictObject({
            kinds: z
              .array(z.enum(HYGIENE_KINDS))
              .default(['shadowed', 'conflicting', 'redundant', 'broad'])
              .describe('Which kinds to report; unneeded (no flow intent needs the permit) is off by default'),
            unneededSeverity: severity.default('info').describe('Severity of unneeded-by-intents findings'),
          })
          .default({ kinds: ['shadowed', 'conflicting', 'redundant', 'broad'], unneededSeverity: 'info' }),
      ).optional(),
    }),
  });
}

export type Pack = z.infer<PackSchema>;
export type PackRules = Pack['rules'];
export type RuleId = keyof PackRules;

export interface RuleSettings<P> {
  readonly enabled: boolean;
  readonly severity: Severity | undefined;
  readonly clause: string | undefined;
  readonly params: P;
}

/** Parses a policy pack; every problem is reported with its location (BNK_ERR_POLICY). */
export function loadPack(text: string, file: string): Pack {
  const read = readSource(text, file);
  if (!read.ok) throw new InputError(read.diagnostics);
  const pack = (quickPack(read.doc.data) as Pack | undefined) ?? parseWithZod(read.doc);
  const known = new Set(Object.keys(pack.domains));
  const diagnostics: Diagnostic[] = [];
  for (const [ruleId, entry] of Object.entries(pack.rules)) {
    const params = (entry as { params?: Record<string, unknown> } | undefined)?.params ?? {};
    for (const key of ['isolated', 'domains', 'lgwanSide', 'internetSide', 'from', 'to', 'cloud']) {
      const value = params[key];
      if (!Array.isArray(value)) continue;
      value.forEach((d, i) => {
        if (!known.has(String(d))) {
          diagnostics.push({
            code: 'BNK_ERR_POLICY',
            message: `rule ${ruleId}: domain "${String(d)}" is not declared under domains:`,
            loc: read.doc.locate(['rules', ruleId, 'params', key, i]),
          });
        }
      });
    }
  }
  if (diagnostics.length > 0) throw new InputError(diagnostics);
  return pack;
}

/** A pack the quick check is unsure of, parsed by zod: its data, or every schema problem as an InputError. */
function parseWithZod(doc: SourceDocument): Pack {
  // jitless: a pack is parsed once per process, and zod's compiled fast path costs more to
  // build than it saves on one small document (11 ms against 6.5 ms of CPU for the seed pack).
  const parsed = packSchema().safeParse(doc.data, { jitless: true });
  if (parsed.success) return parsed.data;
  throw new InputError(
    parsed.error.issues.map((issue) => ({
      code: 'BNK_ERR_POLICY',
      message: `${issue.message} at ${issue.path.join('.') || '(top)'}`,
      loc: doc.locate(issue.path as PropertyKey[]),
    })),
  );
}
