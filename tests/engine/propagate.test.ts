// The engine's one propagation: the transition graph's lifecycle (build → finish → query,
// throwing on misuse) and the fixpoint on a small hand-built graph.

import { describe, expect, it } from 'vitest';
import { Bdd, DST, FALSE, TRUE } from '../../src/engine/bdd.ts';
import { createPropagation, propagate, TransitionGraph } from '../../src/engine/propagate.ts';

describe('TransitionGraph', () => {
  it('throws on misuse: queried before finish, added to after, nodes out of order', () => {
    const g = new TransitionGraph(3);
    expect(() => g.start).toThrow(/before finish/);
    expect(() => g.add(1, TRUE)).toThrow(/before from/);
    g.from(1);
    expect(() => g.from(0)).toThrow(/out of order/);
    expect(() => g.from(3)).toThrow(/out of order/);
    g.add(2, TRUE, 7);
    g.add(0, FALSE, 8); // carries nothing: not kept
    g.finish();
    expect(() => g.add(0, TRUE)).toThrow(/after finish/);
    expect(() => g.finish()).toThrow(/twice/);
    expect([...g.start]).toEqual([0, 0, 1, 1]);
    expect([...g.target]).toEqual([2]);
    expect([...g.tag]).toEqual([7]);
    expect(g.transitionCount).toBe(1);
  });

  it('grows past its initial capacity', () => {
    const g = new TransitionGraph(1, 1);
    g.from(0);
    for (let k = 0; k < 100; k++) g.add(k, TRUE, k);
    g.finish();
    expect(g.transitionCount).toBe(100);
    expect(g.tag[99]).toBe(99);
  });
});

describe('propagate', () => {
  it('is the fixpoint over a cycle with a filter, exits and a sink', () => {
    const bdd = new Bdd();
    const low = bdd.range(DST, 0, 0x7fffffff);
    // States 0 -> 1 (only low destinations) -> 0, 1 -> exit -1; origin 2 -> 0.
    const g = new TransitionGraph(3);
    g.from(0);
    g.add(1, low);
    g.from(1);
    g.add(0, TRUE);
    g.add(-1, TRUE);
    g.from(2);
    g.add(0, TRUE);
    g.finish();
    const r = propagate(bdd, g, 2, [[2, TRUE]]);
    expect(r.sets[0]).toBe(TRUE);
    expect(r.sets[1]).toBe(low);
    expect(r.exits.get(-1)).toBe(low);
    const back = propagate(bdd, g, 2, [[0, TRUE]], { sink: 0 });
    expect(back.sunk).toBe(low);
    const cut = propagate(bdd, g, 2, [[2, TRUE]], { alive: Uint8Array.of(1, 0) });
    expect(cut.sets[1]).toBe(FALSE);
  });

  it('runs once', () => {
    const w = createPropagation(new Bdd(), 1);
    w.add(0, TRUE, 0);
    expect(w.run((s) => void w.take(s))).toBe(1);
    expect(() => w.run(() => {})).toThrow(/twice/);
    expect(() => w.add(0, TRUE, 0)).toThrow(/after run/);
  });
});
