// The id of each finding of a check, as the JSON report gives it and `diagram --finding` takes
// it: the rule and the subject's parts joined by ":" (path-separation:lg-office:inet-servers),
// readable and the same from run to run; a second finding with the same id gets "#2".

import type { Finding } from '../policy/types.ts';

function baseId(f: Finding): string {
  const s = f.subject;
  const parts: string[] = [f.rule];
  switch (s.kind) {
    case 'zone-pair':
      parts.push(s.from, s.to);
      break;
    case 'zones':
      parts.push(...s.zones);
      break;
    case 'interface':
      parts.push(s.device, s.name);
      break;
    case 'leg':
      parts.push(s.intent, s.leg);
      break;
    case 'rule':
      parts.push(s.device, s.rule, f.kind);
      break;
    default:
      parts.push(s.id);
  }
  return parts.join(':');
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
