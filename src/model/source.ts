// Reads YAML or JSON text into plain data while keeping source positions, and refuses
// hostile input (huge text, alias bombs, deep nesting, prototype keys) before it can hurt.

import type { Diagnostic, ErrorCode, Loc } from '../errors.ts';
import { jsonSyntaxError, readJson } from './json-source.ts';
import { readYaml } from './yaml-source.ts';

export interface SourceLimits {
  /** Largest accepted input, in UTF-8 bytes. */
  readonly maxBytes: number;
  /** Most values (mappings, sequences, keys, scalars) in a JSON document, counted before parsing. */
  readonly maxJsonNodes: number;
  /** Most values in a YAML document, estimated before parsing (the YAML reader needs ~250 bytes per value). */
  readonly maxYamlNodes: number;
  /** Deepest accepted nesting of mappings and sequences. */
  readonly maxDepth: number;
  /** Most alias expansions accepted (YAML `*ref`). */
  readonly maxAliases: number;
}

/**
 * Chosen from measured peak memory (docs/reliability.md, `npm run bench:memory`) so that the
 * worst document under each limit loads within Node's default heap with room to spare: the
 * generated prefecture (61 MB, 5.5 M values; 5.8 M by the YAML estimate) passes in both formats.
 */
export const DEFAULT_LIMITS: SourceLimits = {
  maxBytes: 128 * 1024 * 1024,
  maxJsonNodes: 8_000_000,
  maxYamlNodes: 6_000_000,
  maxDepth: 64,
  maxAliases: 1000,
};

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A parsed document: plain data plus a way to find where any path came from. */
export interface SourceDocument {
  readonly data: unknown;
  readonly file: string;
  /** Location of the value at `path` (or of the key when `key` is set); falls back to the nearest parent. */
  locate(path: readonly PropertyKey[], key?: boolean): Loc;
}

export type ReadResult = { ok: true; doc: SourceDocument } | { ok: false; diagnostics: Diagnostic[] };

interface YamlEstimate {
  /** Where the nesting first goes past the limit, if it does. */
  readonly deep?: { line: number; column: number };
  /** An upper estimate of the number of values: lines, dashes, flow brackets and commas, `: ` separators. */
  readonly nodes: number;
}

/**
 * Estimates nesting depth and size without recursion, so a pathological file is refused
 * before the (recursive) YAML parser sees it and before its events fill the memory. Counts
 * flow brackets outside quotes and block indentation; stops counting values past `maxNodes`.
 */
export function estimateYaml(text: string, maxDepth: number, maxNodes: number): YamlEstimate {
  // Character codes, not one-character strings: this runs over every byte before the parser.
  const SPACE = 0x20;
  const TAB = 0x09;
  const CR = 0x0d;
  const n = text.length;
  let flow = 0;
  let nodes = 0;
  const indents: number[] = [];
  let line = 1;
  let pos = 0;
  /** The next character SCAN finds at or after the current one (n: none). */
  let next = -1;
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    let i = pos;
    let c = text.charCodeAt(i);
    while (i < end && (c === SPACE || c === TAB)) c = text.charCodeAt(++i);
    if (i < end && c !== 0x23 /* # */ && c !== CR && flow === 0) {
      nodes++;
      let indent = i - pos;
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      // "- - - x" opens one level per dash on the same line.
      while (text.charCodeAt(i) === 0x2d /* - */ && (text.charCodeAt(i + 1) === SPACE || text.charCodeAt(i + 1) === TAB)) {
        i += 2;
        while (text.charCodeAt(i) === SPACE) i++;
        indent = i - pos;
        indents.push(indent);
        nodes++;
      }
    }
    // Only quotes, comments, brackets, commas and colons change the count or the depth: jump
    // from one to the next with a regular expression (native code, fast before the JIT warms
    // up), and check the depth at the line's first character and after each of them.
    if (i < end && flow + indents.length > maxDepth && !isScanned(text.charCodeAt(i))) {
      return { deep: { line, column: i - pos + 1 }, nodes };
    }
    while (i < end) {
      if (next < i) {
        SCAN.lastIndex = i;
        next = SCAN.test(text) ? SCAN.lastIndex - 1 : n;
      }
      if (next >= end) break;
      i = next;
      c = text.charCodeAt(i);
      if ((c === 0x22 /* " */ || c === 0x27) /* ' */ && startsScalar(text, pos, i)) {
        if (flow + indents.length > maxDepth) return { deep: { line, column: i - pos + 1 }, nodes };
        i = quoteEnd(text, i + 1, end, c) + 1;
        continue;
      }
      if (c === 0x23 /* # */) {
        if (opensComment(text, pos, i)) break;
      } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
        flow++;
        nodes++;
      } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) flow = Math.max(0, flow - 1);
      else if (c === 0x2c /* , */) nodes++;
      else if (c === 0x3a /* : */) {
        const after = text.charCodeAt(i + 1);
        if (i + 1 === end || after === SPACE || after === TAB || after === CR) nodes++;
      }
      if (flow + indents.length > maxDepth) return { deep: { line, column: i - pos + 1 }, nodes };
      i++;
    }
    if (indents.length > maxDepth) return { deep: { line, column: 1 }, nodes };
    if (nodes > maxNodes) return { nodes };
    line++;
    pos = end + 1;
  }
  return { nodes };
}

/** The characters estimateYaml looks at (backslashes only inside double quotes). */
const SCAN = /["'#[\]{},:]/g;

const isScanned = (c: number): boolean =>
  c === 0x22 || c === 0x27 || c === 0x23 || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x2c || c === 0x3a;

/** A "#" at the line's start or after a space or tab starts a comment. */
function opensComment(text: string, lineStart: number, i: number): boolean {
  if (text.charCodeAt(i) !== 0x23) return false;
  const before = text.charCodeAt(i - 1);
  return i === lineStart || before === 0x20 || before === 0x09;
}

/** Where the quote opened before `from` closes on its line (a backslash escapes in double quotes), or `end`. */
function quoteEnd(text: string, from: number, end: number, quote: number): number {
  for (let k = from; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c === quote) return k;
    if (c === 0x5c && quote === 0x22) k++;
  }
  return end;
}

/** Values in JSON text, counted as containers, `:` and `,` outside strings (+1); stops past `max`. */
function countJsonNodes(text: string, max: number): number {
  let nodes = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x2c || c === 0x3a || c === 0x5b || c === 0x7b) {
      if (++nodes > max) return nodes;
    }
  }
  return nodes;
}

/** A quote opens a quoted scalar only where a scalar can begin (in `a'b` it is a letter). */
function startsScalar(text: string, lineStart: number, i: number): boolean {
  let j = i - 1;
  while (j >= lineStart && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x09)) j--;
  if (j < lineStart) return true;
  const before = text.charCodeAt(j);
  // [ { , : - ?
  return before === 0x5b || before === 0x7b || before === 0x2c || before === 0x3a || before === 0x2d || before === 0x3f;
}

export function readSource(text: string, file: string, limits: SourceLimits = DEFAULT_LIMITS): ReadResult {
  const at = (code: ErrorCode, message: string, line = 1, column = 1): ReadResult => ({
    ok: false,
    diagnostics: [{ code, message, loc: { file, line, column } }],
  });
  const tooManyNodes = (kind: string, limit: number): ReadResult =>
    at(
      'BNK_ERR_FILE_TOO_LARGE',
      kind === 'YAML'
        ? `the YAML document has more than ${limit.toLocaleString('en')} values, more than can be read safely; write it as JSON (up to ${limits.maxJsonNodes.toLocaleString('en')} values)`
        : `the JSON document has more than ${limit.toLocaleString('en')} values, more than can be read safely`,
    );
  const bytes = text.length > limits.maxBytes / 3 ? Buffer.byteLength(text, 'utf8') : text.length;
  if (bytes > limits.maxBytes) {
    return at('BNK_ERR_FILE_TOO_LARGE', `input is ${bytes} bytes; the limit is ${limits.maxBytes}`);
  }
  // JSON (what the generator and most tools write) takes the fast path: V8's JSON.parse does
  // not recurse, and the position scan checks the depth. A file named *.json must be JSON; in
  // any other file, text that looks like JSON but does not parse goes to the YAML reader
  // (yaml-source.ts, behind the depth and size pre-scan), whose messages carry the line and column.
  const strictJson = /\.json$/i.test(file);
  if (strictJson || /^\s*\{/.test(text.slice(0, 1024))) {
    // A byte order mark (Windows editors write one) reads as a space: positions stay the same.
    if (text.charCodeAt(0) === 0xfeff) text = ` ${text.slice(1)}`;
    const nodes = countJsonNodes(text, limits.maxJsonNodes);
    if (nodes > limits.maxJsonNodes) return tooManyNodes('JSON', limits.maxJsonNodes);
    const json = readJson(text, file, FORBIDDEN_KEYS, limits.maxDepth);
    if (json)
      return json.diagnostics.length > 0 ? { ok: false, diagnostics: json.diagnostics } : { ok: true, doc: { data: json.data, file, locate: json.locate } };
    if (strictJson) return { ok: false, diagnostics: [jsonSyntaxError(text, file)] };
  }
  const { deep, nodes } = estimateYaml(text, limits.maxDepth, limits.maxYamlNodes);
  if (nodes > limits.maxYamlNodes) return tooManyNodes('YAML', limits.maxYamlNodes);
  if (deep) return at('BNK_ERR_TOO_DEEP', `nesting deeper than ${limits.maxDepth} levels`, deep.line, deep.column);

  const yaml = readYaml(text, file, FORBIDDEN_KEYS, limits);
  if (yaml.diagnostics.length > 0) return { ok: false, diagnostics: yaml.diagnostics };
  return { ok: true, doc: { data: yaml.data, file, locate: yaml.locate } };
}
