// The commands as a table: each one's arguments and options (data, turned into commander calls
// by main.ts) and its run: parse the arguments -> call the library -> render; it returns the
// exit code. Input from disk goes through input.ts; everything else comes from src/index.ts.

import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { availableParallelism } from 'node:os';
import {
  BUNDLED_POLICIES,
  checkDataplane,
  DEFAULT_ENGINE,
  DEFAULT_MAX_CLASSES,
  type Diagnostic,
  type Diagram,
  findingIds,
  matrixXlsx,
  witnessDiagram,
  zoneDiagram,
  ENGINES,
  FORMATS,
  type FormatOf,
  InputError,
  type Lang,
  type MatrixLevel,
  type ReachLevel,
  render,
  type ReportKind,
  replayLogLine,
  resolveAddress,
  resolveService,
  runCheck,
  SCALE_NAMES,
  type ScaleName,
  topologyJsonSchema,
  flowsJsonSchema,
  traceFlow,
  zoneMatrix,
} from '../essentials.ts';
import type { GeneratedModel, ImportedConfig, Inventory, Plain, Site } from '../index.ts';
import { engineFactory, fileSha256, readFlowsFile, readNetwork, readPack, readStanford, readText, today, usage } from './input.ts';
import { type Progress, progressBar } from './progress.ts';

/** Runs `work` with a progress bar that is cleared when it ends, however it ends. */
function withProgress<T>(progress: Progress, work: () => T): T {
  try {
    return work();
  } finally {
    progress.stop();
  }
}

export const EXIT = { clean: 0, findings: 1, badInput: 2, internal: 3 } as const;

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** One option as data: commander flags, help text, and what commander checks. */
export interface OptionSpec {
  readonly flags: string;
  readonly description: string;
  readonly choices?: readonly string[];
  readonly default?: string;
  readonly required?: boolean;
}

export interface CommandSpec<O = unknown> {
  /** The words that name it: ['check'], or ['import', 'stanford'] under a group. */
  readonly name: readonly string[];
  readonly description: string;
  /** Positional arguments: commander syntax ('<topology>', '[x]', '<a...>') and help text. */
  readonly args?: readonly (readonly [string, string])[];
  readonly options?: readonly OptionSpec[];
  /** Runs with the positional arguments and the parsed options; returns the exit code. */
  readonly run: (io: Io, args: readonly string[], opts: O) => number | Promise<number>;
}

/** Command groups (`bunkatsu import stanford`): their help text. */
export const GROUPS: Readonly<Record<string, string>> = {
  import: "convert another tool's network description into a bunkatsu topology",
  project: 'manage the projects of the HTTP API database',
  token: 'manage the bearer tokens of the HTTP API',
};

// --- Options shared by several commands.

const POLICY: OptionSpec = {
  flags: '--policy <name|file>',
  description: `policy pack: a bundled one by name (${Object.keys(BUNDLED_POLICIES).join(', ')}) or a pack YAML file (default: seed)`,
};
const LANG: OptionSpec = { flags: '--lang <lang>', description: 'message language', choices: ['ja', 'en'], default: 'en' };
const FLOWS: OptionSpec = {
  flags: '--flows <file>',
  description: 'flows file (bunkatsu-flows: 1): intents, exceptions and cloud services kept beside the topology, added to its own; see docs/topology-format.md',
};

/** Options every import command takes. */
type ImportOptions = { site?: string; output?: string; format?: 'yaml' | 'json'; lang: Lang; quiet?: boolean; strict?: boolean };
const IMPORT_OPTIONS: OptionSpec[] = [
  { flags: '--site <file>', description: 'site file (YAML or JSON): zones and domains of the interfaces, gateways, intents, exceptions; see docs/import.md' },
  { flags: '-o, --output <file>', description: 'write to a file (JSON when it ends in .json, YAML otherwise) instead of stdout' },
  { flags: '--format <format>', description: 'output format (default: from the file name; YAML on stdout)', choices: ['yaml', 'json'] },
  LANG,
  { flags: '-q, --quiet', description: 'no warnings on stderr' },
  { flags: '--strict', description: 'every warning is an error (exit 2): nothing is read approximately or left out' },
];

// --- The rest of the library (review, replay, the importers, the generator) is loaded on use:
// the CLI imports the core of the library (src/essentials.ts) statically and src/index.ts here, so
// that check and trace start without compiling and running it (docs/architecture.md).
type Library = typeof import('../index.ts');
const library = (): Promise<Library> => import('../index.ts');

/**
 * The vendors of --config, for the help text: the keys of the library's VENDOR_IMPORTERS, named
 * here because that table loads every importer (tests/cli/cli.test.ts checks that they agree).
 */
export const CONFIG_VENDORS: readonly string[] = ['fortigate', 'asa', 'paloalto', 'rtx'];

/** --config: configurations of other vendors in the same run (beside an inventory, or another vendor's files). */
const CONFIG_OPTION: OptionSpec = {
  flags: '--config <vendor:file...>',
  description: `more device configurations in the same topology, e.g. rtx:rtx01.conf (joined by hostname); vendors: ${CONFIG_VENDORS.join(', ')}; name the other files first, since --config takes every argument after it`,
};

/** The configurations of --config vendor:file, each read by its vendor's importer; their files are added to `sources`. */
function extraConfigs(lib: Library, specs: readonly string[] | undefined, sources: string[]): ImportedConfig[] {
  return (specs ?? []).map((spec) => {
    const colon = spec.indexOf(':');
    const importer = colon > 0 ? lib.VENDOR_IMPORTERS[spec.slice(0, colon)] : undefined;
    if (!importer) throw usage(`--config ${spec}: write vendor:file, the vendor one of ${Object.keys(lib.VENDOR_IMPORTERS).join(', ')}`);
    const file = spec.slice(colon + 1);
    sources.push(file);
    return importer(readText(file), file, basename(file).replace(/\.[^.]*$/, ''));
  });
}

/**
 * Composes imported configurations (and an inventory) with the site file, writes the topology,
 * warns on stderr; a progress bar on a terminal.
 */
function writeImport(
  lib: Library,
  io: Io,
  command: string,
  opts: ImportOptions,
  configs: readonly ImportedConfig[],
  sources: readonly string[],
  inventory?: Inventory,
  loadedSite?: Site,
): number {
  const progress = progressBar({ compose: 0.8, write: 0.2 }, opts);
  const { text, warnings } = withProgress(progress, () => {
    progress.update('compose', 0, 1);
    const site = loadedSite ?? (opts.site === undefined ? undefined : lib.loadSite(readText(opts.site), opts.site));
    const { doc, warnings } = lib.composeTopology(configs, site, inventory);
    if (opts.strict && warnings.length > 0) {
      throw new InputError(
        warnings.map((w) => ({
          code: 'BNK_ERR_IMPORT_STRICT' as const,
          message: `${w.en} (an error under --strict)`,
          ja: `${w.ja}（--strict のため誤りとします）`,
          loc: w.loc,
        })),
      );
    }
    progress.update('write', 0, 1);
    const text = lib.composedText(doc, opts.format ?? outputFile(opts.output), sources, {
      command: `bunkatsu import ${command}`,
      ...(opts.site ? { site: opts.site } : {}),
    });
    return { text, warnings };
  });
  if (!opts.quiet) for (const w of warnings) io.err(lib.importWarningText(w, opts.lang));
  // Not a warning: nothing was lost that could change what passes, so --strict does not count it.
  if (!opts.quiet) for (const s of lib.skippedByFile(configs)) io.err(lib.skippedSummaryText(s, opts.lang));
  if (opts.output) writeFileSync(opts.output, text);
  else io.out(text.trimEnd());
  return EXIT.clean;
}
const ENGINE: OptionSpec = { flags: '--engine <engine>', description: 'reachability engine', choices: Object.keys(ENGINES), default: DEFAULT_ENGINE };
const TODAY: OptionSpec = { flags: '--today <date>', description: 'date for exception expiry, YYYY-MM-DD (default: today)' };
const QUIET: OptionSpec = { flags: '-q, --quiet', description: 'no progress bar on stderr (there is none when stderr is not a terminal)' };
const DB: OptionSpec = { flags: '--db <file>', description: 'SQLite database file, created on first use (default: $BUNKATSU_DB or ./bunkatsu.db)' };
/** The same value on servers (which set it on each job they queue) and workers (which look for lost jobs at half that period). */
const JOB_TIMEOUT: OptionSpec = {
  flags: '--job-timeout <s>',
  description:
    'with PostgreSQL: a check job running longer is taken as lost (its worker died) and given to another worker; give servers and workers the same value (default 900)',
};
const DATABASE: OptionSpec = {
  flags: '--database <url>',
  description: 'PostgreSQL database instead of SQLite: postgres://user:password@host:port/db (default: $BUNKATSU_DATABASE)',
};
const TOPOLOGY = ['<topology>', 'topology file (YAML or JSON)'] as const;
const OUTPUT: OptionSpec = { flags: '-o, --output <file>', description: 'write to a file instead of stdout' };

/** Writes a report to the file of -o, or prints it. */
function writeOutput(io: Io, file: string | undefined, text: string): void {
  if (file) writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
  else io.out(text.trimEnd());
}

/** --format of a kind of report: its formats from the library's render table, the first the default. */
function format(kind: ReportKind, description = 'output format'): OptionSpec {
  return { flags: '--format <format>', description, choices: FORMATS[kind], default: FORMATS[kind][0]! };
}

const command = <O>(spec: CommandSpec<O>): CommandSpec => spec as unknown as CommandSpec;
const outputFile = (file: string | undefined): 'json' | 'yaml' => (file?.toLowerCase().endsWith('.json') ? 'json' : 'yaml');

// --- The server's commands load it on use, so that check and trace start without fastify and
// SQLite. In the bundle (dist/) the server is a chunk of its own, loaded here, and its pool runs
// dist/worker.mjs: no tsx at run time.
const server = (): Promise<typeof import('../server/serve.ts')> => import('../server/serve.ts');
type StoreOptions = { db?: string; database?: string };
const storeAt = async (opts: StoreOptions): Promise<string> => (await server()).storeLocation(opts.db, opts.database);

export const COMMANDS: readonly CommandSpec[] = [
  command<{
    policy?: string;
    format: FormatOf<'check'> | 'html';
    lang?: Lang;
    engine: string;
    today?: string;
    quiet?: boolean;
    output?: string;
    flows?: string;
  }>({
    name: ['check'],
    description: 'check a topology against the policy; exit 0 clean, 1 findings, 2 bad input',
    args: [TOPOLOGY],
    options: [
      POLICY,
      {
        ...format('check', 'output format: text, json, for CI sarif, junit, markdown, or html (the audit report, one printable file)'),
        choices: [...FORMATS.check, ...FORMATS.audit],
      },
      { ...LANG, description: 'message language (default: en; ja for --format html)', default: undefined },
      ENGINE,
      TODAY,
      FLOWS,
      QUIET,
      OUTPUT,
    ],
    run: (io, [file], opts) => {
      // Shares of a prefecture check's time (docs/cli.md): reading, parsing, validating, the rules.
      const lang = opts.lang ?? (opts.format === 'html' ? 'ja' : 'en');
      const progress = progressBar({ read: 0.02, parse: 0.3, validate: 0.23, rules: 0.45 }, { ...opts, lang });
      const pack = readPack(opts.policy);
      const factory = engineFactory(opts.engine);
      const day = today(opts.today);
      const { network, report } = withProgress(progress, () => {
        const network = readNetwork(file!, pack, false, progress, opts.flows);
        const report = runCheck(network, pack, {
          engineFactory: factory,
          today: day,
          onRule: (_id: string, i: number, n: number) => progress.update('rules', i, n),
        });
        return { network, report };
      });
      const text =
        opts.format === 'html'
          ? render(
              'html',
              {
                kind: 'audit',
                network,
                report,
                matrix: zoneMatrix(network, factory(network), 'zone'),
                domains: pack.domains,
                topologySha256: fileSha256(file!),
                ...(opts.flows ? { flows: [{ file: opts.flows, sha256: fileSha256(opts.flows) }] } : {}),
                date: day,
              },
              lang,
            )
          : render(opts.format, { kind: 'check', network, report }, lang);
      writeOutput(io, opts.output, text);
      return report.findings.length > 0 ? EXIT.findings : EXIT.clean;
    },
  }),

  command<{ policy?: string; format: FormatOf<'trace'>; lang: Lang; engine: string }>({
    name: ['trace'],
    description: 'show the dispositions and paths of one flow',
    args: [
      TOPOLOGY,
      ['<src>', 'source: host, zone or device id, or an IPv4 address/prefix/range or a wildcard ("10.0.0.0 0.0.0.255")'],
      ['<dst>', 'destination: host, zone or device id, or an IPv4 address/prefix/range or a wildcard ("10.0.0.0 0.0.0.255")'],
      ['<service>', 'service: a name (https, smtp, ...), protocol/port (tcp/443) or any'],
    ],
    options: [POLICY, format('trace'), LANG, ENGINE],
    run: (io, [file, src, dst, service], opts) => {
      const pack = readPack(opts.policy);
      const network = readNetwork(file!, pack, true);
      const problems: Diagnostic[] = [];
      const at = { file: '<command line>', line: 1, column: 1 };
      const from = resolveAddress(network, src!);
      const to = resolveAddress(network, dst!);
      const svc = resolveService(network, service!);
      for (const r of [from, to, svc]) if (!r.ok) problems.push({ code: 'BNK_ERR_USAGE', message: r.error, loc: at });
      if (!from.ok || !to.ok || !svc.ok) throw new InputError(problems);
      const outcomes = traceFlow(network, engineFactory(opts.engine)(network), from.value, to.value, svc.value);
      const title = opts.lang === 'ja' ? `経路の追跡 ${src} → ${dst} ${service}（${network.name}）` : `trace ${src} → ${dst} ${service}  (${network.name})`;
      io.out(render(opts.format, { kind: 'trace', network, outcomes, title, flow: { src: src!, dst: dst!, service: service! } }, opts.lang));
      return EXIT.clean;
    },
  }),

  command<{ policy?: string; format: FormatOf<'matrix'> | 'xlsx'; level: MatrixLevel; engine: string; lang: Lang; output?: string; flows?: string }>({
    name: ['matrix'],
    description: 'which services flow between every pair of zones (or domains); csv and xlsx: the 通信マトリクス with zone names, domains and sanitizers',
    args: [TOPOLOGY],
    options: [
      POLICY,
      { ...format('matrix'), choices: [...FORMATS.matrix, 'xlsx'] },
      { flags: '--level <level>', description: 'rows and columns', choices: ['zone', 'domain'], default: 'zone' },
      LANG,
      ENGINE,
      FLOWS,
      OUTPUT,
    ],
    run: async (io, [file], opts) => {
      const pack = readPack(opts.policy);
      const network = readNetwork(file!, pack, true, undefined, opts.flows);
      if (opts.format === 'xlsx' && !opts.output) throw usage('--format xlsx writes a workbook: give -o <file>.xlsx');
      const matrix = zoneMatrix(network, engineFactory(opts.engine)(network), opts.level);
      if (opts.format === 'xlsx') writeFileSync(opts.output!, await matrixXlsx(network, matrix, pack.domains, opts.lang));
      else writeOutput(io, opts.output, render(opts.format, { kind: 'matrix', network, matrix, domains: pack.domains }, opts.lang));
      return EXIT.clean;
    },
  }),

  command<{
    policy?: string;
    format: FormatOf<'diagram'>;
    finding?: string;
    focus?: string;
    depth: string;
    lang?: Lang;
    engine: string;
    today?: string;
    output?: string;
    flows?: string;
  }>({
    name: ['diagram'],
    description: "draw the zone graph (zones banded by domain, devices, links), or with --finding one finding's witness path, for a design document",
    args: [TOPOLOGY],
    options: [
      POLICY,
      format('diagram', 'svg (laid out), or dot (Graphviz) and mermaid text'),
      { flags: '--finding <id>', description: 'the id of a finding of `check --format json` (findings[].id): draw its witness path' },
      { flags: '--focus <zone|device|domain>', description: 'draw only the part of the zone graph around a zone, a device or a domain' },
      { flags: '--depth <n>', description: 'with --focus: how many edges away from it to draw', default: '2' },
      { ...LANG, description: 'language of the labels (default: ja)', default: undefined },
      ENGINE,
      TODAY,
      { ...FLOWS, description: 'with --finding: the flows file the check was made with (its intents give findings of their own)' },
      OUTPUT,
    ],
    run: (io, [file], opts) => {
      const pack = readPack(opts.policy);
      const lang = opts.lang ?? 'ja';
      let diagram: Diagram;
      if (!/^[0-9]{1,3}$/.test(opts.depth)) throw usage(`--depth must be a whole number from 0, not "${opts.depth}"`);
      if (opts.finding !== undefined && opts.focus !== undefined) throw usage('--focus draws the zone graph; it cannot go with --finding');
      if (opts.finding === undefined) {
        const network = readNetwork(file!, pack, true);
        const zones = zoneDiagram(network, pack.domains, lang, { ...(opts.focus === undefined ? {} : { focus: opts.focus }), depth: Number(opts.depth) });
        if (!zones) {
          const domains = [...new Set(network.zones.map((z) => z.domain))].join(', ');
          throw usage(`--focus "${opts.focus}" is not a zone, device or domain of this topology; its domains: ${domains}`);
        }
        diagram = zones;
      } else {
        const network = readNetwork(file!, pack, false, undefined, opts.flows);
        const report = runCheck(network, pack, { engineFactory: engineFactory(opts.engine), today: today(opts.today) });
        const ids = findingIds(report.findings);
        const at = ids.indexOf(opts.finding);
        if (at < 0)
          throw usage(
            ids.length === 0
              ? `--finding "${opts.finding}": the check has no findings`
              : `--finding "${opts.finding}" is not a finding of this check; its findings: ${ids.join(', ')}`,
          );
        const path = witnessDiagram(network, report.findings[at]!, opts.finding, pack.domains, lang);
        if (!path) throw usage(`--finding "${opts.finding}" has no witness path to draw (it is not about traffic)`);
        diagram = path;
      }
      writeOutput(io, opts.output, render(opts.format, { kind: 'diagram', diagram }, lang));
      return EXIT.clean;
    },
  }),

  command<{ policy?: string; level: ReachLevel; format: FormatOf<'dataplane'>; maxClasses: string; lang: Lang; engine: string; quiet?: boolean }>({
    name: ['dataplane'],
    description:
      'data-plane checks: forwarding loops and black holes per header class with witness paths, intended drops, reachability between devices (or ports); exit 0 clean, 1 loops or black holes, 2 bad input',
    args: [TOPOLOGY],
    options: [
      POLICY,
      { flags: '--level <level>', description: 'reachability between devices or between ports', choices: ['device', 'port'], default: 'device' },
      format('dataplane'),
      {
        flags: '--max-classes <n>',
        description: 'report at most this many loop classes (the report says when the bound is hit)',
        default: String(DEFAULT_MAX_CLASSES),
      },
      LANG,
      ENGINE,
      QUIET,
    ],
    run: (io, [file], opts) => {
      if (!/^[0-9]{1,9}$/.test(opts.maxClasses) || Number(opts.maxClasses) < 1)
        throw usage(`--max-classes must be a whole number from 1, not "${opts.maxClasses}"`);
      // The engine's own steps are not counted: the bar shows the load, then the check as one phase.
      const progress = progressBar({ read: 0.02, parse: 0.2, validate: 0.13, dataplane: 0.65 }, opts);
      const { network, report } = withProgress(progress, () => {
        const pack = readPack(opts.policy);
        const network = readNetwork(file!, pack, true, progress);
        progress.update('dataplane', 0, 1);
        const report = checkDataplane(network, { level: opts.level, maxClasses: Number(opts.maxClasses), engineFactory: engineFactory(opts.engine) });
        return { network, report };
      });
      io.out(render(opts.format, { kind: 'dataplane', network, report }, opts.lang));
      return report.loops.length > 0 || report.blackHoles.length > 0 ? EXIT.findings : EXIT.clean;
    },
  }),

  command<{ policy?: string; format: FormatOf<'review'>; lang: Lang; engine: string; today?: string; flows?: string }>({
    name: ['review'],
    description:
      'review a change: flows opened and closed, findings introduced and resolved, intents broken; verdict. Exit 0 approve, 1 reject or needs attention, 2 bad input',
    args: [
      ['<topology>', 'the topology before the change (YAML or JSON)'],
      ['<change>', 'a change file (bunkatsu-change: 1), or the whole topology after the change'],
    ],
    options: [POLICY, format('review'), LANG, ENGINE, TODAY, FLOWS],
    run: async (io, [file, second], opts) => {
      const { loadReviewTopology, reviewChange } = await library();
      const engine = engineFactory(opts.engine);
      const pack = readPack(opts.policy);
      const flows = readFlowsFile(opts.flows);
      const base = loadReviewTopology(readText(file!), file!, pack, flows);
      const day = today(opts.today);
      const { report, networks } = reviewChange({ base, change: readText(second!), file: second!, pack, today: day, engine, flows });
      io.out(render(opts.format, { kind: 'review', report, networks }, opts.lang));
      return report.verdict === 'approve' ? EXIT.clean : EXIT.findings;
    },
  }),

  command<{
    down?: string[];
    sweep?: string;
    policy?: string;
    format: FormatOf<'sweep'> & FormatOf<'review'>;
    lang: Lang;
    engine: string;
    today?: string;
    flows?: string;
  }>({
    name: ['simulate'],
    description: 'what-if failures: --down shows what taking elements out of service changes; --sweep n-1 lists the flow intents some single failure cuts',
    args: [TOPOLOGY],
    options: [
      { flags: '--down <element...>', description: 'devices, links (a:x--b:y) or attachments (device:interface) out of service' },
      { flags: '--sweep <kind>', description: 'try every single link, attachment and device failure', choices: ['n-1'] },
      POLICY,
      format('sweep'),
      LANG,
      ENGINE,
      TODAY,
      FLOWS,
    ],
    run: async (io, [file], opts) => {
      if (!opts.down && !opts.sweep) throw usage('give --down <element...> or --sweep n-1');
      const { loadReviewTopology, prepareReview, reviewChange, sweepSingleFailures } = await library();
      const engine = engineFactory(opts.engine);
      const pack = readPack(opts.policy);
      const topology = loadReviewTopology(readText(file!), file!, pack, readFlowsFile(opts.flows));
      const day = today(opts.today);
      const prepared = prepareReview(topology, pack, day, engine);
      const network = topology.network;
      if (opts.sweep) {
        const result = sweepSingleFailures(prepared.base);
        io.out(render(opts.format, { kind: 'sweep', network, file: file!, result }, opts.lang));
        return result.byIntent.size > 0 ? EXIT.findings : EXIT.clean;
      }
      // --down is the review of a change file with one `down` operation.
      const change = JSON.stringify({ 'bunkatsu-change': 1, changes: [{ down: opts.down! }] });
      const { report, networks } = reviewChange({ base: prepared, change, file: '<command line>', pack, today: day, accept: 'change' });
      io.out(render(opts.format, { kind: 'review', report, networks }, opts.lang));
      return report.intentsBroken.length > 0 || report.findingsIntroduced.length > 0 ? EXIT.findings : EXIT.clean;
    },
  }),

  command<{ output?: string; site?: boolean; flows?: boolean }>({
    name: ['schema'],
    description:
      'print the JSON Schema of the topology format, or with --site of the site file of `import`, or with --flows of a flows file (for editors and validators)',
    options: [
      { flags: '-o, --output <file>', description: 'write to a file instead of stdout' },
      { flags: '--site', description: 'the schema of the site file (bunkatsu import) instead of the topology' },
      { flags: '--flows', description: 'the schema of a flows file (bunkatsu-flows: 1) instead of the topology' },
    ],
    run: async (io, _args, opts) => {
      if (opts.site && opts.flows) throw usage('give --site or --flows, not both');
      const schema = opts.site ? (await library()).siteJsonSchema() : opts.flows ? flowsJsonSchema() : topologyJsonSchema();
      const text = `${JSON.stringify(schema, null, 2)}\n`;
      if (opts.output) writeFileSync(opts.output, text);
      else io.out(text.trimEnd());
      return EXIT.clean;
    },
  }),

  command<{
    scale: ScaleName;
    seed: string;
    model: GeneratedModel;
    clean?: boolean;
    output?: string;
    format?: 'yaml' | 'json';
    planted?: string;
    lang: Lang;
    quiet?: boolean;
  }>({
    name: ['generate'],
    description: 'write a deterministic municipal topology with planted violations (benchmarks, tests, demos)',
    options: [
      {
        flags: '--scale <scale>',
        description: 'size: tiny and small for tests and demos; city, metro, prefecture as in SPEC §6',
        choices: [...SCALE_NAMES],
        default: 'city',
      },
      { flags: '--seed <n>', description: 'random seed (same seed, same file)', default: '1' },
      {
        flags: '--model <model>',
        description: 'MIC model: alpha (terminals in LGWAN) or beta (terminals on the Internet side)',
        choices: ['alpha', 'beta'],
        default: 'alpha',
      },
      { flags: '--clean', description: 'plant no violations (the check then reports nothing)' },
      { flags: '-o, --output <file>', description: 'write to a file (JSON when it ends in .json, YAML otherwise) instead of stdout' },
      { flags: '--format <format>', description: 'output format (default: from the file name; YAML on stdout)', choices: ['yaml', 'json'] },
      { flags: '--planted <file>', description: 'write the planted violations as JSON ({rule, subject, ...} per violation)' },
      LANG,
      { flags: '-q, --quiet', description: 'no progress bar and no summary on stderr' },
    ],
    run: async (io, _args, opts) => {
      if (!/^[0-9]{1,10}$/.test(opts.seed) || Number(opts.seed) > 0xffffffff) throw usage(`--seed must be an integer from 0 to 4294967295, not "${opts.seed}"`);
      const { generateTopology, headerLines, toJson, toYaml } = await library();
      const started = Date.now();
      // Shares of a prefecture's time: the municipalities, then the text (no progress inside it).
      const progress = progressBar({ generate: 0.3, write: 0.7 }, opts);
      const options = { scale: opts.scale, seed: Number(opts.seed), model: opts.model, violations: !opts.clean };
      const format = opts.format ?? outputFile(opts.output);
      const { result, text } = withProgress(progress, () => {
        const result = generateTopology({ ...options, onProgress: (done: number, total: number) => progress.update('generate', done, total) });
        progress.update('write', 0, 1);
        const doc = result.topology as unknown as Record<string, Plain | undefined>;
        return { result, text: format === 'json' ? toJson(doc) : toYaml(doc, headerLines(result, options)) };
      });
      if (opts.output) writeFileSync(opts.output, text);
      else io.out(text.trimEnd());
      if (opts.planted) writeFileSync(opts.planted, `${JSON.stringify(result.planted, null, 2)}\n`);
      if (!opts.quiet) {
        const s = result.stats;
        const byRule = new Map<string, number>();
        for (const p of result.planted) byRule.set(p.rule, (byRule.get(p.rule) ?? 0) + 1);
        io.err(
          `generated ${opts.scale} (${opts.model}, seed ${opts.seed}) in ${((Date.now() - started) / 1000).toFixed(2)} s: ${s.zones} zones, ${s.hosts} hosts (${s.hostEntries} entries), ` +
            `${s.devices} devices (${s.firewalls} firewalls), ${s.rules} rules, ${s.links} links, ${s.intents} intents, ${s.municipalities} municipalities; ` +
            `${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB ${format}${opts.output ? ` → ${opts.output}` : ''}`,
        );
        io.err(`planted violations: ${result.planted.length}${[...byRule].map(([r, n]) => `\n  ${r}: ${n}`).join('')}`);
      }
      return EXIT.clean;
    },
  }),

  // --- Data planes from other tools: import stanford, replay.

  command<{ output?: string; at?: string; lang: Lang }>({
    name: ['import', 'stanford'],
    description: 'the Stanford backbone data plane (APKeep networks/stanford: topo.txt, vlan.txt, acls/, updates) as a topology',
    args: [['<dir>', 'the data set folder']],
    options: [
      { flags: '-o, --output <file>', description: 'write to a file (JSON when it ends in .json, YAML otherwise) instead of stdout' },
      { flags: '--at <n>', description: 'rules in force after the first n update lines (default: the point with the most rules)' },
      LANG,
    ],
    run: async (io, [dir], opts) => {
      const { fullestPoint, parseStanford, stanfordText, stanfordTopology } = await library();
      const data = parseStanford(readStanford(dir!));
      let at = fullestPoint(data.updates);
      if (opts.at !== undefined) {
        if (!/^[0-9]{1,9}$/.test(opts.at) || Number(opts.at) > data.updates.length)
          throw usage(`--at must be a whole number from 0 to ${data.updates.length} (the update lines), not "${opts.at}"`);
        at = Number(opts.at);
      }
      const text = stanfordText(stanfordTopology(data, at), outputFile(opts.output));
      if (opts.output) writeFileSync(opts.output, text);
      else io.out(text.trimEnd());
      return EXIT.clean;
    },
  }),

  ...(
    [
      {
        vendor: 'fortigate',
        parser: 'parseFortigate',
        description:
          'FortiGate configurations (FortiOS `show` or backup text; one device per VDOM) and an optional site file as one topology; warnings (file:line) on stderr',
        args: [['<config...>', 'FortiGate configuration files']],
      },
      {
        vendor: 'paloalto',
        parser: 'parsePaloalto',
        description:
          'Palo Alto configurations (PAN-OS XML: `show config running` or running-config.xml, or set format; one device per vsys) and an optional site file as one topology; warnings (file:line) on stderr',
        args: [['<config...>', 'PAN-OS configuration files (XML or set format)']],
      },
      {
        vendor: 'asa',
        parser: 'parseAsa',
        description:
          'Cisco ASA configurations (`show running-config`: ACLs bound per interface, object-groups, security levels) and an optional site file as one topology; warnings (file:line) on stderr',
        args: [['<config...>', 'ASA configuration files']],
      },
      {
        vendor: 'rtx',
        parser: 'parseRtx',
        description:
          'YAMAHA RTX configurations (`show config`: ip filter lists bound per interface and direction, dynamic filters, ip route; the device is named after the file) and an optional site file as one topology; warnings (file:line) on stderr',
        args: [['<config...>', 'RTX configuration files']],
      },
    ] as const
  ).map(({ vendor, parser, description, args }) =>
    command<ImportOptions & { config?: string[] }>({
      name: ['import', vendor],
      description,
      args: [...args],
      options: [...IMPORT_OPTIONS, CONFIG_OPTION],
      run: async (io, files, opts) => {
        const lib = await library();
        const sources = [...files];
        const configs = files.map((file) => lib[parser](readText(file), file, basename(file).replace(/\.[^.]*$/, '')));
        return writeImport(lib, io, vendor, opts, [...configs, ...extraConfigs(lib, opts.config, sources)], sources);
      },
    }),
  ),

  ...(['iptables', 'nftables'] as const).map((vendor) =>
    command<ImportOptions & { addresses?: string; routes?: string; config?: string[] }>({
      name: ['import', vendor],
      description: `Linux ${vendor === 'iptables' ? '`iptables-save`' : '`nft list ruleset`'} output (the FORWARD hook, one host per file) with the host's \`ip addr\` / \`ip route\` output and an optional site file as one topology; warnings (file:line) on stderr`,
      args: [['<rules...>', `${vendor === 'iptables' ? 'iptables-save' : 'nft list ruleset'} output files, one per host (the device is named after the file)`]],
      options: [
        ...IMPORT_OPTIONS,
        { flags: '--addresses <files>', description: '`ip addr` (or `ip -j addr`) output of each host, comma-separated in the order of the rules files' },
        { flags: '--routes <files>', description: '`ip route` (or `ip -j route`) output of each host, comma-separated in the order of the rules files' },
        CONFIG_OPTION,
      ],
      run: async (io, files, opts) => {
        const lib = await library();
        const perHost = (option: string, list: string | undefined): Array<{ text: string; file: string } | undefined> => {
          const names = list === undefined ? [] : list.split(',');
          if (names.length > files.length)
            throw usage(`--${option} names ${names.length} files for ${files.length} rules files: give one per rules file, in their order`);
          return files.map((_, i) => (names[i] ? { text: readText(names[i]!), file: names[i]! } : undefined));
        };
        const addresses = perHost('addresses', opts.addresses);
        const routes = perHost('routes', opts.routes);
        const parse = vendor === 'iptables' ? lib.parseIptables : lib.parseNftables;
        const configs = files.map((file, i) =>
          parse(readText(file), file, basename(file).replace(/\.[^.]*$/, ''), {
            ...(addresses[i] ? { addresses: addresses[i] } : {}),
            ...(routes[i] ? { routes: routes[i] } : {}),
          }),
        );
        // The host files are inputs too: the header of the topology names them.
        const sources = files.flatMap((file, i) => [file, ...[addresses[i], routes[i]].flatMap((h) => (h ? [h.file] : []))]);
        return writeImport(lib, io, vendor, opts, [...configs, ...extraConfigs(lib, opts.config, sources)], sources);
      },
    }),
  ),
  command<ImportOptions>({
    name: ['import', 'containerlab'],
    description:
      "a containerlab topology (*.clab.yml): its nodes and links, each node's startup-config read by the importer of its kind, and an optional site file as one topology",
    args: [['<lab>', 'the containerlab topology file']],
    options: IMPORT_OPTIONS,
    run: async (io, [lab], opts) => {
      const lib = await library();
      const { configs, inventory, sources } = lib.parseContainerlab(readText(lab!), lab!, readText);
      return writeImport(lib, io, 'containerlab', opts, configs, [lab!, ...sources], inventory);
    },
  }),

  command<ImportOptions & { config?: string[] }>({
    name: ['import', 'netbox'],
    description:
      'a NetBox export (REST API pages as JSON or YAML, a dumpdata JSON or a pg_dump SQL file: sites, tenants, devices, interfaces, IP addresses, prefixes, VLANs, cables), device configurations and an optional site file as one topology',
    args: [['<export>', 'the NetBox export: REST API pages, dumpdata JSON or pg_dump SQL (docs/import.md says their shape)']],
    options: [
      {
        flags: '--config <vendor:file...>',
        description: `device configurations joined to the NetBox devices by name (hostname), e.g. fortigate:fw01.conf; vendors: ${CONFIG_VENDORS.join(', ')}`,
      },
      ...IMPORT_OPTIONS,
    ],
    run: async (io, [exported], opts) => {
      const lib = await library();
      // The site file first: its `netbox` limit decides which part of the export is read.
      const site = opts.site === undefined ? undefined : lib.loadSite(readText(opts.site), opts.site);
      const inventory = lib.parseNetbox(readText(exported!), exported!, site);
      const sources = [exported!];
      const configs = extraConfigs(lib, opts.config, sources);
      return writeImport(lib, io, 'netbox', opts, configs, sources, inventory, site);
    },
  }),

  command<{ format: FormatOf<'replay'>; log?: string; lang: Lang; quiet?: boolean }>({
    name: ['replay'],
    description: 'replay an update trace (APKeep folder) with incremental loop checks; exit 0 when no loop is active at the end, 1 otherwise',
    args: [['<dir>', 'the data set folder (topo.txt, vlan.txt, acls/, updates)']],
    options: [
      format('replay'),
      { flags: '--log <file>', description: 'write one JSON line per update (changed destinations, loops found, started and stopped, where M ends)' },
      LANG,
      QUIET,
    ],
    run: async (io, [dir], opts) => {
      const { parseStanford, stanfordNetwork, runReplay } = await library();
      const t0 = performance.now();
      const progress = progressBar({ read: 0.1, replay: 0.9 }, opts);
      const log: string[] = [];
      const { data, run } = withProgress(progress, () => {
        progress.update('read', 0, 1);
        const data = parseStanford(readStanford(dir!));
        if (data.updates.length === 0) {
          throw new InputError([
            { code: 'BNK_ERR_SCHEMA', message: 'the trace has no updates: nothing to replay', loc: { file: `${data.dir}/updates`, line: 1, column: 1 } },
          ]);
        }
        const t1 = performance.now();
        // The document of `import stanford --at 0`, loaded without writing it out as text.
        const network = stanfordNetwork(data, 0);
        const t2 = performance.now();
        const run = runReplay(network, data.updates, `${data.dir}/updates`, {
          parseMs: t1 - t0,
          loadMs: t2 - t1,
          reach: opts.log !== undefined,
          tracePorts: data.tracePorts,
          ...(opts.log ? { onUpdate: (r, micros, replayer) => log.push(replayLogLine(r, micros, replayer)) } : {}),
          onProgress: (done: number, total: number) => progress.update('replay', done, total),
        });
        return { data, run };
      });
      if (opts.log) writeFileSync(opts.log, log.length > 0 ? `${log.join('\n')}\n` : '');
      const context = {
        source: `${data.dir}/updates`,
        topology:
          opts.lang === 'ja'
            ? `${data.dir}（機器 ${data.devices.length} 台、リンク ${data.links.length} 本）`
            : `${data.dir} (${data.devices.length} devices, ${data.links.length} links)`,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
        machine: { nproc: availableParallelism(), node: process.version, platform: `${process.platform}-${process.arch}` },
        totalMs: performance.now() - t0,
      };
      io.out(render(opts.format, { kind: 'replay', run, context }, opts.lang));
      return run.summary.loops.activeAtEnd > 0 ? EXIT.findings : EXIT.clean;
    },
  }),

  // --- The HTTP API: serve, project, token (src/server, loaded on use).

  command<{
    host: string;
    port: string;
    db?: string;
    database?: string;
    policy?: string;
    rateLimit: string;
    logLevel: string;
    corsOrigin?: string;
    workers?: string;
    maxQueue?: string;
    workerMemory?: string;
    jobTimeout?: string;
  }>({
    name: ['serve'],
    description: 'run the HTTP API (OpenAPI docs at /docs) until SIGTERM / SIGINT',
    options: [
      { flags: '--host <host>', description: 'address to listen on', default: '127.0.0.1' },
      { flags: '--port <port>', description: 'TCP port (0: any free port)', default: '8080' },
      DB,
      DATABASE,
      POLICY,
      { flags: '--rate-limit <n>', description: 'requests per minute per client address (0: no limit)', default: '6000' },
      { flags: '--log-level <level>', description: 'fatal, error, warn, info, debug, trace or silent', default: 'info' },
      { flags: '--cors-origin <origin>', description: 'the one browser origin allowed to call the API (e.g. https://portal.example.lg.jp); default: CORS off' },
      { flags: '--workers <n>', description: 'worker threads that parse, check, trace and review (default: one per core but one, at least 1)' },
      { flags: '--max-queue <n>', description: 'requests waiting for a worker; past it, 429 with Retry-After (default 32)' },
      { flags: '--worker-memory <MiB>', description: "each worker's heap limit; a larger input is refused with 422 (default 4096)" },
      JOB_TIMEOUT,
    ],
    run: async (io, _args, opts) => {
      const port = Number(opts.port);
      const rateLimit = Number(opts.rateLimit);
      if (!/^[0-9]{1,5}$/.test(opts.port) || port > 65535) throw usage(`--port must be a whole number from 0 to 65535, not "${opts.port}"`);
      if (!Number.isInteger(rateLimit) || rateLimit < 0) throw usage(`--rate-limit must be a whole number, not "${opts.rateLimit}"`);
      const count = (flag: string, text: string | undefined, min: number): number | undefined => {
        if (text === undefined) return undefined;
        const n = Number(text);
        if (!Number.isInteger(n) || n < min) throw usage(`${flag} must be a whole number of at least ${min}, not "${text}"`);
        return n;
      };
      const workers = count('--workers', opts.workers, 1);
      const maxQueuedTasks = count('--max-queue', opts.maxQueue, 1);
      const workerMemoryMb = count('--worker-memory', opts.workerMemory, 64);
      const jobTimeoutSeconds = count('--job-timeout', opts.jobTimeout, 1);
      const { serve } = await server();
      await serve(
        {
          host: opts.host,
          port,
          db: await storeAt(opts),
          ...(opts.policy ? { policy: opts.policy } : {}),
          ...(opts.corsOrigin !== undefined ? { corsOrigin: opts.corsOrigin } : {}),
          rateLimit,
          logLevel: opts.logLevel,
          ...(workers === undefined ? {} : { workers }),
          ...(maxQueuedTasks === undefined ? {} : { maxQueuedTasks }),
          ...(workerMemoryMb === undefined ? {} : { workerMemoryMb }),
          ...(jobTimeoutSeconds === undefined ? {} : { jobTimeoutSeconds }),
        },
        io.err,
      );
      return EXIT.clean;
    },
  }),

  command<{ database?: string; concurrency: string; workerMemory?: string; policy?: string; jobTimeout: string; metricsPort?: string; metricsHost: string }>({
    name: ['worker'],
    description: 'take check, review and import jobs from the shared PostgreSQL queue and run them (many may run, on many machines) until SIGTERM / SIGINT',
    options: [
      DATABASE,
      POLICY,
      { flags: '--concurrency <n>', description: 'jobs run at once, each in its own thread', default: '1' },
      { flags: '--worker-memory <MiB>', description: "each thread's heap limit; a topology that needs more fails with a stored error (default 4096)" },
      { ...JOB_TIMEOUT, default: '900' },
      {
        flags: '--metrics-port <port>',
        description: "serve this worker's own counters (jobs done and failed per kind, durations) as JSON at GET /metrics on this port",
      },
      { flags: '--metrics-host <host>', description: 'the address --metrics-port listens on', default: '127.0.0.1' },
    ],
    run: async (io, _args, opts) => {
      const count = (flag: string, text: string, min: number): number => {
        const n = Number(text);
        if (!Number.isInteger(n) || n < min) throw usage(`${flag} must be a whole number of at least ${min}, not "${text}"`);
        return n;
      };
      const concurrency = count('--concurrency', opts.concurrency, 1);
      const workerMemoryMb = opts.workerMemory === undefined ? 4096 : count('--worker-memory', opts.workerMemory, 64);
      const expireInSeconds = count('--job-timeout', opts.jobTimeout, 1);
      const metricsPort = opts.metricsPort === undefined ? undefined : count('--metrics-port', opts.metricsPort, 0);
      if (metricsPort !== undefined && metricsPort > 65535) throw usage(`--metrics-port must be a port number (0-65535), not "${opts.metricsPort}"`);
      const { runWorker, storeLocation } = await server();
      const database = storeLocation(undefined, opts.database);
      await runWorker(
        {
          database,
          concurrency,
          workerMemoryMb,
          jobPolicy: { expireInSeconds, retryLimit: 3 },
          ...(opts.policy ? { policy: opts.policy } : {}),
          ...(metricsPort === undefined ? {} : { metricsPort, metricsHost: opts.metricsHost }),
        },
        io.err,
      );
      return EXIT.clean;
    },
  }),

  command<{ name?: string } & StoreOptions>({
    name: ['project', 'create'],
    description: 'create a project',
    args: [['<id>', 'project id: lowercase letters, digits, "-"']],
    options: [{ flags: '--name <name>', description: 'display name (default: the id)' }, DB, DATABASE],
    run: async (io, [id], opts) => {
      io.err(await (await server()).createProject(await storeAt(opts), id!, opts.name));
      return EXIT.clean;
    },
  }),

  command<StoreOptions>({
    name: ['project', 'list'],
    description: 'list the projects',
    options: [DB, DATABASE],
    run: async (io, _args, opts) => {
      io.out(await (await server()).listProjects(await storeAt(opts)));
      return EXIT.clean;
    },
  }),

  command<{ project?: string; server?: boolean; scope: string; name?: string } & StoreOptions>({
    name: ['token', 'create'],
    description: 'create a token and print it on stdout (once: only its hash is stored)',
    options: [
      { flags: '--project <id>', description: 'the project the token may use' },
      { flags: '--server', description: 'a server token instead: creates projects, administers every project (needs --scope admin)' },
      { flags: '--scope <scopes>', description: 'comma-separated: read, submit, admin', required: true },
      { flags: '--name <name>', description: 'a note saying who or what uses it' },
      DB,
      DATABASE,
    ],
    run: async (io, _args, opts) => {
      const s = await server();
      const created = await s.createToken(await storeAt(opts), opts.project, opts.server === true, s.parseScopes(opts.scope), opts.name);
      io.out(created.token);
      io.err(created.note);
      return EXIT.clean;
    },
  }),

  command<{ project?: string } & StoreOptions>({
    name: ['token', 'list'],
    description: 'list tokens (ids, scopes; never secrets)',
    options: [{ flags: '--project <id>', description: "only this project's tokens" }, DB, DATABASE],
    run: async (io, _args, opts) => {
      io.out(await (await server()).listTokens(await storeAt(opts), opts.project));
      return EXIT.clean;
    },
  }),

  command<StoreOptions>({
    name: ['token', 'revoke'],
    description: 'revoke a token by its id',
    args: [['<id>', 'token id (the 16 hex digits after "bnk_")']],
    options: [DB, DATABASE],
    run: async (io, [id], opts) => {
      io.err(await (await server()).revokeToken(await storeAt(opts), id!));
      return EXIT.clean;
    },
  }),
];
