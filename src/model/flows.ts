// Flows files (SPEC §5: "a flows file ... in the same style"): a network's flow intents,
// approved exceptions and α' cloud services kept beside its topology, e.g. for a topology that
// `bunkatsu import` writes anew from the configurations, or one a vendor keeps while the city
// keeps its own intents. Each list is added after the topology's own; its items are read as the
// topology's are, and every diagnostic and finding about one points into the flows file.
//
//   bunkatsu-flows: 1
//   topology: alpha-city.yaml        # informative
//   intents: [...]                   # as in a topology
//   exceptions: [...]
//   cloudServices: [...]

import { InputError, type Diagnostic } from '../errors.ts';
import { topologyJsonSchema } from './schema.ts';
import { readSource, type SourceDocument } from './source.ts';

export const FLOWS_MARKER = 'bunkatsu-flows';
export const FLOWS_FORMAT_VERSION = 1;
/** The lists a flows file may hold: the topology's lists of flows. */
export const FLOW_LISTS = ['intents', 'exceptions', 'cloudServices'] as const;
const KEYS: ReadonlySet<string> = new Set(['$schema', FLOWS_MARKER, 'topology', 'description', ...FLOW_LISTS]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A flows file's text, read (InputError at its line when it is no YAML or JSON); withFlows checks its top level. */
export function readFlows(text: string, file: string): SourceDocument {
  const read = readSource(text, file);
  if (!read.ok) throw new InputError(read.diagnostics);
  return read.doc;
}

/** The problems of a flows file's top level (its items are the topology schema's to read). */
function flowsProblems(flows: SourceDocument): Diagnostic[] {
  const at = (path: readonly PropertyKey[], key = false) => flows.locate(path, key);
  const data = flows.data;
  if (!isObj(data)) {
    return [
      {
        code: 'BNK_ERR_SCHEMA',
        message: `a flows file is a mapping with "${FLOWS_MARKER}: 1" and lists of intents, exceptions and cloudServices`,
        ja: `フローファイルは "${FLOWS_MARKER}: 1" と intents・exceptions・cloudServices のリストからなるマッピングです`,
        loc: at([]),
      },
    ];
  }
  const problems: Diagnostic[] = [];
  if (data[FLOWS_MARKER] !== FLOWS_FORMAT_VERSION) {
    const given = data[FLOWS_MARKER] === undefined ? 'missing' : JSON.stringify(data[FLOWS_MARKER]);
    problems.push({
      code: 'BNK_ERR_SCHEMA',
      message: `"${FLOWS_MARKER}" must be ${FLOWS_FORMAT_VERSION} (the flows file format this bunkatsu reads), not ${given}`,
      ja: `"${FLOWS_MARKER}" は ${FLOWS_FORMAT_VERSION}（この bunkatsu が読むフローファイルの形式）です（${given === 'missing' ? '指定がありません' : `${given} と書かれています`}）`,
      loc: at(data[FLOWS_MARKER] === undefined ? [] : [FLOWS_MARKER]),
    });
  }
  for (const key of Object.keys(data)) {
    if (!KEYS.has(key)) {
      problems.push({
        code: 'BNK_ERR_SCHEMA',
        message: `unknown field "${key}" in a flows file (known: ${[...KEYS].join(', ')})`,
        ja: `フローファイルの項目 "${key}" は不明です（使える項目: ${[...KEYS].join('、')}）`,
        loc: at([key], true),
      });
    }
  }
  for (const key of ['$schema', 'topology', 'description'] as const) {
    if (data[key] !== undefined && typeof data[key] !== 'string') {
      problems.push({ code: 'BNK_ERR_SCHEMA', message: `"${key}" is text`, ja: `"${key}" は文字列で書きます`, loc: at([key]) });
    }
  }
  for (const key of FLOW_LISTS) {
    if (data[key] !== undefined && !Array.isArray(data[key])) {
      problems.push({ code: 'BNK_ERR_SCHEMA', message: `"${key}" is a list`, ja: `"${key}" はリストで書きます`, loc: at([key]) });
    }
  }
  return problems;
}

/**
 * The topology with the flows files' intents, exceptions and cloud services added after its own,
 * as one document: its locations of those items are in the flows file they came from.
 * InputError when a flows file's top level is wrong (its items are checked with the topology's).
 */
export function withFlows(topology: SourceDocument, flows: readonly SourceDocument[]): SourceDocument {
  if (flows.length === 0) return topology;
  const problems = flows.flatMap(flowsProblems);
  if (problems.length > 0) throw new InputError(problems);
  if (!isObj(topology.data)) return topology;
  const data: Obj = { ...topology.data };
  /** Per list: how many items are the topology's own, and where each added one came from. */
  const sources = new Map<string, { own: number; added: Array<{ doc: SourceDocument; index: number }> }>();
  for (const key of FLOW_LISTS) {
    const own = data[key];
    // A list the topology itself gets wrong stays as it is, for the topology's schema to report.
    if (own !== undefined && !Array.isArray(own)) continue;
    const added: unknown[] = [];
    const from: Array<{ doc: SourceDocument; index: number }> = [];
    for (const doc of flows) {
      const list = (doc.data as Obj)[key];
      if (!Array.isArray(list)) continue;
      list.forEach((item, index) => {
        added.push(item);
        from.push({ doc, index });
      });
    }
    if (added.length === 0) continue;
    const ownItems = (own as unknown[] | undefined) ?? [];
    data[key] = [...ownItems, ...added];
    sources.set(key, { own: ownItems.length, added: from });
  }
  return {
    data,
    file: topology.file,
    locate(path, key) {
      const [list, index] = path;
      const of = typeof list === 'string' ? sources.get(list) : undefined;
      const source = of && typeof index === 'number' && index >= of.own ? of.added[index - of.own] : undefined;
      if (!source) return topology.locate(path, key);
      return source.doc.locate([list!, source.index, ...path.slice(2)], key);
    },
  };
}

/** The JSON Schema of a flows file (for editors and validators): its lists are the topology schema's. */
export function flowsJsonSchema(): Record<string, unknown> {
  const topology = topologyJsonSchema() as { $schema: string; properties: Record<string, unknown> };
  return {
    title: 'bunkatsu flows file (format version 1)',
    $schema: topology.$schema,
    type: 'object',
    description: "A network's flow intents, approved exceptions and cloud services kept beside its topology (docs/topology-format.md#flows-files)",
    properties: {
      $schema: topology.properties.$schema,
      [FLOWS_MARKER]: { const: FLOWS_FORMAT_VERSION, description: 'Flows file format version' },
      topology: { type: 'string', description: 'The topology the flows belong to (informative)' },
      description: { type: 'string' },
      ...Object.fromEntries(FLOW_LISTS.map((key) => [key, topology.properties[key]])),
    },
    required: [FLOWS_MARKER],
    additionalProperties: false,
  };
}
