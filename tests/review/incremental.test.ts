// The incremental review equals a full recompute: random sequences of random changes (rules
// added, removed, replaced, moved; routes added, with priorities, several interfaces, deliver
// and drop, and removed; elements taken down) on random topologies, each reviewed against the
// previous one's result; after every step the incremental engine's reach and the merged
// findings equal those of a fresh engine and a full check of the same network.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFastEngine } from '../../src/engine/fast.ts';
import { equalSets } from '../../src/engine/headerset.ts';
import { ENGINES } from '../../src/engine/registry.ts';
import { loadDocument } from '../../src/model/load.ts';
import { readSource, type SourceDocument } from '../../src/model/source.ts';
import { runCheck } from '../../src/policy/check.ts';
import type { Finding } from '../../src/policy/types.ts';
import { subjectText } from '../../src/report/messages.ts';
import { applyChange, loadChange } from '../../src/review/change.ts';
import { applyInMemory, appliesInMemory } from '../../src/review/apply.ts';
import { prepareBase, review, type ReviewBase } from '../../src/review/review.ts';
import { CheckedCases, randomChangeOperation, randomTopology } from '../random-network.ts';
import { seedPack, TODAY } from '../helpers.ts';

const pack = seedPack();
const domains = new Set(Object.keys(pack.domains));
describe('incremental review = full recompute', () => {
  it('after every change of random sequences on random topologies', () => {
    const runs = Number(process.env.INCREMENTAL_RUNS ?? 60);
    const cases = new CheckedCases('incremental review (sequences with a step compared)');
    const steps = new CheckedCases('incremental review (steps compared)');
    fc.assert(
      fc.property(randomTopology, fc.array(fc.array(fc.nat(1000), { minLength: 12, maxLength: 12 }), { minLength: 1, maxLength: 5 }), (t, sequence) => {
        // The generator only drafts topologies that read and load: a failure here is a bug.
        const read = readSource(t.text, 'random.json');
        if (!read.ok) throw new Error(`a random topology does not read: ${JSON.stringify(read)}`);
        let doc: SourceDocument = read.doc;
        const network = loadDocument(doc, { domains });
        let compared = false;
        let base: ReviewBase = prepareBase(network, pack, TODAY, ENGINES.fast!);
        for (const seed of sequence) {
          const op = randomChangeOperation(doc.data as never, seed);
          if ((op as { down?: string }).down === 'none') break; // no device to take down
          const change = loadChange(JSON.stringify({ 'bunkatsu-change': 1, changes: [op] }), 'change.json');
          // biome-ignore lint/suspicious/noImplicitAnyLet: assigned in the try below, typed by it
          let after;
          // biome-ignore lint/suspicious/noImplicitAnyLet: as above
          let applied;
          try {
            applied = applyChange(doc, change);
            after = loadDocument(applied.doc, { domains });
          } catch {
            break; // a random rule that does not load (e.g. an interface the device lacks)
          }
          // Rule changes also apply in memory (the review's fast path): the same rules result.
          if (appliesInMemory(change)) {
            const inMemory = applyInMemory(base.network, change).after;
            const resolved = (n: typeof after): string =>
              JSON.stringify(
                n.devices.map((d) =>
                  d.rules.map((r) => [
                    r.id,
                    r.position,
                    r.action,
                    r.src,
                    r.dst,
                    r.services,
                    r.inInterfaces && [...r.inInterfaces],
                    r.outInterfaces && [...r.outInterfaces],
                  ]),
                ),
              );
            expect(resolved(inMemory), JSON.stringify(op)).toBe(resolved(after));
          }
          const { report, next } = review(base, {
            after,
            pack,
            today: TODAY,
            change: { file: 'change.json', operations: applied.operations, touched: applied.touched },
          });
          // A fresh engine and a full check of the same network (with the same failures).
          const down = report.change!.operations.some((o) => o.op === 'down');
          const failures = down
            ? { zones: new Set<number>(), devices: new Set([after.ids.get((op as { down: string }).down)!.index]), edges: new Set<string>() }
            : undefined;
          const fresh = createFastEngine(after, failures ? { failures } : {});
          const zones = after.zones.map((z) => z.index);
          const a = next.engine.reach(zones, zones);
          const b = fresh.reach(zones, zones);
          expect(
            a.map((x) => x.zone),
            JSON.stringify(op),
          ).toEqual(b.map((x) => x.zone));
          a.forEach((x, i) => {
            expect(equalSets(x.headers, b[i]!.headers), `${JSON.stringify(op)} zone ${x.zone}`).toBe(true);
          });
          const full = runCheck(after, pack, {
            engineFactory: (n, f) =>
              createFastEngine(n, {
                failures: f
                  ? { zones: f.zones, devices: new Set([...f.devices, ...(failures?.devices ?? [])]), edges: f.edges }
                  : (failures ?? { zones: new Set(), devices: new Set(), edges: new Set() }),
              }),
            engine: fresh,
            today: TODAY,
          });
          const keys = (fs: readonly Finding[]): string[] => fs.map((f) => `${f.rule} ${subjectText(f)}`).sort();
          expect(keys(report.checkAfter.findings), JSON.stringify(op)).toEqual(keys(full.findings));
          steps.checked();
          compared = true;
          if (down) break; // a what-if failure is not carried into the next step's base
          base = next;
          doc = applied.doc;
        }
        if (compared) cases.checked();
      }),
      { numRuns: runs },
    );
    // A random operation the loader refuses ends its sequence early; when measured, every
    // sequence still compared a step (60 of 60, 125 steps), so nine in ten must, and a step a run.
    cases.expectAtLeast(Math.ceil(runs * 0.9));
    steps.expectAtLeast(runs);
  }, 300_000);
});
