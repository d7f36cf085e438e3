// Paired change-review benchmark: two versions of the code in one process, each of the bench's
// changes reviewed on one then the other, CPU time per review; every report compared. On a
// shared machine, the load falls on both alike, which runs one after the other cannot promise.
//
//   git archive <commit> src | tar -x -C /tmp/before     (each version: a directory holding src/)
//   node bench/review-paired.mjs /tmp/before . [changes] [k,k,...]
//
// The changes are drawn as bench/review.ts draws them (seed 7) on `metro` (generate it with
// `npm run bench:review` first). Prints per version the CPU median, p95, p99, max and sum, and
// how many reports differ (SHA-256 of each report less its elapsed time).

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
/** Bundles a version's library entry points (src/ under `dir`) and imports it. */
async function version(dir) {
  const out = mkdtempSync(join(tmpdir(), 'bunkatsu-paired-'));
  const src = resolve(dir, 'src');
  const entry = join(out, 'entry.ts');
  writeFileSync(
    entry,
    [
      `export { engineFactoryNamed } from '${src}/engine/registry.ts';`,
      `export { createRng } from '${src}/generate/prng.ts';`,
      `export { loadTopology } from '${src}/model/load.ts';`,
      `export { loadPack } from '${src}/policy/pack.ts';`,
      `export { applyInMemory } from '${src}/review/apply.ts';`,
      `export { loadChange } from '${src}/review/change.ts';`,
      `export { prepareBase, review } from '${src}/review/review.ts';`,
    ].join('\n'),
  );
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: join(out, 'lib.mjs'),
    external: ['better-sqlite3'],
    nodePaths: [join(ROOT, 'node_modules')],
    logLevel: 'warning',
  });
  return import(join(out, 'lib.mjs'));
}
const [A, B] = await Promise.all([version(process.argv[2]), version(process.argv[3])]);
const count = Number(process.argv[4] ?? 200);
const only = process.argv[5] ? new Set(process.argv[5].split(',').map(Number)) : undefined;
const file = join(tmpdir(), 'bunkatsu-bench', 'metro.json');
const text = readFileSync(file, 'utf8');
const today = '2026-11-25';
const prep = (L) => {
  const pack = L.loadPack(readFileSync(join(ROOT, 'policies/seed.yaml'), 'utf8'), 'policies/seed.yaml');
  const before = L.loadTopology(text, file, { domains: new Set(Object.keys(pack.domains)) });
  const base = L.prepareBase(before, pack, today, L.engineFactoryNamed('fast'));
  return { L, pack, before, base };
};
const sides = [prep(A), prep(B)];
const before = sides[0].before;
const rng = A.createRng(7);
const pick = (list) => list[Math.floor(rng.next() * list.length)];
const SERVICES = ['https', 'http', 'ssh', 'smb', 'rdp', 'tcp/8080', 'tcp/8443', 'smtp', 'dns', 'tcp/5432', 'tcp/1521-1522'];
const firewalls = before.devices.filter((d) => d.kind === 'firewall' && d.rules.length > 1);
const servers = before.hosts.filter((h) => h.role === 'server' || h.role === 'storage');
function declOf(rule, changes) {
  return {
    id: changes.id ?? rule.id,
    action: rule.action,
    from: rule.written.from.length ? [...rule.written.from] : 'any',
    to: changes.to ?? (rule.written.to.length ? [...rule.written.to] : 'any'),
    service: changes.service ?? (rule.written.service.length ? [...rule.written.service] : 'any'),
    ...(rule.inInterfaces ? { in: [...rule.inInterfaces] } : {}),
    ...(rule.outInterfaces ? { out: [...rule.outInterfaces] } : {}),
  };
}
function randomChange(k) {
  const fw = pick(firewalls);
  const i = Math.floor(rng.next() * (fw.rules.length - 1));
  const rule = fw.rules[i];
  const roll = rng.next();
  if (roll < 0.4) {
    const decl = declOf(rule, { id: `bench-${k}`, ...(rng.next() < 0.5 ? { service: pick(SERVICES) } : { to: pick(servers).id }) });
    return { kind: 'add-rule', change: { 'add-rule': { device: fw.id, before: rule.id, rule: decl } } };
  }
  if (roll < 0.7) return { kind: 'remove-rule', change: { 'remove-rule': { device: fw.id, rule: rule.id } } };
  if (roll < 0.9)
    return {
      kind: 'replace-rule',
      change: {
        'replace-rule': { device: fw.id, rule: rule.id, with: declOf(rule, rng.next() < 0.5 ? { service: pick(SERVICES) } : { to: pick(servers).id }) },
      },
    };
  return { kind: 'move-rule', change: { 'move-rule': { device: fw.id, rule: rule.id, position: i + 2 } } };
}
const cpu = (since) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
const digest = (r) => {
  const { elapsedMs, ...rest } = r;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
};
const t = [[], []];
const rows = [];
let diffs = 0;
for (let k = 0; k < count; k++) {
  const { kind, change } = randomChange(k);
  if (only && !only.has(k)) continue;
  const order = k % 2 ? [1, 0] : [0, 1];
  const d = [];
  const ms = [];
  for (const s of order) {
    const { L, pack, base } = sides[s];
    const c0 = process.cpuUsage();
    const loaded = L.loadChange(JSON.stringify({ 'bunkatsu-change': 1, changes: [change] }), `change-${k}.json`);
    const applied = L.applyInMemory(sides[s].before, loaded);
    const { report } = L.review(base, {
      after: applied.after,
      pack,
      today,
      change: { file: loaded.file, operations: applied.operations, touched: applied.touched },
    });
    ms[s] = cpu(c0);
    t[s].push(ms[s]);
    d[s] = digest(report);
  }
  if (d[0] !== d[1]) {
    diffs++;
    console.log(`DIFF #${k} ${kind} ${JSON.stringify(change)}`);
  }
  rows.push({ k, kind, a: ms[0], b: ms[1] });
}
const q = (xs, p) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const f = (x) => x.toFixed(1);
for (const [n, xs] of [
  ['A', t[0]],
  ['B', t[1]],
])
  console.log(
    `${n}: CPU median ${f(q(xs, 0.5))} p95 ${f(q(xs, 0.95))} p99 ${f(q(xs, 0.99))} max ${f(Math.max(...xs))} sum ${f(xs.reduce((x, y) => x + y, 0))} ms`,
  );
console.log(`reports differing: ${diffs} of ${rows.length}`);
console.log(
  'slowest (B):',
  rows
    .sort((x, y) => y.b - x.b)
    .slice(0, 6)
    .map((r) => `#${r.k} ${r.kind} A ${f(r.a)} B ${f(r.b)}`)
    .join('; '),
);
