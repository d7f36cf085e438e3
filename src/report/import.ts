// The warnings of an import as the user reads them: file:line:column, then the text in their language.

import type { ImportWarning } from '../import/config.ts';
import { formatLoc, type Lang } from './describe.ts';

export function importWarningText(w: ImportWarning, lang: Lang): string {
  return `${formatLoc(w.loc)} ${lang === 'ja' ? '警告' : 'warning'}: ${lang === 'ja' ? w.ja : w.en}`;
}
