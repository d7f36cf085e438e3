// The YAML reader: js-yaml's parser gives a flat list of events with source offsets; one
// iterative pass of our own over them builds the data (YAML 1.2 core schema, js-yaml's
// resolver) and the position index, and finds duplicate and forbidden keys, aliases that
// contain themselves and the alias expansion count. Every message is ours.

import { CORE_SCHEMA, constructFromEvents, EVENT_ID, type Event, getScalarValue, parseEvents, SCALAR_STYLE, type ScalarEvent, YAMLException } from 'js-yaml';
import type { Diagnostic, ErrorCode, Loc } from '../errors.ts';
import { lineColumn, PositionIndex } from './positions.ts';
import { readYamlFast } from './yaml-fast.ts';

export interface YamlSource {
  readonly data: unknown;
  /** Refusals, all of one kind (syntax, then forbidden keys, then aliases, in that order). */
  readonly diagnostics: Diagnostic[];
  locate(path: readonly PropertyKey[], key?: boolean): Loc;
}

export interface YamlLimits {
  readonly maxDepth: number;
  readonly maxAliases: number;
}

/** A mapping or sequence being read: its index entry, and what its close must settle. */
interface Frame {
  /** A mapping (else a sequence), and where it starts. */
  readonly mapping: boolean;
  readonly offset: number;
  /** The container's data, when this pass builds it. */
  readonly data: unknown[] | Record<string, unknown> | undefined;
  readonly anchor: string | undefined;
  /** Alias expansions inside this container, its own nested aliases expanded. */
  aliases: number;
  /** In a mapping, whether a key was read whose value comes next (fields, not an object per key). */
  hasKey: boolean;
  /** That key as the data has it; undefined for a refused key. */
  keyName: string | undefined;
  keyOffset: number;
  keyEnd: number;
}

export function readYaml(text: string, file: string, forbidden: ReadonlySet<string>, limits: YamlLimits): YamlSource {
  // Topologies as write.ts writes them (and most written by hand) take the fast path.
  const fast = readYamlFast(text, forbidden, limits.maxDepth);
  if (fast) return { data: fast.data, diagnostics: [], locate: fast.index.locator(lineColumn(text, file)) };
  return readYamlEvents(text, file, forbidden, limits);
}

/** The YAML reader on js-yaml's events: every document, every refusal and its message. */
export function readYamlEvents(text: string, file: string, forbidden: ReadonlySet<string>, limits: YamlLimits): YamlSource {
  const position = lineColumn(text, file);
  const refuse = (code: ErrorCode, message: string, offset: number): YamlSource => ({
    data: undefined,
    diagnostics: [{ code, message, loc: position(offset) }],
    locate: () => position(0),
  });

  let events: Event[];
  try {
    // js-yaml's own depth limit is only a backstop: the pre-scan (source.ts) refuses deep
    // nesting first, at its exact place, before the (recursive) parser runs.
    events = parseEvents(text, { maxDepth: limits.maxDepth + 1 });
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const offset = error.mark?.position ?? 0;
    if (/maxDepth/.test(error.reason)) return refuse('BNK_ERR_TOO_DEEP', `nesting deeper than ${limits.maxDepth} levels`, offset);
    return refuse('BNK_ERR_SYNTAX', parserMessage(error.reason), errorOffset(text, error.reason, offset));
  }

  // Untagged documents (all that bunkatsu writes) are built here, in the same pass; a document
  // with a tag anywhere is built by js-yaml's constructor, which knows the core schema's tags.
  let build = true;
  const syntax: Diagnostic[] = [];
  const refused: Diagnostic[] = [];
  const stack: Frame[] = [];
  /** Anchor name to its value and the alias expansions inside it (0 for a scalar). */
  const anchors = new Map<string, { readonly value: unknown; readonly inside: number }>();
  const open = new Set<string>();
  const index = new PositionIndex();
  let rootData: unknown = null;
  let documents = 0;
  let expansions = 0;
  /** The furthest offset seen, where the search for a second document's marker starts. */
  let reached = 0;

  /**
   * Places a value (its index entry and its data) in the open container, or as the root;
   * `opens` when the value is a mapping or sequence starting at `at`, which the index opens.
   */
  const place = (top: Frame | undefined, at: number, value: unknown, opens?: 'mapping' | 'sequence'): void => {
    if (!top) {
      if (opens) index.openContainer(at, opens === 'mapping');
      rootData = value;
      return;
    }
    if (!top.mapping) {
      // An empty entry ("- " and nothing) sits after its dash.
      if (at === -1) {
        at = text.indexOf('-', reached);
        if (at < 0) at = reached;
        else for (at++; text[at] === ' ' || text[at] === '\t'; ) at++;
      }
      if (opens) index.openContainer(at, opens === 'mapping');
      else index.scalar(at);
      if (build) (top.data as unknown[]).push(value);
      return;
    }
    // A null value (`key:` and nothing) sits after the ":" and its spaces, as editors show it.
    if (at === -1) {
      at = text.indexOf(':', Math.max(top.keyEnd, top.keyOffset));
      if (at < 0) at = top.keyOffset;
      else for (at++; text[at] === ' ' || text[at] === '\t'; ) at++;
    }
    const name = top.keyName;
    if (opens) index.openContainer(at, opens === 'mapping', name, top.keyOffset);
    else index.scalar(at, name, top.keyOffset);
    if (name !== undefined && build) (top.data as Record<string, unknown>)[name] = value;
    top.hasKey = false;
  };
  /** Records a mapping key (the core-schema value as a string, as the constructor makes it). */
  const setKey = (top: Frame, name: string, at: number, end: number): void => {
    top.hasKey = true;
    top.keyOffset = at;
    top.keyEnd = end;
    if (forbidden.has(name)) {
      refused.push({ code: 'BNK_ERR_FORBIDDEN_KEY', message: `key "${name}" is not allowed`, loc: position(at) });
      top.keyName = undefined;
    } else {
      if (index.hasKey(name)) syntax.push({ code: 'BNK_ERR_SYNTAX', message: `Map keys must be unique ("${name}" appears twice)`, loc: position(at) });
      top.keyName = name;
    }
  };

  const complexKey = (at: number): void => {
    syntax.push({ code: 'BNK_ERR_SYNTAX', message: 'a key must be a plain value, not a list or a mapping', loc: position(at) });
  };

  walk: for (const e of events) {
    switch (e.type) {
      case EVENT_ID.DOCUMENT:
        if (++documents > 1) {
          const marker = /^---(?=[ \t\r\n]|$)/m.exec(text.slice(reached));
          syntax.push({
            code: 'BNK_ERR_SYNTAX',
            message: 'the file holds more than one YAML document (a second "---"); a topology is one document',
            loc: position(marker ? reached + marker.index : reached),
          });
          break walk;
        }
        break;
      case EVENT_ID.SCALAR: {
        const at = scalarOffset(text, e);
        if (e.valueEnd > reached) reached = e.valueEnd;
        if (e.tagStart >= 0) build = false;
        const raw = getScalarValue(text, e);
        const value = e.style === SCALAR_STYLE.PLAIN && e.tagStart < 0 ? CORE_SCHEMA.resolveImplicitScalarTag(raw).value : raw;
        if (e.anchorStart >= 0) anchors.set(text.slice(e.anchorStart, e.anchorEnd), { value, inside: 0 });
        const top = stack[stack.length - 1];
        if (top?.mapping && !top.hasKey) setKey(top, String(value), at < 0 ? top.offset : at, e.valueEnd);
        else place(top, at, value);
        break;
      }
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING: {
        if (e.start > reached) reached = e.start;
        if (e.tagStart >= 0) build = false;
        const top = stack[stack.length - 1];
        if (top?.mapping && !top.hasKey) {
          complexKey(e.start);
          break walk;
        }
        const mapping = e.type === EVENT_ID.MAPPING;
        const data = build ? (mapping ? {} : []) : undefined;
        place(top, e.start, data, mapping ? 'mapping' : 'sequence');
        const anchor = e.anchorStart >= 0 ? text.slice(e.anchorStart, e.anchorEnd) : undefined;
        if (anchor !== undefined) open.add(anchor);
        stack.push({ mapping, offset: e.start, data, anchor, aliases: 0, hasKey: false, keyName: undefined, keyOffset: 0, keyEnd: 0 });
        break;
      }
      case EVENT_ID.ALIAS: {
        const name = text.slice(e.anchorStart, e.anchorEnd);
        const at = e.anchorStart - 1;
        if (e.anchorEnd > reached) reached = e.anchorEnd;
        if (open.has(name)) {
          syntax.push({
            code: 'BNK_ERR_SYNTAX',
            message: `alias *${name} refers to the list or mapping that contains it; a document must be a tree`,
            loc: position(at),
          });
          break walk;
        }
        const anchor = anchors.get(name);
        if (anchor === undefined) {
          syntax.push({ code: 'BNK_ERR_SYNTAX', message: `alias *${name} has no anchor &${name} before it`, loc: position(at) });
          break walk;
        }
        // Each alias counts once plus every alias inside what it points to, expanded.
        const weight = 1 + anchor.inside;
        expansions += weight;
        const top = stack[stack.length - 1];
        if (top) top.aliases += weight;
        if (top?.mapping && !top.hasKey) {
          if (anchor.value !== null && typeof anchor.value === 'object') {
            complexKey(at);
            break walk;
          }
          setKey(top, String(anchor.value), at, e.anchorEnd);
        } else place(top, at, anchor.value);
        break;
      }
      case EVENT_ID.POP: {
        const frame = stack.pop();
        if (!frame) break;
        index.close();
        if (frame.anchor !== undefined) {
          open.delete(frame.anchor);
          anchors.set(frame.anchor, { value: frame.data, inside: frame.aliases });
        }
        const parent = stack[stack.length - 1];
        if (parent) parent.aliases += frame.aliases;
        break;
      }
    }
  }
  const fail = syntax.length > 0 ? syntax : refused;
  if (fail.length > 0) return { data: undefined, diagnostics: fail, locate: () => position(0) };
  if (expansions > limits.maxAliases) {
    return refuse('BNK_ERR_ALIAS_LIMIT', `too many alias expansions (limit ${limits.maxAliases})`, 0);
  }

  let data = rootData;
  if (!build) {
    try {
      // The walk has counted and bounded the aliases; the constructor shares aliased values.
      data = constructFromEvents(events, { source: text, schema: CORE_SCHEMA, maxAliases: -1 })[0] ?? null;
    } catch (error) {
      if (!(error instanceof YAMLException)) throw error;
      return refuse('BNK_ERR_SYNTAX', constructorMessage(error.reason), error.mark?.position ?? 0);
    }
  }
  return { data, diagnostics: [], locate: index.locator(position) };
}

/** Where a scalar starts as an editor shows it: at its quote or block indicator; -1 for an empty one. */
function scalarOffset(text: string, e: ScalarEvent): number {
  if (e.valueStart < 0) return -1;
  switch (e.style) {
    case SCALAR_STYLE.SINGLE_QUOTED:
    case SCALAR_STYLE.DOUBLE_QUOTED:
      return e.valueStart - 1;
    case SCALAR_STYLE.LITERAL_BLOCK:
    case SCALAR_STYLE.FOLDED_BLOCK: {
      // The content starts on the line after the header ("|", ">-", "|2 # comment").
      const headerEnd = text.lastIndexOf('\n', e.valueStart - 1);
      const headerStart = text.lastIndexOf('\n', headerEnd - 1) + 1;
      const m = /(?:^|[ \t])([|>])[-+1-9]*[ \t]*(?:#.*)?\r?$/.exec(text.slice(headerStart, headerEnd));
      return m ? headerStart + m.index + m[0].indexOf(m[1]!) : e.valueStart;
    }
    default:
      return e.valueStart;
  }
}

/**
 * A one-line mapping value that is itself a mapping (`id: a: b`): js-yaml points at the second
 * ":"; the place to fix is the start of the key before it.
 */
function errorOffset(text: string, reason: string, offset: number): number {
  if (reason !== 'bad indentation of a mapping entry' || text[offset] !== ':') return offset;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const m = /^(?:.*(?::|-|\?)[ \t]+|[ \t]*)/.exec(before);
  return lineStart + (m ? m[0].length : 0);
}

/** Our wording for the parser's refusals; anything else keeps the parser's reason. */
const PARSER_MESSAGES: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /^bad indentation of a mapping entry$/,
    'a mapping entry is not where its indentation puts it (a mapping inside a one-line value, or a key indented wrongly)',
  ],
  [/^bad indentation of a sequence entry$/, 'a list entry ("- ") is not where its indentation puts it'],
  [/^tab characters must not be used in indentation$/, 'a tab is used for indentation; YAML indents with spaces only'],
  [/^deficient indentation$/, 'the text ends or dedents inside a value (an unclosed quote, bracket or brace?)'],
  [/^missed comma between flow collection entries$/, 'a comma is missing between two entries of a [list] or {mapping}'],
  [/^unexpected end of the (?:stream|document) within a (?:single|double) quoted scalar$/, 'a quoted string is not closed'],
  [/^unexpected end of the stream within a flow collection$/, 'a [list] or {mapping} is not closed'],
  [/^null byte is not allowed in input$/, 'the text contains a NUL character'],
  [/^the stream contains non-printable characters$/, 'the text contains a control character that YAML does not allow'],
  [/^unknown escape sequence$/, 'unknown escape sequence in a double-quoted string'],
  [/^end of the stream or a document separator is expected$/, 'unexpected text after the end of the document'],
];

function parserMessage(reason: string): string {
  for (const [pattern, message] of PARSER_MESSAGES) if (pattern.test(reason)) return message;
  return `not valid YAML: ${reason}`;
}

function constructorMessage(reason: string): string {
  let m = /^unknown (?:scalar|mapping|sequence) tag !<(.*)>$/.exec(reason);
  if (m) return `unknown tag ${shortTag(m[1]!)}: a topology holds plain YAML 1.2 values (strings, numbers, true/false, null, lists, mappings)`;
  m = /^cannot resolve a node with !<(.*)> explicit tag$/.exec(reason);
  if (m) return `the value does not fit its tag ${shortTag(m[1]!)}`;
  if (/complex keys/.test(reason)) return 'a key must be a plain value, not a list or a mapping';
  return `not valid YAML: ${reason}`;
}

const shortTag = (tag: string): string => (tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice(18)}` : tag);
