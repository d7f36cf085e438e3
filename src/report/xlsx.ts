// The 通信マトリクス as an Excel workbook (exceljs): one sheet of the rows of matrixRows (zone
// names, domains, services, the sanitizer of each sanitized channel) under a heading naming the
// network, with the header row frozen and filtered; the same columns as the CSV.

import type { Network } from '../model/network.ts';
import type { ZoneMatrix } from '../policy/matrix.ts';
import type { Lang } from './describe.ts';
import type { DomainNames } from './diagram.ts';
import { matrixColumns, matrixRows, rowCells } from './matrix.ts';

const M = {
  ja: { sheet: '通信マトリクス', title: (name: string) => `通信マトリクス: ${name}` },
  en: { sheet: 'Communication matrix', title: (name: string) => `Communication matrix: ${name}` },
} as const;

/** Column widths in characters (full-width names need about twice their length). */
const WIDTHS = [18, 28, 22, 18, 28, 22, 30, 28, 22];

/** The workbook's bytes (.xlsx). Row 1: the title; row 2: the headings; data from row 3. */
export async function matrixXlsx(network: Network, m: ZoneMatrix, domains: DomainNames, lang: Lang): Promise<Uint8Array> {
  // Loaded on use: exceljs costs about 0.35 s of CPU to load, which no other command should pay.
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  book.creator = 'bunkatsu';
  const sheet = book.addWorksheet(M[lang].sheet, { views: [{ state: 'frozen', ySplit: 2 }] });
  sheet.addRow([M[lang].title(network.name)]).font = { bold: true, size: 13 };
  const head = sheet.addRow([...matrixColumns(lang)]);
  head.font = { bold: true };
  head.eachCell((c) => {
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
    c.border = { bottom: { style: 'thin' } };
  });
  for (const r of matrixRows(network, m, domains, lang)) sheet.addRow(rowCells(r));
  WIDTHS.forEach((w, i) => {
    sheet.getColumn(i + 1).width = w;
  });
  sheet.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: WIDTHS.length } };
  return new Uint8Array(await book.xlsx.writeBuffer());
}
