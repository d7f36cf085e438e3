// Test helpers for the replay: random small forwarding networks with update traces, and a
// brute-force oracle of FORMAT §6.2 that re-walks every changed destination one packet at a
// time from scratch (no interval maps, no BDDs, no caches), straight from the resolved Network.

import { createRng, type Rng } from '../../src/generate/prng.ts';
import type { AclLine, Update, WildcardAddress } from '../../src/model/updates.ts';
import type { Network } from '../../src/model/network.ts';
import type { Packet } from '../../src/engine/headerset.ts';

const BASE = 10 * 2 ** 24; // 10.0.0.0: every random prefix lies in 10.0.0.0/24

export interface RandomCase {
  readonly doc: Record<string, unknown>;
  readonly updates: Update[];
}

function prefixIn(rng: Rng): { prefix: number; length: number } {
  const length = rng.pick([24, 24, 25, 25, 26, 27, 28, 30]);
  const size = 2 ** (32 - length);
  const prefix = BASE + size * rng.int(0, 2 ** (length - 24) - 1);
  return { prefix, length };
}

function wildcardIn(rng: Rng): WildcardAddress {
  if (rng.chance(0.4)) return { address: 0, wildcard: 0xffffffff };
  const { prefix, length } = prefixIn(rng);
  return { address: prefix, wildcard: 2 ** (32 - length) - 1 };
}

function aclLine(rng: Rng, priority: number): AclLine {
  const proto = rng.pick([
    [0, 255],
    [6, 6],
    [17, 17],
  ] as const);
  const ported = proto[0] !== 0 && rng.chance(0.5);
  const portLo = ported ? rng.pick([22, 80, 443, 1000]) : 0;
  const portHi = ported ? portLo + rng.pick([0, 0, 100]) : 65535;
  const action = rng.chance(0.7) ? 'permit' : 'deny';
  const src = wildcardIn(rng);
  const dst = wildcardIn(rng);
  return {
    action,
    protoLo: proto[0],
    protoHi: proto[1],
    src,
    dst,
    portLo,
    portHi,
    priority,
    key: `${action} ${proto[0]} ${proto[1]} ${src.address}/${src.wildcard} ${dst.address}/${dst.wildcard} ${portLo} ${portHi} ${priority}`,
  };
}

/** A random network of 2-5 routers (multi-peer ports, VLANs, ACL chains) and a trace of updates. */
export function randomCase(seed: number): RandomCase {
  const rng = createRng(seed);
  const n = rng.int(2, 5);
  const names = Array.from({ length: n }, (_, i) => `r${i}`);
  const ports = names.map(() => Array.from({ length: rng.int(2, 4) }, (_, j) => `p${j}`));
  const vlans = names.map((_, i) => (rng.chance(0.6) ? [{ name: 'vlan1', members: rng.shuffled(ports[i]!).slice(0, rng.int(2, ports[i]!.length)) }] : []));
  const acls = names.map(() => Array.from({ length: rng.int(0, 2) }, (_, k) => `a${k}`));
  const devices = names.map((id, i) => ({
    id,
    kind: 'router',
    interfaces: [
      ...ports[i]!.map((p) => {
        const pick = (): string[] => (acls[i]!.length > 0 && rng.chance(0.25) ? rng.shuffled(acls[i]!).slice(0, rng.int(1, acls[i]!.length)) : []);
        const inA = pick();
        const outA = pick();
        return { name: p, ...(inA.length ? { in: inA } : {}), ...(outA.length ? { out: outA } : {}) };
      }),
      ...vlans[i]!,
    ],
    ...(acls[i]!.length > 0 ? { acls: Object.fromEntries(acls[i]!.map((a) => [a, []])) } : {}),
    routes: [],
  }));
  const links: string[][] = [];
  const seen = new Set<string>();
  const linkCount = rng.int(n - 1, n + 3);
  for (let k = 0; k < linkCount * 3 && links.length < linkCount; k++) {
    const a = rng.int(0, n - 1);
    const b = rng.int(0, n - 1);
    if (a === b) continue;
    const pa = `${names[a]}:${rng.pick(ports[a]!)}`;
    const pb = `${names[b]}:${rng.pick(ports[b]!)}`;
    const key = [pa, pb].sort().join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    links.push([pa, pb]);
  }
  const doc = { bunkatsu: 1, name: `random ${seed}`, devices, links };

  // The trace: ACL inserts first (sometimes), then fwd inserts and removals with ACL changes mixed in.
  const updates: Update[] = [];
  const live: Array<Extract<Update, { kind: 'fwd' }>> = [];
  const liveAcl: Array<Extract<Update, { kind: 'acl' }>> = [];
  let line = 0;
  const steps = rng.int(15, 50);
  for (let s = 0; s < steps; s++) {
    const i = rng.int(0, n - 1);
    const roll = rng.next();
    if (roll < 0.15 && acls[i]!.length > 0) {
      const rule = aclLine(rng, rng.int(1, 5));
      const u = { op: '+' as const, kind: 'acl' as const, device: names[i]!, acl: rng.pick(acls[i]!), rule, line: ++line };
      updates.push(u);
      liveAcl.push(u);
    } else if (roll < 0.2 && liveAcl.length > 0) {
      const k = rng.int(0, liveAcl.length - 1);
      const u = liveAcl.splice(k, 1)[0]!;
      updates.push({ ...u, op: '-', line: ++line });
    } else if (roll < 0.45 && live.length > 0) {
      const k = rng.int(0, live.length - 1);
      const u = live.splice(k, 1)[0]!;
      updates.push({ ...u, op: '-', line: ++line });
    } else {
      const { prefix, length } = prefixIn(rng);
      const targets = [...ports[i]!, ...vlans[i]!.map((v) => v.name), 'self'];
      const port = rng.chance(0.1) ? 'self' : rng.pick(targets);
      const priority = rng.chance(0.15) ? rng.pick([length - 1, length + 1]) : length;
      const u = { op: '+' as const, kind: 'fwd' as const, device: names[i]!, prefix, length, port, priority, line: ++line };
      if (live.some((x) => x.device === u.device && x.prefix === prefix && x.length === length && x.port === port && x.priority === priority)) continue;
      updates.push(u);
      live.push(u);
    }
  }
  return { doc, updates };
}

// ── the oracle ────────────────────────────────────────────────────────────────────

function wildMatch(w: WildcardAddress, a: number): boolean {
  // Compare every bit the wildcard fixes, without signed 32-bit operators.
  for (let bit = 0; bit < 32; bit++) {
    const p = 2 ** bit;
    if (Math.floor(w.wildcard / p) % 2 === 1) continue;
    if (Math.floor(w.address / p) % 2 !== Math.floor(a / p) % 2) return false;
  }
  return true;
}

/** The loops §6.2 records after each update, one packet at a time; cumulative key sets per update. */
export function oracleLoops(network: Network, updates: readonly Update[]): Array<Set<string>> {
  const devIndex = new Map(network.devices.map((d, i) => [d.id, i]));
  const fwd: Array<Array<{ lo: number; hi: number; port: string; priority: number; length: number }>> = network.devices.map(() => []);
  const acl = new Map<string, AclLine[]>();
  // Representative values: every boundary any rule of the trace can create.
  const cuts = (vals: number[]): number[] => [...new Set(vals)].filter((v) => v >= 0 && v <= 0xffffffff).sort((a, b) => a - b);
  const dstCuts: number[] = [0, BASE, BASE + 256];
  const srcCuts: number[] = [0, BASE, BASE + 256];
  const protoCuts = [0, 1, 6, 7, 17, 18];
  const portCuts = [0];
  for (const u of updates) {
    if (u.kind === 'fwd') dstCuts.push(u.prefix, u.prefix + 2 ** (32 - u.length));
    else {
      for (const [w, list] of [
        [u.rule.dst, dstCuts],
        [u.rule.src, srcCuts],
      ] as const) {
        if (w.wildcard !== 0xffffffff) list.push(w.address, w.address + w.wildcard + 1);
      }
      portCuts.push(u.rule.portLo, u.rule.portHi + 1);
    }
  }
  const dsts = cuts(dstCuts);
  const srcs = cuts(srcCuts);
  const ports = cuts(portCuts).filter((p) => p <= 65535);

  const targetsOf = (d: number, dst: number): string[] => {
    let best = -1;
    let out: string[] = [];
    for (const r of fwd[d]!) {
      if (dst < r.lo || dst > r.hi) continue;
      if (r.priority > best) {
        best = r.priority;
        out = [r.port];
      } else if (r.priority === best && !out.includes(r.port)) out.push(r.port);
    }
    return out.sort();
  };
  const physical = (d: number, port: string): string[] => {
    const f = network.devices[d]!.interfaces.find((x) => x.name === port);
    return f?.members ? [...f.members] : f ? [port] : [];
  };
  const permits = (dev: string, name: string, p: Packet): boolean => {
    for (const r of acl.get(`${dev} ${name}`) ?? []) {
      if (p.protocol < r.protoLo || p.protocol > r.protoHi || p.port < r.portLo || p.port > r.portHi) continue;
      if (!wildMatch(r.src, p.src) || !wildMatch(r.dst, p.dst)) continue;
      return r.action === 'permit';
    }
    return false;
  };
  // The ingress a packet sent out of (d, port) reaches: links, then the peer's in-ACLs.
  const peersOf = (d: number, port: string): Array<[number, string]> => {
    const id = network.devices[d]!.id;
    const out: Array<[number, string]> = [];
    for (const l of network.links) {
      const a = network.devices[l.a.device]!.id;
      const b = network.devices[l.b.device]!.id;
      if (a === id && l.a.interface === port) out.push([l.b.device, l.b.interface]);
      if (b === id && l.b.interface === port) out.push([l.a.device, l.a.interface]);
    }
    return out;
  };
  const iface = (d: number, port: string) => network.devices[d]!.interfaces.find((f) => f.name === port)!;

  const found = new Set<string>();
  const history: Array<Set<string>> = [];
  const record = (path: string[], h: string): void => {
    const cycle = path.slice(path.indexOf(h));
    found.add(canonicalNames(cycle));
  };
  // Egress from a device port: out-ACL chain, then every peer's in-ACL chain, then the peer device.
  const egress = (d: number, port: string, pkt: Packet, path: string[]): void => {
    const dev = network.devices[d]!.id;
    const h = `${dev},${port}`;
    if (path.includes(h)) {
      record(path, h);
      return;
    }
    path = [...path, h];
    const outs = iface(d, port).outAcls;
    for (let k = 0; k < outs.length; k++) {
      const node = `${dev}_${outs[k]}_${port}_out`;
      path = [...path, `${node},inport`];
      if (!permits(dev, outs[k]!, pkt)) return;
      const e = `${node},permit`;
      if (path.includes(e)) {
        record(path, e);
        return;
      }
      path = [...path, e];
    }
    for (const [pd, pp] of peersOf(d, port)) {
      let p2 = path;
      const peer = network.devices[pd]!.id;
      const ins = iface(pd, pp).inAcls;
      let denied = false;
      let closed = false;
      for (let k = 0; k < ins.length; k++) {
        const node = `${peer}_${ins[k]}_${pp}_in`;
        p2 = [...p2, `${node},inport`];
        if (!permits(peer, ins[k]!, pkt)) {
          denied = true;
          break;
        }
        const e = `${node},permit`;
        if (p2.includes(e)) {
          record(p2, e);
          closed = true;
          break;
        }
        p2 = [...p2, e];
      }
      if (denied || closed) continue;
      p2 = [...p2, `${peer},${pp}`];
      const ts = targetsOf(pd, pkt.dst);
      const rs = new Set<string>();
      for (const t of ts) if (t !== 'self' && t !== pp) for (const r of physical(pd, t)) if (r !== pp) rs.add(r);
      for (const r of rs) egress(pd, r, pkt, p2);
    }
  };

  for (const u of updates) {
    if (u.kind === 'acl') {
      const key = `${u.device} ${u.acl}`;
      const list = acl.get(key) ?? acl.set(key, []).get(key)!;
      if (u.op === '+') {
        let i = 0;
        while (i < list.length && list[i]!.priority > u.rule.priority) i++;
        list.splice(i, 0, u.rule);
      } else {
        const i = list.findIndex((r) => r.key === u.rule.key);
        if (i >= 0) list.splice(i, 1);
      }
      history.push(new Set(found));
      continue;
    }
    const d = devIndex.get(u.device)!;
    const before = dsts.map((x) => targetsOf(d, x).join(' '));
    const table = fwd[d]!;
    const same = (r: { lo: number; length: number; port: string; priority: number }): boolean =>
      r.lo === u.prefix && r.length === u.length && r.port === u.port && r.priority === u.priority;
    if (u.op === '+') {
      if (!table.some(same)) table.push({ lo: u.prefix, hi: u.prefix + 2 ** (32 - u.length) - 1, port: u.port, priority: u.priority, length: u.length });
    } else {
      const i = table.findIndex(same);
      if (i >= 0) table.splice(i, 1);
    }
    dsts.forEach((dst, k) => {
      const now = targetsOf(d, dst);
      if (now.join(' ') === before[k]) return; // not in M
      const rs = new Set<string>();
      for (const t of now) if (t !== 'self') for (const r of physical(d, t)) rs.add(r);
      for (const src of srcs)
        for (const proto of protoCuts)
          for (const port of ports) {
            for (const r of rs) egress(d, r, { src, dst, protocol: proto, port }, []);
          }
    });
    history.push(new Set(found));
  }
  return history;
}

/** A key equal for all rotations of a cycle of position names. */
export function canonicalNames(cycle: readonly string[]): string {
  let best: string[] | undefined;
  for (let s = 0; s < cycle.length; s++) {
    const rot = [...cycle.slice(s), ...cycle.slice(0, s)];
    if (!best || rot.join('|') < best.join('|')) best = rot;
  }
  return (best ?? []).join('|');
}
