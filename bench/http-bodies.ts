// Large and hostile upload bodies against a real server (npm run bench:bodies): each body is
// sent to `bunkatsu serve` on loopback, and the answer, the time and the server's peak memory
// (VmHWM of its process, workers included) are recorded; /health must answer after each.
//
//   npm run bench:bodies -- [--keep]        # the generated city, metro and prefecture among them
//
// Bodies: over the upload limit with and without Content-Length (chunked), the densest YAML and
// JSON under the value limits, one huge scalar, and the generated topologies. Loopback only.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { bunkatsu } from './command.ts';

const ROOT = resolve(import.meta.dirname, '..');
const MB = 1024 * 1024;
const work = mkdtempSync(join(tmpdir(), 'bunkatsu-bodies-bench-'));
const db = join(work, 'bench.db');
const log = (s: string): void => void process.stderr.write(`${s}\n`);

function cli(...args: string[]): string {
  const run = spawnSync(...bunkatsu(args), { cwd: work, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`bunkatsu ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout.trim();
}

/** Peak and current resident memory of a process, in MiB (Linux /proc). */
function memory(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { peak: Math.round(kb('VmHWM') / 1024), now: Math.round(kb('VmRSS') / 1024) };
}

function startServer(): Promise<{ server: ChildProcess; port: number }> {
  return new Promise((resolvePromise, reject) => {
    const server = spawn(...bunkatsu(['serve', '--db', db, '--port', '0', '--log-level', 'warn', '--rate-limit', '0']), {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    server.stderr!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolvePromise({ server, port: Number(m[1]) });
    });
    server.stdout!.resume();
    server.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

interface Answer {
  status: number;
  code: string;
  ms: number;
}

function send(port: number, token: string, body: Buffer | (() => Readable), contentType: string, filename: string): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolvePromise) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${token}`, 'content-type': contentType };
    if (Buffer.isBuffer(body)) headers['content-length'] = body.length;
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: `/projects/bench/versions?filename=${filename}`, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
      });
      res.on('end', () => {
        let code = '';
        try {
          code = (JSON.parse(text) as { code?: string }).code ?? '';
        } catch {
          /* not JSON */
        }
        resolvePromise({ status: res.statusCode ?? 0, code, ms: Math.round(performance.now() - started) });
      });
    });
    req.on('error', (e) => resolvePromise({ status: 0, code: e.message, ms: Math.round(performance.now() - started) }));
    if (Buffer.isBuffer(body)) req.end(body);
    else
      body()
        .on('error', () => undefined)
        .pipe(req);
  });
}

async function health(port: number): Promise<number> {
  return new Promise((resolvePromise) => {
    request({ host: '127.0.0.1', port, path: '/health' }, (res) => {
      res.resume();
      res.on('end', () => resolvePromise(res.statusCode ?? 0));
    })
      .on('error', () => resolvePromise(0))
      .end();
  });
}

/** An endless-looking stream of `size` bytes of spaces, sent chunked (no Content-Length). */
const chunked = (size: number) => (): Readable => {
  let sent = 0;
  const chunk = Buffer.alloc(MB, 0x20);
  return new Readable({
    read() {
      if (sent >= size) this.push(null);
      else {
        sent += chunk.length;
        this.push(chunk);
      }
    },
  });
};

async function main(): Promise<void> {
  cli('project', 'create', 'bench', '--db', db);
  const token = cli('token', 'create', '--project', 'bench', '--scope', 'read,submit', '--db', db);
  for (const scale of ['city', 'metro', 'prefecture']) cli('generate', '--scale', scale, '--seed', '1', '--quiet', '-o', join(work, `${scale}.json`));
  cli('generate', '--scale', 'metro', '--seed', '1', '--quiet', '-o', join(work, 'metro.yaml'));
  const file = (name: string): Buffer => readFileSync(join(work, name));
  const sample = readFileSync(resolve(ROOT, 'topologies/alpha-city.yaml'), 'utf8');
  const cases: Array<{ label: string; body: Buffer | (() => Readable); type: string; name: string; size: number }> = [
    { label: 'generated city (JSON)', body: file('city.json'), type: 'application/json', name: 'city.json', size: statSync(join(work, 'city.json')).size },
    { label: 'generated metro (YAML)', body: file('metro.yaml'), type: 'application/yaml', name: 'metro.yaml', size: statSync(join(work, 'metro.yaml')).size },
    { label: 'generated metro (JSON)', body: file('metro.json'), type: 'application/json', name: 'metro.json', size: statSync(join(work, 'metro.json')).size },
    {
      label: 'generated prefecture (JSON)',
      body: file('prefecture.json'),
      type: 'application/json',
      name: 'prefecture.json',
      size: statSync(join(work, 'prefecture.json')).size,
    },
    {
      label: 'densest YAML under the value limit (flow list)',
      body: Buffer.from(`zones: [${'0,'.repeat(740_000)}0]\n`),
      type: 'application/yaml',
      name: 'dense.yaml',
      size: 1_480_010,
    },
    {
      label: 'densest JSON under the value limit (array)',
      body: Buffer.from(`{"zones":[${'0,'.repeat(7_990_000)}0]}`),
      type: 'application/json',
      name: 'dense.json',
      size: 15_980_013,
    },
    {
      label: 'one 60 MB description (YAML)',
      body: Buffer.from(sample.replace(/^description: .*$/m, `description: ${'a'.repeat(60 * MB)}`)),
      type: 'application/yaml',
      name: 'long.yaml',
      size: 60 * MB,
    },
    { label: '200 MB with Content-Length', body: Buffer.alloc(200 * MB, 0x20), type: 'application/yaml', name: 'big.yaml', size: 200 * MB },
    { label: '1 GiB chunked (no Content-Length)', body: chunked(1024 * MB), type: 'application/yaml', name: 'big.yaml', size: 1024 * MB },
  ];
  const { server, port } = await startServer();
  try {
    const rows: string[] = [];
    const base = memory(server.pid!);
    log(`server up on ${port}, ${base.now} MiB`);
    for (const c of cases) {
      const answer = await send(port, token, c.body, c.type, c.name);
      const up = await health(port);
      const mem = memory(server.pid!);
      const row = `| ${c.label} | ${(c.size / MB).toFixed(1)} | ${answer.status} ${answer.code} | ${answer.ms} | ${mem.peak} | ${mem.now} | ${up === 200 ? 'yes' : `NO (${up})`} |`;
      log(row);
      rows.push(row);
    }
    const out = spawnSync(process.execPath, ['-p', 'Math.round(require("v8").getHeapStatistics().heap_size_limit / 1048576)'], {
      encoding: 'utf8',
    }).stdout.trim();
    process.stdout.write(
      `\nnode ${process.version}, nproc ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()}, default heap ${out} MiB, ${new Date().toISOString().slice(0, 10)}; server: bunkatsu serve with its defaults\n\n`,
    );
    process.stdout.write('| body | MiB | answer | ms | server peak RSS so far (MiB) | RSS after (MiB) | /health after |\n|---|---|---|---|---|---|---|\n');
    process.stdout.write(`| (server started) | | | | ${base.peak} | ${base.now} | yes |\n`);
    for (const r of rows) process.stdout.write(`${r}\n`);
  } finally {
    server.kill('SIGTERM');
    if (!process.argv.includes('--keep')) rmSync(work, { recursive: true, force: true });
  }
}

await main();
