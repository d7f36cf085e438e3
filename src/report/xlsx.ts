// The 通信マトリクス as an Excel workbook (write-excel-file): one sheet of the rows of matrixRows
// (zone names, domains, services, the sanitizer of each sanitized channel) under a heading naming
// the network, with the header row frozen and filtered; the same columns as the CSV.

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

/** The header row (row 2) across every column: what the filter covers. */
const FILTER_RANGE = `$A$2:$${String.fromCharCode(64 + WIDTHS.length)}$2`;

/** The workbook's bytes (.xlsx). Row 1: the title; row 2: the headings; data from row 3. */
export async function matrixXlsx(network: Network, m: ZoneMatrix, domains: DomainNames, lang: Lang): Promise<Uint8Array> {
  // Loaded on use, so that no other command pays for loading the writer.
  const [{ default: writeExcelFile }, xml] = await Promise.all([import('write-excel-file/node'), import('write-excel-file/utility')]);
  const sheet = M[lang].sheet;
  const head = { fontWeight: 'bold', backgroundColor: '#DDEBF7', bottomBorderStyle: 'thin' } as const;
  const data = [
    [{ value: M[lang].title(network.name), fontWeight: 'bold', fontSize: 13 } as const],
    matrixColumns(lang).map((value) => ({ value, ...head })),
    ...matrixRows(network, m, domains, lang).map(rowCells),
  ];
  // write-excel-file has no autofilter of its own: this adds the sheet's <autoFilter> and the
  // hidden name _xlnm._FilterDatabase that Excel writes with it, each where the schema orders it.
  const autoFilter = {
    files: {
      transform: {
        'xl/worksheets/sheet{id}.xml': {
          transform: (text: string) =>
            xml.insertElementMarkupAccordingToOrderOfSiblings(
              text,
              xml.getSelfClosingTagMarkup('autoFilter', { ref: FILTER_RANGE.replaceAll('$', '') }),
              xml.getOrderOfSiblings('xl/worksheets/sheet{id}.xml', 'worksheet') ?? [],
              'worksheet',
            ),
        },
        'xl/workbook.xml': {
          transform: (text: string) => {
            const name = `${xml.getOpeningTagMarkup('definedName', { name: '_xlnm._FilterDatabase', localSheetId: 0, hidden: 1 })}${xml.sanitizeTextContent(`'${sheet.replaceAll("'", "''")}'!${FILTER_RANGE}`)}${xml.getClosingTagMarkup('definedName')}`;
            const names = xml.findElement(text, 'definedNames');
            if (names) return xml.appendMarkupInsideElement(text, names, name);
            const order = xml.getOrderOfSiblings('xl/workbook.xml', 'workbook') ?? [];
            return xml.insertElementMarkupAccordingToOrderOfSiblings(text, `<definedNames>${name}</definedNames>`, order, 'workbook');
          },
        },
      },
    },
  };
  const bytes = await writeExcelFile(data, { sheet, columns: WIDTHS.map((width) => ({ width })), stickyRowsCount: 2 }, { features: [autoFilter] }).toBuffer();
  return new Uint8Array(bytes);
}
