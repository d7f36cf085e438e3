// Peak memory of loading a topology against its size (npm run bench:memory): the figures the
// input limits in src/model/source.ts are chosen from. Each input is loaded in a fresh process
// with Node's default heap, as `bunkatsu check` and an upload would load it; a process that
// runs out of heap is reported as such (exit code), never retried.
//
//   npm run bench:memory                                  # every shape, sizes 1,2,4,16,64,127 MB
//   npm run bench:memory -- --shapes flow-seq --sizes 1,4,16 --unlimited
//
// Shapes: the generated city/metro (realistic), one huge scalar, and the densest documents per
// byte (a flow sequence of one-digit numbers in YAML and JSON, a block sequence in YAML).
// --unlimited lifts the size limits (bytes and values), as loading was before they existed.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bunkatsu } from './command.ts';
import { benchArgs } from './args.ts';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = benchArgs(import.meta.filename, {
  options: {
    shapes: { type: 'string', default: 'generated,long-scalar,long-scalar-json,flow-seq,block-seq,json-array' },
    sizes: { type: 'string', default: '1,2,4,16,64,127' },
    unlimited: { type: 'boolean', default: false },
    out: { type: 'string', default: join(tmpdir(), 'bunkatsu-bench-memory') },
  },
});
mkdirSync(values.out!, { recursive: true });
const MB = 1024 * 1024;
const log = (s: string): void => void process.stderr.write(`${s}\n`);

/** A document of about `bytes` bytes of the given shape (the sample city's header where it matters). */
function synthesise(shape: string, bytes: number): { file: string; text: string } {
  const sample = readFileSync(resolve(ROOT, 'topologies/alpha-city.yaml'), 'utf8');
  switch (shape) {
    case 'long-scalar':
      return { file: 'long-scalar.yaml', text: sample.replace(/^description: .*$/m, `description: ${'a'.repeat(bytes)}`) };
    case 'long-scalar-json':
      return { file: 'long-scalar.json', text: `{"format":1,"name":"x","description":"${'a'.repeat(bytes)}"}` };
    case 'flow-seq':
      return { file: 'flow-seq.yaml', text: `zones: [${'0,'.repeat(bytes / 2)}0]\n` };
    case 'block-seq':
      return { file: 'block-seq.yaml', text: `zones:\n${'- 0\n'.repeat(bytes / 4)}` };
    case 'json-array':
      return { file: 'array.json', text: `{"zones":[${'0,'.repeat(bytes / 2)}0]}` };
    default:
      throw new Error(`unknown shape ${shape}`);
  }
}

interface Row {
  input: string;
  mb: number;
  outcome: string;
  ms: number;
  maxRssMB: number;
}
const rows: Row[] = [];

function measure(path: string, label: string): Row {
  const args = ['--import', 'tsx', resolve(ROOT, 'bench/memory-child.ts'), path];
  if (values.unlimited) args.push('unlimited');
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  const mb = Math.round((statSync(path).size / MB) * 10) / 10;
  let row: Row;
  if (run.status === 0) row = { input: label, mb, ...(JSON.parse(run.stdout) as { outcome: string; ms: number; maxRssMB: number }) };
  else
    row = {
      input: label,
      mb,
      outcome: `crashed (exit ${run.status ?? run.signal}${/heap out of memory/i.test(run.stderr) ? ', heap out of memory' : ''})`,
      ms: 0,
      maxRssMB: 0,
    };
  log(`${label} ${mb} MB: ${row.outcome} ${row.ms} ms ${row.maxRssMB} MB`);
  rows.push(row);
  return row;
}

for (const shape of values.shapes!.split(',')) {
  if (shape === 'generated') {
    for (const scale of ['city', 'metro', 'prefecture']) {
      for (const ext of ['yaml', 'json']) {
        const path = join(values.out!, `${scale}.${ext}`);
        const made = spawnSync(...bunkatsu(['generate', '--scale', scale, '--seed', '1', '--quiet', '-o', path]), {
          stdio: 'ignore',
        });
        if (made.status !== 0) throw new Error(`generate ${scale} failed`);
        measure(path, `generated ${scale}.${ext}`);
      }
    }
    continue;
  }
  for (const size of values.sizes!.split(',').map(Number)) {
    const { file, text } = synthesise(shape, size * MB);
    const path = join(values.out!, `${size}mb-${file}`);
    writeFileSync(path, text);
    const row = measure(path, shape);
    if (row.outcome.startsWith('crashed')) break;
  }
}

const v8Heap = spawnSync(process.execPath, ['-p', 'Math.round(require("v8").getHeapStatistics().heap_size_limit / 1048576)'], {
  encoding: 'utf8',
}).stdout.trim();
process.stdout.write(`\nnode ${process.version}, default heap limit ${v8Heap} MB, ${new Date().toISOString().slice(0, 10)}\n\n`);
process.stdout.write('| input | size (MB) | outcome | time (ms) | peak RSS (MB) |\n|---|---|---|---|---|\n');
for (const r of rows) process.stdout.write(`| ${r.input} | ${r.mb} | ${r.outcome} | ${r.ms} | ${r.maxRssMB} |\n`);
