// Crash-safety benchmark: `kill -9` of `bunkatsu serve` in the middle of a stream of uploads,
// asynchronous checks and reviews, cycle after cycle; after each restart it verifies that every
// answer the server gave (201/202) still holds, that the checks it resumes finish, and that the
// database file passes `PRAGMA integrity_check`. Prints a Markdown table and a summary line.
//
//   npm run bench:crash -- [--cycles 30] [--seed 1] [--min-delay 50] [--max-delay 1500]
//                          [--concurrency 4] [--checks-per-cycle 2] [--resume-timeout 120] [--same-port] [--kill-in-resume] [--keep]
//
// Traffic goes to 127.0.0.1 only. Every loop is bounded in count and time; the servers this
// script starts are killed when it exits, on error too. --keep keeps the temporary folder
// (database included) for a post-mortem; it is kept anyway when something was lost.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { bunkatsu } from './command.ts';

const ROOT = resolve(import.meta.dirname, '..');
const PROJECT = 'crash';
const TODAY = '2026-11-25';
/** Bounds on everything that waits: a server to listen, one request, the poll of resumed checks. */
const LISTEN_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 60_000;
const POLL_MS = 250;
/** Requests per cycle at most (the kill comes long before, at the default delays). */
const MAX_REQUESTS_PER_CYCLE = 400;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const cycles = Number(option('cycles', '30'));
const seed = Number(option('seed', '1'));
const minDelay = Number(option('min-delay', '50'));
const maxDelay = Number(option('max-delay', '1500'));
const concurrency = Number(option('concurrency', '4'));
const checksPerCycle = Number(option('checks-per-cycle', '2'));
const resumeTimeoutMs = Number(option('resume-timeout', '120')) * 1000;
const keep = process.argv.includes('--keep');
/** Restart on the port of the first start, as a supervisor (systemd) restarting `serve --port 8080` would. */
const samePort = process.argv.includes('--same-port');
let firstPort: number | undefined;
/** Start the next traffic (and kill) without waiting for resumed checks: kills land in resumed jobs; the last cycle waits. */
const killInResume = process.argv.includes('--kill-in-resume');

const work = mkdtempSync(join(tmpdir(), 'bunkatsu-crash-bench-'));
const db = join(work, 'crash.db');

// --- processes: every server started here is killed when this script ends -----------------

const children = new Set<ChildProcess>();
function killAll(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    console.error(`bench/crash.ts: ${signal}: servers killed; files kept in ${work}`);
    process.exit(130);
  });
}

function cli(...args: string[]): string {
  const run = spawnSync(...bunkatsu(args), { cwd: work, encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`bunkatsu ${args.join(' ')} failed: ${run.stderr}`);
  return `${run.stdout}${run.stderr}`.trim();
}

/** A free loopback port: bind port 0, read it, let it go. */
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

interface Server {
  readonly child: ChildProcess;
  readonly base: string;
  readonly agent: Agent;
  readonly startMs: number;
  readonly args: string[];
}

/** Spawns `bunkatsu serve` and resolves once it prints its listening line (spawn → listening in startMs). */
async function startServer(): Promise<Server> {
  const port = samePort ? (firstPort ??= await freePort()) : await freePort();
  const args = ['serve', '--db', db, '--port', String(port), '--host', '127.0.0.1', '--log-level', 'warn'];
  const started = performance.now();
  const child = spawn(...bunkatsu(args), { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const base = await new Promise<string>((ok, fail) => {
    let err = '';
    const timer = setTimeout(() => fail(new Error(`server did not listen within ${LISTEN_TIMEOUT_MS} ms: ${err}`)), LISTEN_TIMEOUT_MS);
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`server exited (${code ?? signal}) before listening: ${err.trim()}`));
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return { child, base, agent: new Agent({ keepAlive: true, maxSockets: concurrency + 2 }), startMs: performance.now() - started, args };
}

/** Sends SIGKILL and waits for the process to be gone. */
function kill9(server: Server): Promise<void> {
  return new Promise((ok) => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) return ok();
    server.child.once('exit', () => ok());
    server.child.kill('SIGKILL');
  });
}

// --- HTTP -------------------------------------------------------------------------------------

interface Answer {
  readonly status: number;
  readonly body: Buffer;
  readonly error?: string;
}

function call(server: Server, method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<Answer> {
  return new Promise((ok) => {
    const req = request(`${server.base}${path}`, { method, headers, agent: server.agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', (e) => ok({ status: 0, body: Buffer.alloc(0), error: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => ok({ status: 0, body: Buffer.alloc(0), error: e.code ?? e.message }));
    req.end(body);
  });
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const json = <T>(a: Answer): T => JSON.parse(a.body.toString('utf8')) as T;

/** mulberry32: the kill delays and the request mix are reproducible from --seed. */
function rng(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// --- what was acknowledged --------------------------------------------------------------------

interface Upload {
  readonly version: number;
  readonly hash: string;
  readonly cycle: number;
}
interface Check {
  readonly id: string;
  readonly cycle: number;
  readonly async: boolean;
}
interface Review {
  readonly id: string;
  readonly verdict: string;
  readonly cycle: number;
}

const acked = { uploads: [] as Upload[], checks: [] as Check[], reviews: [] as Review[] };

interface Payloads {
  readonly alpha: Buffer;
  readonly city: Buffer;
  readonly change: Buffer;
  alphaVersion: number;
  cityVersion: number;
}

type Kind = 'upload-alpha' | 'upload-city' | 'check' | 'check-in-request' | 'review';
/**
 * The request mix: [kind, weight]. `check` is an asynchronous check of the city (202, a job);
 * they stop after --checks-per-cycle of them. `check-in-request` checks the alpha sample in the
 * request (201 with the report).
 */
const MIX: readonly (readonly [Kind, number])[] = [
  ['upload-alpha', 0.3],
  ['review', 0.25],
  ['upload-city', 0.15],
  ['check', 0.2],
  ['check-in-request', 0.1],
];

interface Traffic {
  sent: number;
  acknowledged: number;
  byKind: Record<'uploads' | 'checks' | 'reviews', number>;
  unanswered: number;
  refused: Record<string, number>;
  checksSent: number;
}

/** Fires `concurrency` request loops until stop() (the kill); counts what was sent and acknowledged. */
function traffic(server: Server, token: string, p: Payloads, cycle: number, random: () => number): { halt: () => void; done: Promise<Traffic> } {
  const t: Traffic = { sent: 0, acknowledged: 0, byKind: { uploads: 0, checks: 0, reviews: 0 }, unanswered: 0, refused: {}, checksSent: 0 };
  let running = true;
  const auth = { authorization: `Bearer ${token}` };
  const pick = (): Kind => {
    for (;;) {
      let x = random();
      for (const [kind, w] of MIX) {
        if ((x -= w) < 0) {
          if (kind === 'check' && t.checksSent >= checksPerCycle) break;
          return kind;
        }
      }
    }
  };
  const one = async (): Promise<void> => {
    const kind = pick();
    t.sent++;
    let a: Answer;
    switch (kind) {
      case 'upload-alpha':
      case 'upload-city': {
        const body = kind === 'upload-alpha' ? p.alpha : p.city;
        const name = kind === 'upload-alpha' ? 'alpha-city.yaml' : 'city.json';
        a = await call(
          server,
          'POST',
          `/projects/${PROJECT}/versions?filename=${name}`,
          { ...auth, 'content-type': kind === 'upload-alpha' ? 'application/yaml' : 'application/json' },
          body,
        );
        if (a.status === 201) {
          const v = json<{ version: number; hash: string }>(a);
          if (v.hash !== sha256(body)) throw new Error(`cycle ${cycle}: upload answered hash ${v.hash}, sent ${sha256(body)}`);
          acked.uploads.push({ version: v.version, hash: v.hash, cycle });
          t.byKind.uploads++;
        }
        break;
      }
      case 'check':
        t.checksSent++;
        a = await call(server, 'POST', `/projects/${PROJECT}/versions/${p.cityVersion}/checks?today=${TODAY}`, auth);
        if (a.status === 202) {
          acked.checks.push({ id: json<{ check: { id: string } }>(a).check.id, cycle, async: true });
          t.byKind.checks++;
        } else if (a.status === 201) throw new Error(`cycle ${cycle}: a check of the city answered 201, expected 202 (async)`);
        break;
      case 'check-in-request':
        a = await call(server, 'POST', `/projects/${PROJECT}/versions/${p.alphaVersion}/checks?today=${TODAY}`, auth);
        if (a.status === 201) {
          acked.checks.push({ id: json<{ check: { id: string } }>(a).check.id, cycle, async: false });
          t.byKind.checks++;
        }
        break;
      case 'review':
        a = await call(
          server,
          'POST',
          `/projects/${PROJECT}/versions/${p.alphaVersion}/reviews?today=${TODAY}&filename=gcloud-line.yaml`,
          { ...auth, 'content-type': 'application/yaml' },
          p.change,
        );
        if (a.status === 201) {
          const r = json<{ id: string; verdict: string }>(a);
          acked.reviews.push({ id: r.id, verdict: r.verdict, cycle });
          t.byKind.reviews++;
        }
        break;
    }
    if (a.status === 201 || a.status === 202) t.acknowledged++;
    else if (a.status === 0) t.unanswered++;
    else t.refused[`${a.status}`] = (t.refused[`${a.status}`] ?? 0) + 1;
  };
  const loops = Array.from({ length: concurrency }, async () => {
    while (running && t.sent < MAX_REQUESTS_PER_CYCLE) await one();
  });
  return {
    halt: () => {
      running = false;
    },
    done: Promise.all(loops).then(() => t),
  };
}

// --- checks between and after the crash -------------------------------------------------------

/** Opens the database read-only while the server is down: integrity, pending checks, and the acknowledged rows. */
function offline(): { integrity: string; pending: number; missing: string[] } {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const integrity = (d.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
    const pending = (d.prepare("SELECT count(*) AS n FROM checks WHERE status IN ('queued', 'running')").get() as { n: number }).n;
    const missing: string[] = [];
    const version = d.prepare('SELECT hash FROM topology_versions WHERE project_id = ? AND version = ?');
    for (const u of acked.uploads) {
      const row = version.get(PROJECT, u.version) as { hash: string } | undefined;
      if (row?.hash !== u.hash) missing.push(`version ${u.version} (db)`);
    }
    const check = d.prepare('SELECT status FROM checks WHERE project_id = ? AND id = ?');
    for (const c of acked.checks) if (!check.get(PROJECT, c.id)) missing.push(`${c.id} (db)`);
    const review = d.prepare('SELECT verdict FROM reviews WHERE project_id = ? AND id = ?');
    for (const r of acked.reviews) if ((review.get(PROJECT, r.id) as { verdict: string } | undefined)?.verdict !== r.verdict) missing.push(`${r.id} (db)`);
    return { integrity, pending, missing };
  } finally {
    d.close();
  }
}

interface CheckState {
  id: string;
  status: string;
  error: { code?: string } | null;
}

/**
 * After a restart, through the API: every acknowledged version listed with its hash (the ones
 * acknowledged in `cycle`: their /content hashed again), every review readable, and every
 * pending check finished (bounded by --resume-timeout). Returns what is missing and the time
 * from listening until no check was queued or running.
 */
async function online(
  server: Server,
  token: string,
  cycle: number,
  waitForChecks: boolean,
): Promise<{ missing: string[]; resumedSeconds: number; stuck: number; stored: number }> {
  const auth = { authorization: `Bearer ${token}` };
  const missing: string[] = [];
  const list = await call(server, 'GET', `/projects/${PROJECT}/versions`, auth);
  if (list.status !== 200) throw new Error(`GET versions answered ${list.status}`);
  const listed = new Map(json<{ versions: { version: number; hash: string }[] }>(list).versions.map((v) => [v.version, v.hash]));
  for (const u of acked.uploads) {
    if (listed.get(u.version) !== u.hash) missing.push(`version ${u.version}`);
    else if (u.cycle === cycle) {
      const content = await call(server, 'GET', `/projects/${PROJECT}/versions/${u.version}/content`, auth);
      if (content.status !== 200 || sha256(content.body) !== u.hash) missing.push(`version ${u.version} content`);
    }
  }
  const reviews = await call(server, 'GET', `/projects/${PROJECT}/reviews`, auth);
  const verdicts = new Map(json<{ reviews: { id: string; verdict: string }[] }>(reviews).reviews.map((r) => [r.id, r.verdict]));
  for (const r of acked.reviews) {
    if (verdicts.get(r.id) !== r.verdict) missing.push(r.id);
    else if (r.cycle === cycle) {
      const one = await call(server, 'GET', `/projects/${PROJECT}/reviews/${r.id}?format=markdown`, auth);
      if (one.status !== 200 || one.body.length === 0) missing.push(`${r.id} markdown`);
    }
  }
  // Resumed checks: poll the list until nothing is queued or running.
  const started = performance.now();
  let checks: CheckState[] = [];
  for (;;) {
    const a = await call(server, 'GET', `/projects/${PROJECT}/checks`, auth);
    checks = json<{ checks: CheckState[] }>(a).checks;
    if (!waitForChecks || !checks.some((c) => c.status === 'queued' || c.status === 'running')) break;
    if (performance.now() - started > resumeTimeoutMs) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const resumedSeconds = (performance.now() - started) / 1000;
  const byId = new Map(checks.map((c) => [c.id, c]));
  let stuck = 0;
  for (const c of acked.checks) {
    const got = byId.get(c.id);
    if (!got) missing.push(c.id);
    else if (got.status === 'failed' && !got.error?.code) missing.push(`${c.id} failed without a code`);
    else if (!c.async && got.status !== 'done' && (waitForChecks || got.status !== 'running')) missing.push(`${c.id} ${got.status} (answered 201)`);
    else if (waitForChecks && got.status !== 'done' && got.status !== 'failed') stuck++;
  }
  return { missing, resumedSeconds, stuck, stored: listed.size + verdicts.size + checks.length };
}

// --- the run ----------------------------------------------------------------------------------

interface Row {
  cycle: number;
  killAfterMs: number;
  sent: number;
  acknowledged: number;
  byKind: string;
  storedUnanswered: number;
  unanswered: number;
  refused: string;
  integrity: string;
  resumed: number;
  resumedSeconds: number;
  stuck: number;
  restartMs: number;
  lost: string[];
}

/** Whether bin/bunkatsu.js runs dist/ (as it decides: the bundle is newer than every source file). */
function runsBundle(): boolean {
  const bundle = resolve(ROOT, 'dist', 'bunkatsu.mjs');
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce(
      (n, e) => Math.max(n, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs),
      0,
    );
  return existsSync(bundle) && statSync(bundle).mtimeMs >= newest(resolve(ROOT, 'src'));
}

const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;

async function main(): Promise<void> {
  const random = rng(seed);
  cli('project', 'create', PROJECT, '--db', db);
  const token = cli('token', 'create', '--project', PROJECT, '--scope', 'read,submit', '--db', db)
    .split('\n')
    .find((l) => l.startsWith('bnk_'))!;
  const cityFile = join(work, 'city.json');
  cli('generate', '--scale', 'city', '--seed', '1', '--quiet', '-o', cityFile);
  const p: Payloads = {
    alpha: readFileSync(resolve(ROOT, 'topologies/alpha-city.yaml')),
    city: readFileSync(cityFile),
    change: readFileSync(resolve(ROOT, 'topologies/changes/gcloud-line.yaml')),
    alphaVersion: 0,
    cityVersion: 0,
  };
  const auth = { authorization: `Bearer ${token}` };

  // The base versions the checks and reviews refer to, uploaded before the first kill.
  let server = await startServer();
  const firstStartMs = server.startMs;
  for (const [kind, body, type, name] of [
    ['alpha', p.alpha, 'application/yaml', 'alpha-city.yaml'],
    ['city', p.city, 'application/json', 'city.json'],
  ] as const) {
    const a = await call(server, 'POST', `/projects/${PROJECT}/versions?filename=${name}`, { ...auth, 'content-type': type }, body);
    if (a.status !== 201) throw new Error(`setup upload of ${name} answered ${a.status}: ${a.body.toString()}`);
    const v = json<{ version: number; hash: string }>(a);
    acked.uploads.push({ version: v.version, hash: v.hash, cycle: 0 });
    if (kind === 'alpha') p.alphaVersion = v.version;
    else p.cityVersion = v.version;
  }

  const rows: Row[] = [];
  let storedBefore = 0; // stored without an answer in earlier cycles (committed, then the connection was cut)
  const started = Date.now();
  for (let cycle = 1; cycle <= cycles; cycle++) {
    const killAfterMs = Math.round(minDelay + random() * (maxDelay - minDelay));
    const load = traffic(server, token, p, cycle, random);
    await new Promise((r) => setTimeout(r, killAfterMs));
    load.halt(); // no new request after the kill; those in flight are cut off by it
    await kill9(server); // mid-traffic: no shutdown, no checkpoint, no close
    const t = await load.done;
    server.agent.destroy();

    const down = offline();
    let restartMs: number;
    try {
      server = await startServer();
      restartMs = server.startMs;
    } catch (error) {
      // A server that does not come back is the finding: keep the database and say so.
      console.error(`cycle ${cycle}: restart failed: ${(error as Error).message}\n(database kept in ${work})`);
      throw error;
    }
    const waited = !killInResume || cycle === cycles;
    const up = await online(server, token, cycle, waited);
    const row: Row = {
      cycle,
      killAfterMs,
      sent: t.sent,
      acknowledged: t.acknowledged,
      byKind: `${t.byKind.uploads}/${t.byKind.checks}/${t.byKind.reviews}`,
      storedUnanswered: up.stored - (acked.uploads.length + acked.checks.length + acked.reviews.length) - storedBefore,
      unanswered: t.unanswered,
      refused:
        Object.entries(t.refused)
          .map(([s, n]) => `${n}×${s}`)
          .join(' ') || '–',
      integrity: down.integrity,
      resumed: down.pending,
      resumedSeconds: waited ? up.resumedSeconds : Number.NaN,
      stuck: up.stuck,
      restartMs,
      lost: [...down.missing, ...up.missing],
    };
    rows.push(row);
    storedBefore += row.storedUnanswered;
    console.error(
      `cycle ${cycle}/${cycles}: kill after ${killAfterMs} ms, ${t.sent} sent, ${t.acknowledged} acknowledged, lost ${row.lost.length}, ` +
        `resumed ${row.resumed} in ${row.resumedSeconds.toFixed(1)} s, restart ${restartMs.toFixed(0)} ms, integrity ${down.integrity}`,
    );
  }
  // A last graceful stop: the server that verified the last cycle exits 0 on SIGTERM.
  const stopCode = await new Promise<number | string | null>((ok) => {
    const last = server.child;
    const timer = setTimeout(() => {
      // bounded: the drain is at most 30 s
      last.kill('SIGKILL');
      ok('none within 60 s (killed)');
    }, 60_000);
    last.once('exit', (code) => {
      clearTimeout(timer);
      ok(code);
    });
    last.kill('SIGTERM');
  });
  server.agent.destroy();

  const lost = rows.reduce((n, r) => n + r.lost.length, 0);
  const ok = rows.filter((r) => r.integrity === 'ok').length;
  const restarts = rows.map((r) => r.restartMs);
  const stuck = rows.reduce((n, r) => n + r.stuck, 0);
  console.log(
    `bench/crash.ts: ${cycles} cycles of kill -9 after ${minDelay}–${maxDelay} ms of traffic (${concurrency} concurrent; seed ${seed}); ` +
      `server \`node bin/bunkatsu.js ${server.args
        .join(' ')
        .replace(db, '<db>')
        .replace(/--port \d+/, samePort ? '--port <one free port, reused>' : '--port <free port>')}\``,
  );
  console.log('');
  console.log(
    '| cycle | kill after ms | sent | acknowledged (uploads/checks/reviews) | unanswered at kill | of those stored | refused | lost | checks resumed | resumed done in s | restart ms | integrity_check |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.cycle} | ${r.killAfterMs} | ${r.sent} | ${r.acknowledged} (${r.byKind}) | ${r.unanswered} | ${r.storedUnanswered} | ${r.refused} | ${r.lost.length}${r.lost.length ? ` (${r.lost.join(', ')})` : ''} | ` +
        `${r.resumed} | ${Number.isNaN(r.resumedSeconds) ? 'not waited' : r.resumed ? r.resumedSeconds.toFixed(1) : '–'}${r.stuck ? ` (${r.stuck} unfinished)` : ''} | ${r.restartMs.toFixed(0)} | ${r.integrity} |`,
    );
  }
  const sum = (f: (r: Row) => number): number => rows.reduce((n, r) => n + f(r), 0);
  console.log(
    `| **total** | | ${sum((r) => r.sent)} | ${sum((r) => r.acknowledged)} | ${sum((r) => r.unanswered)} | ${sum((r) => r.storedUnanswered)} | | ${lost} | ${sum((r) => r.resumed)} | ` +
      `max ${Math.max(...rows.map((r) => (r.resumed && !Number.isNaN(r.resumedSeconds) ? r.resumedSeconds : 0))).toFixed(1)} | median ${quantile(restarts, 0.5).toFixed(0)}, max ${Math.max(...restarts).toFixed(0)} | ${ok}/${rows.length} ok |`,
  );
  console.log('');
  console.log(
    `Summary: ${rows.length} kill -9 cycles, ${sum((r) => r.sent)} requests, ${sum((r) => r.acknowledged)} acknowledged ` +
      `(${acked.uploads.length - 2} uploads, ${acked.checks.length} checks of which ${acked.checks.filter((c) => c.async).length} asynchronous, ${acked.reviews.length} reviews), ${lost} lost; ` +
      `${sum((r) => r.resumed)} checks resumed, ${stuck} unfinished after ${resumeTimeoutMs / 1000} s; restart (spawn → listening) median ${quantile(restarts, 0.5).toFixed(0)} ms, ` +
      `max ${Math.max(...restarts).toFixed(0)} ms (first start ${firstStartMs.toFixed(0)} ms); integrity_check ok ${ok}/${rows.length}; final SIGTERM exit ${stopCode}; ` +
      `${((Date.now() - started) / 1000).toFixed(0)} s.`,
  );
  const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim() || String(cpus().length);
  console.log(
    `Machine: nproc ${nproc}, node ${process.version}, ${new Date().toISOString()}; bunkatsu ran from ${runsBundle() ? 'dist/ (the bundle)' : 'src/ through tsx'}.`,
  );
  console.log(`Command: npm run bench:crash -- ${process.argv.slice(2).join(' ')}`.trimEnd());
  if (lost > 0 || stuck > 0 || ok < rows.length || keep) console.log(`Database and files kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

try {
  await main();
} catch (error) {
  killAll();
  console.error(`bench/crash.ts: ${(error as Error).stack ?? String(error)}\n(files kept in ${work})`);
  process.exitCode = 1;
}
