// NetBox's database dumps as NetBox objects: a pg_dump SQL file (the COPY blocks of the tables
// below) or Django `dumpdata` JSON (`[{model, pk, fields}]`), as netbox-community/netbox-demo-data
// ships them. Rows are turned into the REST API's shape, which netbox.ts reads, each object
// keeping the line (and, in SQL, the column) of every field it came from.

import { type Bilingual, type Diagnostic, InputError, type Loc, refuseBinary } from '../errors.ts';
import type { SourceDocument } from '../model/source.ts';

/** A NetBox object in the REST API's shape, with where each of its fields was read. */
export interface NetboxObject {
  readonly value: Record<string, unknown>;
  /** Where a top-level field (or, without one, the object) is in the export. */
  readonly at: (field?: string) => Loc;
}

export const NETBOX_KEYS = ['regions', 'site_groups', 'sites', 'tenants', 'devices', 'interfaces', 'ip_addresses', 'prefixes', 'vlans', 'cables'] as const;
export type NetboxKey = (typeof NETBOX_KEYS)[number];
export type NetboxObjects = Record<NetboxKey, NetboxObject[]>;

/** The Django models read, by label; pg_dump names each table app_model (content types: django_content_type). */
const MODELS = [
  'contenttypes.contenttype',
  'dcim.region',
  'dcim.sitegroup',
  'dcim.site',
  'dcim.location',
  'tenancy.tenant',
  'dcim.devicerole',
  'dcim.device',
  'dcim.interface',
  'ipam.ipaddress',
  'ipam.role',
  'ipam.prefix',
  'ipam.vlan',
  'extras.tag',
  'extras.taggeditem',
  'dcim.cable',
  'dcim.cabletermination',
] as const;
type Model = (typeof MODELS)[number];
const MODEL_OF_TABLE: ReadonlyMap<string, Model> = new Map(
  MODELS.map((m) => [m === 'contenttypes.contenttype' ? 'django_content_type' : m.replace('.', '_'), m] as const),
);

/** A row of a model: its fields by Django field name (a foreign key also by its column name, `site_id`). */
interface Row {
  readonly pk: number | undefined;
  get(field: string): unknown;
  at(field?: string): Loc;
}
type Tables = ReadonlyMap<Model, readonly Row[]>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
/** A foreign key or number: a JSON number, or the digits of an SQL field. */
const idOf = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]{1,15}$/.test(v) ? Number(v) : undefined);

// ── pg_dump: COPY … FROM stdin blocks ──────────────────────────────────────────────────────

const COPY = /^COPY\s+(?:(?:"[^"]+"|[A-Za-z_][A-Za-z0-9_$]*)\.)?(?:"([^"]+)"|([A-Za-z_][A-Za-z0-9_$]*))\s*\(([^)]*)\)\s+FROM\s+stdin;$/;
const ESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/**
 * The value of one field of PostgreSQL's COPY text format: `\N` alone is NULL; `\b \f \n \r \t
 * \v`, `\` and 1-3 octal digits, `\x` and 1-2 hex digits are escapes; a backslash before any
 * other character stands for that character. Undefined: a backslash ends the field. (An octal
 * or hex escape is one byte, read here as one character: pg_dump writes UTF-8 text as it is.)
 */
export function unescapeCopyField(raw: string): string | null | undefined {
  if (raw === '\\N') return null;
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = raw[++i];
    if (n === undefined) return undefined;
    const octal = /^[0-7]{1,3}/.exec(raw.slice(i, i + 3));
    const hex = n === 'x' ? /^[0-9A-Fa-f]{1,2}/.exec(raw.slice(i + 1, i + 3)) : null;
    if (octal) {
      out += String.fromCharCode(Number.parseInt(octal[0], 8) & 0xff);
      i += octal[0].length - 1;
    } else if (hex) {
      out += String.fromCharCode(Number.parseInt(hex[0], 16));
      i += hex[0].length;
    } else out += ESCAPES[n] ?? n;
  }
  return out;
}

/**
 * Reads a pg_dump file one line at a time (so it can be fed from a stream): the rows of the
 * COPY blocks of the tables NetBox keeps its objects in; every other statement is skipped.
 */
export class CopyReader {
  private readonly tables = new Map<Model, Row[]>();
  private readonly problems: Diagnostic[] = [];
  private block: { table: string; model?: Model; columns: Map<string, number>; count: number; line: number; rows: Row[] } | undefined;
  private lineNo = 0;

  constructor(private readonly file: string) {}

  line(text: string): void {
    this.lineNo++;
    const line = text.endsWith('\r') ? text.slice(0, -1) : text;
    const block = this.block;
    if (!block) {
      if (line.startsWith('COPY ')) this.open(line);
      return;
    }
    if (line === '\\.') {
      if (block.model) this.tables.set(block.model, [...(this.tables.get(block.model) ?? []), ...block.rows]);
      this.block = undefined;
      return;
    }
    if (block.model) this.row(block, line);
  }

  /** The rows read, by model; throws InputError with every problem at its line:column. */
  end(): Tables {
    if (this.block) {
      this.problem(this.block.line, 1, {
        en: `the dump ends inside the COPY block of ${this.block.table}: no "\\." line closes it (the file is cut off; dump it again)`,
        ja: `${this.block.table} の COPY ブロックの途中でダンプが終わっています（"\\." の行がありません。ファイルが途中で切れているため、ダンプし直してください）`,
      });
    }
    if (this.problems.length === 0 && ![...this.tables.keys()].some((m) => m === 'dcim.device' || m === 'ipam.prefix')) {
      this.problem(1, 1, {
        en: 'no COPY block of dcim_device or ipam_prefix: this is not a pg_dump of a NetBox database (pg_dump --inserts is not read; dump with COPY, the default)',
        ja: 'dcim_device と ipam_prefix の COPY ブロックがありません。NetBox データベースの pg_dump ではありません（pg_dump --inserts の形式は読めません。既定の COPY 形式でダンプしてください）',
      });
    }
    if (this.problems.length > 0) throw new InputError(this.problems);
    return this.tables;
  }

  private problem(line: number, column: number, text: Bilingual): void {
    this.problems.push({ code: 'BNK_ERR_SYNTAX', message: text.en, ja: text.ja, loc: { file: this.file, line, column } });
  }

  private open(line: string): void {
    const m = COPY.exec(line);
    if (!m) {
      this.problem(this.lineNo, 1, {
        en: 'a COPY line that pg_dump does not write: expected COPY [schema.]table (column, …) FROM stdin;',
        ja: 'pg_dump が書かない形の COPY 行です（COPY [スキーマ.]テーブル (列, …) FROM stdin; の形が必要です）',
      });
      // The rows that follow still end at "\.": skip them.
      this.block = { table: '?', columns: new Map(), count: 0, line: this.lineNo, rows: [] };
      return;
    }
    const table = (m[1] ?? m[2])!;
    const names = m[3]!.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    this.block = { table, model: MODEL_OF_TABLE.get(table), columns: new Map(names.map((c, i) => [c, i])), count: names.length, line: this.lineNo, rows: [] };
  }

  private row(block: NonNullable<CopyReader['block']>, line: string): void {
    const raw = line.split('\t');
    const starts: number[] = [];
    let column = 1;
    for (const f of raw) {
      starts.push(column);
      column += f.length + 1;
    }
    if (raw.length !== block.count) {
      const at = raw.length > block.count ? starts[block.count]! : line.length + 1;
      this.problem(this.lineNo, at, {
        en: `this row of ${block.table} has ${raw.length} tab-separated fields, but its COPY line (line ${block.line}) names ${block.count} columns`,
        ja: `${block.table} のこの行はタブ区切りで ${raw.length} 項目ありますが、COPY 行（${block.line} 行目）の列は ${block.count} 個です`,
      });
      return;
    }
    const values: Array<string | null> = [];
    for (let i = 0; i < raw.length; i++) {
      const v = unescapeCopyField(raw[i]!);
      if (v === undefined) {
        this.problem(this.lineNo, starts[i]! + raw[i]!.length - 1, {
          en: 'a backslash ends the field: COPY escapes it as \\\\',
          ja: '項目がバックスラッシュで終わっています（COPY ではバックスラッシュ自体を \\\\ と書きます）',
        });
        return;
      }
      values.push(v);
    }
    const { file } = this;
    const lineNo = this.lineNo;
    const index = (field: string): number | undefined => block.columns.get(field) ?? block.columns.get(`${field}_id`);
    const id = block.columns.get('id');
    block.rows.push({
      pk: id === undefined ? undefined : idOf(values[id]),
      get: (field) => {
        const i = index(field);
        return i === undefined ? undefined : values[i];
      },
      at: (field) => {
        const i = field === undefined ? undefined : index(field);
        return { file, line: lineNo, column: i === undefined ? 1 : starts[i]! };
      },
    });
  }
}

/** Reads a whole pg_dump text (see CopyReader); refuses a binary file. */
export function readSqlDump(text: string, file: string): Tables {
  refuseBinary(text, file);
  const reader = new CopyReader(file);
  let pos = 0;
  while (pos < text.length) {
    const end = text.indexOf('\n', pos);
    reader.line(text.slice(pos, end < 0 ? text.length : end));
    pos = end < 0 ? text.length : end + 1;
  }
  return reader.end();
}

/** True when the text is an SQL dump rather than a JSON or YAML document: its first line is SQL. */
export function looksLikeSql(text: string): boolean {
  const first = /^\s*(\S[^\n]*)/.exec(text.slice(0, 4096))?.[1] ?? '';
  // `--` alone or before a space is an SQL comment; `---` starts a YAML document.
  return /^(--(\s|$)|\\restrict\b|SET\s|COPY\s|CREATE\s|SELECT\s|BEGIN;)/.test(first);
}

// ── Django dumpdata: [{model, pk, fields}] ─────────────────────────────────────────────────

/** The rows of a dumpdata document (already read); throws InputError at a malformed entry. */
export function readDumpdata(doc: SourceDocument, list: readonly unknown[]): Tables {
  const tables = new Map<Model, Row[]>();
  const problems: Diagnostic[] = [];
  list.forEach((entry, i) => {
    if (!isRecord(entry) || typeof entry.model !== 'string' || !isRecord(entry.fields)) {
      problems.push({
        code: 'BNK_ERR_SCHEMA',
        message: 'a dumpdata fixture is a list of {"model", "pk", "fields"} objects',
        ja: '"dumpdata" のデータは {"model", "pk", "fields"} のオブジェクトのリストです',
        loc: doc.locate([i]),
      });
      return;
    }
    const model = MODELS.find((m) => m === entry.model);
    if (!model) return;
    const fields = entry.fields;
    const rows = tables.get(model) ?? [];
    rows.push({
      pk: idOf(entry.pk),
      get: (field) => fields[field],
      at: (field) => doc.locate(field === undefined ? [i] : [i, 'fields', field]),
    });
    tables.set(model, rows);
  });
  if (problems.length === 0 && !tables.has('dcim.device') && !tables.has('ipam.prefix')) {
    problems.push({
      code: 'BNK_ERR_SCHEMA',
      message: 'no dcim.device or ipam.prefix objects: this is not a dumpdata of a NetBox database',
      ja: 'dcim.device と ipam.prefix のオブジェクトがありません。NetBox データベースの "dumpdata" ではありません',
      loc: doc.locate([]),
    });
  }
  if (problems.length > 0) throw new InputError(problems);
  return tables;
}

// ── Rows → objects in the REST API's shape ────────────────────────────────────────────────

/**
 * The objects of the dump as the REST API writes them: foreign keys become nested `{id, slug}`
 * (roles, sites, tenants) or ids (devices, interfaces, VLANs), content types `app.model`, tags
 * a list of `{slug}`. Each object's `at` is its row's.
 */
export function dumpObjects(tables: Tables): NetboxObjects {
  // By primary key: pg_dump writes rows in their physical order, which updates reshuffle.
  const rows = (m: Model): readonly Row[] => [...(tables.get(m) ?? [])].sort((a, b) => (a.pk ?? 0) - (b.pk ?? 0));
  const contentTypes = new Map(rows('contenttypes.contenttype').map((r) => [r.pk, `${r.get('app_label')}.${r.get('model')}`]));
  /** A content type: SQL writes its id, dumpdata its natural key ["dcim", "interface"]. */
  const contentType = (v: unknown): string | undefined => {
    const id = idOf(v);
    return Array.isArray(v) ? v.join('.') : id === undefined ? undefined : contentTypes.get(id);
  };
  const slugs = (m: Model): Map<number | undefined, string | undefined> => new Map(rows(m).map((r) => [r.pk, str(r.get('slug'))]));
  const nested = (bySlug: Map<number | undefined, string | undefined>, v: unknown): { id: number; slug: string } | undefined => {
    const id = idOf(v);
    const slug = id === undefined ? undefined : bySlug.get(id);
    return id !== undefined && slug ? { id, slug } : undefined;
  };
  const siteSlugs = slugs('dcim.site');
  const regionSlugs = slugs('dcim.region');
  const groupSlugs = slugs('dcim.sitegroup');
  const tenantSlugs = slugs('tenancy.tenant');
  const deviceRoles = slugs('dcim.devicerole');
  const prefixRoles = slugs('ipam.role');
  const tagSlugs = slugs('extras.tag');
  const locationSite = new Map(rows('dcim.location').map((r) => [r.pk, idOf(r.get('site'))]));
  const tags = new Map<string, Array<{ slug: string }>>();
  for (const r of rows('extras.taggeditem')) {
    const slug = tagSlugs.get(idOf(r.get('tag')));
    if (!slug) continue;
    const key = `${contentType(r.get('content_type'))}:${idOf(r.get('object_id'))}`;
    tags.set(key, [...(tags.get(key) ?? []), { slug }]);
  }
  const tagsOf = (model: string, r: Row) => tags.get(`${model}:${r.pk}`);
  const object = (r: Row, value: Record<string, unknown>): NetboxObject => ({ value: { id: r.pk, ...value }, at: r.at });
  const place = (r: Row, site: unknown) => ({ site: nested(siteSlugs, site), tenant: nested(tenantSlugs, r.get('tenant')) });

  const cables = new Map<number | undefined, { row: Row; a: unknown[]; b: unknown[] }>();
  for (const r of rows('dcim.cable')) {
    // NetBox before 3.3 kept one termination per end on the cable itself.
    const end = (e: 'a' | 'b') => {
      const type = contentType(r.get(`termination_${e}_type`));
      return type ? [{ object_type: type, object_id: idOf(r.get(`termination_${e}_id`)) }] : [];
    };
    cables.set(r.pk, { row: r, a: end('a'), b: end('b') });
  }
  for (const r of rows('dcim.cabletermination')) {
    const id = idOf(r.get('cable'));
    const cable = cables.get(id) ?? { row: r, a: [], b: [] };
    (r.get('cable_end') === 'B' ? cable.b : cable.a).push({
      // An unknown content type must not read as an interface (the REST shape's default).
      object_type: contentType(r.get('termination_type')) ?? null,
      object_id: idOf(r.get('termination_id')),
    });
    cables.set(id, cable);
  }

  /** Regions and site groups: trees, each node with its parent. */
  const tree = (m: Model) =>
    rows(m).map((r) =>
      object(r, { name: r.get('name'), slug: r.get('slug'), parent: idOf(r.get('parent')) === undefined ? null : { id: idOf(r.get('parent')) } }),
    );

  return {
    regions: tree('dcim.region'),
    site_groups: tree('dcim.sitegroup'),
    sites: rows('dcim.site').map((r) =>
      object(r, {
        name: r.get('name'),
        slug: r.get('slug'),
        region: nested(regionSlugs, r.get('region')),
        group: nested(groupSlugs, r.get('group')),
        tenant: nested(tenantSlugs, r.get('tenant')),
      }),
    ),
    tenants: rows('tenancy.tenant').map((r) => object(r, { name: r.get('name'), slug: r.get('slug') })),
    devices: rows('dcim.device').map((r) =>
      object(r, { name: r.get('name'), role: nested(deviceRoles, r.get('role') ?? r.get('device_role')), ...place(r, r.get('site')) }),
    ),
    interfaces: rows('dcim.interface').map((r) =>
      object(r, {
        name: r.get('name'),
        device: { id: idOf(r.get('device')) },
        mode: r.get('mode'),
        untagged_vlan: idOf(r.get('untagged_vlan')) === undefined ? undefined : { id: idOf(r.get('untagged_vlan')) },
      }),
    ),
    ip_addresses: rows('ipam.ipaddress').map((r) =>
      object(r, {
        address: r.get('address'),
        assigned_object_type: contentType(r.get('assigned_object_type')) ?? null,
        assigned_object_id: idOf(r.get('assigned_object_id')),
        tenant: nested(tenantSlugs, r.get('tenant')),
      }),
    ),
    prefixes: rows('ipam.prefix').map((r) => {
      // The site: `site` before NetBox 4.2, then the scope (a site, or a location at a site) and its cached `_site`.
      const scope = contentType(r.get('scope_type'));
      const scopeId = idOf(r.get('scope_id'));
      const site =
        idOf(r.get('site')) ?? idOf(r.get('_site')) ?? (scope === 'dcim.site' ? scopeId : scope === 'dcim.location' ? locationSite.get(scopeId) : undefined);
      const custom = r.get('custom_field_data');
      return object(r, {
        prefix: r.get('prefix'),
        status: r.get('status'),
        description: r.get('description'),
        role: nested(prefixRoles, r.get('role')),
        tags: tagsOf('ipam.prefix', r),
        vlan: idOf(r.get('vlan')) === undefined ? undefined : { id: idOf(r.get('vlan')) },
        custom_fields: typeof custom === 'string' ? parseJsonObject(custom) : custom,
        // A prefix scoped to a region or site group (NetBox 4.2) is in it, as the REST API says.
        ...(scope === 'dcim.region' || scope === 'dcim.sitegroup' ? { scope_type: scope, scope: { id: scopeId } } : {}),
        ...place(r, site),
      });
    }),
    vlans: rows('ipam.vlan').map((r) =>
      object(r, {
        vid: idOf(r.get('vid')),
        name: r.get('name'),
        role: nested(prefixRoles, r.get('role')),
        tags: tagsOf('ipam.vlan', r),
        ...place(r, r.get('site')),
      }),
    ),
    cables: [...cables].sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0)).map(([id, c]) => ({ value: { id, a_terminations: c.a, b_terminations: c.b }, at: c.row.at })),
  };
}

/** An SQL jsonb field (custom_field_data) as an object; anything else reads as none. */
function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
