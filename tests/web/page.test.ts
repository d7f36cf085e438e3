// The web page in a real browser (Debian's Chromium through playwright-core): sign in with a
// token, check the α sample (every clause 適合), check the path-separation violation and select
// its finding (the highlighted path read from the page's data attributes and ARIA, not pixels),
// the matrix with its 無害化 channels, a change review, the language switch; no console errors.
// Without Chromium the tests are skipped, except under CI=true, where they fail.

import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildServer } from '../../src/server/app.ts';
import { Store } from '../../src/store/store.ts';
import { type Diagnostic, diagnosticText } from '../../src/index.ts';
import { loadSample, refusal, ROOT } from '../helpers.ts';
import { sample } from '../server/helpers.ts';
import { HAVE_CHROMIUM, type LaunchedBrowser, launchChromium } from './browser.ts';

/** Screenshots of each view (ignored by git): test artifacts to look at when a test fails. */
const ARTIFACTS = resolve(ROOT, 'test-artifacts', 'web');
const MUST_RUN = process.env.CI === 'true';

describe.skipIf(!HAVE_CHROMIUM && !MUST_RUN)('web page in Chromium', () => {
  let app: FastifyInstance;
  let store: Store;
  let base: string;
  let browser: LaunchedBrowser;
  let page: Page;
  let token: string;
  /** The α sample's check page, visited again in English. */
  let alphaCheck = '';
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    store = await Store.open(':memory:');
    await store.createProject('kita', '北市');
    token = (await store.createToken('kita', ['read', 'submit'], 'browser test')).token;
    app = await buildServer({ db: store, logger: false, rateLimit: false, workers: 1, workerEntry: inject('workerEntry'), webRoot: inject('webRoot') });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    // Version 1: the α sample; version 2: the path-separation violation.
    for (const file of ['topologies/alpha-city.yaml', 'topologies/violations/path-separation.yaml']) {
      const up = await app.inject({
        method: 'POST',
        url: `/projects/kita/versions?filename=${encodeURIComponent(file)}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' },
        payload: sample(file),
      });
      expect(up.statusCode).toBe(201);
    }
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
    // Nothing may leave for another origin (no CDN): every request goes to this server.
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:')) problems.push(`request elsewhere: ${r.url()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await store?.close();
  });

  const shot = (name: string) => page.screenshot({ path: resolve(ARTIFACTS, `${name}.png`), fullPage: true });

  it('signs in with a project token kept in session storage, never in the URL', async () => {
    await page.goto(`${base}/`);
    await expect(page.locator('h1').textContent()).resolves.toBe('サインイン');
    await page.fill('#token', 'bnk_0000000000000000_wrong');
    await page.click('form.signin button[type=submit]');
    await page.waitForSelector('.alert[role=alert]');
    // The browser logs the refused request itself; that one is expected, and only that one.
    expect(problems).toEqual(['console: Failed to load resource: the server responded with a status of 401 (Unauthorized)']);
    problems.length = 0;
    await page.fill('#token', token);
    await page.click('form.signin button[type=submit]');
    await page.waitForSelector('a[href="#/p/kita"]');
    expect(page.url()).not.toContain(token.slice(4));
    expect(await page.evaluate("sessionStorage.getItem('bunkatsu.token')")).toBe(token);
    expect(await page.evaluate("localStorage.getItem('bunkatsu.token')")).toBeNull();
    await page.click('a[href="#/p/kita"]');
    await page.waitForSelector('tr[data-version="2"]');
    await shot('project');
  });

  it('checks the α sample: every clause 適合', async () => {
    await page.click('tr[data-version="1"] .run-check');
    await page.waitForSelector('table.clauses');
    const results = await attributes(page, 'table.clauses tr[data-clause]', 'data-result');
    expect(results.length).toBeGreaterThan(5);
    expect(results.every((r) => r === 'pass')).toBe(true);
    expect(await page.locator('table.clauses tr[data-clause="§6(3)イ"] td.result').textContent()).toBe('適合');
    alphaCheck = page.url();
    await shot('check-alpha');
  });

  it("offers the check's audit report (the CLI's check --format html) for download, in the page's language", async () => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('#download-report')]);
    expect(file.suggestedFilename()).toMatch(/^chk_[0-9a-f]{16}-report\.html$/);
    const html = readFileSync((await file.path())!, 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<html lang="ja"');
    expect(html).toContain('適合');
  });

  it('checks the path-separation violation and highlights the witness path of its finding hop by hop', async () => {
    await page.goto(`${base}/#/p/kita`);
    await page.click('tr[data-version="2"] .run-check');
    await page.waitForSelector('.finding[data-rule="path-separation"]');
    // §6(3)イ carries path-separation, which fails; §6(3)ア (mynumber rules) still passes.
    expect(await page.locator('tr[data-clause="§6(3)イ"]').getAttribute('data-result')).toBe('fail');
    expect(await page.locator('tr[data-clause="§6(3)イ"] td.result').textContent()).toBe('不適合');
    expect(await page.locator('tr[data-clause="§6(3)ア"]').getAttribute('data-result')).toBe('pass');
    const finding = page.locator('.finding[data-rule="path-separation"]').first();
    expect(await finding.getAttribute('data-subject')).toBe('lg-office → inet-servers');
    await finding.click();
    expect(await finding.getAttribute('aria-pressed')).toBe('true');
    // The violation file's witness: lg-office → lg-core1 → lg-edge-fw (rule e-gcloud, line 302) →
    // gcloud-link → in-fw (rule i-gcloud, line 466) → inet-servers.
    const path = ['lg-office', 'lg-core1', 'lg-edge-fw', 'gcloud-link', 'in-fw', 'inet-servers'];
    await highlighted(page, path);
    expect(await page.locator('#graph').getAttribute('aria-label')).toContain(path.join(' → '));
    expect(await attributes(page, 'ol.hops li', 'data-node')).toEqual(path);
    // The deciding rule of each firewall hop, with its source line; routers and zones have none.
    expect(await attributes(page, 'ol.hops li', 'data-rule')).toEqual([null, null, 'e-gcloud', null, 'i-gcloud', null]);
    expect(await attributes(page, 'ol.hops li', 'data-location')).toEqual([
      null,
      null,
      'topologies/violations/path-separation.yaml:302:9',
      null,
      'topologies/violations/path-separation.yaml:466:9',
      null,
    ]);
    expect(await page.locator('ol.hops li[data-node="lg-edge-fw"] .rule-line').textContent()).toBe(
      'ルール e-gcloud（許可） topologies/violations/path-separation.yaml:302:9',
    );
    await shot('check-path-separation');
  });

  it('shows the zone matrix as a heat map with the 無害化 channels marked', async () => {
    await page.goto(`${base}/#/p/kita/v/1/matrix`);
    await page.waitForSelector('canvas.heatmap');
    // alpha-city.yaml: san-file takes smb in from inet-sanitize and delivers it to lg-file-server (lg-servers).
    const channel = page.locator('table.pairs tr[data-from="inet-sanitize"][data-to="lg-servers"]');
    expect(await channel.getAttribute('data-sanitized')).toBe('true');
    expect(await channel.locator('td').last().textContent()).toContain('ファイル無害化');
    // A direct pair with no sanitizer on it is not marked.
    expect(await page.locator('table.pairs tr[data-from="lg-office"][data-to="lg-servers"]').getAttribute('data-sanitized')).toBeNull();
    await shot('matrix');
    // By domain: the same channel runs from インターネット接続系 to LGWAN接続系, named as the policy pack names them.
    await page.click('a[href="#/p/kita/v/1/matrix/domain"]');
    const domains = page.locator('table.pairs tr[data-from="internet"][data-to="lgwan"]');
    await domains.waitFor();
    expect(await domains.getAttribute('data-sanitized')).toBe('true');
    expect(await domains.locator('td').first().textContent()).toBe('インターネット接続系');
    expect(await domains.locator('td').nth(1).textContent()).toBe('LGWAN接続系');
  });

  it('reviews a pasted change file: verdict, opened flows, and their paths on the graph', async () => {
    await page.goto(`${base}/#/p/kita/v/1/review`);
    await page.fill('#change', sample('topologies/changes/gcloud-line.yaml'));
    await page.fill('#change-name', 'gcloud-line.yaml');
    await page.click('form.review button[type=submit]');
    await page.waitForSelector('#verdict');
    expect(await page.locator('#verdict').getAttribute('data-verdict')).toBe('reject');
    expect(await page.locator('#verdict').textContent()).toBe('判定: 却下（ポリシー違反を新たに生じる）');
    // gcloud-line.yaml opens lg-office → inet-servers through the new zone gcloud-link (and closes nothing).
    expect(await page.locator('[data-flows="opened"] .flow[data-from="lg-office"][data-to="inet-servers"]').count()).toBe(1);
    expect(await page.locator('[data-flows="closed"] .flow').count()).toBe(0);
    // At first every opened flow is highlighted at once (gcloud-link, new in the change, drawn as an added node).
    const all = (await page.locator('#graph').getAttribute('data-highlighted'))!.split(' ');
    expect(all).toEqual(expect.arrayContaining(['lg-office', 'lg-edge-fw', 'gcloud-link', 'in-fw', 'inet-servers']));
    await page.click('[data-flows="opened"] .flow[data-from="lg-office"][data-to="inet-servers"]');
    await highlighted(page, ['lg-office', 'lg-core1', 'lg-edge-fw', 'gcloud-link', 'in-fw', 'inet-servers']);
    await shot('review');
    // The picture docs/img/review-page.png is made from (the verdict, flows and graph).
    await page.locator('#review-result').screenshot({ path: resolve(ARTIFACTS, 'review-result.png') });
  });

  it('switches to English and back', async () => {
    await page.click('button[data-lang="en"]');
    await page.waitForSelector('form.review');
    expect(await page.locator('form.review button[type=submit]').textContent()).toBe('Run the review');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.goto(alphaCheck);
    await page.locator('#clauses-h', { hasText: 'Result per clause' }).waitFor();
    expect(await page.locator('table.clauses tr[data-clause="§6(3)イ"] td.result').textContent()).toBe('Conformant');
    await shot('check-alpha-en');
    await page.goBack();
    await page.waitForSelector('form.review');
    await page.click('button[data-lang="ja"]');
    await page.locator('form.review button[type=submit]', { hasText: 'レビューを実行' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('ja');
  });

  it("uploads a topology version: a bad file's every error at its line:column in Japanese and nothing stored, a good one as the next version", async () => {
    await page.goto(`${base}/#/p/kita`);
    await page.waitForSelector('form.upload');
    // Nothing chosen: said so, nothing sent.
    await page.click('form.upload button[type=submit]');
    expect(await page.locator('#upload-result .alert').textContent()).toBe('ファイルを選択してください。');
    const broken = 'topologies/broken/schema.yaml';
    await page.setInputFiles('#topology-file', { name: 'schema.yaml', mimeType: 'application/yaml', buffer: readFileSync(resolve(ROOT, broken)) });
    await page.click('form.upload button[type=submit]');
    await page.waitForSelector('#upload-result ul.diagnostics li');
    const expected = cliDiagnostics(broken);
    expect(await attributes(page, '#upload-result ul.diagnostics li', 'data-location')).toEqual(
      expected.map((d) => `schema.yaml:${d.loc.line}:${d.loc.column}`),
    );
    // Each line as `bunkatsu check --lang ja` words it.
    expect(await page.locator('#upload-result ul.diagnostics li').allTextContents()).toEqual(
      expected.map((d) => `schema.yaml:${d.loc.line}:${d.loc.column}${diagnosticText(d, 'ja').slice(diagnosticText(d, 'ja').indexOf(` ${d.code} `))}`),
    );
    expect(await page.locator('#upload-result .alert > p').textContent()).toBe(`エラー — BNK_ERR_SCHEMA: ファイルに誤りが ${expected.length} 件あります。`);
    expect(await store.listVersions('kita')).toHaveLength(2);
    await shot('upload-refused');
    // The browser logs the refused request itself; that one is expected, and only that one.
    expect(problems).toEqual(['console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)']);
    problems.length = 0;
    // A good file (a non-ASCII name is made one the API accepts) becomes version 3.
    await page.setInputFiles('#topology-file', {
      name: '北市.yaml',
      mimeType: 'application/yaml',
      buffer: readFileSync(resolve(ROOT, 'topologies/alpha-city.yaml')),
    });
    await page.click('form.upload button[type=submit]');
    await page.waitForSelector('.notice[data-version="3"]');
    expect(await page.locator('.notice').textContent()).toMatch(/^版 3（.+）を登録しました。$/);
    expect(await page.locator('tr[data-version="3"] td').nth(3).textContent()).toBe('topology.yaml');
    const stored = await store.listVersions('kita');
    expect(stored.map((v) => v.version)).toEqual([1, 2, 3]);
    // Stored byte for byte as chosen.
    expect(await store.getContent('kita', 3)).toBe(readFileSync(resolve(ROOT, 'topologies/alpha-city.yaml'), 'utf8'));
  });

  it('traces a flow: every outcome with its path on the graph and the deciding rule, the question kept in the address', async () => {
    await page.goto(`${base}/#/p/kita`);
    await page.click('tr[data-version="1"] a[href="#/p/kita/v/1/trace"]');
    await page.waitForSelector('form.trace');
    await page.fill('#trace-src', 'lg-office-terminals');
    await page.fill('#trace-dst', 'lg-file-server');
    await page.fill('#trace-service', 'smb');
    await page.click('form.trace button[type=submit]');
    await page.waitForSelector('#trace-summary');
    expect(new URL(page.url()).hash).toBe('#/p/kita/v/1/trace/lg-office-terminals/lg-file-server/smb');
    expect(await page.locator('#trace-summary').textContent()).toBe('結果: 到達 1');
    // The first outcome is shown at once: its path on the graph and hop by hop.
    await highlighted(page, ['lg-office', 'lg-core1', 'lg-servers']);
    expect(await page.locator('.outcome[data-kind="delivered"]').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('.outcome[data-kind="delivered"] .msg').textContent()).toBe('10.20.2.1-10.20.7.220 → 10.20.10.10  tcp/445');
    // A flow the LGWAN edge firewall denies, asked by address: the deciding rule and its line.
    await page.fill('#trace-dst', '10.30.1.0/24');
    await page.fill('#trace-service', 'https');
    await page.click('form.trace button[type=submit]');
    await page.locator('#trace-summary', { hasText: '結果: 拒否 1' }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/p/kita/v/1/trace/lg-office-terminals/10.30.1.0%2F24/https');
    await highlighted(page, ['lg-office', 'lg-core1', 'lg-edge-fw']);
    expect(await attributes(page, 'ol.hops li', 'data-rule')).toEqual([null, null, 'e-deny']);
    expect(await page.locator('ol.hops li[data-node="lg-edge-fw"] .rule-line').textContent()).toBe('ルール e-deny（拒否） topologies/alpha-city.yaml:299:9');
    await shot('trace');
    // Back: the previous question and its answer again.
    await page.goBack();
    await page.locator('#trace-summary', { hasText: '結果: 到達 1' }).waitFor();
    expect(await page.inputValue('#trace-dst')).toBe('lg-file-server');
    // In English the page's words and the server's wording of each outcome change with it.
    await page.click('button[data-lang="en"]');
    await page.locator('#trace-summary', { hasText: 'Outcomes: delivered 1' }).waitFor();
    expect(await page.locator('.outcome[data-kind="delivered"]').textContent()).toContain('delivered to zone lg-servers');
    expect(await page.locator('form.trace button[type=submit]').textContent()).toBe('Trace');
    await page.click('button[data-lang="ja"]');
    await page.locator('#trace-summary', { hasText: '結果: 到達 1' }).waitFor();
    // A wide question (any → any, any service): 35 outcomes, the first 30 listed, the rest on demand;
    // an outcome's header classes past 10 are counted, not listed.
    await page.goto(`${base}/#/p/kita/v/1/trace/any/any/any`);
    await page.waitForSelector('#trace-summary');
    expect(await page.locator('.outcome').count()).toBe(30);
    await page.click('#trace-result ~ .split button.more');
    expect(await page.locator('.outcome').count()).toBe(35);
    expect(await page.locator('.outcome .msg', { hasText: '……ほか' }).count()).toBeGreaterThan(0);
    // A name the topology lacks: the server's message, nothing drawn.
    await page.fill('#trace-dst', 'nowhere');
    await page.click('form.trace button[type=submit]');
    await page.waitForSelector('#trace-result .alert');
    expect(await page.locator('#trace-result .alert').textContent()).toContain('BNK_ERR_USAGE');
    expect(await page.locator('.outcome').count()).toBe(0);
    expect(problems).toEqual(['console: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    problems.length = 0;
  });

  it('logged no console error, no uncaught exception and no request to another origin', () => {
    expect(problems).toEqual([]);
  });
});

/** The diagnostics the library gives a sample file (what `bunkatsu check` prints). */
const cliDiagnostics = (relative: string): Diagnostic[] => refusal(() => loadSample(relative), relative);

/** One attribute of every element the selector matches, in document order. */
async function attributes(page: Page, selector: string, name: string): Promise<(string | null)[]> {
  return Promise.all((await page.locator(selector).all()).map((e) => e.getAttribute(name)));
}

/** Waits until the graph says it highlights exactly these nodes, in path order. */
async function highlighted(page: Page, path: readonly string[]): Promise<void> {
  await page.locator(`#graph[data-highlighted="${path.join(' ')}"]`).waitFor();
}

// Under CI the browser tests must run: a missing Chromium is a failure, not a skip.
describe.runIf(!HAVE_CHROMIUM && MUST_RUN)('web page in Chromium (CI)', () => {
  it('needs Debian\u2019s chromium at /usr/bin/chromium (.ci/run installs it)', () => {
    expect.fail('Chromium is missing: apt-get install -y chromium');
  });
});
