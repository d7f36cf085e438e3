// The warnings of an import as the user reads them: file:line:column, then the text in their language.

import type { ImportWarning, SkippedSummary } from '../import/config.ts';
import { formatLoc, type Lang } from './describe.ts';

export function importWarningText(w: ImportWarning, lang: Lang): string {
  return `${formatLoc(w.loc)} ${lang === 'ja' ? '警告' : 'warning'}: ${lang === 'ja' ? w.ja : w.en}`;
}

/** One line per file: how many sections that cannot affect forwarding the import read past, by kind. */
export function skippedSummaryText(s: SkippedSummary, lang: Lang): string {
  // The kinds are quoted: they are the configuration's own words, in either language.
  if (lang === 'ja') {
    const kinds = s.sections.map((k) => `"${k.section}" ${k.count}`).join('、');
    return `${s.file}: 転送に影響しない設定 ${s.total} 件を読み飛ばしました（${kinds}）`;
  }
  const kinds = s.sections.map((k) => `"${k.section}" ${k.count}`).join(', ');
  return `${s.file}: ${s.total} ${s.total === 1 ? 'section' : 'sections'} skipped that cannot affect forwarding (${kinds})`;
}
