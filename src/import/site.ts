// The site file of an import: what device configurations cannot say. It maps interfaces,
// vendor zones, prefixes and inventory prefixes (by NetBox role, tag, VLAN, site or tenant) to bunkatsu zones with their domains, limits a
// NetBox export to the city's sites or tenants, and carries the city's name
// and model, its hosts, the gateways (sanitizers, proxies) and the intents and exceptions,
// written as in a topology. A zod schema, published as JSON Schema (`bunkatsu schema --site`).

import type { output } from 'zod';
import { InputError } from '../errors.ts';
import { schemaDiagnostics } from '../model/load.ts';
import { MODELS, topologySchema } from '../model/schema.ts';
import { DEFAULT_LIMITS, readSource, type SourceDocument } from '../model/source.ts';
import { zod } from '../model/zod.ts';

export const SITE_FORMAT_VERSION = 1;

// Built on first use: zod is loaded only by the commands that read a site file.
function buildSiteSchema() {
  const { z } = zod();
  const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'ids are 1-128 letters, digits, "_", "." or "-", starting with a letter or digit');
  const text = z.string().max(4000);
  const attachment = z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}:[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/,
      'write device:name, e.g. fw01:port2 (a VDOM device is host.vdom: fw01.root:port2)',
    );

  const siteZone = z
    .strictObject({
      id,
      name: text.optional().describe('Display name, e.g. 住民記録系'),
      domain: z.string().min(1).max(64).describe('Security domain, declared by the policy pack: mynumber, lgwan, internet, public-internet, ...'),
      default: z.boolean().optional().describe('This zone owns every address no other zone claims (the public Internet); at most one zone'),
      description: text.optional(),
      interfaces: z.array(attachment).max(4096).optional().describe('Device interfaces attached to this zone: device:interface'),
      devices: z.array(id).max(4096).optional().describe('Imported devices that belong to this zone (inventory), e.g. [fw01]'),
      vendorZones: z.array(attachment).max(4096).optional().describe('Every interface of a vendor zone (FortiOS `config system zone`): device:zone'),
      subnets: z
        .array(z.string().max(64))
        .max(10_000)
        .optional()
        .describe('Prefixes of the zone; an interface whose subnet lies inside one (and that no interface or vendor zone selector names) is attached here'),
      netboxRoles: z
        .array(z.string().min(1).max(128))
        .max(1000)
        .optional()
        .describe('NetBox prefix roles (slugs): every inventory prefix with one of these roles, or in a VLAN with one, is a subnet of this zone'),
      netboxTags: z
        .array(z.string().min(1).max(128))
        .max(1000)
        .optional()
        .describe('NetBox tags (slugs): every inventory prefix tagged with one, or in a VLAN tagged with one, is a subnet of this zone'),
      vlans: z
        .array(z.union([z.number().int().min(1).max(4094), z.string().min(1).max(128)]))
        .max(4094)
        .optional()
        .describe('NetBox VLANs, by VLAN id (110) or name ("lg-office"): every inventory prefix assigned to one is a subnet of this zone'),
      netboxSites: z
        .array(z.string().min(1).max(128))
        .max(1000)
        .optional()
        .describe(
          'NetBox sites (slugs): with no role, tag or VLAN selector, every inventory prefix at one of these sites (or in a VLAN at one); with them, only the prefixes they select that are also at one of these sites',
        ),
      netboxTenants: z
        .array(z.string().min(1).max(128))
        .max(1000)
        .optional()
        .describe(
          'NetBox tenants (slugs): with no role, tag or VLAN selector, every inventory prefix of one of these tenants (or in a VLAN of one); with them, only the prefixes they select that are also of one of these tenants',
        ),
      netboxRegions: z
        .array(z.string().min(1).max(128))
        .max(1000)
        .optional()
        .describe(
          'NetBox regions (slugs): as netboxSites, for the prefixes at a site in one of these regions or a region within them (or scoped to such a region)',
        ),
      netboxSiteGroups: z
        .array(z.string().min(1).max(128))
        .max(1000)
        .optional()
        .describe(
          'NetBox site groups (slugs): as netboxSites, for the prefixes at a site in one of these site groups or a group within them (or scoped to such a group)',
        ),
    })
    .describe('A bunkatsu zone and the interfaces, vendor zones and prefixes that make it up');

  const netboxLimit = z
    .strictObject({
      sites: z
        .array(z.string().min(1).max(128))
        .min(1)
        .max(1000)
        .optional()
        .describe('NetBox site slugs: only devices, prefixes and VLANs at these sites are imported'),
      tenants: z
        .array(z.string().min(1).max(128))
        .min(1)
        .max(1000)
        .optional()
        .describe('NetBox tenant slugs: only devices, prefixes, VLANs and addresses of these tenants are imported'),
      regions: z
        .array(z.string().min(1).max(128))
        .min(1)
        .max(1000)
        .optional()
        .describe('NetBox region slugs: only devices, prefixes and VLANs at sites in these regions (or regions within them) are imported'),
      siteGroups: z
        .array(z.string().min(1).max(128))
        .min(1)
        .max(1000)
        .optional()
        .describe('NetBox site group slugs: only devices, prefixes and VLANs at sites in these groups (or groups within them) are imported'),
    })
    .describe('Which part of a NetBox export this site file describes (`import netbox`): a NetBox holding several sites or municipalities is limited to these');

  const shape = topologySchema().shape;

  return z
    .strictObject({
      $schema: z.string().optional(),
      'bunkatsu-site': z.literal(SITE_FORMAT_VERSION).describe('Site file format version'),
      name: text.min(1).optional().describe('Name of the network (default: the devices imported)'),
      model: z.enum(MODELS).optional().describe('MIC guideline model: alpha, alpha-prime, beta, beta-prime'),
      description: text.optional(),
      netbox: netboxLimit.optional(),
      services: shape.services,
      zones: z.array(siteZone).max(100_000).default([]),
      hosts: shape.hosts.describe('Hosts, as in a topology'),
      devices: shape.devices.describe('Devices no configuration describes (sanitizers, proxies, switches), as in a topology'),
      links: shape.links.describe('Links, as in a topology (device:interface on both ends)'),
      exceptions: shape.exceptions,
      cloudServices: shape.cloudServices,
      intents: shape.intents,
    })
    .describe('bunkatsu site file (for `bunkatsu import`), format version 1');
}

let built: ReturnType<typeof buildSiteSchema> | undefined;

/** The schema of a site file. */
export function siteSchema(): ReturnType<typeof buildSiteSchema> {
  built ??= buildSiteSchema();
  return built;
}

export type SiteFile = output<ReturnType<typeof siteSchema>>;
export type SiteZone = SiteFile['zones'][number];

/** A validated site file with the document it came from (for locations). */
export interface Site {
  readonly file: SiteFile;
  readonly doc: SourceDocument;
}

/** Reads and validates a site file (YAML or JSON); throws InputError with every problem at its location. */
export function loadSite(text: string, file: string): Site {
  const read = readSource(text, file, DEFAULT_LIMITS);
  if (!read.ok) throw new InputError(read.diagnostics);
  const parsed = siteSchema().safeParse(read.doc.data);
  if (!parsed.success) throw new InputError(schemaDiagnostics(read.doc, parsed.error));
  return { file: parsed.data, doc: read.doc };
}

/** The published JSON Schema of the site file (draft 2020-12). */
export function siteJsonSchema(): Record<string, unknown> {
  const schema = zod().z.toJSONSchema(siteSchema(), { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return { title: 'bunkatsu site file (format version 1)', ...schema };
}
