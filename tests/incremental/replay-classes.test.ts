// Property: the equivalence classes the Replayer keeps on every update (src/incremental/classes.ts:
// split on insert, merge on delete) equal the classes recomputed from scratch out of the rules in
// force (Replayer.equivalenceClasses), after every update of random update sequences on random
// planes: the same forwarding partition of the destinations, the same ACL atoms (canonical BDD
// nodes), the same number of joint classes. And on the real trace, at a few hundred points.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveTrace } from '../../src/incremental/replay-run.ts';
import { Replayer } from '../../src/incremental/replay.ts';
import { stanfordNetwork } from '../../src/import/stanford.ts';
import { loadTopology } from '../../src/model/load.ts';
import { randomCase } from './oracle.ts';
import { describeFullDataSet, FULL, readFolder, SLICE } from './stanford-helpers.ts';

function expectSame(replayer: Replayer, where: string): void {
  const kept = replayer.classes.counts();
  const fresh = replayer.equivalenceClasses();
  expect(kept, where).toEqual({ forwarding: fresh.destinationClasses, acl: fresh.aclAtoms, joint: fresh.classes });
  expect(replayer.classes.forwardingMap(), where).toEqual({ starts: fresh.partition.starts, classes: fresh.partition.classes });
  expect(
    replayer.classes.aclNodes().sort((a, b) => a - b),
    where,
  ).toEqual([...fresh.partition.aclNodes].sort((a, b) => a - b));
}

describe('equivalence classes kept per update', () => {
  it('equal the classes recomputed from scratch after every update of random sequences', () => {
    let split = 0;
    let merged = 0;
    let aclSplit = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const { doc, updates } = randomCase(seed);
        const network = loadTopology(JSON.stringify(doc), `random-${seed}.json`);
        const replayer = new Replayer(network);
        const trace = resolveTrace(replayer, updates, 'random');
        expectSame(replayer, `seed ${seed}, before any update`);
        let before = replayer.classes.counts();
        trace.forEach((u, i) => {
          replayer.apply(u);
          expectSame(replayer, `seed ${seed}, after update ${i + 1}`);
          const now = replayer.classes.counts();
          if (now.forwarding > before.forwarding) split++;
          if (now.forwarding < before.forwarding) merged++;
          if (now.acl > before.acl) aclSplit++;
          before = now;
        });
        // Remove what is left, newest first: every split is merged back.
        const live: typeof trace = [];
        for (const u of trace) {
          const same = (x: (typeof trace)[number]): boolean =>
            x.kind === u.kind &&
            (x.kind === 'fwd' && u.kind === 'fwd'
              ? x.device === u.device &&
                x.rule.lo === u.rule.lo &&
                x.rule.length === u.rule.length &&
                x.rule.target === u.rule.target &&
                x.rule.priority === u.rule.priority
              : x.kind === 'acl' && u.kind === 'acl' && x.element === u.element && x.rule.key === u.rule.key);
          if (u.op === '+') live.push(u);
          else live.splice(live.findIndex(same), 1);
        }
        for (const u of live.reverse()) replayer.apply({ ...u, op: '-' } as (typeof trace)[number]);
        expectSame(replayer, `seed ${seed}, after removing every rule`);
        expect(replayer.classes.counts()).toEqual({ forwarding: 1, acl: 1, joint: 1 });
      }),
      { numRuns: 150, seed: 20261203 },
    );
    // The sequences must split and merge often enough for the comparison to mean something.
    expect(split).toBeGreaterThan(300);
    expect(merged).toBeGreaterThan(100);
    expect(aclSplit).toBeGreaterThan(20);
  });

  it('equal the recomputed classes after every update of the slice', () => {
    const data = readFolder(SLICE);
    const replayer = new Replayer(stanfordNetwork(data, 0));
    resolveTrace(replayer, data.updates, 'updates').forEach((u, i) => {
      replayer.apply(u);
      expectSame(replayer, `slice, after update ${i + 1}`);
    });
  });
});

describeFullDataSet('equivalence classes kept per update: the full Stanford trace', 'updates', () => {
  it('equal the recomputed classes every 250 updates, at the fullest point and at the end', () => {
    const data = readFolder(FULL);
    const replayer = new Replayer(stanfordNetwork(data, 0));
    const trace = resolveTrace(replayer, data.updates, 'updates');
    const seen: number[] = [];
    trace.forEach((u, i) => {
      replayer.apply(u);
      if ((i + 1) % 250 === 0 || i + 1 === 4526 || i + 1 === trace.length) {
        expectSame(replayer, `stanford, after update ${i + 1}`);
        seen.push(replayer.classes.counts().joint);
      }
    });
    expect(replayer.classes.counts()).toEqual({ forwarding: 1, acl: 1, joint: 1 });
    expect(Math.max(...seen)).toBeGreaterThan(5000);
  }, 60_000);
});
