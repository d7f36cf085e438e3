// Import of large YAMAHA RTX and iptables configurations (npm run bench:import, after the
// FortiGate one): a seeded RTX configuration of 8 LAN interfaces and 10,000 static filters bound
// in secure filter lists (in and out, with dynamic filters), and a seeded iptables-save ruleset of
// 10,000 rules over 8 interfaces (a fifth in FORWARD, the rest in 20 user chains reached by one
// jump each), each
// parsed, composed and written as YAML; per phase a warm-up, then several runs: median and
// spread. It also checks that two imports give the same bytes.
//
//   npx tsx bench/import-rtx-iptables.ts                    # 10,000 rules each, 5 runs
//   npx tsx bench/import-rtx-iptables.ts --rules 50000 --runs 3

import { createRng } from '../src/generate/prng.ts';
import type { ImportedConfig } from '../src/import/config.ts';
import { composedText, composeTopology } from '../src/import/compose.ts';
import { parseIptables } from '../src/import/iptables.ts';
import { parseRtx } from '../src/import/rtx.ts';
import { benchArgs, count } from './args.ts';

const { values } = benchArgs(import.meta.filename, { options: { rules: { type: 'string', default: '10000' }, runs: { type: 'string', default: '5' } } });
const ruleCount = count(values.rules, 'rules');
const runs = count(values.runs, 'runs');
const INTERFACES = 8;

type Rng = ReturnType<typeof createRng>;
const host = (rng: Rng): string => `10.${rng.int(1, INTERFACES)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
const net = (rng: Rng): string => `10.${rng.int(1, INTERFACES)}.${rng.int(0, 255)}.0/24`;

/** An RTX configuration: each interface's in list and out list share the filters (1/8 of them each way). */
function rtxConfiguration(count: number): string {
  const rng = createRng(1);
  const out = ['ip route default gateway 10.1.0.254'];
  const lists: { in: number[]; out: number[] }[] = Array.from({ length: INTERFACES }, () => ({ in: [], out: [] }));
  const filters: string[] = [];
  for (let n = 1; n <= count; n++) {
    const proto = rng.pick(['tcp', 'udp', 'tcp,udp', '*']);
    const port = proto === '*' ? '*' : rng.chance(0.5) ? String(rng.int(1, 65535)) : `${rng.int(1000, 2000)}-${rng.int(2001, 3000)}`;
    const src = rng.chance(0.3) ? '*' : rng.chance(0.5) ? host(rng) : net(rng);
    filters.push(`ip filter ${n} ${rng.chance(0.8) ? 'pass' : 'reject'} ${src} ${rng.chance(0.5) ? host(rng) : net(rng)} ${proto} * ${port}`);
    const list = lists[rng.int(0, INTERFACES - 1)]!;
    (rng.chance(0.5) ? list.in : list.out).push(n);
  }
  for (let i = 1; i <= INTERFACES; i++) {
    out.push(`ip lan${i} address 10.${i}.0.1/16`);
    out.push(`ip lan${i} secure filter in ${lists[i - 1]!.in.join(' ')}`);
    out.push(`ip lan${i} secure filter out ${lists[i - 1]!.out.join(' ')} dynamic 1 2`);
  }
  out.push(...filters, 'ip filter dynamic 1 * * www', 'ip filter dynamic 2 * * domain', '');
  return out.join('\n');
}

/** An iptables-save ruleset: a fifth of the rules in FORWARD, the rest in 20 user chains, each reached by one jump on its input interface. */
function iptablesRuleset(count: number): string {
  const rng = createRng(2);
  const chains = Array.from({ length: 20 }, (_, i) => `C${i}`);
  const ifc = (): string => `eth${rng.int(1, INTERFACES)}`;
  const rule = (chain: string, withInput: boolean): string => {
    const proto = rng.pick(['tcp', 'udp']);
    const input = withInput ? `-i ${ifc()} ` : '';
    return `-A ${chain} ${input}-o ${ifc()} -s ${net(rng)} -d ${host(rng)}/32 -p ${proto} -m ${proto} --dport ${rng.int(1, 65535)} -j ${rng.chance(0.8) ? 'ACCEPT' : 'DROP'}`;
  };
  const forward: string[] = [];
  const inChains: string[] = [];
  const direct = Math.floor(count / 5);
  for (let n = 0; n < direct; n++) forward.push(rule('FORWARD', true));
  for (const [i, c] of chains.entries()) {
    forward.splice(Math.floor(((i + 1) * direct) / (chains.length + 1)), 0, `-A FORWARD -i eth${(i % INTERFACES) + 1} -j ${c}`);
  }
  for (let n = direct; n < count; n++) inChains.push(rule(chains[n % chains.length]!, false));
  const out = [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD DROP [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ...chains.map((c) => `:${c} - [0:0]`),
    ...forward,
    ...inChains,
    'COMMIT',
    '',
  ];
  return out.join('\n');
}

const addresses = Array.from(
  { length: INTERFACES },
  (_, i) => `${i + 2}: eth${i + 1}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500\n    inet 10.${i + 1}.0.1/16 scope global eth${i + 1}`,
).join('\n');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[]): string => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;

function measure(vendor: string, text: string, file: string, parse: (text: string) => ImportedConfig): void {
  let sink = 0;
  const phases = { parse: [] as number[], compose: [] as number[], write: [] as number[] };
  let first: string | undefined;
  let rules = 0;
  for (let run = 0; run <= runs; run++) {
    const t0 = performance.now();
    const config = parse(text);
    const t1 = performance.now();
    const { doc } = composeTopology([config]);
    const t2 = performance.now();
    const yaml = composedText(doc, 'yaml', [file]);
    const t3 = performance.now();
    const device = config.devices[0]!;
    rules = device.rules.length + (device.acls ?? []).reduce((sum, a) => sum + a.rules.length, 0);
    sink += yaml.length + rules;
    first ??= yaml;
    if (yaml !== first) {
      process.stderr.write(`two imports of one ${vendor} configuration differ\n`);
      process.exit(1);
    }
    if (run === 0) continue; // the warm-up
    phases.parse.push(t1 - t0);
    phases.compose.push(t2 - t1);
    phases.write.push(t3 - t2);
  }
  console.log(
    `import ${vendor}: ${ruleCount} rules in the file (${rules} in the topology), ${text.split('\n').length} lines, ${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB; ${runs} runs after a warm-up`,
  );
  for (const [name, xs] of Object.entries(phases)) console.log(`  ${name.padEnd(8)} median ${median(xs).toFixed(0)} ms  (${spread(xs)} ms)`);
  console.log(`  output   ${(first!.length / 1e6).toFixed(1)} MB of YAML, identical on every run (sink ${sink})`);
}

measure('rtx', rtxConfiguration(ruleCount), 'big-rtx.conf', (text) => parseRtx(text, 'big-rtx.conf', 'big-rtx'));
measure('iptables', iptablesRuleset(ruleCount), 'big.rules', (text) =>
  parseIptables(text, 'big.rules', 'big', { addresses: { text: addresses, file: 'big.addr' } }),
);
