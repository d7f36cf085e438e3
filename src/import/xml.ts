// A small XML reader for device configurations (PAN-OS `show config running`, saved
// running-config.xml): elements, attributes and text, each element with the line:column of its
// `<`, which provenance needs and general XML parsers do not give. It reads the subset such
// files use: the declaration, comments, CDATA, the five predefined entities and numeric
// character references; no DTDs or namespaces. Malformed text is an InputError at its place.

import { InputError, type Loc } from '../errors.ts';

export interface XmlElement {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: XmlElement[];
  /** The character data directly inside the element, entities decoded, trimmed. */
  text: string;
  readonly loc: Loc;
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Parses a whole document into its root element; throws InputError at the first malformed place. */
export function parseXml(text: string, file: string): XmlElement {
  const src = text.replace(/^\uFEFF/, '');
  // Line starts, to turn an offset into line:column.
  const lineStarts = [0];
  for (let i = 0; i < src.length; i++) if (src[i] === '\n') lineStarts.push(i + 1);
  const locAt = (offset: number): Loc => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };
  const fail = (offset: number, message: string): InputError => new InputError([{ code: 'BNK_ERR_SYNTAX', message, loc: locAt(offset) }]);
  const decode = (raw: string, offset: number): string =>
    raw.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);|&/g, (whole, ref: string | undefined, at: number) => {
      if (ref === undefined) throw fail(offset + at, 'a bare "&" (write &amp;)');
      if (ref.startsWith('#')) return String.fromCodePoint(ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1)));
      const named = Object.hasOwn(ENTITIES, ref) ? ENTITIES[ref] : undefined;
      if (named === undefined) throw fail(offset + at, `unknown entity "${whole}"`);
      return named;
    });

  let at = 0;
  let root: XmlElement | undefined;
  const stack: XmlElement[] = [];
  const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 9 || c === 13;
  const skipSpace = (): void => {
    while (at < src.length && isSpace(src.charCodeAt(at))) at++;
  };
  const readName = (what: string): string => {
    NAME.lastIndex = at;
    const m = NAME.exec(src);
    if (!m) throw fail(at, `expected ${what}`);
    at += m[0].length;
    return m[0];
  };
  const skipPast = (end: string, start: number, what: string): string => {
    const close = src.indexOf(end, at);
    if (close < 0) throw fail(start, `${what} is never closed by "${end}"`);
    const inner = src.slice(at, close);
    at = close + end.length;
    return inner;
  };

  while (at < src.length) {
    const lt = src.indexOf('<', at);
    const textEnd = lt < 0 ? src.length : lt;
    const inner = stack[stack.length - 1];
    // Most text between tags is indentation: skip it without making strings.
    let first = at;
    while (first < textEnd && isSpace(src.charCodeAt(first))) first++;
    if (first < textEnd) {
      if (!inner) throw fail(first, 'text outside the root element');
      const chunk = src.slice(at, textEnd);
      inner.text += chunk.includes('&') ? decode(chunk, at) : chunk;
    }
    at = textEnd;
    if (lt < 0) break;
    const start = at;
    if (src.startsWith('<!--', at)) {
      at += 4;
      skipPast('-->', start, 'a comment');
    } else if (src.startsWith('<![CDATA[', at)) {
      at += 9;
      const data = skipPast(']]>', start, 'a CDATA section');
      if (!inner) throw fail(start, 'CDATA outside the root element');
      inner.text += data;
    } else if (src.startsWith('<?', at)) {
      at += 2;
      skipPast('?>', start, 'a processing instruction');
    } else if (src.startsWith('<!', at)) {
      throw fail(start, 'document type declarations are not supported');
    } else if (src.startsWith('</', at)) {
      at += 2;
      const name = readName('an element name after "</"');
      skipSpace();
      if (src[at] !== '>') throw fail(at, `expected ">" to end "</${name}"`);
      at++;
      const open = stack.pop();
      if (!open) throw fail(start, `closing tag "</${name}>" with no element open`);
      if (open.name !== name) throw fail(start, `closing tag "</${name}>" does not match "<${open.name}>" at line ${open.loc.line}:${open.loc.column}`);
      open.text = open.text.trim();
    } else {
      at++;
      const name = readName('an element name after "<"');
      const attributes = new Map<string, string>();
      while (true) {
        const before = at;
        skipSpace();
        if (src[at] === '>' || src.startsWith('/>', at)) break;
        if (at === before) throw fail(at, `expected a space, ">" or "/>" in "<${name}"`);
        if (at >= src.length) break;
        const attribute = readName('an attribute name');
        skipSpace();
        if (src[at] !== '=') throw fail(at, `attribute "${attribute}" needs ="value"`);
        at++;
        skipSpace();
        const quote = src[at];
        if (quote !== '"' && quote !== "'") throw fail(at, `the value of attribute "${attribute}" must be quoted`);
        const close = src.indexOf(quote, at + 1);
        if (close < 0) throw fail(at, `the value of attribute "${attribute}" is never closed`);
        if (attributes.has(attribute)) throw fail(at, `attribute "${attribute}" is given twice`);
        attributes.set(attribute, decode(src.slice(at + 1, close), at + 1));
        at = close + 1;
      }
      if (at >= src.length) throw fail(start, `"<${name}" is never closed by ">"`);
      const element: XmlElement = { name, attributes, children: [], text: '', loc: locAt(start) };
      if (inner) inner.children.push(element);
      else if (root) throw fail(start, 'a second root element');
      else root = element;
      if (src.startsWith('/>', at)) at += 2;
      else {
        at++;
        stack.push(element);
      }
    }
  }
  const open = stack[stack.length - 1];
  if (open) throw new InputError([{ code: 'BNK_ERR_SYNTAX', message: `element "<${open.name}>" is never closed`, loc: open.loc }]);
  if (!root) throw fail(0, 'no root element');
  return root;
}

/** The first child of that name. */
export function child(e: XmlElement | undefined, name: string): XmlElement | undefined {
  return e?.children.find((c) => c.name === name);
}

/** The element at a path of child names: `path(root, 'devices', 'entry')`. */
export function path(e: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let at = e;
  for (const n of names) at = child(at, n);
  return at;
}

/** The `<entry name="...">` children of an element. */
export function entries(e: XmlElement | undefined): XmlElement[] {
  return e?.children.filter((c) => c.name === 'entry') ?? [];
}

/** The `<member>` children of an element. */
export function members(e: XmlElement | undefined): XmlElement[] {
  return e?.children.filter((c) => c.name === 'member') ?? [];
}
