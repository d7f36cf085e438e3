// A small XML reader for device configurations (PAN-OS `show config running`, saved
// running-config.xml): elements, attributes and text, each element with the line:column of its
// `<`, which provenance needs and general XML parsers do not give. It reads the subset such
// files use: the declaration, comments, CDATA, the five predefined entities and numeric
// character references; no DTDs or namespaces. Malformed text is an InputError at its place.

import { type Bilingual, type InputError, type Loc, syntaxError } from '../errors.ts';

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
  const fail = (offset: number, text: Bilingual): InputError => syntaxError(locAt(offset), text);
  const decode = (raw: string, offset: number): string =>
    raw.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);|&/g, (whole, ref: string | undefined, at: number) => {
      if (ref === undefined) throw fail(offset + at, { en: 'a bare "&" (write &amp;)', ja: '単独の "&" があります（"&amp;" と書きます）' });
      if (ref.startsWith('#')) return String.fromCodePoint(ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1)));
      const named = Object.hasOwn(ENTITIES, ref) ? ENTITIES[ref] : undefined;
      if (named === undefined) throw fail(offset + at, { en: `unknown entity "${whole}"`, ja: `不明な実体参照 "${whole}" です` });
      return named;
    });

  let at = 0;
  let root: XmlElement | undefined;
  const stack: XmlElement[] = [];
  const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 9 || c === 13;
  const skipSpace = (): void => {
    while (at < src.length && isSpace(src.charCodeAt(at))) at++;
  };
  const readName = (what: Bilingual): string => {
    NAME.lastIndex = at;
    const m = NAME.exec(src);
    if (!m) throw fail(at, { en: `expected ${what.en}`, ja: `${what.ja}が必要です` });
    at += m[0].length;
    return m[0];
  };
  const skipPast = (end: string, start: number, what: Bilingual): string => {
    const close = src.indexOf(end, at);
    if (close < 0) throw fail(start, { en: `${what.en} is never closed by "${end}"`, ja: `${what.ja}が "${end}" で閉じられていません` });
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
      if (!inner) throw fail(first, { en: 'text outside the root element', ja: 'ルート要素の外にテキストがあります' });
      const chunk = src.slice(at, textEnd);
      inner.text += chunk.includes('&') ? decode(chunk, at) : chunk;
    }
    at = textEnd;
    if (lt < 0) break;
    const start = at;
    if (src.startsWith('<!--', at)) {
      at += 4;
      skipPast('-->', start, { en: 'a comment', ja: 'コメント' });
    } else if (src.startsWith('<![CDATA[', at)) {
      at += 9;
      const data = skipPast(']]>', start, { en: 'a CDATA section', ja: 'CDATA セクション' });
      if (!inner) throw fail(start, { en: 'CDATA outside the root element', ja: 'ルート要素の外に CDATA があります' });
      inner.text += data;
    } else if (src.startsWith('<?', at)) {
      at += 2;
      skipPast('?>', start, { en: 'a processing instruction', ja: '処理命令' });
    } else if (src.startsWith('<!', at)) {
      throw fail(start, { en: 'document type declarations are not supported', ja: '文書型宣言（"<!DOCTYPE"）は読めません' });
    } else if (src.startsWith('</', at)) {
      at += 2;
      const name = readName({ en: 'an element name after "</"', ja: '"</" の後に要素名' });
      skipSpace();
      if (src[at] !== '>') throw fail(at, { en: `expected ">" to end "</${name}"`, ja: `"</${name}" を閉じる ">" が必要です` });
      at++;
      const open = stack.pop();
      if (!open) throw fail(start, { en: `closing tag "</${name}>" with no element open`, ja: `開いている要素がないのに終了タグ "</${name}>" があります` });
      if (open.name !== name)
        throw fail(start, {
          en: `closing tag "</${name}>" does not match "<${open.name}>" at line ${open.loc.line}:${open.loc.column}`,
          ja: `終了タグ "</${name}>" が ${open.loc.line} 行 ${open.loc.column} 列の "<${open.name}>" と対応していません`,
        });
      open.text = open.text.trim();
    } else {
      at++;
      const name = readName({ en: 'an element name after "<"', ja: '"<" の後に要素名' });
      const attributes = new Map<string, string>();
      while (true) {
        const before = at;
        skipSpace();
        if (src[at] === '>' || src.startsWith('/>', at)) break;
        if (at === before) throw fail(at, { en: `expected a space, ">" or "/>" in "<${name}"`, ja: `"<${name}" の中には空白、">"、"/>" のいずれかが必要です` });
        if (at >= src.length) break;
        const attribute = readName({ en: 'an attribute name', ja: '属性名' });
        skipSpace();
        if (src[at] !== '=') throw fail(at, { en: `attribute "${attribute}" needs ="value"`, ja: `属性 "${attribute}" には ="値" が必要です` });
        at++;
        skipSpace();
        const quote = src[at];
        if (quote !== '"' && quote !== "'")
          throw fail(at, { en: `the value of attribute "${attribute}" must be quoted`, ja: `属性 "${attribute}" の値は引用符で囲みます` });
        const close = src.indexOf(quote, at + 1);
        if (close < 0) throw fail(at, { en: `the value of attribute "${attribute}" is never closed`, ja: `属性 "${attribute}" の値が閉じられていません` });
        if (attributes.has(attribute)) throw fail(at, { en: `attribute "${attribute}" is given twice`, ja: `属性 "${attribute}" が2回書かれています` });
        attributes.set(attribute, decode(src.slice(at + 1, close), at + 1));
        at = close + 1;
      }
      if (at >= src.length) throw fail(start, { en: `"<${name}" is never closed by ">"`, ja: `"<${name}" が ">" で閉じられていません` });
      const element: XmlElement = { name, attributes, children: [], text: '', loc: locAt(start) };
      if (inner) inner.children.push(element);
      else if (root) throw fail(start, { en: 'a second root element', ja: '2つ目のルート要素があります' });
      else root = element;
      if (src.startsWith('/>', at)) at += 2;
      else {
        at++;
        stack.push(element);
      }
    }
  }
  const open = stack[stack.length - 1];
  if (open) throw syntaxError(open.loc, { en: `element "<${open.name}>" is never closed`, ja: `要素 "<${open.name}>" が閉じられていません` });
  if (!root) throw fail(0, { en: 'no root element', ja: 'ルート要素がありません' });
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
