// The 通信マトリクス workbook (matrix --format xlsx), read back with exceljs: the heading, the
// columns of the CSV, Japanese zone names and domains, and the sanitizer of each sanitized channel.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engine/registry.ts';
import { zoneMatrix } from '../../src/policy/matrix.ts';
import { matrixRows } from '../../src/report/matrix.ts';
import { matrixXlsx } from '../../src/report/xlsx.ts';
import { loadSample, runCli, seedPack } from '../helpers.ts';

const FILE = 'topologies/alpha-city.yaml';

async function sheetOf(bytes: Uint8Array): Promise<ExcelJS.Worksheet> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  expect(book.worksheets).toHaveLength(1);
  return book.worksheets[0]!;
}

const values = (row: ExcelJS.Row): string[] => (row.values as unknown[]).slice(1).map((v) => (v === undefined || v === null ? '' : String(v)));

describe('通信マトリクス workbook', () => {
  const network = loadSample(FILE);
  const pack = seedPack();
  const matrix = zoneMatrix(network, ENGINES.fast!(network), 'zone');

  it('Japanese: title, headings, one row per flowing pair then per sanitized channel', async () => {
    const sheet = await sheetOf(await matrixXlsx(network, matrix, pack.domains, 'ja'));
    expect(sheet.name).toBe('通信マトリクス');
    expect(sheet.getCell('A1').value).toBe('通信マトリクス: サンプル市 ネットワーク（αモデル）');
    expect(values(sheet.getRow(2))).toEqual(['送信元', '送信元名', '送信元の領域', '宛先', '宛先名', '宛先の領域', 'サービス', '無害化装置', '必要通信']);
    const rows = matrixRows(network, matrix, pack.domains, 'ja');
    expect(sheet.rowCount).toBe(2 + rows.length);
    // The My Number terminals' one flow: to their servers, tcp/8443 (juki-app), inside the domain.
    expect(values(sheet.getRow(3))).toEqual([
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
    const mailOut = Array.from({ length: sheet.rowCount - 2 }, (_, i) => values(sheet.getRow(i + 3))).find((r) => r[8] === 'mail-out');
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
    // The header row stays in view and carries the filter.
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(sheet.autoFilter).toBeDefined();
  });

  it('bunkatsu matrix --format xlsx -o writes the same rows as the CSV; without -o it exits 2', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bunkatsu-xlsx-')), 'm.xlsx');
    const r = await runCli(['matrix', FILE, '--format', 'xlsx', '--lang', 'en', '-o', out]);
    expect(r.code).toBe(0);
    const sheet = await sheetOf(readFileSync(out));
    expect(sheet.name).toBe('Communication matrix');
    const csv = await runCli(['matrix', FILE, '--format', 'csv', '--lang', 'en']);
    const lines = csv.out.split('\n');
    expect(sheet.rowCount).toBe(1 + lines.length);
    expect(values(sheet.getRow(2))).toEqual(lines[0]!.split(','));
    const last = values(sheet.getRow(sheet.rowCount));
    expect(lines.at(-1)).toBe(last.join(','));
    const none = await runCli(['matrix', FILE, '--format', 'xlsx']);
    expect(none.code).toBe(2);
    expect(none.err).toContain('--format xlsx writes a workbook: give -o <file>.xlsx');
  });
});
