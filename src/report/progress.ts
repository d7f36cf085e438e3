// The phases of long work, as a progress bar names them, in both languages.

import type { Localized } from '../policy/types.ts';

export const PROGRESS_PHASES = {
  read: { ja: 'ファイルの読み込み', en: 'reading' },
  parse: { ja: '構文の解析', en: 'parsing' },
  validate: { ja: '構成の検証', en: 'validating' },
  rules: { ja: 'ポリシーの検査', en: 'checking rules' },
  generate: { ja: 'トポロジーの生成', en: 'generating' },
  write: { ja: '書き出し', en: 'writing' },
  import: { ja: '設定の取り込み', en: 'importing' },
  compose: { ja: 'トポロジーの組み立て', en: 'composing' },
  replay: { ja: '更新の再生', en: 'replaying updates' },
  dataplane: { ja: 'データプレーンの検査', en: 'data-plane check' },
} as const satisfies Record<string, Localized>;

export type ProgressPhase = keyof typeof PROGRESS_PHASES;
