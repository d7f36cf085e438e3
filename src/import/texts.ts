// The wording several importers share, in both languages: each importer words its own
// diagnostics and warnings where it raises them ({ en, ja }), and takes these where the same
// thing goes wrong in several vendors' files. Configuration words stay as written, quoted.

import type { Bilingual } from '../errors.ts';

export const UNTERMINATED_QUOTE: Bilingual = { en: 'unterminated quoted string', ja: '引用符で囲んだ文字列が閉じていません' };

/** A group that contains itself through `trail` (its names, the group first and last). */
export function containsItself(what: Bilingual, name: string, trail: readonly string[]): Bilingual {
  return {
    en: `${what.en} "${name}" contains itself (${trail.join(' → ')})`,
    ja: `${what.ja} "${name}" が自身を含んでいます（${trail.join(' → ')}）`,
  };
}

/** A reference to an object the configuration does not define; `where` says where it would be. */
export function notDefined(what: Bilingual, name: string, where?: Bilingual): Bilingual {
  return {
    en: `${what.en} "${name}" is not defined${where ? ` (${where.en})` : ''}`,
    ja: `${what.ja} "${name}" は定義されていません${where ? `（${where.ja}）` : ''}`,
  };
}

export const ADDRESS_GROUP: Bilingual = { en: 'address group', ja: 'アドレスグループ' };
export const SERVICE_GROUP: Bilingual = { en: 'service group', ja: 'サービスグループ' };
export const CHAIN: Bilingual = { en: 'chain', ja: 'チェーン' };

/** An object defined twice; `what` as the configuration writes it (`ip filter 10`). */
export function definedTwice(what: string, firstLine: number): Bilingual {
  return { en: `${what} is defined twice (first at line ${firstLine})`, ja: `${what} が2回定義されています（最初は ${firstLine} 行目）` };
}
