// Reads `nft list ruleset` output into the vendor-neutral form of config.ts: the filter chain on
// the forward hook of an ip or inet table, its jumps and gotos to the table's chains flattened in
// order (chains.ts), its policy as the default. Interfaces, addresses and routes come from
// `ip addr` / `ip route` output (linux.ts) or the site file. What cannot be modelled and could
// change reachability is a warning at its file:line:column; malformed text is an InputError at
// its location. No I/O here.

import { type Bilingual, inputError, type Loc, refuseBinary, syntaxError } from '../errors.ts';
import { ALL, subtract, union } from '../net/intervals.ts';
import { parseIpv4 } from '../net/ipv4.ts';
import { ANY_SERVICE, PORT_MAX, PROTO_MAX, protocolNumber, type ServiceTerm } from '../net/services.ts';
import { type Chain, type ChainRule, flattenChain, type Verdict } from './chains.ts';
import type { ImportedConfig, ImportWarning, SkippedSection } from './config.ts';
import { parseNetAddress, parsePortRange, readsNew } from './iptables.ts';
import { type HostFiles, hostDevice, type InterfaceSpec, resolveInterfaces } from './linux.ts';
import { complementServices, normalizeServices } from './terms.ts';
import { CHAIN, UNTERMINATED_QUOTE } from './texts.ts';

const BRACE_NOT_CLOSED: Bilingual = { en: 'this "{" is never closed by "}"', ja: 'この "{" が "}" で閉じられていません' };
const notInTable = (what: Bilingual, name: string): Bilingual => ({
  en: `${what.en} "${name}" is not defined in this table`,
  ja: `${what.ja} "${name}" はこのテーブルで定義されていません`,
});

interface Word {
  readonly text: string;
  readonly loc: Loc;
  readonly quoted?: boolean;
}

/** A statement's item: a word, or an anonymous set `{ a, b }`. */
type Item = Word | { readonly set: Item[]; readonly loc: Loc };

/** A statement: its items, and the statements of its block (`table ... { }`, `chain ... { }`). */
interface Statement {
  readonly items: Item[];
  readonly loc: Loc;
  readonly text: string;
  readonly body?: Statement[];
}

// nft prints protocol 58 by its name (`meta l4proto { tcp, icmpv6 }` in inet tables); the name
// is not one of the topology format's protocols, so it is known here only.
const nftProtocolNumber = (name: string): number | undefined => (name === 'icmpv6' ? 58 : protocolNumber(name));

const BLOCKS = new Set(['table', 'chain', 'set', 'map', 'flowtable', 'ct', 'counter', 'quota', 'limit', 'secmark', 'synproxy']);

type Tok = Word | { readonly punct: '{' | '}' | ';' | ',' | '\n'; readonly loc: Loc };
const isPunct = (t: Tok | undefined, p: string): boolean => t !== undefined && 'punct' in t && t.punct === p;

function tokenize(text: string, file: string): Tok[] {
  const out: Tok[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, i) => {
    let at = 0;
    while (at < line.length) {
      const c = line[at]!;
      const loc = { file, line: i + 1, column: at + 1 };
      if (c === ' ' || c === '\t') at++;
      else if (c === '#') break;
      else if (c === '{' || c === '}' || c === ';' || c === ',') {
        out.push({ punct: c, loc });
        at++;
      } else if (c === '"') {
        const end = line.indexOf('"', at + 1);
        if (end < 0) throw syntaxError(loc, UNTERMINATED_QUOTE);
        out.push({ text: line.slice(at + 1, end), loc, quoted: true });
        at = end + 1;
      } else {
        let end = at;
        while (end < line.length && !' \t{};,"#'.includes(line[end]!)) end++;
        out.push({ text: line.slice(at, end), loc });
        at = end;
      }
    }
    out.push({ punct: '\n', loc: { file, line: i + 1, column: line.length + 1 } });
  });
  return out;
}

/** Parses the statements of a block up to its `}` (or the end of the text at the top). */
function parseBlock(toks: readonly Tok[], pos: { i: number }, lines: readonly string[], open: Loc | undefined): Statement[] {
  const out: Statement[] = [];
  while (true) {
    const t = toks[pos.i];
    if (t === undefined) {
      if (open) throw syntaxError(open, BRACE_NOT_CLOSED);
      return out;
    }
    if (isPunct(t, '}')) {
      if (!open) throw syntaxError(t.loc, { en: '"}" without an open "{"', ja: '対応する "{" のない "}" です' });
      pos.i++;
      return out;
    }
    if (isPunct(t, '\n') || isPunct(t, ';')) {
      pos.i++;
      continue;
    }
    if (isPunct(t, ',') || isPunct(t, '{')) {
      const punct = (t as { punct: string }).punct;
      throw syntaxError(t.loc, { en: `unexpected "${punct}" at the start of a statement`, ja: `文の始めに "${punct}" は書けません` });
    }
    const items: Item[] = [];
    const loc = t.loc;
    let body: Statement[] | undefined;
    while (true) {
      const u = toks[pos.i];
      if (u === undefined || isPunct(u, '\n') || isPunct(u, ';') || isPunct(u, '}')) break;
      if (isPunct(u, '{')) {
        pos.i++;
        const head = items[0];
        if (head && 'text' in head && BLOCKS.has(head.text) && items.every((x) => 'text' in x)) {
          body = parseBlock(toks, pos, lines, u.loc);
          break;
        }
        items.push({ set: parseSet(toks, pos, u.loc), loc: u.loc });
      } else if (isPunct(u, ',')) {
        // `established,related`: a list without braces.
        pos.i++;
        const last = items.pop();
        const next = toks[pos.i];
        if (!last || !next || !('text' in next)) throw syntaxError(u.loc, { en: 'a "," between values expected', ja: '"," は値と値の間に書きます' });
        pos.i++;
        items.push({ set: 'set' in last ? [...last.set, next] : [last, next], loc: last.loc });
      } else {
        items.push(u as Word);
        pos.i++;
      }
    }
    out.push({ items, loc, text: lines[loc.line - 1]!.trim(), ...(body ? { body } : {}) });
  }
}

/** The elements of an anonymous set up to its `}`; newlines and commas separate them. */
function parseSet(toks: readonly Tok[], pos: { i: number }, open: Loc): Item[] {
  const out: Item[] = [];
  while (true) {
    const t = toks[pos.i++];
    if (t === undefined) throw syntaxError(open, BRACE_NOT_CLOSED);
    if (isPunct(t, '}')) return out;
    if (isPunct(t, ',') || isPunct(t, '\n')) continue;
    if (isPunct(t, '{')) out.push({ set: parseSet(toks, pos, t.loc), loc: t.loc });
    else if (isPunct(t, ';')) throw syntaxError(t.loc, { en: 'unexpected ";" in a set', ja: '集合の中に ";" は書けません' });
    else out.push(t as Word);
  }
}

const wordOf = (x: Item | undefined): string | undefined => (x && 'text' in x ? x.text : undefined);
const flat = (x: Item): Word[] => ('set' in x ? x.set.flatMap(flat) : [x]);

const VERDICTS = new Set(['accept', 'drop', 'reject', 'return', 'jump', 'goto', 'continue', 'queue']);
/** Base chain priorities by name (nft's standard names). */
const PRIORITY: Readonly<Record<string, number>> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 };

class NftReader {
  readonly warnings: ImportWarning[] = [];
  readonly skipped: SkippedSection[] = [];

  constructor(readonly file: string) {}

  warn(loc: Loc, text: Bilingual): void {
    this.warnings.push({ loc, ...text });
  }

  read(text: string, name: string, host: HostFiles): ImportedConfig {
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    const top = parseBlock(tokenize(text, this.file), { i: 0 }, lines, undefined);
    type Base = { table: Statement[]; chain: Statement; policy: 'accept' | 'drop'; policyLoc: Loc; priority: number; sets: Map<string, Item[]> };
    const bases: Base[] = [];
    const tables = new Map<Statement, Map<string, Item[]>>();
    for (const s of top) {
      const [kw, family, tableName] = s.items.map(wordOf);
      if (kw !== 'table' || !s.body)
        throw syntaxError(s.loc, {
          en: `unknown statement "${wordOf(s.items[0]) ?? '{'}" (nft list ruleset has "table <family> <name> { ... }")`,
          ja: `不明な文 "${wordOf(s.items[0]) ?? '{'}" です（"nft list ruleset" の出力は "table <family> <name> { ... }" の形です）`,
        });
      if (family !== 'ip' && family !== 'inet') {
        if (family === 'bridge' || family === 'netdev') {
          this.warn(s.loc, {
            en: `table ${family} ${tableName}: ${family} tables are not modelled`,
            ja: `table ${family} ${tableName}: "${family}" テーブルはモデル化していません`,
          });
        }
        continue;
      }
      const sets = new Map<string, Item[]>();
      tables.set(s, sets);
      // `nft list ruleset` prints each chain and set of a table once; a second one is not its output.
      const defined = new Map<string, Loc>();
      for (const c of s.body) {
        const kind = wordOf(c.items[0]);
        if ((kind !== 'chain' && kind !== 'set') || !c.body) continue;
        const key = `${kind} "${wordOf(c.items[1]) ?? ''}"`;
        const first = defined.get(key);
        if (first) {
          const ja = `${kind === 'chain' ? 'チェーン' : '集合'} "${wordOf(c.items[1]) ?? ''}"`;
          throw inputError('BNK_ERR_DUPLICATE_ID', c.loc, {
            en: `${key} is defined twice in its table (first at line ${first.line})`,
            ja: `${ja} が同じテーブルで2回定義されています（最初は ${first.line} 行目）`,
          });
        }
        defined.set(key, c.loc);
      }
      for (const c of s.body) {
        if (wordOf(c.items[0]) === 'set' && c.body) {
          const elements = c.body.find((x) => wordOf(x.items[0]) === 'elements');
          const value = elements?.items[2];
          sets.set(wordOf(c.items[1]) ?? '', value ? ('set' in value ? value.set : [value]) : []);
        }
      }
      for (const c of s.body) {
        if (wordOf(c.items[0]) !== 'chain' || !c.body) continue;
        const head = c.body.find((x) => wordOf(x.items[0]) === 'type');
        if (!head) continue;
        const words = head.items.map(wordOf);
        const type = words[1];
        const hook = words[words.indexOf('hook') + 1];
        const rules = c.body.filter((x) => x !== head && wordOf(x.items[0]) !== 'policy' && wordOf(x.items[0]) !== 'comment');
        if (type === 'nat' && rules.length > 0) {
          this.warn(head.loc, {
            en: `chain ${wordOf(c.items[1])}: NAT is not modelled (addresses are matched as before translation)`,
            ja: `chain ${wordOf(c.items[1])}: NAT はモデル化していません（変換前のアドレスで判定します）`,
          });
        }
        // The input and output hooks filter the host's own traffic, never what it forwards.
        if (type === 'filter' && (hook === 'input' || hook === 'output')) this.skipped.push({ section: `type filter hook ${hook}`, loc: head.loc });
        if (type !== 'filter' || hook !== 'forward') continue;
        const policyStmt = c.body.find((x) => wordOf(x.items[0]) === 'policy');
        const policyAt = words.indexOf('policy');
        const policyWord = policyAt >= 0 ? words[policyAt + 1] : wordOf(policyStmt?.items[1]);
        const prio = words[words.indexOf('priority') + 1] ?? '0';
        const priority = /^-?[0-9]+$/.test(prio) ? Number(prio) : (PRIORITY[prio] ?? 0);
        bases.push({
          table: s.body,
          chain: c,
          policy: policyWord === 'drop' ? 'drop' : 'accept',
          policyLoc: { ...(policyStmt?.loc ?? head.loc), label: `chain ${wordOf(c.items[1])} policy ${policyWord ?? 'accept'}` },
          priority,
          sets,
        });
      }
    }
    bases.sort((a, b) => a.priority - b.priority);
    for (const other of bases.slice(1)) {
      this.warn(other.chain.loc, {
        en: `chain ${wordOf(other.chain.items[1])}: a second filter chain on the forward hook is not modelled (only the first, ${wordOf(bases[0]!.chain.items[1])}, decides: its accepts are not narrowed)`,
        ja: `chain ${wordOf(other.chain.items[1])}: "forward" フックの2つ目のフィルタチェーンはモデル化していません（最初のチェーン ${wordOf(bases[0]!.chain.items[1])} のみで判定し、その許可を狭めません）`,
      });
    }
    const base = bases[0];
    const deviceLoc = base?.chain.loc ?? { file: this.file, line: 1, column: 1 };
    if (!base) {
      this.warn(deviceLoc, {
        en: 'no filter chain on the forward hook: the host forwards every packet (policy accept)',
        ja: '"forward" フックのフィルタチェーンがないため、すべてのパケットを転送するもの（ポリシー "accept"）として読みます',
      });
    }
    // The chains of the base chain's table, parsed.
    const parsed = new Map<string, Array<ReturnType<NftReader['rule']>>>();
    const chainLocs = new Map<string, Loc>();
    if (base) {
      const names = new Set(base.table.filter((c) => wordOf(c.items[0]) === 'chain').map((c) => wordOf(c.items[1]) ?? ''));
      for (const c of base.table) {
        if (wordOf(c.items[0]) !== 'chain' || !c.body) continue;
        const chainName = wordOf(c.items[1]) ?? '';
        const isOtherBase = c !== base.chain && c.body.some((x) => wordOf(x.items[0]) === 'type');
        if (isOtherBase) continue;
        chainLocs.set(chainName, c.loc);
        parsed.set(
          chainName,
          c.body.filter((x) => !['type', 'policy', 'comment'].includes(wordOf(x.items[0]) ?? '')).map((x) => this.rule(x, base.sets, names)),
        );
      }
    }
    const baseName = base ? (wordOf(base.chain.items[1]) ?? '') : '';
    return hostDevice({
      id: name,
      vendor: 'nftables',
      origin: { ...deviceLoc, label: `device ${name}` },
      host,
      warnings: this.warnings,
      mentioned: [...parsed.values()]
        .flat()
        .flatMap((r) => [r.in, r.out])
        .filter((s): s is InterfaceSpec => s !== undefined),
      rules: (interfaces) => {
        if (!base) return [];
        const chains = new Map<string, Chain>();
        for (const [chainName, rules] of parsed) {
          const list: ChainRule[] = rules.map((r) => ({
            match: resolveInterfaces(r, interfaces),
            verdict: r.verdict,
            unreadable: r.unreadable,
            text: r.text,
            origin: r.origin,
          }));
          chains.set(chainName, { name: chainName, rules: list, loc: chainLocs.get(chainName)! });
        }
        const flatRules = flattenChain(chains.get(baseName)!, { action: base.policy, loc: base.policyLoc }, chains, interfaces);
        this.warnings.push(...flatRules.warnings);
        return flatRules.rules;
      },
    });
  }

  /** One rule statement: its expressions, its verdict, and whether an expression could not be read. */
  private rule(s: Statement, sets: ReadonlyMap<string, Item[]>, chains: ReadonlySet<string>) {
    const label = s.text.length > 100 ? `${s.text.slice(0, 99)}…` : s.text;
    const origin: Loc = { ...s.loc, label };
    let src: number[] = [...ALL];
    let dst: number[] = [...ALL];
    let protos: number[] | undefined;
    let protoNegate = false;
    let ports: { proto: number; ranges: number[] } | undefined;
    let inIf: InterfaceSpec | undefined;
    let outIf: InterfaceSpec | undefined;
    let verdict: Verdict = { kind: 'none' };
    let unreadable = false;
    let replyOnly = false;
    let notIpv4 = false;
    const reasons: Array<{ loc: Loc; en: string; ja: string }> = [];
    const items = s.items;
    let i = 0;
    const take = (): Item => {
      const x = items[i++];
      if (x === undefined) {
        const word = wordOf(items[i - 2]) ?? '';
        throw syntaxError(items[i - 2]?.loc ?? s.loc, { en: `"${word}" needs a value`, ja: `"${word}" には値が必要です` });
      }
      return x;
    };
    /** An optional comparison operator, then the value: returns it and whether it is negated. */
    const operand = (): { value: Item; negate: boolean } => {
      const op = wordOf(items[i]);
      if (op === '!=' || op === '==') {
        i++;
        return { value: take(), negate: op === '!=' };
      }
      return { value: take(), negate: false };
    };
    const elements = (value: Item): Word[] => {
      const out: Word[] = [];
      for (const w of flat(value)) {
        if (!w.quoted && w.text.startsWith('@')) {
          const named = sets.get(w.text.slice(1));
          if (named === undefined) throw inputError('BNK_ERR_UNKNOWN_REF', w.loc, notInTable({ en: 'set', ja: '集合' }, w.text.slice(1)));
          out.push(...named.flatMap(flat));
        } else out.push(w);
      }
      return out;
    };
    const cannotRead = (at: Loc, text: Bilingual): void => {
      unreadable = true;
      reasons.push({ loc: at, ...text });
    };
    /** An expression this reader does not know: its words up to the next verdict, unreadable. */
    const unknown = (x: Item): void => {
      const start = i - 1;
      while (i < items.length && !VERDICTS.has(wordOf(items[i]) ?? '') && wordOf(items[i]) !== 'counter' && wordOf(items[i]) !== 'log') i++;
      const words = items
        .slice(start, i)
        .flatMap(flat)
        .map((y) => y.text)
        .join(' ');
      // `icmp type` / `icmpv6 type` hold only that protocol's packets, whatever the types.
      if ((wordOf(x) === 'icmp' || wordOf(x) === 'icmpv6') && wordOf(items[start + 1]) === 'type') {
        protos ??= [wordOf(x) === 'icmp' ? 1 : 58];
        cannotRead(x.loc, {
          en: `"${words}": ICMP types are not modelled (bunkatsu matches all of ICMP)`,
          ja: `"${words}": ICMP タイプはモデル化していません（ICMP 全体で判定します）`,
        });
      } else cannotRead(x.loc, { en: `expression "${words}" is not modelled`, ja: `式 "${words}" はモデル化していません` });
    };
    while (i < items.length) {
      const x = items[i++]!;
      const w = wordOf(x);
      // A set where an expression starts, or a verdict map (`iifname vmap { ... }`): not read.
      if (w === undefined || (w !== 'ct' && (wordOf(items[i]) === 'vmap' || wordOf(items[i + 1]) === 'vmap'))) {
        unknown(x);
        continue;
      }
      if (w === 'counter') {
        if (wordOf(items[i]) === 'packets') i += 4;
        continue;
      }
      if (w === 'log') {
        while (['prefix', 'level', 'flags', 'group', 'snaplen', 'queue-threshold'].includes(wordOf(items[i]) ?? '')) i += 2;
        continue;
      }
      if (w === 'comment') {
        i++;
        continue;
      }
      if (w === 'iifname' || w === 'oifname' || w === 'iif' || w === 'oif') {
        const { value, negate } = operand();
        const spec: InterfaceSpec = { names: elements(value).map((e) => e.text), negate, loc: value.loc };
        if (w.startsWith('i')) inIf = spec;
        else outIf = spec;
        continue;
      }
      if (w === 'ip' && (wordOf(items[i]) === 'saddr' || wordOf(items[i]) === 'daddr')) {
        const field = wordOf(items[i++]);
        const { value, negate } = operand();
        let set: number[] = [];
        for (const e of elements(value)) {
          const [lo, hi] = e.text.split('-');
          const a = parseNetAddress(lo ?? '');
          const b = hi === undefined ? a : parseIpv4(hi) !== undefined ? ([parseIpv4(hi)!, parseIpv4(hi)!] as [number, number]) : undefined;
          if (!a || !b || b[1] < a[0]) {
            throw syntaxError(e.loc, {
              en: `"${e.text}" is not an IPv4 address, prefix or range (e.g. 10.0.0.0/8, 10.0.0.1-10.0.0.9)`,
              ja: `"${e.text}" は IPv4 アドレス、プレフィックス、範囲のいずれでもありません（例: 10.0.0.0/8、10.0.0.1-10.0.0.9）`,
            });
          }
          set = union(set, [a[0], hi === undefined ? a[1] : b[1]]);
        }
        if (negate) set = subtract(ALL, set);
        if (field === 'saddr') src = set;
        else dst = set;
        continue;
      }
      if ((w === 'ip' && wordOf(items[i]) === 'protocol') || (w === 'meta' && wordOf(items[i]) === 'l4proto')) {
        i++;
        const { value, negate } = operand();
        protos = elements(value).map((e) => {
          const n = /^[0-9]{1,3}$/.test(e.text) ? Number(e.text) : nftProtocolNumber(e.text.toLowerCase());
          if (n === undefined || n > PROTO_MAX) {
            throw syntaxError(e.loc, {
              en: `"${e.text}" is not a protocol (tcp, udp, icmp or a number)`,
              ja: `"${e.text}" はプロトコルではありません（tcp、udp、icmp または番号を書きます）`,
            });
          }
          return n;
        });
        protoNegate = negate;
        continue;
      }
      if ((w === 'tcp' || w === 'udp' || w === 'sctp') && (wordOf(items[i]) === 'dport' || wordOf(items[i]) === 'sport')) {
        const field = wordOf(items[i++]);
        const { value, negate } = operand();
        if (field === 'sport') {
          cannotRead(value.loc, {
            en: `"${w} sport" matches source ports, which bunkatsu does not model`,
            ja: `"${w} sport" は送信元ポートの条件で、bunkatsu はモデル化していません`,
          });
          continue;
        }
        let ranges: number[] = [];
        for (const e of elements(value)) {
          const r = parsePortRange(e.text);
          if (!r) {
            throw syntaxError(e.loc, {
              en: `"${e.text}" is not a port or port range (e.g. 443, 1000-2000)`,
              ja: `"${e.text}" はポートでもポート範囲でもありません（例: 443、1000-2000）`,
            });
          }
          ranges = union(ranges, r);
        }
        ports = { proto: w === 'tcp' ? 6 : w === 'udp' ? 17 : 132, ranges: negate ? subtract([0, PORT_MAX], ranges) : ranges };
        continue;
      }
      if (w === 'ct' && wordOf(items[i]) === 'state') {
        i++;
        if (wordOf(items[i]) === 'vmap') {
          // `ct state vmap { established : accept, new : jump x }`: only the verdict for new
          // connections is a rule bunkatsu models (replies pass anyway).
          const map = items[i + 1];
          i += 2;
          const entries = map && 'set' in map ? map.set.flatMap(flat) : [];
          const at = entries.findIndex((e) => e.text === 'new');
          const decided = at >= 0 && entries[at + 1]?.text === ':' ? entries[at + 2] : undefined;
          if (!decided) replyOnly = true;
          else if (decided.text === 'accept') verdict = { kind: 'accept' };
          else if (decided.text === 'drop' || decided.text === 'reject') verdict = { kind: 'drop' };
          else if ((decided.text === 'jump' || decided.text === 'goto') && chains.has(entries[at + 3]?.text ?? '')) {
            verdict = { kind: decided.text, chain: entries[at + 3]!.text, loc: entries[at + 3]!.loc };
          } else
            cannotRead(decided.loc, {
              en: `verdict map entry "new : ${decided.text}" is not modelled`,
              ja: `判定マップの要素 "new : ${decided.text}" はモデル化していません`,
            });
          break;
        }
        const { value, negate } = operand();
        const isNew = readsNew(
          elements(value).map((e) => e.text),
          negate,
        );
        if (isNew === undefined) cannotRead(value.loc, { en: 'this conntrack state is not modelled', ja: 'このコネクション状態はモデル化していません' });
        else if (!isNew) replyOnly = true;
        continue;
      }
      if ((w === 'meta' && wordOf(items[i]) === 'nfproto') || w === 'ip6') {
        // IPv6-only rules do not apply to the IPv4 packets bunkatsu models.
        if (w === 'ip6' || wordOf(items[i + 1]) === 'ipv6') notIpv4 = true;
        i += w === 'ip6' ? 0 : 2;
        if (w === 'ip6') break;
        continue;
      }
      if (VERDICTS.has(w)) {
        if (w === 'accept') verdict = { kind: 'accept' };
        else if (w === 'drop' || w === 'reject') verdict = { kind: 'drop' };
        else if (w === 'return') verdict = { kind: 'return' };
        else if (w === 'jump' || w === 'goto') {
          const target = items[i++];
          const t = wordOf(target);
          if (t === undefined || !chains.has(t)) throw inputError('BNK_ERR_UNKNOWN_REF', target?.loc ?? x.loc, notInTable(CHAIN, t ?? ''));
          verdict = { kind: w, chain: t, loc: target!.loc };
        } else if (w === 'queue') {
          this.warn(x.loc, {
            en: 'verdict "queue" (to a user-space program) is not modelled; the rule is left out',
            ja: '判定 "queue"（ユーザ空間プログラムへの受け渡し）はモデル化していないため、このルールは除外しました',
          });
        }
        break;
      }
      unknown(x);
    }
    let services: ServiceTerm[] =
      protos === undefined ? [ANY_SERVICE] : protos.map((p) => (p === 0 ? ANY_SERVICE : { protoLo: p, protoHi: p, portLo: 0, portHi: PORT_MAX }));
    if (protoNegate) services = complementServices(normalizeServices(services));
    if (ports) {
      const p = ports.proto;
      const ranges = ports.ranges;
      services = [];
      for (let k = 0; k < ranges.length; k += 2) services.push({ protoLo: p, protoHi: p, portLo: ranges[k]!, portHi: ranges[k + 1]! });
    }
    if (replyOnly || notIpv4) verdict = { kind: 'none' };
    else if (verdict.kind === 'none' && reasons.length > 0) {
      // An expression that could not be read hid the rule's verdict (a verdict map, ...).
      this.warn(s.loc, { en: `"${label}": no verdict could be read; the rule is left out`, ja: `"${label}": 判定を読めないため、このルールは除外しました` });
    }
    if (verdict.kind !== 'none') {
      const [en, ja] =
        verdict.kind === 'accept'
          ? ['the condition is left out (the accept is not narrowed)', '許可を狭めないよう、この条件を除いて読みます']
          : verdict.kind === 'drop'
            ? ['the drop is left out (it is not widened)', '拒否を広げないよう、この破棄ルールは除外しました']
            : ['the condition is left out, and so are the drops it leads to', 'この条件を除いて読み、その先の破棄ルールは除外します'];
      for (const r of reasons) this.warn(r.loc, { en: `${r.en}: ${en}`, ja: `${r.ja}。${ja}` });
    }
    return {
      src,
      dst,
      services: normalizeServices(services),
      ...(inIf ? { in: inIf } : {}),
      ...(outIf ? { out: outIf } : {}),
      verdict,
      unreadable,
      text: label,
      origin,
    };
  }
}

/** Reads one `nft list ruleset` file as one device named `name`, with the host's `ip addr` / `ip route` output when given. */
export function parseNftables(text: string, file: string, name: string, host: HostFiles = {}): ImportedConfig {
  refuseBinary(text, file);
  const reader = new NftReader(file);
  return { ...reader.read(text, name, host), skipped: reader.skipped };
}
