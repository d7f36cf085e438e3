// Import of a large FortiGate configuration (npm run bench:import): a seeded configuration of
// 8 interfaces, 20,000 address objects (--addresses), 200 address groups, 100 services and 10,000 policies is
// parsed, composed and written as YAML; per phase a warm-up, then several runs: median and
// spread. It also checks that two imports give the same bytes.
//
//   npm run bench:import                      # 10,000 policies, 5 runs
//   npm run bench:import -- --policies 50000 --runs 3

import { createRng } from '../src/generate/prng.ts';
import { composedText, composeTopology } from '../src/import/compose.ts';
import { parseFortigate } from '../src/import/fortigate.ts';
import { benchArgs, count } from './args.ts';

// Issue 15's size: 10,000 policies over 20,000 address objects.
const { values } = benchArgs(import.meta.filename, {
  options: { policies: { type: 'string', default: '10000' }, addresses: { type: 'string', default: '20000' }, runs: { type: 'string', default: '5' } },
});
const policies = count(values.policies, 'policies');
const addressCount = count(values.addresses, 'addresses');
const runs = count(values.runs, 'runs');

/** The configuration text, the same for the same size on every machine. */
function configuration(policyCount: number, addresses: number): string {
  const rng = createRng(1);
  const groups = 200;
  const services = 100;
  const out = ['config system global', '    set hostname "big"', 'end', 'config system interface'];
  for (let i = 1; i <= 8; i++) out.push(`    edit "port${i}"`, `        set ip 10.${i}.0.1 255.255.0.0`, '    next');
  out.push('end', 'config firewall address');
  for (let a = 0; a < addresses; a++) {
    out.push(`    edit "h${a}"`, `        set subnet 10.${rng.int(1, 8)}.${rng.int(0, 255)}.${rng.int(1, 254)} 255.255.255.255`, '    next');
  }
  out.push('end', 'config firewall addrgrp');
  for (let g = 0; g < groups; g++) {
    const members = Array.from({ length: 10 }, () => `"h${rng.int(0, addresses - 1)}"`).join(' ');
    out.push(`    edit "g${g}"`, `        set member ${members}`, '    next');
  }
  out.push('end', 'config firewall service custom');
  for (let s = 0; s < services; s++) out.push(`    edit "s${s}"`, `        set tcp-portrange ${1000 + s * 10}-${1005 + s * 10}`, '    next');
  out.push('end', 'config firewall policy');
  for (let p = 1; p <= policyCount; p++) {
    const src = rng.chance(0.5) ? `"g${rng.int(0, groups - 1)}"` : `"h${rng.int(0, addresses - 1)}"`;
    out.push(
      `    edit ${p}`,
      `        set name "p${p}"`,
      `        set srcintf "port${rng.int(1, 8)}"`,
      `        set dstintf "port${rng.int(1, 8)}"`,
      `        set srcaddr ${src}`,
      `        set dstaddr "h${rng.int(0, addresses - 1)}"`,
      `        set action ${rng.chance(0.8) ? 'accept' : 'deny'}`,
      '        set schedule "always"',
      `        set service "s${rng.int(0, services - 1)}"`,
      '    next',
    );
  }
  out.push('end', 'config router static', '    edit 1', '        set device "port1"', '        set gateway 10.1.0.254', '    next', 'end', '');
  return out.join('\n');
}

const text = configuration(policies, addressCount);
const lines = text.split('\n').length;
/** Keeps every result alive in a sum, so the work cannot be optimised away. */
let sink = 0;
const phases = { parse: [] as number[], compose: [] as number[], write: [] as number[] };
let first: string | undefined;
for (let run = 0; run <= runs; run++) {
  const t0 = performance.now();
  const config = parseFortigate(text, 'big.conf', 'big');
  const t1 = performance.now();
  const { doc } = composeTopology([config]);
  const t2 = performance.now();
  const yaml = composedText(doc, 'yaml', ['big.conf']);
  const t3 = performance.now();
  sink += yaml.length + config.devices[0]!.rules.length;
  first ??= yaml;
  if (yaml !== first) {
    process.stderr.write('two imports of one configuration differ\n');
    process.exit(1);
  }
  if (run === 0) continue; // the warm-up
  phases.parse.push(t1 - t0);
  phases.compose.push(t2 - t1);
  phases.write.push(t3 - t2);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[]): string => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
console.log(
  `import fortigate: ${policies} policies over ${addressCount} address objects, ${lines} lines, ${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB; ${runs} runs after a warm-up`,
);
for (const [name, xs] of Object.entries(phases)) console.log(`  ${name.padEnd(8)} median ${median(xs).toFixed(0)} ms  (${spread(xs)} ms)`);
console.log(`  output   ${(first!.length / 1e6).toFixed(1)} MB of YAML, identical on every run (sink ${sink})`);
