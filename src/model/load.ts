// Loads a topology: parse (YAML/JSON) -> schema -> semantic validation -> resolved Network.
// Every error is collected and reported at once with its location; nothing here does I/O.

import type { z } from 'zod';
import { type Diagnostic, type ErrorCode, InputError, type Loc } from '../errors.ts';
import { DEFAULT_LIMITS, readSource, type SourceDocument, type SourceLimits } from './source.ts';
import { withFlows } from './flows.ts';
import { quickTopology } from './quick-schema.ts';
import { type OriginDecl, type RuleDecl, topologySchema, type TopologyFile } from './schema.ts';
import type {
  Acl,
  CloudService,
  DeclaredFlow,
  Device,
  Exception,
  Host,
  IdKind,
  Intent,
  Interface,
  Link,
  Network,
  OwnedRange,
  Relay,
  Route,
  Rule,
  Zone,
} from './network.ts';
import { formatIpv4, IPV4_MAX, type Ipv4Prefix, type Ipv4Range, parseAddressSpec, parseCidr, parseIpv4 } from '../net/ipv4.ts';
import { parseServiceTerm, type ServiceTerm, wellKnownService } from '../net/services.ts';
import { type ReferenceScope, resolveAddresses, resolveServices } from './resolve.ts';

export interface LoadOptions {
  /** Domains the policy pack declares; zones naming others are errors. Unchecked when absent. */
  readonly domains?: ReadonlySet<string>;
  readonly limits?: Partial<SourceLimits>;
  /** Most firewall rules in one topology. */
  readonly maxRules?: number;
  /**
   * Accept zones without a domain (an import without a site file): they get UNASSIGNED_DOMAIN.
   * Without it each is an error, since no policy can be checked on them.
   */
  readonly domainless?: boolean;
  /**
   * Called as the load goes: first at once (parse, 0 bytes), then when the text is parsed, then
   * as the sections are validated (elements done of all). The CLI draws its progress bar from it.
   */
  readonly onProgress?: (p: LoadProgress) => void;
  /** Flows files (read, not yet loaded) whose intents, exceptions and cloud services join the topology's (flows.ts). */
  readonly flows?: readonly SourceDocument[];
}

/** How far a load is: the bytes parsed, then the elements (zones, hosts, devices, ...) validated. */
export interface LoadProgress {
  readonly phase: 'parse' | 'validate';
  readonly done: number;
  readonly total: number;
}

/** The domain of a zone the file gives none (an import not yet given a site file). */
export const UNASSIGNED_DOMAIN = 'unassigned';

/** A vendor configuration location (an imported rule's or route's `origin`) as a Loc. */
function originLoc(o: OriginDecl): Loc {
  return { file: o.file, line: o.line, column: o.column, ...(o.label ? { label: o.label } : {}) };
}

type Path = readonly PropertyKey[];

/** Parses and validates a topology given as text; throws InputError listing every problem. */
export function loadTopology(text: string, file: string, options: LoadOptions = {}): Network {
  options.onProgress?.({ phase: 'parse', done: 0, total: text.length });
  const read = readSource(text, file, { ...DEFAULT_LIMITS, ...options.limits });
  options.onProgress?.({ phase: 'parse', done: text.length, total: text.length });
  if (!read.ok) throw new InputError(read.diagnostics);
  return loadDocument(read.doc, options);
}

export function loadDocument(topology: SourceDocument, options: LoadOptions = {}): Network {
  const doc = withFlows(topology, options.flows ?? []);
  // A document that plainly satisfies the schema skips zod's parse (quick-schema.ts).
  const quick = quickTopology(doc.data);
  if (quick) return new Resolver(doc, quick, options, undefined).resolve();
  const parsed = topologySchema().safeParse(doc.data);
  if (parsed.success) return new Resolver(doc, parsed.data, options, undefined).resolve();
  // Report the semantic errors of the valid elements too, so one run shows every problem.
  const schemaErrors = schemaDiagnostics(doc, parsed.error);
  const salvaged = salvage(doc.data, new Set(parsed.error.issues.map((i) => i.path.slice(0, 2).join('.'))));
  let semantic: readonly Diagnostic[] = [];
  if (salvaged) {
    try {
      new Resolver(doc, salvaged.file, options, salvaged).resolve();
    } catch (error) {
      if (error instanceof InputError) semantic = error.diagnostics;
      else throw error;
    }
  }
  throw new InputError(sortDiagnostics([...schemaErrors, ...semantic]));
}

/**
 * Validates a document an importer built in memory (no text in between): the same checks as a
 * file, with every location at the import's label, since the document has no lines of its own.
 */
export function loadImported(data: Record<string, unknown>, label: string, options: LoadOptions = {}): Network {
  const loc: Loc = { file: label, line: 1, column: 1 };
  return loadDocument({ data, file: label, locate: () => loc }, options);
}

const LIST_KEYS = ['zones', 'hosts', 'devices', 'links', 'exceptions', 'intents', 'cloudServices'] as const;

/** The document without the list elements that failed the schema, if the rest is valid. */
interface Salvaged {
  readonly file: TopologyFile;
  /** Ids of the dropped elements: references to them are not reported again. */
  readonly skippedIds: Set<string>;
  /** Per list, the original index of each kept element (for error locations). */
  readonly originalIndex: Map<string, number[]>;
}

function salvage(data: unknown, badPaths: ReadonlySet<string>): Salvaged | undefined {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const copy: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  const skippedIds = new Set<string>();
  const originalIndex = new Map<string, number[]>();
  for (const key of LIST_KEYS) {
    const items = copy[key];
    if (!Array.isArray(items)) continue;
    const kept: number[] = [];
    copy[key] = items.filter((item, index) => {
      if (!badPaths.has(`${key}.${index}`)) {
        kept.push(index);
        return true;
      }
      const id = (item as { id?: unknown } | null)?.id;
      if (typeof id === 'string') skippedIds.add(id);
      return false;
    });
    originalIndex.set(key, kept);
  }
  const again = topologySchema().safeParse(copy);
  return again.success ? { file: again.data, skippedIds, originalIndex } : undefined;
}

export function schemaDiagnostics(doc: SourceDocument, error: z.ZodError): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of error.issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ code: 'BNK_ERR_SCHEMA', message: `unknown field "${key}"${where(path)}`, loc: doc.locate([...path, key], true) });
      }
      continue;
    }
    let message = issue.message;
    if (issue.code === 'invalid_type' && /received undefined/.test(message)) {
      const field = String(path[path.length - 1] ?? 'value');
      message = `missing required field "${field}"`;
      out.push({ code: 'BNK_ERR_SCHEMA', message: `${message}${where(path.slice(0, -1))}`, loc: doc.locate(path.slice(0, -1)) });
      continue;
    }
    out.push({ code: 'BNK_ERR_SCHEMA', message: `${message}${where(path)}`, loc: doc.locate(path) });
  }
  return out;
}

function where(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '';
  return ` at ${path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '')}`;
}

const list = (value: string | readonly string[] | undefined): readonly string[] => (value === undefined ? [] : typeof value === 'string' ? [value] : value);

/** Resolved reference lists of one kind: one-reference lists by the reference, others by their JSON. */
interface ResolvedLists<T> {
  readonly one: Map<string, readonly T[]>;
  readonly many: Map<string, readonly T[]>;
}

class Resolver {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly ids = new Map<string, { kind: IdKind; index: number }>();
  private readonly services = new Map<string, readonly ServiceTerm[]>();
  /** Resolved reference lists, by the list as written (resolvedOnce). */
  private readonly addressLists: ResolvedLists<Ipv4Range> = { one: new Map(), many: new Map() };
  private readonly serviceLists: ResolvedLists<ServiceTerm> = { one: new Map(), many: new Map() };
  /** One list per reference written alone (`from: lgwan`), shared by every place that writes it. */
  private readonly singleRefs = new Map<string, readonly string[]>();
  private zones: Zone[] = [];
  private hosts: Host[] = [];
  private devices: Device[] = [];

  constructor(
    private readonly doc: SourceDocument,
    private readonly input: TopologyFile,
    private readonly options: LoadOptions,
    /** Set on the second pass after schema errors: what was dropped, and where the rest was. */
    private readonly salvaged: Salvaged | undefined,
  ) {}

  /** What references resolve against: zones and hosts as resolved, devices' addresses from the input (devices are resolved in order). */
  private readonly scope: ReferenceScope = {
    ids: this.ids,
    services: this.services,
    skipped: (ref) => this.skipped(ref),
    addressesOf: (kind, index) => {
      if (kind === 'host') return [this.hosts[index]!.range];
      if (kind === 'zone') {
        const z = this.zones[index]!;
        return z.isDefault ? z.owned : z.subnets;
      }
      const out: Ipv4Range[] = [];
      for (const f of this.input.devices[index]!.interfaces) {
        const a = f.address === undefined ? undefined : parseIpv4(f.address);
        if (a !== undefined) out.push({ lo: a, hi: a });
      }
      return out;
    },
  };

  /** A reference to an element dropped for schema errors is not reported a second time. */
  private skipped(ref: string): boolean {
    return this.salvaged?.skippedIds.has(ref) ?? false;
  }

  /** Paths into filtered lists point back at the element's place in the file. */
  private original(path: Path): Path {
    const map = this.salvaged?.originalIndex.get(String(path[0]));
    if (!map || typeof path[1] !== 'number') return path;
    return [path[0]!, map[path[1]] ?? path[1], ...path.slice(2)];
  }

  private error(code: ErrorCode, message: string, path: Path, key = false): void {
    this.diagnostics.push({ code, message, loc: this.doc.locate(this.original(path), key) });
  }

  private loc(path: Path): Loc {
    return this.doc.locate(this.original(path));
  }

  resolve(): Network {
    const t = this.input;
    // Progress by elements: each step reports the elements it has validated, of all of them.
    const total = t.zones.length + t.hosts.length + t.devices.length + t.links.length + t.exceptions.length + t.intents.length;
    let done = 0;
    const validated = (count: number): void => {
      done += count;
      this.options.onProgress?.({ phase: 'validate', done, total });
    };
    validated(0);
    this.registerIds();
    this.resolveServices();
    const ownership = this.resolveZones();
    validated(t.zones.length);
    this.resolveHosts();
    validated(t.hosts.length);
    this.resolveDevices();
    validated(t.devices.length);
    const links = this.resolveLinks();
    validated(t.links.length);
    const exceptions = t.exceptions.map(
      (e, i): Exception => ({
        ...this.resolveFlow(e, ['exceptions', i]),
        justification: e.justification,
        approver: e.approver,
        expires: e.expires,
        rules: e.rules,
      }),
    );
    const intents = t.intents.map(
      (f, i): Intent => ({
        ...this.resolveFlow(f, ['intents', i]),
        purpose: f.purpose,
        content: f.content,
        resilient: f.resilient ?? false,
      }),
    );
    validated(t.exceptions.length + t.intents.length);
    const cloudServices = t.cloudServices.map(
      (c, i): CloudService => ({
        id: c.id,
        name: c.name ?? c.id,
        to: this.resolveAddressRefs(list(c.to), ['cloudServices', i, 'to']),
        services: this.resolveServiceRefs(list(c.service), ['cloudServices', i, 'service']),
        written: { to: list(c.to), service: list(c.service) },
        justification: c.justification,
        approver: c.approver,
        expires: c.expires,
        loc: this.loc(['cloudServices', i]),
      }),
    );
    const ruleCount = this.devices.reduce((n, d) => n + d.rules.length, 0);
    const maxRules = this.options.maxRules ?? 1_000_000;
    if (ruleCount > maxRules) this.error('BNK_ERR_LIMIT_EXCEEDED', `${ruleCount} firewall rules; the limit is ${maxRules}`, ['devices']);
    if (this.diagnostics.length > 0) throw new InputError(sortDiagnostics(this.diagnostics));
    return {
      file: this.doc.file,
      name: t.name,
      model: t.model,
      zones: this.zones,
      hosts: this.hosts,
      devices: this.devices,
      links,
      exceptions,
      intents,
      cloudServices,
      ownership,
      ids: this.ids,
      services: this.services,
    };
  }

  private registerIds(): void {
    const groups = [
      ['zone', this.input.zones, 'zones'],
      ['host', this.input.hosts, 'hosts'],
      ['device', this.input.devices, 'devices'],
      ['exception', this.input.exceptions, 'exceptions'],
      ['intent', this.input.intents, 'intents'],
      ['cloud-service', this.input.cloudServices, 'cloudServices'],
    ] as const;
    for (const [kind, items, key] of groups) {
      items.forEach((item, index) => {
        const previous = this.ids.get(item.id);
        if (previous) {
          this.error('BNK_ERR_DUPLICATE_ID', `id "${item.id}" is already used by a ${previous.kind}`, [key, index, 'id']);
        } else {
          this.ids.set(item.id, { kind, index });
        }
      });
    }
  }

  private resolveServices(): void {
    for (const [name, value] of Object.entries(this.input.services ?? {})) {
      const path = ['services', name];
      if (wellKnownService(name)) {
        this.error('BNK_ERR_DUPLICATE_ID', `service "${name}" is built in; choose another name`, path, true);
        continue;
      }
      const terms: ServiceTerm[] = [];
      for (const term of list(value)) {
        const builtin = wellKnownService(term);
        for (const t of builtin ?? [term]) {
          const parsed = parseServiceTerm(t);
          if ('error' in parsed) this.error('BNK_ERR_INVALID_SERVICE', parsed.error, path);
          else terms.push(parsed);
        }
      }
      this.services.set(name, terms);
    }
  }

  /** Services as written -> terms; `any` is every protocol and port. */
  private resolveServiceRefs(refs: readonly string[], path: Path | (() => Path)): readonly ServiceTerm[] {
    return this.resolvedOnce(this.serviceLists, refs, path, resolveServices);
  }

  /**
   * Resolves a list of references once per distinct list: a topology's rules name the same few
   * zones, hosts and services thousands of times. A list that fails is resolved again each
   * time, so that every place it is written gets its diagnostic; `path` is built only then.
   */
  private resolvedOnce<T>(
    cache: ResolvedLists<T>,
    refs: readonly string[],
    path: Path | (() => Path),
    resolveList: (scope: ReferenceScope, refs: readonly string[], at: () => Loc, problems: Diagnostic[]) => T[],
  ): readonly T[] {
    // A one-reference list (most of them) is looked up by the reference itself: no key to build.
    const [map, key] = refs.length === 1 ? [cache.one, refs[0]!] : [cache.many, JSON.stringify(refs)];
    const known = map.get(key);
    if (known) return known;
    const before = this.diagnostics.length;
    const value = resolveList(this.scope, refs, () => this.loc(typeof path === 'function' ? path() : path), this.diagnostics);
    if (this.diagnostics.length === before) map.set(key, value);
    return value;
  }

  /** A reference field as a list: a single reference as the one list shared by every place that writes it. */
  private refs(value: string | readonly string[] | undefined): readonly string[] {
    if (typeof value !== 'string') return value ?? [];
    let refs = this.singleRefs.get(value);
    if (!refs) this.singleRefs.set(value, (refs = [value]));
    return refs;
  }

  private resolveZones(): OwnedRange[] {
    const defaults = this.input.zones.filter((z) => z.default);
    if (defaults.length > 1) {
      const second = this.input.zones.findIndex((z, i) => z.default && i !== this.input.zones.indexOf(defaults[0]!));
      this.error('BNK_ERR_SCHEMA', 'only one zone may be the default (public Internet) zone', ['zones', second, 'default']);
    }
    const prefixes: Array<{ prefix: Ipv4Prefix; zone: number; path: Path }> = [];
    this.zones = this.input.zones.map((z, index) => {
      if (z.domain === undefined && !this.options.domainless) {
        this.error(
          'BNK_ERR_SCHEMA',
          `zone "${z.id}"${z.name ? ` (${z.name})` : ''} has no "domain": give it one (for an imported topology, in the site file) before checking it against a policy; trace, matrix and dataplane answer without`,
          ['zones', index],
        );
      } else if (z.domain !== undefined && this.options.domains && !this.options.domains.has(z.domain)) {
        this.error('BNK_ERR_UNKNOWN_DOMAIN', `domain "${z.domain}" is not declared by the policy pack (known: ${[...this.options.domains].join(', ')})`, [
          'zones',
          index,
          'domain',
        ]);
      }
      const subnets: Ipv4Prefix[] = [];
      (z.subnets ?? []).forEach((text, j) => {
        const parsed = parseCidr(text);
        if ('error' in parsed) this.error('BNK_ERR_INVALID_ADDRESS', parsed.error, ['zones', index, 'subnets', j]);
        else {
          subnets.push(parsed);
          prefixes.push({ prefix: parsed, zone: index, path: ['zones', index, 'subnets', j] });
        }
      });
      if ((z.subnets ?? []).length === 0 && !z.default) {
        this.error('BNK_ERR_SCHEMA', `zone "${z.id}" needs subnets (only the default zone may have none)`, ['zones', index]);
      }
      return {
        index,
        id: z.id,
        name: z.name ?? z.id,
        domain: z.domain ?? UNASSIGNED_DOMAIN,
        subnets,
        isDefault: z.default ?? false,
        owned: [],
        loc: this.loc(['zones', index]),
      };
    });
    const defaultZone = this.zones.findIndex((z) => z.isDefault);
    const ownership = this.buildOwnership(prefixes, defaultZone);
    const owned = new Map<number, Ipv4Range[]>();
    for (const r of ownership) {
      if (r.zone < 0) continue;
      const ranges = owned.get(r.zone) ?? [];
      ranges.push({ lo: r.lo, hi: r.hi });
      owned.set(r.zone, ranges);
    }
    this.zones = this.zones.map((z) => ({ ...z, owned: owned.get(z.index) ?? [] }));
    return ownership;
  }

  /**
   * Sweeps the prefixes (nested or disjoint, as CIDR prefixes are) with a stack of open
   * prefixes: each address goes to the most specific prefix, gaps to the default zone.
   * Prefixes nested across domains, or declared twice, are errors.
   */
  private buildOwnership(prefixes: Array<{ prefix: Ipv4Prefix; zone: number; path: Path }>, defaultZone: number): OwnedRange[] {
    const sorted = [...prefixes].sort((a, b) => a.prefix.lo - b.prefix.lo || b.prefix.hi - a.prefix.hi);
    const out: OwnedRange[] = [];
    const emit = (lo: number, hi: number, zone: number): void => {
      if (lo > hi) return;
      const last = out[out.length - 1];
      if (last && last.zone === zone && last.hi + 1 === lo) out[out.length - 1] = { lo: last.lo, hi, zone };
      else out.push({ lo, hi, zone });
    };
    const stack: Array<{ prefix: Ipv4Prefix; zone: number }> = [];
    let cursor = 0;
    const closeUntil = (lo: number): void => {
      while (stack.length > 0 && stack[stack.length - 1]!.prefix.hi < lo) {
        const top = stack.pop()!;
        emit(cursor, top.prefix.hi, top.zone);
        cursor = top.prefix.hi + 1;
      }
    };
    for (const entry of sorted) {
      closeUntil(entry.prefix.lo);
      const top = stack[stack.length - 1];
      if (top) {
        const outer = this.zones[top.zone]!;
        const inner = this.zones[entry.zone]!;
        const same = top.prefix.lo === entry.prefix.lo && top.prefix.hi === entry.prefix.hi;
        if (same) {
          this.error('BNK_ERR_SUBNET_OVERLAP', `subnet ${fmt(entry.prefix)} of zone "${inner.id}" is also declared by zone "${outer.id}"`, entry.path);
          continue;
        }
        if (outer.domain !== inner.domain) {
          this.error(
            'BNK_ERR_SUBNET_OVERLAP',
            `subnet ${fmt(entry.prefix)} of zone "${inner.id}" (${inner.domain}) overlaps ${fmt(top.prefix)} of zone "${outer.id}" (${outer.domain}); subnets of different domains must not overlap`,
            entry.path,
          );
        }
      }
      emit(cursor, entry.prefix.lo - 1, top ? top.zone : defaultZone);
      cursor = entry.prefix.lo;
      stack.push(entry);
    }
    closeUntil(IPV4_MAX + 1);
    if (cursor <= IPV4_MAX) emit(cursor, IPV4_MAX, defaultZone);
    return out;
  }

  private zoneRef(ref: string, path: Path): number | undefined {
    const entry = this.ids.get(ref);
    if (!entry && this.skipped(ref)) return undefined;
    if (entry?.kind !== 'zone') {
      this.error('BNK_ERR_UNKNOWN_REF', `unknown zone "${ref}"${entry ? ` ("${ref}" is a ${entry.kind})` : ''}`, path);
      return undefined;
    }
    return entry.index;
  }

  /** True when the range lies within addresses the zone owns or declares. */
  private insideZone(zone: number, range: Ipv4Range): boolean {
    // Owned, not declared: an address inside a nested zone's subnet belongs to that zone.
    const pieces = this.zones[zone]!.owned;
    let lo = range.lo;
    // Pieces are sorted for owned ranges; subnets may not be, so loop until no progress.
    let progress = true;
    while (progress && lo <= range.hi) {
      progress = false;
      for (const p of pieces) {
        if (p.lo <= lo && lo <= p.hi) {
          lo = p.hi + 1;
          progress = true;
        }
      }
    }
    return lo > range.hi;
  }

  private checkInsideZone(zone: number | undefined, range: Ipv4Range, what: string, path: Path): void {
    if (zone === undefined || this.insideZone(zone, range)) return;
    const z = this.zones[zone]!;
    const where = z.isDefault
      ? 'addresses left to the default zone (another zone claims it)'
      : `its subnets ${z.subnets.map(fmt).join(', ')}, less those of zones nested inside them`;
    this.error('BNK_ERR_ADDRESS_OUTSIDE_ZONE', `${what} lies outside zone "${z.id}": not within ${where}`, path);
  }

  private resolveHosts(): void {
    this.hosts = this.input.hosts.map((h, index): Host => {
      const path = ['hosts', index];
      const zone = this.zoneRef(h.zone, [...path, 'zone']);
      let range: Ipv4Range | undefined;
      const isGroup = h.addresses !== undefined;
      if ((h.address === undefined) === (h.addresses === undefined)) {
        this.error('BNK_ERR_SCHEMA', `host "${h.id}" needs exactly one of "address" (a host) or "addresses" (a group)`, path);
      } else if (h.address !== undefined) {
        const a = parseIpv4(h.address);
        if (a === undefined) this.error('BNK_ERR_INVALID_ADDRESS', `"${h.address}" is not an IPv4 address`, [...path, 'address']);
        else range = { lo: a, hi: a };
        if (h.count !== undefined) this.error('BNK_ERR_SCHEMA', '"count" goes with "addresses" (a host group), not "address"', [...path, 'count']);
      } else {
        const parsed = parseAddressSpec(h.addresses!);
        if ('error' in parsed) this.error('BNK_ERR_INVALID_ADDRESS', parsed.error, [...path, 'addresses']);
        else {
          range = parsed;
          if (h.count !== undefined) {
            // A CIDR group skips its network address; a range starts where written.
            const start = h.addresses!.includes('/') && parsed.hi - parsed.lo >= 3 ? parsed.lo + 1 : parsed.lo;
            const available = parsed.hi - start + 1;
            if (h.count > available) {
              this.error('BNK_ERR_ADDRESS_OUTSIDE_ZONE', `count ${h.count} does not fit in ${h.addresses} (${available} addresses)`, [...path, 'count']);
            } else range = { lo: start, hi: start + h.count - 1 };
          }
        }
      }
      if (range) this.checkInsideZone(zone, range, `host ${h.address ?? h.addresses}`, [...path, h.address ? 'address' : 'addresses']);
      return {
        index,
        id: h.id,
        name: h.name ?? h.id,
        zone: zone ?? -1,
        role: h.role,
        range: range ?? { lo: 0, hi: 0 },
        isGroup,
        controls: new Set(h.controls ?? []),
        loc: this.loc(path),
      };
    });
  }

  private resolveDevices(): void {
    this.devices = this.input.devices.map((d, index): Device => {
      const path = ['devices', index];
      const zone = d.zone === undefined ? undefined : this.zoneRef(d.zone, [...path, 'zone']);
      const gateway = d.kind === 'sanitizer' || d.kind === 'proxy';
      const names = new Set<string>();
      const interfaces = d.interfaces.map((f, j): Interface => {
        const fp = [...path, 'interfaces', j];
        if (names.has(f.name)) this.error('BNK_ERR_DUPLICATE_ID', `interface "${f.name}" appears twice on device "${d.id}"`, [...fp, 'name']);
        names.add(f.name);
        const fz = f.zone === undefined ? undefined : this.zoneRef(f.zone, [...fp, 'zone']);
        let address: number | undefined;
        if (f.address !== undefined) {
          address = parseIpv4(f.address);
          if (address === undefined) this.error('BNK_ERR_INVALID_ADDRESS', `"${f.address}" is not an IPv4 address`, [...fp, 'address']);
          else if (fz !== undefined) this.checkInsideZone(fz, { lo: address, hi: address }, `interface address ${f.address}`, [...fp, 'address']);
        }
        if (gateway && (f.zone === undefined || f.address === undefined)) {
          this.error('BNK_ERR_SCHEMA', `${d.kind} interfaces need both "zone" and "address" (a gateway is an endpoint in each zone)`, fp);
        }
        return { name: f.name, zone: fz, address, members: f.members, inAcls: f.in ?? [], outAcls: f.out ?? [], loc: this.loc(fp) };
      });
      this.checkVlans(d.id, interfaces, path);
      const acls = 'acls' in d && d.acls ? this.resolveAcls(d.id, d.acls, [...path, 'acls']) : [];
      const aclNames = new Set(acls.map((a) => a.name));
      interfaces.forEach((f, j) => {
        for (const [key, names] of [
          ['in', f.inAcls],
          ['out', f.outAcls],
        ] as const) {
          names.forEach((name, k) => {
            if (!aclNames.has(name)) {
              const known = aclNames.size > 0 ? ` (it has ${[...aclNames].join(', ')})` : ' (it declares no acls)';
              this.error('BNK_ERR_UNKNOWN_REF', `device "${d.id}" has no ACL "${name}"${known}`, [...path, 'interfaces', j, key, k]);
            }
          });
        }
      });
      const vlans = new Set(interfaces.filter((f) => f.members).map((f) => f.name));
      // Rules of a device name the same few interface lists again and again: one set per list.
      const ifaceSets = new Map<string, Set<string>>();
      const ifaceList = (value: string | readonly string[] | undefined, p: () => Path): Set<string> | undefined => {
        if (value === undefined) return undefined;
        const key = typeof value === 'string' ? `s${value}` : JSON.stringify(value);
        let set = ifaceSets.get(key);
        if (!set) ifaceSets.set(key, (set = new Set(list(value))));
        for (const n of set) {
          if (!names.has(n)) this.error('BNK_ERR_UNKNOWN_REF', `device "${d.id}" has no interface "${n}" (it has ${[...names].join(', ')})`, p());
          // Packets cross a device by its member ports; a VLAN interface is only a route target.
          else if (vlans.has(n)) this.error('BNK_ERR_SCHEMA', `"${n}" is a VLAN interface: packets enter and leave by its members; name those instead`, p());
        }
        return set;
      };
      let rules: Rule[] = [];
      let routes: Route[] | undefined;
      let relays: Relay[] = [];
      if (d.kind === 'firewall') {
        const ruleIds = new Set<string>();
        rules = d.rules.map((r, k): Rule => {
          const rp = [...path, 'rules', k];
          const id = r.id ?? String(k + 1);
          if (ruleIds.has(id)) this.error('BNK_ERR_DUPLICATE_ID', `rule id "${id}" appears twice in firewall "${d.id}"`, [...rp, 'id']);
          ruleIds.add(id);
          return this.resolveRule(
            r,
            k,
            rp,
            ifaceList(r.in, () => [...rp, 'in']),
            ifaceList(r.out, () => [...rp, 'out']),
          );
        });
      }
      if ((d.kind === 'router' || d.kind === 'firewall') && d.routes !== undefined) {
        routes = [];
        d.routes.forEach((r, k) => {
          const rp = [...path, 'routes', k];
          const prefix = parseCidr(r.prefix);
          if ('error' in prefix) this.error('BNK_ERR_INVALID_ADDRESS', prefix.error, [...rp, 'prefix']);
          const out = list(r.interface);
          if (r.action === 'forward' && out.length === 0) {
            this.error('BNK_ERR_SCHEMA', 'a forward route needs "interface" (or action: deliver / drop)', rp);
          } else if (r.action !== 'forward' && out.length > 0) {
            this.error('BNK_ERR_SCHEMA', `a ${r.action} route sends nothing out, so it takes no "interface"`, [...rp, 'interface']);
          }
          out.forEach((name, i) => {
            const at = typeof r.interface === 'string' ? [...rp, 'interface'] : [...rp, 'interface', i];
            if (!names.has(name)) this.error('BNK_ERR_UNKNOWN_REF', `device "${d.id}" has no interface "${name}"`, at);
          });
          if (!('error' in prefix)) {
            routes!.push({
              prefix,
              action: r.action,
              interfaces: out,
              priority: r.priority ?? prefix.length,
              loc: r.origin ? originLoc(r.origin) : this.loc(rp),
            });
          }
        });
      }
      if (d.kind === 'sanitizer' || d.kind === 'proxy') {
        relays = d.relays.map((r, k): Relay => {
          const rp = [...path, 'relays', k];
          ifaceList(r.in, () => [...rp, 'in']);
          ifaceList(r.out, () => [...rp, 'out']);
          const services = this.resolveServiceRefs(list(r.service), [...rp, 'service']);
          return {
            in: r.in,
            services,
            out: r.out,
            to: this.resolveAddressRefs(list(r.to), [...rp, 'to']),
            toServices: r.toService === undefined ? services : this.resolveServiceRefs(list(r.toService), [...rp, 'toService']),
            loc: this.loc(rp),
          };
        });
      }
      return {
        index,
        id: d.id,
        name: d.name ?? d.id,
        kind: d.kind,
        zone,
        interfaces,
        rules,
        routes,
        acls,
        method: d.kind === 'sanitizer' ? d.method : undefined,
        relays,
        loc: this.loc(path),
      };
    });
  }

  private resolveRule(
    r: Pick<RuleDecl, 'id' | 'action' | 'from' | 'to' | 'service' | 'origin'>,
    k: number,
    rp: Path,
    inInterfaces: ReadonlySet<string> | undefined,
    outInterfaces: ReadonlySet<string> | undefined,
  ): Rule {
    const written = { from: this.refs(r.from), to: this.refs(r.to), service: this.refs(r.service) };
    return {
      id: r.id ?? String(k + 1),
      named: r.id !== undefined,
      position: k + 1,
      action: r.action,
      src: this.resolveAddressRefs(written.from, () => [...rp, 'from']),
      dst: this.resolveAddressRefs(written.to, () => [...rp, 'to']),
      services: this.resolveServiceRefs(written.service, () => [...rp, 'service']),
      inInterfaces,
      outInterfaces,
      written,
      loc: r.origin ? originLoc(r.origin) : this.loc(rp),
    };
  }

  private resolveAcls(device: string, decl: Record<string, readonly RuleDecl[]>, path: Path): Acl[] {
    return Object.entries(decl).map(([name, rules]): Acl => {
      const ap = [...path, name];
      const ids = new Set<string>();
      return {
        name,
        rules: rules.map((r, k) => {
          const id = r.id ?? String(k + 1);
          if (ids.has(id)) this.error('BNK_ERR_DUPLICATE_ID', `rule id "${id}" appears twice in ACL "${name}" of "${device}"`, [...ap, k, 'id']);
          ids.add(id);
          return this.resolveRule(r, k, [...ap, k], undefined, undefined);
        }),
        loc: this.loc(ap),
      };
    });
  }

  /** VLAN members are plain interfaces of the same device; a VLAN interface has no zone and no ACLs. */
  private checkVlans(device: string, interfaces: readonly Interface[], path: Path): void {
    const byName = new Map(interfaces.map((f) => [f.name, f]));
    interfaces.forEach((f, j) => {
      if (!f.members) return;
      const fp = [...path, 'interfaces', j];
      if (f.zone !== undefined || f.address !== undefined) {
        this.error('BNK_ERR_SCHEMA', `VLAN interface "${f.name}" floods to its members; give the zone and address to a member instead`, fp);
      }
      if (f.inAcls.length > 0 || f.outAcls.length > 0) {
        this.error('BNK_ERR_SCHEMA', `VLAN interface "${f.name}" carries no ACLs; bind them to its member interfaces`, fp);
      }
      const seen = new Set<string>();
      f.members.forEach((m, k) => {
        const member = byName.get(m);
        if (seen.has(m)) this.error('BNK_ERR_DUPLICATE_ID', `"${m}" is listed twice in VLAN "${f.name}"`, [...fp, 'members', k]);
        seen.add(m);
        if (!member) this.error('BNK_ERR_UNKNOWN_REF', `device "${device}" has no interface "${m}" (member of VLAN "${f.name}")`, [...fp, 'members', k]);
        else if (member.members) this.error('BNK_ERR_SCHEMA', `"${m}" is itself a VLAN interface; members are plain interfaces`, [...fp, 'members', k]);
      });
    });
  }

  private resolveAddressRefs(refs: readonly string[], path: Path | (() => Path)): readonly Ipv4Range[] {
    return this.resolvedOnce(this.addressLists, refs, path, resolveAddresses);
  }

  private resolveLinks(): Link[] {
    const links: Link[] = [];
    const seen = new Map<string, Loc>();
    this.input.links.forEach((pair, index) => {
      const path = ['links', index];
      const ends = pair.map((end, k) => {
        const colon = end.lastIndexOf(':');
        const deviceId = colon > 0 ? end.slice(0, colon) : end;
        const iface = colon > 0 ? end.slice(colon + 1) : '';
        const entry = this.ids.get(deviceId);
        if (colon <= 0 || !iface) {
          this.error('BNK_ERR_SCHEMA', `link end "${end}" must be "device:interface"`, [...path, k]);
          return undefined;
        }
        if (!entry && this.skipped(deviceId)) return undefined;
        if (entry?.kind !== 'device') {
          this.error('BNK_ERR_UNKNOWN_REF', `unknown device "${deviceId}" in link`, [...path, k]);
          return undefined;
        }
        const device = this.devices[entry.index]!;
        if (!device.interfaces.some((f) => f.name === iface)) {
          this.error('BNK_ERR_UNKNOWN_REF', `device "${deviceId}" has no interface "${iface}"`, [...path, k]);
          return undefined;
        }
        return { device: entry.index, interface: iface };
      });
      const [a, b] = ends;
      if (!a || !b) return;
      if (a.device === b.device && a.interface === b.interface) {
        this.error('BNK_ERR_SCHEMA', 'a link must join two different interfaces', path);
        return;
      }
      for (const end of [a, b]) {
        if (this.devices[end.device]!.interfaces.find((f) => f.name === end.interface)?.members) {
          this.error('BNK_ERR_SCHEMA', `"${this.devices[end.device]!.id}:${end.interface}" is a VLAN interface; cable one of its members instead`, path);
          return;
        }
      }
      const key = [`${a.device}:${a.interface}`, `${b.device}:${b.interface}`].sort().join(' ');
      const first = seen.get(key);
      if (first !== undefined) {
        this.error('BNK_ERR_DUPLICATE_ID', `this link is listed twice (first at line ${first.line})`, path);
        return;
      }
      seen.set(key, this.loc(path));
      links.push({ id: `${pair[0]}--${pair[1]}`, a, b, loc: this.loc(path) });
    });
    return links;
  }

  private resolveFlow(
    f: { id: string; from: string | string[]; to: string | string[]; service: string | string[]; via?: string[] | undefined },
    path: Path,
  ): DeclaredFlow {
    const via: number[] = [];
    (f.via ?? []).forEach((g, k) => {
      const entry = this.ids.get(g);
      const device = entry?.kind === 'device' ? this.input.devices[entry.index] : undefined;
      if (!entry && this.skipped(g)) return;
      if (!device || (device.kind !== 'sanitizer' && device.kind !== 'proxy')) {
        this.error('BNK_ERR_UNKNOWN_REF', `"${g}" is not a sanitizer or proxy`, [...path, 'via', k]);
      } else via.push(entry!.index);
    });
    const written = { from: this.refs(f.from), to: this.refs(f.to), service: this.refs(f.service) };
    return {
      id: f.id,
      from: this.resolveAddressRefs(written.from, [...path, 'from']),
      to: this.resolveAddressRefs(written.to, [...path, 'to']),
      services: this.resolveServiceRefs(written.service, [...path, 'service']),
      via,
      written,
      loc: this.loc(path),
    };
  }
}

function fmt(p: Ipv4Prefix): string {
  return `${formatIpv4(p.lo)}/${p.length}`;
}

function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column);
}
