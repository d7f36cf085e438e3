// The fast path of the YAML reader, for the YAML that topologies are written in (write.ts and
// most hand-written files): block mappings and sequences, one-line flow collections, plain and
// quoted one-line scalars, comments. It builds the data and the position index straight from
// the text, as json-source.ts does for JSON, without js-yaml's event list: on city, reading
// through the events took 3.3 G instructions and the events of prefecture.yaml held hundreds
// of MB. Anything else (anchors, aliases, tags, block scalars, multi-line values, keys given
// twice, forbidden keys, errors of any kind) gives undefined, and the caller reads the text
// through js-yaml's events (yaml-source.ts), whose data, positions and messages stand; so this
// path only has to agree with that one on what it accepts (tests/model/yaml-fast.test.ts).

import { CORE_SCHEMA } from 'js-yaml';
import { PositionIndex } from './positions.ts';

/**
 * Characters the fast path leaves to js-yaml: tabs, carriage returns and byte order marks (to
 * keep the line rules simple), and what YAML refuses as non-printable (js-yaml's own test).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const LEAVE_TO_JS_YAML = /[\x00-\x09\x0B-\x1F\x7F-\x84\x86-\x9F\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/**
 * The same characters, and every surrogate: a character class alone, which the regular
 * expression engine tests at a fraction of the cost of the lookarounds (35 M instructions on
 * city against 148 M); only text that has characters beyond the BMP pays for the exact test.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const MAYBE_LEAVE_TO_JS_YAML = /[\x00-\x09\x0B-\x1F\x7F-\x84\x86-\x9F\uD800-\uDFFF\uFEFF\uFFFE\uFFFF]/;
/** Escapes of a double-quoted scalar that JSON reads as YAML does (no surrogate \u escapes). */
const JSON_ESCAPES = /\\(?:[^"\\/bfnrtu]|u(?![0-9a-fA-F]{4})|u[dD][89a-fA-F])/;

const SPACE = 0x20;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const COMMA = 0x2c;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

/** Thrown inside the reader when the text is not plainly of the subset; caught below. */
const UNSURE = Symbol('unsure');
function unsure(): never {
  throw UNSURE;
}

const isFlowIndicator = (c: number): boolean => c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE;

/** ASCII characters by code: a table look-up costs less than a chain of comparisons per character. */
const asciiSet = (chars: string): Uint8Array => {
  const set = new Uint8Array(0x80);
  for (const c of chars) set[c.charCodeAt(0)] = 1;
  return set;
};
/** Where a plain scalar in a flow collection may end (flow indicators, ":") or a comment start. */
const FLOW_PLAIN_STOPS = asciiSet(',[]{}:#');
/** Indicators a plain scalar must not start with ("-" is looked at apart). */
const NOT_PLAIN_START = asciiSet('?:,[]{}#&*!|>"\'%@`');

/** Kinds of scalar text the table below holds: a plain scalar, or a quoted one without escapes. */
const PLAIN = 0;
const QUOTED = 1;

/**
 * Each distinct scalar text of the document once, with its value: a topology names the same
 * ids, services and zones again and again; a text met before is resolved and copied once.
 */
class Scalars {
  private readonly plain = new Map<string, unknown>();
  private readonly quoted = new Map<string, string>();
  /**
   * Plain keys that read as themselves, by length and first and last character: a topology has
   * a few dozen key names, and comparing in place costs less than a slice and a hash.
   */
  private readonly keys: Array<string | undefined> = new Array(256);

  constructor(private readonly text: string) {}

  /** The value of the plain (resolved) or quoted (escape-free) scalar text[from, to). */
  get(from: number, to: number, kind: number): unknown {
    const raw = this.text.slice(from, to);
    if (kind === QUOTED) {
      let value = this.quoted.get(raw);
      if (value === undefined) this.quoted.set(raw, (value = own(raw)));
      return value;
    }
    let value = this.plain.get(raw);
    if (value === undefined && !this.plain.has(raw)) {
      value = CORE_SCHEMA.resolveImplicitScalarTag(raw).value;
      if (typeof value === 'string') value = own(value);
      this.plain.set(raw, value);
    }
    return value;
  }

  /** The name of the plain key text[from, to), not empty. */
  key(from: number, to: number): string {
    const t = this.text;
    const length = to - from;
    const slot = (length * 31 + t.charCodeAt(from) * 7 + t.charCodeAt(to - 1)) & 255;
    const known = this.keys[slot];
    if (known !== undefined && known.length === length && t.startsWith(known, from)) return known;
    const name = String(this.get(from, to, PLAIN));
    if (name.length === length && t.startsWith(name, from)) this.keys[slot] = name;
    return name;
  }
}

/**
 * A string value that does not hold on to the text: V8 makes a slice of 13 characters or more
 * a view into the text, which would keep all of it (120 MB for prefecture.yaml) alive for as
 * long as the network lives. Appending a character and cutting it off again makes a copy.
 */
const own = (value: string): string => (value.length >= 13 ? `${value} `.slice(0, -1) : value);

/** A block mapping or sequence being read. */
interface Block {
  readonly indent: number;
  readonly mapping: boolean;
  readonly data: Record<string, unknown> | unknown[];
}

/** A block mapping's key whose value starts on a later line (or is null). */
interface PendingKey {
  readonly block: Block;
  readonly name: string;
  readonly keyOffset: number;
  readonly colon: number;
}

/** The data and position index of text in the subset, or undefined (then js-yaml decides). */
export function readYamlFast(text: string, forbidden: ReadonlySet<string>, maxDepth: number): { data: unknown; index: PositionIndex } | undefined {
  if (MAYBE_LEAVE_TO_JS_YAML.test(text) && LEAVE_TO_JS_YAML.test(text)) return undefined;
  try {
    return new FastReader(text, forbidden, maxDepth).read();
  } catch (error) {
    if (error === UNSURE) return undefined;
    throw error;
  }
}

class FastReader {
  private readonly index = new PositionIndex();
  private readonly blocks: Block[] = [];
  private pending: PendingKey | undefined;
  private root: Record<string, unknown> | undefined;
  private lineStart = 0;
  private readonly scalars: Scalars;
  /** Where the quoted scalar quoted() read last ends (after its closing quote). */
  private quotedEnd = 0;
  /** Open mappings and sequences; past maxDepth, js-yaml's path refuses the text at its place. */
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly forbidden: ReadonlySet<string>,
    private readonly maxDepth: number,
  ) {
    this.scalars = new Scalars(text);
  }

  read(): { data: unknown; index: PositionIndex } {
    const t = this.text;
    const n = t.length;
    let pos = 0;
    while (pos < n) {
      let end = t.indexOf('\n', pos);
      if (end < 0) end = n;
      let i = pos;
      while (i < end && t.charCodeAt(i) === SPACE) i++;
      if (i < end && t.charCodeAt(i) !== HASH) {
        // Directives and document markers are js-yaml's.
        if (i === pos && (t.charCodeAt(i) === 0x25 /* % */ || t.startsWith('---', i) || t.startsWith('...', i))) unsure();
        this.lineStart = pos;
        this.line(i, i - pos, end);
      }
      pos = end + 1;
    }
    if (this.pending) this.placeNull(this.pending);
    while (this.blocks.length > 0) this.closeBlock();
    if (!this.root) unsure();
    return { data: this.root, index: this.index };
  }

  private line(i: number, indent: number, end: number): void {
    const t = this.text;
    const dash = t.charCodeAt(i) === DASH && (i + 1 === end || t.charCodeAt(i + 1) === SPACE);
    const pending = this.pending;
    if (pending) {
      this.pending = undefined;
      if (indent > pending.block.indent) {
        // The key's value is the block that starts here.
        const block: Block = { indent, mapping: !dash, data: dash ? [] : {} };
        this.put(pending.block, pending.name, pending.keyOffset, i, block.data, block.mapping ? 'mapping' : 'sequence');
        this.blocks.push(block);
        if (dash) this.item(i, end);
        else this.keyLine(block, i, end);
        return;
      }
      // A sequence at the key's own indentation is the key's value in YAML: left to js-yaml.
      if (indent === pending.block.indent && dash) unsure();
      this.placeNull(pending);
    }
    while (this.blocks.length > 0 && this.blocks[this.blocks.length - 1]!.indent > indent) this.closeBlock();
    const top = this.blocks[this.blocks.length - 1];
    if (!top) {
      if (this.root || indent !== 0 || dash) unsure();
      const block: Block = { indent, mapping: true, data: {} };
      this.root = block.data as Record<string, unknown>;
      this.index.openContainer(i, true);
      this.depth++;
      this.blocks.push(block);
      this.keyLine(block, i, end);
      return;
    }
    if (top.indent !== indent || top.mapping === dash) unsure();
    if (dash) this.item(i, end);
    else this.keyLine(top, i, end);
  }

  /** A sequence entry "- ..." at `i`: a flow collection, a scalar, or the first key of a block mapping. */
  private item(i: number, end: number): void {
    const t = this.text;
    const seq = this.blocks[this.blocks.length - 1]!;
    let j = i + 1;
    while (j < end && t.charCodeAt(j) === SPACE) j++;
    if (j === end) unsure();
    const c = t.charCodeAt(j);
    if (c === LBRACE || c === LBRACKET || c === DQUOTE || c === SQUOTE) {
      const after = this.value(seq, undefined, 0, j, end, false);
      if (t.charCodeAt(this.skipSpaces(after, end)) === COLON) unsure(); // a quoted key
      this.restOfLine(after, end);
      return;
    }
    this.plainStart(j, end, false);
    // A key (a ":" then a space or the end of the line) makes the entry a block mapping.
    for (let k = j; k < end; k++) {
      const d = t.charCodeAt(k);
      if (d === COLON && (k + 1 === end || t.charCodeAt(k + 1) === SPACE)) {
        const block: Block = { indent: j - this.lineStart, mapping: true, data: {} };
        this.put(seq, undefined, 0, j, block.data, 'mapping');
        this.blocks.push(block);
        this.keyLine(block, j, end);
        return;
      }
      if (d === HASH && t.charCodeAt(k - 1) === SPACE) break;
    }
    this.blockPlain(seq, undefined, 0, j, end);
  }

  /** "key: value", "key:" (value on the lines below, or null) at `k` in `block`. */
  private keyLine(block: Block, k: number, end: number): void {
    const t = this.text;
    let name: string;
    let colon: number;
    const c = t.charCodeAt(k);
    if (c === DQUOTE || c === SQUOTE) {
      name = this.quoted(k, end);
      colon = this.quotedEnd;
      if (t.charCodeAt(colon) !== COLON) unsure();
    } else {
      this.plainStart(k, end, false);
      colon = k;
      while (colon < end && !(t.charCodeAt(colon) === COLON && (colon + 1 === end || t.charCodeAt(colon + 1) === SPACE))) {
        if (t.charCodeAt(colon) === HASH && t.charCodeAt(colon - 1) === SPACE) unsure();
        colon++;
      }
      if (colon === end || t.charCodeAt(colon - 1) === SPACE || colon - k > 1024) unsure();
      name = this.scalars.key(k, colon);
    }
    if (colon + 1 < end && t.charCodeAt(colon + 1) !== SPACE) unsure();
    this.checkKey(name);
    const v = this.skipSpaces(colon + 1, end);
    if (v === end || t.charCodeAt(v) === HASH) {
      this.pending = { block, name, keyOffset: k, colon };
      return;
    }
    const d = t.charCodeAt(v);
    if (d === LBRACE || d === LBRACKET || d === DQUOTE || d === SQUOTE) this.restOfLine(this.value(block, name, k, v, end, false), end);
    else {
      this.plainStart(v, end, false);
      this.blockPlain(block, name, k, v, end);
    }
  }

  /** A plain scalar to the end of the line (or a comment) in block context. */
  private blockPlain(block: Block, name: string | undefined, keyOffset: number, v: number, end: number): void {
    const t = this.text;
    let stop = v;
    for (; stop < end; stop++) {
      const d = t.charCodeAt(stop);
      if (d === HASH && t.charCodeAt(stop - 1) === SPACE) break;
      // A second "key: " on the line is an error for js-yaml to word.
      if (d === COLON && (stop + 1 === end || t.charCodeAt(stop + 1) === SPACE)) unsure();
    }
    while (t.charCodeAt(stop - 1) === SPACE) stop--;
    this.put(block, name, keyOffset, v, this.scalars.get(v, stop, PLAIN));
  }

  /**
   * A flow collection or quoted scalar at `v`, or (`flow`: inside a flow collection) a plain
   * scalar, placed in `into`; returns where it ends.
   */
  private value(into: Block, name: string | undefined, keyOffset: number, v: number, end: number, flow: boolean): number {
    const t = this.text;
    const c = t.charCodeAt(v);
    if (c === LBRACE || c === LBRACKET) {
      const mapping = c === LBRACE;
      const block: Block = { indent: -1, mapping, data: mapping ? {} : [] };
      this.put(into, name, keyOffset, v, block.data, mapping ? 'mapping' : 'sequence');
      const after = mapping ? this.flowMapping(block, v, end) : this.flowSequence(block, v, end);
      this.index.close();
      this.depth--;
      return after;
    }
    if (c === DQUOTE || c === SQUOTE) {
      this.put(into, name, keyOffset, v, this.quoted(v, end));
      return this.quotedEnd;
    }
    if (!flow) unsure();
    this.plainStart(v, end, true);
    const stop = this.flowPlainEnd(v, end);
    let last = stop;
    while (t.charCodeAt(last - 1) === SPACE) last--;
    this.put(into, name, keyOffset, v, this.scalars.get(v, last, PLAIN));
    return stop;
  }

  /** Where a plain scalar in a flow collection ends: at a flow indicator (or the end of the line). */
  private flowPlainEnd(v: number, end: number): number {
    const t = this.text;
    let k = v;
    for (; k < end; k++) {
      const d = t.charCodeAt(k);
      if (d >= 0x80 || FLOW_PLAIN_STOPS[d] === 0) continue;
      if (d === HASH) {
        if (t.charCodeAt(k - 1) === SPACE) unsure();
      } else if (d !== COLON || k + 1 === end || t.charCodeAt(k + 1) === SPACE || isFlowIndicator(t.charCodeAt(k + 1))) break;
    }
    return k;
  }

  private flowMapping(block: Block, open: number, end: number): number {
    const t = this.text;
    let j = this.skipSpaces(open + 1, end);
    if (t.charCodeAt(j) === RBRACE) return j + 1;
    for (;;) {
      const k = j;
      let name: string;
      const c = t.charCodeAt(k);
      if (c === DQUOTE || c === SQUOTE) {
        name = this.quoted(k, end);
        j = this.quotedEnd;
      } else {
        this.plainStart(k, end, true);
        j = this.flowPlainEnd(k, end);
        let last = j;
        while (t.charCodeAt(last - 1) === SPACE) last--;
        if (last === k || last - k > 1024) unsure();
        name = this.scalars.key(k, last);
      }
      j = this.skipSpaces(j, end);
      if (t.charCodeAt(j) !== COLON || t.charCodeAt(j + 1) !== SPACE) unsure();
      this.checkKey(name);
      const v = this.skipSpaces(j + 1, end);
      const d = t.charCodeAt(v);
      if (v === end || d === COMMA || d === RBRACE) unsure(); // a null value
      j = this.skipSpaces(this.value(block, name, k, v, end, true), end);
      const sep = t.charCodeAt(j);
      if (sep === RBRACE) return j + 1;
      if (sep !== COMMA) unsure();
      j = this.skipSpaces(j + 1, end);
      if (j === end || t.charCodeAt(j) === RBRACE) unsure();
    }
  }

  private flowSequence(block: Block, open: number, end: number): number {
    const t = this.text;
    let j = this.skipSpaces(open + 1, end);
    if (t.charCodeAt(j) === RBRACKET) return j + 1;
    for (;;) {
      if (j === end || t.charCodeAt(j) === COMMA) unsure();
      j = this.skipSpaces(this.value(block, undefined, 0, j, end, true), end);
      const sep = t.charCodeAt(j);
      if (sep === RBRACKET) return j + 1;
      if (sep !== COMMA) unsure(); // a ":" (a one-pair mapping) or anything else
      j = this.skipSpaces(j + 1, end);
      if (j === end || t.charCodeAt(j) === RBRACKET) unsure();
    }
  }

  /** A one-line quoted scalar at `q`: its value; where it ends goes to quotedEnd. */
  private quoted(q: number, end: number): string {
    const t = this.text;
    const quote = t.charCodeAt(q);
    let k = q + 1;
    let escaped = false;
    for (;;) {
      if (k >= end) unsure();
      const d = t.charCodeAt(k);
      if (quote === DQUOTE && d === 0x5c /* \ */) {
        escaped = true;
        k += 2;
      } else if (d === quote) {
        if (quote === SQUOTE && t.charCodeAt(k + 1) === SQUOTE) {
          escaped = true;
          k += 2;
        } else break;
      } else k++;
    }
    this.quotedEnd = k + 1;
    if (!escaped) return k === q + 1 ? '' : (this.scalars.get(q + 1, k, QUOTED) as string);
    // Escapes are met too rarely to be worth the table (replaceAll may join views into the text: own).
    const raw = t.slice(q + 1, k);
    if (quote === SQUOTE) return own(raw.replaceAll("''", "'"));
    if (JSON_ESCAPES.test(raw)) unsure();
    return JSON.parse(`"${raw}"`) as string;
  }

  /** Refuses (to js-yaml) a plain scalar starting with an indicator. */
  private plainStart(v: number, end: number, flow: boolean): void {
    const t = this.text;
    const c = t.charCodeAt(v);
    if (c === DASH) {
      const next = v + 1 < end ? t.charCodeAt(v + 1) : SPACE;
      if (next === SPACE || (flow && isFlowIndicator(next))) unsure();
    } else if (c < 0x80 && NOT_PLAIN_START[c] === 1) unsure();
  }

  private checkKey(name: string): void {
    if (this.forbidden.has(name) || this.index.hasKey(name)) unsure();
  }

  /** After a value on its line: nothing, or a comment. */
  private restOfLine(after: number, end: number): void {
    const k = this.skipSpaces(after, end);
    if (k < end && !(this.text.charCodeAt(k) === HASH && k > after)) unsure();
  }

  private skipSpaces(k: number, end: number): number {
    while (k < end && this.text.charCodeAt(k) === SPACE) k++;
    return k;
  }

  /** Places a value (and its index entry) in a block or flow collection, as yaml-source.ts does. */
  private put(into: Block, name: string | undefined, keyOffset: number, at: number, value: unknown, opens?: 'mapping' | 'sequence'): void {
    if (opens) {
      if (++this.depth > this.maxDepth) unsure();
      this.index.openContainer(at, opens === 'mapping', name, keyOffset);
    } else this.index.scalar(at, name, keyOffset);
    if (into.mapping) (into.data as Record<string, unknown>)[name!] = value;
    else (into.data as unknown[]).push(value);
  }

  /** A key with nothing after it: null, placed after the ":" and its spaces, as an editor shows it. */
  private placeNull(p: PendingKey): void {
    let at = p.colon + 1;
    while (this.text.charCodeAt(at) === SPACE) at++;
    this.put(p.block, p.name, p.keyOffset, at, null);
  }

  private closeBlock(): void {
    this.blocks.pop();
    this.index.close();
    this.depth--;
  }
}
