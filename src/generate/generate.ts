// The topology generator: deterministic, realistic municipal networks (三層の対策, α or β)
// at the sizes of SPEC §6, with planted violations whose rule and finding subject are known,
// so that a check's findings can be verified against them. Pure: no I/O, no Math.random.

import type { z } from 'zod';
import { formatIpv4, parseIpv4 } from '../net/ipv4.ts';
import type { topologySchema } from '../model/schema.ts';
import {
  type Department,
  DEPARTMENTS,
  BUILDING_NAMES,
  MN_BUSINESSES,
  MUNICIPALITY_NAMES,
  type MunicipalitySize,
  type ScaleName,
  SCALES,
  type Section,
} from './catalogue.ts';
import type { Plain } from '../model/write.ts';
import { createRng, type Rng } from './prng.ts';

/** The topology file as written (schema input: defaults not yet applied). */
export type TopologyInput = z.input<ReturnType<typeof topologySchema>>;

export type GeneratedModel = 'alpha' | 'beta';

export interface GenerateOptions {
  readonly scale: ScaleName;
  readonly seed?: number;
  readonly model?: GeneratedModel;
  /** false: a clean topology, no planted violations. Default true. */
  readonly violations?: boolean;
  /** Called after each municipality is built (for progress output on large scales). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** A violation the generator planted, as the check reports it: rule id and finding subject. */
export interface PlantedViolation {
  readonly rule: string;
  readonly subject: string;
  /** What was planted, in a few words (stable, for grouping). */
  readonly kind: string;
  /** Municipality code (m1, m2, …). */
  readonly municipality: string;
  readonly note: string;
}

export interface GenerateStats {
  readonly zones: number;
  /** Addresses in host groups plus single hosts (SPEC §6 "hosts"). */
  readonly hosts: number;
  /** Host and host-group entries in the file. */
  readonly hostEntries: number;
  readonly devices: number;
  readonly firewalls: number;
  readonly rules: number;
  readonly links: number;
  readonly intents: number;
  readonly exceptions: number;
  readonly municipalities: number;
}

export interface GenerateResult {
  readonly topology: TopologyInput;
  readonly planted: readonly PlantedViolation[];
  readonly stats: GenerateStats;
}

type Obj = Record<string, Plain | undefined>;

// ---------------------------------------------------------------------------------------
// Address plan (fictional; benchmark and documentation prefixes for anything public)

const ip = (text: string): number => parseIpv4(text)!;
const fmt = formatIpv4;

/** Hands out consecutive blocks from one part of the address space. */
class Pool {
  private next: number;
  constructor(
    start: string,
    private readonly end: number,
    private readonly what: string,
  ) {
    this.next = ip(start);
  }
  take(size: number): number {
    const base = this.next;
    if (base + size - 1 > this.end) throw new Error(`address pool for ${this.what} is exhausted`);
    this.next += size;
    return base;
  }
  /** Where the next block would start (for ranges that cover what was handed out). */
  mark(): number {
    return this.next;
  }
}

interface Pools {
  readonly mynumber: Pool;
  readonly lgwanDc: Pool;
  readonly internetDc: Pool;
  readonly office: Pool;
  readonly public: Pool;
  readonly govCloud: Pool;
}

function createPools(): Pools {
  return {
    mynumber: new Pool('10.0.0.0', ip('10.63.255.255'), 'mynumber'),
    lgwanDc: new Pool('10.64.0.0', ip('10.95.255.255'), 'LGWAN data centre'),
    internetDc: new Pool('10.96.0.0', ip('10.127.255.255'), 'Internet-side data centre'),
    office: new Pool('10.128.0.0', ip('10.255.255.255'), 'office floors'),
    public: new Pool('198.18.0.0', ip('198.19.255.255'), 'public segments'),
    govCloud: new Pool('172.28.0.0', ip('172.31.255.255'), 'government cloud links'),
  };
}

const CHUKAN_SERVER = '172.24.1.10';
const SC_PROXY_INSIDE = '192.168.0.10';
const SC_PROXY_OUTSIDE = '192.168.1.10';

// ---------------------------------------------------------------------------------------
// Small builders

const one = (items: readonly string[]): Plain => (items.length === 1 ? items[0]! : items);

function rule(
  id: string,
  action: 'permit' | 'deny',
  f: { from?: readonly string[]; to?: readonly string[]; service?: readonly string[]; in?: readonly string[]; out?: readonly string[]; description?: string },
): Obj {
  return {
    id,
    action,
    from: f.from ? one(f.from) : undefined,
    to: f.to ? one(f.to) : undefined,
    service: f.service ? one(f.service) : undefined,
    in: f.in ? one(f.in) : undefined,
    out: f.out ? one(f.out) : undefined,
    description: f.description,
  };
}

interface IfaceSpec {
  readonly name: string;
  readonly zone?: string;
  /** Zone block base; the address is base + offset + (member index in a group). */
  readonly base?: number;
  readonly offset?: number;
  readonly description?: string;
}

/** One firewall, or an HA group of firewalls that share one rule list (config-synced). */
class Firewalls {
  readonly ifaces: IfaceSpec[] = [];
  readonly rules: Obj[] = [];
  constructor(
    readonly ids: readonly string[],
    readonly name: string,
    readonly zone: string,
  ) {}

  iface(spec: IfaceSpec): void {
    this.ifaces.push(spec);
  }

  permit(id: string, f: Parameters<typeof rule>[2]): void {
    this.rules.push(rule(id, 'permit', f));
  }

  remove(id: string): void {
    const i = this.rules.findIndex((r) => r.id === id);
    if (i < 0) throw new Error(`no rule ${id} on ${this.ids.join(',')}`);
    this.rules.splice(i, 1);
  }

  devices(): Obj[] {
    return this.ids.map((id, k) => ({
      id,
      name: this.ids.length > 1 ? `${this.name} #${k + 1}` : this.name,
      kind: 'firewall',
      zone: this.zone,
      interfaces: this.ifaces.map((f) => ({
        name: f.name,
        zone: f.zone,
        address: f.base !== undefined ? fmt(f.base + (f.offset ?? 1) + k) : undefined,
        description: f.description,
      })),
      rules: [...this.rules, rule('deny-all', 'deny', { description: '明示的な全拒否' })],
    }));
  }
}

// ---------------------------------------------------------------------------------------
// The document being built

class Doc {
  readonly services: Record<string, string> = {};
  readonly zones: Obj[] = [];
  readonly hosts: Obj[] = [];
  readonly devices: Obj[] = [];
  readonly links: Array<[string, string]> = [];
  readonly exceptions: Obj[] = [];
  readonly intents: Obj[] = [];
  readonly cloudServices: Obj[] = [];
  readonly planted: PlantedViolation[] = [];
  hostAddresses = 0;

  zone(id: string, name: string, domain: string, base: number, length = 24): string {
    this.zones.push({ id, name, domain, subnets: [`${fmt(base)}/${length}`] });
    return id;
  }

  server(id: string, name: string, zone: string, address: number, role = 'server'): string {
    this.hosts.push({ id, name, zone, role: role === 'server' ? undefined : role, address: fmt(address) });
    this.hostAddresses += 1;
    return id;
  }

  group(id: string, name: string, zone: string, lo: number, hi: number, count: number, role: string, controls?: readonly string[]): string {
    this.hosts.push({ id, name, zone, role, addresses: `${fmt(lo)}-${fmt(hi)}`, count, controls });
    this.hostAddresses += count;
    return id;
  }

  intent(
    id: string,
    from: readonly string[],
    to: readonly string[],
    service: readonly string[],
    purpose: string,
    extra: { content?: string; via?: readonly string[]; resilient?: boolean } = {},
  ): Obj {
    const obj: Obj = {
      id,
      from: one(from),
      to: one(to),
      service: one(service),
      content: extra.content,
      via: extra.via ? [...extra.via] : undefined,
      resilient: extra.resilient,
      purpose,
    };
    this.intents.push(obj);
    return obj;
  }

  plant(p: PlantedViolation): void {
    this.planted.push(p);
  }

  /** Takes back a planted finding that a later change undid (no-op when not planted). */
  unplant(rule: string, subject: string): void {
    const i = this.planted.findIndex((p) => p.rule === rule && p.subject === subject);
    if (i >= 0) this.planted.splice(i, 1);
  }
}

// ---------------------------------------------------------------------------------------
// One municipality

interface OfficeZone {
  readonly id: string;
  readonly base: number;
  readonly dept: Department;
  readonly section: Section;
  readonly pcs: string;
  /** How many terminals the group has (its addresses start at base + 32). */
  readonly terminals: number;
  readonly printers: string;
  readonly floor: Floor;
  /** Id of the per-zone intent that no sanitizer carries (α: business app, β: Internet mail). */
  primaryIntent: string;
}

interface Floor {
  readonly tag: string;
  readonly name: string;
  readonly edge: Firewalls;
  readonly zones: OfficeZone[];
}

interface Building {
  readonly index: number;
  readonly name: string;
  readonly floors: Floor[];
}

interface MnZone {
  readonly id: string;
  readonly pcs: string;
  readonly iface: string;
  readonly building: number;
}

/** Shared, prefecture-wide parts that every municipality plugs into. */
interface Shared {
  readonly scFw: Firewalls;
  readonly lgwanRouters: string[];
}

class Municipality {
  readonly code: string;
  readonly name: string;
  readonly alpha: boolean;
  readonly buildings: Building[] = [];
  readonly officeZones: OfficeZone[] = [];
  readonly mnZones: MnZone[] = [];
  readonly depts = new Map<string, { dept: Department; zone: string; base: number; servers: string[]; vdi?: { zone: string; pcs: string; base: number } }>();
  readonly lgCore: Firewalls;
  readonly inCore: Firewalls;
  readonly mnCore: Firewalls;
  readonly mnEdges: Firewalls[] = [];
  readonly gateways: Obj[] = [];
  // Well-known hosts and zones of this municipality (set while building).
  h: Record<string, string> = {};
  z: Record<string, string> = {};
  a: Record<string, number> = {};
  officeRange = '';
  lgDcRange = '';

  constructor(
    readonly doc: Doc,
    readonly pools: Pools,
    readonly rng: Rng,
    readonly index: number,
    readonly size: MunicipalitySize,
    readonly shared: Shared,
    model: GeneratedModel,
    /** Old rules left over from earlier changes (shadowed, reported by firewall hygiene); false in a clean topology. */
    readonly cruft: boolean,
  ) {
    this.code = `m${index + 1}`;
    this.name = MUNICIPALITY_NAMES[index % MUNICIPALITY_NAMES.length]!;
    this.alpha = model === 'alpha';
    const p = this.code;
    this.lgCore = new Firewalls([`${p}-lg-core1`, `${p}-lg-core2`], `${this.name} LGWAN接続系 コアファイアウォール`, `${p}-lg-dc-common`);
    this.inCore = this.alpha
      ? new Firewalls([`${p}-in-fw`], `${this.name} インターネット接続系ファイアウォール`, `${p}-in-servers`)
      : new Firewalls([`${p}-in-core1`, `${p}-in-core2`], `${this.name} インターネット接続系 コアファイアウォール`, `${p}-in-servers`);
    this.mnCore = new Firewalls([`${p}-mn-core`], `${this.name} マイナンバー系 コアファイアウォール`, `${p}-mn-srv`);
  }

  /** The HA group the office floors hang off: LGWAN side in α, Internet side in β. */
  get officeCore(): Firewalls {
    return this.alpha ? this.lgCore : this.inCore;
  }

  build(): void {
    this.layoutOffices();
    this.dataCentres();
    this.mynumber();
    this.internetSide();
    this.govCloud();
    this.gatewaysAndLinks();
    this.officeRules();
    this.coreRules();
    this.intents();
  }

  // ── Layout ────────────────────────────────────────────────────────────────────────

  private layoutOffices(): void {
    const { doc, rng, size, code: p } = this;
    const sections = rng.shuffled(DEPARTMENTS).flatMap((d) => d.sections.map((s) => ({ dept: d, section: s })));
    let cursor = 0;
    const domain = this.alpha ? 'lgwan' : 'internet';
    const side = this.alpha ? 'lg' : 'in';
    const start = this.pools.office.mark();
    for (let b = 1; this.officeZones.length < size.officeZones; b++) {
      const bname = b <= BUILDING_NAMES.length ? BUILDING_NAMES[b - 1]! : `第${b - BUILDING_NAMES.length}支所`;
      const building: Building = { index: b, name: bname, floors: [] };
      this.buildings.push(building);
      const floors = rng.int(size.floorsPerBuilding[0], size.floorsPerBuilding[1]);
      for (let f = 1; f <= floors && this.officeZones.length < size.officeZones; f++) {
        const tag = `b${b}f${f}`;
        const edge = new Firewalls([`${p}-efw-${tag}`], `${this.name} ${bname} ${f}階 フロアファイアウォール`, '');
        const floor: Floor = { tag, name: `${bname} ${f}階`, edge, zones: [] };
        building.floors.push(floor);
        const count = Math.min(rng.int(size.sectionsPerFloor[0], size.sectionsPerFloor[1]), size.officeZones - this.officeZones.length);
        for (let s = 0; s < count; s++) {
          const { dept, section } = sections[cursor++ % sections.length]!;
          const base = this.pools.office.take(256);
          const id = doc.zone(`${p}-${side}-${tag}-${section.id}`, `${this.name} ${bname} ${f}階 ${section.name}`, domain, base);
          const n = rng.int(size.terminalsPerSection[0], size.terminalsPerSection[1]);
          const pcs = doc.group(
            `${id}-pc`,
            `${section.name} 職員端末（${bname} ${f}階）`,
            id,
            base + 32,
            base + 231,
            n,
            'terminal',
            this.alpha
              ? ['edr', 'antivirus', 'patch-management', 'log-collection']
              : ['epp', 'edr', 'antivirus', 'patch-management', 'log-collection', 'disk-encryption'],
          );
          const printers = doc.group(`${id}-prn`, `${section.name} 複合機`, id, base + 240, base + 247, rng.int(1, 3), 'printer');
          const zone: OfficeZone = { id, base, dept, section, pcs, terminals: n, printers, floor, primaryIntent: '' };
          floor.zones.push(zone);
          this.officeZones.push(zone);
          edge.iface({ name: section.id, zone: id, base, offset: 1 });
        }
        edge.iface({ name: 'up1', description: 'コアファイアウォール #1 へ' });
        if (this.officeCore.ids.length > 1) edge.iface({ name: 'up2', description: 'コアファイアウォール #2 へ' });
      }
    }
    this.officeRange = `${fmt(start)}-${fmt(this.pools.office.mark() - 1)}`;
  }

  private dataCentres(): void {
    const { doc, code: p, pools } = this;
    const start = pools.lgwanDc.mark();
    const lg = (id: string, name: string): { id: string; base: number } => {
      const base = pools.lgwanDc.take(256);
      const zid = doc.zone(`${p}-${id}`, `${this.name} ${name}`, 'lgwan', base);
      this.lgCore.iface({ name: id.replace(/^lg-/, ''), zone: zid, base, offset: 2 });
      return { id: zid, base };
    };
    const common = lg('lg-dc-common', 'LGWAN接続系 共通サーバセグメント');
    this.z.common = common.id;
    this.h.groupware = doc.server(`${p}-groupware`, 'グループウェア', common.id, common.base + 10);
    this.h.fileserver = doc.server(`${p}-fileserver`, 'ファイルサーバ', common.id, common.base + 11, 'storage');
    this.a.fileserver = common.base + 11;
    this.h.lgmail = doc.server(`${p}-lgmail`, 'LGWANメールサーバ', common.id, common.base + 12);
    this.h.printsrv = doc.server(`${p}-printsrv`, 'プリントサーバ', common.id, common.base + 13);
    this.h.ad = doc.server(`${p}-ad`, '認証サーバ（ディレクトリ）', common.id, common.base + 14);
    const backup = lg('lg-dc-backup', 'バックアップセグメント');
    this.z.backup = backup.id;
    this.h.backup = doc.server(`${p}-backup`, 'バックアップサーバ', backup.id, backup.base + 10, 'storage');
    const mgmt = lg('lg-mgmt', 'LGWAN接続系 運用管理セグメント');
    this.z.lgMgmt = mgmt.id;
    this.h.lgOps = doc.group(`${p}-lg-ops`, 'LGWAN接続系 運用管理端末', mgmt.id, mgmt.base + 32, mgmt.base + 63, 6, 'terminal', [
      'mfa',
      'edr',
      'log-collection',
    ]);
    const san = lg('lg-sanitize', '無害化セグメント（LGWAN側）');
    this.z.lgSanitize = san.id;
    this.a.lgSan = san.base;
    const used = [...new Set(this.officeZones.map((z) => z.dept.id))];
    for (const d of DEPARTMENTS.filter((x) => used.includes(x.id))) {
      const zone = lg(`lg-dc-${d.id}`, `${d.name} 業務サーバセグメント`);
      const roles = [
        ['app', '業務アプリケーションサーバ'],
        ['db', 'データベースサーバ'],
        ['batch', 'バッチサーバ'],
      ].slice(0, this.size.serversPerDept);
      const servers = roles.map(([r, n], i) => doc.server(`${p}-${d.id}-${r}`, `${d.name} ${n}`, zone.id, zone.base + 10 + i));
      doc.services[`app-${d.id}`] = `tcp/${d.appPort}-${d.appPort + 9}`;
      const entry: { dept: Department; zone: string; base: number; servers: string[]; vdi?: { zone: string; pcs: string; base: number } } = {
        dept: d,
        zone: zone.id,
        base: zone.base,
        servers,
      };
      if (!this.alpha) {
        const v = lg(`lg-vdi-${d.id}`, `${d.name} 仮想デスクトップ（LGWAN接続系）`);
        // Virtual desktops reached by screen transfer from the Internet-domain terminals: not the
        // business terminals themselves (model-placement counts those), hence role server.
        const pcs = doc.group(`${p}-vdi-${d.id}`, `${d.name} 仮想デスクトップ`, v.id, v.base + 32, v.base + 231, this.rng.int(20, 120), 'server', [
          'edr',
          'antivirus',
          'patch-management',
          'log-collection',
        ]);
        entry.vdi = { zone: v.id, pcs, base: v.base };
      }
      this.depts.set(d.id, entry);
    }
    this.lgDcRange = `${fmt(start)}-${fmt(pools.lgwanDc.mark() - 1)}`;
    this.lgCore.iface({ name: 'mynumber', description: 'マイナンバー系コアFW との専用接続（中間サーバー連携のみ）' });
    this.lgCore.iface({ name: 'wan', description: 'LGWAN接続ルータへ' });
  }

  private mynumber(): void {
    const { doc, code: p, pools, rng, size } = this;
    const srvBase = pools.mynumber.take(256);
    const srv = doc.zone(`${p}-mn-srv`, `${this.name} マイナンバー利用事務系 基幹系サーバセグメント`, 'mynumber', srvBase);
    this.z.mnSrv = srv;
    this.mnCore.iface({ name: 'srv', zone: srv, base: srvBase, offset: 1 });
    MN_BUSINESSES.forEach((b, i) => {
      doc.services[`mn-${b.id}`] = `tcp/${b.port}`;
      this.h[`mn-${b.id}`] = doc.server(`${p}-mn-${b.id}-srv`, `${b.name}システム`, srv, srvBase + 10 + i);
    });
    this.h.atena = doc.server(`${p}-mn-atena`, '団体内統合宛名システム', srv, srvBase + 30);
    for (const building of this.buildings) {
      const edge = new Firewalls([`${p}-mn-efw-b${building.index}`], `${this.name} ${building.name} マイナンバー系フロアファイアウォール`, srv);
      let any = false;
      for (let f = 1; f <= Math.min(size.mnFloors, building.floors.length); f++) {
        const businesses = rng.shuffled(MN_BUSINESSES).slice(0, rng.int(size.mnPerFloor[0], size.mnPerFloor[1]));
        for (const b of businesses) {
          const base = pools.mynumber.take(256);
          const id = doc.zone(`${p}-mn-b${building.index}f${f}-${b.id}`, `${this.name} ${building.name} ${f}階 ${b.name}系端末`, 'mynumber', base);
          const pcs = doc.group(`${id}-pc`, `${b.name}系端末（${building.name} ${f}階）`, id, base + 32, base + 231, rng.int(6, 24), 'terminal', [
            'mfa',
            'data-export-blocked',
            'edr',
            'log-collection',
          ]);
          doc.group(`${id}-prn`, `${b.name}系 帳票プリンタ`, id, base + 240, base + 243, rng.int(1, 2), 'printer');
          const iface = `${b.id}f${f}`;
          edge.iface({ name: iface, zone: id, base, offset: 1 });
          this.mnZones.push({ id, pcs, iface, building: building.index });
          edge.permit(`${iface}-app`, {
            from: [pcs],
            to: [this.h[`mn-${b.id}`]!],
            service: [`mn-${b.id}`],
            in: [iface],
            out: ['up'],
            description: `${b.name}系端末 → ${b.name}システム`,
          });
          edge.permit(`${iface}-admin`, {
            from: [fmt(base + 32)],
            to: [this.h[`mn-${b.id}`]!],
            service: ['ssh'],
            in: [iface],
            out: ['up'],
            description: '業務管理者端末（ホスト指定）',
          });
          this.mnCore.permit(`${id}-app`, { from: [pcs], to: [this.h[`mn-${b.id}`]!], service: [`mn-${b.id}`], in: [`e-b${building.index}`], out: ['srv'] });
          any = true;
        }
      }
      if (!any) continue;
      edge.iface({ name: 'up', description: 'マイナンバー系コアFW へ' });
      this.mnEdges.push(edge);
      this.mnCore.iface({ name: `e-b${building.index}`, description: `${building.name} マイナンバー系フロアFW へ` });
      doc.links.push([`${edge.ids[0]}:up`, `${this.mnCore.ids[0]}:e-b${building.index}`]);
    }
    this.mnCore.iface({ name: 'lg1', description: 'LGWAN接続系コアFW #1 へ（中間サーバー連携のみ）' });
    this.mnCore.iface({ name: 'lg2', description: 'LGWAN接続系コアFW #2 へ（中間サーバー連携のみ）' });
    this.mnCore.permit('atena-chukan', {
      from: [this.h.atena],
      to: ['chukan-server'],
      service: ['chukan-renkei'],
      in: ['srv'],
      out: ['lg1', 'lg2'],
      description: '団体内統合宛名システム → 中間サーバー（例外）',
    });
    doc.links.push([`${this.mnCore.ids[0]}:lg1`, `${this.lgCore.ids[0]}:mynumber`], [`${this.mnCore.ids[0]}:lg2`, `${this.lgCore.ids[1]}:mynumber`]);
    doc.exceptions.push({
      id: `${p}-exc-atena-chukan`,
      from: this.h.atena,
      to: 'chukan-server',
      service: 'chukan-renkei',
      justification: '番号法に基づく情報連携のため、団体内統合宛名システムから中間サーバーへの接続を LGWAN 経由で許可する（1 対 1、連携用ポートのみ）。',
      approver: `${this.name} 最高情報セキュリティ責任者（CISO）`,
      expires: '2031-03-31',
      rules: ['mynumber-isolation'],
    });
  }

  private internetSide(): void {
    const { doc, code: p, pools } = this;
    const add = (id: string, name: string, base: number, length: number): { id: string; base: number } => {
      const zid = doc.zone(`${p}-${id}`, `${this.name} ${name}`, 'internet', base, length);
      this.inCore.iface({ name: id.replace(/^in-/, ''), zone: zid, base, offset: 1 });
      return { id: zid, base };
    };
    const pub = add('in-public', '公開サーバセグメント', pools.public.take(32), 27);
    this.z.inPublic = pub.id;
    this.h.relay = doc.server(`${p}-mail-relay`, 'インターネットメール中継サーバ', pub.id, pub.base + 10);
    this.h.cms = doc.server(`${p}-web-cms`, '公式ウェブサイト（Web / CMS）', pub.id, pub.base + 20);
    this.h.eapply = doc.server(`${p}-e-apply`, '電子申請受付サーバ', pub.id, pub.base + 21);
    const srv = add('in-servers', 'インターネット接続系 サーバセグメント', pools.internetDc.take(256), 24);
    this.z.inServers = srv.id;
    this.h.fileExchange = doc.server(`${p}-file-exchange`, 'ファイル受渡サーバ', srv.id, srv.base + 30, 'storage');
    if (!this.alpha) {
      this.h.mailbox = doc.server(`${p}-inet-mail`, 'インターネットメールサーバ（メールボックス）', srv.id, srv.base + 25);
      this.h.inPrint = doc.server(`${p}-in-printsrv`, 'プリントサーバ（インターネット接続系）', srv.id, srv.base + 26);
      const mgmt = add('in-mgmt', 'インターネット接続系 運用管理セグメント', pools.internetDc.take(256), 24);
      this.z.inMgmt = mgmt.id;
      this.h.inOps = doc.group(`${p}-in-ops`, 'インターネット接続系 運用管理端末', mgmt.id, mgmt.base + 32, mgmt.base + 63, 4, 'terminal', [
        'mfa',
        'epp',
        'edr',
        'log-collection',
      ]);
    }
    const san = add('in-sanitize', '無害化セグメント（インターネット側）', pools.internetDc.take(256), 24);
    this.z.inSanitize = san.id;
    this.a.inSan = san.base;
    this.inCore.ids.forEach((_, k) => {
      this.inCore.iface({ name: `outside${this.inCore.ids.length > 1 ? k + 1 : ''}`, description: 'セキュリティクラウドへの専用回線' });
    });
  }

  private govCloud(): void {
    const { doc, code: p } = this;
    const base = this.pools.govCloud.take(256);
    const id = doc.zone(`${p}-gc`, `${this.name} ガバメントクラウド接続セグメント（共用閉域回線）`, 'gov-cloud', base);
    this.z.gc = id;
    this.h.gcApp = doc.server(`${p}-gc-app`, 'ガバメントクラウド 内部事務システム', id, base + 10);
    this.lgCore.iface({ name: 'gcloud', zone: id, base, offset: 2 });
    this.inCore.iface({ name: 'gcloud', zone: id, base, offset: 4 });
  }

  private gatewaysAndLinks(): void {
    const { doc, code: p } = this;
    const lgSan = this.a.lgSan!;
    const inSan = this.a.inSan!;
    const gw = (id: string, name: string, kind: string, method: string | undefined, n: number, relays: Obj[]): void => {
      doc.devices.push({
        id: `${p}-${id}`,
        name: `${this.name} ${name}`,
        kind,
        method,
        zone: this.z.inSanitize,
        interfaces: [
          { name: 'lgwan', zone: this.z.lgSanitize, address: fmt(lgSan + n) },
          { name: 'inet', zone: this.z.inSanitize, address: fmt(inSan + n) },
        ],
        relays,
      });
    };
    this.a.sanMailLg = lgSan + 11;
    this.a.sanMailIn = inSan + 11;
    this.a.sanScreenLg = lgSan + 12;
    this.a.sanScreenIn = inSan + 12;
    this.a.sanFileLg = lgSan + 13;
    this.a.sanFileIn = inSan + 13;
    if (this.alpha) {
      gw('san-mail', 'メール無害化装置（本文テキスト化）', 'sanitizer', 'mail-text', 11, [
        { in: 'inet', service: 'smtp', out: 'lgwan', to: this.h.lgmail, description: 'インターネットメールをテキスト化して LGWAN メールサーバへ' },
        { in: 'lgwan', service: 'smtp', out: 'inet', to: this.h.relay, description: 'LGWAN メールサーバからのインターネット宛メールを中継' },
      ]);
      gw('san-screen', '画面転送（仮想ブラウザ）', 'sanitizer', 'screen-transfer', 12, [
        {
          in: 'lgwan',
          service: 'rdp',
          out: 'inet',
          to: 'sc-proxy',
          toService: 'http-alt',
          description: '職員端末の画面転送 → 仮想ブラウザ → セキュリティクラウドの Web プロキシ',
        },
        { in: 'lgwan', service: 'rdp', out: 'inet', to: this.h.cms, toService: 'https', description: '仮想ブラウザから CMS 管理画面' },
      ]);
      gw('san-file', 'ファイル無害化装置', 'sanitizer', 'file-sanitization', 13, [
        { in: 'inet', service: 'smb', out: 'lgwan', to: this.h.fileserver, description: 'ファイル受渡サーバのファイルを無害化して LGWAN ファイルサーバへ' },
      ]);
    } else {
      const vdi = [...this.depts.values()].map((d) => d.vdi!.pcs);
      gw('san-screen', '画面転送装置（LGWAN接続系の画面をインターネット接続系端末へ）', 'sanitizer', 'screen-transfer', 12, [
        { in: 'inet', service: 'rdp', out: 'lgwan', to: vdi, description: '職員端末 → LGWAN側仮想デスクトップ（画面のみ転送）' },
      ]);
      gw('san-file', 'ファイル無害化装置', 'sanitizer', 'file-sanitization', 13, [
        {
          in: 'inet',
          service: 'https',
          out: 'lgwan',
          to: this.h.fileserver,
          toService: 'smb',
          description: '職員端末からのファイルを無害化して LGWAN ファイルサーバへ',
        },
      ]);
    }
    // Office floors: each floor firewall up to every member of the office core group.
    const core = this.officeCore;
    for (const floor of this.buildings.flatMap((b) => b.floors)) {
      core.iface({ name: `e-${floor.tag}`, description: `${floor.name} フロアFW へ` });
      core.ids.forEach((id, k) => {
        doc.links.push([`${floor.edge.ids[0]}:up${k + 1}`, `${id}:e-${floor.tag}`]);
      });
    }
    // LGWAN router, security cloud lines.
    const rt = `${p}-lgwan-rt`;
    doc.devices.push({
      id: rt,
      name: `${this.name} LGWAN接続ルータ`,
      kind: 'router',
      zone: 'lgwan-backbone',
      interfaces: [{ name: 'city1' }, { name: 'city2' }, { name: 'backbone', zone: 'lgwan-backbone', address: `172.17.${this.index}.1` }],
    });
    this.shared.lgwanRouters.push(rt);
    doc.links.push([`${this.lgCore.ids[0]}:wan`, `${rt}:city1`], [`${this.lgCore.ids[1]}:wan`, `${rt}:city2`]);
    this.inCore.ids.forEach((id, k) => {
      const scIface = `${p}${this.inCore.ids.length > 1 ? String.fromCharCode(97 + k) : ''}`;
      this.shared.scFw.iface({ name: scIface, description: `${this.name} からの専用回線` });
      doc.links.push([`${id}:outside${this.inCore.ids.length > 1 ? k + 1 : ''}`, `sc-fw:${scIface}`]);
    });
  }

  private get scIfaces(): string[] {
    return this.inCore.ids.map((_, k) => `${this.code}${this.inCore.ids.length > 1 ? String.fromCharCode(97 + k) : ''}`);
  }

  private get inOutside(): string[] {
    return this.inCore.ids.map((_, k) => `outside${this.inCore.ids.length > 1 ? k + 1 : ''}`);
  }

  // ── Rules ─────────────────────────────────────────────────────────────────────────

  private officeRules(): void {
    const ups = this.officeCore.ids.map((_, k) => `up${k + 1}`);
    for (const floor of this.buildings.flatMap((b) => b.floors)) {
      const e = floor.edge;
      e.rules.push(rule('deny-telnet', 'deny', { service: ['telnet'], description: 'telnet は全面禁止' }));
      for (const z of floor.zones) {
        const s = z.section.id;
        const d = this.depts.get(z.dept.id)!;
        if (this.alpha) {
          e.permit(`${s}-app`, {
            from: [z.pcs],
            to: [d.servers[0]!],
            service: [`app-${d.dept.id}`],
            in: [s],
            out: ups,
            description: `${z.section.name} → ${d.dept.name} 業務システム`,
          });
          e.permit(`${s}-admin`, {
            from: [fmt(z.base + 32)],
            to: d.servers.slice(0, 2),
            service: ['ssh', 'rdp'],
            in: [s],
            out: ups,
            description: '課の業務管理者端末（ホスト指定）',
          });
          e.permit(`${s}-common`, {
            from: [z.pcs],
            to: [this.h.groupware!, this.h.fileserver!, this.h.lgmail!],
            service: ['https', 'smb', 'submission', 'imaps'],
            in: [s],
            out: ups,
          });
          if (this.rng.chance(0.3) && this.cruft) {
            this.oldRule(e.ids, `${s}-file-old`, 'the common rule above covers it');
            e.permit(`${s}-file-old`, {
              from: [this.someTerminals(z)],
              to: [this.h.fileserver!],
              service: ['smb'],
              in: [s],
              out: ups,
              description: '旧ルール（上の共通ルールに包含される）',
            });
          }
          e.permit(`${s}-screen`, {
            from: [z.pcs],
            to: [fmt(this.a.sanScreenLg!)],
            service: ['rdp'],
            in: [s],
            out: ups,
            description: '画面転送（仮想ブラウザ）',
          });
          e.permit(`${s}-asp`, { from: [z.pcs], to: ['lgwan-backbone'], service: ['https'], in: [s], out: ups, description: 'LGWAN-ASP' });
          if (floor === this.buildings[0]!.floors[0]) {
            e.permit(`${s}-gcloud`, {
              from: [z.pcs],
              to: [this.h.gcApp!],
              service: ['https'],
              in: [s],
              out: ups,
              description: 'ガバメントクラウド 内部事務システム',
            });
          }
          e.permit(`${s}-print`, { from: [this.h.printsrv!], to: [z.printers], service: ['tcp/9100', 'tcp/515', 'tcp/631'], in: ups, out: [s] });
        } else {
          e.permit(`${s}-mail`, {
            from: [z.pcs],
            to: [this.h.mailbox!],
            service: ['submission', 'imaps'],
            in: [s],
            out: ups,
            description: 'インターネットメール',
          });
          e.permit(`${s}-admin`, {
            from: [fmt(z.base + 32)],
            to: [this.h.cms!, this.h.eapply!],
            service: ['https', 'ssh'],
            in: [s],
            out: ups,
            description: '課の担当者端末（ホスト指定）',
          });
          if (this.rng.chance(0.3) && this.cruft) {
            this.oldRule(e.ids, `${s}-mail-old`, 'the mail rule above covers it');
            e.permit(`${s}-mail-old`, {
              from: [this.someTerminals(z)],
              to: [this.h.mailbox!],
              service: ['submission'],
              in: [s],
              out: ups,
              description: '旧ルール（上のメールルールに包含される）',
            });
          }
          e.permit(`${s}-screen`, {
            from: [z.pcs],
            to: [fmt(this.a.sanScreenIn!)],
            service: ['rdp'],
            in: [s],
            out: ups,
            description: '画面転送（LGWAN側仮想デスクトップ）',
          });
          e.permit(`${s}-file`, {
            from: [z.pcs],
            to: [fmt(this.a.sanFileIn!)],
            service: ['https'],
            in: [s],
            out: ups,
            description: 'ファイル無害化（LGWAN への取込）',
          });
          e.permit(`${s}-proxy`, {
            from: [z.pcs],
            to: [SC_PROXY_INSIDE],
            service: ['http-alt'],
            in: [s],
            out: ups,
            description: 'セキュリティクラウド Web プロキシ',
          });
          e.permit(`${s}-print`, { from: [this.h.inPrint!], to: [z.printers], service: ['tcp/9100', 'tcp/515', 'tcp/631'], in: ups, out: [s] });
        }
      }
      const mgmt = this.alpha ? this.z.lgMgmt! : this.z.inMgmt!;
      e.permit('mgmt', {
        from: [mgmt],
        to: [this.officeRange],
        service: ['ssh', 'snmp', 'https', 'rdp'],
        in: ups,
        out: floor.zones.map((z) => z.section.id),
        description: '運用管理セグメントから（同一領域内の広いルール）',
      });
    }
  }

  private coreRules(): void {
    const p = this.code;
    const lg = this.lgCore;
    const inc = this.inCore;
    const office = this.officeCore;
    const floors = this.buildings.flatMap((b) => b.floors);
    const deptIfaces = [...this.depts.values()].map((d) => `dc-${d.dept.id}`);
    lg.rules.push(rule('deny-telnet', 'deny', { service: ['telnet'], description: 'telnet は全面禁止' }));
    inc.rules.push(rule('deny-telnet', 'deny', { service: ['telnet'], description: 'telnet は全面禁止' }));
    // Per office zone and per floor (zone-pair rules, host-specific rules).
    for (const floor of floors) {
      const e = `e-${floor.tag}`;
      const zones = floor.zones.map((z) => z.id);
      for (const z of floor.zones) {
        const d = this.depts.get(z.dept.id)!;
        if (this.alpha) {
          office.permit(`${z.id}-app`, { from: [z.pcs], to: [d.servers[0]!], service: [`app-${d.dept.id}`], in: [e], out: [`dc-${d.dept.id}`] });
          office.permit(`${z.id}-admin`, { from: [fmt(z.base + 32)], to: d.servers.slice(0, 2), service: ['ssh', 'rdp'], in: [e], out: [`dc-${d.dept.id}`] });
        } else {
          office.permit(`${z.id}-mail`, { from: [z.pcs], to: [this.h.mailbox!], service: ['submission', 'imaps'], in: [e], out: ['servers'] });
          office.permit(`${z.id}-admin`, { from: [fmt(z.base + 32)], to: [this.h.cms!, this.h.eapply!], service: ['https', 'ssh'], in: [e], out: ['public'] });
        }
      }
      if (this.alpha) {
        lg.permit(`${floor.tag}-common`, {
          from: zones,
          to: [this.h.groupware!, this.h.fileserver!, this.h.lgmail!],
          service: ['https', 'smb', 'submission', 'imaps'],
          in: [e],
          out: ['dc-common'],
        });
        if (this.cruft) this.oldRule(lg.ids, `${floor.tag}-file-old`, "the floor's common rule above covers it");
        if (this.cruft)
          lg.permit(`${floor.tag}-file-old`, {
            from: [zones[0]!],
            to: [this.h.fileserver!],
            service: ['smb'],
            in: [e],
            out: ['dc-common'],
            description: '旧ルール（上の共通ルールに包含される）',
          });
        lg.permit(`${floor.tag}-screen`, { from: zones, to: [fmt(this.a.sanScreenLg!)], service: ['rdp'], in: [e], out: ['sanitize'] });
        lg.permit(`${floor.tag}-asp`, { from: zones, to: ['lgwan-backbone'], service: ['https'], in: [e], out: ['wan'] });
        lg.permit(`${floor.tag}-print`, { from: [this.h.printsrv!], to: zones, service: ['tcp/9100', 'tcp/515', 'tcp/631'], in: ['dc-common'], out: [e] });
      } else {
        inc.permit(`${floor.tag}-screen`, { from: zones, to: [fmt(this.a.sanScreenIn!)], service: ['rdp'], in: [e], out: ['sanitize'] });
        inc.permit(`${floor.tag}-file`, { from: zones, to: [fmt(this.a.sanFileIn!)], service: ['https'], in: [e], out: ['sanitize'] });
        inc.permit(`${floor.tag}-proxy`, { from: zones, to: [SC_PROXY_INSIDE], service: ['http-alt'], in: [e], out: this.inOutside });
        inc.permit(`${floor.tag}-print`, { from: [this.h.inPrint!], to: zones, service: ['tcp/9100', 'tcp/515', 'tcp/631'], in: ['servers'], out: [e] });
      }
    }
    if (this.alpha) {
      lg.permit('gcloud', {
        from: this.buildings[0]!.floors[0]!.zones.map((z) => z.pcs),
        to: [this.h.gcApp!],
        service: ['https'],
        in: [`e-${this.buildings[0]!.floors[0]!.tag}`],
        out: ['gcloud'],
        description: 'ガバメントクラウド 内部事務システム',
      });
    } else {
      // β: LGWAN business systems are used from the virtual desktops.
      for (const d of this.depts.values()) {
        const v = `vdi-${d.dept.id}`;
        lg.permit(`${v}-app`, { from: [d.vdi!.pcs], to: [d.servers[0]!], service: [`app-${d.dept.id}`], in: [v], out: [`dc-${d.dept.id}`] });
        lg.permit(`${v}-common`, {
          from: [d.vdi!.zone],
          to: [this.h.groupware!, this.h.fileserver!, this.h.lgmail!],
          service: ['https', 'smb', 'submission', 'imaps'],
          in: [v],
          out: ['dc-common'],
        });
        lg.permit(`${v}-asp`, { from: [d.vdi!.pcs], to: ['lgwan-backbone'], service: ['https'], in: [v], out: ['wan'] });
      }
      const vdis = [...this.depts.values()];
      lg.permit('screen-vdi', {
        from: [fmt(this.a.sanScreenLg!)],
        to: vdis.map((d) => d.vdi!.pcs),
        service: ['rdp'],
        in: ['sanitize'],
        out: vdis.map((d) => `vdi-${d.dept.id}`),
        description: '画面転送装置 → 仮想デスクトップ',
      });
      lg.permit('gcloud', {
        from: [vdis[0]!.vdi!.pcs],
        to: [this.h.gcApp!],
        service: ['https'],
        in: [`vdi-${vdis[0]!.dept.id}`],
        out: ['gcloud'],
        description: 'ガバメントクラウド 内部事務システム',
      });
    }
    // LGWAN data centre.
    lg.permit('ad-auth', {
      from: [...this.depts.values()].map((d) => d.zone),
      to: [this.h.ad!],
      service: ['ldaps', 'kerberos'],
      in: deptIfaces,
      out: ['dc-common'],
      description: '業務サーバ → 認証サーバ',
    });
    if (this.cruft) this.oldRule(lg.ids, 'app-auth', 'ad-auth above covers it');
    if (this.cruft)
      lg.permit('app-auth', {
        from: [...this.depts.values()].map((d) => d.servers[0]!),
        to: [this.h.ad!],
        service: ['ldaps'],
        in: deptIfaces,
        out: ['dc-common'],
        description: '旧ルール（上の ad-auth に包含される）',
      });
    lg.permit('file-backup', {
      from: [this.h.fileserver!, this.h.groupware!],
      to: [this.h.backup!],
      service: ['nfs', 'tcp/10000-10100'],
      in: ['dc-common'],
      out: ['dc-backup'],
      description: 'バックアップ（ポート範囲）',
    });
    lg.permit('dept-backup', {
      from: [...this.depts.values()].flatMap((d) => d.servers.slice(1, 2)),
      to: [this.h.backup!],
      service: ['tcp/10000-10100'],
      in: deptIfaces,
      out: ['dc-backup'],
    });
    lg.permit('mgmt', {
      from: [this.z.lgMgmt!],
      to: this.alpha ? [this.officeRange, this.lgDcRange] : [this.lgDcRange],
      service: ['any'],
      in: ['mgmt'],
      out: [
        ...(this.alpha ? floors.map((f) => `e-${f.tag}`) : [...this.depts.values()].map((d) => `vdi-${d.dept.id}`)),
        ...deptIfaces,
        'dc-common',
        'dc-backup',
      ],
      description: '運用管理（LGWAN接続系内に限る広いルール）',
    });
    lg.permit('lgmail-out', { from: [this.h.lgmail!], to: ['lgwan-backbone'], service: ['smtp'], in: ['dc-common'], out: ['wan'] });
    lg.permit('lgmail-in', { from: ['lgwan-backbone'], to: [this.h.lgmail!], service: ['smtp'], in: ['wan'], out: ['dc-common'] });
    if (this.alpha) {
      lg.permit('lgmail-to-san', { from: [this.h.lgmail!], to: [fmt(this.a.sanMailLg!)], service: ['smtp'], in: ['dc-common'], out: ['sanitize'] });
      lg.permit('san-to-lgmail', { from: [fmt(this.a.sanMailLg!)], to: [this.h.lgmail!], service: ['smtp'], in: ['sanitize'], out: ['dc-common'] });
      lg.permit('san-to-file', { from: [fmt(this.a.sanFileLg!)], to: [this.h.fileserver!], service: ['smb'], in: ['sanitize'], out: ['dc-common'] });
    } else {
      lg.permit('san-to-file', { from: [fmt(this.a.sanFileLg!)], to: [this.h.fileserver!], service: ['smb'], in: ['sanitize'], out: ['dc-common'] });
    }
    lg.permit('chukan', {
      from: [this.h.atena!],
      to: ['chukan-server'],
      service: ['chukan-renkei'],
      in: ['mynumber'],
      out: ['wan'],
      description: '団体内統合宛名システム → 中間サーバー（例外）',
    });
    // Internet side.
    const out = this.inOutside;
    inc.permit('mail-in', { from: ['public-internet'], to: [this.h.relay!], service: ['smtp'], in: out, out: ['public'] });
    inc.permit('web-in', { from: ['public-internet'], to: [this.h.cms!, this.h.eapply!], service: ['http', 'https'], in: out, out: ['public'] });
    inc.permit('mail-out', { from: [this.h.relay!], to: ['public-internet'], service: ['smtp'], in: ['public'], out });
    inc.permit('eapply-gcloud', {
      from: [this.h.eapply!],
      to: [this.h.gcApp!],
      service: ['https'],
      in: ['public'],
      out: ['gcloud'],
      description: '電子申請データをガバメントクラウドへ連携',
    });
    if (this.alpha) {
      inc.permit('relay-to-san', { from: [this.h.relay!], to: [fmt(this.a.sanMailIn!)], service: ['smtp'], in: ['public'], out: ['sanitize'] });
      inc.permit('san-to-relay', { from: [fmt(this.a.sanMailIn!)], to: [this.h.relay!], service: ['smtp'], in: ['sanitize'], out: ['public'] });
      inc.permit('vb-proxy', { from: [fmt(this.a.sanScreenIn!)], to: [SC_PROXY_INSIDE], service: ['http-alt'], in: ['sanitize'], out });
      inc.permit('vb-cms', { from: [fmt(this.a.sanScreenIn!)], to: [this.h.cms!], service: ['https'], in: ['sanitize'], out: ['public'] });
      inc.permit('vb-save', { from: [fmt(this.a.sanScreenIn!)], to: [this.h.fileExchange!], service: ['smb'], in: ['sanitize'], out: ['servers'] });
      inc.permit('file-to-san', { from: [this.h.fileExchange!], to: [fmt(this.a.sanFileIn!)], service: ['smb'], in: ['servers'], out: ['sanitize'] });
    } else {
      inc.permit('relay-to-mbox', { from: [this.h.relay!], to: [this.h.mailbox!], service: ['smtp'], in: ['public'], out: ['servers'] });
      inc.permit('mbox-to-relay', { from: [this.h.mailbox!], to: [this.h.relay!], service: ['smtp'], in: ['servers'], out: ['public'] });
      inc.permit('mgmt', {
        from: [this.z.inMgmt!],
        to: [this.officeRange],
        service: ['any'],
        in: ['mgmt'],
        out: floors.map((f) => `e-${f.tag}`),
        description: '運用管理（インターネット接続系内に限る広いルール）',
      });
    }
    // Security cloud: this municipality's lines.
    const sc = this.shared.scFw;
    const c = this.scIfaces;
    sc.permit(`${p}-mail-in`, { from: ['public-internet'], to: [this.h.relay!], service: ['smtp'], in: ['internet'], out: c });
    sc.permit(`${p}-web-in`, { from: ['public-internet'], to: [this.h.cms!, this.h.eapply!], service: ['http', 'https'], in: ['internet'], out: c });
    sc.permit(`${p}-mail-out`, { from: [this.h.relay!], to: ['public-internet'], service: ['smtp'], in: c, out: ['internet'] });
    sc.permit(`${p}-proxy-in`, {
      from: this.alpha ? [fmt(this.a.sanScreenIn!)] : [this.officeRange],
      to: [SC_PROXY_INSIDE],
      service: ['http-alt'],
      in: c,
      out: ['svc'],
      description: `${this.name} → Web プロキシ`,
    });
    void p;
  }

  // ── Intents ───────────────────────────────────────────────────────────────────────

  private intents(): void {
    const { doc, code: p } = this;
    for (const z of this.officeZones) {
      const d = this.depts.get(z.dept.id)!;
      if (this.alpha) {
        z.primaryIntent = doc.intent(
          `${z.id}-app`,
          [z.pcs],
          [d.servers[0]!],
          [`app-${d.dept.id}`],
          `${z.section.name}の職員端末から${d.dept.name}の業務システムを利用する`,
        ).id as string;
      } else {
        z.primaryIntent = doc.intent(
          `${z.id}-mail`,
          [z.pcs],
          [this.h.mailbox!],
          ['submission', 'imaps'],
          `${z.section.name}の職員端末からインターネットメールを送受信する`,
        ).id as string;
        doc.intent(`${z.id}-vdi`, [z.pcs], [d.vdi!.pcs], ['rdp'], `${z.section.name}の職員端末から画面転送で LGWAN接続系の仮想デスクトップを利用する`, {
          content: 'web',
          via: [`${p}-san-screen`],
        });
      }
    }
    for (const b of this.buildings) {
      for (const f of b.floors) {
        const pcs = f.zones.map((z) => z.pcs);
        if (this.alpha) {
          doc.intent(`${p}-${f.tag}-groupware`, pcs, [this.h.groupware!], ['https'], `${f.name}の職員端末からグループウェアを利用する`);
          doc.intent(
            `${p}-${f.tag}-web`,
            pcs,
            ['public-internet'],
            ['https'],
            `${f.name}の職員端末から画面転送とセキュリティクラウドのプロキシを経由してウェブを閲覧する`,
            { content: 'web', via: [`${p}-san-screen`, 'sc-proxy'] },
          );
        } else {
          doc.intent(`${p}-${f.tag}-web`, pcs, ['public-internet'], ['https'], `${f.name}の職員端末からセキュリティクラウドのプロキシ経由でウェブを閲覧する`, {
            via: ['sc-proxy'],
          });
          doc.intent(`${p}-${f.tag}-file`, pcs, [this.h.fileserver!], ['smb'], `${f.name}の職員端末のファイルを無害化して LGWAN ファイルサーバへ取り込む`, {
            content: 'file',
            via: [`${p}-san-file`],
          });
        }
      }
      if (this.alpha) {
        doc.intent(
          `${p}-b${b.index}-asp`,
          b.floors.flatMap((f) => f.zones.map((z) => z.pcs)),
          ['lgwan-backbone'],
          ['https'],
          `${b.name}の職員端末から LGWAN-ASP を利用する`,
        );
      }
    }
    if (this.alpha) {
      doc.intent(
        `${p}-gcloud`,
        this.buildings[0]!.floors[0]!.zones.map((z) => z.pcs),
        [this.h.gcApp!],
        ['https'],
        'ガバメントクラウド上の内部事務システムを利用する',
      );
      const koho = this.officeZones.find((z) => z.section.id === 'koho') ?? this.officeZones[0]!;
      doc.intent(`${p}-mail-in`, [this.h.relay!], [this.h.lgmail!], ['smtp'], 'インターネットメールを本文テキスト化して LGWAN メールサーバで受信する', {
        content: 'mail',
        via: [`${p}-san-mail`],
      });
      doc.intent(`${p}-mail-out`, [this.h.lgmail!], [this.h.relay!], ['smtp'], 'LGWAN メールサーバからインターネット宛メールを送信する', {
        content: 'mail',
        via: [`${p}-san-mail`],
      });
      doc.intent(`${p}-cms-edit`, [koho.pcs], [this.h.cms!], ['https'], '職員端末から画面転送で公式ウェブサイトの CMS を更新する', {
        content: 'web',
        via: [`${p}-san-screen`],
      });
      doc.intent(
        `${p}-file-import`,
        [this.h.fileExchange!],
        [this.h.fileserver!],
        ['smb'],
        'インターネットから入手したファイルを無害化して LGWAN ファイルサーバへ取り込む',
        { content: 'file', via: [`${p}-san-file`] },
      );
      doc.intent(
        `${p}-vb-save`,
        [fmt(this.a.sanScreenIn!)],
        [this.h.fileExchange!],
        ['smb'],
        '仮想ブラウザでダウンロードしたファイルをファイル受渡サーバへ保存する',
      );
    } else {
      for (const d of this.depts.values()) {
        doc.intent(
          `${p}-vdi-${d.dept.id}-app`,
          [d.vdi!.pcs],
          [d.servers[0]!],
          [`app-${d.dept.id}`],
          `${d.dept.name}の仮想デスクトップから業務システムを利用する`,
        );
      }
      doc.intent(
        `${p}-vdi-asp`,
        [...this.depts.values()].map((d) => d.vdi!.pcs),
        ['lgwan-backbone'],
        ['https'],
        '仮想デスクトップから LGWAN-ASP を利用する',
      );
      const first = [...this.depts.values()][0]!;
      doc.intent(`${p}-gcloud`, [first.vdi!.pcs], [this.h.gcApp!], ['https'], 'ガバメントクラウド上の内部事務システムを利用する');
      doc.intent(`${p}-relay-to-mbox`, [this.h.relay!], [this.h.mailbox!], ['smtp'], '受信メールを中継サーバからメールボックスへ配送する');
      doc.intent(`${p}-mbox-to-relay`, [this.h.mailbox!], [this.h.relay!], ['smtp'], '送信メールをメールボックスから中継サーバへ渡す');
    }
    doc.intent(`${p}-lgmail-out`, [this.h.lgmail!], ['lgwan-backbone'], ['smtp'], 'LGWAN メールを他団体へ送信する');
    doc.intent(`${p}-lgmail-in`, ['lgwan-backbone'], [this.h.lgmail!], ['smtp'], '他団体からの LGWAN メールを受信する');
    doc.intent(`${p}-dc-backup`, [this.h.fileserver!], [this.h.backup!], ['nfs'], 'ファイルサーバをバックアップする（コアFW冗長）', { resilient: true });
    const firstDept = [...this.depts.values()][0]!;
    doc.intent(`${p}-dc-auth`, [firstDept.servers[0]!], [this.h.ad!], ['ldaps'], '業務サーバが認証サーバを利用する（コアFW冗長）', { resilient: true });
    doc.intent(`${p}-mail-receive`, ['public-internet'], [this.h.relay!], ['smtp'], 'インターネットからのメールをセキュリティクラウド経由で受信する');
    doc.intent(`${p}-mail-send`, [this.h.relay!], ['public-internet'], ['smtp'], 'インターネット宛メールをセキュリティクラウド経由で配送する');
    doc.intent(
      `${p}-web-publish`,
      ['public-internet'],
      [this.h.cms!, this.h.eapply!],
      ['http', 'https'],
      '公式ウェブサイトと電子申請をインターネットに公開する',
    );
    doc.intent(`${p}-eapply-gcloud`, [this.h.eapply!], [this.h.gcApp!], ['https'], '電子申請データをガバメントクラウドへ連携する');
    for (const z of this.mnZones) {
      const biz = z.id.slice(z.id.lastIndexOf('-') + 1);
      doc.intent(`${z.id}-app`, [z.pcs], [this.h[`mn-${biz}`]!], [`mn-${biz}`], 'マイナンバー利用事務系端末から基幹系システムを利用する');
    }
    for (const b of MN_BUSINESSES) {
      doc.intent(`${p}-mn-atena-${b.id}`, [this.h[`mn-${b.id}`]!], [this.h.atena!], ['atena-api'], `${b.name}システムから団体内統合宛名システムへの宛名連携`);
    }
    doc.intent(`${p}-mn-chukan`, [this.h.atena!], ['chukan-server'], ['chukan-renkei'], '団体内統合宛名システムから中間サーバーへの情報連携（例外）');
  }

  // ── Planted violations ────────────────────────────────────────────────────────────

  /**
   * Plants one violation of each kind (three of path separation, two of exception scope,
   * intent reachability and inventory). Each touches its own zones and hosts, so that it
   * produces exactly the finding listed and nothing else.
   */
  plant(): void {
    const { doc, code: p } = this;
    const add = (rule: string, subject: string, kind: string, note: string): void => doc.plant({ rule, subject, kind, municipality: p, note });
    const zones = this.rng.shuffled(this.officeZones);
    const take = (): OfficeZone => {
      const z = zones.shift();
      if (!z) throw new Error(`municipality ${p} has too few office zones to plant violations`);
      return z;
    };
    const lg = this.lgCore;
    const inc = this.inCore;
    // Two LGWAN-side terminal groups with their zone and the interface they enter the LGWAN core by.
    const lgTerminals = (): { zone: string; pcs: string; in: string } => {
      if (this.alpha) {
        const z = take();
        return { zone: z.id, pcs: z.pcs, in: `e-${z.floor.tag}` };
      }
      const vdis = [...this.depts.values()];
      const d = vdis[this.plantedVdi++ % vdis.length]!;
      return { zone: d.vdi!.zone, pcs: d.vdi!.pcs, in: `vdi-${d.dept.id}` };
    };
    const edgeRule = (pcs: string, zone: string, id: string, to: string[], service: string[]): void => {
      if (!this.alpha) return;
      const z = this.officeZones.find((x) => x.id === zone)!;
      z.floor.edge.permit(id, { from: [pcs], to, service, in: [z.section.id], out: this.officeCore.ids.map((_, k) => `up${k + 1}`) });
    };

    // path-separation (a): two rules, each harmless alone, chain through the shared gov-cloud line.
    // Both are written with any: firewall hygiene reports them as broad across domains, and
    // the narrower rules they now cover as redundant.
    const hygiene = (devices: readonly string[], id: string, what: 'shadowed' | 'redundant' | 'broad', note: string): void => {
      for (const d of devices) add('firewall-hygiene', `${d}#${id} (${what})`, `${what}-rule`, note);
    };
    const x1 = lgTerminals();
    edgeRule(x1.pcs, x1.zone, 'gcloud-any', ['any'], ['https']);
    lg.permit(`${x1.zone}-gcloud-any`, {
      from: [x1.pcs],
      to: ['any'],
      service: ['https'],
      in: [x1.in],
      out: ['gcloud'],
      description: 'ガバメントクラウド（CSP のアドレスが変わるため宛先 any）',
    });
    inc.permit('gcloud-in', {
      from: ['any'],
      to: [this.h.fileExchange!],
      service: ['https'],
      in: ['gcloud'],
      out: ['servers'],
      description: 'ガバメントクラウドからファイル受渡サーバへ（送信元 any）',
    });
    add(
      'path-separation',
      `${x1.zone} → ${this.z.inServers}`,
      'chained-permits',
      'LGWAN terminals reach the Internet-side file exchange server through the shared government-cloud line: a broad rule on each side',
    );
    hygiene(lg.ids, `${x1.zone}-gcloud-any`, 'broad', 'destination any: LGWAN terminals to every domain');
    hygiene(inc.ids, 'gcloud-in', 'broad', 'source any: every domain to the Internet-side file exchange server');
    const firstFloor = this.buildings[0]!.floors[0]!;
    if (this.alpha) {
      const z1 = this.officeZones.find((z) => z.id === x1.zone)!;
      const edge = z1.floor.edge.ids;
      hygiene(edge, 'gcloud-any', 'broad', 'destination any on the floor firewall');
      hygiene(edge, `${z1.section.id}-asp`, 'redundant', 'gcloud-any (https to any) covers the LGWAN-ASP rule');
      if (z1.floor === firstFloor) {
        hygiene(edge, `${z1.section.id}-gcloud`, 'redundant', 'gcloud-any (https to any) covers the government-cloud rule');
        if (firstFloor.zones.length === 1) hygiene(lg.ids, 'gcloud', 'redundant', "the only first-floor zone's gcloud-any covers the gcloud rule");
      }
    } else if ([...this.depts.values()][0]!.vdi!.zone === x1.zone) {
      hygiene(lg.ids, 'gcloud', 'redundant', 'gcloud-any of the same virtual desktops covers the gcloud rule');
    }
    // path-separation (b): a direct hole for one terminal group to the CMS.
    const x2 = lgTerminals();
    edgeRule(x2.pcs, x2.zone, 'cms-direct', [this.h.cms!], ['https']);
    lg.permit(`${x2.zone}-cms-direct`, {
      from: [x2.pcs],
      to: [this.h.cms!],
      service: ['https'],
      in: [x2.in],
      out: ['gcloud'],
      description: 'CMS 直接更新（一時的）',
    });
    if (x2.zone === x1.zone) hygiene(lg.ids, `${x2.zone}-cms-direct`, 'shadowed', 'gcloud-any of the same terminals comes first');
    inc.permit(`${x2.zone}-cms-direct`, {
      from: [x2.pcs],
      to: [this.h.cms!],
      service: ['https'],
      in: ['gcloud'],
      out: ['public'],
      description: 'CMS 直接更新（一時的）',
    });
    add('path-separation', `${x2.zone} → ${this.z.inPublic}`, 'direct-permit', 'one terminal group edits the CMS directly, not by screen transfer');
    // path-separation (c): the Internet side into an LGWAN business server.
    const target = [...this.depts.values()][0]!;
    inc.permit('eapply-any', {
      from: [this.h.eapply!],
      to: ['any'],
      service: ['https'],
      in: ['public'],
      out: ['gcloud'],
      description: '電子申請 → ガバメントクラウド（宛先 any）',
    });
    hygiene(inc.ids, 'eapply-any', 'broad', 'destination any: the e-application server to every domain');
    hygiene(inc.ids, 'eapply-gcloud', 'redundant', 'eapply-any (https to any) covers it');
    lg.permit('eapply-direct', {
      from: [this.h.eapply!],
      to: [target.servers[0]!],
      service: ['https'],
      in: ['gcloud'],
      out: [`dc-${target.dept.id}`],
      description: '電子申請データの直接取込',
    });
    add('path-separation', `${this.z.inPublic} → ${target.zone}`, 'reverse-permit', 'the Internet-side e-application server reaches an LGWAN business server');

    // mynumber-isolation: a mynumber terminal group saves files on the LGWAN file server.
    const w = this.rng.pick(this.mnZones);
    const mnEdge = this.mnEdges.find((e) => e.ifaces.some((f) => f.zone === w.id))!;
    mnEdge.permit(`${w.iface}-file`, {
      from: [w.pcs],
      to: [this.h.fileserver!],
      service: ['smb'],
      in: [w.iface],
      out: ['up'],
      description: '帳票 CSV をファイルサーバへ保存',
    });
    this.mnCore.permit(`${w.id}-file`, { from: [w.pcs], to: [this.h.fileserver!], service: ['smb'], in: [`e-b${w.building}`], out: ['lg1', 'lg2'] });
    lg.permit(`${w.id}-file`, { from: [w.pcs], to: [this.h.fileserver!], service: ['smb'], in: ['mynumber'], out: ['dc-common'] });
    add('mynumber-isolation', `${w.id} → ${this.z.common}`, 'mynumber-to-lgwan', 'mynumber terminals save report files on the LGWAN file server');

    // security-cloud-aggregation: an own ISP line on the Internet firewall.
    const fw0 = inc.ids[0]!;
    inc.iface({ name: 'isp', zone: 'public-internet', description: '独自 ISP 回線（配送遅延対策）' });
    inc.permit('mail-isp', {
      from: [this.h.relay!],
      to: ['public-internet'],
      service: ['smtp'],
      in: ['public'],
      out: ['isp'],
      description: 'メール直接配送（独自回線）',
    });
    add(
      'security-cloud-aggregation',
      `${this.z.inPublic} → public-internet`,
      'own-isp-line',
      `mail relay delivers through an own ISP line on ${fw0}, bypassing the security cloud`,
    );

    // mynumber-exception-scope: an expired exception and an over-broad one.
    doc.exceptions.push({
      id: `${p}-exc-kokuho-old`,
      from: this.h['mn-kokuho']!,
      to: 'chukan-server',
      service: 'tcp/10444',
      justification: '旧国保連携（システム更改前）',
      approver: `${this.name} CISO`,
      expires: '2025-03-31',
      rules: ['mynumber-isolation'],
    });
    add('mynumber-exception-scope', `${p}-exc-kokuho-old`, 'expired-exception', 'exception expired on 2025-03-31 (the firewalls no longer permit its flow)');
    doc.exceptions.push({
      id: `${p}-exc-chukan-broad`,
      from: this.z.mnSrv!,
      to: 'chukan-platform',
      service: 'any',
      justification: '中間サーバー連携（更新時に範囲を広げたもの）',
      approver: `${this.name} CISO`,
      expires: '2030-03-31',
      rules: ['mynumber-isolation'],
    });
    add('mynumber-exception-scope', `${p}-exc-chukan-broad`, 'broad-exception', 'exception names whole zones and every service');

    // The guideline's model rules (no random choice here: the other plants stay as they were).
    // mynumber-internet-isolation: an exception from a My Number server to the Internet side.
    doc.exceptions.push({
      id: `${p}-exc-kokuho-web`,
      from: this.h['mn-kokuho']!,
      to: this.h.relay!,
      service: 'tcp/443',
      justification: '国保 集計ファイルの外部送信',
      approver: `${this.name} 情報政策課長`,
      expires: '2030-03-31',
      rules: ['mynumber-isolation'],
    });
    add('mynumber-internet-isolation', `${p}-exc-kokuho-web`, 'internet-exception', 'an exception names a My Number server and the Internet mail relay');
    // model-placement: a cloud service declared under α or β (only α' allows them).
    doc.cloudServices.push({
      id: `${p}-cs-suite`,
      to: '203.0.113.0/24',
      service: 'https',
      justification: '文書作成クラウドの直接利用',
      approver: `${this.name} CISO`,
      expires: '2030-03-31',
    });
    add('model-placement', `${p}-cs-suite`, 'cloud-service', `a cloud service is declared under ${this.alpha ? 'α' : 'β'}`);
    // internet-endpoint-controls (β: the terminals sit in the Internet domain): a group without EPP.
    if (!this.alpha) {
      const first = this.buildings[0]!.floors[0]!.zones[0]!.pcs;
      doc.hosts.find((h) => h.id === first)!.controls = ['edr', 'patch-management', 'log-collection'];
      add('internet-endpoint-controls', first, 'missing-epp', 'office terminals in the Internet domain without EPP');
    }

    // mynumber-endpoint-controls: a terminal group without data-export blocking.
    const host = this.rng.pick(this.mnZones).pcs;
    const entry = doc.hosts.find((h) => h.id === host)!;
    entry.controls = ['mfa', 'edr', 'log-collection'];
    add('mynumber-endpoint-controls', host, 'missing-controls', 'replaced terminals lack data-export-blocked');

    // intent-reachability: one permit missing on a floor firewall, one on the core.
    const za = take();
    za.floor.edge.remove(`${za.section.id}-${this.alpha ? 'app' : 'mail'}`);
    // β: the zone's old mail rule, if any, was shadowed by the rule just deleted; now it decides.
    if (!this.alpha) for (const d of za.floor.edge.ids) this.doc.unplant('firewall-hygiene', `${d}#${za.section.id}-mail-old (shadowed)`);
    add('intent-reachability', this.legSubject(za), 'missing-edge-permit', `the floor firewall rule for ${za.primaryIntent} was deleted`);
    const zb = take();
    this.officeCore.remove(`${zb.id}-${this.alpha ? 'app' : 'mail'}`);
    add('intent-reachability', this.legSubject(zb), 'missing-core-permit', `the core firewall rule for ${zb.primaryIntent} was deleted`);

    // sanitized-communication: files carried by screen transfer.
    doc.intent(`${p}-file-by-screen`, [this.h.fileExchange!], [this.h.fileserver!], ['smb'], 'ファイル受渡サーバのファイルを画面転送経由で LGWAN へ持ち込む', {
      content: 'file',
      via: [`${p}-san-screen`],
    });
    add('sanitized-communication', `${p}-file-by-screen`, 'wrong-method', 'file content needs file-sanitization, but goes via screen transfer');

    // inventory: an unregistered hub, and an old NAS on the file server's address.
    const zh = take();
    doc.devices.push({ id: `${p}-unknown-hub`, name: '不明なスイッチングハブ', kind: 'switch', interfaces: [{ name: 'port1', zone: zh.id }] });
    add('inventory', `${p}-unknown-hub`, 'device-without-zone', `switch found on ${zh.id} is not registered`);
    doc.hosts.push({ id: `${p}-nas-old`, name: '旧NAS（台帳に残存）', zone: this.z.common, role: 'storage', address: fmt(this.a.fileserver!) });
    doc.hostAddresses += 1;
    add('inventory', `${p}-nas-old`, 'duplicate-address', `old NAS uses ${fmt(this.a.fileserver!)}, the file server's address`);

    // availability: an intent marked resilient behind one floor firewall.
    const zc = take();
    const intent = doc.intents.find((i) => i.id === zc.primaryIntent)!;
    intent.resilient = true;
    add('availability', zc.primaryIntent, 'single-point-of-failure', `${zc.primaryIntent} is marked resilient but runs through one floor firewall`);
  }

  private plantedVdi = 0;

  /** A few terminals of a zone's group (inside it, so that the group's rules cover them). */
  private someTerminals(z: OfficeZone): string {
    const first = z.base + 32;
    return `${fmt(first + Math.min(1, z.terminals - 1))}-${fmt(first + Math.min(8, z.terminals - 1))}`;
  }

  /** Records an old rule that a rule above covers: firewall hygiene reports it as shadowed. */
  private oldRule(devices: readonly string[], id: string, note: string): void {
    for (const d of devices) {
      this.doc.plant({
        rule: 'firewall-hygiene',
        subject: `${d}#${id} (shadowed)`,
        kind: 'shadowed-old-rule',
        municipality: this.code,
        note: `old rule left in place: ${note}`,
      });
    }
  }

  /** Subject of a leg finding for an intent without gateways: "<intent> (<from> → <to>)". */
  private legSubject(z: OfficeZone): string {
    const intent = this.doc.intents.find((i) => i.id === z.primaryIntent)!;
    const list = (v: Plain | undefined): string => (Array.isArray(v) ? v.join(',') : String(v));
    return `${z.primaryIntent} (${list(intent.from)} → ${list(intent.to)})`;
  }

  devices(): Obj[] {
    return [
      ...this.buildings.flatMap((b) => b.floors.flatMap((f) => f.edge.devices().map((d) => ({ ...d, zone: f.zones[0]!.id })))),
      ...this.mnEdges.flatMap((e) => e.devices()),
      ...this.mnCore.devices(),
      ...this.lgCore.devices(),
      ...this.inCore.devices(),
    ];
  }
}

// ---------------------------------------------------------------------------------------

/** Generates a topology; the same options give the same result. */
export function generateTopology(options: GenerateOptions): GenerateResult {
  const spec = SCALES[options.scale];
  const seed = options.seed ?? 1;
  const model = options.model ?? 'alpha';
  const rng = createRng(seed);
  const doc = new Doc();
  const pools = createPools();
  doc.services['atena-api'] = 'tcp/7443';
  doc.services['chukan-renkei'] = 'tcp/10443';

  // Shared, prefecture-wide parts: LGWAN, the 中間サーバー platform, the security cloud.
  doc.zone('lgwan-backbone', 'LGWAN（総合行政ネットワーク / LGWAN-ASP）', 'lgwan-backbone', ip('172.16.0.0'), 13);
  doc.zone('chukan-platform', '中間サーバー・プラットフォーム', 'national', ip('172.24.1.0'));
  doc.server('chukan-server', '中間サーバー（団体内統合宛名連携 受付）', 'chukan-platform', ip(CHUKAN_SERVER));
  doc.zone('sc-services', '自治体情報セキュリティクラウド サービスセグメント', 'security-cloud', ip('192.168.0.0'));
  doc.zone('sc-edge', '自治体情報セキュリティクラウド 外部接続セグメント', 'security-cloud', ip('192.168.1.0'));
  doc.zones.push({ id: 'public-internet', name: 'インターネット', domain: 'public-internet', default: true });
  const scFw = new Firewalls(['sc-fw'], '自治体情報セキュリティクラウド ファイアウォール', 'sc-services');
  scFw.iface({ name: 'svc', zone: 'sc-services', base: ip('192.168.0.0'), offset: 1 });
  scFw.iface({ name: 'edge', zone: 'sc-edge', base: ip('192.168.1.0'), offset: 1 });
  scFw.iface({ name: 'internet', zone: 'public-internet' });
  const shared: Shared = { scFw, lgwanRouters: [] };

  const municipalities = spec.municipalities.map((size, i) => {
    const m = new Municipality(doc, pools, rng, i, size, shared, model, options.violations ?? true);
    m.build();
    options.onProgress?.(i + 1, spec.municipalities.length);
    return m;
  });
  if (options.violations ?? true) for (const i of spec.plantIn) municipalities[i]!.plant();
  scFw.permit('proxy-out', {
    from: [SC_PROXY_OUTSIDE],
    to: ['public-internet'],
    service: ['http', 'https'],
    in: ['edge'],
    out: ['internet'],
    description: 'Web プロキシ → インターネット',
  });

  const devices: Obj[] = [
    ...municipalities.flatMap((m) => m.devices()),
    ...doc.devices,
    {
      id: 'chukan-gw',
      name: '中間サーバー・プラットフォーム 接続ルータ',
      kind: 'router',
      zone: 'chukan-platform',
      interfaces: [
        { name: 'backbone', zone: 'lgwan-backbone', address: '172.23.255.1' },
        { name: 'platform', zone: 'chukan-platform', address: '172.24.1.1' },
      ],
    },
    ...scFw.devices(),
    {
      id: 'sc-proxy',
      name: '自治体情報セキュリティクラウド Web プロキシ',
      kind: 'proxy',
      zone: 'sc-services',
      interfaces: [
        { name: 'inside', zone: 'sc-services', address: SC_PROXY_INSIDE },
        { name: 'outside', zone: 'sc-edge', address: SC_PROXY_OUTSIDE },
      ],
      relays: [
        {
          in: 'inside',
          service: 'http-alt',
          out: 'outside',
          to: 'public-internet',
          toService: ['http', 'https'],
          description: 'URL フィルタ・マルウェア検査の上でインターネットへ',
        },
      ],
    },
  ];

  const names = municipalities.map((m) => m.name);
  const topology: Obj = {
    bunkatsu: 1,
    name:
      municipalities.length === 1
        ? `${names[0]} ネットワーク（生成: ${options.scale}, seed ${seed}）`
        : `${names.length} 団体のネットワーク（生成: ${options.scale}, seed ${seed}）`,
    model,
    description: `bunkatsu generate --scale ${options.scale} --seed ${seed} --model ${model}${options.violations === false ? ' --clean' : ''}: ${spec.description}`,
    services: doc.services,
    zones: doc.zones,
    hosts: doc.hosts,
    devices,
    links: doc.links,
    exceptions: doc.exceptions,
    intents: doc.intents,
    ...(doc.cloudServices.length > 0 ? { cloudServices: doc.cloudServices } : {}),
  };
  const firewalls = devices.filter((d) => d.kind === 'firewall');
  const stats: GenerateStats = {
    zones: doc.zones.length,
    hosts: doc.hostAddresses,
    hostEntries: doc.hosts.length,
    devices: devices.length,
    firewalls: firewalls.length,
    rules: firewalls.reduce((n, d) => n + (d.rules as readonly Plain[]).length, 0),
    links: doc.links.length,
    intents: doc.intents.length,
    exceptions: doc.exceptions.length,
    municipalities: municipalities.length,
  };
  return { topology: topology as unknown as TopologyInput, planted: doc.planted, stats };
}

/** The planted violations and sizes as comment lines for the top of a YAML file. */
export function headerLines(result: GenerateResult, options: GenerateOptions): string[] {
  const s = result.stats;
  const lines = [
    `Generated by: bunkatsu generate --scale ${options.scale} --seed ${options.seed ?? 1} --model ${options.model ?? 'alpha'}${options.violations === false ? ' --clean' : ''}`,
    `Sizes: ${s.zones} zones, ${s.hosts} hosts (${s.hostEntries} entries), ${s.devices} devices (${s.firewalls} firewalls), ${s.rules} firewall rules, ${s.links} links, ${s.intents} intents`,
    '',
    `Planted violations (${result.planted.length}); bunkatsu check reports exactly these (rule: subject):`,
    ...result.planted.map((p) => `  ${p.rule}: ${p.subject}`),
  ];
  return lines;
}
