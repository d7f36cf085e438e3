// HTTP API load benchmark: starts `bunkatsu serve` on loopback with one stored topology, then
// drives the trace and check endpoints with autocannon and samples the server's memory.
//
//   npm run bench:http -- [--topology file] [--trace-seconds 240] [--check-seconds 60]
//                         [--connections 10] [--flows 50]
//
// Topology: --topology, else `bunkatsu generate --scale city --seed 1` when the CLI has it,
// else topologies/alpha-city.yaml. Traffic goes to 127.0.0.1 only; every phase is time-bounded.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { loadPack, loadTopology } from '../src/index.ts';
import { Store } from '../src/store/store.ts';
import { bunkatsu } from './command.ts';

const ROOT = resolve(import.meta.dirname, '..');

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const work = mkdtempSync(join(tmpdir(), 'bunkatsu-http-bench-'));
const traceSeconds = Number(option('trace-seconds', '240'));
const checkSeconds = Number(option('check-seconds', '60'));
const connections = Number(option('connections', '10'));
const flowCount = Number(option('flows', '50'));

function chooseTopology(): { file: string; label: string } {
  const given = option('topology', '');
  if (given) return { file: resolve(given), label: given };
  const out = join(work, 'city.yaml');
  const generated = spawnSync(...bunkatsu(['generate', '--scale', 'city', '--seed', '1', '-o', out]), { stdio: 'ignore' });
  if (generated.status === 0) return { file: out, label: 'bunkatsu generate --scale city --seed 1' };
  return { file: resolve(ROOT, 'topologies/alpha-city.yaml'), label: 'topologies/alpha-city.yaml (no generate command in this build)' };
}

/** Up to n distinct flows from the topology's intents, written as the file writes them. */
function flowsOf(text: string, file: string, n: number): string[] {
  const pack = loadPack(readFileSync(resolve(ROOT, 'policies/seed.yaml'), 'utf8'), 'seed');
  const network = loadTopology(text, file, { domains: new Set(Object.keys(pack.domains)) });
  const seen = new Set<string>();
  for (const intent of network.intents) {
    const { from, to, service } = intent.written;
    if (from.length !== 1 || to.length !== 1 || service.length !== 1) continue;
    seen.add(new URLSearchParams({ src: from[0]!, dst: to[0]!, service: service[0]! }).toString());
    if (seen.size >= n) break;
  }
  return [...seen];
}

const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;
const mib = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;

async function main(): Promise<void> {
  const topology = chooseTopology();
  const text = readFileSync(topology.file, 'utf8');
  const flows = flowsOf(text, topology.file, flowCount);
  if (flows.length === 0) throw new Error('the topology has no intents to trace');

  const db = join(work, 'bench.db');
  const store = await Store.open(db);
  await store.createProject('bench', 'bench');
  const token = (await store.createToken('bench', ['read', 'submit'], 'bench')).token;
  const admin = (await store.createToken(null, ['admin'], 'bench-metrics')).token;
  await store.close();

  // Rate limit left on (so its cost is measured) but far above the offered load; logs at warn.
  const server = spawn(...bunkatsu(['serve', '--port', '0', '--db', db, '--rate-limit', '100000000', '--log-level', 'warn']), {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const base = await new Promise<string>((ok, fail) => {
    let err = '';
    server.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) ok(m[1]!);
    });
    server.on('exit', (code) => fail(new Error(`server exited (${code}): ${err}`)));
  });
  const auth = { authorization: `Bearer ${token}` };
  const memory: { t: number; rss: number; heap: number }[] = [];
  const started = Date.now();
  const sample = async (): Promise<void> => {
    const m = (await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${admin}` } })).json()) as {
      memory: { rssBytes: number; heapUsedBytes: number };
    };
    memory.push({ t: Math.round((Date.now() - started) / 1000), rss: m.memory.rssBytes, heap: m.memory.heapUsedBytes });
  };
  const sampler = setInterval(() => void sample(), 10_000);

  try {
    let t = performance.now();
    const up = await fetch(`${base}/projects/bench/versions?filename=topology.yaml`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/yaml' },
      body: text,
    });
    if (up.status !== 201) throw new Error(`upload failed: ${up.status} ${await up.text()}`);
    const uploadMs = performance.now() - t;

    // First answer of each flow: the engine's work (later answers of the same flow are kept).
    const cold: number[] = [];
    for (const q of flows) {
      t = performance.now();
      const r = await fetch(`${base}/projects/bench/versions/1/trace?${q}`, { headers: auth });
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`trace ${q}: ${r.status}`);
      cold.push(performance.now() - t);
    }
    await sample();

    const trace = await autocannon({
      url: base,
      connections,
      duration: traceSeconds,
      requests: flows.map((q) => ({ method: 'GET' as const, path: `/projects/bench/versions/1/trace?${q}`, headers: auth })),
    });

    // Check: synchronous (201) for normal sizes under load; for a large topology one job,
    // timed from 202 to done, while trace load runs beside it.
    const size = statSync(topology.file).size;
    let checkResult: autocannon.Result | undefined;
    let asyncCheck: { ms: number; traceDuring: autocannon.Result } | undefined;
    const checkPath = '/projects/bench/versions/1/checks?today=2026-11-25';
    const probe = await fetch(`${base}${checkPath}`, { method: 'POST', headers: auth });
    const probeBody = (await probe.json()) as { check: { id: string } };
    if (probe.status === 201) {
      checkResult = await autocannon({ url: `${base}${checkPath}`, method: 'POST', headers: auth, connections: 2, duration: checkSeconds });
    } else {
      t = performance.now();
      const during = autocannon({
        url: base,
        connections,
        duration: checkSeconds,
        requests: flows.map((q) => ({ method: 'GET' as const, path: `/projects/bench/versions/1/trace?${q}`, headers: auth })),
      });
      let status = '';
      while (status !== 'done' && status !== 'failed' && performance.now() - t < checkSeconds * 1000 * 4) {
        await new Promise((r) => setTimeout(r, 200));
        status = ((await (await fetch(`${base}/projects/bench/checks/${probeBody.check.id}`, { headers: auth })).json()) as { check: { status: string } }).check
          .status;
      }
      asyncCheck = { ms: status === 'done' ? performance.now() - t : Number.NaN, traceDuring: await during };
    }
    await sample();

    const warm = memory.filter((m) => m.t > 0);
    const report = {
      machine: {
        nproc: (await import('node:os')).availableParallelism(),
        node: process.version,
        loadavg: (await import('node:os')).loadavg().map((x) => Math.round(x * 100) / 100),
      },
      topology: { label: topology.label, bytes: size, uploadMs: Math.round(uploadMs) },
      traceFirstAnswerMs: { flows: flows.length, p50: Math.round(quantile(cold, 0.5)), max: Math.round(Math.max(...cold)) },
      trace: {
        seconds: traceSeconds,
        connections,
        reqPerSec: Math.round(trace.requests.average),
        p50Ms: trace.latency.p50,
        p99Ms: trace.latency.p99,
        maxMs: trace.latency.max,
        requests: trace.requests.total,
        non2xx: trace.non2xx,
        errors: trace.errors,
        timeouts: trace.timeouts,
      },
      check: checkResult
        ? {
            mode: 'synchronous',
            seconds: checkSeconds,
            connections: 2,
            reqPerSec: Math.round(checkResult.requests.average * 10) / 10,
            p50Ms: checkResult.latency.p50,
            p99Ms: checkResult.latency.p99,
            requests: checkResult.requests.total,
            non2xx: checkResult.non2xx,
            errors: checkResult.errors,
          }
        : {
            mode: 'asynchronous job',
            secondsToDone: Math.round(asyncCheck!.ms / 100) / 10,
            traceMeanwhile: {
              reqPerSec: Math.round(asyncCheck!.traceDuring.requests.average),
              p50Ms: asyncCheck!.traceDuring.latency.p50,
              p99Ms: asyncCheck!.traceDuring.latency.p99,
              non2xx: asyncCheck!.traceDuring.non2xx,
            },
          },
      memoryMiB: {
        samples: memory.map((m) => `${m.t}s:${mib(m.rss)}`).join(' '),
        rssFirst: mib(warm[0]?.rss ?? 0),
        rssMax: mib(Math.max(...warm.map((m) => m.rss))),
        rssLast: mib(warm.at(-1)?.rss ?? 0),
        heapFirst: mib(warm[0]?.heap ?? 0),
        heapLast: mib(warm.at(-1)?.heap ?? 0),
      },
    };
    console.log(JSON.stringify(report, null, 2));
  } finally {
    clearInterval(sampler);
    server.kill('SIGTERM');
    await new Promise((ok) => server.once('exit', ok));
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
