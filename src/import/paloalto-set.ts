// Reads the PAN-OS `set` format (`set cli config-output-format set`; `show`) into the element
// tree of the XML configuration, so that paloalto.ts reads both the same way. A `set` line is
// a path of words; which words name an `<entry>` and which close a `<member>` list depends on
// where they stand, given here for the elements the importer reads. Each element keeps the
// line:column of the word that first made it.

import { type Loc, syntaxError } from '../errors.ts';
import { UNTERMINATED_QUOTE } from './texts.ts';
import type { XmlElement } from './xml.ts';

interface Word {
  readonly text: string;
  readonly loc: Loc;
}

/** Elements whose children are `<entry name=...>`, by name; `ip` and `service` depend on the parent. */
const ENTRY_LISTS = new Set([
  'ethernet',
  'aggregate-ethernet',
  'units',
  'virtual-router',
  'static-route',
  'vsys',
  'zone',
  'address',
  'address-group',
  'service-group',
  'rules',
]);
/** Elements of a rule holding `<member>` lists (a static route's `destination` is a plain value). */
const RULE_MEMBER_LISTS = new Set([
  'from',
  'to',
  'source',
  'destination',
  'service',
  'application',
  'source-user',
  'category',
  'source-hip',
  'destination-hip',
]);
/** Top-level words that belong to the device, not to its (only) vsys. */
const DEVICE_LEVEL = new Set(['deviceconfig', 'network', 'mgt-config', 'vsys']);

const isEntry = (e: XmlElement): boolean => e.name === 'entry';

function isEntryList(parent: XmlElement, name: string, grandparent: XmlElement | undefined): boolean {
  if (ENTRY_LISTS.has(name)) return true;
  // Interface addresses are entries (`layer3 ip 10.0.0.1/24`); `routing-table ip` is not.
  if (name === 'ip') return parent.name === 'layer3' || (isEntry(parent) && grandparent?.name === 'units');
  // Service objects are entries; a rule's `service` is a member list.
  if (name === 'service') return !(isEntry(parent) && grandparent?.name === 'rules');
  return false;
}

function isMemberList(parent: XmlElement, name: string, grandparent: XmlElement | undefined): boolean {
  if (name === 'static' || name === 'members') return true; // address-group static, service-group members
  if (RULE_MEMBER_LISTS.has(name)) return isEntry(parent) && grandparent?.name === 'rules';
  if (name === 'layer3') return parent.name === 'network' && isEntry(grandparent ?? parent);
  // A virtual router's interfaces and a vsys's `import network interface`; not `network interface ethernet`.
  if (name === 'interface') return (isEntry(parent) && grandparent?.name === 'virtual-router') || (parent.name === 'network' && grandparent?.name === 'import');
  return false;
}

/** The words of one line: quoted strings as one word, `[` and `]` as words of their own. */
function words(line: string, file: string, lineNo: number): Word[] {
  const out: Word[] = [];
  let at = 0;
  while (at < line.length) {
    const c = line[at]!;
    if (c === ' ' || c === '\t') {
      at++;
      continue;
    }
    const loc = { file, line: lineNo, column: at + 1 };
    if (c === '"' || c === "'") {
      const close = line.indexOf(c, at + 1);
      if (close < 0) throw syntaxError(loc, UNTERMINATED_QUOTE);
      out.push({ text: line.slice(at + 1, close), loc });
      at = close + 1;
    } else if (c === '[' || c === ']') {
      out.push({ text: c, loc });
      at++;
    } else {
      let end = at;
      while (end < line.length && !' \t[]'.includes(line[end]!)) end++;
      out.push({ text: line.slice(at, end), loc });
      at = end;
    }
  }
  return out;
}

const element = (name: string, loc: Loc, attributes = new Map<string, string>()): XmlElement => ({ name, attributes, children: [], text: '', loc });

/** Per element, its children by key (element name, or `entry name`), so that a long list is not scanned per line. */
const index = new WeakMap<XmlElement, Map<string, XmlElement>>();

function made(parent: XmlElement, key: string, make: () => XmlElement): XmlElement {
  let byKey = index.get(parent);
  if (!byKey) index.set(parent, (byKey = new Map()));
  let c = byKey.get(key);
  if (!c) {
    c = make();
    byKey.set(key, c);
    parent.children.push(c);
  }
  return c;
}

const childOf = (parent: XmlElement, name: string, loc: Loc): XmlElement => made(parent, `<${name}`, () => element(name, loc));
const entryOf = (list: XmlElement, name: string, loc: Loc): XmlElement => made(list, `entry ${name}`, () => element('entry', loc, new Map([['name', name]])));

/** Parses `set` lines into a `<config>` tree like the XML one; other lines (`#`, blank) are skipped. */
export function parsePanosSet(text: string, file: string): XmlElement {
  const start: Loc = { file, line: 1, column: 1 };
  const root = element('config', start);
  const device = entryOf(childOf(root, 'devices', start), 'localhost.localdomain', start);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, i) => {
    const ws = words(line, file, i + 1);
    if (ws.length === 0 || ws[0]!.text.startsWith('#')) return;
    const [verb, ...path] = ws;
    if (verb!.text !== 'set') {
      throw syntaxError(verb!.loc, { en: `unknown statement "${verb!.text}" (expected set)`, ja: `不明な文 "${verb!.text}" です（"set" で始めます）` });
    }
    if (path.length === 0) throw syntaxError(verb!.loc, { en: '"set" needs a path', ja: '"set" には設定の階層（パス）が必要です' });
    const first = path[0]!.text;
    let cur = first === 'shared' ? root : DEVICE_LEVEL.has(first) ? device : entryOf(childOf(device, 'vsys', path[0]!.loc), 'vsys1', path[0]!.loc);
    const trail: XmlElement[] = [];
    for (let k = 0; k < path.length; k++) {
      const w = path[k]!;
      const rest = path.length - k - 1;
      const parent = cur;
      const grandparent = trail[trail.length - 1];
      if (isMemberList(parent, w.text, grandparent)) {
        const list = childOf(parent, w.text, w.loc);
        for (const m of path.slice(k + 1)) if (m.text !== '[' && m.text !== ']') list.children.push({ ...element('member', m.loc), text: m.text });
        return;
      }
      if (isEntryList(parent, w.text, grandparent) && rest >= 1) {
        const list = childOf(parent, w.text, w.loc);
        const name = path[k + 1]!;
        trail.push(parent, list);
        cur = entryOf(list, name.text, name.loc);
        k++;
        continue;
      }
      const c = childOf(parent, w.text, w.loc);
      if (rest === 1) {
        c.text = path[k + 1]!.text;
        return;
      }
      trail.push(parent);
      cur = c;
    }
  });
  return root;
}
