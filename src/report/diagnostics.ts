// Input errors (file:line:column code message) in the user's language. The importers word their
// diagnostics in both languages where they raise them (Diagnostic.ja); the readers, the schema
// and the model word theirs in English, and this table gives each wording its Japanese form.
// A message neither knows is printed with its code's meaning in Japanese and the English text
// in 「」 (tests/cli/japanese.test.ts runs every sample error through it, and fails on that).

import { type Diagnostic, type ErrorCode, formatDiagnostic } from '../errors.ts';
import type { Localized } from '../policy/types.ts';
import { type Lang, formatLoc } from './describe.ts';

/** What each code means, in both languages (the English is docs/api.md's). */
export const ERROR_MEANINGS: { readonly [C in ErrorCode]: string } = {
  BNK_ERR_USAGE: 'コマンドまたは要求の指定に誤りがあります（引数の不足または不明な引数）',
  BNK_ERR_FILE_NOT_FOUND: '指定されたファイルが存在しないか、読み込めません',
  BNK_ERR_FILE_TOO_LARGE: '入力がサイズの上限を超えています',
  BNK_ERR_ENCODING: '入力が UTF-8 ではありません（Shift_JIS で保存されているなど）',
  BNK_ERR_SYNTAX: '構文が正しくありません（YAML・JSON・機器設定の書式に合いません）',
  BNK_ERR_ALIAS_LIMIT: 'YAML のエイリアスの展開が多すぎます',
  BNK_ERR_TOO_DEEP: '入れ子が上限より深くなっています',
  BNK_ERR_FORBIDDEN_KEY: 'オブジェクトを書き換えうるキー（__proto__ など）は使えません',
  BNK_ERR_SCHEMA: '項目の不足、不明な項目、型の誤り、または範囲外の値があります',
  BNK_ERR_DUPLICATE_ID: 'ID が重複しています',
  BNK_ERR_UNKNOWN_REF: '宣言されていないゾーン・ホスト・機器・インタフェース・ゲートウェイ・サービスを参照しています',
  BNK_ERR_INVALID_ADDRESS: 'IPv4 アドレス、プレフィックスまたは範囲の書き方が誤っています',
  BNK_ERR_INVALID_SERVICE: 'サービス、プロトコルまたはポート範囲の書き方が誤っています',
  BNK_ERR_ADDRESS_OUTSIDE_ZONE: 'ホストまたはインタフェースのアドレスが所属ゾーンのサブネットの外にあります',
  BNK_ERR_SUBNET_OVERLAP: '異なる領域のゾーンのサブネットが重なっているか、同じサブネットを2つのゾーンが宣言しています',
  BNK_ERR_UNKNOWN_DOMAIN: 'ポリシーパックが宣言していない領域をゾーンが指定しています',
  BNK_ERR_LIMIT_EXCEEDED: '件数（ルール、ホスト、経路）が安全のための上限を超えています',
  BNK_ERR_POLICY: 'ポリシーパックが正しくありません（不明なルール、誤ったパラメータ）',
  BNK_ERR_UNAUTHORIZED: 'トークンがないか、不明・不正・失効したトークンです',
  BNK_ERR_FORBIDDEN: 'トークンに要求に必要な権限がありません',
  BNK_ERR_NOT_FOUND: '該当するルート・プロジェクト・版・検査・トークンがありません',
  BNK_ERR_CONFLICT: '既に存在します',
  BNK_ERR_UNSUPPORTED_MEDIA_TYPE: '受け付けない Content-Type です',
  BNK_ERR_RATE_LIMITED: '要求が多すぎます。しばらく待ってから再試行してください',
  BNK_ERR_BUSY: '処理が混み合っています。しばらく待ってから再試行してください',
  BNK_ERR_TIMEOUT: '要求の本文が時間内に届きませんでした',
  BNK_ERR_URI_TOO_LONG: 'URL の ID が長すぎます',
  BNK_ERR_HEADERS_TOO_LARGE: '要求のヘッダーが大きすぎます',
  BNK_ERR_SHUTTING_DOWN: 'サーバーが停止処理中です',
  BNK_ERR_UNAVAILABLE: 'データベース（PostgreSQL）に接続できません',
  BNK_ERR_IMPORT_STRICT: '--strict のため警告を誤りとしました',
  BNK_ERR_INTERNAL: 'bunkatsu の不具合です',
};

const KINDS: Readonly<Record<string, string>> = {
  zone: 'ゾーン',
  host: 'ホスト',
  device: '機器',
  service: 'サービス',
  intent: '必要な通信',
  exception: '例外',
  router: 'ルータ',
  firewall: 'ファイアウォール',
  switch: 'スイッチ',
  sanitizer: '無害化装置',
  proxy: 'プロキシ',
};
const kind = (k: string): string => KINDS[k] ?? k;
const list = (s: string): string => s.replaceAll(', ', '、');

/** zod's wording of a type, in Japanese. */
const TYPES: Readonly<Record<string, string>> = {
  string: '文字列',
  number: '数値',
  boolean: '真偽値（true / false）',
  array: 'リスト',
  object: 'マッピング',
  null: 'null',
  undefined: 'なし',
};
const type = (t: string): string => TYPES[t] ?? t;

type Template = readonly [RegExp, (...groups: string[]) => string];

/** English wording → Japanese, first match wins; groups are the quoted or numbered parts. */
const TEMPLATES: readonly Template[] = [
  // Readers (YAML, JSON, encoding).
  [/^nesting deeper than (\d+) levels$/, (n) => `入れ子が ${n} 段を超えています`],
  [/^key "(.*)" is not allowed$/, (k) => `キー "${k}" は使えません`],
  [/^Map keys must be unique \("(.*)" appears twice\)$/, (k) => `同じキー "${k}" が2回あります`],
  [/^too many alias expansions \(limit (\d+)\)$/, (n) => `エイリアスの展開が多すぎます（上限 ${n}）`],
  [/^a key must be a plain value, not a list or a mapping$/, () => 'キーにはリストやマッピングではなく単純な値を書いてください'],
  [/^the file holds more than one YAML document/, () => 'ファイルに YAML 文書が2つ以上あります（2つ目の "---"）。トポロジーは1つの文書です'],
  [
    /^alias \*(.*) refers to the list or mapping that contains it/,
    (a) => `エイリアス *${a} が自身を含むリストまたはマッピングを参照しています。文書は木構造である必要があります`,
  ],
  [/^alias \*(.*) has no anchor &.* before it$/, (a) => `エイリアス *${a} より前にアンカー &${a} がありません`],
  [
    /^a mapping entry is not where its indentation puts it/,
    () => 'マッピングの項目がインデントの位置と合っていません（1行の値の中にマッピングがあるか、キーのインデントが誤っています）',
  ],
  [/^a list entry \("- "\) is not where its indentation puts it$/, () => 'リストの項目（"- "）がインデントの位置と合っていません'],
  [/^a tab is used for indentation/, () => 'インデントにタブが使われています。YAML のインデントは空白のみです'],
  [/^the text ends or dedents inside a value/, () => '値の途中で文書が終わるかインデントが戻っています（引用符や括弧の閉じ忘れ？）'],
  [/^a comma is missing between two entries/, () => '[リスト] または {マッピング} の項目の間にカンマがありません'],
  [/^a quoted string is not closed$/, () => '引用符で囲んだ文字列が閉じていません'],
  [/^a \[list\] or \{mapping\} is not closed$/, () => '[リスト] または {マッピング} が閉じていません'],
  [/^the text contains a NUL character$/, () => 'NUL 文字が含まれています'],
  [/^the text contains a control character/, () => 'YAML で使えない制御文字が含まれています'],
  [/^unknown escape sequence/, () => '二重引用符の文字列に不明なエスケープがあります'],
  [/^unexpected text after the end of the document$/, () => '文書の終わりの後に余分な文字があります'],
  [
    /^unknown tag (\S+):/,
    (t) => `不明なタグ ${t} です。トポロジーには YAML 1.2 の通常の値（文字列、数値、true / false、null、リスト、マッピング）だけを書きます`,
  ],
  [/^the value does not fit its tag (\S+)$/, (t) => `値がタグ ${t} に合いません`],
  [/^not valid YAML: (.*)$/, (r) => `YAML として正しくありません（${yamlReason(r)}）`],
  [
    /^not valid UTF-8 at byte (\d+) \(bytes (.*)\)/,
    (o, b) => `${o} バイト目が UTF-8 ではありません（${b}）。ファイルを UTF-8 で保存してください（Shift_JIS、EUC-JP などは読めません）`,
  ],
  [
    /^(.*) \(the file is named or sent as JSON; YAML needs a \.yaml name/,
    (m) =>
      `JSON として正しくありません: ${jsonReason(m)}（JSON として扱いました。YAML はファイル名を .yaml に、または Content-Type を application/yaml にしてください）`,
  ],
  // Schema (zod and ours), with " at path" at the end.
  [/^unknown field "(.*)"(?: at (\S+))?$/, (f, at) => `不明な項目 "${f}" です${atText(at)}`],
  [/^missing required field "(.*)"(?: at (\S+))?$/, (f, at) => `必須の項目 "${f}" がありません${atText(at)}`],
  [/^Invalid option: expected one of (.*?)(?: at (\S+))?$/, (v, at) => `値は ${v.replaceAll('|', '、')} のいずれかです${atText(at)}`],
  [/^Invalid input: expected (\w+), received (\w+)(?: at (\S+))?$/, (e, r, at) => `${type(e)}を書いてください（${type(r)}が書かれています）${atText(at)}`],
  [/^Invalid input(?: at (\S+))?$/, (at) => `値が正しくありません${atText(at)}`],
  [
    /^Too (big|small): expected (\w+) to (?:have|be) ([<>]=?)(\S+)(?: (\w+))?(?: at (\S+))?$/,
    (_, __, op, n, unit, at) => `値は ${n}${unit ? ` ${unit}` : ''} ${op.startsWith('<') ? '以下' : '以上'}です${atText(at)}`,
  ],
  // The schemas' own wording of a malformed id or name (src/model/schema.ts, src/import/site.ts).
  [
    /^ids are 1-128 letters, digits, "_", "\." or "-", starting with a letter or digit(?: at (\S+))?$/,
    (at) => `ID は英字、数字、"_"、"."、"-" の 1～128 文字で、英字か数字で始めます${atText(at)}`,
  ],
  [
    /^interface names are 1-64 letters, digits, "_", "\.", "\/" or "-"(?: at (\S+))?$/,
    (at) => `インタフェース名は英字、数字、"_"、"."、"/"、"-" の 1～64 文字です${atText(at)}`,
  ],
  [
    /^ACL names are 1-64 letters, digits, "_", "\." or "-"(?: at (\S+))?$/,
    (at) => `アクセスリスト名は英字、数字、"_"、"."、"-" の 1～64 文字です${atText(at)}`,
  ],
  [/^expiry is a date YYYY-MM-DD(?: at (\S+))?$/, (at) => `期限は YYYY-MM-DD 形式の日付で書きます${atText(at)}`],
  [
    /^write device:name, e\.g\. fw01:port2 \(a VDOM device is host\.vdom: fw01\.root:port2\)(?: at (\S+))?$/,
    (at) => `"機器:名前" の形で書きます（例: fw01:port2。VDOM の機器は host.vdom の形で fw01.root:port2）${atText(at)}`,
  ],
  [/^Invalid string: must match pattern (\S+)(?: at (\S+))?$/, (p, at) => `書式が正しくありません（パターン ${p}）${atText(at)}`],
  // Topology semantics (src/model/load.ts).
  [/^(\d+) firewall rules; the limit is (\d+)$/, (n, max) => `ファイアウォールのルールが ${n} 件あります。上限は ${max} 件です`],
  [/^id "(.*)" is already used by a (\w+)$/, (id, k) => `ID "${id}" は既に${kind(k)}で使われています`],
  [/^service "(.*)" is built in; choose another name$/, (s) => `サービス "${s}" は組み込みの名前です。別の名前にしてください`],
  [/^only one zone may be the default \(public Internet\) zone$/, () => '既定（公衆インターネット）のゾーンは1つだけです'],
  [
    /^zone "(.*?)"(?: \((.*)\))? has no "domain"/,
    (z) =>
      `ゾーン "${z}" に "domain" がありません。ポリシーで検査する前に領域を指定してください（取り込んだトポロジーではサイトファイルで）。trace、matrix、dataplane は領域なしでも動きます`,
  ],
  [
    /^domain "(.*)" is not declared by the policy pack \(known: (.*)\)$/,
    (d, known) => `領域 "${d}" はポリシーパックで宣言されていません（宣言済み: ${list(known)}）`,
  ],
  [/^zone "(.*)" needs subnets/, (z) => `ゾーン "${z}" にサブネットがありません（サブネットを持たないのは既定のゾーンだけです）`],
  [/^subnet (\S+) of zone "(.*)" is also declared by zone "(.*)"$/, (s, a, b) => `ゾーン "${a}" のサブネット ${s} はゾーン "${b}" も宣言しています`],
  [
    /^subnet (\S+) of zone "(.*)" \((.*)\) overlaps (\S+) of zone "(.*)" \((.*)\); subnets of different domains must not overlap$/,
    (s, a, ad, t, b, bd) => `ゾーン "${a}"（${ad}）のサブネット ${s} がゾーン "${b}"（${bd}）の ${t} と重なっています。異なる領域のサブネットは重ねられません`,
  ],
  [/^unknown zone "(.*?)"(?: \("(?:.*)" is a (\w+)\))?$/, (z, k) => `ゾーン "${z}" は宣言されていません${k ? `（"${z}" は${kind(k)}です）` : ''}`],
  [
    /^(.*) lies outside zone "(.*)": not within its subnets (.*), less those of zones nested inside them$/,
    (what, z, s) => `${whatText(what)} がゾーン "${z}" の外にあります（サブネット ${list(s)} から内側のゾーンの分を除いた範囲にありません）`,
  ],
  [
    /^(.*) lies outside zone "(.*)": not within addresses left to the default zone/,
    (what, z) => `${whatText(what)}が既定のゾーン "${z}" の外にあります（ほかのゾーンのアドレスです）`,
  ],
  [
    /^host "(.*)" needs exactly one of "address" \(a host\) or "addresses" \(a group\)$/,
    (h) => `ホスト "${h}" には "address"（単一ホスト）か "addresses"（グループ）のどちらか一方を書いてください`,
  ],
  [/^"(.*)" is not an IPv4 address$/, (a) => `"${a}" は IPv4 アドレスではありません`],
  [/^"count" goes with "addresses"/, () => '"count" は "address" ではなく "addresses"（ホストグループ）と組み合わせます'],
  [/^count (\d+) does not fit in (\S+) \((\d+) addresses\)$/, (n, r, a) => `count ${n} は ${r}（${a} アドレス）に収まりません`],
  [/^interface "(.*)" appears twice on device "(.*)"$/, (f, d) => `機器 "${d}" にインタフェース "${f}" が2回あります`],
  [
    /^(\w+) interfaces need both "zone" and "address"/,
    (k) => `${kind(k)}のインタフェースには "zone" と "address" の両方が必要です（ゲートウェイは各ゾーンの端点です）`,
  ],
  [
    /^device "(.*)" has no ACL "(.*?)"(?: \(it has (.*)\)| \(it declares no acls\))$/,
    (d, a, has) => `機器 "${d}" にアクセスリスト "${a}" はありません${has ? `（あるもの: ${list(has)}）` : '（アクセスリストの宣言がありません）'}`,
  ],
  [
    /^device "(.*)" has no interface "(.*)" \(member of VLAN "(.*)"\)$/,
    (d, f, v) => `機器 "${d}" にインタフェース "${f}"（VLAN "${v}" のメンバー）はありません`,
  ],
  [
    /^device "(.*)" has no interface "(.*?)"(?: \(it has (.*)\))?$/,
    (d, f, has) => `機器 "${d}" にインタフェース "${f}" はありません${has ? `（あるもの: ${list(has)}）` : ''}`,
  ],
  [
    /^"(.*)" is a VLAN interface: packets enter and leave by its members/,
    (f) => `"${f}" は VLAN インタフェースです。パケットはメンバーから出入りするため、メンバーを指定してください`,
  ],
  [/^rule id "(.*)" appears twice in firewall "(.*)"$/, (r, d) => `ファイアウォール "${d}" にルール ID "${r}" が2回あります`],
  [/^rule id "(.*)" appears twice in ACL "(.*)" of "(.*)"$/, (r, a, d) => `"${d}" のアクセスリスト "${a}" にルール ID "${r}" が2回あります`],
  [/^a forward route needs "interface"/, () => '転送する経路には "interface" が必要です（または action: deliver / drop）'],
  [/^a (\w+) route sends nothing out, so it takes no "interface"$/, (a) => `${a} の経路は何も送出しないため "interface" は書けません`],
  [/^VLAN interface "(.*)" floods to its members/, (f) => `VLAN インタフェース "${f}" はメンバーへ転送します。zone と address はメンバーに指定してください`],
  [
    /^VLAN interface "(.*)" carries no ACLs/,
    (f) => `VLAN インタフェース "${f}" にはアクセスリストを適用できません。メンバーのインタフェースに適用してください`,
  ],
  [/^"(.*)" is listed twice in VLAN "(.*)"$/, (m, v) => `"${m}" が VLAN "${v}" に2回書かれています`],
  [
    /^"(.*)" is itself a VLAN interface; members are plain interfaces$/,
    (m) => `"${m}" 自体が VLAN インタフェースです。メンバーには通常のインタフェースを指定してください`,
  ],
  [/^link end "(.*)" must be "device:interface"$/, (e) => `リンクの端 "${e}" は "機器:インタフェース" の形で書いてください`],
  [/^unknown device "(.*)" in link$/, (d) => `リンクの機器 "${d}" は宣言されていません`],
  [/^unknown device "(.*)"$/, (d) => `機器 "${d}" は宣言されていません`],
  [/^a link must join two different interfaces$/, () => 'リンクは異なる2つのインタフェースをつなぐ必要があります'],
  [/^"(.*)" is a VLAN interface; cable one of its members instead$/, (f) => `"${f}" は VLAN インタフェースです。メンバーのいずれかを接続してください`],
  [/^this link is listed twice \(first at line (\d+)\)$/, (n) => `このリンクは2回書かれています（最初は ${n} 行目）`],
  [/^"(.*)" is not a sanitizer or proxy$/, (g) => `"${g}" は無害化装置でもプロキシでもありません`],
  // Addresses and services (src/net).
  [/^"(.*)" is not a CIDR prefix/, (t) => `"${t}" は CIDR 形式のプレフィックスではありません（a.b.c.d/長さ）`],
  [/^"(.*)" has an invalid IPv4 address$/, (t) => `"${t}" の IPv4 アドレスが正しくありません`],
  [/^"(.*)" has an invalid prefix length \(0 to 32\)$/, (t) => `"${t}" のプレフィックス長が正しくありません（0 から 32）`],
  [/^"(.*)" has host bits set; did you mean (\S+)\?$/, (t, p) => `"${t}" にはホスト部のビットが立っています。${p} のことですか`],
  [/^"(.*)" is not an address range/, (t) => `"${t}" はアドレス範囲 a.b.c.d-e.f.g.h ではありません`],
  [/^"(.*)" is a reversed range \(start after end\)$/, (t) => `"${t}" は範囲の始点が終点より後です`],
  [/^"(.*)" is not an IPv4 address, prefix or range$/, (t) => `"${t}" は IPv4 アドレス、プレフィックス、範囲のいずれでもありません`],
  [/^"(.*)" is not an address with a wildcard mask/, (t) => `"${t}" はワイルドカードマスク付きのアドレスではありません（例: 128.12.0.1 0.0.255.0）`],
  [/^"(.*)" has more than one "\/"$/, (t) => `"${t}" に "/" が2つ以上あります`],
  [
    /^"(.*)": unknown protocol "(.*)" \(use (.*) or a number 0-255\)$/,
    (t, p, known) => `"${t}": プロトコル "${p}" は不明です（${list(known)} または 0～255 の番号）`,
  ],
  [/^"(.*)": protocol (\S+) has no ports$/, (t, p) => `"${t}": プロトコル ${p} にはポートがありません`],
  [/^"(.*)": ports must be a number or a range/, (t) => `"${t}": ポートは番号か 1000-2000 のような範囲で書いてください`],
  [/^"(.*)": ports run from 0 to (\d+)$/, (t, max) => `"${t}": ポートは 0 から ${max} までです`],
  [/^"(.*)": reversed port range$/, (t) => `"${t}": ポート範囲の始点が終点より後です`],
  [
    /^unknown service "(.*)" \(declare it under services:/,
    (s) => `サービス "${s}" は不明です（services: に宣言するか、tcp/8443 のようにプロトコル/ポートで書いてください）`,
  ],
  [/^"(.*)" is not a zone, host, device or address$/, (r) => `"${r}" はゾーン、ホスト、機器、アドレスのいずれでもありません`],
  // Change files (src/review).
  [/^device "(.*)" is a (\w+), not a firewall: it has no rules$/, (d, k) => `機器 "${d}" は${kind(k)}で、ファイアウォールではないためルールがありません`],
  [/^no rule at position (\d+) in this firewall$/, (n) => `このファイアウォールに ${n} 番目のルールはありません`],
  [/^no rule "(.*)" in this firewall$/, (r) => `このファイアウォールにルール "${r}" はありません`],
  [/^position (\d+) is past the end \((\d+) rules\)$/, (n, m) => `${n} 番目はルールの末尾を超えています（ルールは ${m} 件）`],
  [
    /^device "(.*)" is a (\w+): only routers and firewalls have routes$/,
    (d, k) => `機器 "${d}" は${kind(k)}です。経路を持つのはルータとファイアウォールだけです`,
  ],
  [/^no route (\S+)(?: via (.*))? on (\S+)$/, (p, via, d) => `${d} に経路 ${p}${via ? `（送信 ${list(via)}）` : ''} はありません`],
  [/^no interface "(.*)" on (\S+)$/, (f, d) => `${d} にインタフェース "${f}" はありません`],
  [/^no link between (\S+) and (\S+)$/, (a, b) => `${a} と ${b} の間にリンクはありません`],
  [/^no (host|zone) "(.*)"$/, (k, r) => `${kind(k)} "${r}" はありません`],
  [
    /^"(.*)" is not a device, link \(a:x--b:y\) or attachment \(device:interface\)$/,
    (u) => `"${u}" は機器、リンク（a:x--b:y）、接続（機器:インタフェース）のいずれでもありません`,
  ],
  // The command line (src/cli).
  [/^cannot read "(.*)": no such file$/, (f) => `"${f}" を読み込めません: ファイルがありません`],
  [/^cannot read "(.*)": it is (.*), not a regular file/, (f) => `"${f}" を読み込めません: 通常のファイルではありません。ファイルのパスを指定してください`],
  [/^file is (\d+) bytes; the limit is (\d+)$/, (n, max) => `ファイルが ${n} バイトあります。上限は ${max} バイトです`],
  [
    /^--policy "(.*)": no such file, and no bundled policy pack has that name \(bundled: (.*)\)$/,
    (p, b) => `--policy "${p}": そのファイルも、その名前の同梱ポリシーパックもありません（同梱: ${list(b)}）`,
  ],
  [/^"(.*)" is not a folder/, (d) => `"${d}" はフォルダではありません（topo.txt、vlan.txt、acls/、updates のあるデータセットのフォルダを指定してください）`],
  [/^cannot read folder "(.*)": no such folder$/, (d) => `フォルダ "${d}" を読み込めません: フォルダがありません`],
  [/^unknown engine "(.*)" \(available: (.*)\)$/, (e, a) => `エンジン "${e}" は不明です（使えるもの: ${list(a)}）`],
  [
    /^--today must be a calendar date YYYY-MM-DD \(e\.g\. (\S+)\), not "(.*)"$/,
    (e, v) => `--today には YYYY-MM-DD 形式の日付を指定してください（例: ${e}）。"${v}" は使えません`,
  ],
  [
    /^(--[\w-]+) must be (?:a whole number|an integer) from (\d+)(?: to (\d+))?.*, not "(.*)"$/,
    (f, lo, hi, v) => `${f} には ${lo}${hi ? ` から ${hi}` : ' 以上'}の整数を指定してください。"${v}" は使えません`,
  ],
  [/^(--[\w-]+) must be a whole number of at least (\d+), not "(.*)"$/, (f, lo, v) => `${f} には ${lo} 以上の整数を指定してください。"${v}" は使えません`],
  [
    /^--config (.*): write vendor:file, the vendor one of (.*)$/,
    (s, v) =>
      `--config ${s}: "ベンダー:ファイル" の形で書きます（ベンダーは ${v
        .split(', ')
        .map((x) => `"${x}"`)
        .join('、')} のいずれか）`,
  ],
  [
    /^(--[\w-]+) names (\d+) files for (\d+) rules files/,
    (f, n, m) => `${f} のファイルが ${n} 個ですが、ルールのファイルは ${m} 個です。ルールのファイルごとに 1 つずつ、同じ順に指定してください`,
  ],
  [/^give --down <element\.\.\.> or --sweep n-1$/, () => '--down <要素...> か --sweep n-1 を指定してください'],
  [/^the trace has no updates: nothing to replay$/, () => '更新記録に更新がありません。再生するものがありません'],
];

/** The YAML parser's (js-yaml's) own reasons that src/model/yaml-source.ts does not reword, in Japanese; an unknown one as written. */
const YAML_REASONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^expected '(.)' after a mapping key$/, 'マッピングのキーの後に "$1" が必要です'],
  [/^expected the node content, but found '(.*)'$/, '値が必要ですが、"$1" があります'],
  [/^a line break is expected$/, '改行が必要です'],
  [/^a whitespace character is expected after the key-value separator/, 'マッピングの ":" の後には空白が必要です'],
  [/^can not read a block mapping entry/, 'マッピングの項目を読めません（複数行にわたるキーは書けません）'],
  [/^can not read a document$/, '文書を読めません'],
  [/^duplication of an anchor property$/, 'アンカーが2つ付いています'],
  [/^duplication of a tag property$/, 'タグが2つ付いています'],
  [/^alias node should not have any properties$/, 'エイリアスにはアンカーもタグも付けられません'],
  [/^name of an (?:alias|anchor) node must contain/, 'エイリアスまたはアンカーの名前が空です'],
  [/^expected hexadecimal character$/, '16進数の文字が必要です'],
  [/^expected valid JSON character$/, 'JSON で使える文字が必要です'],
  [/^directives end mark is expected$/, '"---" が必要です'],
  [/directive|%YAML/, 'YAML のディレクティブ（"%YAML"、"%TAG"）が正しくありません'],
  [/chomping|indentation width/, 'ブロックスカラーの指示子（"|"、">" の後）が正しくありません'],
  [/tag (?:handle|suffix|prefix)|verbatim tag/, 'タグの書き方が正しくありません'],
];
const yamlReason = (r: string): string => {
  for (const [pattern, ja] of YAML_REASONS) if (pattern.test(r)) return r.replace(new RegExp(`^.*?(?:${pattern.source}).*$`), ja);
  return r;
};

/** The part of the JSON reader's reason that names what was found, kept as written. */
const jsonReason = (m: string): string =>
  m
    .replace(/^expected a double-quoted property name, found (.*)$/, '二重引用符で囲んだ項目名が必要ですが、$1 があります')
    .replace(/^unterminated or malformed string$/, '文字列が閉じていないか正しくありません')
    .replace(/^expected ":" after the property name, found (.*)$/, '項目名の後に ":" が必要ですが、$1 があります')
    .replace(/^expected a value, found (.*)$/, '値が必要ですが、$1 があります')
    .replace(/^unexpected (.*) after the end of the document$/, '文書の終わりの後に $1 があります')
    .replace(/^expected "," or "(.)", found (.*)$/, '"," か "$1" が必要ですが、$2 があります')
    .replace('the end of the text', 'ファイルの終わり');

const atText = (at: string | undefined): string => (at ? `（場所: ${at}）` : '');

/** "host 10.0.0.1", "interface lg-fw:office 10.0.0.1" and the like: the kind word in Japanese. */
const whatText = (what: string): string => {
  const m = /^(\w+) (.*)$/.exec(what);
  const words: Readonly<Record<string, string>> = { host: 'ホスト', interface: 'インタフェース', addresses: 'アドレス' };
  return m && words[m[1]!] ? `${words[m[1]!]} ${m[2]}` : what;
};

/** A diagnostic's message in Japanese (see the table above), or undefined when the table lacks it. */
export function japaneseMessage(message: string): string | undefined {
  for (const [pattern, ja] of TEMPLATES) {
    const m = pattern.exec(message);
    if (m) return ja(...m.slice(1).map((g) => g ?? ''));
  }
  return undefined;
}

/** A diagnostic's message alone (no location, no code) in `lang`. */
export function diagnosticMessage(d: Diagnostic, lang: Lang): string {
  if (lang === 'en') return d.message;
  return d.ja ?? japaneseMessage(d.message) ?? `${ERROR_MEANINGS[d.code]}（「${d.message}」）`;
}

/** A diagnostic as one line: `file:line:column CODE message`, the message in `lang`. */
export function diagnosticText(d: Diagnostic, lang: Lang): string {
  if (lang === 'en') return formatDiagnostic(d);
  return `${formatLoc(d.loc, lang)} ${d.code} ${diagnosticMessage(d, lang)}`;
}

/** The closing line of a list of errors. */
export const errorCountText = (n: number): Localized => ({ en: `${n} errors; nothing was checked.`, ja: `エラー ${n} 件。検査は行っていません。` });
