// Object groups that contain themselves. Every vendor refuses to commit such a group, so an
// importer refuses it too, where it is defined, whether or not a rule uses it (resolving only
// the groups that rules use would let a broken configuration through unnoticed).

import { type Bilingual, type Loc, syntaxError } from '../errors.ts';
import { containsItself } from './texts.ts';

/** A group: where it is defined and the names of the groups (and objects) it names. */
export interface GroupRef {
  readonly loc: Loc;
  readonly members: readonly string[];
}

/** Throws BNK_ERR_SYNTAX at the first group found on a cycle; `what` names the kind ("address group"). */
export function refuseGroupCycles(what: Bilingual, names: Iterable<string>, group: (name: string) => GroupRef | undefined): void {
  const done = new Set<string>();
  const visit = (name: string, trail: readonly string[]): void => {
    const g = group(name);
    if (!g || done.has(name)) return;
    if (trail.includes(name)) throw syntaxError(g.loc, containsItself(what, name, [...trail.slice(trail.indexOf(name)), name]));
    for (const m of g.members) visit(m, [...trail, name]);
    done.add(name);
  };
  for (const name of names) visit(name, []);
}
