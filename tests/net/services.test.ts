// Service terms: protocol[/port[-port]] parsing and formatting, and the well-known service table.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ANY_SERVICE,
  formatServiceTerm,
  PORT_MAX,
  PORT_PROTOCOLS,
  PROTO_MAX,
  PROTOCOLS,
  parseServiceTerm,
  protocolName,
  type ServiceTerm,
  WELL_KNOWN_SERVICES,
} from '../../src/net/services.ts';

const term = (protocol: number, portLo = 0, portHi = PORT_MAX): ServiceTerm => ({ protoLo: protocol, protoHi: protocol, portLo, portHi });

describe('parseServiceTerm', () => {
  it.each([
    ['tcp/443', term(6, 443, 443)],
    ['udp/1000-2000', term(17, 1000, 2000)],
    ['icmp', term(1)],
    ['tcp', term(6)],
    ['TCP/443', term(6, 443, 443)],
    [' udp/53 ', term(17, 53, 53)],
    ['tcp/0', term(6, 0, 0)],
    ['tcp/65535', term(6, 65535, 65535)],
    ['tcp/0-65535', term(6)],
    ['sctp/2905', term(132, 2905, 2905)],
    ['47', term(47)],
    ['gre', term(47)],
    ['esp', term(50)],
    ['0', term(0)],
    ['255', term(255)],
    ['6/22', term(6, 22, 22)],
  ])('parses %s', (text, expected) => {
    expect(parseServiceTerm(text)).toEqual(expected);
  });

  it.each([
    ['tcp/70000', /ports run from 0 to 65535/],
    ['tcp/65536', /ports run from 0 to 65535/],
    ['udp/1-70000', /ports run from 0 to 65535/],
    ['tcp/123456', /ports must be a number or a range/],
    ['icmp/80', /has no ports/],
    ['gre/1', /has no ports/],
    ['tcp/2000-1000', /reversed port range/],
    ['tcp/', /ports must be a number or a range/],
    ['tcp/-1', /ports must be a number or a range/],
    ['tcp/80-', /ports must be a number or a range/],
    ['tcp/1-2-3', /ports must be a number or a range/],
    ['tcp/80,443', /ports must be a number or a range/],
    ['tcp/1/2', /more than one "\/"/],
    ['http/80', /unknown protocol "http"/],
    ['256', /unknown protocol/],
    ['any', /unknown protocol/],
    ['', /unknown protocol/],
  ])('rejects %s', (text, message) => {
    const parsed = parseServiceTerm(text);
    expect(parsed).toHaveProperty('error');
    expect((parsed as { error: string }).error).toMatch(message);
  });

  it('accepts every port and port range of a port protocol, and only those (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('tcp', 'udp', 'sctp'), fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 99_999 }), (proto, a, b) => {
        const parsed = parseServiceTerm(`${proto}/${a}-${b}`);
        const valid = a <= PORT_MAX && b <= PORT_MAX && a <= b;
        if (!valid) return 'error' in parsed;
        return !('error' in parsed) && parsed.protoLo === PROTOCOLS[proto] && parsed.portLo === a && parsed.portHi === b;
      }),
    );
  });
});

describe('formatServiceTerm', () => {
  it('writes terms back in their shortest form', () => {
    expect(formatServiceTerm(ANY_SERVICE)).toBe('any');
    expect(formatServiceTerm(term(6, 443, 443))).toBe('tcp/443');
    expect(formatServiceTerm(term(17, 1000, 2000))).toBe('udp/1000-2000');
    expect(formatServiceTerm(term(6))).toBe('tcp');
    expect(formatServiceTerm(term(1))).toBe('icmp');
    expect(formatServiceTerm(term(99))).toBe('proto-99');
    expect(formatServiceTerm({ protoLo: 0, protoHi: PROTO_MAX, portLo: 80, portHi: 80 })).toBe('any/80-80');
  });

  it('round-trips parse -> format -> parse (property)', () => {
    const text = fc.oneof(
      fc
        .tuple(fc.constantFrom('tcp', 'udp', 'sctp'), fc.integer({ min: 0, max: PORT_MAX }), fc.integer({ min: 0, max: PORT_MAX }))
        .map(([p, a, b]) => `${p}/${Math.min(a, b)}-${Math.max(a, b)}`),
      fc.constantFrom('icmp', 'gre', 'esp', 'tcp', 'udp'),
    );
    fc.assert(
      fc.property(text, (t) => {
        const once = parseServiceTerm(t) as ServiceTerm;
        return JSON.stringify(parseServiceTerm(formatServiceTerm(once))) === JSON.stringify(once);
      }),
    );
  });

  it('names protocols by number', () => {
    expect(protocolName(6)).toBe('tcp');
    expect(protocolName(17)).toBe('udp');
    expect(protocolName(1)).toBe('icmp');
    expect(protocolName(89)).toBe('proto-89');
  });
});

describe('well-known services', () => {
  it('every entry parses to a valid term', () => {
    for (const [name, terms] of Object.entries(WELL_KNOWN_SERVICES)) {
      expect(terms.length, name).toBeGreaterThan(0);
      for (const t of terms) expect(parseServiceTerm(t), `${name}: ${t}`).not.toHaveProperty('error');
    }
  });

  it('has the IANA ports for the services the policy talks about', () => {
    const resolve = (name: string): ServiceTerm[] => WELL_KNOWN_SERVICES[name]!.map((t) => parseServiceTerm(t) as ServiceTerm);
    expect(resolve('https')).toEqual([term(6, 443, 443)]);
    expect(resolve('smtp')).toEqual([term(6, 25, 25)]);
    expect(resolve('rdp')).toEqual([term(6, 3389, 3389)]);
    expect(resolve('dns')).toEqual([term(17, 53, 53), term(6, 53, 53)]);
    expect(resolve('ftp')).toEqual([term(6, 20, 21)]);
    expect(resolve('ping')).toEqual([term(1)]);
  });

  it('ports apply to exactly tcp, udp and sctp', () => {
    expect([...PORT_PROTOCOLS].sort((a, b) => a - b)).toEqual([6, 17, 132]);
  });
});
