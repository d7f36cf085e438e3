// Every string the page shows, in Japanese (the default) and English, in the terms an auditor uses.

export type Lang = 'ja' | 'en';

const TEXT = {
  signIn: { ja: 'サインイン', en: 'Sign in' },
  signOut: { ja: 'サインアウト', en: 'Sign out' },
  tokenLabel: { ja: 'プロジェクトのトークン', en: 'Project token' },
  tokenHelp: {
    ja: 'bunkatsu token create で発行したトークンを入力してください。トークンはこのタブのセッションストレージにのみ保存され、URL には含まれません。',
    en: 'Enter a token made with bunkatsu token create. It is kept in this tab’s session storage only, never in a URL.',
  },
  badToken: { ja: 'トークンが無効です（形式の誤り、未登録、または失効）。', en: 'The token is not valid (malformed, unknown or revoked).' },
  projects: { ja: 'プロジェクト', en: 'Projects' },
  noProjects: { ja: 'このトークンで参照できるプロジェクトはありません。', en: 'This token can see no project.' },
  versions: { ja: 'トポロジーの版', en: 'Topology versions' },
  version: { ja: '版', en: 'Version' },
  name: { ja: '名称', en: 'Name' },
  model: { ja: 'モデル', en: 'Model' },
  file: { ja: 'ファイル', en: 'File' },
  created: { ja: '登録日時', en: 'Created' },
  actions: { ja: '操作', en: 'Actions' },
  runCheck: { ja: 'ポリシー検査を実行', en: 'Run policy check' },
  matrix: { ja: 'ゾーン間通信マトリクス', en: 'Zone × zone matrix' },
  review: { ja: '変更レビュー', en: 'Change review' },
  graph: { ja: 'ゾーン構成図', en: 'Zone graph' },
  checks: { ja: 'ポリシー検査', en: 'Policy checks' },
  check: { ja: 'ポリシー検査', en: 'Policy check' },
  reviews: { ja: '変更レビュー', en: 'Change reviews' },
  none: { ja: 'まだありません。', en: 'None yet.' },
  status: { ja: '状態', en: 'Status' },
  summary: { ja: '概要', en: 'Summary' },
  open: { ja: '開く', en: 'Open' },
  loading: { ja: '読み込み中…', en: 'Loading…' },
  running: { ja: '実行中', en: 'Running' },
  queued: { ja: '待機中', en: 'Queued' },
  done: { ja: '完了', en: 'Done' },
  failed: { ja: '失敗', en: 'Failed' },
  progress: { ja: '進捗', en: 'Progress' },
  clauses: { ja: '条項ごとの判定', en: 'Result per clause' },
  clause: { ja: '条項', en: 'Clause' },
  rule: { ja: '検査項目', en: 'Rule' },
  result: { ja: '判定', en: 'Result' },
  pass: { ja: '適合', en: 'Conformant' },
  fail: { ja: '不適合', en: 'Non-conformant' },
  disabled: { ja: '対象外', en: 'Not applied' },
  findings: { ja: '指摘事項', en: 'Findings' },
  showMore: { ja: '残り {n} 件を表示', en: 'Show the other {n}' },
  moreClasses: { ja: '……ほか {n} 件', en: '… and {n} more' },
  noFindings: { ja: '指摘事項はありません。', en: 'No findings.' },
  downloadReport: { ja: '監査報告書（HTML）をダウンロード', en: 'Download the audit report (HTML)' },
  error: { ja: '重大', en: 'Error' },
  warning: { ja: '警告', en: 'Warning' },
  info: { ja: '情報', en: 'Info' },
  errorsWarnings: {
    ja: '重大 {e} 件、警告 {w} 件、情報 {i} 件（検査項目 {r} 件中 {f} 件が不適合）',
    en: '{e} errors, {w} warnings, {i} infos ({f} of {r} rules non-conformant)',
  },
  path: { ja: '通信経路（ホップごと）', en: 'Path, hop by hop' },
  selectFinding: { ja: '指摘を選ぶと、その通信経路を図に表示します。', en: 'Select a finding to show its path on the graph.' },
  packet: { ja: 'パケット例', en: 'Example packet' },
  hopZone: { ja: 'ゾーン {id}', en: 'zone {id}' },
  hopDevice: { ja: '{kind} {id}（入力 {in}、出力 {out}）', en: '{kind} {id} (in {in}, out {out})' },
  hopDeviceEnd: { ja: '{kind} {id}（入力 {in}）', en: '{kind} {id} (in {in})' },
  decidedBy: { ja: 'ルール {id}（{action}） {location}', en: 'rule {id} ({action}) {location}' },
  permit: { ja: '許可', en: 'permit' },
  deny: { ja: '拒否', en: 'deny' },
  zone: { ja: 'ゾーン', en: 'zone' },
  device: { ja: '機器', en: 'device' },
  firewall: { ja: 'ファイアウォール', en: 'firewall' },
  sanitizer: { ja: '無害化装置', en: 'sanitizer' },
  router: { ja: 'ルータ', en: 'router' },
  switch: { ja: 'スイッチ', en: 'switch' },
  proxy: { ja: 'プロキシ', en: 'proxy' },
  hosts: { ja: '端末・サーバ {n} 台', en: '{n} hosts' },
  external: { ja: '外部の領域', en: 'External domains' },
  legendHighlighted: { ja: '選択中の経路', en: 'Selected path' },
  legendOpened: { ja: '開く通信', en: 'Opened flow' },
  legendClosed: { ja: '閉じる通信', en: 'Closed flow' },
  addedByChange: { ja: '（変更で追加）', en: '(added by the change)' },
  level: { ja: '単位', en: 'Level' },
  byZone: { ja: 'ゾーン', en: 'Zones' },
  byDomain: { ja: '領域', en: 'Domains' },
  from: { ja: '送信元', en: 'From' },
  to: { ja: '宛先', en: 'To' },
  services: { ja: 'サービス', en: 'Services' },
  sanitized: { ja: '無害化通信', en: 'Sanitized channel' },
  sanitizedVia: { ja: '無害化（{method}、{sanitizer}）', en: 'sanitized ({method}, {sanitizer})' },
  matrixHelp: {
    ja: '行が送信元、列が宛先です。色が濃いほど多くのサービスが通ります（any が最も濃い）。◆ は無害化装置を経由する通信（無害化通信）です。',
    en: 'Rows are sources, columns destinations. The darker, the more services flow (any is darkest). ◆ marks a sanitized channel (through a sanitizer).',
  },
  flowingPairs: { ja: '通信のある組み合わせ {n} 件', en: '{n} flowing pairs' },
  'mail-text': { ja: 'メールテキスト化', en: 'mail text conversion' },
  'screen-transfer': { ja: '画面転送', en: 'screen transfer' },
  'file-sanitization': { ja: 'ファイル無害化', en: 'file sanitization' },
  changeFile: { ja: '変更ファイル（bunkatsu-change: 1）', en: 'Change file (bunkatsu-change: 1)' },
  pasteHere: { ja: 'ここに変更ファイルを貼り付けるか、ファイルを選択してください。', en: 'Paste a change file here, or choose a file.' },
  chooseFile: { ja: 'ファイルを選択', en: 'Choose a file' },
  filename: { ja: 'ファイル名', en: 'File name' },
  submitReview: { ja: 'レビューを実行', en: 'Run the review' },
  verdict: { ja: '判定', en: 'Verdict' },
  approve: { ja: '承認可（新たな指摘なし）', en: 'Approve: no new findings' },
  reject: { ja: '却下（ポリシー違反を新たに生じる）', en: 'Reject: the change breaks the policy' },
  'needs-attention': { ja: '要確認（人による判断が必要）', en: 'Needs attention: a person should look' },
  opened: { ja: '開く通信', en: 'Flows opened' },
  closed: { ja: '閉じる通信', en: 'Flows closed' },
  findingsIntroduced: { ja: '新たな指摘', en: 'Findings introduced' },
  findingsResolved: { ja: '解消される指摘', en: 'Findings resolved' },
  intentsBroken: { ja: '途絶する必要な通信', en: 'Required flows broken' },
  changes: { ja: '変更内容', en: 'Changes' },
  emptyChange: { ja: '変更ファイルが空です。', en: 'The change file is empty.' },
  crossDomain: { ja: '領域をまたぐ', en: 'across domains' },
  failedRequest: { ja: 'エラー', en: 'Error' },
  fileErrors: { ja: 'ファイルに誤りが {n} 件あります。', en: '{n} errors in the file.' },
  uploadVersion: { ja: 'トポロジーの版を登録', en: 'Upload a topology version' },
  topologyFile: { ja: 'トポロジーファイル（YAML または JSON）', en: 'Topology file (YAML or JSON)' },
  upload: { ja: '登録', en: 'Upload' },
  uploadHelp: {
    ja: '登録の前に bunkatsu check と同じ検証を行います。誤りがあれば行・列とともに示し、何も登録しません。登録には submit 権限のトークンが必要です。',
    en: 'The file is validated as bunkatsu check validates it before it is stored; errors are shown with their line and column, and nothing is stored. Uploading needs a token with the submit scope.',
  },
  uploading: { ja: '登録中…', en: 'Uploading…' },
  uploaded: { ja: '版 {v}（{name}）を登録しました。', en: 'Version {v} ({name}) is stored.' },
  noFileChosen: { ja: 'ファイルを選択してください。', en: 'Choose a file first.' },
  trace: { ja: '経路の追跡', en: 'Trace a flow' },
  traceHelp: {
    ja: '送信元・宛先はホスト、ゾーンまたは機器の ID、any、または IPv4 アドレス・プレフィックス・範囲で、サービスは https、tcp/443、any などで指定します。通信が行き着く先ごとに、その経路と判定したルールを示します。',
    en: 'Give the source and destination as a host, zone or device id, any, or an IPv4 address, prefix or range, and the service as https, tcp/443, any and the like. Each place the flow comes to an end is shown with its path and the deciding rules.',
  },
  source: { ja: '送信元', en: 'Source' },
  destination: { ja: '宛先', en: 'Destination' },
  service: { ja: 'サービス', en: 'Service' },
  runTrace: { ja: '追跡', en: 'Trace' },
  outcomes: { ja: '結果', en: 'Outcomes' },
  noOutcome: { ja: '経路なし: 送信元からどこにも届きません。', en: 'No path: nothing leaves the source towards the destination.' },
  selectOutcome: { ja: '結果を選ぶと、その経路を図に表示します。', en: 'Select an outcome to show its path on the graph.' },
  emptyField: { ja: '送信元・宛先・サービスをすべて入力してください。', en: 'Fill in the source, the destination and the service.' },
  delivered: { ja: '到達', en: 'delivered' },
  local: { ja: '自機宛て', en: 'local' },
  terminated: { ja: '終端', en: 'terminated' },
  refused: { ja: '受付拒否', en: 'refused' },
  denied: { ja: '拒否', en: 'denied' },
  'no-route': { ja: '経路なし', en: 'no route' },
  discarded: { ja: '破棄', en: 'discarded' },
  'not-forwarded': { ja: '転送せず', en: 'not forwarded' },
  'no-path': { ja: '経路なし', en: 'no path' },
  notFound: { ja: 'ページが見つかりません。', en: 'Page not found.' },
  graphNote: {
    ja: 'ゾーンは領域ごとの帯に並び、端末・サーバは個別に描かず台数のみ示します。ホイールで拡大、ドラッグで移動できます。',
    en: 'Zones sit in one band per domain; hosts are not drawn one by one, only counted. Scroll to zoom, drag to pan.',
  },
} as const;

export type TextKey = keyof typeof TEXT;

let current: Lang = (localStorage.getItem('bunkatsu.lang') as Lang | null) === 'en' ? 'en' : 'ja';

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem('bunkatsu.lang', next);
  document.documentElement.lang = next;
}

/** The text of `key` in the current language, with {name} placeholders filled in. */
export function t(key: TextKey, values: Record<string, string | number> = {}): string {
  return TEXT[key][current].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}

/** True when `key` names a text (for values such as a device kind or a sanitizer method). */
export function has(key: string): key is TextKey {
  return Object.hasOwn(TEXT, key);
}

/** A pair of texts from the server ({ja, en}) in the current language. */
export function pick(texts: { readonly ja: string; readonly en: string } | undefined): string {
  return texts === undefined ? '' : texts[current];
}
