// IPv4 values: strict address / prefix / range parsing, formatting, and exact range-to-CIDR splitting.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatIpv4,
  formatRange,
  IPV4_ALL,
  IPV4_MAX,
  type Ipv4Range,
  looksLikeAddress,
  meetsSorted,
  MAX_WILDCARD_RANGES,
  parseAddressSet,
  parseAddressSpec,
  parseCidr,
  parseIpv4,
  rangeContains,
  rangesOverlap,
  rangeSize,
  rangeToCidrs,
} from '../../src/net/ipv4.ts';

const ip = (text: string): number => {
  const value = parseIpv4(text);
  if (value === undefined) throw new Error(`test fixture ${text} is not an address`);
  return value;
};

const uint32 = fc.integer({ min: 0, max: IPV4_MAX });
const range = fc.tuple(uint32, uint32).map(([a, b]): Ipv4Range => ({ lo: Math.min(a, b), hi: Math.max(a, b) }));
/** Ranges that are small or near interesting boundaries, where splitting goes wrong most. */
const smallRange = fc.tuple(uint32, fc.integer({ min: 0, max: 70_000 })).map(
  ([lo, width]): Ipv4Range => ({
    lo: Math.min(lo, IPV4_MAX - width),
    hi: Math.min(lo, IPV4_MAX - width) + width,
  }),
);

describe('parseIpv4', () => {
  it('parses dotted quads to unsigned 32-bit numbers', () => {
    expect(parseIpv4('0.0.0.0')).toBe(0);
    expect(parseIpv4('255.255.255.255')).toBe(IPV4_MAX);
    expect(parseIpv4('10.1.2.3')).toBe(10 * 2 ** 24 + 1 * 2 ** 16 + 2 * 2 ** 8 + 3);
    expect(parseIpv4('192.168.0.1')).toBe(0xc0a80001);
  });

  it.each([
    ['256.1.1.1', 'octet above 255'],
    ['1.1.1.256', 'last octet above 255'],
    ['01.2.3.4', 'leading zero'],
    ['10.01.0.1', 'leading zero inside'],
    ['10.0.0.00', 'double zero'],
    ['1.2.3', 'three octets'],
    ['1.2.3.4.5', 'five octets'],
    ['', 'empty'],
    ['1..2.3', 'empty octet'],
    ['1.2.3.-4', 'negative octet'],
    [' 1.2.3.4', 'leading space'],
    ['1.2.3.4\n', 'trailing newline'],
    ['0x1.2.3.4', 'hex octet'],
    ['1e2.1.1.1', 'exponent'],
    ['+1.2.3.4', 'sign'],
    ['1.2.3.4/32', 'prefix instead of address'],
    ['a.b.c.d', 'letters'],
    ['1000.1.1.1', 'four digits'],
  ])('rejects %s (%s)', (text) => {
    expect(parseIpv4(text)).toBeUndefined();
  });

  it('agrees with the split-and-regex definition on strings near addresses', () => {
    // The definition the one-pass parser replaced: four parts, each 0 or 1-3 digits without a leading zero, at most 255.
    const byDefinition = (text: string): number | undefined => {
      const parts = text.split('.');
      if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
      return parts.reduce((v, p) => v * 256 + Number(p), 0);
    };
    const nearAddress = fc
      .array(fc.constantFrom('0', '1', '2', '5', '9', '.', '.', '25', '255', '256', '00', '01', 'a', ' ', '-', '/'), { maxLength: 12 })
      .map((bits) => bits.join(''));
    fc.assert(
      fc.property(fc.oneof(nearAddress, fc.string({ maxLength: 16 })), (text) => parseIpv4(text) === byDefinition(text)),
      { numRuns: 20_000 },
    );
  });

  it('round-trips with formatIpv4 for every 32-bit value', () => {
    fc.assert(fc.property(uint32, (value) => parseIpv4(formatIpv4(value)) === value));
    expect(formatIpv4(IPV4_MAX)).toBe('255.255.255.255');
    expect(formatIpv4(0xc0a80001)).toBe('192.168.0.1');
  });
});

describe('parseCidr', () => {
  it('parses prefixes into inclusive ranges with their length', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ lo: ip('10.0.0.0'), hi: ip('10.255.255.255'), length: 8 });
    expect(parseCidr('0.0.0.0/0')).toEqual({ lo: 0, hi: IPV4_MAX, length: 0 });
    expect(parseCidr('192.168.1.7/32')).toEqual({ lo: ip('192.168.1.7'), hi: ip('192.168.1.7'), length: 32 });
    expect(parseCidr('255.255.255.254/31')).toEqual({ lo: IPV4_MAX - 1, hi: IPV4_MAX, length: 31 });
    expect(parseCidr('128.0.0.0/1')).toEqual({ lo: 2 ** 31, hi: IPV4_MAX, length: 1 });
  });

  it.each([
    ['10.0.0.0/33', /prefix length/],
    ['10.0.0.0/99', /prefix length/],
    ['10.0.0.0/08', /prefix length/],
    ['10.0.0.0/-1', /prefix length/],
    ['10.0.0.0/', /prefix length/],
    ['10.0.0.0/8/8', /prefix length/],
    ['256.0.0.0/8', /invalid IPv4 address/],
    ['010.0.0.0/8', /invalid IPv4 address/],
    ['10.0.0.0', /not a CIDR prefix/],
  ])('rejects %s', (text, message) => {
    const parsed = parseCidr(text);
    expect(parsed).toHaveProperty('error');
    expect((parsed as { error: string }).error).toMatch(message);
  });

  it('rejects host bits and names the network that was probably meant', () => {
    expect(parseCidr('10.0.0.1/24')).toEqual({ error: expect.stringContaining('did you mean 10.0.0.0/24?') });
    expect(parseCidr('192.168.1.128/24')).toEqual({ error: expect.stringContaining('did you mean 192.168.1.0/24?') });
    expect(parseCidr('255.255.255.255/0')).toEqual({ error: expect.stringContaining('did you mean 0.0.0.0/0?') });
  });

  it('accepts exactly the aligned prefixes (property)', () => {
    fc.assert(
      fc.property(uint32, fc.integer({ min: 0, max: 32 }), (address, length) => {
        const size = 2 ** (32 - length);
        const parsed = parseCidr(`${formatIpv4(address)}/${length}`);
        if (address % size !== 0) return 'error' in parsed;
        return !('error' in parsed) && parsed.lo === address && parsed.hi === address + size - 1 && parsed.length === length;
      }),
    );
  });
});

describe('parseAddressSpec', () => {
  it('accepts a single address, a prefix and a range', () => {
    expect(parseAddressSpec('10.0.0.5')).toEqual({ lo: ip('10.0.0.5'), hi: ip('10.0.0.5') });
    expect(parseAddressSpec('10.0.0.0/30')).toEqual({ lo: ip('10.0.0.0'), hi: ip('10.0.0.3'), length: 30 });
    expect(parseAddressSpec('10.0.0.5-10.0.0.9')).toEqual({ lo: ip('10.0.0.5'), hi: ip('10.0.0.9') });
    expect(parseAddressSpec(' 10.0.0.5 - 10.0.0.9 ')).toEqual({ lo: ip('10.0.0.5'), hi: ip('10.0.0.9') });
    expect(parseAddressSpec('10.0.0.5-10.0.0.5')).toEqual({ lo: ip('10.0.0.5'), hi: ip('10.0.0.5') });
  });

  it.each([
    ['10.0.0.9-10.0.0.5', /reversed range/],
    ['10.0.0.5-', /not an address range/],
    ['10.0.0.5-10.0.0.256', /not an address range/],
    ['256.1.1.1', /not an IPv4 address/],
    ['10.0.0.1/24', /host bits/],
    ['10.0.0.0/33', /prefix length/],
    ['lgwan', /not an IPv4 address/],
    ['zone-a', /not an address range/],
  ])('rejects %s', (text, message) => {
    const parsed = parseAddressSpec(text);
    expect((parsed as { error?: string }).error).toMatch(message);
  });
});

describe('parseAddressSet (address and Cisco wildcard mask)', () => {
  const ranges = (text: string): Ipv4Range[] => {
    const parsed = parseAddressSet(text);
    if ('error' in parsed) throw new Error(parsed.error);
    return parsed;
  };

  it('takes what parseAddressSpec takes, as one range', () => {
    expect(ranges('10.0.0.5')).toEqual([{ lo: ip('10.0.0.5'), hi: ip('10.0.0.5') }]);
    expect(ranges('10.0.0.0/30')).toEqual([{ lo: ip('10.0.0.0'), hi: ip('10.0.0.3'), length: 30 }]);
    expect(ranges('10.0.0.5-10.0.0.9')).toEqual([{ lo: ip('10.0.0.5'), hi: ip('10.0.0.9') }]);
  });

  it('a contiguous wildcard is one prefix; all ones is everything; all zeros one address', () => {
    expect(ranges('10.0.0.0 0.0.0.255')).toEqual([{ lo: ip('10.0.0.0'), hi: ip('10.0.0.255') }]);
    expect(ranges('10.0.0.77 0.0.0.255')).toEqual([{ lo: ip('10.0.0.0'), hi: ip('10.0.0.255') }]);
    expect(ranges('0.0.0.0 255.255.255.255')).toEqual([IPV4_ALL]);
    expect(ranges('1.2.3.4 255.255.255.255')).toEqual([IPV4_ALL]);
    expect(ranges('10.1.2.3 0.0.0.0')).toEqual([{ lo: ip('10.1.2.3'), hi: ip('10.1.2.3') }]);
    expect(ranges('  10.1.2.3   0.0.0.0 ')).toEqual([{ lo: ip('10.1.2.3'), hi: ip('10.1.2.3') }]);
  });

  it('a non-contiguous wildcard: 128.12.0.1 0.0.255.0 is the 256 addresses 128.12.x.1', () => {
    const list = ranges('128.12.0.1 0.0.255.0');
    expect(list).toEqual(Array.from({ length: 256 }, (_, x) => ({ lo: ip(`128.12.${x}.1`), hi: ip(`128.12.${x}.1`) })));
  });

  it("don't-care bits above a trailing run: 10.0.0.0 0.1.0.15 is two /28s", () => {
    expect(ranges('10.0.0.0 0.1.0.15')).toEqual([
      { lo: ip('10.0.0.0'), hi: ip('10.0.0.15') },
      { lo: ip('10.1.0.0'), hi: ip('10.1.0.15') },
    ]);
  });

  it('refuses malformed literals and wildcards of more than the maximum ranges', () => {
    for (const text of ['10.0.0.1 0.0.256.0', '10.0.0.1 0.0.0.255 1', '10.0.0.1 mask', '10.0.0.1/24 0.0.0.255', '10.0.0.1-10.0.0.5 0.0.0.1']) {
      expect((parseAddressSet(text) as { error?: string }).error, text).toMatch(/is not an address with a wildcard mask/);
    }
    // 16 spread bits are 65,536 ranges, the most allowed; 17 are too many.
    expect(MAX_WILDCARD_RANGES).toBe(65_536);
    expect(ranges('10.0.0.0 0.0.255.254')).toHaveLength(32_768);
    expect(ranges('10.0.0.0 0.1.255.254')).toHaveLength(65_536);
    expect((parseAddressSet('10.0.0.0 0.3.255.254') as { error?: string }).error).toMatch(/spreads over 131072 separate ranges; at most 65536/);
  });

  it('an address is inside exactly when it agrees with the base on every cared-for bit (random masks)', () => {
    // Masks with a trailing run of ones and at most 8 other don't-care bits.
    const mask = fc
      .tuple(fc.integer({ min: 0, max: 32 }), fc.uniqueArray(fc.integer({ min: 0, max: 31 }), { maxLength: 8 }))
      .map(([run, bits]) => bits.reduce((m, b) => (m | (1 << b)) >>> 0, run === 32 ? IPV4_MAX : 2 ** run - 1));
    fc.assert(
      fc.property(uint32, mask, fc.array(uint32, { maxLength: 20 }), (address, wildcard, probes) => {
        const list = ranges(`${formatIpv4(address)} ${formatIpv4(wildcard)}`);
        // Sorted and disjoint.
        list.forEach((r, i) => {
          expect(r.lo).toBeLessThanOrEqual(r.hi);
          if (i > 0) expect(list[i - 1]!.hi).toBeLessThan(r.lo);
        });
        const care = ~wildcard >>> 0;
        const inside = (x: number): boolean => list.some((r) => r.lo <= x && x <= r.hi);
        // The probes, the base itself and the probes moved onto the base's cared-for bits.
        for (const x of [...probes, address, ...probes.map((p) => ((p & wildcard) | (address & care)) >>> 0)]) {
          expect(inside(x), formatIpv4(x)).toBe((x & care) >>> 0 === (address & care) >>> 0);
        }
        // As many addresses as don't-care bits allow.
        let ones = 0;
        for (let b = 0; b < 32; b++) if ((wildcard >>> b) & 1) ones++;
        expect(list.reduce((n, r) => n + r.hi - r.lo + 1, 0)).toBe(2 ** ones);
      }),
      { numRuns: 200 },
    );
  });

  it('looks like an address, so a wildcard literal is never taken for an id', () => {
    expect(looksLikeAddress('128.12.0.1 0.0.255.0')).toBe(true);
    expect(looksLikeAddress('10.0.0.0 mask')).toBe(false);
  });
});

describe('rangeToCidrs', () => {
  /** Parses the output back (single addresses are written without /32). */
  const back = (cidrs: readonly string[]): Array<Ipv4Range & { length: number }> =>
    cidrs.map((text) => {
      const parsed = text.includes('/') ? parseCidr(text) : parseAddressSpec(text);
      if ('error' in parsed) throw new Error(parsed.error);
      return { lo: parsed.lo, hi: parsed.hi, length: text.includes('/') ? Number(text.split('/')[1]) : 32 };
    });

  const coversExactly = (r: Ipv4Range): boolean => {
    const blocks = back(rangeToCidrs(r));
    if (blocks.length === 0 || blocks[0]!.lo !== r.lo || blocks[blocks.length - 1]!.hi !== r.hi) return false;
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i]!;
      const size = 2 ** (32 - b.length);
      if (b.lo % size !== 0 || b.hi - b.lo + 1 !== size) return false;
      // Contiguous and non-overlapping: each block starts right after the previous one.
      if (i > 0 && b.lo !== blocks[i - 1]!.hi + 1) return false;
    }
    // Fewest blocks: no two neighbours of one length are the halves of one aligned block.
    for (let i = 1; i < blocks.length; i++) {
      const a = blocks[i - 1]!;
      const b = blocks[i]!;
      if (a.length === b.length && a.lo % (2 * (a.hi - a.lo + 1)) === 0) return false;
    }
    return blocks.length <= 62;
  };

  it('covers every range exactly with aligned, disjoint, unmergeable prefixes (property)', () => {
    fc.assert(fc.property(range, coversExactly), { numRuns: 500 });
    fc.assert(fc.property(smallRange, coversExactly), { numRuns: 500 });
  });

  it('splits known ranges into the expected prefixes', () => {
    expect(rangeToCidrs(IPV4_ALL)).toEqual(['0.0.0.0/0']);
    expect(rangeToCidrs({ lo: ip('10.0.0.7'), hi: ip('10.0.0.7') })).toEqual(['10.0.0.7']);
    expect(rangeToCidrs({ lo: ip('10.0.0.0'), hi: ip('10.0.0.255') })).toEqual(['10.0.0.0/24']);
    expect(rangeToCidrs({ lo: ip('10.0.0.1'), hi: ip('10.0.0.6') })).toEqual(['10.0.0.1', '10.0.0.2/31', '10.0.0.4/31', '10.0.0.6']);
    expect(rangeToCidrs({ lo: 1, hi: IPV4_MAX })).toHaveLength(32);
    expect(rangeToCidrs({ lo: 1, hi: IPV4_MAX - 1 })).toHaveLength(62);
    expect(rangeToCidrs({ lo: IPV4_MAX, hi: IPV4_MAX })).toEqual(['255.255.255.255']);
  });
});

describe('range helpers', () => {
  it('formats ranges for people', () => {
    expect(formatRange(IPV4_ALL)).toBe('any');
    expect(formatRange({ lo: ip('10.0.0.0'), hi: ip('10.0.255.255') })).toBe('10.0.0.0/16');
    expect(formatRange({ lo: ip('10.0.0.4'), hi: ip('10.0.0.4') })).toBe('10.0.0.4');
    expect(formatRange({ lo: ip('10.0.0.4'), hi: ip('10.0.0.11') })).toBe('10.0.0.4/30, 10.0.0.8/30');
    expect(formatRange({ lo: ip('10.0.0.5'), hi: ip('10.0.0.9') })).toBe('10.0.0.5-10.0.0.9');
  });

  it('measures, overlaps and contains', () => {
    const a = { lo: 10, hi: 20 };
    expect(rangeSize(a)).toBe(11);
    expect(rangeSize(IPV4_ALL)).toBe(2 ** 32);
    expect(rangesOverlap(a, { lo: 20, hi: 30 })).toBe(true);
    expect(rangesOverlap(a, { lo: 21, hi: 30 })).toBe(false);
    expect(rangesOverlap(a, { lo: 0, hi: 9 })).toBe(false);
    expect(rangeContains(a, { lo: 10, hi: 20 })).toBe(true);
    expect(rangeContains(a, { lo: 9, hi: 20 })).toBe(false);
    expect(rangeContains(IPV4_ALL, a)).toBe(true);
  });

  it('tells address literals from ids', () => {
    expect(looksLikeAddress('10.0.0.1')).toBe(true);
    expect(looksLikeAddress('10.0.0.0/8')).toBe(true);
    expect(looksLikeAddress('10.0.0.1 - 10.0.0.9')).toBe(true);
    expect(looksLikeAddress('256.1.1.1')).toBe(true);
    expect(looksLikeAddress('lgwan-servers')).toBe(false);
    expect(looksLikeAddress('10.0.0')).toBe(false);
    expect(looksLikeAddress('host10.0.0.1')).toBe(false);
  });
});

describe('meetsSorted', () => {
  it('finds an overlap with sorted disjoint ranges, at their edges too', () => {
    const sorted = [
      { lo: 10, hi: 19 },
      { lo: 30, hi: 30 },
      { lo: 50, hi: 59 },
    ];
    expect(meetsSorted(sorted, [{ lo: 0, hi: 9 }])).toBe(false);
    expect(meetsSorted(sorted, [{ lo: 0, hi: 10 }])).toBe(true);
    expect(meetsSorted(sorted, [{ lo: 20, hi: 29 }])).toBe(false);
    expect(meetsSorted(sorted, [{ lo: 30, hi: 30 }])).toBe(true);
    expect(
      meetsSorted(sorted, [
        { lo: 31, hi: 49 },
        { lo: 60, hi: IPV4_MAX },
      ]),
    ).toBe(false);
    expect(
      meetsSorted(sorted, [
        { lo: 31, hi: 49 },
        { lo: 59, hi: 70 },
      ]),
    ).toBe(true);
    expect(meetsSorted([], [IPV4_ALL])).toBe(false);
  });

  it('agrees with testing every pair (random ranges)', () => {
    const range = fc.tuple(fc.nat(200), fc.nat(20)).map(([lo, n]) => ({ lo, hi: lo + n }));
    fc.assert(
      fc.property(fc.array(range, { maxLength: 8 }), fc.array(range, { maxLength: 4 }), (raw, ranges) => {
        // Sorted and disjoint: each range kept only when it starts past the previous one's end.
        const sorted: Ipv4Range[] = [];
        for (const r of [...raw].sort((a, b) => a.lo - b.lo)) if (sorted.length === 0 || r.lo > sorted[sorted.length - 1]!.hi) sorted.push(r);
        expect(meetsSorted(sorted, ranges)).toBe(ranges.some((r) => sorted.some((s) => rangesOverlap(r, s))));
      }),
    );
  });
});
