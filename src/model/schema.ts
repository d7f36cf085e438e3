// The topology file format, version 1, as a zod schema. It is the single source of truth:
// the loader validates with it, TypeScript types are inferred from it, and `bunkatsu schema`
// publishes it as JSON Schema for editors. The schemas are built on first use (zod.ts): a
// document quick-schema.ts accepts needs neither zod nor them.

import type { z } from 'zod';
import { isCalendarDate } from './dates.ts';
import { zod } from './zod.ts';

export const FORMAT_VERSION = 1;

export const MODELS = ['alpha', 'alpha-prime', 'beta', 'beta-prime'] as const;
export const HOST_ROLES = ['terminal', 'server', 'printer', 'storage', 'network', 'other'] as const;
export const ENDPOINT_CONTROLS = ['mfa', 'data-export-blocked', 'epp', 'edr', 'antivirus', 'disk-encryption', 'log-collection', 'patch-management'] as const;
export const SANITIZER_METHODS = ['mail-text', 'screen-transfer', 'file-sanitization'] as const;
export const CONTENT_KINDS = ['mail', 'web', 'file'] as const;

function buildSchemas() {
  const { z } = zod();
  const id = z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'ids are 1-128 letters, digits, "_", "." or "-", starting with a letter or digit')
    .describe('Identifier, unique across zones, hosts, devices, exceptions, intents and cloud services');

  const text = z.string().max(4000);

  /** An address reference: "any", the id of a zone, host or device, or an address literal. */
  const addressRef = z
    .string()
    .min(1)
    .max(128)
    .describe('"any", a zone / host / device id, an IPv4 address, a CIDR prefix (10.0.0.0/8) or a range (10.0.0.5-10.0.0.9)');
  const addressRefs = z.union([addressRef, z.array(addressRef).min(1).max(10_000)]);

  /** A service reference: "any", a service name, or protocol[/port[-port]]. */
  const serviceRef = z
    .string()
    .min(1)
    .max(64)
    .describe('"any", a service name (https, smtp, rdp, ...) or protocol[/port[-port]] (tcp/443, udp/1000-2000, icmp)');
  const serviceRefs = z.union([serviceRef, z.array(serviceRef).min(1).max(1000)]);

  const zone = z
    .strictObject({
      id,
      name: text.optional().describe('Display name, e.g. 住民記録系'),
      domain: z
        .string()
        .min(1)
        .max(64)
        .optional()
        .describe(
          'Security domain, declared by the policy pack: mynumber, lgwan, internet, public-internet, lgwan-backbone, ...; only an imported topology not yet given a site file may leave it out (trace, matrix and dataplane answer, check refuses)',
        ),
      subnets: z.array(z.string().max(64)).max(10_000).optional().describe('IPv4 prefixes of the zone'),
      default: z.boolean().optional().describe('This zone owns every address no other zone claims (the public Internet); at most one zone'),
      description: text.optional(),
    })
    .describe('A network segment: hosts in it reach each other directly; devices attach to it by interface');

  const host = z
    .strictObject({
      id,
      name: text.optional(),
      zone: id.describe('Zone the host or group sits in'),
      role: z.enum(HOST_ROLES).default('server'),
      address: z.string().max(64).optional().describe('A single host: its IPv4 address'),
      addresses: z.string().max(64).optional().describe('A host group: a CIDR prefix or a range a.b.c.d-e.f.g.h'),
      count: z.number().int().min(1).max(16_777_216).optional().describe('A host group: how many hosts, taken from the start of `addresses`'),
      controls: z.array(z.enum(ENDPOINT_CONTROLS)).max(32).optional().describe('Endpoint controls in place on every member'),
      description: text.optional(),
    })
    .describe('A host (address) or a host group (addresses, optional count)');

  const ifaceName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/, 'interface names are 1-64 letters, digits, "_", ".", "/" or "-"');
  const aclName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'ACL names are 1-64 letters, digits, "_", "." or "-"');

  const iface = z.strictObject({
    name: ifaceName,
    zone: id.optional().describe('Zone segment this interface is attached to'),
    address: z.string().max(64).optional().describe('IPv4 address of the interface, inside its zone'),
    members: z
      .array(ifaceName)
      .min(1)
      .max(4096)
      .optional()
      .describe('A VLAN interface: forwarding to it floods to these member interfaces, never back out of the one the packet came in by'),
    in: z.array(aclName).min(1).max(16).optional().describe("ACLs (names under the device's acls) every packet entering by this interface must pass, in order"),
    out: z.array(aclName).min(1).max(16).optional().describe('ACLs every packet leaving by this interface must pass, in order'),
    description: text.optional(),
  });

  /** Where an imported rule or route came from: `check`, `trace` and hygiene cite it instead of the YAML line. */
  const origin = z
    .strictObject({
      file: z.string().min(1).max(1024).describe('The vendor configuration file, as given to `bunkatsu import`'),
      line: z.number().int().min(1).max(2_147_483_647),
      column: z.number().int().min(1).max(2_147_483_647),
      label: z.string().max(256).optional().describe('What stands there, e.g. policy 27 "lg-to-inet"'),
    })
    .describe('Source location in a vendor configuration (written by `bunkatsu import`)');

  const rule = z.strictObject({
    id: id.optional().describe('Rule id, unique in its device; defaults to its 1-based position'),
    action: z.enum(['permit', 'deny']),
    from: addressRefs.default('any').describe('Source addresses'),
    to: addressRefs.default('any').describe('Destination addresses'),
    service: serviceRefs.default('any'),
    in: z
      .union([z.string(), z.array(z.string()).min(1)])
      .optional()
      .describe('Only for packets entering by these interfaces'),
    out: z
      .union([z.string(), z.array(z.string()).min(1)])
      .optional()
      .describe('Only for packets leaving by these interfaces'),
    description: text.optional(),
    origin: origin.optional(),
  });

  const route = z.strictObject({
    prefix: z.string().max(64).describe('Destination prefix, e.g. 0.0.0.0/0'),
    action: z
      .enum(['forward', 'deliver', 'drop'])
      .default('forward')
      .describe('forward: out of `interface`; deliver: addressed to the device itself; drop: a null route'),
    interface: z
      .union([z.string(), z.array(z.string()).min(1).max(4096)])
      .optional()
      .describe('Outgoing interface(s) of a forward route; several: a copy leaves by each'),
    priority: z
      .number()
      .int()
      .min(0)
      .max(2_147_483_647)
      .optional()
      .describe('The matching route with the highest priority wins (equal: all of them); defaults to the prefix length, i.e. longest-prefix match'),
    description: text.optional(),
    origin: origin.optional(),
  });

  const aclRule = rule.omit({ in: true, out: true });

  const relay = z.strictObject({
    in: z.string().describe('Interface on which the gateway accepts the connection'),
    service: serviceRefs.describe('Service accepted on that interface'),
    out: z.string().describe('Interface from which it re-originates the content'),
    to: addressRefs.describe('Where it re-originates to'),
    toService: serviceRefs.optional().describe('Service of the re-originated connection; defaults to `service`'),
    description: text.optional(),
  });

  const deviceBase = {
    id,
    name: text.optional(),
    zone: id.optional().describe('Zone the device belongs to (inventory; a device in a security-cloud zone is part of the cloud)'),
    interfaces: z.array(iface).min(1).max(4096),
    description: text.optional(),
  };

  const switchDevice = z.strictObject({ ...deviceBase, kind: z.literal('switch') });
  const acls = z
    .record(aclName, z.array(aclRule).max(100_000))
    .optional()
    .describe('Named access lists, bound to interfaces by their `in` and `out`: first match wins, no match is denied');
  const routerDevice = z.strictObject({
    ...deviceBase,
    kind: z.literal('router'),
    routes: z
      .array(route)
      .max(1_000_000)
      .optional()
      .describe('Static routes; when given, forwarding follows the highest-priority (by default longest) matching prefix'),
    acls,
  });
  const firewallDevice = z.strictObject({
    ...deviceBase,
    kind: z.literal('firewall'),
    routes: z.array(route).max(1_000_000).optional(),
    acls,
    rules: z.array(rule).max(1_000_000).default([]).describe('Ordered, first match wins, default deny, stateful'),
  });
  const sanitizerDevice = z.strictObject({
    ...deviceBase,
    kind: z.literal('sanitizer'),
    method: z
      .enum(SANITIZER_METHODS)
      .describe('無害化 method: mail-text (メール本文のテキスト化), screen-transfer (画面転送), file-sanitization (ファイル無害化)'),
    relays: z.array(relay).max(10_000).default([]),
  });
  const proxyDevice = z.strictObject({
    ...deviceBase,
    kind: z.literal('proxy'),
    relays: z.array(relay).max(10_000).default([]),
  });

  const device = z.discriminatedUnion('kind', [switchDevice, routerDevice, firewallDevice, sanitizerDevice, proxyDevice]);

  const link = z.tuple([z.string(), z.string()]).describe('Two device interfaces joined by a cable: ["device:interface", "device:interface"]');

  const expires = z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expiry is a date YYYY-MM-DD')
    .refine(isCalendarDate, 'expiry is not a calendar date (e.g. 2026-02-30)');

  const exception = z.strictObject({
    id,
    from: addressRefs,
    to: addressRefs,
    service: serviceRefs,
    via: z.array(id).max(16).optional().describe('Gateways (sanitizers, proxies) the exempted channel runs through'),
    justification: text.min(1),
    approver: text.min(1),
    expires,
    rules: z.array(z.string()).max(64).optional().describe('Policy rule ids it exempts from; defaults to all'),
  });

  const cloudService = z
    .strictObject({
      id,
      name: text.optional().describe('Display name, e.g. 文書作成・Web会議 クラウドサービス'),
      to: addressRefs.describe('Where the service is: its address sets (prefixes, ranges) or a zone'),
      service: serviceRefs,
      justification: text.min(1),
      approver: text.min(1),
      expires: expires.describe('Last day the approval applies (YYYY-MM-DD)'),
    })
    .describe("A cloud service approved for direct use from the LGWAN terminals (α' model), restricted by destination and service");

  const intent = z.strictObject({
    id,
    from: addressRefs,
    to: addressRefs,
    service: serviceRefs,
    purpose: text.min(1),
    content: z.enum(CONTENT_KINDS).optional().describe('What the flow carries between LGWAN and Internet domains: mail, web or file'),
    via: z.array(id).max(16).optional().describe('Gateways (sanitizers, proxies) the flow is relayed through, in order'),
    resilient: z.boolean().optional().describe('Must survive any single link or device failure'),
  });

  const topology = z
    .strictObject({
      $schema: z.string().optional(),
      bunkatsu: z.literal(FORMAT_VERSION).describe('Format version'),
      name: text.min(1),
      model: z
        .enum(MODELS)
        .optional()
        .describe(
          "MIC guideline model: alpha (α), alpha-prime (α'), beta (β), beta-prime (β'); absent for a network that is not a municipality's (a data plane only)",
        ),
      description: text.optional(),
      services: z
        .record(z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/), z.union([z.string(), z.array(z.string()).min(1).max(256)]))
        .optional()
        .describe('Named services of this city, e.g. juki-app: tcp/8443'),
      zones: z.array(zone).max(100_000).default([]),
      hosts: z.array(host).max(1_000_000).default([]),
      devices: z.array(device).max(100_000).default([]),
      links: z.array(link).max(1_000_000).default([]),
      exceptions: z.array(exception).max(10_000).default([]),
      intents: z.array(intent).max(100_000).default([]),
      cloudServices: z.array(cloudService).max(10_000).default([]).describe("Cloud services the LGWAN terminals may reach directly (α' model only)"),
    })
    .describe('bunkatsu topology, format version 1');

  return { topology, rule, route, origin, relay };
}

type Schemas = ReturnType<typeof buildSchemas>;
let built: Schemas | undefined;

/** The schema of a topology document. */
export function topologySchema(): Schemas['topology'] {
  built ??= buildSchemas();
  return built.topology;
}

/** The schema of one firewall rule (a change file's added rule). */
export function ruleSchema(): Schemas['rule'] {
  built ??= buildSchemas();
  return built.rule;
}

export type TopologyFile = z.infer<Schemas['topology']>;
export type ZoneDecl = TopologyFile['zones'][number];
export type HostDecl = TopologyFile['hosts'][number];
export type DeviceDecl = TopologyFile['devices'][number];
export type RuleDecl = z.infer<Schemas['rule']>;
export type RouteDecl = z.infer<Schemas['route']>;
export type OriginDecl = z.infer<Schemas['origin']>;
export type RelayDecl = z.infer<Schemas['relay']>;
export type ExceptionDecl = TopologyFile['exceptions'][number];
export type IntentDecl = TopologyFile['intents'][number];
export type CloudServiceDecl = TopologyFile['cloudServices'][number];
export type Model = (typeof MODELS)[number];
export type SanitizerMethod = (typeof SANITIZER_METHODS)[number];
export type ContentKind = (typeof CONTENT_KINDS)[number];
export type EndpointControl = (typeof ENDPOINT_CONTROLS)[number];
export type HostRole = (typeof HOST_ROLES)[number];

/** The published JSON Schema of the format (draft 2020-12), as `bunkatsu schema` prints it. */
export function topologyJsonSchema(): Record<string, unknown> {
  const schema = zod().z.toJSONSchema(topologySchema(), { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return { title: 'bunkatsu topology (format version 1)', ...schema };
}
