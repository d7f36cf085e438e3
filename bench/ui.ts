// Web page benchmark (npm run bench:ui): time to first interactive render of a generated
// topology's check page in headless Chromium (Debian's, through playwright-core).
//
//   npm run bench:ui                          # city (1,010 zones), 5 page loads
//   npm run bench:ui -- --scale metro --runs 3
//
// The server runs in this process on the built page (dist/web: `npm run build` first, which
// the script does), the topology is generated with `bin/bunkatsu.js generate`, uploaded and
// checked once (as a job); then each run opens a fresh page on that check (the token put in
// session storage before the page's script runs, never in the URL) and reads two times the
// page itself records, in ms since navigation started: the graph's first frame on screen
// (#graph[data-first-render], after the report and the graph have been fetched and the
// findings list built), and when the page answers a click on a finding with its highlighted
// path (a user's first interaction, measured as the click's round trip).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '../src/server/app.ts';
import { Store } from '../src/store/store.ts';
import { launchChromium } from '../tests/web/browser.ts';
import { bunkatsu } from './command.ts';
import { benchArgs, count } from './args.ts';

const { values } = benchArgs(import.meta.filename, { options: { scale: { type: 'string', default: 'city' }, runs: { type: 'string', default: '5' } } });
const runs = count(values.runs, 'runs');

const dir = mkdtempSync(join(tmpdir(), 'bunkatsu-bench-ui-'));
const file = join(dir, `${values.scale}.yaml`);
execFileSync(...bunkatsu(['generate', '--scale', values.scale!, '-o', file, '--quiet']), { stdio: 'inherit' });

const store = await Store.open(join(dir, 'bench.db'));
await store.createProject('bench', 'bench');
const token = (await store.createToken('bench', ['read', 'submit'], 'bench:ui')).token;
const app = await buildServer({ db: store, logger: false, rateLimit: false, workers: 1 });
const base = await app.listen({ host: '127.0.0.1', port: 0 });
const auth = { authorization: `Bearer ${token}` };
const up = await fetch(`${base}/projects/bench/versions?filename=${values.scale}.yaml`, {
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/yaml' },
  body: readFileSync(file, 'utf8'),
});
if (up.status !== 201) throw new Error(`upload: ${up.status} ${await up.text()}`);
const job = await fetch(`${base}/projects/bench/versions/1/checks?async=true`, { method: 'POST', headers: auth });
const location = job.headers.get('location')!;
let status = '';
while (status !== 'done') {
  status = ((await (await fetch(`${base}${location}`, { headers: auth })).json()) as { check: { status: string } }).check.status;
  if (status === 'failed') throw new Error('the check failed');
  await new Promise((ok) => setTimeout(ok, 500));
}
const checkId = location.split('/').pop()!;
const graph = (await (await fetch(`${base}/projects/bench/versions/1/graph`, { headers: auth })).json()) as { nodes: unknown[]; edges: unknown[] };

const browser = await launchChromium();
const firstRender: number[] = [];
/** When the check (with its report) and the graph had arrived, ms since navigation started. */
const reportArrived: number[] = [];
/** When the page's DOM (clauses, findings) was built and when sigma had been set up (performance marks of web/app.ts). */
const pageBuilt: number[] = [];
const graphCreated: number[] = [];
const graphArrived: number[] = [];
const firstAnswer: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const page = await browser.context.newPage();
    await page.addInitScript(`sessionStorage.setItem('bunkatsu.token', ${JSON.stringify(token)})`);
    await page.goto(`${base}/#/p/bench/checks/${checkId}`);
    const rendered = page.locator('#graph[data-first-render]');
    await rendered.waitFor({ timeout: 60_000 });
    firstRender.push(Number(await rendered.getAttribute('data-first-render')));
    const arrived = (await page.evaluate("performance.getEntriesByType('resource').map((e) => [e.name, Math.round(e.responseEnd)])")) as [string, number][];
    reportArrived.push(arrived.find(([name]) => name.includes('/checks/'))?.[1] ?? -1);
    graphArrived.push(arrived.find(([name]) => name.endsWith('/graph'))?.[1] ?? -1);
    const marks = (await page.evaluate("performance.getEntriesByType('mark').map((e) => [e.name, Math.round(e.startTime)])")) as [string, number][];
    pageBuilt.push(marks.find(([name]) => name === 'bunkatsu:page-built')?.[1] ?? -1);
    graphCreated.push(marks.find(([name]) => name === 'bunkatsu:graph-created')?.[1] ?? -1);
    const clicked = await page.evaluate(() => performance.now());
    await page.locator('.finding[data-rule="path-separation"]').first().click();
    await page.locator('#graph[data-highlighted*=" "]').waitFor();
    firstAnswer.push((await page.evaluate(() => performance.now())) - clicked);
    await page.close();
  }
} finally {
  await browser.close();
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  JSON.stringify(
    {
      scale: values.scale,
      nodes: graph.nodes.length,
      edges: graph.edges.length,
      runs,
      firstRenderMs: { median: median(firstRender), all: firstRender },
      reportArrivedMs: { median: median(reportArrived), all: reportArrived },
      graphArrivedMs: { median: median(graphArrived), all: graphArrived },
      pageBuiltMs: { median: median(pageBuilt), all: pageBuilt },
      graphCreatedMs: { median: median(graphCreated), all: graphCreated },
      highlightAfterClickMs: { median: Math.round(median(firstAnswer)), all: firstAnswer.map(Math.round) },
      machine: { cpus: cpus().length, node: process.version, load: loadavg().map((l) => Number(l.toFixed(2))) },
    },
    null,
    2,
  ),
);
