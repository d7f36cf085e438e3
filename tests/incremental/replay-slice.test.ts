// The replay on the Stanford slice (tests/fixtures/stanford-slice), every expectation worked
// out by hand below from the fixture's files, and on the full data set when it is present.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stanfordText, stanfordTopology } from '../../src/import/stanford.ts';
import { loadTopology } from '../../src/model/load.ts';
import { runReplay } from '../../src/incremental/replay-run.ts';
import { toPrefixes } from '../../src/net/intervals.ts';
import type { UpdateResult } from '../../src/incremental/replay.ts';
import { InputError, formatDiagnostic } from '../../src/errors.ts';
import { describeFullDataSet, FULL, readFolder, SLICE } from './stanford-helpers.ts';

function replay(dir: string) {
  const data = readFolder(dir);
  const network = loadTopology(stanfordText(stanfordTopology(data, 0), 'yaml'), 'imported.yaml');
  const results: UpdateResult[] = [];
  const run = runReplay(network, data.updates, 'updates', { reach: true, onUpdate: (r) => results.push(r), tracePorts: data.tracePorts });
  return { run, results };
}

// The slice by hand. Links after collapsing ACL chains:
//   bbrb te6/3 ↔ yozb te1/1,  bbrb te7/4 ↔ yoza te7/1,  yoza te1/2 ↔ yozb te1/2,
//   yoza te1/1 → out 178, 168 → yozb in 174, 175 → yozb te1/3 (and back: out 178, 168 → in 175, 174).
// VLANs: bbrb vlan3 = 14 ports (only te6/3 and te7/4 linked here); yoza vlan10 = {te1/2, te1/4};
//   yoza vlan208 = {te1/1 + 9 edge ports}; yozb vlan3 = {te1/2, te1/1, te1/4}; yozb vlan10 = {te1/2, te1/4, te1/3}.
// ACLs: 178 and 168 permit everything; 174 denies source 171.64.74.80; 175 denies source
//   171.64.75.149 to 129.198.0.0/16. So every ACL lets every destination below through.
//
// Lines 1-16 insert the ACL rules (no checks). Then, with R26 = 171.66.255.128/26,
// R27 = 172.20.10.128/27, R29 = 172.26.4.152/29, H = 172.26.4.153:
//  17 yozb R26→vlan3: copies to te1/4 (exit), te1/2 (yoza: no route), te1/1 (bbrb: no route). No loop.
//  18 yozb R27→vlan10: te1/4 exit, te1/2 → yoza no route, te1/3 → ACLs → yoza te1/1, no route. No loop.
//  19 yozb R29→te1/2 → yoza: no route.   20 yozb R29's /30 → te1/2: same port as the /29, M = ∅, no check.
//  21 yozb 0/0→te2/1 (edge).   22 yoza R26→te7/1 → bbrb te7/4: no route.
//  23 yoza R27→vlan10: te1/4 exit; te1/2 → yozb te1/2 → vlan10 minus te1/2: te1/4 exit, te1/3 → 178,
//     168 → yoza 175, 174 → yoza te1/1 → vlan10: te1/2, an egress already on the path: LOOP #0
//     (yoza te1/2 … yoza te1/1, yoza te1/2), looping R27.
//  24 yoza H→self (delivered).
//  25 yoza R29→vlan208, M = R29 minus H: te1/1 → 178, 168 → yozb 174, 175 → yozb te1/3 → R29 → te1/2
//     → yoza te1/2 → vlan208 → te1/1 again: LOOP #1, looping 172.26.4.152, .154/31, .156/30.
//  26 yoza 0/0→te1/3 (edge).
//  27 bbrb R26→vlan3: te6/3 → yozb te1/1 → vlan3 minus te1/1: te1/4 exit, te1/2 → yoza te1/2 → te7/1 →
//     bbrb te7/4 → vlan3 minus te7/4 → te6/3 again: LOOP #2. The copy out of te7/4 reaches yoza te7/1,
//     whose route for R26 is te7/1 itself: no hairpin, so it stops.
//  28 bbrb R27→te7/4 → yoza → … closes loop #0 again (the same path): nothing new.
//  29 bbrb R29→te7/4 → yoza: H delivered, the rest closes loop #1 again: nothing new.   30 bbrb 0/0 (edge).
// Removals 31-44 undo 30..17: 34 (bbrb R26) empties loop #2, 36 (yoza R29) empties #1, 38 (yoza R27)
// empties #0; 41 (the /30 again) leaves M empty. Lines 45-60 remove the ACL rules.
// Classes after the 30 inserts: destinations split by the routes of the three routers into
//   R26 (vlan3, te7/1, vlan3), R27 (te7/4, vlan10, vlan10), H (te7/4, self, te1/2),
//   R29 minus H (te7/4, vlan208, te1/2) and the rest (te7/1, te1/3, te2/1): 5 classes.
//   ACL atoms: the permit sets ¬S1 (174) and ¬(S2 ∧ D) (175) split the header space into
//   S1, ¬S1 ∧ S2 ∧ D, ¬S1 ∧ ¬(S2 ∧ D): 3 atoms. S1 and the third meet all 5 destination classes;
//   ¬S1 ∧ S2 ∧ D only "the rest" (129.198.0.0/16 lies there): 5 + 1 + 5 = 11 classes.
// At the end no rule is left: 1 class.
describe('replay of the Stanford slice', () => {
  const { run, results } = replay(SLICE);
  const s = run.summary;

  it('finds exactly the three loops worked out by hand, at the updates that create them', () => {
    expect(run.loops.map((l) => [l.foundAt, l.path])).toEqual([
      [
        23,
        [
          'yoza_rtr,te1/2',
          'yozb_rtr,te1/2',
          'yozb_rtr,te1/3',
          'yozb_rtr_178_te1/3_out,inport',
          'yozb_rtr_178_te1/3_out,permit',
          'yozb_rtr_168_te1/3_out,inport',
          'yozb_rtr_168_te1/3_out,permit',
          'yoza_rtr_175_te1/1_in,inport',
          'yoza_rtr_175_te1/1_in,permit',
          'yoza_rtr_174_te1/1_in,inport',
          'yoza_rtr_174_te1/1_in,permit',
          'yoza_rtr,te1/1',
          'yoza_rtr,te1/2',
        ],
      ],
      [
        25,
        [
          'yoza_rtr,te1/1',
          'yoza_rtr_178_te1/1_out,inport',
          'yoza_rtr_178_te1/1_out,permit',
          'yoza_rtr_168_te1/1_out,inport',
          'yoza_rtr_168_te1/1_out,permit',
          'yozb_rtr_174_te1/3_in,inport',
          'yozb_rtr_174_te1/3_in,permit',
          'yozb_rtr_175_te1/3_in,inport',
          'yozb_rtr_175_te1/3_in,permit',
          'yozb_rtr,te1/3',
          'yozb_rtr,te1/2',
          'yoza_rtr,te1/2',
          'yoza_rtr,te1/1',
        ],
      ],
      [27, ['bbrb_rtr,te6/3', 'yozb_rtr,te1/1', 'yozb_rtr,te1/2', 'yoza_rtr,te1/2', 'yoza_rtr,te7/1', 'bbrb_rtr,te7/4', 'bbrb_rtr,te6/3']],
    ]);
    expect(run.loops.map((l) => l.dst)).toEqual([['172.20.10.128/27'], ['172.26.4.152', '172.26.4.154/31', '172.26.4.156/30'], ['171.66.255.128/26']]);
    expect(s.loops).toEqual({ found: 3, activeAtEnd: 0, maxActive: 3, startEvents: 3, stopEvents: 3 });
  });

  it('starts and stops looping at the updates worked out by hand', () => {
    const events = results.flatMap((r) => [
      ...r.started.map((e) => ['start', r.line, e.loop, toPrefixes(e.dst).join(' ')]),
      ...r.stopped.map((e) => ['stop', r.line, e.loop, toPrefixes(e.dst).join(' ')]),
    ]);
    expect(events).toEqual([
      ['start', 23, 0, '172.20.10.128/27'],
      ['start', 25, 1, '172.26.4.152 172.26.4.154/31 172.26.4.156/30'],
      ['start', 27, 2, '171.66.255.128/26'],
      ['stop', 34, 2, '171.66.255.128/26'],
      ['stop', 36, 1, '172.26.4.152 172.26.4.154/31 172.26.4.156/30'],
      ['stop', 38, 0, '172.20.10.128/27'],
    ]);
  });

  it('checks every fwd update but the two whose M is empty; ACL updates take effect without a check', () => {
    expect(s.updates).toMatchObject({ total: 60, fwd: 28, acl: 32, inserts: 30, removals: 30, checked: 26, skippedEmptyM: 2 });
    expect(results.filter((r) => r.kind === 'fwd' && !r.checked).map((r) => r.line)).toEqual([20, 41]);
    expect(results.filter((r) => r.kind === 'acl').every((r) => !r.checked)).toBe(true);
  });

  it('says where the changed headers end', () => {
    const at = (line: number) => results[line - 1]!.reach.map((e) => `${e.kind} ${e.at} ${toPrefixes(e.dst).join(' ')}`).sort();
    // 17: copies exit at yozb te1/4 and reach yoza and bbrb, which have no route yet.
    expect(at(17)).toEqual(['exit yozb_rtr,te1/4 171.66.255.128/26', 'no-route bbrb_rtr 171.66.255.128/26', 'no-route yoza_rtr 171.66.255.128/26']);
    // 24: delivered to yoza itself.
    expect(at(24)).toEqual(['deliver yoza_rtr 172.26.4.153']);
    // 27: loop #2 (and copies leaving by bbrb's and yozb's other vlan3 ports).
    expect(at(27)).toContain('loop 2 171.66.255.128/26');
    // 34: R26 now has no route at bbrb.
    expect(at(34)).toEqual(['no-route bbrb_rtr 171.66.255.128/26']);
  });

  it('lists the edge ports the trace forwards to: here the three only it names', () => {
    // The three default routes' ports; every other port a rule names is linked or a VLAN.
    expect(s.edgePorts).toEqual([
      { device: 'yozb_rtr', port: 'te2/1', line: 21, rules: 1, declaredByTrace: true },
      { device: 'yoza_rtr', port: 'te1/3', line: 26, rules: 1, declaredByTrace: true },
      { device: 'bbrb_rtr', port: 'te7/1', line: 30, rules: 1, declaredByTrace: true },
    ]);
    // Line 21's changed set (0/0 minus the longer prefixes already at yozb) leaves there, whole.
    expect(results[20]!.reach.map((e) => `${e.kind} ${e.at}`)).toEqual(['exit yozb_rtr,te2/1']);
  });

  it('counts 11 equivalence classes after the inserts and 1 at the end', () => {
    // APKeep's "Number of APs" is the forwarding and ACL atoms summed: 5 + 3, then 1 + 1.
    expect(s.classes.map((c) => [c.at, c.classes, c.destinationClasses, c.aclAtoms, c.apkeepAps])).toEqual([
      [30, 11, 5, 3, 8],
      [60, 1, 1, 1, 2],
    ]);
  });
});

describe('replay: an ACL update after the forwarding rules', () => {
  it('stops the loops whose ACLs now let no packet through, and only those', () => {
    // The slice's 30 inserts (loops #0, #1 and #2 active, as worked out above), then a deny-all
    // at the top of 174 on yoza, then on yozb. Loop #0 passes yoza_rtr_174_te1/1_in, loop #1
    // yozb_rtr_174_te1/3_in; loop #2 (bbrb, yozb, yoza over te6/3, te1/2, te7/1) meets no ACL.
    // So line 31 stops #0 for all of R27, line 32 stops #1 for all of R29 minus H, and #2 is
    // still active at the end: exit "findings".
    const dir = mkdtempSync(join(tmpdir(), 'bunkatsu-slice-acl-'));
    try {
      cpSync(SLICE, dir, { recursive: true });
      const inserts = readFileSync(join(SLICE, 'updates'), 'utf8').split('\n').slice(0, 30);
      const denyAll = (element: string): string => `+ acl ${element} access-list 174 deny 0 255 any null null null any null null null 70000`;
      writeFileSync(join(dir, 'updates'), `${[...inserts, denyAll('yoza_rtr_174'), denyAll('yozb_rtr_174')].join('\n')}\n`);
      const { run, results } = replay(dir);
      expect(results[30]!.stopped.map((s) => [s.loop, toPrefixes(s.dst)])).toEqual([[0, ['172.20.10.128/27']]]);
      expect(results[31]!.stopped.map((s) => [s.loop, toPrefixes(s.dst)])).toEqual([[1, ['172.26.4.152', '172.26.4.154/31', '172.26.4.156/30']]]);
      expect(run.summary.loops.activeAtEnd).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('replay: a fwd rule to an interface the network lacks', () => {
  it("is refused at the port's updates:line:column, not skipped", () => {
    // A hand-written topology (here the slice's, without yozb te2/1) need not have every port
    // the trace names: the replayer refuses the update at the port token.
    const data = readFolder(SLICE);
    const doc = stanfordTopology(data, 0) as { devices: Array<{ id: string; interfaces: Array<{ name: string }> }> };
    const yozb = doc.devices.find((d) => d.id === 'yozb_rtr')!;
    yozb.interfaces = yozb.interfaces.filter((f) => f.name !== 'te2/1');
    const network = loadTopology(stanfordText(doc as Parameters<typeof stanfordText>[0], 'yaml'), 'hand.yaml');
    let error: unknown;
    try {
      runReplay(network, data.updates, 'slice/updates');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).diagnostics.map(formatDiagnostic)).toEqual([
      'slice/updates:21:20 BNK_ERR_UNKNOWN_REF device "yozb_rtr" has no interface "te2/1" (a fwd rule must name an interface of the device, or self)',
      'slice/updates:40:20 BNK_ERR_UNKNOWN_REF device "yozb_rtr" has no interface "te2/1" (a fwd rule must name an interface of the device, or self)',
    ]);
    // --lang ja prints the replay reader's own Japanese.
    expect((error as InputError).diagnostics[0]!.ja).toBe(
      '機器 "yozb_rtr" にインタフェース "te2/1" がありません（"fwd" の経路には、その機器のインタフェースか "self" を指定します）',
    );
  });
});

describeFullDataSet('replay of the full Stanford backbone (../shared)', 'updates', () => {
  it('replays all 9052 updates, ends with no loop active and the network empty', () => {
    const { run } = replay(FULL);
    const s = run.summary;
    expect(s.updates).toMatchObject({ total: 9052, fwd: 7680, acl: 1372, inserts: 4526, removals: 4526, unchanged: 0 });
    // The 8 lines with an empty M: 171.64.79.0/24 → self on yoza/yozb and 172.19.32.0/21 → self on
    // soza/sozb, inserted and removed again.
    expect(s.updates.skippedEmptyM).toBe(8);
    expect(s.updates.checked).toBe(7672);
    expect(s.loops.activeAtEnd).toBe(0);
    expect(s.loops.found).toBe(20);
    expect(s.classes.map((c) => [c.at, c.classes])).toEqual([
      [4526, 5996],
      [9052, 1],
    ]);
    // The 53 unlinked ports 726 insert lines forward to (FORMAT §5.3); 15 only the trace names.
    expect(s.edgePorts).toHaveLength(53);
    expect(s.edgePorts.reduce((n, p) => n + p.rules, 0)).toBe(726);
    expect(
      s.edgePorts
        .filter((p) => p.declaredByTrace)
        .map((p) => `${p.device} ${p.port}`)
        .sort(),
    ).toEqual([
      'bbra_rtr gi4/1',
      'bbrb_rtr gi4/1',
      'bbrb_rtr gi4/6',
      'bbrb_rtr tunnel10',
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
    // Every loop is closed (first == last) and names real positions.
    for (const l of run.loops) expect(l.path[0]).toBe(l.path[l.path.length - 1]);
  });
});
