// The one-rule changes the review benchmarks draw (bench/review.ts, bench/review-paired.ts),
// with a fixed seed from the topology's own firewalls: copies of existing rules with another
// service or destination added before them, removals, replacements, and moves by one position,
// as a day of firewall tickets would be. The same seed gives the same changes in both.

import { createRng } from '../src/generate/prng.ts';
import type { Network, Rule } from '../src/model/network.ts';

export interface DrawnChange {
  readonly kind: string;
  readonly change: unknown;
}

const SERVICES = ['https', 'http', 'ssh', 'smb', 'rdp', 'tcp/8080', 'tcp/8443', 'smtp', 'dns', 'tcp/5432', 'tcp/1521-1522'];

function declOf(rule: Rule, changes: Partial<Record<'to' | 'service' | 'id', string>>): Record<string, unknown> {
  return {
    id: changes.id ?? rule.id,
    action: rule.action,
    from: rule.written.from.length ? [...rule.written.from] : 'any',
    to: changes.to ?? (rule.written.to.length ? [...rule.written.to] : 'any'),
    service: changes.service ?? (rule.written.service.length ? [...rule.written.service] : 'any'),
    ...(rule.inInterfaces ? { in: [...rule.inInterfaces] } : {}),
    ...(rule.outInterfaces ? { out: [...rule.outInterfaces] } : {}),
  };
}

/** Draws change number k, k = 0, 1, …, in order: each call advances the seeded generator. */
export function changeDrawer(network: Network, seed: number): (k: number) => DrawnChange {
  const rng = createRng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng.next() * list.length)]!;
  const firewalls = network.devices.filter((d) => d.kind === 'firewall' && d.rules.length > 1);
  const servers = network.hosts.filter((h) => h.role === 'server' || h.role === 'storage');
  return (k) => {
    const fw = pick(firewalls);
    const i = Math.floor(rng.next() * (fw.rules.length - 1)); // never the final catch-all
    const rule = fw.rules[i]!;
    const roll = rng.next();
    if (roll < 0.4) {
      const decl = declOf(rule, { id: `bench-${k}`, ...(rng.next() < 0.5 ? { service: pick(SERVICES) } : { to: pick(servers).id }) });
      return { kind: 'add-rule', change: { 'add-rule': { device: fw.id, before: rule.id, rule: decl } } };
    }
    if (roll < 0.7) return { kind: 'remove-rule', change: { 'remove-rule': { device: fw.id, rule: rule.id } } };
    if (roll < 0.9) {
      return {
        kind: 'replace-rule',
        change: {
          'replace-rule': { device: fw.id, rule: rule.id, with: declOf(rule, rng.next() < 0.5 ? { service: pick(SERVICES) } : { to: pick(servers).id }) },
        },
      };
    }
    return { kind: 'move-rule', change: { 'move-rule': { device: fw.id, rule: rule.id, position: i + 2 } } };
  };
}
