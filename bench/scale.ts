// Scale-out benchmark (npm run bench:scale): one PostgreSQL (Debian's binaries, a throwaway
// cluster), 2 API servers and 1, 2, then 4 `bunkatsu worker` processes, all real processes on
// this machine. It uploads the generated `city` once per check (distinct versions, as distinct
// cities would be), then for each worker count submits asynchronous checks through the two
// servers in turn and waits for every result, then sends reviews (review jobs run by the
// workers; each request waits for its job and gets 201); it reports throughput and p95 latency, and the database's side: transactions
// committed and rows written during the phase.
//
//   npm run bench:scale                                  # 200 checks, 1,000 reviews per worker count
//   npm run bench:scale -- --checks 20 --reviews 100 --workers 1,2
//
// Nothing is asserted: it measures and prints (Markdown on stdout, progress on stderr).

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { Store } from '../src/store/store.ts';
import { startPostgres } from '../tests/postgres-server.ts';
import { benchProgress } from './progress.ts';
import { bunkatsu } from './command.ts';
import { benchArgs, count } from './args.ts';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = benchArgs(import.meta.filename, {
  options: {
    checks: { type: 'string', default: '200' },
    reviews: { type: 'string', default: '1000' },
    workers: { type: 'string', default: '1,2,4' },
    concurrency: { type: 'string', default: '8' },
  },
});
const checkCount = count(values.checks, 'checks', 0);
const reviewCount = count(values.reviews, 'reviews', 0);
const workerCounts = values.workers!.split(',').map(Number);
const inFlight = count(values.concurrency, 'concurrency');

const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;

/** Starts `bunkatsu <args>` and resolves, with what it printed so far, once `ready` appears. */
function startProcess(args: string[], ready: RegExp): Promise<{ child: ChildProcess; output: string }> {
  const child = spawn(...bunkatsu(args), { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((ok, fail) => {
    let seen = '';
    const look = (d: Buffer): void => {
      seen += d.toString();
      if (ready.test(seen)) ok({ child, output: seen });
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.on('exit', (code) => fail(new Error(`${args[0]} exited with ${code}: ${seen.slice(-500)}`)));
  });
}

const stop = (child: ChildProcess): Promise<void> =>
  new Promise((done) => {
    if (child.exitCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });

async function databaseLoad(url: string): Promise<{ commits: number; rowsWritten: number }> {
  // PostgreSQL publishes other sessions' statistics with a delay of up to a second.
  await new Promise((ok) => setTimeout(ok, 1500));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query(
      'SELECT xact_commit AS commits, tup_inserted + tup_updated + tup_deleted AS rows FROM pg_stat_database WHERE datname = current_database()',
    );
    return { commits: Number(r.rows[0].commits), rowsWritten: Number(r.rows[0].rows) };
  } finally {
    await client.end();
  }
}

/** Runs `task(i)` for i < n with at most `limit` at once; resolves to each one's latency (ms). */
async function pooled(n: number, limit: number, task: (i: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async () => {
      while (next < n) {
        const i = next++;
        const started = performance.now();
        await task(i);
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bunkatsu-scale-'));
  const city = join(work, 'city.json');
  spawnSync(...bunkatsu(['generate', '--scale', 'city', '--seed', '1', '-o', city]), { stdio: 'ignore' });
  const change = readFileSync(resolve(ROOT, 'topologies/changes/remove-asp-rule.yaml'), 'utf8');
  const alpha = readFileSync(resolve(ROOT, 'topologies/alpha-city.yaml'), 'utf8');
  const postgres = await startPostgres();
  const url = postgres.url;
  const rows: string[] = [];
  const progress = benchProgress(workerCounts.length * 2);
  try {
    const store = await Store.open(url);
    await store.createProject('bench', 'bench');
    const { token } = await store.createToken('bench', ['read', 'submit'], 'bench:scale');
    await store.close();
    const auth = { authorization: `Bearer ${token}` };
    const servers = await Promise.all(
      [0, 1].map(() => startProcess(['serve', '--port', '0', '--database', url, '--log-level', 'warn', '--rate-limit', '0'], /listening on http/)),
    );
    const bases = servers.map((s) => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(s.output)![1]!);
    const upload = async (body: string, filename: string, type: string): Promise<number> => {
      const r = await fetch(`${bases[0]}/projects/bench/versions?filename=${filename}`, { method: 'POST', headers: { ...auth, 'content-type': type }, body });
      if (r.status !== 201) throw new Error(`upload ${filename}: ${r.status} ${await r.text()}`);
      return ((await r.json()) as { version: number }).version;
    };
    // One version per check, each under its own file name: a worker keeps a version's network (and
    // what its checks computed) in memory, so checking one version 200 times would measure that cache.
    const cityText = readFileSync(city, 'utf8');
    const cityVersions: number[] = [];
    await pooled(checkCount, 2, async (i) => {
      cityVersions[i] = await upload(cityText, `city-${i}.json`, 'application/json');
    });
    const alphaVersion = await upload(alpha, 'alpha-city.yaml', 'application/yaml');

    for (const n of workerCounts) {
      const workers = await Promise.all(Array.from({ length: n }, () => startProcess(['worker', '--database', url, '--concurrency', '1'], /worker taking/)));
      progress.step(`${n} worker(s): ${checkCount} city checks`);
      const before = await databaseLoad(url);
      const started = performance.now();
      const checkLatencies = await pooled(checkCount, inFlight, async (i) => {
        const base = bases[i % bases.length]!;
        const q = await fetch(`${base}/projects/bench/versions/${cityVersions[i]}/checks?async=true`, { method: 'POST', headers: auth });
        if (q.status !== 202) throw new Error(`check: ${q.status} ${await q.text()}`);
        const id = ((await q.json()) as { check: { id: string } }).check.id;
        for (;;) {
          const r = await fetch(`${bases[(i + 1) % bases.length]}/projects/bench/checks/${id}`, { headers: auth });
          const status = ((await r.json()) as { check: { status: string } }).check.status;
          if (status === 'done') return;
          if (status === 'failed') throw new Error(`check ${id} failed`);
          await new Promise((ok) => setTimeout(ok, 100));
        }
      });
      const checkSeconds = (performance.now() - started) / 1000;
      const afterChecks = await databaseLoad(url);

      progress.step(`${n} worker(s): ${reviewCount} reviews`);
      const reviewStarted = performance.now();
      const reviewLatencies = await pooled(reviewCount, inFlight, async (i) => {
        const r = await fetch(`${bases[i % bases.length]}/projects/bench/versions/${alphaVersion}/reviews?filename=change.yaml`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/yaml' },
          body: change,
        });
        if (r.status !== 201 && r.status !== 200) throw new Error(`review: ${r.status} ${await r.text()}`);
        await r.arrayBuffer();
      });
      const reviewSeconds = (performance.now() - reviewStarted) / 1000;
      const afterReviews = await databaseLoad(url);
      await Promise.all(workers.map((w) => stop(w.child)));
      rows.push(
        `| ${n} | ${checkCount} | ${(checkCount / checkSeconds).toFixed(2)}/s (${checkSeconds.toFixed(1)} s) | ${(quantile(checkLatencies, 0.95) / 1000).toFixed(1)} s | ${afterChecks.commits - before.commits} / ${afterChecks.rowsWritten - before.rowsWritten} | ${reviewCount} | ${(reviewCount / reviewSeconds).toFixed(1)}/s | ${quantile(reviewLatencies, 0.95).toFixed(0)} ms | ${afterReviews.commits - afterChecks.commits} / ${afterReviews.rowsWritten - afterChecks.rowsWritten} |`,
      );
      progress.note(rows[rows.length - 1]!);
    }
    progress.stop();
    await Promise.all(servers.map((s) => stop(s.child)));
  } finally {
    await postgres.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const date = new Date().toISOString().slice(0, 10);
  console.log(`# Scale-out on PostgreSQL, ${date}\n`);
  console.log(
    `\`npm run bench:scale -- --checks ${checkCount} --reviews ${reviewCount} --workers ${workerCounts.join(',')}\`; ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}; 2 API servers, ${inFlight} requests in flight; 1-minute load at the end ${loadavg()[0]!.toFixed(1)}.\n`,
  );
  console.log(
    '| workers | city checks | throughput | p95 submit → done | PostgreSQL commits / rows written | reviews (alpha-city, one change) | throughput | p95 | PostgreSQL commits / rows written |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
}

await main();
