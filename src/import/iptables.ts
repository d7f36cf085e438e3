// Reads `iptables-save` output into the vendor-neutral form of config.ts: the filter table's
// FORWARD chain (what passes through the host) with its user chains flattened in order, and its
// policy as the default. Interfaces, addresses and routes are not in iptables-save: they come
// from `ip addr` / `ip route` output (linux.ts) or from the site file. What cannot be modelled
// and could change reachability is a warning at its file:line:column; a malformed line is an
// InputError at its location. No I/O here.

import { type Bilingual, inputError, type Loc, refuseBinary, syntaxError } from '../errors.ts';
import { ALL, subtract, union } from '../net/intervals.ts';
import { parseIpv4 } from '../net/ipv4.ts';
import { ANY_SERVICE, PORT_MAX, PORT_PROTOCOLS, PROTO_MAX, protocolNumber, type ServiceTerm } from '../net/services.ts';
import { type Chain, type ChainRule, flattenChain, type Verdict } from './chains.ts';
import type { ImportedConfig, ImportWarning, SkippedSection } from './config.ts';
import { type HostFiles, hostDevice, type InterfaceSpec, resolveInterfaces } from './linux.ts';
import { complementServices, normalizeServices } from './terms.ts';
import { CHAIN, notDefined, UNTERMINATED_QUOTE } from './texts.ts';

interface Token {
  readonly text: string;
  readonly column: number;
}

/** Splits a line into words; a double-quoted word keeps its spaces (`\"` escapes a quote). */
function tokenize(line: string, file: string, lineNo: number): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (true) {
    while (at < line.length && (line[at] === ' ' || line[at] === '\t')) at++;
    if (at >= line.length) return tokens;
    const column = at + 1;
    if (line[at] === '"') {
      let value = '';
      at++;
      while (true) {
        if (at >= line.length) throw syntaxError({ file, line: lineNo, column }, UNTERMINATED_QUOTE);
        const c = line[at]!;
        if (c === '\\' && at + 1 < line.length) {
          value += line[at + 1];
          at += 2;
        } else if (c === '"') {
          at++;
          break;
        } else {
          value += c;
          at++;
        }
      }
      tokens.push({ text: value, column });
    } else {
      let end = at;
      while (end < line.length && line[end] !== ' ' && line[end] !== '\t') end++;
      tokens.push({ text: line.slice(at, end), column });
      at = end;
    }
  }
}

/** `a.b.c.d`, `a.b.c.d/len` or `a.b.c.d/m.m.m.m` as an interval. */
export function parseNetAddress(text: string): [number, number] | undefined {
  const [a, m] = text.split('/');
  const ip = parseIpv4(a ?? '');
  if (ip === undefined) return undefined;
  let length = 32;
  if (m !== undefined) {
    if (/^[0-9]{1,2}$/.test(m) && Number(m) <= 32) length = Number(m);
    else {
      const mask = parseIpv4(m);
      if (mask === undefined) return undefined;
      const inverted = ~mask >>> 0;
      if (((inverted + 1) & inverted) >>> 0 !== 0) return undefined;
      length = 32 - Math.log2(inverted + 1);
    }
  }
  const size = 2 ** (32 - length);
  const lo = ip - (ip % size);
  return [lo, lo + size - 1];
}

/** `22`, `1000:2000` (iptables) or `1000-2000` (nftables) as a port interval. */
export function parsePortRange(text: string): [number, number] | undefined {
  const m = /^([0-9]{1,5})?(?:([:-])([0-9]{1,5})?)?$/.exec(text);
  if (!m || (m[1] === undefined && m[2] === undefined)) return undefined;
  const lo = m[1] === undefined ? 0 : Number(m[1]);
  const hi = m[2] === undefined ? lo : m[3] === undefined ? PORT_MAX : Number(m[3]);
  return lo <= hi && hi <= PORT_MAX ? [lo, hi] : undefined;
}

/** Conntrack states: a rule for packets of new connections applies as if unconditioned; one only for replies decides nothing here (the model is stateful). */
export function readsNew(states: readonly string[], negate: boolean): boolean | undefined {
  const known = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'];
  const upper = states.map((s) => s.toUpperCase());
  if (upper.some((s) => !known.includes(s))) return undefined;
  return upper.includes('NEW') !== negate;
}

const NON_DECIDING_TARGETS = new Set(['LOG', 'NFLOG', 'ULOG', 'NOTRACK', 'TRACE', 'AUDIT']);

/** One parsed `-A` line before interfaces are resolved. */
interface RawRule {
  readonly chain: string;
  readonly src: number[];
  readonly dst: number[];
  readonly services: ServiceTerm[];
  readonly in?: InterfaceSpec;
  readonly out?: InterfaceSpec;
  readonly verdict: Verdict;
  readonly unreadable: boolean;
  readonly text: string;
  readonly origin: Loc;
}

class IptablesReader {
  readonly warnings: ImportWarning[] = [];
  readonly skipped: SkippedSection[] = [];

  constructor(readonly file: string) {}

  warn(loc: Loc, text: Bilingual): void {
    this.warnings.push({ loc, ...text });
  }

  read(text: string, name: string, host: HostFiles): ImportedConfig {
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    let table: { name: string; loc: Loc; rules: number; drops: Loc[] } | undefined;
    const filter = { chains: new Map<string, { loc: Loc; policy?: string }>(), rules: [] as RawRule[], loc: undefined as Loc | undefined };
    const closeTable = (): void => {
      if (table && table.name !== 'filter' && table.drops.length > 0) {
        // DROP in the mangle or raw table filters as the filter table does; bunkatsu reads only the
        // filter table's FORWARD chain, so the packets these drop are read as passing.
        this.warn(table.drops[0]!, {
          en: `*${table.name}: ${table.drops.length} DROP / REJECT rule(s) or DROP policies filter packets outside the filter table; they are not modelled: the packets they drop are read as passing (wider, never narrower)`,
          ja: `*${table.name}: "filter" テーブル以外でパケットを破棄する "DROP" / "REJECT" ルールまたは "DROP" ポリシーが ${table.drops.length} 件ありますが、モデル化していません。これらが破棄するパケットは通過するものとして読みます（広く読み、狭めません）`,
        });
      } else if (table && table.name !== 'filter' && table.rules > 0) {
        this.warn(table.loc, {
          en: `*${table.name}: the ${table.name} table's rules are not modelled (${table.name === 'nat' ? 'addresses are matched as before translation' : 'marks and other changes to packets do not change what bunkatsu lets through'})`,
          ja: `*${table.name}: "${table.name}" テーブルのルールはモデル化していません（${table.name === 'nat' ? '変換前のアドレスで判定します' : 'パケットのマーク等の変更は通過の判定に反映しません'}）`,
        });
      }
    };
    lines.forEach((raw, i) => {
      const lineNo = i + 1;
      // `iptables-save -c` puts the counters first: [packets:bytes] -A ...
      const line = raw.replace(/^\[[0-9]+:[0-9]+\]\s+/, '');
      const trimmed = line.trim();
      const column = line.length - line.trimStart().length + 1 + (raw.length - line.length);
      const loc: Loc = { file: this.file, line: lineNo, column };
      if (trimmed === '' || trimmed.startsWith('#')) return;
      if (trimmed.startsWith('*')) {
        if (table) {
          throw syntaxError(table.loc, {
            en: `table *${table.name} is not closed by COMMIT before the next table`,
            ja: `テーブル "*${table.name}" が次のテーブルより前に "COMMIT" で閉じられていません`,
          });
        }
        table = { name: trimmed.slice(1), loc, rules: 0, drops: [] };
        if (table.name === 'filter') filter.loc = loc;
        return;
      }
      if (trimmed === 'COMMIT') {
        if (!table) throw syntaxError(loc, { en: 'COMMIT without a table (*filter)', ja: 'テーブル（"*filter" など）のない "COMMIT" です' });
        closeTable();
        table = undefined;
        return;
      }
      if (!table) {
        throw syntaxError(loc, {
          en: 'a line outside any table: expected *filter (or *nat, *mangle, *raw) first',
          ja: 'テーブルの外に行があります。先に "*filter"（または "*nat"、"*mangle"、"*raw"）を書きます',
        });
      }
      if (trimmed.startsWith(':')) {
        const m = /^:(\S+)\s+(\S+)/.exec(trimmed);
        if (!m)
          throw syntaxError(loc, { en: 'a chain line is ":NAME POLICY [packets:bytes]"', ja: 'チェーンの行は ":NAME POLICY [packets:bytes]" の形で書きます' });
        if (table.name === 'filter' && filter.chains.has(m[1]!))
          throw inputError('BNK_ERR_DUPLICATE_ID', loc, {
            en: `chain "${m[1]}" is declared twice (first at line ${filter.chains.get(m[1]!)!.loc.line})`,
            ja: `チェーン "${m[1]}" が2回宣言されています（最初は ${filter.chains.get(m[1]!)!.loc.line} 行目）`,
          });
        if (table.name === 'filter')
          filter.chains.set(m[1]!, { loc: { ...loc, label: trimmed.replace(/\s*\[[0-9]+:[0-9]+\]$/, '') }, ...(m[2] !== '-' ? { policy: m[2]! } : {}) });
        else if (m[2] === 'DROP') table.drops.push(loc);
        return;
      }
      const tokens = tokenize(line, this.file, lineNo);
      // iptables-restore also takes `-N CHAIN` (a user chain) and `-P CHAIN POLICY`, as generators
      // such as aerleon's speedway write them.
      const command = tokens[0]!.text;
      if (command === '-N' || command === '--new-chain' || command === '-P' || command === '--policy') {
        const chain = tokens[1]?.text;
        const policy = tokens[2]?.text;
        const isNew = command === '-N' || command === '--new-chain';
        if (chain === undefined || (!isNew && policy === undefined)) {
          throw syntaxError(loc, {
            en: `"${command}" needs a chain name${isNew ? '' : ' and a policy'}`,
            ja: `"${command}" にはチェーン名${isNew ? '' : 'とポリシー'}が必要です`,
          });
        }
        if (table.name === 'filter') filter.chains.set(chain, { loc: { ...loc, label: trimmed }, ...(isNew ? {} : { policy: policy! }) });
        else if (policy === 'DROP' && !isNew) table.drops.push(loc);
        return;
      }
      if (command !== '-A' && command !== '--append')
        throw syntaxError(loc, {
          en: `unknown line "${command}" (iptables-save has *table, :CHAIN POLICY, -A CHAIN rules, COMMIT and # comments; iptables-restore also -N and -P)`,
          ja: `不明な行 "${command}" です（iptables-save の出力にあるのは "*table"、":CHAIN POLICY"、"-A CHAIN" のルール、"COMMIT"、"#" のコメントで、iptables-restore の入力ではほかに "-N" と "-P" です）`,
        });
      table.rules++;
      if (table.name !== 'filter') {
        const target = tokens.findIndex((t) => t.text === '-j' || t.text === '--jump');
        if (target > 0 && ['DROP', 'REJECT'].includes(tokens[target + 1]?.text ?? '')) table.drops.push(loc);
        return;
      }
      const chain = tokens[1]?.text;
      if (chain === undefined) throw syntaxError(loc, { en: '"-A" needs a chain name', ja: '"-A" にはチェーン名が必要です' });
      if (!filter.chains.has(chain)) {
        throw syntaxError(
          { ...loc, column: tokens[1]!.column },
          {
            en: `chain "${chain}" is not declared (:${chain} - [0:0])`,
            ja: `チェーン "${chain}" が宣言されていません（":${chain} - [0:0]" の行がありません）`,
          },
        );
      }
      // INPUT and OUTPUT filter the host's own traffic, never what it forwards.
      if (chain === 'INPUT' || chain === 'OUTPUT') this.skipped.push({ section: `*filter -A ${chain}`, loc });
      filter.rules.push(this.rule(chain, tokens.slice(2), trimmed, loc, filter.chains));
    });
    if (table)
      throw syntaxError(table.loc, { en: `table *${table.name} is not closed by COMMIT`, ja: `テーブル "*${table.name}" が "COMMIT" で閉じられていません` });
    const forward = filter.chains.get('FORWARD');
    const deviceLoc = filter.loc ?? { file: this.file, line: 1, column: 1 };
    if (!forward) {
      this.warn(deviceLoc, {
        en: 'no filter table with a FORWARD chain: the host forwards every packet (policy ACCEPT)',
        ja: '"filter" テーブルの "FORWARD" チェーンがないため、すべてのパケットを転送するもの（ポリシー "ACCEPT"）として読みます',
      });
    }
    return hostDevice({
      id: name,
      vendor: 'iptables',
      origin: { ...deviceLoc, label: `device ${name}` },
      host,
      warnings: this.warnings,
      mentioned: filter.rules
        .filter((r) => r.chain !== 'INPUT' && r.chain !== 'OUTPUT')
        .flatMap((r) => [r.in, r.out])
        .filter((s): s is InterfaceSpec => s !== undefined),
      rules: (interfaces) => {
        const chains = new Map<string, Chain>();
        for (const [chainName, c] of filter.chains) {
          const rules: ChainRule[] = filter.rules
            .filter((r) => r.chain === chainName)
            .map((r) => ({
              match: resolveInterfaces(r, interfaces),
              verdict: r.verdict,
              unreadable: r.unreadable,
              text: r.text,
              origin: r.origin,
            }));
          chains.set(chainName, { name: chainName, rules, loc: c.loc });
        }
        const base = chains.get('FORWARD') ?? { name: 'FORWARD', rules: [], loc: deviceLoc };
        const policy = forward?.policy === 'DROP' ? 'drop' : 'accept';
        const flat = flattenChain(
          base,
          { action: policy, loc: forward?.loc ?? { ...deviceLoc, label: 'no FORWARD chain: policy ACCEPT' } },
          chains,
          interfaces,
        );
        this.warnings.push(...flat.warnings);
        return flat.rules;
      },
    });
  }

  /** One `-A CHAIN` rule: its matches, its target, and whether a match could not be read. */
  private rule(chain: string, tokens: readonly Token[], text: string, lineLoc: Loc, chains: ReadonlyMap<string, unknown>): RawRule {
    const at = (t: Token): Loc => ({ file: this.file, line: lineLoc.line, column: t.column });
    const label = text.length > 100 ? `${text.slice(0, 99)}…` : text;
    let src: number[] = [...ALL];
    let dst: number[] = [...ALL];
    let proto: { terms: ServiceTerm[]; number?: number; negate: boolean } = { terms: [ANY_SERVICE], negate: false };
    let ports: { ranges: number[]; negate: boolean; token: Token } | undefined;
    let inIf: InterfaceSpec | undefined;
    let outIf: InterfaceSpec | undefined;
    let verdict: Verdict | undefined;
    let unreadable = false;
    let replyOnly = false;
    let module = '';
    const reasons: Array<{ loc: Loc; en: string; ja: string }> = [];
    const cannotRead = (t: Token, text: Bilingual): void => {
      unreadable = true;
      reasons.push({ loc: at(t), ...text });
    };
    let i = 0;
    const next = (opt: Token): Token => {
      const v = tokens[++i];
      if (v === undefined) throw syntaxError(at(opt), { en: `"${opt.text}" needs a value`, ja: `"${opt.text}" には値が必要です` });
      return v;
    };
    /** The values of an unknown option: the words up to the next option. */
    const skipArgs = (): string[] => {
      const out: string[] = [];
      while (tokens[i + 1] && !tokens[i + 1]!.text.startsWith('-') && tokens[i + 1]!.text !== '!') out.push(tokens[++i]!.text);
      return out;
    };
    let negate = false;
    for (; i < tokens.length; i++) {
      const t = tokens[i]!;
      const opt = t.text;
      if (opt === '!') {
        negate = true;
        continue;
      }
      const neg = negate;
      negate = false;
      switch (opt) {
        case '-s':
        case '--source':
        case '-d':
        case '--destination': {
          const v = next(t);
          let set: number[] = [];
          for (const part of v.text.split(',')) {
            const r = parseNetAddress(part);
            if (!r) {
              throw syntaxError(at(v), {
                en: `"${part}" is not an IPv4 address or prefix (e.g. 10.0.0.0/8)`,
                ja: `"${part}" は IPv4 アドレスでもプレフィックスでもありません（例: 10.0.0.0/8）`,
              });
            }
            set = union(set, r);
          }
          if (neg) set = subtract(ALL, set);
          if (opt === '-s' || opt === '--source') src = set;
          else dst = set;
          break;
        }
        case '-i':
        case '--in-interface':
        case '-o':
        case '--out-interface': {
          const v = next(t);
          const spec: InterfaceSpec = { names: [v.text], negate: neg, loc: at(v) };
          if (opt === '-i' || opt === '--in-interface') inIf = spec;
          else outIf = spec;
          break;
        }
        case '-p':
        case '--protocol': {
          const v = next(t);
          const name = v.text.toLowerCase();
          const n = name === 'all' || name === '0' ? 0 : /^[0-9]{1,3}$/.test(name) ? Number(name) : protocolNumber(name);
          if (n === undefined || n > PROTO_MAX) {
            throw syntaxError(at(v), {
              en: `"${v.text}" is not a protocol (tcp, udp, icmp, all or a number)`,
              ja: `"${v.text}" はプロトコルではありません（tcp、udp、icmp、"all" または番号を書きます）`,
            });
          }
          const terms = n === 0 ? [ANY_SERVICE] : [{ protoLo: n, protoHi: n, portLo: 0, portHi: PORT_MAX }];
          proto = { terms, ...(n === 0 ? {} : { number: n }), negate: neg };
          break;
        }
        case '-m':
        case '--match': {
          // The options of a module this reader does not know are read by the default branch.
          module = next(t).text;
          break;
        }
        case '--dport':
        case '--destination-port':
        case '--dports':
        case '--destination-ports': {
          const v = next(t);
          let ranges: number[] = [];
          for (const part of v.text.split(',')) {
            const r = parsePortRange(part);
            if (!r) {
              throw syntaxError(at(v), {
                en: `"${part}" is not a port or port range (e.g. 443, 1000:2000)`,
                ja: `"${part}" はポートでもポート範囲でもありません（例: 443、1000:2000）`,
              });
            }
            ranges = union(ranges, r);
          }
          ports = { ranges, negate: neg, token: t };
          break;
        }
        case '--sport':
        case '--source-port':
        case '--sports':
        case '--source-ports':
        case '--ports': {
          const v = next(t);
          cannotRead(t, {
            en: `"${opt} ${v.text}" matches source ports, which bunkatsu does not model`,
            ja: `"${opt} ${v.text}" は送信元ポートの条件で、bunkatsu はモデル化していません`,
          });
          break;
        }
        case '--ctstate':
        case '--state': {
          const v = next(t);
          const isNew = readsNew(v.text.split(','), neg);
          if (isNew === undefined)
            cannotRead(t, { en: `conntrack state "${v.text}" is not modelled`, ja: `コネクション状態 "${v.text}" はモデル化していません` });
          else if (!isNew) replyOnly = true;
          break;
        }
        case '--syn':
          // The first packet of a connection: what the model's rules are about. `! --syn`: replies only.
          if (neg) replyOnly = true;
          break;
        case '--comment':
          next(t);
          break;
        case '--icmp-type': {
          const v = next(t);
          cannotRead(t, {
            en: `ICMP type "${v.text}" is not modelled (bunkatsu matches all of ICMP)`,
            ja: `ICMP タイプ "${v.text}" はモデル化していません（ICMP 全体で判定します）`,
          });
          break;
        }
        case '--match-set': {
          const v = next(t);
          skipArgs();
          cannotRead(t, {
            en: `ipset "${v.text}" is not in iptables-save output; its addresses cannot be read`,
            ja: `ipset "${v.text}" は iptables-save の出力に含まれないため、アドレスを読めません`,
          });
          break;
        }
        case '-j':
        case '--jump':
        case '-g':
        case '--goto': {
          const v = next(t);
          const target = v.text;
          // The target's own options (--reject-with, --log-prefix, ...): not conditions.
          while (tokens[i + 1]?.text.startsWith('--')) {
            i++;
            skipArgs();
          }
          if (opt === '-g' || opt === '--goto') {
            if (!chains.has(target)) throw inputError('BNK_ERR_UNKNOWN_REF', at(v), notDefined(CHAIN, target));
            verdict = { kind: 'goto', chain: target, loc: at(v) };
          } else if (target === 'ACCEPT') verdict = { kind: 'accept' };
          else if (target === 'DROP' || target === 'REJECT') verdict = { kind: 'drop' };
          else if (target === 'RETURN') verdict = { kind: 'return' };
          else if (chains.has(target)) verdict = { kind: 'jump', chain: target, loc: at(v) };
          else if (NON_DECIDING_TARGETS.has(target)) verdict = { kind: 'none' };
          else {
            this.warn(at(v), {
              en: `target "${target}" is not modelled; the rule is left out`,
              ja: `ターゲット "${target}" はモデル化していないため、このルールは除外しました`,
            });
            verdict = { kind: 'none' };
          }
          break;
        }
        default: {
          if (!opt.startsWith('-')) {
            throw syntaxError(at(t), {
              en: `"${opt}" is not an option (options start with "-")`,
              ja: `"${opt}" はオプションではありません（オプションは "-" で始まります）`,
            });
          }
          const values = skipArgs();
          cannotRead(t, {
            en: `match "${module ? `-m ${module} ` : ''}${opt}${values.length ? ` ${values.join(' ')}` : ''}" is not modelled`,
            ja: `条件 "${module ? `-m ${module} ` : ''}${opt}${values.length ? ` ${values.join(' ')}` : ''}" はモデル化していません`,
          });
        }
      }
    }
    let services = proto.terms;
    if (ports) {
      const p = proto.number;
      if (p === undefined || !PORT_PROTOCOLS.has(p) || proto.negate)
        throw syntaxError(at(ports.token), {
          en: `"${ports.token.text}" needs "-p tcp", "-p udp" or "-p sctp" before it`,
          ja: `"${ports.token.text}" の前に "-p tcp"、"-p udp" または "-p sctp" が必要です`,
        });
      const ranges = ports.negate ? subtract([0, PORT_MAX], ports.ranges) : ports.ranges;
      services = [];
      for (let k = 0; k < ranges.length; k += 2) services.push({ protoLo: p, protoHi: p, portLo: ranges[k]!, portHi: ranges[k + 1]! });
    } else if (proto.negate) services = complementServices(proto.terms);
    const decided = verdict ?? { kind: 'none' as const };
    if (replyOnly) {
      // The model is stateful: replies of a permitted connection always pass, so a rule for
      // replies only (ESTABLISHED, RELATED) changes nothing it models.
      return { chain, src, dst, services: [], verdict: { kind: 'none' }, unreadable, text: label, origin: { ...lineLoc, label } };
    }
    // INPUT and OUTPUT concern the host's own traffic, which is not modelled: nothing to warn about.
    if (decided.kind !== 'none' && chain !== 'INPUT' && chain !== 'OUTPUT') {
      const side =
        decided.kind === 'accept'
          ? 'the condition is left out (the accept is not narrowed)'
          : decided.kind === 'drop'
            ? 'the drop is left out (it is not widened)'
            : 'the condition is left out, and so are the drops it leads to';
      const sideJa =
        decided.kind === 'accept'
          ? '許可を狭めないよう、この条件を除いて読みます'
          : decided.kind === 'drop'
            ? '拒否を広げないよう、この破棄ルールは除外しました'
            : 'この条件を除いて読み、その先の破棄ルールは除外します';
      for (const r of reasons) this.warn(r.loc, { en: `${r.en}: ${side}`, ja: `${r.ja}。${sideJa}` });
    }
    return {
      chain,
      src,
      dst,
      services: normalizeServices(services),
      ...(inIf ? { in: inIf } : {}),
      ...(outIf ? { out: outIf } : {}),
      verdict: decided,
      unreadable,
      text: label,
      origin: { ...lineLoc, label },
    };
  }
}

/** Reads one iptables-save file as one device named `name`, with the host's `ip addr` / `ip route` output when given. */
export function parseIptables(text: string, file: string, name: string, host: HostFiles = {}): ImportedConfig {
  refuseBinary(text, file);
  const reader = new IptablesReader(file);
  return { ...reader.read(text, name, host), skipped: reader.skipped };
}
