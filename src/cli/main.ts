// The command line: parse arguments -> call the library -> render. Errors are caught only
// here and mapped to exit codes: 0 clean, 1 findings, 2 bad input, 3 internal error.

import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { type Diagnostic, formatDiagnostic, InputError } from '../errors.ts';
import { loadDocument, loadTopology } from '../model/load.ts';
import { readSource } from '../model/source.ts';
import { decodeInput } from '../model/encoding.ts';
import { isCalendarDate } from '../model/dates.ts';
import { loadChange } from '../review/change.ts';
import { networkAfter } from '../review/apply.ts';
import { prepareBase, review, type ReviewInput } from '../review/review.ts';
import { sweepSingleFailures } from '../review/simulate.ts';
import { reviewJson, reviewText, sweepText } from '../report/review.ts';
import { reviewMarkdown } from '../report/markdown.ts';
import type { Network } from '../model/network.ts';
import { resolveAddress, resolveService } from '../model/resolve.ts';
import { topologyJsonSchema } from '../model/schema.ts';
import { DEFAULT_LIMITS } from '../model/source.ts';
import { DEFAULT_ENGINE, ENGINES, engineFactoryNamed } from '../engine/registry.ts';
import { traceFlow } from '../engine/trace.ts';
import type { EngineFactory } from '../policy/analysis.ts';
import { runCheck } from '../policy/check.ts';
import { loadPack, type Pack } from '../policy/pack.ts';
import { checkReportJson, outcomesJson } from '../report/json.ts';
import { checkReportText, traceText } from '../report/text.ts';
import { checkMarkdown } from '../report/markdown.ts';
import { checkSarif, reviewSarif } from '../report/sarif.ts';
import { checkJunit, reviewJunit } from '../report/junit.ts';
import type { Lang } from '../report/describe.ts';
import { type MatrixLevel, zoneMatrix } from '../policy/matrix.ts';
import { matrixCsv, matrixJson, matrixText } from '../report/matrix.ts';
import { generateTopology, headerLines, type GeneratedModel } from '../generate/generate.ts';
import { SCALE_NAMES, type ScaleName } from '../generate/catalogue.ts';
import { toJson, toYaml, type Plain } from '../generate/emit.ts';
import { fullestPoint, parseStanford, stanfordText, stanfordTopology, type StanfordData } from '../import/stanford.ts';
import { runReplay } from '../dataplane/replay-run.ts';
import { replayJson, replayLogLine, replayText } from '../report/replay.ts';
import { checkDataplane, DEFAULT_MAX_CLASSES, type ReachLevel } from '../dataplane/check.ts';
import { dataplaneJson, dataplaneText } from '../report/dataplane.ts';

export const EXIT = { clean: 0, findings: 1, badInput: 2, internal: 3 } as const;

/** The package root: the nearest folder above this module with the policies (src/cli or dist). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'policies', 'seed.yaml')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const ROOT = packageRoot();
export const DEFAULT_POLICY = resolve(ROOT, 'policies', 'seed.yaml');


interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

function usage(message: string): InputError {
  return new InputError([{ code: 'BNK_ERR_USAGE', message, loc: { file: '<command line>', line: 1, column: 1 } }]);
}

function readText(path: string): string {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) {
      // Never opened: a FIFO would block, a device could be endless.
      const kind = stat.isDirectory() ? 'a folder' : stat.isFIFO() ? 'a FIFO (named pipe)' : stat.isCharacterDevice() ? 'a character device'
        : stat.isBlockDevice() ? 'a block device' : stat.isSocket() ? 'a socket' : 'something else';
      throw new InputError([{ code: 'BNK_ERR_FILE_NOT_FOUND', message: `cannot read "${path}": it is ${kind}, not a regular file; give a file path`, loc: { file: path, line: 1, column: 1 } }]);
    }
    size = stat.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError([{ code: 'BNK_ERR_FILE_NOT_FOUND', message: `cannot read "${path}": no such file`, loc: { file: path, line: 1, column: 1 } }]);
  }
  if (size > DEFAULT_LIMITS.maxBytes) {
    throw new InputError([{ code: 'BNK_ERR_FILE_TOO_LARGE', message: `file is ${size} bytes; the limit is ${DEFAULT_LIMITS.maxBytes}`, loc: { file: path, line: 1, column: 1 } }]);
  }
  return decodeInput(readFileSync(path), path);
}

function readPack(path: string | undefined): Pack {
  const file = path ?? DEFAULT_POLICY;
  return loadPack(readText(file), path ?? 'policies/seed.yaml');
}

function readNetwork(path: string, pack: Pack): Network {
  return loadTopology(readText(path), path, { domains: new Set(Object.keys(pack.domains)) });
}

function engineFactory(name: string): EngineFactory {
  const factory = engineFactoryNamed(name);
  if (!factory) throw usage(`unknown engine "${name}" (available: ${Object.keys(ENGINES).join(', ')})`);
  return factory;
}

function today(option: string | undefined): string {
  if (option === undefined) return new Date().toISOString().slice(0, 10);
  if (!isCalendarDate(option)) throw usage(`--today must be a calendar date YYYY-MM-DD (e.g. 2026-02-28), not "${option}"`);
  return option;
}

function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('bunkatsu')
    .description('Network segmentation simulator and flow validator for Japanese local-government networks')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) })
    .showHelpAfterError();

  const format = new Option('--format <format>', 'output format').choices(['text', 'json']).default('text');
  const lang = new Option('--lang <lang>', 'message language').choices(['ja', 'en']).default('en');
  const policy = new Option('--policy <pack>', 'policy pack YAML (default: the seed pack, policies/seed.yaml)');
  const engine = new Option('--engine <engine>', 'reachability engine').choices(Object.keys(ENGINES)).default(DEFAULT_ENGINE);

  program
    .command('check')
    .description('check a topology against the policy; exit 0 clean, 1 findings, 2 bad input')
    .argument('<topology>', 'topology file (YAML or JSON)')
    .addOption(policy)
    .addOption(new Option('--format <format>', 'output format: text, json, or for CI sarif, junit, markdown').choices(['text', 'json', 'sarif', 'junit', 'markdown']).default('text'))
    .addOption(lang)
    .addOption(engine)
    .option('--today <date>', 'date for exception expiry, YYYY-MM-DD (default: today)')
    .option('-q, --quiet', 'no progress output on stderr')
    .action((file: string, opts: { policy?: string; format: string; lang: Lang; engine: string; today?: string; quiet?: boolean }) => {
      const pack = readPack(opts.policy);
      const network = readNetwork(file, pack);
      const progress = !opts.quiet && process.stderr.isTTY;
      const report = runCheck(network, pack, {
        engineFactory: engineFactory(opts.engine),
        today: today(opts.today),
        ...(progress ? { onRule: (id: string, i: number, n: number) => io.err(`[${i + 1}/${n}] ${id}`) } : {}),
      });
      const render = new Map([
        ['text', checkReportText], ['json', checkReportJson], ['sarif', checkSarif], ['junit', checkJunit], ['markdown', checkMarkdown],
      ]).get(opts.format) ?? checkReportText;
      io.out(render(network, report, opts.lang).trimEnd());
      setExit(report.findings.length > 0 ? EXIT.findings : EXIT.clean);
    });

  program
    .command('trace')
    .description('show the dispositions and paths of one flow')
    .argument('<topology>', 'topology file (YAML or JSON)')
    .argument('<src>', 'source: host, zone or device id, or an IPv4 address/prefix/range')
    .argument('<dst>', 'destination: host, zone or device id, or an IPv4 address/prefix/range')
    .argument('<service>', 'service: a name (https, smtp, ...), protocol/port (tcp/443) or any')
    .addOption(policy)
    .addOption(format)
    .addOption(lang)
    .addOption(engine)
    .action((file: string, src: string, dst: string, service: string, opts: { policy?: string; format: string; lang: Lang; engine: string }) => {
      const pack = readPack(opts.policy);
      const network = readNetwork(file, pack);
      const problems: Diagnostic[] = [];
      const at = { file: '<command line>', line: 1, column: 1 };
      const from = resolveAddress(network, src);
      const to = resolveAddress(network, dst);
      const svc = resolveService(network, service);
      for (const r of [from, to, svc]) if (!r.ok) problems.push({ code: 'BNK_ERR_USAGE', message: r.error, loc: at });
      if (!from.ok || !to.ok || !svc.ok) throw new InputError(problems);
      const outcomes = traceFlow(network, engineFactory(opts.engine)(network), from.value, to.value, svc.value);
      if (opts.format === 'json') {
        io.out(JSON.stringify({ flow: { src, dst, service }, outcomes: outcomesJson(network, outcomes, opts.lang) }, null, 2));
      } else {
        io.out(traceText(network, `trace ${src} → ${dst} ${service}  (${network.name})`, outcomes, opts.lang));
      }
      setExit(EXIT.clean);
    });

  program
    .command('matrix')
    .description('which services flow between every pair of zones (or domains)')
    .argument('<topology>', 'topology file (YAML or JSON)')
    .addOption(policy)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'csv', 'json']).default('text'))
    .addOption(new Option('--level <level>', 'rows and columns').choices(['zone', 'domain']).default('zone'))
    .addOption(engine)
    .action((file: string, opts: { policy?: string; format: string; level: MatrixLevel; engine: string }) => {
      const pack = readPack(opts.policy);
      const network = readNetwork(file, pack);
      const m = zoneMatrix(network, engineFactory(opts.engine)(network), opts.level);
      io.out(opts.format === 'json' ? matrixJson(network, m) : opts.format === 'csv' ? matrixCsv(m) : matrixText(network, m));
      setExit(EXIT.clean);
    });

  program
    .command('dataplane')
    .description('data-plane checks: forwarding loops and black holes per header class with witness paths, intended drops, reachability between devices (or ports); exit 0 clean, 1 loops or black holes, 2 bad input')
    .argument('<topology>', 'topology file (YAML or JSON)')
    .addOption(policy)
    .addOption(new Option('--level <level>', 'reachability between devices or between ports').choices(['device', 'port']).default('device'))
    .addOption(format)
    .option('--max-classes <n>', 'report at most this many loop classes (the report says when the bound is hit)', String(DEFAULT_MAX_CLASSES))
    .option('-q, --quiet', 'no progress output on stderr')
    .action((file: string, opts: { policy?: string; level: ReachLevel; format: string; maxClasses: string; quiet?: boolean }) => {
      if (!/^[0-9]{1,9}$/.test(opts.maxClasses) || Number(opts.maxClasses) < 1) throw usage(`--max-classes must be a whole number from 1, not "${opts.maxClasses}"`);
      const started = Date.now();
      const pack = readPack(opts.policy);
      const network = readNetwork(file, pack);
      // Progress on stderr once a run takes more than a second.
      const onProgress = (message: string): void => {
        const elapsed = Date.now() - started;
        if (!opts.quiet && elapsed >= 1000) io.err(`[${(elapsed / 1000).toFixed(1)} s] ${message}`);
      };
      const report = checkDataplane(network, { level: opts.level, maxClasses: Number(opts.maxClasses), onProgress });
      io.out(opts.format === 'json' ? dataplaneJson(network, report) : dataplaneText(network, report));
      setExit(report.loops.length > 0 || report.blackHoles.length > 0 ? EXIT.findings : EXIT.clean);
    });

  program
    .command('review')
    .description('review a change: flows opened and closed, findings introduced and resolved, intents broken; verdict. Exit 0 approve, 1 reject or needs attention, 2 bad input')
    .argument('<topology>', 'the topology before the change (YAML or JSON)')
    .argument('<change>', 'a change file (bunkatsu-change: 1), or the whole topology after the change')
    .addOption(policy)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown', 'sarif', 'junit']).default('text'))
    .addOption(lang)
    .option('--today <date>', 'date for exception expiry, YYYY-MM-DD (default: today)')
    .action((file: string, second: string, opts: { policy?: string; format: string; lang: Lang; today?: string }) => {
      const pack = readPack(opts.policy);
      const domains = new Set(Object.keys(pack.domains));
      const read = readSource(readText(file), file);
      if (!read.ok) throw new InputError(read.diagnostics);
      const before = loadDocument(read.doc, { domains });
      const day = today(opts.today);
      const text = readText(second);
      let after: Network;
      let change: ReviewInput['change'];
      if (/^\s*(#[^\n]*\n\s*)*["']?bunkatsu-change["']?\s*:/.test(text) || /"bunkatsu-change"\s*:/.test(text.slice(0, 2000))) {
        const applied = networkAfter(before, read.doc, loadChange(text, second), { domains });
        after = applied.after;
        change = { file: second, operations: applied.operations, touched: applied.touched };
      } else {
        after = loadTopology(text, second, { domains });
        change = undefined;
      }
      const base = prepareBase(before, pack, day);
      const { report } = review(base, { after, pack, today: day, change });
      const networks = { before, after };
      const render = new Map([
        ['text', reviewText], ['json', reviewJson], ['markdown', reviewMarkdown], ['sarif', reviewSarif], ['junit', reviewJunit],
      ]).get(opts.format) ?? reviewText;
      io.out(render(report, networks, opts.lang));
      setExit(report.verdict === 'approve' ? EXIT.clean : EXIT.findings);
    });

  program
    .command('simulate')
    .description('what-if failures: --down shows what taking elements out of service changes; --sweep n-1 lists the flow intents some single failure cuts')
    .argument('<topology>', 'topology file (YAML or JSON)')
    .option('--down <element...>', 'devices, links (a:x--b:y) or attachments (device:interface) out of service')
    .addOption(new Option('--sweep <kind>', 'try every single link, attachment and device failure').choices(['n-1']))
    .addOption(policy)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(lang)
    .option('--today <date>', 'date for exception expiry, YYYY-MM-DD (default: today)')
    .action((file: string, opts: { down?: string[]; sweep?: string; policy?: string; format: string; lang: Lang; today?: string }) => {
      if (!opts.down && !opts.sweep) throw usage('give --down <element...> or --sweep n-1');
      const pack = readPack(opts.policy);
      const domains = new Set(Object.keys(pack.domains));
      const read = readSource(readText(file), file);
      if (!read.ok) throw new InputError(read.diagnostics);
      const network = loadDocument(read.doc, { domains });
      const day = today(opts.today);
      const base = prepareBase(network, pack, day);
      if (opts.sweep) {
        const result = sweepSingleFailures(base);
        if (opts.format === 'json') {
          io.out(JSON.stringify({
            topology: { file, name: network.name },
            intents: network.intents.map((i) => ({ intent: i.id, cutBy: result.byIntent.get(i.id) ?? [], alreadyBroken: result.alreadyBroken.includes(i.id) })),
            elements: result.elements,
            elapsedMs: result.elapsedMs,
          }, null, 2));
        } else {
          io.out(sweepText(network.name, file, result, network.intents.map((i) => i.id), opts.lang));
        }
        setExit(result.byIntent.size > 0 ? EXIT.findings : EXIT.clean);
        return;
      }
      const down = opts.down!;
      const change = loadChange(JSON.stringify({ 'bunkatsu-change': 1, changes: [{ down }] }), '<command line>');
      const applied = networkAfter(network, read.doc, change, { domains });
      const after = applied.after;
      const { report } = review(base, { after, pack, today: day, change: { file: '<command line>', operations: applied.operations, touched: applied.touched } });
      io.out(opts.format === 'json' ? reviewJson(report, { before: network, after }, opts.lang) : reviewText(report, { before: network, after }, opts.lang));
      setExit(report.intentsBroken.length > 0 || report.findingsIntroduced.length > 0 ? EXIT.findings : EXIT.clean);
    });

  program
    .command('schema')
    .description('print the JSON Schema of the topology format (for editors and validators)')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action((opts: { output?: string }) => {
      const text = `${JSON.stringify(topologyJsonSchema(), null, 2)}\n`;
      if (opts.output) writeFileSync(opts.output, text);
      else io.out(text.trimEnd());
      setExit(EXIT.clean);
    });

  // ── generate ─────────────────────────────────────────────────────────────────────
  program
    .command('generate')
    .description('write a deterministic municipal topology with planted violations (benchmarks, tests, demos)')
    .addOption(new Option('--scale <scale>', 'size: tiny and small for tests and demos; city, metro, prefecture as in SPEC §6').choices([...SCALE_NAMES]).default('city'))
    .option('--seed <n>', 'random seed (same seed, same file)', '1')
    .addOption(new Option('--model <model>', 'MIC model: alpha (terminals in LGWAN) or beta (terminals on the Internet side)').choices(['alpha', 'beta']).default('alpha'))
    .option('--clean', 'plant no violations (the check then reports nothing)')
    .option('-o, --output <file>', 'write to a file (JSON when it ends in .json, YAML otherwise) instead of stdout')
    .addOption(new Option('--format <format>', 'output format (default: from the file name; YAML on stdout)').choices(['yaml', 'json']))
    .option('--planted <file>', 'write the planted violations as JSON ({rule, subject, ...} per violation)')
    .option('-q, --quiet', 'no summary on stderr')
    .action((opts: { scale: ScaleName; seed: string; model: GeneratedModel; clean?: boolean; output?: string; format?: 'yaml' | 'json'; planted?: string; quiet?: boolean }) => {
      if (!/^[0-9]{1,10}$/.test(opts.seed) || Number(opts.seed) > 0xffffffff) throw usage(`--seed must be an integer from 0 to 4294967295, not "${opts.seed}"`);
      const started = Date.now();
      let last = started;
      // Progress on stderr once a run takes more than a second (metro, prefecture).
      const progress = (message: string, force = false): void => {
        const now = Date.now();
        if (!opts.quiet && now - started >= 1000 && (force || now - last >= 1000)) {
          io.err(`[${((now - started) / 1000).toFixed(1)} s] ${message}`);
          last = now;
        }
      };
      const options = { scale: opts.scale, seed: Number(opts.seed), model: opts.model, violations: !opts.clean };
      const result = generateTopology({ ...options, onProgress: (done: number, total: number) => progress(`generated ${done}/${total} municipalities`) });
      progress(`writing ${opts.output ?? 'stdout'}`, true);
      const format = opts.format ?? (opts.output?.toLowerCase().endsWith('.json') ? 'json' : 'yaml');
      const doc = result.topology as unknown as Record<string, Plain | undefined>;
      const text = format === 'json' ? toJson(doc) : toYaml(doc, headerLines(result, options));
      if (opts.output) writeFileSync(opts.output, text);
      else io.out(text.trimEnd());
      if (opts.planted) writeFileSync(opts.planted, `${JSON.stringify(result.planted, null, 2)}\n`);
      if (!opts.quiet) {
        const s = result.stats;
        const byRule = new Map<string, number>();
        for (const p of result.planted) byRule.set(p.rule, (byRule.get(p.rule) ?? 0) + 1);
        io.err(`generated ${opts.scale} (${opts.model}, seed ${opts.seed}) in ${((Date.now() - started) / 1000).toFixed(2)} s: ${s.zones} zones, ${s.hosts} hosts (${s.hostEntries} entries), `
          + `${s.devices} devices (${s.firewalls} firewalls), ${s.rules} rules, ${s.links} links, ${s.intents} intents, ${s.municipalities} municipalities; `
          + `${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB ${format}${opts.output ? ` → ${opts.output}` : ''}`);
        io.err(`planted violations: ${result.planted.length}${[...byRule].map(([r, n]) => `\n  ${r}: ${n}`).join('')}`);
      }
      setExit(EXIT.clean);
    });
  // ── end generate ─────────────────────────────────────────────────────────────────
  addDataPlaneCommands(program, io, setExit);
  addServerCommands(program, io, setExit);

  return program;
}

// --- Data-plane commands: import stanford, replay (src/import, src/dataplane).

/** Reads an APKeep-style folder (topo.txt, vlan.txt, acls/, updates) and parses it. */
function readStanford(dir: string): StanfordData {
  const file = (name: string): string => readText(`${dir.replace(/\/$/, '')}/${name}`);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError([{ code: 'BNK_ERR_FILE_NOT_FOUND', message: `"${dir}" is not a folder (expected the data set folder with topo.txt, vlan.txt, acls/ and updates)`, loc: { file: dir, line: 1, column: 1 } }]);
  }
  let aclFiles: string[];
  try {
    aclFiles = readdirSync(`${dir}/acls`);
  } catch {
    throw new InputError([{ code: 'BNK_ERR_FILE_NOT_FOUND', message: `cannot read folder "${dir}/acls": no such folder`, loc: { file: `${dir}/acls`, line: 1, column: 1 } }]);
  }
  return parseStanford({ dir: dir.replace(/\/$/, ''), topo: file('topo.txt'), vlan: file('vlan.txt'), aclFiles, updates: file('updates') });
}

function addDataPlaneCommands(program: Command, io: Io, setExit: (code: number) => void): void {
  const importer = program.command('import').description('convert another tool\'s network description into a bunkatsu topology');
  importer
    .command('stanford')
    .description('the Stanford backbone data plane (APKeep networks/stanford: topo.txt, vlan.txt, acls/, updates) as a topology')
    .argument('<dir>', 'the data set folder')
    .option('-o, --output <file>', 'write to a file (JSON when it ends in .json, YAML otherwise) instead of stdout')
    .option('--at <n>', 'rules in force after the first n update lines (default: the point with the most rules)')
    .action((dir: string, opts: { output?: string; at?: string }) => {
      const data = readStanford(dir);
      let at = fullestPoint(data.updates);
      if (opts.at !== undefined) {
        if (!/^[0-9]{1,9}$/.test(opts.at) || Number(opts.at) > data.updates.length) throw usage(`--at must be a whole number from 0 to ${data.updates.length} (the update lines), not "${opts.at}"`);
        at = Number(opts.at);
      }
      const text = stanfordText(stanfordTopology(data, at), opts.output?.toLowerCase().endsWith('.json') ? 'json' : 'yaml');
      if (opts.output) writeFileSync(opts.output, text);
      else io.out(text.trimEnd());
      setExit(EXIT.clean);
    });

  program
    .command('replay')
    .description('replay an update trace (APKeep folder) with incremental loop checks; exit 0 when no loop is active at the end, 1 otherwise')
    .argument('<dir>', 'the data set folder (topo.txt, vlan.txt, acls/, updates)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--log <file>', 'write one JSON line per update (changed destinations, loops found, started and stopped, where M ends)')
    .option('-q, --quiet', 'no progress output on stderr')
    .action((dir: string, opts: { format: string; log?: string; quiet?: boolean }) => {
      const t0 = performance.now();
      const data = readStanford(dir);
      if (data.updates.length === 0) {
        throw new InputError([{ code: 'BNK_ERR_SCHEMA', message: 'the trace has no updates: nothing to replay', loc: { file: `${data.dir}/updates`, line: 1, column: 1 } }]);
      }
      const t1 = performance.now();
      // JSON: the loader's fast path; the document is the same as `import stanford --at 0`.
      const network = loadTopology(stanfordText(stanfordTopology(data, 0), 'json'), `${data.dir} (imported)`);
      const t2 = performance.now();
      const log: string[] = [];
      const run = runReplay(network, data.updates, `${data.dir}/updates`, {
        parseMs: t1 - t0,
        loadMs: t2 - t1,
        reach: opts.log !== undefined,
        tracePorts: data.tracePorts,
        ...(opts.log ? { onUpdate: (r, micros, replayer) => log.push(replayLogLine(r, micros, replayer)) } : {}),
        ...(!opts.quiet ? { onProgress: (done: number, total: number) => io.err(`[${((performance.now() - t0) / 1000).toFixed(1)} s] ${done}/${total} updates`) } : {}),
      });
      if (opts.log) writeFileSync(opts.log, log.length > 0 ? `${log.join('\n')}\n` : '');
      const ctx = {
        source: `${data.dir}/updates`,
        topology: `${data.dir} (${data.devices.length} devices, ${data.links.length} links)`,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
        machine: { nproc: availableParallelism(), node: process.version, platform: `${process.platform}-${process.arch}` },
        totalMs: performance.now() - t0,
      };
      io.out(opts.format === 'json' ? replayJson(run, ctx) : replayText(run, ctx));
      setExit(run.summary.loops.activeAtEnd > 0 ? EXIT.findings : EXIT.clean);
    });
}

// --- HTTP API commands: serve, project, token (src/server). Loaded on use, so that check and
// trace do not start SQLite or fastify.

function addServerCommands(program: Command, io: Io, setExit: (code: number) => void): void {
  // Loaded on use, so check and trace start without fastify and SQLite. In the bundle (dist/) the
  // server is a chunk of its own, loaded here, and its pool runs dist/worker.mjs: no tsx at run time.
  const server = (): Promise<typeof import('../server/serve.ts')> => import('../server/serve.ts');
  const db = (): Option => new Option('--db <file>', 'SQLite database file, created on first use (default: $BUNKATSU_DB or ./bunkatsu.db)');
  const dbPath = async (option: string | undefined): Promise<string> => option ?? (await server()).defaultDbPath();

  program
    .command('serve')
    .description('run the HTTP API (OpenAPI docs at /docs) until SIGTERM / SIGINT')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP port (0: any free port)', '8080')
    .addOption(db())
    .option('--policy <pack>', 'policy pack YAML (default: the seed pack, policies/seed.yaml)')
    .option('--rate-limit <n>', 'requests per minute per client address (0: no limit)', '6000')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent', 'info')
    .option('--cors-origin <origin>', 'the one browser origin allowed to call the API (e.g. https://portal.example.lg.jp); default: CORS off')
    .option('--workers <n>', 'worker threads that parse, check, trace and review (default: one per core but one, at least 1)')
    .option('--max-queue <n>', 'requests waiting for a worker; past it, 429 with Retry-After (default 32)')
    .option('--worker-memory <MiB>', "each worker's heap limit; a larger input is refused with 422 (default 4096)")
    .action(async (opts: {
      host: string; port: string; db?: string; policy?: string; rateLimit: string; logLevel: string; corsOrigin?: string;
      workers?: string; maxQueue?: string; workerMemory?: string;
    }) => {
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
      const { serve } = await server();
      await serve({
        host: opts.host, port, db: await dbPath(opts.db), ...(opts.policy ? { policy: opts.policy } : {}),
        ...(opts.corsOrigin !== undefined ? { corsOrigin: opts.corsOrigin } : {}), rateLimit, logLevel: opts.logLevel,
        ...(workers === undefined ? {} : { workers }), ...(maxQueuedTasks === undefined ? {} : { maxQueuedTasks }),
        ...(workerMemoryMb === undefined ? {} : { workerMemoryMb }),
      }, io.err);
      setExit(EXIT.clean);
    });

  const project = program.command('project').description('manage the projects of the HTTP API database');
  project
    .command('create')
    .description('create a project')
    .argument('<id>', 'project id: lowercase letters, digits, "-"')
    .option('--name <name>', 'display name (default: the id)')
    .addOption(db())
    .action(async (id: string, opts: { name?: string; db?: string }) => {
      io.err((await server()).createProject(await dbPath(opts.db), id, opts.name));
      setExit(EXIT.clean);
    });
  project
    .command('list')
    .description('list the projects')
    .addOption(db())
    .action(async (opts: { db?: string }) => {
      io.out((await server()).listProjects(await dbPath(opts.db)));
      setExit(EXIT.clean);
    });

  const token = program.command('token').description('manage the bearer tokens of the HTTP API');
  token
    .command('create')
    .description('create a token and print it on stdout (once: only its hash is stored)')
    .option('--project <id>', 'the project the token may use')
    .option('--server', 'a server token instead: creates projects, administers every project (needs --scope admin)')
    .requiredOption('--scope <scopes>', 'comma-separated: read, submit, admin')
    .option('--name <name>', 'a note saying who or what uses it')
    .addOption(db())
    .action(async (opts: { project?: string; server?: boolean; scope: string; name?: string; db?: string }) => {
      const s = await server();
      const created = s.createToken(await dbPath(opts.db), opts.project, opts.server === true, s.parseScopes(opts.scope), opts.name);
      io.out(created.token);
      io.err(created.note);
      setExit(EXIT.clean);
    });
  token
    .command('list')
    .description('list tokens (ids, scopes; never secrets)')
    .option('--project <id>', 'only this project\'s tokens')
    .addOption(db())
    .action(async (opts: { project?: string; db?: string }) => {
      io.out((await server()).listTokens(await dbPath(opts.db), opts.project));
      setExit(EXIT.clean);
    });
  token
    .command('revoke')
    .description('revoke a token by its id')
    .argument('<id>', 'token id (the 16 hex digits after "bnk_")')
    .addOption(db())
    .action(async (id: string, opts: { db?: string }) => {
      io.err((await server()).revokeToken(await dbPath(opts.db), id));
      setExit(EXIT.clean);
    });
}

/** Runs the CLI with the given arguments; returns the exit code. Never throws. */
export async function main(argv: readonly string[], io: Io = { out: (s) => console.log(s), err: (s) => console.error(s) }): Promise<number> {
  let code: number = EXIT.clean;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.clean : EXIT.badInput;
    }
    if (error instanceof InputError) {
      for (const d of error.diagnostics) io.err(formatDiagnostic(d));
      // One error is one line (a startup mistake, a missing file); a list ends with its count.
      if (error.diagnostics.length > 1) io.err(`${error.diagnostics.length} errors; nothing was checked.`);
      return EXIT.badInput;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`internal error: ${message}`);
    if (process.env.BUNKATSU_DEBUG && error instanceof Error) io.err(error.stack ?? '');
    else io.err('This is a bug in bunkatsu; set BUNKATSU_DEBUG=1 for details and report it.');
    return EXIT.internal;
  }
}

// Run when executed directly (npm start / tsx src/cli/main.ts), not when imported by tests.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
