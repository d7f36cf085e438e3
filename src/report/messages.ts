// The wording of findings: the printed form of a finding's subject, one function for every
// format, so that text, JSON, SARIF, JUnit and Markdown name a finding alike.

import type { Finding } from '../policy/types.ts';

/**
 * What a finding is about, as printed: "from → to" for a pair of zones, "intent (leg)" for a
 * leg of a flow intent, "device#rule (kind)" for a firewall rule, else the object's id.
 */
export function subjectText(f: Finding): string {
  const s = f.subject;
  switch (s.kind) {
    case 'zone-pair': return `${s.from} → ${s.to}`;
    case 'zones': return s.zones.join(', ');
    case 'interface': return `${s.device}:${s.name}`;
    case 'leg': return `${s.intent} (${s.leg})`;
    case 'rule': return `${s.device}#${s.rule} (${f.kind})`;
    default: return s.id;
  }
}
