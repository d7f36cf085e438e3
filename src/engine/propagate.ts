// The one propagation of the engine: a labelled transition graph over the compiled network (CSR
// typed arrays, build → finish → query) and the semi-naive worklist fixpoint every reachability
// question runs on (the zone engine's `fast.ts`, the fast data-plane checks of `fast-dataplane.ts`).

import { type Bdd, FALSE, type Node } from './bdd.ts';

/**
 * Labelled transitions in CSR form. Built node by node in order (`from(n)` then `add(...)` for
 * each of n's transitions), then `finish()`; the arrays exist only once finished, and nothing
 * can be added after. A transition labelled FALSE carries nothing and is not kept.
 */
export class TransitionGraph {
  readonly nodeCount: number;
  #start: Int32Array;
  #target: Int32Array;
  #label: Int32Array;
  #tag: Int32Array;
  #count = 0;
  #next = 0;
  #finished = false;

  constructor(nodeCount: number, capacity = 1024) {
    this.nodeCount = nodeCount;
    this.#start = new Int32Array(nodeCount + 1);
    const n = Math.max(16, capacity);
    this.#target = new Int32Array(n);
    this.#label = new Int32Array(n);
    this.#tag = new Int32Array(n);
  }

  /** Starts the transitions of node n; nodes come in order, each once (skipped ones have none). */
  from(n: number): void {
    if (this.#finished) throw new Error('TransitionGraph: from() after finish()');
    if (n < this.#next || n >= this.nodeCount) throw new Error(`TransitionGraph: node ${n} out of order (next is ${this.#next} of ${this.nodeCount})`);
    for (let k = this.#next; k <= n; k++) this.#start[k] = this.#count;
    this.#next = n + 1;
  }

  /** A transition of the current node to `target` carrying `label`, with a caller's `tag`. */
  add(target: number, label: Node, tag = -1): void {
    if (this.#finished) throw new Error('TransitionGraph: add() after finish()');
    if (this.#next === 0) throw new Error('TransitionGraph: add() before from()');
    if (label === FALSE) return;
    if (this.#count === this.#target.length) {
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.#target = grow(this.#target);
      this.#label = grow(this.#label);
      this.#tag = grow(this.#tag);
    }
    this.#target[this.#count] = target;
    this.#label[this.#count] = label;
    this.#tag[this.#count] = tag;
    this.#count++;
  }

  finish(): this {
    if (this.#finished) throw new Error('TransitionGraph: finish() twice');
    for (let k = this.#next; k <= this.nodeCount; k++) this.#start[k] = this.#count;
    this.#next = this.nodeCount;
    this.#target = this.#target.slice(0, this.#count);
    this.#label = this.#label.slice(0, this.#count);
    this.#tag = this.#tag.slice(0, this.#count);
    this.#finished = true;
    return this;
  }

  #query(): void {
    if (!this.#finished) throw new Error('TransitionGraph: queried before finish()');
  }
  /** Transitions of node n: start[n] .. start[n+1]-1. */
  get start(): Int32Array {
    this.#query();
    return this.#start;
  }
  get target(): Int32Array {
    this.#query();
    return this.#target;
  }
  get label(): Int32Array {
    this.#query();
    return this.#label;
  }
  get tag(): Int32Array {
    this.#query();
    return this.#tag;
  }
  get transitionCount(): number {
    this.#query();
    return this.#count;
  }
}

/**
 * The worklist of one fixpoint over `stateCount` states: each state's set (everything that
 * arrived), what it gained since it last ran (`pending`), and the queue of work items. An item
 * is a state, or whatever unit the caller runs (the zone engine runs a zone for all its
 * entries: `add`'s `item`). One run: `add` the injections, `run(step)` until nothing is new;
 * adding after the run, or running twice, throws.
 */
export interface Propagation {
  readonly sets: Int32Array;
  readonly pending: Int32Array;
  /** Adds headers arriving at state t; what is new is queued under `item`. */
  add(t: number, arriving: Node, item: number): void;
  /** What state s gained since it last ran; clears it. */
  take(s: number): Node;
  /** Runs queued items (`step` sends their gains on through `add`) until none is left; the number run. */
  run(step: (item: number) => void): number;
}

/** A propagation's buffers, allocated once for the run (closures over them: the hot path). */
export function createPropagation(bdd: Bdd, stateCount: number): Propagation {
  const sets = new Int32Array(stateCount);
  const pending = new Int32Array(stateCount);
  const queued = new Uint8Array(stateCount);
  const queue: number[] = [];
  let head = 0;
  let done = false;
  const add = (t: number, arriving: Node, item: number): void => {
    if (done) throw new Error('Propagation: add() after run()');
    const fresh = bdd.diff(arriving, sets[t]!);
    if (fresh === FALSE) return;
    sets[t] = bdd.or(sets[t]!, fresh);
    pending[t] = bdd.or(pending[t]!, fresh);
    if (!queued[item]) {
      queued[item] = 1;
      queue.push(item);
    }
  };
  const take = (s: number): Node => {
    const delta = pending[s]!;
    pending[s] = FALSE;
    return delta;
  };
  const run = (step: (item: number) => void): number => {
    if (done) throw new Error('Propagation: run() twice');
    let steps = 0;
    while (head < queue.length) {
      const item = queue[head++]!;
      if (head > 65536) {
        queue.splice(0, head);
        head = 0;
      }
      queued[item] = 0;
      steps++;
      step(item);
    }
    done = true;
    return steps;
  };
  return { sets, pending, add, take, run };
}

/**
 * The fixpoint over a transition graph whose nodes 0 .. stateCount-1 are states (the others are
 * injection-only origins): every header that arrives at each state on some walk from the
 * injected nodes, and what goes to each negative target (leaving the graph). Transfers only
 * intersect, so the union over walks equals the union over state-simple paths. With `alive`,
 * only those states are entered; what reaches `sink` is collected in `sunk` and goes no
 * further (injecting at the sink sends from it).
 */
export function propagate(
  bdd: Bdd,
  g: TransitionGraph,
  stateCount: number,
  inject: ReadonlyArray<readonly [number, Node]>,
  options: { readonly alive?: Uint8Array; readonly sink?: number } = {},
): { sets: Int32Array; exits: Map<number, Node>; steps: number; sunk: Node } {
  const { alive, sink = -1 } = options;
  const start = g.start;
  const target = g.target;
  const label = g.label;
  const w = createPropagation(bdd, stateCount);
  const add = w.add;
  const exits = new Map<number, Node>();
  let sunk: Node = FALSE;
  const send = (n: number, delta: Node): void => {
    for (let t = start[n]!; t < start[n + 1]!; t++) {
      const out = bdd.and(delta, label[t]!);
      if (out === FALSE) continue;
      const to = target[t]!;
      if (to < 0) {
        exits.set(to, bdd.or(exits.get(to) ?? FALSE, out));
        continue;
      }
      if (to === sink) {
        sunk = bdd.or(sunk, out);
        continue;
      }
      if (alive && !alive[to]) continue;
      add(to, out, to);
    }
  };
  for (const [n, headers] of inject) {
    if (n < stateCount && n !== sink) add(n, headers, n);
    else send(n, headers);
  }
  const steps = w.run((s) => send(s, w.take(s)));
  return { sets: w.sets, exits, steps, sunk };
}
