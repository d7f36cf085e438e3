// Prototype-member names (constructor, toString, __proto__, map, ...) wherever user text
// becomes a key: ids, service names, zone names, engine names, HTTP query parameters and
// change-file fields. Each is either a correct result or bad input (exit 2, HTTP 4xx, an
// InputError), never an internal error.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { InputError } from '../../src/errors.ts';
import { loadDocument, loadTopology } from '../../src/model/load.ts';
import { readSource } from '../../src/model/source.ts';
import { loadChange } from '../../src/review/change.ts';
import { networkAfter } from '../../src/review/apply.ts';
import { PROTO_NAMES } from '../fuzz/generators.ts';
import { prepareBase, review, type ReviewBase } from '../../src/review/review.ts';
import { ENGINES, engineFactoryNamed } from '../../src/engine/registry.ts';
import { lookupService } from '../../src/net/services.ts';
import { ROOT, runCli, seedPack, TODAY } from '../helpers.ts';
import { testServer, type TestServer } from '../server/helpers.ts';

/** Every own property name of the prototypes a plain object, a function or an array inherits from. */
const NAMES = PROTO_NAMES;

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const SERVICE_KEY = /^[a-z][a-z0-9_-]{0,63}$/;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const KINDS = ['zone', 'host', 'device', 'exception', 'intent'] as const;
/** The element of each kind renamed in the sample (chosen to be referenced from elsewhere). */
const RENAMED: Record<(typeof KINDS)[number], string> = {
  zone: 'lg-office',
  host: 'chukan-server',
  device: 'mn-fw',
  exception: 'exc-atena-chukan',
  intent: 'mn-juki-app',
};

const pack = seedPack();
const domains = new Set(Object.keys(pack.domains));
const ALPHA = 'topologies/alpha-city.yaml';
const alphaText = readFileSync(resolve(ROOT, ALPHA), 'utf8');
type Json = Record<string, unknown>;
/** The sample, read from YAML once; each caller gets its own deep copy to mutate. */
const alphaParsed = parse(alphaText) as Json;
const alpha = (): Json => structuredClone(alphaParsed);

/** Replaces every string equal to `from` (and every link end `from:x`) by `to`, in place. */
function renameValues(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value === from ? to : value.startsWith(`${from}:`) ? `${to}${value.slice(from.length)}` : value;
  if (Array.isArray(value)) return value.map((v) => renameValues(v, from, to));
  if (value !== null && typeof value === 'object') {
    const out: Json = Object.create(null) as Json;
    for (const [k, v] of Object.entries(value)) out[k] = renameValues(v, from, to);
    return out;
  }
  return value;
}

function devices(doc: Json): Json[] {
  return doc.devices as Json[];
}

function firewall(doc: Json, id: string): Json {
  return devices(doc).find((d) => d.id === id)!;
}

/** Sets the service of the first rule of mn-fw (a firewall rule). */
function withRuleService(service: string): Json {
  const doc = alpha();
  (firewall(doc, 'mn-fw').rules as Json[])[0]!.service = service;
  return doc;
}

/** Loads a document; returns 'ok' or the InputError's codes; anything else is thrown on. */
function load(doc: Json): 'ok' | string[] {
  try {
    loadTopology(JSON.stringify(doc), 'mutated.json', { domains });
    return 'ok';
  } catch (error) {
    if (error instanceof InputError) return error.diagnostics.map((d) => d.code);
    throw error;
  }
}

/** The valid renames of one name: the element of one kind, a firewall rule, an interface, a service, a zone's name. */
function renamedEverywhere(name: string, kind: (typeof KINDS)[number]): Json {
  let doc = renameValues(alpha(), RENAMED[kind], name) as Json;
  const fw = firewall(doc, 'lg-edge-fw');
  const rules = fw.rules as Json[];
  rules[0]!.id = name;
  // Interface "mynumber" of lg-edge-fw: its rules' in/out and its link end.
  const renamedFw = renameValues(fw, 'mynumber', name) as Json;
  devices(doc)[devices(doc).indexOf(fw)] = renamedFw;
  doc.links = (doc.links as string[][]).map((pair) => pair.map((end) => (end === 'lg-edge-fw:mynumber' ? `lg-edge-fw:${name}` : end)));
  if (SERVICE_KEY.test(name) && !FORBIDDEN_KEYS.has(name) && lookupService(name, new Map()).ok === false) {
    doc = renameValues(doc, 'juki-app', name) as Json;
    const services = doc.services as Json;
    services[name] = services['juki-app'];
    delete services['juki-app'];
  }
  (doc.zones as Json[])[0]!.name = name;
  return doc;
}

let dir = '';
const file = (text: string, name = 'f.yaml'): string => {
  const path = join(dir, `${Math.random().toString(36).slice(2)}-${name}`);
  writeFileSync(path, text);
  return path;
};
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bunkatsu-proto-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('prototype-member names in a topology', () => {
  it.each(NAMES)('"%s" as a service (rule, services map value and key, protocol) or an unknown reference is bad input', (name) => {
    // One document per name with every misuse at once: the loader reports them all together.
    const doc = alpha();
    const rules = firewall(doc, 'mn-fw').rules as Json[];
    const misuses: Array<() => void> = [
      () => {
        rules[0]!.service = name;
      },
      () => {
        rules[1]!.service = `${name}/80`;
      },
      () => {
        rules[2]!.service = `tcp/${name}`;
      },
      () => {
        (doc.services as Json).web = name;
      },
      () => {
        (doc.services as Json).mail = [name, 'tcp/25'];
      },
      () => {
        (doc.intents as Json[])[0]!.service = name;
      },
      () => {
        (doc.intents as Json[])[1]!.via = [name];
      },
      () => {
        (firewall(doc, 'lg-edge-fw').rules as Json[])[0]!.from = name;
      },
      () => {
        (firewall(doc, 'lg-edge-fw').rules as Json[])[1]!.to = [name];
      },
      () => {
        (doc.hosts as Json[])[0]!.zone = name;
      },
      () => {
        (doc.zones as Json[])[0]!.domain = name;
      },
    ];
    for (const misuse of misuses) misuse();
    const codes = load(doc);
    expect(codes).not.toBe('ok');
    expect((codes as string[]).length).toBeGreaterThanOrEqual(misuses.length);
    // A services key of that name (an own property, as a YAML or JSON key would be).
    const keyed = alpha();
    Object.defineProperty(keyed.services, name, { value: 'tcp/8000', enumerable: true, configurable: true, writable: true });
    (firewall(keyed, 'mn-fw').rules as Json[])[0]!.service = name;
    const result = load(keyed);
    if (FORBIDDEN_KEYS.has(name) || !SERVICE_KEY.test(name)) expect(result).not.toBe('ok');
    else expect(result).toBe('ok');
  });

  it.each(NAMES)('"%s" as the id of every kind of element loads when it is a valid id', (name) => {
    for (const kind of KINDS) {
      const doc = renamedEverywhere(name, kind);
      const result = load(doc);
      if (ID.test(name)) expect(result, kind).toBe('ok');
      else expect(result, kind).not.toBe('ok');
    }
  });

  // The element kinds in turn, one whole check per name.
  it.each(NAMES.map((name, i) => [name, KINDS[i % KINDS.length]!] as const))(
    'bunkatsu check: "%s" as a %s id, rule id, interface, service and zone name gives the same verdict',
    async (name, kind) => {
      const r = await runCli(['check', file(stringify(renamedEverywhere(name, kind))), '--today', TODAY]);
      if (ID.test(name)) {
        expect(r.err).toBe('');
        expect(r.code).toBe(0);
        expect(r.out).toContain('No findings.');
      } else {
        expect(r.code).toBe(2);
      }
    },
  );

  it.each(NAMES)('bunkatsu check/trace: "%s" as a service, engine or endpoint exits 2', async (name) => {
    const topology = file(stringify(withRuleService(name)));
    const check = await runCli(['check', topology, '--today', TODAY]);
    expect(check.code, check.err).toBe(2);
    // Options with choices are refused before the topology is read; trace reads it, then resolves.
    for (const args of [
      ['check', ALPHA, '--engine', name],
      ['trace', ALPHA, 'lg-office', 'any', 'https', '--engine', name],
      ['matrix', ALPHA, '--engine', name],
      ['matrix', ALPHA, '--level', name],
      ['check', ALPHA, '--format', name],
      ['review', ALPHA, 'topologies/changes/remove-asp-rule.yaml', '--format', name],
      ['check', ALPHA, '--lang', name],
      ['trace', ALPHA, 'lg-office', 'any', name],
    ]) {
      const r = await runCli(args);
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(2);
    }
  });

  it('the engine registry knows only its own engines', () => {
    for (const name of NAMES) expect(engineFactoryNamed(name), name).toBeUndefined();
    expect(engineFactoryNamed('fast')).toBeTypeOf('function');
    expect(engineFactoryNamed('reference')).toBeTypeOf('function');
  });
});

describe('prototype-member names in a change file', () => {
  let base: ReviewBase;
  const topology = readSource(alphaText, ALPHA);
  if (!topology.ok) throw new Error('alpha-city does not read');
  const before = loadDocument(topology.doc, { domains });
  beforeAll(() => {
    base = prepareBase(before, pack, TODAY, ENGINES.fast!);
  });

  const rule = (extra: Json = {}): Json => ({ id: 'new-rule', action: 'permit', from: 'lg-office', to: 'lg-servers', service: 'https', ...extra });
  /** Operations with the name in one field; none of them can be right but add-rule's id and the new zone's. */
  const refused = (name: string): Json[] => [
    { 'add-rule': { device: 'lg-edge-fw', rule: rule({ service: name }) } },
    { 'add-rule': { device: 'lg-edge-fw', rule: rule({ service: [name, 'https'] }) } },
    { 'add-rule': { device: 'lg-edge-fw', rule: rule({ from: name }) } },
    { 'add-rule': { device: 'lg-edge-fw', rule: rule({ in: name }) } },
    { 'add-rule': { device: name, rule: rule() } },
    { 'add-rule': { device: 'lg-edge-fw', rule: rule(), before: name } },
    { 'add-rule': { device: 'lg-edge-fw', rule: rule(), after: name } },
    { 'remove-rule': { device: 'lg-edge-fw', rule: name } },
    { 'remove-rule': { device: name, rule: 'e-asp' } },
    { 'replace-rule': { device: 'lg-edge-fw', rule: 'e-asp', with: rule({ service: name }) } },
    { 'move-rule': { device: 'lg-edge-fw', rule: name, position: 1 } },
    { 'add-route': { device: name, prefix: '10.0.0.0/8', interface: 'core1' } },
    { 'add-route': { device: 'lg-edge-fw', prefix: '10.99.0.0/16', interface: name } },
    { 'remove-route': { device: 'lg-edge-fw', prefix: '10.0.0.0/8', interface: name } },
    { 'add-interface': { device: name, interface: { name: 'x', zone: 'lg-office', address: '10.20.0.250' } } },
    { 'add-interface': { device: 'lg-edge-fw', interface: { name: 'x', zone: name, address: '10.20.0.250' } } },
    { 'remove-interface': { device: 'lg-edge-fw', interface: name } },
    { 'add-link': [`${name}:x`, 'lg-edge-fw:core1'] },
    { 'remove-link': [`lg-edge-fw:${name}`, 'lg-edge-fw:core1'] },
    { 'add-host': { id: 'new-host', zone: name, address: '10.20.0.251' } },
    { 'remove-host': name },
    { 'remove-zone': name },
    { down: name },
    { down: [`lg-edge-fw:${name}`] },
  ];

  /** Runs one change as the CLI does; 'ok' (a verdict) or the InputError's codes. */
  function run(changes: Json[]): 'ok' | string[] {
    try {
      const loaded = loadChange(stringify({ 'bunkatsu-change': 1, changes }), 'change.yaml');
      const applied = networkAfter(before, topology.ok ? topology.doc : (undefined as never), loaded, { domains });
      review(base, { after: applied.after, pack, today: TODAY, change: { file: 'change.yaml', operations: applied.operations, touched: applied.touched } });
      return 'ok';
    } catch (error) {
      if (error instanceof InputError) return error.diagnostics.map((d) => d.code);
      throw error;
    }
  }

  it.each(NAMES)('"%s" in any reference field of an operation is bad input', (name) => {
    // Grouped by the stage that refuses them, so one refusal does not hide another's crash.
    const ops = refused(name);
    const inMemory = ops.filter((op) => ['add-rule', 'remove-rule', 'replace-rule', 'move-rule'].includes(Object.keys(op)[0]!));
    const down = ops.filter((op) => Object.keys(op)[0] === 'down');
    const structural = ops.filter((op) => !inMemory.includes(op) && !down.includes(op));
    const inMemoryCodes = run(inMemory);
    expect(inMemoryCodes).not.toBe('ok');
    expect((inMemoryCodes as string[]).length).toBeGreaterThanOrEqual(inMemory.length);
    for (const op of [...down, ...structural]) expect(run([op]), JSON.stringify(op)).not.toBe('ok');
  });

  it.each(NAMES)('"%s" as the id of a new rule is reviewed', (name) => {
    const result = run([{ 'add-rule': { device: 'lg-edge-fw', position: 1, rule: rule({ id: name }) } }]);
    expect(result).toEqual(ID.test(name) ? 'ok' : ['BNK_ERR_SCHEMA']);
  });

  it.each(NAMES.filter((_n, i) => i % 4 === 0))('bunkatsu review: add-rule with service "%s" exits 2', async (name) => {
    const change = file(stringify({ 'bunkatsu-change': 1, changes: [{ 'add-rule': { device: 'lg-edge-fw', rule: rule({ service: name }) } }] }), 'change.yaml');
    const r = await runCli(['review', ALPHA, change, '--today', TODAY]);
    expect(r.code, r.err).toBe(2);
    const structural = file(
      stringify({
        'bunkatsu-change': 1,
        changes: [
          { 'add-zone': { id: 'z-new', domain: 'lgwan', subnets: ['10.99.0.0/16'] } },
          { 'add-rule': { device: 'lg-edge-fw', rule: rule({ service: name }) } },
        ],
      }),
      'change.yaml',
    );
    const s = await runCli(['review', ALPHA, structural, '--today', TODAY]);
    expect(s.code, s.err).toBe(2);
  });
});

describe('prototype-member names over HTTP', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
    expect((await s.upload(s.tokens.kitaSubmit, 'kita', ALPHA)).statusCode).toBe(201);
  });
  afterAll(async () => {
    await s.close();
  });

  const q = encodeURIComponent;

  it.each(NAMES)('"%s" as a query parameter or in a body is answered 4xx', async (name) => {
    const get = (url: string) => s.request(s.tokens.kitaReadSubmit, { method: 'GET', url });
    const post = (url: string, payload?: string) =>
      s.request(s.tokens.kitaReadSubmit, {
        method: 'POST',
        url,
        ...(payload === undefined ? {} : { payload, headers: { 'content-type': 'application/yaml' } }),
      });
    const v = '/projects/kita/versions/1';
    const answers = [
      await get(`${v}/trace?src=lg-office&dst=any&service=${q(name)}`),
      await get(`${v}/trace?src=${q(name)}&dst=any&service=https`),
      await get(`${v}/trace?src=lg-office&dst=${q(name)}&service=https`),
      await get(`${v}/trace?src=lg-office&dst=any&service=https&engine=${q(name)}`),
      await get(`${v}/trace?src=lg-office&dst=any&service=https&lang=${q(name)}`),
      await get(`${v}/matrix?engine=${q(name)}`),
      await get(`${v}/matrix?level=${q(name)}`),
      await get(`${v}/matrix?format=${q(name)}`),
      await post(`${v}/checks?engine=${q(name)}`),
      await post(`${v}/checks?lang=${q(name)}`),
      await post(`${v}/checks?today=${q(name)}`),
      await post(`${v}/reviews?lang=${q(name)}`, 'bunkatsu-change: 1\nchanges: [{remove-rule: {device: lg-edge-fw, rule: e-asp}}]\n'),
      await post(`${v}/reviews?today=${q(name)}`, 'bunkatsu-change: 1\nchanges: [{remove-rule: {device: lg-edge-fw, rule: e-asp}}]\n'),
      await post(
        `${v}/reviews?today=${TODAY}`,
        stringify({ 'bunkatsu-change': 1, changes: [{ 'add-rule': { device: 'lg-edge-fw', rule: { action: 'permit', service: name } } }] }),
      ),
      await post(`${v}/reviews?today=${TODAY}`, stringify({ 'bunkatsu-change': 1, changes: [{ 'remove-rule': { device: 'lg-edge-fw', rule: name } }] })),
      await post(`${v}/reviews?today=${TODAY}`, stringify({ 'bunkatsu-change': 1, changes: [{ down: name }] })),
      await get(`/projects/kita/reviews/rev_0000000000000000?format=${q(name)}`),
      await get(`/projects/${q(name)}/versions/1`),
      await s.request(s.tokens.kitaSubmit, {
        method: 'POST',
        url: '/projects/kita/versions',
        payload: JSON.stringify(withRuleService(name)),
        headers: { 'content-type': 'application/json' },
      }),
    ];
    for (const a of answers) {
      expect(a.statusCode, `${a.raw.req.url}: ${a.body}`).toBeGreaterThanOrEqual(400);
      expect(a.statusCode, `${a.raw.req.url}: ${a.body}`).toBeLessThan(500);
    }
  });
});
