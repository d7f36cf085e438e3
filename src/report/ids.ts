// The id of each finding of a check, as the JSON report gives it and `diagram --finding` takes
// it: the rule and the subject's parts joined by ":" (path-separation:lg-office:inet-servers),
// readable and the same from run to run; a second finding with the same id gets "#2".

import { type Finding, subjectParts } from '../policy/types.ts';

/** The rule and the subject's parts; a firewall rule's finding also its kind (shadowed, broad, …). */
function baseId(f: Finding): string {
  return [f.rule, ...subjectParts(f.subject), ...(f.subject.kind === 'rule' ? [f.kind] : [])].join(':');
}

/** The ids of a check's findings, in the same order, unique within the list. */
export function findingIds(findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const id = baseId(f);
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    return n === 1 ? id : `${id}#${n}`;
  });
}
