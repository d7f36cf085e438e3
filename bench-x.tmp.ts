import { readFileSync } from 'node:fs';
import { loadTopology } from './src/model/load.ts';
import { compileNetwork } from './src/engine/compile.ts';
import { createFastEngine } from './src/engine/fast.ts';
const net = loadTopology(readFileSync(process.argv[2]!, 'utf8'), 'x');
let t = performance.now();
const c = compileNetwork(net);
console.log('compile', (performance.now() - t).toFixed(0), c.bdd.stats.nodes);
// force permits
t = performance.now();
for (const d of net.devices) { const s = c.portStart[d.index]!, e = c.portStart[d.index + 1]!; c.permit(d.index, s, e - 1); }
console.log('permits', (performance.now() - t).toFixed(0), c.bdd.stats.nodes);
t = performance.now();
const eng = createFastEngine(net);
const r = eng.reach([0], [1]);
console.log('fixpoint+ends', (performance.now() - t).toFixed(0), c.bdd.stats.nodes);
