// The 通信マトリクス workbook (matrix --format xlsx), read back from its parts (unzipped with
// fflate, the XML parsed with fast-xml-parser): the heading, the columns of the CSV, Japanese zone
// names and domains, the sanitizer of each sanitized channel, and what a reader sees of its
// layout: bold title and headings, the headings filled, rows 1-2 frozen, the filter on row 2 and
// the column widths.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engine/registry.ts';
import { zoneMatrix } from '../../src/policy/matrix.ts';
import { matrixRows } from '../../src/report/matrix.ts';
import { matrixXlsx } from '../../src/report/xlsx.ts';
import { loadSample, runCli, seedPack } from '../helpers.ts';

const FILE = 'topologies/alpha-city.yaml';

// biome-ignore lint/suspicious/noExplicitAny: parsed XML, whose shape the assertions check
type Xml = { [key: string]: any };

interface Style {
  bold: boolean;
  size?: string;
  fill?: string;
}

interface Sheet {
  name: string;
  /** Row r (1-based) as its cells' text, empty cells as ''. */
  rows: Map<number, string[]>;
  rowCount: number;
  style: (ref: string) => Style;
  pane: Xml | undefined;
  autoFilter: string | undefined;
  widths: number[];
  /** The workbook's defined names: name → its text. */
  names: Record<string, string>;
}

const LISTS = new Set(['sheet', 'definedName', 'si', 'r', 'row', 'c', 'col', 'font', 'fill', 'border', 'xf']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && LISTS.has(name),
});

const text = (t: unknown): string => (typeof t === 'string' ? t : t && typeof t === 'object' ? String((t as Xml)['#text'] ?? '') : '');
const column = (ref: string): number => [...ref.replace(/\d+$/, '')].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;

function sheetOf(bytes: Uint8Array): Sheet {
  const files = unzipSync(bytes);
  const part = (path: string): Xml => {
    expect(files[path], path).toBeDefined();
    return parser.parse(strFromU8(files[path]!)) as Xml;
  };
  const book = part('xl/workbook.xml').workbook;
  expect(book.sheets.sheet).toHaveLength(1);
  const strings: string[] = (part('xl/sharedStrings.xml').sst.si ?? []).map((si: Xml) =>
    si.t !== undefined ? text(si.t) : (si.r ?? []).map((r: Xml) => text(r.t)).join(''),
  );
  const ws = part('xl/worksheets/sheet1.xml').worksheet;
  const rows = new Map<number, string[]>();
  const styleIds = new Map<string, number>();
  for (const row of ws.sheetData.row ?? []) {
    const cells: string[] = [];
    for (const c of row.c ?? []) {
      const value = c.t === 's' ? strings[Number(text(c.v))]! : c.t === 'inlineStr' ? text(c.is?.t) : text(c.v);
      cells[column(c.r)] = value;
      styleIds.set(c.r, Number(c.s ?? 0));
    }
    rows.set(
      Number(row.r),
      Array.from(cells, (v) => v ?? ''),
    );
  }
  const styles = part('xl/styles.xml').styleSheet;
  const style = (ref: string): Style => {
    const xf = styles.cellXfs.xf[styleIds.get(ref) ?? 0] ?? {};
    const font = styles.fonts.font[Number(xf.fontId ?? 0)] ?? {};
    const fill = styles.fills.fill[Number(xf.fillId ?? 0)]?.patternFill;
    return { bold: font.b !== undefined, size: font.sz?.val, fill: fill?.patternType === 'solid' ? fill.fgColor?.rgb : undefined };
  };
  const widths: number[] = [];
  for (const col of ws.cols?.col ?? []) for (let i = Number(col.min); i <= Number(col.max); i++) widths[i - 1] = Number(col.width);
  return {
    name: book.sheets.sheet[0].name,
    rows,
    rowCount: Math.max(0, ...rows.keys()),
    style,
    pane: ws.sheetViews?.sheetView?.pane,
    autoFilter: ws.autoFilter?.ref,
    widths,
    names: Object.fromEntries((book.definedNames?.definedName ?? []).map((d: Xml) => [d.name, text(d)])),
  };
}

/** Row r's cells, as many as the headings (a row ending in empty cells stores fewer). */
const values = (sheet: Sheet, r: number): string[] => Array.from({ length: 9 }, (_, i) => sheet.rows.get(r)?.[i] ?? '');

describe('通信マトリクス workbook', () => {
  const network = loadSample(FILE);
  const pack = seedPack();
  const matrix = zoneMatrix(network, ENGINES.fast!(network), 'zone');

  it('Japanese: title, headings, one row per flowing pair then per sanitized channel', async () => {
    const sheet = sheetOf(await matrixXlsx(network, matrix, pack.domains, 'ja'));
    expect(sheet.name).toBe('通信マトリクス');
    expect(sheet.rows.get(1)?.[0]).toBe('通信マトリクス: サンプル市 ネットワーク（αモデル）');
    expect(values(sheet, 2)).toEqual(['送信元', '送信元名', '送信元の領域', '宛先', '宛先名', '宛先の領域', 'サービス', '無害化装置', '必要通信']);
    const rows = matrixRows(network, matrix, pack.domains, 'ja');
    expect(sheet.rowCount).toBe(2 + rows.length);
    // The My Number terminals' one flow: to their servers, tcp/8443 (juki-app), inside the domain.
    expect(values(sheet, 3)).toEqual([
      'mn-juki-term',
      '住民記録系 端末セグメント',
      'マイナンバー利用事務系',
      'mn-servers',
      'マイナンバー利用事務系 サーバセグメント',
      'マイナンバー利用事務系',
      'tcp/8443',
      '',
      '',
    ]);
    // Mail leaves the LGWAN servers for the Internet side only through the mail sanitizer (intent mail-out).
    const mailOut = Array.from({ length: sheet.rowCount - 2 }, (_, i) => values(sheet, i + 3)).find((r) => r[8] === 'mail-out');
    expect(mailOut).toEqual([
      'lg-servers',
      'LGWAN接続系 サーバセグメント',
      'LGWAN接続系',
      'inet-public',
      '公開サーバセグメント（インターネット接続系）',
      'インターネット接続系',
      'tcp/25',
      'san-mail (mail-text)',
      'mail-out',
    ]);
    // Row 1 bold at 13 pt; the headings bold on a light blue fill; the data plain.
    expect(sheet.style('A1')).toEqual({ bold: true, size: '13', fill: undefined });
    for (const ref of ['A2', 'E2', 'I2']) expect(sheet.style(ref)).toEqual({ bold: true, size: undefined, fill: 'FFDDEBF7' });
    expect(sheet.style('A3')).toEqual({ bold: false, size: undefined, fill: undefined });
    // Rows 1-2 stay in view (frozen pane: the first scrolling row is row 3); the filter sits on
    // the headings across all nine columns, with the hidden name Excel keeps for it.
    expect(sheet.pane).toMatchObject({ state: 'frozen', ySplit: '2', topLeftCell: 'A3' });
    expect(sheet.autoFilter).toBe('A2:I2');
    expect(sheet.names['_xlnm._FilterDatabase']).toBe("'通信マトリクス'!$A$2:$I$2");
    // Full-width names get the wider columns (widths in characters, as in src/report/xlsx.ts).
    expect(sheet.widths).toEqual([18, 28, 22, 18, 28, 22, 30, 28, 22]);
  });

  it('bunkatsu matrix --format xlsx -o writes the same rows as the CSV; without -o it exits 2', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bunkatsu-xlsx-')), 'm.xlsx');
    const r = await runCli(['matrix', FILE, '--format', 'xlsx', '--lang', 'en', '-o', out]);
    expect(r.code).toBe(0);
    const sheet = sheetOf(readFileSync(out));
    expect(sheet.name).toBe('Communication matrix');
    const csv = await runCli(['matrix', FILE, '--format', 'csv', '--lang', 'en']);
    const lines = csv.out.split('\n');
    expect(sheet.rowCount).toBe(1 + lines.length);
    expect(values(sheet, 2)).toEqual(lines[0]!.split(','));
    const last = values(sheet, sheet.rowCount);
    expect(lines.at(-1)).toBe(last.join(','));
    const none = await runCli(['matrix', FILE, '--format', 'xlsx']);
    expect(none.code).toBe(2);
    expect(none.err).toContain('--format xlsx writes a workbook: give -o <file>.xlsx');
  });
});
