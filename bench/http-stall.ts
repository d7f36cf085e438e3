// Event-loop stall benchmark: starts `bunkatsu serve` on loopback, polls GET /health every 10 ms
// from this process, and reports the latency of those polls (p50, p99, max) per phase while the
// server takes a metro-size upload, a zone matrix, and two reviews of a one-rule change.
//
//   npm run bench:stall -- [--topology file] [--idle-seconds 3] [--workers n]
//
// Topology: --topology, else `bunkatsu generate --scale metro --seed 1` (14 MB of YAML). The
// change file removes the first rule of the first device. Traffic goes to 127.0.0.1 only.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bunkatsu } from './command.ts';

const POLL_MS = 10;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const work = mkdtempSync(join(tmpdir(), 'bunkatsu-stall-bench-'));
const idleSeconds = Number(option('idle-seconds', '3'));
const workers = option('workers', '');

function cli(...args: string[]): string {
  const run = spawnSync(...bunkatsu(args), { cwd: work, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`bunkatsu ${args.join(' ')} failed: ${run.stderr}`);
  return `${run.stdout}${run.stderr}`.trim();
}

function topologyFile(): string {
  const given = option('topology', '');
  if (given) return resolve(given);
  const out = join(work, 'metro.yaml');
  cli('generate', '--scale', 'metro', '--seed', '1', '--quiet', '-o', out);
  return out;
}

/** A one-rule change: remove the first rule of the first device (as written in the YAML). */
function oneRuleChange(text: string): string {
  const devices = text.indexOf('\ndevices:');
  const device = /\n {2}- id: ([^\s,}]+)/.exec(text.slice(devices))?.[1];
  const rule = /\n {6}- \{ id: ([^\s,}]+)/.exec(text.slice(devices))?.[1];
  if (!device || !rule) throw new Error('no device rule found in the topology');
  return `bunkatsu-change: 1\ndescription: bench\nchanges:\n  - remove-rule: { device: ${device}, rule: ${rule} }\n`;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

function call(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request(`${base}${path}`, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', fail);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/** Polls /health every POLL_MS (never more than one in flight) until stop(); returns the latencies. */
function poll(base: string): { stop: () => Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      await call(base, 'GET', '/health');
      const took = performance.now() - started;
      latencies.push(took);
      if (took < POLL_MS) await new Promise((r) => setTimeout(r, POLL_MS - took));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return latencies;
    },
  };
}

const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;
const ms = (x: number): string => x.toFixed(1);

interface Row {
  phase: string;
  seconds: number;
  status: number;
  polls: number;
  p50: number;
  p99: number;
  max: number;
}

async function phase(base: string, name: string, work: () => Promise<{ status: number }>): Promise<Row> {
  const poller = poll(base);
  const started = performance.now();
  const { status } = await work();
  const seconds = (performance.now() - started) / 1000;
  const xs = await poller.stop();
  return { phase: name, seconds, status, polls: xs.length, p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), max: Math.max(...xs) };
}

async function main(): Promise<void> {
  const file = topologyFile();
  const text = readFileSync(file, 'utf8');
  const change = oneRuleChange(text);
  const db = join(work, 'bench.db');
  cli('project', 'create', 'bench', '--db', db);
  const token = cli('token', 'create', '--project', 'bench', '--scope', 'read,submit', '--db', db)
    .split('\n')
    .find((l) => l.startsWith('bnk_'))!;
  const server = spawn(
    ...bunkatsu(['serve', '--port', '0', '--db', db, '--rate-limit', '0', '--log-level', 'warn', ...(workers ? ['--workers', workers] : [])]),
    {
      cwd: work,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const base = await new Promise<string>((ok, fail) => {
    let err = '';
    server.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) ok(m[1]!);
    });
    server.on('exit', (code) => fail(new Error(`server exited with ${code}: ${err}`)));
  });
  const auth = { authorization: `Bearer ${token}` };
  const rows: Row[] = [];
  try {
    rows.push(
      await phase(base, 'idle', async () => {
        await new Promise((r) => setTimeout(r, idleSeconds * 1000));
        return { status: 200 };
      }),
    );
    rows.push(
      await phase(base, `upload (${(Buffer.byteLength(text) / 1048576).toFixed(1)} MiB YAML)`, () =>
        call(base, 'POST', '/projects/bench/versions?filename=metro.yaml', { ...auth, 'content-type': 'application/yaml' }, text),
      ),
    );
    rows.push(await phase(base, 'zone matrix, by domain', () => call(base, 'GET', '/projects/bench/versions/1/matrix?level=domain', auth)));
    rows.push(
      await phase(base, 'review, one-rule change (prepares the base)', () =>
        call(base, 'POST', '/projects/bench/versions/1/reviews?filename=change.yaml', { ...auth, 'content-type': 'application/yaml' }, change),
      ),
    );
    rows.push(
      await phase(base, 'review again (base cached)', () =>
        call(base, 'POST', '/projects/bench/versions/1/reviews?filename=change.yaml', { ...auth, 'content-type': 'application/yaml' }, change),
      ),
    );
  } finally {
    server.kill('SIGTERM');
    agent.destroy();
  }
  console.log(`bench/http-stall.ts: GET /health every ${POLL_MS} ms; topology ${file}`);
  console.log('| phase | answer | seconds | polls | /health p50 ms | p99 ms | max ms |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.phase} | ${r.status} | ${r.seconds.toFixed(1)} | ${r.polls} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} |`);
  rmSync(work, { recursive: true, force: true });
}

await main();
