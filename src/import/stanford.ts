// Imports the Stanford backbone data plane (APKeep's networks/stanford folder: topo.txt,
// vlan.txt, acls/ file names, updates) as a bunkatsu topology document. The semantics follow
// the dataset's FORMAT.md; every bad line is reported as file:line:column. No I/O here: the
// caller passes the file texts.

import { type Bilingual, type Diagnostic, type ErrorCode, InputError, type Loc } from '../errors.ts';
import { ANY_ADDRESS, type AclLine, RuleTable, type TracePort, type Update, type WildcardAddress } from '../model/updates.ts';
import { type Plain, toJson, toYaml } from '../model/write.ts';
import { loadImported } from '../model/load.ts';
import type { Network } from '../model/network.ts';
import { formatIpv4, IPV4_MAX, parseIpv4 } from '../net/ipv4.ts';
import { PORT_MAX, PORT_PROTOCOLS, PROTO_MAX, protocolName } from '../net/services.ts';

/** The folder's files as text, with the names used in error locations. */
export interface StanfordFiles {
  /** Folder name as the user wrote it: locations read `<dir>/topo.txt:3:1`. */
  readonly dir: string;
  readonly topo: string;
  readonly vlan: string;
  /** File names in acls/ (the `_usage` files are skipped: FORMAT §3.2). */
  readonly aclFiles: readonly string[];
  readonly updates: string;
}

/** Token indices of a fwd line, for locations: `<op> fwd <device> <prefixInt> <length> <port> <priority>`. */
export const FWD_DEVICE_TOKEN = 2;
export const FWD_PORT_TOKEN = 5;

export type NodeRef =
  | { readonly kind: 'device'; readonly device: string }
  | { readonly kind: 'acl'; readonly device: string; readonly acl: string; readonly port: string; readonly dir: 'in' | 'out' };

export interface TopoEdge {
  readonly from: string;
  readonly fromPort: string;
  readonly to: string;
  readonly toPort: string;
  readonly line: number;
}

/** The parsed folder: structure (devices, ports, chains, links, VLANs) and the update trace. */
export interface StanfordData {
  readonly dir: string;
  /** Device ids, sorted. */
  readonly devices: readonly string[];
  /** ACL elements per device: name -> nothing; in acls/ file order. */
  readonly acls: ReadonlyMap<string, readonly string[]>;
  /** Per device, per port: the ACL chain entering / leaving by it, in topo.txt chain order. */
  readonly inChains: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  readonly outChains: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  /** Per device, VLAN interface -> member ports (vlan.txt order). */
  readonly vlans: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  /** Undirected device-port links after collapsing ACL chains: [device, port, device, port]. */
  readonly links: ReadonlyArray<readonly [string, string, string, string]>;
  /** Every port named anywhere, per device (first-seen order). */
  readonly ports: ReadonlyMap<string, ReadonlySet<string>>;
  /** The ports only fwd lines name: edge ports declared by the trace (device, then line order). */
  readonly tracePorts: readonly TracePort[];
  readonly edges: readonly TopoEdge[];
  readonly updates: readonly Update[];
}

const ACL_NAME = /^[A-Za-z0-9]+$/;
const PORT_NAME = /^[A-Za-z0-9][A-Za-z0-9./-]{0,63}$/;

class Collector {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly dir: string) {}

  at(file: string, line: number, column: number): Loc {
    return { file: `${this.dir}/${file}`, line, column };
  }

  add(code: ErrorCode, loc: Loc, text: Bilingual): void {
    if (this.diagnostics.length < 200) this.diagnostics.push({ code, loc, message: text.en, ja: text.ja });
  }

  throwIfAny(): void {
    if (this.diagnostics.length > 0) throw new InputError(this.diagnostics);
  }
}

/** Tokens of one line with their 1-based columns. */
function tokens(text: string): Array<{ t: string; col: number }> {
  const out: Array<{ t: string; col: number }> = [];
  const re = /\S+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ t: m[0], col: m.index + 1 });
  return out;
}

function lines(text: string): string[] {
  const all = text.split('\n');
  if (all.length > 0 && all[all.length - 1] === '') all.pop();
  return all.map((l) => l.replace(/\r$/, ''));
}

/** Parses the folder; throws InputError listing every bad line. */
export function parseStanford(files: StanfordFiles): StanfordData {
  const c = new Collector(files.dir);
  // ── acls/: element names `<device>_<acl>` (the rules come in through updates) ──
  const elementFiles = files.aclFiles.filter((f) => !f.endsWith('_usage')).sort();

  // ── topo.txt ──
  const rawEdges: TopoEdge[] = [];
  const topoLines = lines(files.topo);
  const deviceSet = new Set<string>();
  const edgeKeys = new Set<string>();
  topoLines.forEach((text, i) => {
    const tk = tokens(text);
    if (tk.length === 0) return;
    if (tk.length !== 4) {
      c.add('BNK_ERR_SYNTAX', c.at('topo.txt', i + 1, 1), {
        en: `expected 4 tokens "<fromNode> <fromPort> <toNode> <toPort>", found ${tk.length}`,
        ja: `"<fromNode> <fromPort> <toNode> <toPort>" の4語であるべきところ、${tk.length}語あります`,
      });
      return;
    }
    const [a, ap, b, bp] = tk as [(typeof tk)[0], (typeof tk)[0], (typeof tk)[0], (typeof tk)[0]];
    // APKeep keeps the edges in a set: an identical line again adds nothing.
    const key = `${a.t} ${ap.t} ${b.t} ${bp.t}`;
    if (edgeKeys.has(key)) return;
    edgeKeys.add(key);
    rawEdges.push({ from: a.t, fromPort: ap.t, to: b.t, toPort: bp.t, line: i + 1 });
    for (const n of [a.t, b.t]) if (!isAclNodeName(n)) deviceSet.add(n);
  });
  const devices = [...deviceSet].sort();
  for (const d of devices) {
    if (!/^[A-Za-z0-9][A-Za-z0-9.-]*_[A-Za-z0-9][A-Za-z0-9.-]*$/.test(d)) {
      const e = rawEdges.find((x) => x.from === d || x.to === d)!;
      c.add('BNK_ERR_SCHEMA', c.at('topo.txt', e.line, e.from === d ? 1 : tokens(topoLines[e.line - 1]!)[2]!.col), {
        en: `"${d}" is neither a device name "<name>_<suffix>" (e.g. bbra_rtr) nor an ACL node "<device>_<acl>_<port>_<in|out>"`,
        ja: `"${d}" は機器名 "<name>_<suffix>"（例: bbra_rtr）でもアクセスリストのノード "<device>_<acl>_<port>_<in|out>" でもありません`,
      });
    }
  }

  const acls = new Map<string, string[]>();
  for (const d of devices) acls.set(d, []);
  for (const f of elementFiles) {
    const dev = devices.find((d) => f.startsWith(`${d}_`));
    const name = dev ? f.slice(dev.length + 1) : '';
    if (!dev || !ACL_NAME.test(name)) {
      c.add(
        'BNK_ERR_UNKNOWN_REF',
        { file: `${files.dir}/acls/${f}`, line: 1, column: 1 },
        {
          en: `ACL file name "${f}" is not "<device>_<acl>" for a device of topo.txt`,
          ja: `アクセスリストのファイル名 "${f}" が、topo.txt の機器についての "<device>_<acl>" の形ではありません`,
        },
      );
      continue;
    }
    acls.get(dev)!.push(name);
  }
  const hasAcl = (dev: string, acl: string): boolean => acls.get(dev)?.includes(acl) ?? false;

  const nodeOf = (name: string, line: number, column: number): NodeRef | undefined => {
    if (!isAclNodeName(name)) return { kind: 'device', device: name };
    const dev = devices.find((d) => name.startsWith(`${d}_`));
    const rest = dev ? name.slice(dev.length + 1).split('_') : [];
    if (!dev || rest.length !== 3 || !ACL_NAME.test(rest[0]!) || !PORT_NAME.test(rest[1]!)) {
      c.add('BNK_ERR_SCHEMA', c.at('topo.txt', line, column), {
        en: `ACL node "${name}" is not "<device>_<acl>_<port>_<in|out>" for a device of topo.txt`,
        ja: `アクセスリストのノード "${name}" が、topo.txt の機器についての "<device>_<acl>_<port>_<in|out>" の形ではありません`,
      });
      return undefined;
    }
    const [acl, port, dir] = rest as [string, string, 'in' | 'out'];
    if (!hasAcl(dev, acl)) {
      c.add('BNK_ERR_UNKNOWN_REF', c.at('topo.txt', line, column), {
        en: `ACL node "${name}" names ACL "${dev}_${acl}", which has no file in acls/`,
        ja: `アクセスリストのノード "${name}" が指すアクセスリスト "${dev}_${acl}" のファイルが acls/ にありません`,
      });
      return undefined;
    }
    return { kind: 'acl', device: dev, acl, port, dir };
  };

  // Per ACL node: its successors (from its permit port) and predecessors.
  const next = new Map<string, TopoEdge[]>();
  const prev = new Map<string, TopoEdge[]>();
  const refs = new Map<string, NodeRef>();
  const ports = new Map<string, Set<string>>();
  for (const d of devices) ports.set(d, new Set());
  const addPort = (dev: string, port: string): void => {
    ports.get(dev)?.add(port);
  };
  for (const e of rawEdges) {
    const cols = tokens(topoLines[e.line - 1]!);
    const a = nodeOf(e.from, e.line, 1);
    const b = nodeOf(e.to, e.line, cols[2]!.col);
    if (!a || !b) continue;
    refs.set(e.from, a);
    refs.set(e.to, b);
    if (a.kind === 'acl' && e.fromPort !== 'permit') {
      c.add('BNK_ERR_SCHEMA', c.at('topo.txt', e.line, cols[1]!.col), {
        en: `an ACL node leaves by its "permit" port, not "${e.fromPort}"`,
        ja: `アクセスリストのノードから出るポートは "permit" です（"${e.fromPort}" ではありません）`,
      });
      continue;
    }
    if (b.kind === 'acl' && e.toPort !== 'inport') {
      c.add('BNK_ERR_SCHEMA', c.at('topo.txt', e.line, cols[3]!.col), {
        en: `an ACL node is entered by its "inport" port, not "${e.toPort}"`,
        ja: `アクセスリストのノードに入るポートは "inport" です（"${e.toPort}" ではありません）`,
      });
      continue;
    }
    for (const [n, p, col] of [
      [a, e.fromPort, cols[1]!.col],
      [b, e.toPort, cols[3]!.col],
    ] as const) {
      if (n.kind === 'device') {
        if (!PORT_NAME.test(p)) c.add('BNK_ERR_SCHEMA', c.at('topo.txt', e.line, col), badPortName(p));
        else addPort(n.device, p);
      } else addPort(n.device, n.port);
    }
    (next.get(e.from) ?? next.set(e.from, []).get(e.from)!).push(e);
    (prev.get(e.to) ?? prev.set(e.to, []).get(e.to)!).push(e);
  }
  c.throwIfAny();

  // ── ACL chains per (device, port, direction), in topo.txt order ──
  const inChains = new Map<string, Map<string, string[]>>();
  const outChains = new Map<string, Map<string, string[]>>();
  for (const d of devices) {
    inChains.set(d, new Map());
    outChains.set(d, new Map());
  }
  const groups = new Map<string, string[]>();
  for (const [name, r] of refs) {
    if (r.kind !== 'acl') continue;
    const key = `${r.device} ${r.port} ${r.dir}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(name);
  }
  const firstLine = (name: string): number => Math.min(...[...(next.get(name) ?? []), ...(prev.get(name) ?? [])].map((e) => e.line));
  for (const [key, members] of groups) {
    const [dev, port, dir] = key.split(' ') as [string, string, 'in' | 'out'];
    const inGroup = new Set(members);
    const heads = members.filter((m) => !(prev.get(m) ?? []).some((e) => inGroup.has(e.from)));
    const chain: string[] = [];
    let cur = heads.length === 1 ? heads[0] : undefined;
    const seen = new Set<string>();
    while (cur !== undefined && !seen.has(cur)) {
      seen.add(cur);
      chain.push(cur);
      const succ = (next.get(cur) ?? []).filter((e) => inGroup.has(e.to));
      if (succ.length > 1) break;
      cur = succ[0]?.to;
    }
    if (heads.length !== 1 || chain.length !== members.length) {
      const line = Math.min(...members.map(firstLine));
      c.add('BNK_ERR_SCHEMA', c.at('topo.txt', line, 1), {
        en: `the ACL nodes of ${dev} ${port} ${dir} (${members.sort().join(', ')}) do not form one chain`,
        ja: `${dev} ${port} の${dir === 'in' ? '受信' : '送信'}側のアクセスリストのノード（${members.join('、')}）が1本のチェーンになっていません`,
      });
      continue;
    }
    // Every permit edge of the chain is read: each node leads to the next only, and the last
    // node of an in-chain to the port its name protects (an out-chain's last edges are its links).
    let wired = true;
    chain.forEach((n, i) => {
      const last = i === chain.length - 1;
      if (last && dir === 'out') return;
      const expected = last ? `${dev} ${port}` : `${chain[i + 1]} inport`;
      const implied: Bilingual = last
        ? { en: `the name implies it leads to ${dev} ${port}`, ja: `名前からは ${dev} ${port} に通じるはずです` }
        : { en: `the chain continues with "${chain[i + 1]}"`, ja: `チェーンは "${chain[i + 1]}" に続くはずです` };
      const edges = next.get(n) ?? [];
      // Lines are distinct (duplicates were dropped), so a second edge is always a wrong one.
      const wrong = edges.find((e) => `${e.to} ${e.toPort}` !== expected);
      if (wrong) {
        c.add('BNK_ERR_SCHEMA', c.at('topo.txt', wrong.line, tokens(topoLines[wrong.line - 1]!)[2]!.col), {
          en: `"${n}" is ${last ? 'the last' : 'an'} ${dir === 'in' ? 'inbound' : 'outbound'} ACL of ${dev} ${port} (${implied.en}), but this edge leads it to ${wrong.to} ${wrong.toPort}`,
          ja: `"${n}" は ${dev} ${port} の${last ? '最後の' : ''}${dir === 'in' ? '受信' : '送信'}側のアクセスリストです（${implied.ja}）が、この行は ${wrong.to} ${wrong.toPort} に通じています`,
        });
        wired = false;
      } else if (edges.length === 0) {
        c.add('BNK_ERR_SCHEMA', c.at('topo.txt', firstLine(n), 1), {
          en: `"${n}" has no "permit" edge, but ${implied.en}`,
          ja: `"${n}" から出る "permit" の行がありません（${implied.ja}）`,
        });
        wired = false;
      }
    });
    if (!wired) continue;
    const names = chain.map((n) => (refs.get(n) as { acl: string }).acl);
    (dir === 'in' ? inChains : outChains).get(dev)!.set(port, names);
  }
  c.throwIfAny();

  // ── links: collapse chains. Each device egress position -> the device ports it reaches ──
  const nodeName = (dev: string, acl: string, port: string, dir: string): string => `${dev}_${acl}_${port}_${dir}`;
  const directed = new Map<string, { line: number; peers: Array<{ dev: string; port: string; line: number }> }>();
  const egress = new Map<string, { direct?: number; out?: number }>();
  for (const e of rawEdges) {
    const a = refs.get(e.from)!;
    if (a.kind !== 'device') continue;
    const pos = `${a.device} ${e.fromPort}`;
    const entry = directed.get(pos) ?? directed.set(pos, { line: e.line, peers: [] }).get(pos)!;
    const b = refs.get(e.to)!;
    // A position either leaves through its out-ACL chain or by its own edges, never both:
    // the topology puts the ACLs on the port, so a direct peer would end up behind them.
    const viaOut = b.kind === 'acl' && b.dir === 'out';
    const kinds = egress.get(pos) ?? egress.set(pos, {}).get(pos)!;
    const other = viaOut ? kinds.direct : kinds.out;
    if (other !== undefined) {
      c.add('BNK_ERR_SCHEMA', c.at('topo.txt', e.line, 1), {
        en: `${pos} already leaves ${viaOut ? 'by a direct edge' : 'through its outbound ACL chain'} (line ${other}); a position with outbound ACLs must have no other edge`,
        ja: `${pos} からはすでに${viaOut ? '直接の行' : '送信側のアクセスリストのチェーン'}で出ています（${other} 行目）。送信側のアクセスリストのあるポートには、ほかの行があってはなりません`,
      });
      continue;
    }
    if (viaOut) kinds.out ??= e.line;
    else kinds.direct ??= e.line;
    let targets: TopoEdge[] = [e];
    if (b.kind === 'acl') {
      if (b.dir === 'out') {
        const chain = outChains.get(b.device)?.get(b.port) ?? [];
        if (b.device !== a.device || b.port !== e.fromPort || nodeName(b.device, chain[0]!, b.port, 'out') !== e.to) {
          c.add('BNK_ERR_SCHEMA', c.at('topo.txt', e.line, tokens(topoLines[e.line - 1]!)[2]!.col), {
            en: `${a.device} ${e.fromPort} leads into "${e.to}", which is not the first outbound ACL of that same port`,
            ja: `${a.device} ${e.fromPort} が通じる "${e.to}" は、そのポート自身の最初の送信側のアクセスリストではありません`,
          });
          continue;
        }
        targets = next.get(nodeName(b.device, chain[chain.length - 1]!, b.port, 'out')) ?? [];
      }
    }
    for (const t of targets) {
      const r = refs.get(t.to)!;
      if (r.kind === 'device') {
        if (inChains.get(r.device)?.has(t.toPort)) {
          c.add('BNK_ERR_SCHEMA', c.at('topo.txt', t.line, tokens(topoLines[t.line - 1]!)[2]!.col), {
            en: `this edge reaches ${r.device} ${t.toPort} directly, past its inbound ACL chain`,
            ja: `この行は受信側のアクセスリストのチェーンを通らずに ${r.device} ${t.toPort} に直接通じています`,
          });
          continue;
        }
        entry.peers.push({ dev: r.device, port: t.toPort, line: t.line });
      } else if (r.dir === 'in') {
        const chain = inChains.get(r.device)?.get(r.port) ?? [];
        if (nodeName(r.device, chain[0]!, r.port, 'in') !== t.to) {
          c.add('BNK_ERR_SCHEMA', c.at('topo.txt', t.line, tokens(topoLines[t.line - 1]!)[2]!.col), {
            en: `"${t.to}" is entered from outside its chain but is not the first inbound ACL of ${r.device} ${r.port}`,
            ja: `"${t.to}" にはチェーンの外から入っていますが、${r.device} ${r.port} の最初の受信側のアクセスリストではありません`,
          });
          continue;
        }
        entry.peers.push({ dev: r.device, port: r.port, line: t.line });
      } else {
        c.add('BNK_ERR_SCHEMA', c.at('topo.txt', t.line, tokens(topoLines[t.line - 1]!)[2]!.col), {
          en: `a link reaches the outbound ACL node "${t.to}" of another port`,
          ja: `リンクがほかのポートの送信側のアクセスリストのノード "${t.to}" に通じています`,
        });
      }
    }
  }
  for (const [dev, chains] of outChains) {
    for (const port of chains.keys()) {
      const direct = egress.get(`${dev} ${port}`)?.direct;
      if (direct !== undefined && egress.get(`${dev} ${port}`)?.out === undefined) {
        c.add('BNK_ERR_SCHEMA', c.at('topo.txt', direct, 1), {
          en: `${dev} ${port} has an outbound ACL chain, but this edge leaves the port directly and nothing enters the chain`,
          ja: `${dev} ${port} には送信側のアクセスリストのチェーンがありますが、この行はポートから直接出ており、チェーンに入る行がありません`,
        });
      }
    }
  }
  c.throwIfAny();
  const links: Array<[string, string, string, string]> = [];
  for (const [pos, { peers }] of directed) {
    const [dev, port] = pos.split(' ') as [string, string];
    for (const p of peers) {
      const back = directed.get(`${p.dev} ${p.port}`)?.peers.some((q) => q.dev === dev && q.port === port) ?? false;
      if (!back) {
        c.add('BNK_ERR_SCHEMA', c.at('topo.txt', p.line, 1), {
          en: `${dev} ${port} reaches ${p.dev} ${p.port}, but no line leads back from ${p.dev} ${p.port} to ${dev} ${port} (links are listed in both directions)`,
          ja: `${dev} ${port} から ${p.dev} ${p.port} に通じていますが、${p.dev} ${p.port} から ${dev} ${port} に戻る行がありません（リンクは両方向に書きます）`,
        });
        continue;
      }
      if (`${dev} ${port}` < `${p.dev} ${p.port}`) links.push([dev, port, p.dev, p.port]);
    }
  }
  c.throwIfAny();

  // ── vlan.txt ──
  const vlans = new Map<string, Map<string, string[]>>();
  for (const d of devices) vlans.set(d, new Map());
  lines(files.vlan).forEach((text, i) => {
    const tk = tokens(text);
    if (tk.length === 0) return;
    if (tk.length < 3) {
      c.add('BNK_ERR_SYNTAX', c.at('vlan.txt', i + 1, 1), {
        en: `expected "<device> <vlan> <member> [<member> ...]", found ${tk.length} token(s)`,
        ja: `"<device> <vlan> <member> [<member> ...]" の形であるべきところ、${tk.length}語しかありません`,
      });
      return;
    }
    const [dev, vlan, ...members] = tk as [(typeof tk)[0], (typeof tk)[0], ...typeof tk];
    const map = vlans.get(dev.t);
    if (!map) {
      c.add('BNK_ERR_UNKNOWN_REF', c.at('vlan.txt', i + 1, dev.col), unknownDevice(dev.t));
      return;
    }
    if (!/^vlan/i.test(vlan.t) || !PORT_NAME.test(vlan.t)) {
      c.add('BNK_ERR_SCHEMA', c.at('vlan.txt', i + 1, vlan.col), {
        en: `"${vlan.t}" is not a VLAN interface name (vlan<N>)`,
        ja: `"${vlan.t}" は VLAN インタフェースの名前（"vlan<N>"）ではありません`,
      });
      return;
    }
    if (map.has(vlan.t)) {
      c.add('BNK_ERR_DUPLICATE_ID', c.at('vlan.txt', i + 1, vlan.col), {
        en: `${dev.t} ${vlan.t} is defined twice`,
        ja: `${dev.t} ${vlan.t} が2回定義されています`,
      });
      return;
    }
    const seen = new Set<string>();
    for (const m of members) {
      if (!PORT_NAME.test(m.t) || /^vlan/i.test(m.t))
        c.add('BNK_ERR_SCHEMA', c.at('vlan.txt', i + 1, m.col), {
          en: `member "${m.t}" is not a physical port name`,
          ja: `メンバー "${m.t}" は物理ポートの名前ではありません`,
        });
      else if (seen.has(m.t))
        c.add('BNK_ERR_DUPLICATE_ID', c.at('vlan.txt', i + 1, m.col), {
          en: `member "${m.t}" is listed twice`,
          ja: `メンバー "${m.t}" が2回書かれています`,
        });
      seen.add(m.t);
    }
    map.set(
      vlan.t,
      members.map((m) => m.t),
    );
    for (const m of members) addPort(dev.t, m.t);
  });

  // ── updates ──
  // A fwd port that topo.txt, vlan.txt and the ACL bindings do not name is an edge port the
  // trace declares (APKeep creates the port on first use; no topo edge, so packets leave there).
  // Only a known device's well-formed port qualifies: an unknown device or a malformed name is
  // refused above. The ports are listed (TracePort) so that a mistyped one shows.
  const declared = new Map([...ports].map(([d, set]) => [d, new Set(set)]));
  const tracePorts: TracePort[] = [];
  const updates: Update[] = [];
  lines(files.updates).forEach((text, i) => {
    const u = parseUpdateLine(text, i + 1, c, devices, hasAcl, vlans);
    if (u) {
      updates.push(u);
      if (u.kind === 'fwd' && u.port !== 'self' && !/^vlan/i.test(u.port)) {
        addPort(u.device, u.port);
        const known = declared.get(u.device)!;
        if (!known.has(u.port)) {
          known.add(u.port);
          tracePorts.push({ device: u.device, port: u.port, line: u.line, column: u.columns?.[FWD_PORT_TOKEN] ?? 1 });
        }
      }
    }
  });
  c.throwIfAny();
  checkEveryUpdateApplies(updates, c);
  c.throwIfAny();
  // VLAN interfaces are not physical ports of their own.
  for (const [d, map] of vlans) for (const v of map.keys()) ports.get(d)!.delete(v);
  tracePorts.sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : a.line - b.line));
  return { dir: files.dir, devices, acls, inChains, outChains, vlans, links, ports, tracePorts, edges: rawEdges, updates };
}

/**
 * Every update must change the rules in force (replayed from none): a fwd insert of a rule
 * already in force, or a removal of a rule not in force, is refused at its line. APKeep logs
 * these ("duplicate rule", "Rule not found") and goes on, so a mistyped port on one line of an
 * insert/remove pair turned the other line into a no-op: one check fewer, and a rule left in
 * force. (APKeep keeps identical ACL inserts both, so those do apply.)
 */
function checkEveryUpdateApplies(updates: readonly Update[], c: Collector): void {
  const table = new RuleTable();
  for (const u of updates) {
    if (table.apply(u)) continue;
    const loc = c.at('updates', u.line, u.columns?.[0] ?? 1);
    if (u.kind === 'fwd') {
      const route = `${formatIpv4(u.prefix)}/${u.length} → ${u.port}`;
      const rule = `${route} (priority ${u.priority})`;
      const ruleJa = `${route}（優先度 ${u.priority}）`;
      if (u.op === '+') {
        c.add('BNK_ERR_DUPLICATE_ID', loc, {
          en: `${u.device} already has the rule ${rule} in force: an insert must add a rule (remove it first, or drop this line)`,
          ja: `${u.device} には経路 ${ruleJa}がすでに有効です。追加の行は新しい経路を加えるものでなければなりません（先に削除するか、この行を除いてください）`,
        });
        continue;
      }
      const same = table.fwd(u.device).filter((r) => r.prefix === u.prefix && r.length === u.length);
      const hint: Bilingual =
        same.length > 0
          ? {
              en: `; in force for that prefix: ${same.map((r) => `→ ${r.port} (priority ${r.priority}, line ${r.line})`).join(', ')}`,
              ja: `。そのプレフィックスで有効な経路: ${same.map((r) => `→ ${r.port}（優先度 ${r.priority}、${r.line} 行目）`).join('、')}`,
            }
          : { en: '; no rule for that prefix is in force there', ja: '。その機器にはそのプレフィックスの有効な経路がありません' };
      c.add('BNK_ERR_UNKNOWN_REF', loc, {
        en: `${u.device} has no rule ${rule} in force to remove${hint.en}`,
        ja: `${u.device} には削除する経路 ${ruleJa}が有効になっていません${hint.ja}`,
      });
    } else {
      c.add('BNK_ERR_UNKNOWN_REF', loc, {
        en: `ACL ${u.device}_${u.acl} has no rule "${u.rule.key}" in force to remove`,
        ja: `アクセスリスト ${u.device}_${u.acl} には削除するルール "${u.rule.key}" が有効になっていません`,
      });
    }
  }
}

function badPortName(port: string): Bilingual {
  return {
    en: `port name "${port}" is not 1-64 letters, digits, ".", "/" or "-"`,
    ja: `ポート名 "${port}" が、英字・数字・"."・"/"・"-" の1〜64文字ではありません`,
  };
}

function unknownDevice(device: string): Bilingual {
  return { en: `unknown device "${device}" (not in topo.txt)`, ja: `機器 "${device}" は topo.txt にありません` };
}

function notNonNegative(what: Bilingual, value: string): Bilingual {
  return { en: `${what.en} "${value}" is not a non-negative integer`, ja: `${what.ja} "${value}" が0以上の整数ではありません` };
}

const PRIORITY: Bilingual = { en: 'priority', ja: '優先度' };

function isAclNodeName(name: string): boolean {
  return name.endsWith('_in') || name.endsWith('_out');
}

function parseUint(text: string, max: number): number | undefined {
  if (!/^[0-9]{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

const ACL_LINE =
  '<op> acl <device>_<acl> access-list <acl> <action> <protoLo> <protoHi> <src> <srcWild> <sportLo> <sportHi> <dst> <dstWild> <dportLo> <dportHi> <priority>';

function parseUpdateLine(
  text: string,
  line: number,
  c: Collector,
  devices: readonly string[],
  hasAcl: (dev: string, acl: string) => boolean,
  vlans: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>,
): Update | undefined {
  const tk = tokens(text);
  const at = (i: number): Loc => c.at('updates', line, tk[i]?.col ?? 1);
  const bad = (i: number, text: Bilingual, code: ErrorCode = 'BNK_ERR_SCHEMA'): undefined => {
    c.add(code, at(i), text);
    return undefined;
  };
  if (tk.length === 0) return undefined;
  const op = tk[0]!.t;
  if (op !== '+' && op !== '-')
    return bad(
      0,
      { en: `expected "+" (insert) or "-" (remove), found "${op}"`, ja: `"+"（追加）か "-"（削除）であるべきところ、"${op}" があります` },
      'BNK_ERR_SYNTAX',
    );
  const kind = tk[1]?.t;
  if (kind === 'fwd') {
    if (tk.length !== 7)
      return bad(
        0,
        {
          en: `a fwd line has 7 tokens "<op> fwd <device> <prefixInt> <length> <port> <priority>", found ${tk.length}`,
          ja: `"fwd" の行は "<op> fwd <device> <prefixInt> <length> <port> <priority>" の7語ですが、${tk.length}語あります`,
        },
        'BNK_ERR_SYNTAX',
      );
    const device = tk[2]!.t;
    if (!devices.includes(device)) return bad(2, unknownDevice(device), 'BNK_ERR_UNKNOWN_REF');
    const prefix = parseUint(tk[3]!.t, IPV4_MAX);
    if (prefix === undefined)
      return bad(
        3,
        { en: `prefix "${tk[3]!.t}" is not an unsigned 32-bit integer`, ja: `プレフィックス "${tk[3]!.t}" が32ビットの符号なし整数ではありません` },
        'BNK_ERR_INVALID_ADDRESS',
      );
    const length = parseUint(tk[4]!.t, 32);
    if (length === undefined)
      return bad(
        4,
        { en: `prefix length "${tk[4]!.t}" is not 0 to 32`, ja: `プレフィックス長 "${tk[4]!.t}" が0〜32ではありません` },
        'BNK_ERR_INVALID_ADDRESS',
      );
    const size = 2 ** (32 - length);
    if (prefix % size !== 0)
      return bad(
        3,
        {
          en: `prefix ${formatIpv4(prefix)}/${length} has host bits set; did you mean ${formatIpv4(prefix - (prefix % size))}/${length}?`,
          ja: `プレフィックス ${formatIpv4(prefix)}/${length} のホスト部が0ではありません（${formatIpv4(prefix - (prefix % size))}/${length} の誤りではありませんか）`,
        },
        'BNK_ERR_INVALID_ADDRESS',
      );
    const port = tk[5]!.t;
    if (!PORT_NAME.test(port)) return bad(5, badPortName(port));
    if (/^vlan/i.test(port) && !vlans.get(device)?.has(port))
      return bad(5, { en: `${device} has no ${port} in vlan.txt`, ja: `vlan.txt に ${device} の ${port} がありません` }, 'BNK_ERR_UNKNOWN_REF');
    const priority = parseUint(tk[6]!.t, 0x7fffffff);
    if (priority === undefined) return bad(6, notNonNegative(PRIORITY, tk[6]!.t));
    return { op, kind, device, prefix, length, port, priority, line, columns: tk.map((t) => t.col) };
  }
  if (kind === 'acl') {
    if (tk.length !== 17)
      return bad(
        0,
        {
          en: `an acl line has 17 tokens "${ACL_LINE}", found ${tk.length}`,
          ja: `"acl" の行は "${ACL_LINE}" の17語ですが、${tk.length}語あります`,
        },
        'BNK_ERR_SYNTAX',
      );
    const element = tk[2]!.t;
    const device = devices.find((d) => element.startsWith(`${d}_`));
    const acl = device ? element.slice(device.length + 1) : '';
    if (!device || !hasAcl(device, acl))
      return bad(
        2,
        { en: `unknown ACL "${element}" (no file acls/${element})`, ja: `アクセスリスト "${element}" がありません（acls/${element} のファイルがありません）` },
        'BNK_ERR_UNKNOWN_REF',
      );
    if (tk[3]!.t !== 'access-list')
      return bad(3, { en: `expected "access-list", found "${tk[3]!.t}"`, ja: `"access-list" であるべきところ、"${tk[3]!.t}" があります` }, 'BNK_ERR_SYNTAX');
    if (tk[4]!.t !== acl)
      return bad(4, {
        en: `ACL name "${tk[4]!.t}" differs from the element's "${acl}"`,
        ja: `アクセスリスト名 "${tk[4]!.t}" が "${element}" のアクセスリスト名 "${acl}" と異なります`,
      });
    const action = tk[5]!.t;
    if (action !== 'permit' && action !== 'deny')
      return bad(5, { en: `action must be permit or deny, not "${action}"`, ja: `動作は "permit" か "deny" です（"${action}" ではありません）` });
    const range = (lo: number, max: number, what: Bilingual): [number, number] | undefined => {
      const a = tk[lo]!.t;
      const b = tk[lo + 1]!.t;
      if (a === 'null') {
        if (b !== 'null') return bad(lo + 1, { en: `${what.en} upper bound without a lower bound`, ja: `${what.ja}の下限がないのに上限があります` });
        return [0, max];
      }
      const outOfRange = (value: string): Bilingual => ({
        en: `${what.en} "${value}" is not 0 to ${max} or null`,
        ja: `${what.ja} "${value}" が0〜${max}でも "null" でもありません`,
      });
      const l = parseUint(a, max);
      if (l === undefined) return bad(lo, outOfRange(a), 'BNK_ERR_INVALID_SERVICE');
      const h = b === 'null' ? max : parseUint(b, max);
      if (h === undefined) return bad(lo + 1, outOfRange(b), 'BNK_ERR_INVALID_SERVICE');
      if (l > h)
        return bad(lo, { en: `${what.en} range ${l}-${h} is reversed`, ja: `${what.ja}の範囲 ${l}-${h} の上限と下限が逆です` }, 'BNK_ERR_INVALID_SERVICE');
      return [l, h];
    };
    const proto = range(6, PROTO_MAX, { en: 'protocol', ja: 'プロトコル' });
    const src = parseWildcard(tk[8]!.t, tk[9]!.t, (j, m) => bad(8 + j, m, 'BNK_ERR_INVALID_ADDRESS'));
    if (tk[10]!.t !== 'null' || tk[11]!.t !== 'null')
      return bad(
        10,
        {
          en: 'source ports are not in the model (bunkatsu matches destination ports only); this rule constrains them',
          ja: 'このルールは送信元ポートを限定していますが、送信元ポートはモデル化していません（bunkatsu が照合するのは宛先ポートだけです）',
        },
        'BNK_ERR_INVALID_SERVICE',
      );
    const dst = parseWildcard(tk[12]!.t, tk[13]!.t, (j, m) => bad(12 + j, m, 'BNK_ERR_INVALID_ADDRESS'));
    const dport = range(14, PORT_MAX, { en: 'destination port', ja: '宛先ポート' });
    const priority = parseUint(tk[16]!.t, 0x7fffffff);
    if (priority === undefined) return bad(16, notNonNegative(PRIORITY, tk[16]!.t));
    if (!proto || !src || !dst || !dport) return undefined;
    const ported = dport[0] !== 0 || dport[1] !== PORT_MAX;
    if (ported && !(proto[0] === proto[1] && PORT_PROTOCOLS.has(proto[0]))) {
      return bad(
        14,
        {
          en: `a destination port range needs a single protocol with ports (tcp, udp, sctp), not protocols ${proto[0]}-${proto[1]}`,
          ja: `宛先ポートの範囲には、ポートのあるプロトコル（tcp、udp、sctp）を1つだけ指定します（プロトコル ${proto[0]}-${proto[1]} ではありません）`,
        },
        'BNK_ERR_INVALID_SERVICE',
      );
    }
    if (proto[0] !== proto[1] && !(proto[0] === 0 && proto[1] === PROTO_MAX)) {
      return bad(
        6,
        {
          en: `protocol range ${proto[0]}-${proto[1]} is neither one protocol nor any (0 255)`,
          ja: `プロトコルの範囲 ${proto[0]}-${proto[1]} が、1つのプロトコルでもすべて（0 255）でもありません`,
        },
        'BNK_ERR_INVALID_SERVICE',
      );
    }
    const rule: AclLine = {
      action,
      protoLo: proto[0],
      protoHi: proto[1],
      src,
      dst,
      portLo: dport[0],
      portHi: dport[1],
      priority,
      key: tk
        .slice(5)
        .map((t) => t.t)
        .join(' '),
    };
    return { op, kind, device, acl, rule, line, columns: tk.map((t) => t.col) };
  }
  return bad(1, { en: `expected "fwd" or "acl", found "${kind ?? ''}"`, ja: `"fwd" か "acl" であるべきところ、"${kind ?? ''}" があります` }, 'BNK_ERR_SYNTAX');
}

function parseWildcard(addr: string, wild: string, bad: (token: number, text: Bilingual) => undefined): WildcardAddress | undefined {
  if (addr === 'any' || addr === 'null') {
    if (wild !== 'null')
      return bad(1, { en: `a wildcard "${wild}" after "${addr}" means nothing`, ja: `"${addr}" の後のワイルドカード "${wild}" は意味を持ちません` });
    return ANY_ADDRESS;
  }
  const address = parseIpv4(addr);
  if (address === undefined)
    return bad(0, { en: `"${addr}" is not a dotted-quad address, any or null`, ja: `"${addr}" はドット区切りのアドレスでも "any" でも "null" でもありません` });
  if (wild === 'null') return { address, wildcard: 0 };
  const wildcard = parseIpv4(wild);
  if (wildcard === undefined)
    return bad(1, {
      en: `"${wild}" is not a dotted-quad wildcard mask or null`,
      ja: `"${wild}" はドット区切りのワイルドカードマスクでも "null" でもありません`,
    });
  if ((address & wildcard) >>> 0 !== 0)
    return bad(0, { en: `${addr} has 1 bits under its wildcard ${wild}`, ja: `${addr} には、ワイルドカード ${wild} が1のビット位置に1のビットがあります` });
  return { address, wildcard };
}

/** Cisco address match as written in the topology: any, a.b.c.d, a CIDR prefix or "addr wildcard". */
export function formatWildcard(w: WildcardAddress): string {
  if (w.wildcard === IPV4_MAX) return 'any';
  if (w.wildcard === 0) return formatIpv4(w.address);
  // Contiguous: the wildcard is 2^k - 1.
  if (((w.wildcard + 1) & w.wildcard) === 0) return `${formatIpv4(w.address)}/${32 - Math.log2(w.wildcard + 1)}`;
  return `${formatIpv4(w.address)} ${formatIpv4(w.wildcard)}`;
}

const byName = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

function formatService(r: AclLine): string | undefined {
  if (r.protoLo === 0 && r.protoHi === PROTO_MAX) return undefined;
  const name = protocolName(r.protoLo);
  const proto = name.startsWith('proto-') ? String(r.protoLo) : name;
  if (r.portLo === 0 && r.portHi === PORT_MAX) return proto;
  return r.portLo === r.portHi ? `${proto}/${r.portLo}` : `${proto}/${r.portLo}-${r.portHi}`;
}

/** The topology document (format 1) for the state after `at` updates. */
export function stanfordTopology(data: StanfordData, at: number): Record<string, Plain | undefined> {
  const rules = RuleTable.at(data.updates, at);
  const linkPeers = new Set<string>();
  for (const [a, ap, b, bp] of data.links) {
    linkPeers.add(`${a} ${ap}`);
    linkPeers.add(`${b} ${bp}`);
  }
  const devices: Plain[] = data.devices.map((dev) => {
    const interfaces: Plain[] = [];
    for (const port of [...(data.ports.get(dev) ?? [])].sort(byName)) {
      const inAcl = data.inChains.get(dev)?.get(port);
      const outAcl = data.outChains.get(dev)?.get(port);
      interfaces.push({ name: port, ...(inAcl ? { in: inAcl } : {}), ...(outAcl ? { out: outAcl } : {}) });
    }
    for (const vlan of [...(data.vlans.get(dev)?.keys() ?? [])].sort(byName)) interfaces.push({ name: vlan, members: data.vlans.get(dev)!.get(vlan)! });
    const acls: Record<string, Plain> = {};
    for (const name of data.acls.get(dev) ?? []) {
      acls[name] = rules.acl(dev, name).map((r) => {
        const service = formatService(r);
        return {
          action: r.action,
          ...(r.src.wildcard !== IPV4_MAX ? { from: formatWildcard(r.src) } : {}),
          ...(r.dst.wildcard !== IPV4_MAX ? { to: formatWildcard(r.dst) } : {}),
          ...(service ? { service } : {}),
        };
      });
    }
    const routes = [...rules.fwd(dev)]
      .sort((a, b) => a.prefix - b.prefix || a.length - b.length || (a.port < b.port ? -1 : a.port > b.port ? 1 : 0))
      .map((r) => {
        const prefix = `${formatIpv4(r.prefix)}/${r.length}`;
        const head = r.port === 'self' ? { prefix, action: 'deliver' } : { prefix, interface: r.port };
        return r.priority === r.length ? head : { ...head, priority: r.priority };
      });
    return { id: dev, kind: 'router', interfaces, ...(Object.keys(acls).length > 0 ? { acls } : {}), routes };
  });
  return {
    bunkatsu: 1,
    name: 'Stanford backbone',
    description: `Imported from ${data.dir} (APKeep networks/stanford, MIT licence): rules in force after ${at} of ${data.updates.length} updates`,
    devices,
    links: data.links.map(([a, ap, b, bp]) => [`${a}:${ap}`, `${b}:${bp}`]),
  };
}

/** The network after `at` updates, loaded straight from the document (what `replay` starts from). */
export function stanfordNetwork(data: StanfordData, at: number): Network {
  return loadImported(stanfordTopology(data, at), `${data.dir} (imported)`);
}

/** The document as YAML (flow-style records, one per line) or JSON text. */
export function stanfordText(doc: Record<string, Plain | undefined>, format: 'yaml' | 'json'): string {
  return format === 'json' ? toJson(doc) : toYaml(doc, ['bunkatsu topology imported from the Stanford backbone data set (bunkatsu import stanford)']);
}
