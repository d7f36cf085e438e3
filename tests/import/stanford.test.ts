// The Stanford backbone importer: the slice imports and loads, bad lines are reported with
// file:line:column, and on the full data set the imported model rebuilds APKeep's topo.txt.

import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fullestPoint } from '../../src/model/updates.ts';
import { parseStanford, type StanfordFiles, stanfordNetwork, stanfordText, stanfordTopology } from '../../src/import/stanford.ts';
import { InputError, formatDiagnostic } from '../../src/errors.ts';
import { loadTopology } from '../../src/model/load.ts';
import { compilePlane, planeEdgeLines } from '../../src/incremental/plane.ts';
import { runReplay } from '../../src/incremental/replay-run.ts';
import { toPrefixes } from '../../src/net/intervals.ts';
import { describeFullDataSet, FULL, readFolder, SLICE } from '../incremental/stanford-helpers.ts';

function sliceFiles(): StanfordFiles {
  const read = (f: string): string => readFileSync(resolve(SLICE, f), 'utf8');
  return {
    dir: 'slice',
    topo: read('topo.txt'),
    vlan: read('vlan.txt'),
    aclFiles: ['yoza_rtr_168', 'yoza_rtr_174', 'yoza_rtr_175', 'yoza_rtr_178', 'yozb_rtr_168', 'yozb_rtr_174', 'yozb_rtr_175', 'yozb_rtr_178'],
    updates: read('updates'),
  };
}

function errorsOf(files: StanfordFiles): string[] {
  try {
    parseStanford(files);
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics.map(formatDiagnostic);
    throw e;
  }
  return [];
}

describe('import stanford: the slice', () => {
  const data = readFolder(SLICE);

  it('reads devices, chains in topo.txt order, collapsed links and VLANs', () => {
    expect(data.devices).toEqual(['bbrb_rtr', 'yoza_rtr', 'yozb_rtr']);
    expect(data.outChains.get('yoza_rtr')!.get('te1/1')).toEqual(['178', '168']);
    // yoza's in-chain runs 175 then 174 (topo.txt), not "174 175" as its _usage file says.
    expect(data.inChains.get('yoza_rtr')!.get('te1/1')).toEqual(['175', '174']);
    expect(data.inChains.get('yozb_rtr')!.get('te1/3')).toEqual(['174', '175']);
    expect(data.links.map((l) => l.join(' ')).sort()).toEqual([
      'bbrb_rtr te6/3 yozb_rtr te1/1',
      'bbrb_rtr te7/4 yoza_rtr te7/1',
      'yoza_rtr te1/1 yozb_rtr te1/3',
      'yoza_rtr te1/2 yozb_rtr te1/2',
    ]);
    expect(data.vlans.get('yozb_rtr')!.get('vlan10')).toEqual(['te1/2', 'te1/4', 'te1/3']);
    expect(data.updates).toHaveLength(60);
    expect(fullestPoint(data.updates)).toBe(30);
  });

  it('loads the imported network in memory exactly as through the written text', () => {
    // Everything but locations: those of the text point into it, the in-memory ones at the import.
    const plain = (network: unknown): string =>
      JSON.stringify(network, (key, value: unknown) =>
        key === 'loc' || key === 'file' ? undefined : value instanceof Map ? [...value] : value instanceof Set ? [...value] : value,
      );
    for (const at of [0, 30, data.updates.length]) {
      const direct = stanfordNetwork(data, at);
      expect(direct.file).toBe(`${data.dir} (imported)`);
      expect(plain(direct)).toBe(plain(loadTopology(stanfordText(stanfordTopology(data, at), 'json'), 'slice.json')));
    }
  });

  it('writes a topology that loads, with routes and ACLs as of --at, in YAML and JSON', () => {
    for (const format of ['yaml', 'json'] as const) {
      const network = loadTopology(stanfordText(stanfordTopology(data, 30), format), `slice.${format}`);
      const yoza = network.devices.find((d) => d.id === 'yoza_rtr')!;
      expect(yoza.routes!.map((r) => [`${r.prefix.lo}/${r.prefix.length}`, r.action, r.interfaces.join(','), r.priority])).toEqual([
        ['0/0', 'forward', 'te1/3', 0],
        ['2873294720/26', 'forward', 'te7/1', 26],
        ['2886994560/27', 'forward', 'vlan10', 27],
        ['2887386264/29', 'forward', 'vlan208', 29],
        ['2887386265/32', 'deliver', '', 32],
      ]);
      const acl175 = yoza.acls.find((a) => a.name === '175')!;
      expect(acl175.rules.map((r) => r.action)).toEqual(['deny', 'permit']);
      expect(acl175.rules[0]!.dst).toMatchObject([{ lo: 129 * 2 ** 24 + 198 * 2 ** 16, hi: 129 * 2 ** 24 + 198 * 2 ** 16 + 65535 }]);
      expect(yoza.interfaces.find((f) => f.name === 'te1/1')).toMatchObject({ inAcls: ['175', '174'], outAcls: ['178', '168'] });
      expect(yoza.interfaces.find((f) => f.name === 'vlan10')!.members).toEqual(['te1/2', 'te1/4']);
      expect(network.links).toHaveLength(4);
    }
    // --at 0: every port still exists as an interface, but no rule is in force.
    const empty = loadTopology(stanfordText(stanfordTopology(data, 0), 'yaml'), 'slice.yaml');
    expect(empty.devices.every((d) => (d.routes ?? []).length === 0 && d.acls.every((a) => a.rules.length === 0))).toBe(true);
    expect(empty.devices.find((d) => d.id === 'yozb_rtr')!.interfaces.map((f) => f.name)).toContain('te2/1');
  });

  it('declares the ports only fwd lines name as edge ports, with where the trace first names them', () => {
    // bbrb te7/1, yoza te1/3 and yozb te2/1 are real ports (default routes out of the slice):
    // no topo.txt, vlan.txt or ACL line of the slice names them. They become unlinked interfaces.
    expect(data.tracePorts).toEqual([
      { device: 'bbrb_rtr', port: 'te7/1', line: 30, column: 20 },
      { device: 'yoza_rtr', port: 'te1/3', line: 26, column: 20 },
      { device: 'yozb_rtr', port: 'te2/1', line: 21, column: 20 },
    ]);
    const network = loadTopology(stanfordText(stanfordTopology(data, 0), 'yaml'), 'slice.yaml');
    const linked = new Set(network.links.flatMap((l) => [`${l.a.device} ${l.a.interface}`, `${l.b.device} ${l.b.interface}`]));
    for (const p of data.tracePorts) {
      const di = network.devices.findIndex((d) => d.id === p.device);
      expect(network.devices[di]!.interfaces.map((f) => f.name)).toContain(p.port);
      expect(linked.has(`${di} ${p.port}`)).toBe(false);
    }
  });

  it("rebuilds the slice's 16 topo.txt lines from the loaded model", () => {
    const network = loadTopology(stanfordText(stanfordTopology(data, 0), 'yaml'), 'slice.yaml');
    expect(new Set(planeEdgeLines(compilePlane(network)))).toEqual(new Set(sliceFiles().topo.trim().split('\n')));
  });
});

describe('import stanford: bad lines', () => {
  it.each([
    [
      'topo.txt',
      (f: StanfordFiles) => ({ ...f, topo: f.topo.replace('bbrb_rtr te7/4 yoza_rtr te7/1\n', 'bbrb_rtr te7/4 yoza_rtr\n') }),
      /^slice\/topo\.txt:2:1 BNK_ERR_SYNTAX expected 4 tokens/,
    ],
    [
      'topo.txt',
      (f: StanfordFiles) => ({ ...f, topo: f.topo.replace('yozb_rtr te1/2 yoza_rtr te1/2\n', '') }),
      /^slice\/topo\.txt:4:1 BNK_ERR_SCHEMA yoza_rtr te1\/2 reaches yozb_rtr te1\/2, but no line leads back/,
    ],
    [
      'topo.txt',
      (f: StanfordFiles) => ({ ...f, topo: f.topo.replace('yoza_rtr_174_te1/1_in permit', 'yoza_rtr_999_te1/1_in permit') }),
      /^slice\/topo\.txt:7:1 BNK_ERR_UNKNOWN_REF ACL node "yoza_rtr_999_te1\/1_in" names ACL "yoza_rtr_999"/,
    ],
    [
      'vlan.txt',
      (f: StanfordFiles) => ({ ...f, vlan: `${f.vlan}cozz_rtr vlan7 te1/1\n` }),
      /^slice\/vlan\.txt:7:1 BNK_ERR_UNKNOWN_REF unknown device "cozz_rtr"/,
    ],
    [
      'updates',
      (f: StanfordFiles) => ({ ...f, updates: f.updates.replace('+ fwd yozb_rtr 0 0 te2/1 0', '+ fwd yozb_rtr 5 8 te2/1 8') }),
      /^slice\/updates:21:16 BNK_ERR_INVALID_ADDRESS prefix 0\.0\.0\.5\/8 has host bits set/,
    ],
    [
      'updates',
      (f: StanfordFiles) => ({ ...f, updates: f.updates.replace('+ fwd yoza_rtr 0 0 te1/3 0', '+ fwd yoza_rtr 0 0 vlan99 0') }),
      /^slice\/updates:26:20 BNK_ERR_UNKNOWN_REF yoza_rtr has no vlan99 in vlan\.txt/,
    ],
    [
      'updates',
      (f: StanfordFiles) => ({ ...f, updates: f.updates.replace('171.64.74.80 null null null any', '171.64.74.80 null 1024 2048 any') }),
      /^slice\/updates:1:\d+ BNK_ERR_INVALID_SERVICE source ports are not in the model/,
    ],
    [
      'updates',
      (f: StanfordFiles) => ({ ...f, updates: f.updates.replace('+ acl yoza_rtr_178', '+ acl yoza_rtr_179') }),
      /^slice\/updates:3:7 BNK_ERR_UNKNOWN_REF unknown ACL "yoza_rtr_179"/,
    ],
    [
      'updates',
      (f: StanfordFiles) => ({ ...f, updates: f.updates.replace('+ fwd bbrb_rtr 0 0 te7/1 0', '* fwd bbrb_rtr 0 0 te7/1 0') }),
      /^slice\/updates:30:1 BNK_ERR_SYNTAX expected "\+" \(insert\) or "-" \(remove\)/,
    ],
    // Every update must change the rules in force (APKeep would log and ignore these).
    [
      'updates',
      (f: StanfordFiles) => ({ ...f, updates: f.updates.replace('+ fwd yozb_rtr 0 0 te2/1 0', '+ fwd yozb_rtr 0 0 te9/9 0') }),
      /^slice\/updates:40:1 BNK_ERR_UNKNOWN_REF yozb_rtr has no rule 0\.0\.0\.0\/0 → te2\/1 \(priority 0\) in force to remove; in force for that prefix: → te9\/9 \(priority 0, line 21\)$/,
    ],
    [
      'updates',
      (f: StanfordFiles) => ({ ...f, updates: f.updates.replace('- fwd bbrb_rtr 0 0 te7/1 0', '- fwd bbrb_rtr 0 1 te7/1 1') }),
      /^slice\/updates:31:1 BNK_ERR_UNKNOWN_REF bbrb_rtr has no rule 0\.0\.0\.0\/1 → te7\/1 \(priority 1\) in force to remove; no rule for that prefix is in force there$/,
    ],
    [
      'updates',
      (f: StanfordFiles) => ({ ...f, updates: f.updates.replace('+ fwd bbrb_rtr 0 0 te7/1 0\n', '+ fwd bbrb_rtr 0 0 te7/1 0\n+ fwd bbrb_rtr 0 0 te7/1 0\n') }),
      /^slice\/updates:31:1 BNK_ERR_DUPLICATE_ID bbrb_rtr already has the rule 0\.0\.0\.0\/0 → te7\/1 \(priority 0\) in force/,
    ],
    [
      'updates',
      (f: StanfordFiles) => ({ ...f, updates: f.updates.replace('- acl yoza_rtr_174 access-list 174 permit', '- acl yoza_rtr_174 access-list 174 deny') }),
      /^slice\/updates:52:1 BNK_ERR_UNKNOWN_REF ACL yoza_rtr_174 has no rule "deny 0 255 any null null null any null null null 65534" in force to remove$/,
    ],
  ])('reports a bad line of %s with file:line:column', (_file, mutate, pattern) => {
    const errors = errorsOf(mutate(sliceFiles()));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(pattern);
  });

  // topo.txt wiring the topology could only get wrong: refused at the offending line.
  const topoLine = (f: StanfordFiles, n: number): string => f.topo.split('\n')[n - 1]!;
  it.each([
    [
      'the last in-ACL of a chain leads elsewhere than its name says',
      (f: StanfordFiles) => f.topo.replace('yozb_rtr_175_te1/3_in permit yozb_rtr te1/3', 'yozb_rtr_175_te1/3_in permit bbrb_rtr te6/4'),
      /^slice\/topo\.txt:15:30 BNK_ERR_SCHEMA "yozb_rtr_175_te1\/3_in" is the last inbound ACL of yozb_rtr te1\/3 \(the name implies it leads to yozb_rtr te1\/3\), but this edge leads it to bbrb_rtr te6\/4$/,
    ],
    [
      'the last in-ACL of a chain has no permit edge',
      (f: StanfordFiles) => f.topo.replace('yozb_rtr_175_te1/3_in permit yozb_rtr te1/3\n', ''),
      /^slice\/topo\.txt:14:1 BNK_ERR_SCHEMA "yozb_rtr_175_te1\/3_in" has no "permit" edge, but the name implies it leads to yozb_rtr te1\/3$/,
    ],
    [
      'an ACL inside a chain has a second permit edge',
      (f: StanfordFiles) => `${f.topo}yoza_rtr_178_te1/1_out permit bbrb_rtr te6/3\n`,
      /^slice\/topo\.txt:17:31 BNK_ERR_SCHEMA "yoza_rtr_178_te1\/1_out" is an outbound ACL of yoza_rtr te1\/1 \(the chain continues with "yoza_rtr_168_te1\/1_out"\), but this edge leads it to bbrb_rtr te6\/3$/,
    ],
    [
      "a position with out-ACLs also has a direct edge (after the chain's)",
      (f: StanfordFiles) => `${f.topo}yoza_rtr te1/1 bbrb_rtr te6/3\n`,
      /^slice\/topo\.txt:17:1 BNK_ERR_SCHEMA yoza_rtr te1\/1 already leaves through its outbound ACL chain \(line 3\); a position with outbound ACLs must have no other edge$/,
    ],
    [
      "a position with out-ACLs also has a direct edge (before the chain's)",
      (f: StanfordFiles) => f.topo.replace('yoza_rtr te1/1 yoza_rtr_178', 'yoza_rtr te1/1 bbrb_rtr te6/3\nyoza_rtr te1/1 yoza_rtr_178'),
      /^slice\/topo\.txt:4:1 BNK_ERR_SCHEMA yoza_rtr te1\/1 already leaves by a direct edge \(line 3\); a position with outbound ACLs must have no other edge$/,
    ],
    [
      'a port with an out-ACL chain leaves directly and never enters the chain',
      (f: StanfordFiles) => f.topo.replace('yoza_rtr te1/1 yoza_rtr_178_te1/1_out inport', 'yoza_rtr te1/1 bbrb_rtr te6/3'),
      /^slice\/topo\.txt:3:1 BNK_ERR_SCHEMA yoza_rtr te1\/1 has an outbound ACL chain, but this edge leaves the port directly and nothing enters the chain$/,
    ],
    [
      'an edge reaches a port with in-ACLs past them',
      (f: StanfordFiles) => `${f.topo}bbrb_rtr te6/3 yozb_rtr te1/3\n`,
      /^slice\/topo\.txt:17:16 BNK_ERR_SCHEMA this edge reaches yozb_rtr te1\/3 directly, past its inbound ACL chain$/,
    ],
  ])('refuses topo.txt wiring: %s', (_what, mutate, pattern) => {
    const files = sliceFiles();
    const errors = errorsOf({ ...files, topo: mutate(files) });
    expect(errors[0]).toMatch(pattern);
    expect(topoLine(files, 3)).toBe('yoza_rtr te1/1 yoza_rtr_178_te1/1_out inport'); // the lines the cases count on
  });

  it('lists every bad line at once', () => {
    const files = sliceFiles();
    const errors = errorsOf({ ...files, updates: files.updates.replace(/\+ fwd bbrb_rtr (\d+) /g, '+ fwd bbrz_rtr $1 ') });
    expect(errors).toHaveLength(4);
    expect(errors.every((e) => /BNK_ERR_UNKNOWN_REF unknown device "bbrz_rtr"/.test(e))).toBe(true);
  });
});

describe('import stanford: duplicate topo.txt lines', () => {
  // APKeep keeps the edges in a set, so a line given twice is one edge: the import, the loaded
  // model and the replay are exactly those of the slice without the duplicates.
  const tmp = mkdtempSync(join(tmpdir(), 'bunkatsu-stanford-dup-'));
  const dir = join(tmp, 'slice');
  cpSync(SLICE, dir, { recursive: true });
  const topo = readFileSync(join(dir, 'topo.txt'), 'utf8').split('\n');
  // A device link, the edge into an out-ACL chain, a chain edge and an in-chain's last edge.
  appendFileSync(join(dir, 'topo.txt'), `${[1, 3, 6, 15].map((n) => topo[n - 1]).join('\n')}\n${topo[0]}\n`);

  function replayed(folder: string) {
    const data = readFolder(folder);
    const network = loadTopology(stanfordText(stanfordTopology(data, 0), 'yaml'), 'imported.yaml');
    const events: unknown[] = [];
    const run = runReplay(network, data.updates, 'updates', {
      onUpdate: (r) =>
        events.push([r.line, ...r.started.map((e) => ['start', e.loop, toPrefixes(e.dst)]), ...r.stopped.map((e) => ['stop', e.loop, toPrefixes(e.dst)])]),
    });
    return { data, loops: run.loops.map((l) => [l.foundAt, l.path, l.dst]), summary: run.summary.loops, events };
  }

  it('ignores identical lines: same document, same model, same replay', () => {
    try {
      expect(readFileSync(join(dir, 'topo.txt'), 'utf8').trim().split('\n')).toHaveLength(21);
      const dup = replayed(dir);
      const orig = replayed(SLICE);
      expect(dup.data.edges).toHaveLength(16);
      expect(dup.data.links).toEqual(orig.data.links);
      for (const at of [0, 30]) {
        const text = stanfordText(stanfordTopology(dup.data, at), 'yaml');
        expect(text).toBe(stanfordText(stanfordTopology(orig.data, at), 'yaml').replace(SLICE, dir));
        expect(loadTopology(text, 'dup.yaml').links).toHaveLength(4);
      }
      expect(dup.loops).toHaveLength(3);
      expect(dup.loops).toEqual(orig.loops);
      expect(dup.summary).toEqual(orig.summary);
      expect(dup.events).toEqual(orig.events);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describeFullDataSet('import stanford: the full data set (../shared)', 'topo.txt', () => {
  it("rebuilds APKeep's 182 directed topo.txt edges from the imported model", () => {
    const data = readFolder(FULL);
    expect(data.devices).toHaveLength(16);
    expect(data.links).toHaveLength(37); // 74 directed device-port links
    const network = loadTopology(stanfordText(stanfordTopology(data, fullestPoint(data.updates)), 'yaml'), 'stanford.yaml');
    expect(network.devices.reduce((n, d) => n + (d.routes?.length ?? 0), 0)).toBe(3840);
    expect(network.devices.reduce((n, d) => n + d.acls.reduce((m, a) => m + a.rules.length, 0), 0)).toBe(686);
    const rebuilt = planeEdgeLines(compilePlane(network));
    const topo = readFileSync(resolve(FULL, 'topo.txt'), 'utf8').trim().split('\n');
    expect(rebuilt).toHaveLength(182);
    expect(new Set(rebuilt)).toEqual(new Set(topo));
  });

  it('declares the 15 real ports only fwd lines name as edge ports (not refused)', () => {
    const data = readFolder(FULL);
    expect(data.tracePorts.map((p) => `${p.device} ${p.port}`)).toEqual([
      'bbra_rtr gi4/1',
      'bbrb_rtr gi4/6',
      'bbrb_rtr tunnel10',
      'bbrb_rtr gi4/1',
      'bozb_rtr gi1/2',
      'bozb_rtr tunnel10',
      'goza_rtr gi1/2',
      'gozb_rtr tunnel10',
      'poza_rtr gi1/2',
      'pozb_rtr gi1/2',
      'pozb_rtr tunnel10',
      'roza_rtr gi1/2',
      'rozb_rtr tunnel10',
      'yoza_rtr fa4/46',
      'yozb_rtr gi5/2',
    ]);
  });
});
