// What-if failures: the n-1 sweep. Every single link, attachment or device is taken out of
// service in turn; each failure recomputes only the headers that crossed the element (on the
// fast engine; the reference engine recomputes all) and re-evaluates only the intents whose
// packets are among them. Written once for every engine, in the engine's space.

import type { Failures } from '../engine/types.ts';
import { attachId } from '../model/graph.ts';
import { evaluateIntent, planIntent } from '../policy/analysis.ts';
import type { ReviewBase } from './review.ts';

export interface SweepElement {
  /** Device id, link id (a:x--b:y) or attachment id (device:interface). */
  readonly id: string;
  readonly kind: 'device' | 'link' | 'attachment';
  /** Intents this failure alone cuts. */
  readonly breaks: readonly string[];
}

export interface SweepResult {
  readonly elements: readonly SweepElement[];
  /** Per intent: the single failures that cut it (intents that survive every one are absent). */
  readonly byIntent: ReadonlyMap<string, readonly string[]>;
  /** Intents that do not get through even with nothing failed (not swept). */
  readonly alreadyBroken: readonly string[];
  readonly elapsedMs: number;
}

export function sweepSingleFailures(base: ReviewBase): SweepResult {
  const started = performance.now();
  const net = base.network;
  const space = base.engine.space;
  const healthy = net.intents.map((intent) => ({ intent, result: evaluateIntent(net, base.engine, intent) }));
  const alreadyBroken = healthy.filter((h) => !h.result.plan.ok || h.result.legs.some((l) => l.missing.length > 0)).map((h) => h.intent.id);
  const working = healthy
    .filter((h) => !alreadyBroken.includes(h.intent.id))
    .map(({ intent }) => {
      const plan = planIntent(net, intent);
      const legs = plan.ok ? plan.legs.map((l) => space.match({ src: l.from, dst: l.to, services: l.services })) : [];
      return { intent, headers: legs.reduce((n, h) => space.or(n, h), space.empty) };
    });
  const candidates: Array<{ id: string; kind: SweepElement['kind']; failures: Failures }> = [
    ...net.devices.map((d) => ({
      id: d.id,
      kind: 'device' as const,
      failures: { zones: new Set<number>(), devices: new Set([d.index]), edges: new Set<string>() },
    })),
    ...net.links.map((l) => ({ id: l.id, kind: 'link' as const, failures: { zones: new Set<number>(), devices: new Set<number>(), edges: new Set([l.id]) } })),
    ...net.devices.flatMap((d) =>
      d.interfaces
        .filter((f) => f.zone !== undefined)
        .map((f) => {
          const id = attachId(d.id, f.name);
          return { id, kind: 'attachment' as const, failures: { zones: new Set<number>(), devices: new Set<number>(), edges: new Set([id]) } };
        }),
    ),
  ];
  const byIntent = new Map<string, string[]>();
  const elements = candidates.map((c): SweepElement => {
    const delta = base.engine.crossing(c.failures);
    const affected = working.filter((w) => !space.isEmpty(space.and(w.headers, delta)));
    if (affected.length === 0) return { id: c.id, kind: c.kind, breaks: [] };
    // The same network with the element down: only what crossed it is recomputed.
    const { engine } = base.engine.derive({ after: net, devices: new Set(), failures: c.failures });
    const breaks = affected.filter((w) => evaluateIntent(net, engine, w.intent).legs.some((l) => l.missing.length > 0)).map((w) => w.intent.id);
    for (const id of breaks) byIntent.set(id, [...(byIntent.get(id) ?? []), c.id]);
    return { id: c.id, kind: c.kind, breaks };
  });
  return { elements, byIntent, alreadyBroken, elapsedMs: Math.round(performance.now() - started) };
}
