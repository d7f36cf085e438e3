// Property: on random small forwarding networks (multi-peer ports, VLANs, ACL chains) and random
// insert/remove traces, the incremental replay's cumulative loop set after every update equals
// the brute-force oracle's, which re-walks every changed destination one packet at a time.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../src/model/load.ts';
import { Replayer } from '../../src/incremental/replay.ts';
import { resolveTrace } from '../../src/incremental/replay-run.ts';
import { canonicalNames, oracleLoops, randomCase } from './oracle.ts';

function incrementalLoops(seed: number): { history: Array<Set<string>>; expected: Array<Set<string>>; activeAtEnd: number; removedAll: boolean } {
  const { doc, updates } = randomCase(seed);
  const network = loadTopology(JSON.stringify(doc), `random-${seed}.json`);
  const replayer = new Replayer(network);
  const trace = resolveTrace(replayer, updates, 'random');
  const history: Array<Set<string>> = [];
  for (const u of trace) {
    replayer.apply(u);
    history.push(new Set(replayer.loops.map((l) => canonicalNames(l.path.slice(0, -1)))));
  }
  const live = replayer.ruleCount();
  return { history, expected: oracleLoops(network, updates), activeAtEnd: replayer.activeLoops, removedAll: live.fwd === 0 };
}

describe('replay loop detection', () => {
  it('equals the per-packet oracle after every update on random networks', () => {
    let withLoops = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const { history, expected } = incrementalLoops(seed);
        expect(history.length).toBe(expected.length);
        history.forEach((set, i) => {
          expect([...set].sort(), `seed ${seed}, after update ${i + 1}`).toEqual([...expected[i]!].sort());
        });
        if ((history[history.length - 1]?.size ?? 0) > 0) withLoops++;
      }),
      { numRuns: 150, seed: 20261125 },
    );
    // The generator must make loops often enough for the comparison to mean something.
    expect(withLoops).toBeGreaterThan(30);
  });

  it('ends with no loop active when every forwarding rule is removed again', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const { doc, updates } = randomCase(seed);
      const network = loadTopology(JSON.stringify(doc), `random-${seed}.json`);
      const replayer = new Replayer(network);
      const trace = resolveTrace(replayer, updates, 'random');
      // Append the removals of every fwd rule still in force, newest first.
      const live = new Map<string, (typeof trace)[number]>();
      for (const u of trace) {
        if (u.kind !== 'fwd') continue;
        const key = `${u.device} ${u.rule.lo}/${u.rule.length} ${u.rule.target} ${u.rule.priority}`;
        if (u.op === '+') live.set(key, u);
        else live.delete(key);
      }
      for (const u of trace) replayer.apply(u);
      for (const u of [...live.values()].reverse()) replayer.apply({ ...u, op: '-' });
      expect(replayer.ruleCount().fwd).toBe(0);
      expect(replayer.activeLoops, `seed ${seed}`).toBe(0);
      for (const loop of replayer.loops) expect(loop.current).toEqual([]);
    }
  });
});
