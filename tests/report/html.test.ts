// The audit report (check --format html): one self-contained document with the cover, every
// clause's 適合/不適合/要確認, each finding with its path drawn, the 通信マトリクス, the inventory and
// the exceptions; nothing it could fetch, nothing from the topology unescaped.

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engine/registry.ts';
import { loadTopology } from '../../src/model/load.ts';
import { runCheck } from '../../src/policy/check.ts';
import { zoneMatrix } from '../../src/policy/matrix.ts';
import { auditReportHtml, clauseVerdict } from '../../src/report/html.ts';
import { ROOT, runCli, seedPack, TODAY } from '../helpers.ts';

const pack = seedPack();

function reportOf(file: string, text = readFileSync(resolve(ROOT, file), 'utf8'), lang: 'ja' | 'en' = 'ja'): string {
  const network = loadTopology(text, file, { domains: new Set(Object.keys(pack.domains)) });
  const report = runCheck(network, pack, { engineFactory: ENGINES.fast!, today: TODAY });
  const matrix = zoneMatrix(network, ENGINES.fast!(network), 'zone');
  const sha = createHash('sha256').update(text).digest('hex');
  return auditReportHtml({ network, report, matrix, domains: pack.domains, topologySha256: sha, date: TODAY }, lang);
}

/** The text of a section (between its opening tag and the next section). */
const section = (html: string, id: string): string =>
  html.slice(html.indexOf(`<section id="${id}"`), html.indexOf('</section>', html.indexOf(`<section id="${id}"`)));
const rowOf = (html: string, cell: string): string => html.slice(html.lastIndexOf('<tr>', html.indexOf(cell)), html.indexOf('</tr>', html.indexOf(cell)));

describe('audit report', () => {
  const file = 'topologies/violations/path-separation.yaml';
  const html = reportOf(file);

  it('is one document with every section, in order, and no way to fetch anything', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="ja">')).toBe(true);
    const order = ['cover', 'clauses', 'findings', 'matrix', 'inventory', 'exceptions'].map((id) => html.indexOf(`<section id="${id}"`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|href=|url\((?!#)/i);
    // Printable on A4: page size and a page break before each section after the cover.
    expect(html).toContain('@page { size: A4;');
    expect(html.match(/<section id="\w+" class="page">/g)).toHaveLength(5);
  });

  it('the cover: network, model, date, pack and source, and the sha256 of the input bytes', () => {
    const cover = section(html, 'cover');
    const bytes = readFileSync(resolve(ROOT, file));
    expect(cover).toContain('<h1>ネットワーク分離 監査報告書</h1>');
    expect(cover).toContain('サンプル市 ネットワーク（αモデル）— 違反例 path-separation');
    expect(cover).toContain('<tr><th>モデル</th><td>α</td></tr>');
    expect(cover).toContain(`<tr><th>検査基準日</th><td>${TODAY}</td></tr>`);
    expect(cover).toContain('岡山市情報セキュリティポリシー 基本方針 (seed pack)');
    expect(cover).toContain(`<code>${createHash('sha256').update(bytes).digest('hex')}</code>`);
    // One error (path separation) and two warnings (broad rules): 不適合 overall.
    expect(cover).toContain('<span class="v-nonconform">不適合</span> — エラー 1 件、警告 2 件、情報 0 件');
  });

  it('every clause: 不適合 for the failed error rule, 要確認 for the warnings, 適合 for the rest', () => {
    const clauses = section(html, 'clauses');
    expect(clauses.match(/<tr><td>/g)).toHaveLength(pack.rules ? Object.keys(pack.rules).length : 0);
    expect(rowOf(clauses, '<code>path-separation</code>')).toContain('<span class="v-nonconform">不適合</span>');
    expect(rowOf(clauses, '<code>firewall-hygiene</code>')).toContain('<span class="v-review">要確認</span>');
    expect(rowOf(clauses, '<code>mynumber-isolation</code>')).toContain('<span class="v-conform">適合</span>');
    expect(clauseVerdict({ id: 'inventory', clause: '§3(2)', severity: 'warning', status: 'disabled', findings: 0 })).toBe('review');
  });

  it('each finding with its id, the permitting rules, and its witness path drawn hop by hop', () => {
    const findings = section(html, 'findings');
    expect(findings).toContain('<h2>2. 指摘事項 (3)</h2>');
    const first = findings.slice(findings.indexOf('data-finding="path-separation:lg-office:inet-servers"'), findings.indexOf('id="finding-2"'));
    expect(first).toContain('<code>lg-edge-fw e-gcloud</code>');
    expect(first).toContain('<code>in-fw i-gcloud</code>');
    const steps = [...first.matchAll(/data-step="(\d+)"/g)].map((m) => Number(m[1]));
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(first).toContain('ルール e-gcloud（permit）topologies/violations/path-separation.yaml:302:9');
    // Marker ids differ per diagram (three SVGs on one page would otherwise share one).
    expect(findings).toContain('id="f1-arrow"');
    // The hygiene findings are about rules, not traffic: no diagram.
    expect(findings.match(/<svg /g)).toHaveLength(1);
  });

  it('the 通信マトリクス, the inventory and the exceptions with approver and expiry', () => {
    const matrix = section(html, 'matrix');
    expect(matrix).toContain('<th>送信元</th><th>送信元名</th><th>送信元の領域</th><th>宛先</th>');
    expect(matrix).toContain('<td>lg-office</td><td>職員端末セグメント（LGWAN接続系）</td><td>LGWAN接続系</td><td>inet-servers</td>');
    expect(matrix).toContain('<td>san-mail (mail-text)</td>');
    const inventory = section(html, 'inventory');
    expect(inventory).toContain('マイナンバー利用事務系 <code>mynumber</code>');
    const exceptions = section(html, 'exceptions');
    expect(exceptions).toContain('<code>exc-atena-chukan</code>');
    expect(exceptions).toContain('サンプル市 最高情報セキュリティ責任者（CISO）');
    expect(exceptions).toContain('<td>2031-03-31</td><td><span class="v-conform">有効</span></td>');
  });

  it('English with lang en', () => {
    const en = reportOf(file, undefined, 'en');
    expect(en).toContain('<h1>Network segmentation audit report</h1>');
    expect(en).toContain('<span class="v-nonconform">Does not conform</span>');
  });

  it('escapes the topology: a <script> in a zone name, the network name and an approver stays text', () => {
    const text = readFileSync(resolve(ROOT, file), 'utf8')
      .replace('name: サンプル市 ネットワーク（αモデル）— 違反例 path-separation', 'name: "<script>alert(1)</script> & co"')
      .replace('    name: 職員端末セグメント（LGWAN接続系）', '    name: "</td><script>alert(2)</script>"')
      .replace('approver: サンプル市 最高情報セキュリティ責任者（CISO）', 'approver: "<img src=x onerror=alert(3)>"');
    const hostile = reportOf(file, text);
    expect(hostile).not.toMatch(/<script|<img/);
    expect(hostile).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
    expect(hostile).toContain('&lt;/td&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(hostile).toContain('&lt;img src=x onerror=alert(3)&gt;');
  });

  it('bunkatsu check --format html -o writes it, Japanese by default, same bytes as the library', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bunkatsu-html-')), 'report.html');
    const r = await runCli(['check', file, '--format', 'html', '--today', TODAY, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(html);
  });
});
