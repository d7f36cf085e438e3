// Writes a topology document as YAML or JSON text (the generator's and the importers' output).
// The YAML writer is hand-rolled for the known shape of a topology (top-level keys, lists of
// flat records written one per line in flow style), because a general serializer is slow on
// prefecture-size files (tens of MB).

/** A JSON-like value as a writer of topologies builds it (no undefined inside arrays). */
export type Plain = string | number | boolean | readonly Plain[] | { readonly [key: string]: Plain | undefined };

const RESERVED = new Set(['true', 'false', 'null', 'yes', 'no', 'on', 'off', 'y', 'n', '~']);

/** A string that YAML reads back as the same string without quotes. */
function isPlainSafe(s: string): boolean {
  if (s.length === 0 || RESERVED.has(s.toLowerCase())) return false;
  if (/^[A-Za-z][A-Za-z0-9_./-]*$/.test(s)) return true;
  // Addresses, prefixes and ranges: digits and dots with at least two dots are never numbers.
  return /^[0-9][0-9./-]*$/.test(s) && (s.match(/\./g) ?? []).length >= 2;
}

function scalar(value: Plain): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return isPlainSafe(value) ? value : JSON.stringify(value);
  throw new Error('not a scalar');
}

/** A value in YAML flow style (one line). */
function flow(value: Plain): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`;
  if (typeof value === 'object') {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value as Record<string, Plain | undefined>)) if (v !== undefined) parts.push(`${k}: ${flow(v)}`);
    return `{ ${parts.join(', ')} }`;
  }
  return scalar(value);
}

const isRecord = (x: Plain | undefined): boolean => typeof x === 'object' && x !== null && !Array.isArray(x);

/** An object whose every value is a list of records, e.g. `acls: { INSIDE_IN: [rule, ...] }`. */
function isListsOfRecords(v: Plain): v is Record<string, Plain[]> {
  return isRecord(v) && Object.values(v as Record<string, Plain>).every((list) => Array.isArray(list) && list.every(isRecord));
}

/**
 * A record in block style, indented: scalar and short fields on their own line, nested
 * lists of records (interfaces, rules, relays) one record per line.
 */
function record(out: string[], value: Record<string, Plain | undefined>, indent: string): void {
  let first = true;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const lead = first ? `${indent.slice(0, -2)}- ` : indent;
    first = false;
    if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'object' && !Array.isArray(x))) {
      out.push(`${lead}${k}:`);
      for (const item of v) out.push(`${indent}  - ${flow(item)}`);
    } else if (isListsOfRecords(v)) {
      // Named rule lists (a device's acls): one name per line, one rule per line under it.
      out.push(`${lead}${k}:`);
      for (const [name, list] of Object.entries(v)) {
        if (list.length === 0) out.push(`${indent}  ${flow(name)}: []`);
        else {
          out.push(`${indent}  ${flow(name)}:`);
          for (const item of list) out.push(`${indent}    - ${flow(item)}`);
        }
      }
    } else {
      out.push(`${lead}${k}: ${flow(v)}`);
    }
  }
}

/** YAML text for a topology-shaped object; `header` lines are written as comments first. */
export function toYaml(doc: Record<string, Plain | undefined>, header: readonly string[] = []): string {
  const out: string[] = header.map((line) => (line ? `# ${line}` : '#'));
  for (const [key, value] of Object.entries(doc)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      out.push('', `${key}:`);
      for (const item of value) {
        if (typeof item !== 'object' || Array.isArray(item)) out.push(`  - ${flow(item)}`);
        else if (key === 'devices') record(out, item as Record<string, Plain | undefined>, '    ');
        else out.push(`  - ${flow(item)}`);
      }
    } else if (typeof value === 'object') {
      out.push('', `${key}:`);
      for (const [k, v] of Object.entries(value as Record<string, Plain | undefined>)) if (v !== undefined) out.push(`  ${k}: ${flow(v)}`);
    } else {
      out.push(`${key}: ${scalar(value)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** JSON text, one list element per line so that diffs and line numbers stay useful. */
export function toJson(doc: Record<string, Plain | undefined>): string {
  const out: string[] = ['{'];
  const entries = Object.entries(doc).filter(([, v]) => v !== undefined);
  entries.forEach(([key, value], i) => {
    const comma = i + 1 < entries.length ? ',' : '';
    if (Array.isArray(value)) {
      out.push(`  ${JSON.stringify(key)}: [`);
      value.forEach((item, j) => {
        out.push(`    ${JSON.stringify(item)}${j + 1 < value.length ? ',' : ''}`);
      });
      out.push(`  ]${comma}`);
    } else {
      out.push(`  ${JSON.stringify(key)}: ${JSON.stringify(value)}${comma}`);
    }
  });
  out.push('}');
  return `${out.join('\n')}\n`;
}
