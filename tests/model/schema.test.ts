// The published JSON Schema: its shape, and that schema/topology.v1.json is what the code generates.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMAT_VERSION, topologyJsonSchema, topologySchema } from '../../src/model/schema.ts';

const COMMITTED = resolve(import.meta.dirname, '../../schema/topology.v1.json');

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => {
  expect(value).toBeTypeOf('object');
  expect(value).not.toBeNull();
  return value as Json;
};

describe('topologyJsonSchema', () => {
  const schema = topologyJsonSchema();

  it("is a draft 2020-12 object schema with the format's top-level fields", () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe('bunkatsu topology (format version 1)');
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    const properties = obj(schema.properties);
    expect(Object.keys(properties).sort()).toEqual(
      [
        '$schema',
        'bunkatsu',
        'cloudServices',
        'description',
        'devices',
        'exceptions',
        'hosts',
        'intents',
        'links',
        'model',
        'name',
        'services',
        'zones',
      ].sort(),
    );
    expect(obj(properties.bunkatsu).const).toBe(FORMAT_VERSION);
    expect([...(schema.required as string[])].sort()).toEqual(['bunkatsu', 'name']);
  });

  it('describes zones, devices and links in enough detail for an editor', () => {
    const properties = obj(schema.properties);
    const zones = obj(properties.zones);
    expect(zones.type).toBe('array');
    const zone = obj(zones.items);
    expect(Object.keys(obj(zone.properties))).toEqual(expect.arrayContaining(['id', 'domain', 'subnets', 'default']));
    expect(zone.additionalProperties).toBe(false);
    const devices = obj(properties.devices);
    const kinds = (obj(devices.items).oneOf ?? obj(devices.items).anyOf) as Json[];
    expect(kinds.map((k) => obj(obj(k.properties).kind).const).sort()).toEqual(['firewall', 'proxy', 'router', 'sanitizer', 'switch']);
    const links = obj(properties.links);
    expect(obj(links.items).type).toBe('array');
    expect(obj(properties.model).enum).toEqual(['alpha', 'alpha-prime', 'beta', 'beta-prime']);
  });

  it('is plain JSON (survives a round trip unchanged)', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it('equals the committed schema/topology.v1.json (regenerate with `npm run schema`)', () => {
    const committed: unknown = JSON.parse(readFileSync(COMMITTED, 'utf8'));
    expect(committed).toEqual(schema);
  });

  // The domain is optional in the schema (an import without a site file has none); the loader
  // still requires it unless asked for a domainless load (trace, matrix, dataplane).
  it('requires only the id of a zone, as the zod schema does', () => {
    const parsed = topologySchema().safeParse({ bunkatsu: 1, name: 't', model: 'alpha', zones: [{ id: 'a', domain: 'lgwan', subnets: ['10.0.0.0/8'] }] });
    expect(parsed.success).toBe(true);
    const required = (obj(obj(schema.properties).zones).items as Json).required as string[];
    expect([...required].sort()).toEqual(['id']);
  });
});
