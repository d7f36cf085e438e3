// Which firewall rules apply between two interfaces of a device. A rule applies from port a to
// port b when it names no in-interface or a, and no out-interface or b (ports are positions in
// device.interfaces). Many port pairs share one list of applicable rules: per in-port, only the
// out-ports some rule names can differ from the rest. The engines fold each distinct list once
// and firewall hygiene walks each distinct list once, so both ask here, and the answer is kept
// per Device object (a change of rules makes new Device objects).

import type { Device } from './network.ts';

export interface RuleLists {
  /** Each distinct list of applicable rules: indices into device.rules, in order. */
  readonly lists: ReadonlyArray<readonly number[]>;
  /** The list of port pair (a, b) is lists[listOf[a * ports + b]] (a = b included). */
  readonly listOf: Int32Array;
  readonly ports: number;
}

const kept = new WeakMap<Device, RuleLists>();

export function ruleLists(d: Device): RuleLists {
  let found = kept.get(d);
  if (!found) kept.set(d, (found = build(d)));
  return found;
}

function build(d: Device): RuleLists {
  const ports = d.interfaces.length;
  const listOf = new Int32Array(ports * ports);
  if (!d.rules.some((r) => r.inInterfaces || r.outInterfaces)) return { lists: [d.rules.map((_, k) => k)], listOf, ports };
  const names = d.interfaces.map((f) => f.name);
  const position = new Map(names.map((name, p) => [name, p]));
  // Per in-port, in rule order: the rules naming it and the rules naming no in-interface.
  const byIn: number[][] = names.map(() => []);
  d.rules.forEach((r, k) => {
    if (!r.inInterfaces) for (const list of byIn) list.push(k);
    else for (const name of r.inInterfaces) byIn[position.get(name)!]!.push(k);
  });
  const lists: number[][] = [];
  const index = new Map<string, number>();
  const idOf = (list: number[]): number => {
    const key = list.join(',');
    let id = index.get(key);
    if (id === undefined) {
      index.set(key, (id = lists.length));
      lists.push(list);
    }
    return id;
  };
  byIn.forEach((candidates, a) => {
    // The out-ports no candidate names get the candidates naming no out-interface.
    const unnamed = idOf(candidates.filter((k) => !d.rules[k]!.outInterfaces));
    listOf.fill(unnamed, a * ports, (a + 1) * ports);
    const named = new Set<number>();
    for (const k of candidates) for (const o of d.rules[k]!.outInterfaces ?? []) named.add(position.get(o)!);
    for (const b of named) listOf[a * ports + b] = idOf(candidates.filter((k) => d.rules[k]!.outInterfaces?.has(names[b]!) ?? true));
  });
  return { lists, listOf, ports };
}
