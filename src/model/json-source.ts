// The fast path for JSON topology files: the data from the native JSON.parse, and the
// positions from one iterative scan of the text (an index of where every key and value
// starts), which also finds duplicate and forbidden keys. Invalid JSON is left to the YAML
// reader (yaml-source.ts), whose error messages carry the line and column.

import type { Diagnostic, Loc } from '../errors.ts';
import { lineColumn, PositionIndex } from './positions.ts';

export interface JsonSource {
  readonly data: unknown;
  readonly diagnostics: Diagnostic[];
  locate(path: readonly PropertyKey[], key?: boolean): Loc;
}

/** The syntax error of text that is not valid JSON, with its line and column. */
export function jsonSyntaxError(text: string, file: string): Diagnostic {
  const { offset, message } = firstJsonError(text);
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.length - before.replaceAll('\n', '').length + 1;
  return {
    code: 'BNK_ERR_SYNTAX',
    message: `${message} (the file is named or sent as JSON; YAML needs a .yaml name or Content-Type application/yaml)`,
    loc: { file, line, column: offset - lineStart + 1 },
  };
}

/**
 * Where JSON text first goes wrong: one pass without recursion (V8's messages do not always
 * give a position, and quote the input). Only called on text JSON.parse refused.
 */
function firstJsonError(text: string): { offset: number; message: string } {
  const stack: string[] = [];
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (message: string): { offset: number; message: string } => ({ offset: i, message });
  const found = (): string => (i >= text.length ? 'the end of the text' : `"${text[i] === '\ufeff' ? 'a byte order mark' : text[i]}"`);
  const string = (): boolean => {
    i++;
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) return false;
        i += 2;
        continue;
      }
      i++;
    }
    if (i >= text.length) return false;
    i++;
    return true;
  };
  for (;;) {
    // A value is expected here.
    skipSpace();
    const c = text[i];
    if (c === '{' || c === '[') {
      stack.push(c);
      i++;
      skipSpace();
      if (text[i] === (c === '{' ? '}' : ']')) {
        stack.pop();
        i++;
      } else if (c === '{') {
        if (text[i] !== '"') return fail(`expected a double-quoted property name, found ${found()}`);
        if (!string()) return fail('unterminated or malformed string');
        skipSpace();
        if (text[i] !== ':') return fail(`expected ":" after the property name, found ${found()}`);
        i++;
        continue;
      } else continue;
    } else if (c === '"') {
      if (!string()) return fail('unterminated or malformed string');
    } else {
      const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
      if (!m) return fail(`expected a value, found ${found()}`);
      i += m[0].length;
    }
    // After a value: close containers, or a separator.
    for (;;) {
      skipSpace();
      const open = stack[stack.length - 1];
      if (open === undefined) return i < text.length ? fail(`unexpected ${found()} after the end of the document`) : fail('not valid JSON');
      const close = open === '{' ? '}' : ']';
      if (text[i] === close) {
        stack.pop();
        i++;
        continue;
      }
      if (text[i] !== ',') return fail(`expected "," or "${close}", found ${found()}`);
      i++;
      if (open === '{') {
        skipSpace();
        if (text[i] !== '"') return fail(`expected a double-quoted property name, found ${found()}`);
        if (!string()) return fail('unterminated or malformed string');
        skipSpace();
        if (text[i] !== ':') return fail(`expected ":" after the property name, found ${found()}`);
        i++;
      }
      break;
    }
  }
}

/** Parses JSON text; undefined when it is not valid JSON (the caller falls back to YAML). */
export function readJson(text: string, file: string, forbiddenKeys: ReadonlySet<string>, maxDepth: number): JsonSource | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const position = lineColumn(text, file);
  const { index, diagnostics } = scan(text, forbiddenKeys, maxDepth, position);
  return { data, diagnostics, locate: index.locator(position) };
}

/**
 * One pass over valid JSON text, without recursion; stops at the first container past
 * `maxDepth`. The text is valid JSON (JSON.parse took it), so a quote ends a string unless
 * an odd number of backslashes precede it, and anything else below a space is whitespace.
 */
function scan(
  text: string,
  forbidden: ReadonlySet<string>,
  maxDepth: number,
  position: (offset: number) => Loc,
): { index: PositionIndex; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const index = new PositionIndex();
  let depth = 0;
  /** In a mapping: the key waiting for its value (name and offset; offset -1 when none is). */
  let keyName = '';
  let keyOffset = -1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c === 0x2c /* , */ || c === 0x3a /* : */) {
      i++;
    } else if (c === 0x22 /* " */) {
      const start = i;
      let end = text.indexOf('"', i + 1);
      while (text.charCodeAt(end - 1) === 0x5c) {
        let slashes = 1;
        while (text.charCodeAt(end - 1 - slashes) === 0x5c) slashes++;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      i = end + 1;
      // A string in a mapping with no key pending is a key.
      if (keyOffset < 0 && index.inMapping()) {
        const raw = text.slice(start + 1, end);
        const name = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (forbidden.has(name)) diagnostics.push({ code: 'BNK_ERR_FORBIDDEN_KEY', message: `key "${name}" is not allowed`, loc: position(start) });
        else if (index.hasKey(name))
          diagnostics.push({ code: 'BNK_ERR_SYNTAX', message: `Map keys must be unique ("${name}" appears twice)`, loc: position(start) });
        keyName = name;
        keyOffset = start;
      } else {
        index.scalar(start, keyName, keyOffset);
        keyOffset = -1;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      index.openContainer(i, c === 0x7b, keyName, keyOffset);
      keyOffset = -1;
      if (++depth > maxDepth) {
        return { index, diagnostics: [{ code: 'BNK_ERR_TOO_DEEP', message: `nesting deeper than ${maxDepth} levels`, loc: position(i) }] };
      }
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      index.close();
      depth--;
      i++;
    } else {
      // A number, true, false or null: up to the next delimiter.
      const start = i;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x2c || d === 0x7d || d === 0x5d || d <= 0x20) break;
        i++;
      }
      index.scalar(start, keyName, keyOffset);
      keyOffset = -1;
    }
  }
  return { index, diagnostics };
}
