// The bunkatsu web page: sign in with a project token, then projects, versions (and uploads of
// new ones), checks (clauses with 適合/不適合, findings by rule, witness paths on the zone graph),
// the zone matrix, change reviews and traces of one flow. Routes live in the URL's fragment
// (#/p/<project>/…); the token never does.

import {
  ApiError,
  api,
  download,
  type CheckRecord,
  type CheckReport,
  type Finding,
  type FlowChange,
  type Hop,
  type Matrix,
  type Project,
  type ReviewReport,
  seg,
  type Trace,
  type TraceOutcome,
  setToken,
  token,
  type Version,
  type ZoneGraph,
} from './api.ts';
import { type GraphView, graphView, type HighlightedPath, kindName } from './graph.ts';
import { type Lang, lang, pick, setLang, t, type TextKey } from './i18n.ts';
import { matrixView } from './matrix.ts';

// ── DOM in a few lines: elements from tag, attributes and children (text is never parsed as HTML) ──

type Child = Node | string | null | undefined | false;

function h(tag: string, attrs: Record<string, string | boolean | ((e: Event) => void)> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, '');
    else if (value !== false) el.setAttribute(key, value);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

const app = document.getElementById('app')!;
/** Bumped on every navigation: a view still loading for an older route drops its answer. */
let generation = 0;
let graph: GraphView | undefined;

function show(...children: Child[]): void {
  graph?.kill();
  graph = undefined;
  app.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

function failure(error: unknown): HTMLElement {
  if (error instanceof ApiError && error.status === 401) {
    setToken(null);
    void route();
  }
  if (!(error instanceof ApiError)) return h('p', { class: 'alert', role: 'alert' }, `${t('failedRequest')} — ${String(error)}`);
  if (error.diagnostics.length === 0) return h('p', { class: 'alert', role: 'alert' }, `${t('failedRequest')} — ${error.code}: ${error.message}`);
  // A refused file: every problem with its place (file:line:column), in the page's language.
  return h(
    'div',
    { class: 'alert', role: 'alert' },
    h('p', {}, `${t('failedRequest')} — ${error.code}: ${t('fileErrors', { n: error.diagnostics.length })}`),
    h(
      'ul',
      { class: 'diagnostics' },
      ...error.diagnostics.map((d) =>
        h(
          'li',
          { 'data-code': d.code, 'data-location': d.location },
          h('code', {}, d.location),
          ` ${d.code} `,
          lang() === 'ja' && d.ja !== undefined ? d.ja : d.message,
        ),
      ),
    ),
  );
}

function crumbs(...parts: [string, string][]): void {
  const nav = document.getElementById('crumbs')!;
  nav.replaceChildren(...parts.flatMap(([label, href], i) => [i > 0 ? ' / ' : '', h('a', { href }, label)]));
}

function when(iso: string): string {
  return new Date(iso).toLocaleString(lang() === 'ja' ? 'ja-JP' : 'en-GB');
}

// ── Sign in ────────────────────────────────────────────────────────────────────────────

function signIn(message?: string): void {
  crumbs();
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'off', required: true, 'aria-describedby': 'token-help' }) as HTMLInputElement;
  const form = h(
    'form',
    { class: 'signin' },
    h('h1', {}, t('signIn')),
    h('label', { for: 'token' }, t('tokenLabel')),
    input,
    h('p', { id: 'token-help', class: 'help' }, t('tokenHelp')),
    message ? h('p', { class: 'alert', role: 'alert' }, message) : null,
    h('button', { type: 'submit' }, t('signIn')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    setToken(input.value.trim());
    api<{ projects: Project[] }>('/projects').then(
      () => void route(),
      (error: unknown) => {
        setToken(null);
        signIn(error instanceof ApiError && error.status === 401 ? t('badToken') : String(error));
      },
    );
  });
  show(form);
  input.focus();
}

// ── Projects and a project's versions, checks and reviews ─────────────────────────────────

async function projects(): Promise<void> {
  crumbs([t('projects'), '#/']);
  const { projects: list } = await api<{ projects: Project[] }>('/projects');
  show(
    h('h1', {}, t('projects')),
    list.length === 0
      ? h('p', {}, t('noProjects'))
      : h('ul', { class: 'cards' }, ...list.map((p) => h('li', {}, h('a', { href: `#/p/${seg(p.id)}` }, `${p.name} (${p.id})`)))),
  );
}

function statusText(status: CheckRecord['status']): string {
  return t(status);
}

/** Said once at the top of the next project view (after an upload re-renders it). */
let notice: { text: string; version: number } | undefined;

/** A file name the API accepts in diagnostics ([A-Za-z0-9._/-], 200 at most), kept as close to the chosen one as that allows. */
function uploadName(chosen: string, json: boolean): string {
  const name = chosen.replace(/[^A-Za-z0-9._-]/g, '_').slice(-200);
  return /[A-Za-z0-9]/.test(name.replace(/\.(ya?ml|json)$/i, '')) ? name : json ? 'topology.json' : 'topology.yaml';
}

/**
 * Uploads a topology version: the chosen file's bytes as they are (the server decodes them and
 * refuses Shift_JIS with its own message), validated by the server before it is stored.
 */
function uploadForm(projectId: string): HTMLElement {
  const file = h('input', { id: 'topology-file', type: 'file', accept: '.yaml,.yml,.json' }) as HTMLInputElement;
  const button = h('button', { type: 'submit' }, t('upload')) as HTMLButtonElement;
  const out = h('div', { id: 'upload-result', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'upload' },
    h('p', {}, h('label', { for: 'topology-file' }, `${t('topologyFile')}: `), file, ' ', button),
    h('p', { class: 'help' }, t('uploadHelp')),
    out,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) {
      out.replaceChildren(h('p', { class: 'alert', role: 'alert' }, t('noFileChosen')));
      return;
    }
    const json = /\.json$/i.test(chosen.name);
    button.disabled = true;
    out.replaceChildren(h('p', { class: 'help' }, t('uploading')));
    try {
      const made = await api<Version>(`/projects/${seg(projectId)}/versions?filename=${encodeURIComponent(uploadName(chosen.name, json))}`, {
        method: 'POST',
        body: await chosen.arrayBuffer(),
        contentType: json ? 'application/json' : 'application/yaml',
      });
      notice = { text: t('uploaded', { v: made.version, name: made.name }), version: made.version };
      await route();
    } catch (error) {
      out.replaceChildren(failure(error));
      button.disabled = false;
    }
  });
  return form;
}

async function project(id: string, mine: number): Promise<void> {
  crumbs([t('projects'), '#/'], [id, `#/p/${seg(id)}`]);
  const [{ versions }, { checks }, { reviews }] = await Promise.all([
    api<{ versions: Version[] }>(`/projects/${seg(id)}/versions`),
    api<{ checks: CheckRecord[] }>(`/projects/${seg(id)}/checks`),
    api<{ reviews: { id: string; version: number; filename: string; verdict: string; createdAt: string }[] }>(`/projects/${seg(id)}/reviews`),
  ]);
  if (mine !== generation) return;
  const runCheck = (version: number) => async () => {
    try {
      const out = await api<{ check: CheckRecord }>(`/projects/${seg(id)}/versions/${version}/checks?lang=${lang()}`, { method: 'POST' });
      location.hash = `#/p/${seg(id)}/checks/${seg(out.check.id)}`;
    } catch (error) {
      app.prepend(failure(error));
    }
  };
  const said = notice;
  notice = undefined;
  show(
    h('h1', {}, id),
    said ? h('p', { class: 'notice', role: 'status', 'data-version': String(said.version) }, said.text) : null,
    h('h2', {}, t('versions')),
    versions.length === 0
      ? h('p', {}, t('none'))
      : h(
          'table',
          { class: 'list', 'aria-label': t('versions') },
          h('thead', {}, h('tr', {}, ...(['version', 'name', 'model', 'file', 'created', 'actions'] as const).map((k) => h('th', {}, t(k))))),
          h(
            'tbody',
            {},
            ...[...versions]
              .reverse()
              .map((v) =>
                h(
                  'tr',
                  { 'data-version': String(v.version) },
                  h('td', {}, String(v.version)),
                  h('td', {}, v.name),
                  h('td', {}, v.model),
                  h('td', {}, v.filename),
                  h('td', {}, when(v.createdAt)),
                  h(
                    'td',
                    { class: 'actions' },
                    h('button', { type: 'button', class: 'run-check', onclick: runCheck(v.version) }, t('runCheck')),
                    h('a', { href: `#/p/${seg(id)}/v/${v.version}/matrix` }, t('matrix')),
                    h('a', { href: `#/p/${seg(id)}/v/${v.version}/review` }, t('review')),
                    h('a', { href: `#/p/${seg(id)}/v/${v.version}/trace` }, t('trace')),
                  ),
                ),
              ),
          ),
        ),
    h('h2', {}, t('uploadVersion')),
    uploadForm(id),
    h('h2', {}, t('checks')),
    checks.length === 0
      ? h('p', {}, t('none'))
      : h(
          'ul',
          { class: 'plain' },
          ...[...checks]
            .reverse()
            .map((c) =>
              h(
                'li',
                {},
                h('a', { href: `#/p/${seg(id)}/checks/${seg(c.id)}` }, `${t('version')} ${c.version} · ${statusText(c.status)} · ${when(c.createdAt)}`),
                c.summary ? ` — ${summaryText(c.summary)}` : '',
              ),
            ),
        ),
    h('h2', {}, t('reviews')),
    reviews.length === 0
      ? h('p', {}, t('none'))
      : h(
          'ul',
          { class: 'plain' },
          ...[...reviews]
            .reverse()
            .map((r) =>
              h(
                'li',
                {},
                h(
                  'a',
                  { href: `#/p/${seg(id)}/reviews/${seg(r.id)}` },
                  `${r.filename} · ${t('version')} ${r.version} · ${verdictText(r.verdict)} · ${when(r.createdAt)}`,
                ),
              ),
            ),
        ),
  );
}

function summaryText(s: NonNullable<CheckRecord['summary']>): string {
  return t('errorsWarnings', { e: s.errors, w: s.warnings, i: s.infos, r: s.rulesChecked, f: s.rulesFailed });
}

function verdictText(verdict: string): string {
  return verdict === 'approve' || verdict === 'reject' || verdict === 'needs-attention' ? t(verdict) : verdict;
}

// ── A check: clauses, findings by rule, witness paths on the graph ─────────────────────────

/** Findings listed at first per rule (and a trace's outcomes); the rest behind a button. */
const FINDINGS_SHOWN = 30;

/**
 * A list of the first FINDINGS_SHOWN items and a button that adds the rest: the page is laid out
 * and the graph drawn without waiting for hundreds of items.
 */
function listFirst<T>(tag: 'ul' | 'ol', items: readonly T[], item: (x: T) => HTMLElement): { list: HTMLElement; more: HTMLElement | null } {
  const list = h(tag, { class: 'plain' }, ...items.slice(0, FINDINGS_SHOWN).map(item));
  if (items.length <= FINDINGS_SHOWN) return { list, more: null };
  const more = h('button', { type: 'button', class: 'more' }, t('showMore', { n: items.length - FINDINGS_SHOWN }));
  more.addEventListener('click', () => {
    list.append(...items.slice(FINDINGS_SHOWN).map(item));
    more.remove();
  });
  return { list, more };
}
/** Header classes shown per trace outcome (the CLI's JSON has them all). */
const CLASSES_SHOWN = 10;

async function check(projectId: string, checkId: string, mine: number): Promise<void> {
  crumbs([t('projects'), '#/'], [projectId, `#/p/${seg(projectId)}`], [t('check'), location.hash]);
  let answer = await api<{ check: CheckRecord; report?: CheckReport }>(`/projects/${seg(projectId)}/checks/${seg(checkId)}`);
  while (answer.check.status === 'queued' || answer.check.status === 'running') {
    if (mine !== generation) return;
    const { done, total } = answer.check.progress;
    show(
      h('h1', {}, t('check')),
      h('p', {}, `${statusText(answer.check.status)} — ${t('progress')}`, h('progress', { max: String(total || 1), value: String(done) })),
    );
    await new Promise((ok) => setTimeout(ok, 1000));
    answer = await api(`/projects/${seg(projectId)}/checks/${seg(checkId)}`);
  }
  if (mine !== generation) return;
  if (answer.check.status === 'failed' || answer.report === undefined) {
    show(h('h1', {}, t('check')), h('p', { class: 'alert', role: 'alert' }, `${t('failed')}: ${answer.check.error?.message ?? ''}`));
    return;
  }
  const report = answer.report;
  const data = await api<ZoneGraph>(`/projects/${seg(projectId)}/versions/${answer.check.version}/graph`);
  if (mine !== generation) return;

  const figure = h('div', { class: 'graph', id: 'graph', role: 'img' });
  const pathPanel = h('div', { class: 'path', id: 'path' }, h('p', { class: 'help' }, t('selectFinding')));
  const select = (button: HTMLElement, finding: Finding): void => {
    for (const b of app.querySelectorAll('.finding[aria-pressed="true"]')) b.setAttribute('aria-pressed', 'false');
    button.setAttribute('aria-pressed', 'true');
    const witnessed = (finding.classes ?? []).filter((c) => c.witness !== undefined);
    const showClass = (i: number): void => {
      const c = witnessed[i]!;
      graph?.highlight([{ hops: c.witness!.hops, tone: 'selected' }]);
      pathPanel.replaceChildren(
        h('h3', {}, t('path')),
        witnessed.length > 1
          ? h(
              'p',
              { class: 'classes' },
              ...witnessed.map((_, j) =>
                h('button', { type: 'button', 'aria-pressed': j === i ? 'true' : 'false', onclick: () => showClass(j) }, `${j + 1}/${witnessed.length}`),
              ),
            )
          : '',
        h('p', {}, `${t('packet')}: ${c.witness!.packet} (${c.src} → ${c.dst} ${c.service})`),
        hopList(c.witness!.hops, data),
      );
    };
    if (witnessed.length === 0) {
      graph?.highlight([]);
      pathPanel.replaceChildren(h('p', {}, pick(finding.message)), h('p', { class: 'loc' }, finding.location));
    } else showClass(0);
  };

  const byRule = report.rules.filter((r) => r.findings > 0);
  // The audit report of this check (`check --format html`), in the page's language.
  const reportButton = h(
    'button',
    {
      type: 'button',
      id: 'download-report',
      onclick: () => {
        download(`/projects/${seg(projectId)}/checks/${seg(checkId)}/report.html?lang=${lang()}`, `${checkId}-report.html`).catch((e: unknown) =>
          app.append(failure(e)),
        );
      },
    },
    t('downloadReport'),
  );
  show(
    h('h1', {}, `${t('check')} — ${report.topology.name}`),
    h('p', { class: 'summary' }, summaryText(report.summary)),
    h('p', {}, reportButton),
    h('section', { 'aria-labelledby': 'clauses-h' }, h('h2', { id: 'clauses-h' }, t('clauses')), clauseTable(report)),
    h(
      'div',
      { class: 'split' },
      h(
        'section',
        { class: 'findings', 'aria-labelledby': 'findings-h' },
        h('h2', { id: 'findings-h' }, t('findings')),
        byRule.length === 0 ? h('p', {}, t('noFindings')) : null,
        ...byRule.map((rule) => {
          const findings = report.findings.filter((f) => f.rule === rule.id);
          const item = (f: Finding): HTMLElement => {
            const button = h(
              'button',
              { type: 'button', class: `finding ${f.severity}`, 'aria-pressed': 'false', 'data-rule': f.rule, 'data-subject': f.subject },
              h('span', { class: 'sev' }, t(f.severity)),
              ` ${f.subject}`,
              h('span', { class: 'msg' }, pick(f.message)),
              h('span', { class: 'loc' }, f.location),
            );
            button.addEventListener('click', () => select(button, f));
            return h('li', {}, button);
          };
          // A rule with hundreds of findings (a city's firewall hygiene) lists the first few.
          const { list, more } = listFirst('ul', findings, item);
          return h(
            'section',
            { class: 'rule', 'data-rule': rule.id },
            h('h3', {}, `${pick(rule.title)} `, h('span', { class: 'clause' }, `${rule.id} · ${rule.clause} · ${findings.length}`)),
            list,
            more,
          );
        }),
      ),
      graphSide(figure, pathPanel),
    ),
  );
  performance.mark('bunkatsu:page-built');
  graph = graphView(figure, data);
  performance.mark('bunkatsu:graph-created');
}

/** The zone graph beside a list (findings, flows, outcomes), with the path panel under it. */
function graphSide(figure: HTMLElement, pathPanel: HTMLElement): HTMLElement {
  return h(
    'section',
    { class: 'side', 'aria-labelledby': 'graph-h' },
    h('h2', { id: 'graph-h' }, t('graph')),
    figure,
    h('p', { class: 'help' }, t('graphNote')),
    pathPanel,
  );
}

function clauseTable(report: CheckReport): HTMLElement {
  const clauses = new Map<string, CheckReport['rules'][number][]>();
  for (const r of report.rules) for (const c of r.clause.split(/,\s*/)) clauses.set(c, [...(clauses.get(c) ?? []), r]);
  const verdict = (rules: CheckReport['rules']): 'pass' | 'fail' | 'disabled' =>
    rules.some((r) => r.status === 'fail') ? 'fail' : rules.some((r) => r.status === 'pass') ? 'pass' : 'disabled';
  return h(
    'table',
    { class: 'list clauses', 'aria-label': t('clauses') },
    h('thead', {}, h('tr', {}, h('th', {}, t('clause')), h('th', {}, t('rule')), h('th', {}, t('result')))),
    h(
      'tbody',
      {},
      ...[...clauses].map(([clause, rules]) => {
        const result = verdict(rules);
        return h(
          'tr',
          { 'data-clause': clause, 'data-result': result },
          h('td', {}, clause),
          h('td', {}, h('ul', { class: 'plain' }, ...rules.map((r) => h('li', {}, `${pick(r.title)} (${r.id}: ${t(r.status)})`)))),
          h('td', { class: `result ${result}` }, t(result)),
        );
      }),
    ),
  );
}

function hopList(hops: readonly Hop[], data: ZoneGraph): HTMLElement {
  const kinds = new Map(data.nodes.map((n) => [n.id, n.kind]));
  return h(
    'ol',
    { class: 'hops', 'aria-label': t('path') },
    ...hops.map((hop) => {
      const where =
        hop.kind === 'zone'
          ? t('hopZone', { id: hop.id })
          : hop.out === undefined
            ? t('hopDeviceEnd', { kind: kindName(kinds.get(hop.id) ?? 'device'), id: hop.id, in: hop.in ?? '' })
            : t('hopDevice', { kind: kindName(kinds.get(hop.id) ?? 'device'), id: hop.id, in: hop.in ?? '', out: hop.out });
      const rule = hop.rule
        ? t('decidedBy', {
            id: hop.rule.id,
            action: hop.rule.action === 'permit' || hop.rule.action === 'deny' ? t(hop.rule.action) : hop.rule.action,
            location: hop.rule.location,
          })
        : '';
      const li = h(
        'li',
        { 'data-node': hop.id, 'data-kind': hop.kind, ...(hop.rule ? { 'data-rule': hop.rule.id, 'data-location': hop.rule.location } : {}) },
        h('button', { type: 'button', class: 'hop', onclick: () => graph?.focus(hop.id) }, where),
        rule ? h('span', { class: 'rule-line' }, rule) : null,
      );
      return li;
    }),
  );
}

// ── The zone matrix ───────────────────────────────────────────────────────────────────────

async function matrix(projectId: string, version: string, level: 'zone' | 'domain', mine: number): Promise<void> {
  crumbs([t('projects'), '#/'], [projectId, `#/p/${seg(projectId)}`], [t('matrix'), location.hash]);
  const [m, data] = await Promise.all([
    api<Matrix>(`/projects/${seg(projectId)}/versions/${seg(version)}/matrix?level=${level}`),
    api<ZoneGraph>(`/projects/${seg(projectId)}/versions/${seg(version)}/graph`),
  ]);
  if (mine !== generation) return;
  const root = h('section', { class: 'matrix', 'aria-labelledby': 'matrix-h' });
  const levels = h(
    'p',
    { role: 'group', 'aria-label': t('level') },
    `${t('level')}: `,
    ...(['zone', 'domain'] as const).map((l) =>
      h(
        'a',
        { href: `#/p/${seg(projectId)}/v/${seg(version)}/matrix${l === 'domain' ? '/domain' : ''}`, 'aria-current': l === level ? 'page' : 'false' },
        t(l === 'zone' ? 'byZone' : 'byDomain'),
      ),
    ),
  );
  show(h('h1', { id: 'matrix-h' }, `${t('matrix')} — ${t('version')} ${version}`), levels, root);
  matrixView(root, m, data);
}

// ── Trace one flow ───────────────────────────────────────────────────────────────────────

/**
 * `#/p/{project}/v/{version}/trace[/{src}/{dst}/{service}]`: the form, and with a question in
 * the address (bookmarkable, back-button friendly) every outcome of the flow, its header classes
 * and its path hop by hop on the zone graph, as `bunkatsu trace` gives them.
 */
async function traceView(projectId: string, version: string, question: readonly string[], mine: number): Promise<void> {
  crumbs([t('projects'), '#/'], [projectId, `#/p/${seg(projectId)}`], [t('trace'), location.hash]);
  const [src = '', dst = '', service = ''] = question;
  const asked = src !== '' && dst !== '' && service !== '';
  const [data, answer] = await Promise.all([
    api<ZoneGraph>(`/projects/${seg(projectId)}/versions/${seg(version)}/graph`),
    asked
      ? api<Trace>(
          `/projects/${seg(projectId)}/versions/${seg(version)}/trace?src=${encodeURIComponent(src)}&dst=${encodeURIComponent(dst)}&service=${encodeURIComponent(service)}&lang=${lang()}`,
        ).then(
          (trace): Trace | Error => trace,
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        )
      : undefined,
  ]);
  if (mine !== generation) return;
  // Zones and devices as suggestions (hosts and addresses are typed).
  const ids = h('datalist', { id: 'trace-ids' }, ...[...data.nodes].sort((a, b) => a.id.localeCompare(b.id)).map((n) => h('option', { value: n.id })));
  const field = (name: string, label: string, value: string, list: boolean): HTMLInputElement =>
    h('input', {
      id: `trace-${name}`,
      name,
      value,
      required: true,
      autocomplete: 'off',
      spellcheck: 'false',
      ...(list ? { list: 'trace-ids' } : {}),
      'aria-label': label,
    }) as HTMLInputElement;
  const from = field('src', t('source'), src, true);
  const to = field('dst', t('destination'), dst, true);
  const what = field('service', t('service'), service, false);
  const out = h('div', { id: 'trace-result' });
  const form = h(
    'form',
    { class: 'trace' },
    h(
      'p',
      {},
      h('label', { for: 'trace-src' }, `${t('source')} `),
      from,
      ' → ',
      h('label', { for: 'trace-dst' }, `${t('destination')} `),
      to,
      ' ',
      h('label', { for: 'trace-service' }, `${t('service')} `),
      what,
      ' ',
      h('button', { type: 'submit' }, t('runTrace')),
    ),
    h('p', { class: 'help' }, t('traceHelp')),
    ids,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = [from.value.trim(), to.value.trim(), what.value.trim()];
    if (values.some((v) => v === '')) {
      out.replaceChildren(h('p', { class: 'alert', role: 'alert' }, t('emptyField')));
      return;
    }
    location.hash = `#/p/${seg(projectId)}/v/${seg(version)}/trace/${values.map(seg).join('/')}`;
  });
  const figure = h('div', { class: 'graph', id: 'graph', role: 'img' });
  const pathPanel = h('div', { class: 'path', id: 'path' }, h('p', { class: 'help' }, t('selectOutcome')));
  const listed = h('section', { class: 'outcomes', 'aria-labelledby': 'outcomes-h' }, h('h2', { id: 'outcomes-h' }, t('outcomes')));
  const buttons: HTMLElement[] = [];
  if (answer instanceof Error) out.replaceChildren(failure(answer));
  else if (answer !== undefined) {
    // In the order the library lists them (delivered first), as `bunkatsu trace` prints them.
    const outcomes = answer.outcomes;
    const counts = new Map<TraceOutcome['kind'], number>();
    for (const o of outcomes) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
    const select = (button: HTMLElement, o: TraceOutcome): void => {
      for (const b of buttons) b.setAttribute('aria-pressed', b === button ? 'true' : 'false');
      graph?.highlight(o.hops.length > 0 ? [{ hops: o.hops, tone: 'selected' }] : []);
      pathPanel.replaceChildren(h('h3', {}, t('path')), o.hops.length > 0 ? hopList(o.hops, data) : h('p', {}, o.disposition));
    };
    const item = (o: TraceOutcome): HTMLElement => {
      const button = h(
        'button',
        { type: 'button', class: `outcome ${o.kind}`, 'aria-pressed': 'false', 'data-kind': o.kind },
        h('span', { class: 'sev' }, t(o.kind)),
        ` ${o.disposition}`,
        ...o.classes.slice(0, CLASSES_SHOWN).map((c) => h('span', { class: 'msg' }, `${c.src} → ${c.dst}  ${c.service}`)),
        o.classes.length > CLASSES_SHOWN ? h('span', { class: 'msg' }, t('moreClasses', { n: o.classes.length - CLASSES_SHOWN })) : null,
      );
      button.addEventListener('click', () => select(button, o));
      buttons.push(button);
      return h('li', {}, button);
    };
    // A wide question (any to any) can have hundreds of outcomes.
    const { list, more } = listFirst('ol', outcomes, item);
    listed.append(
      h(
        'p',
        { class: 'summary', id: 'trace-summary' },
        outcomes.length === 0 ? t('noOutcome') : `${t('outcomes')}: ${[...counts].map(([k, n]) => `${t(k)} ${n}`).join(lang() === 'ja' ? '、' : ', ')}`,
      ),
      list,
    );
    if (more) listed.append(more);
    // The first outcome is shown at once (delivered ones come first).
    queueMicrotask(() => {
      if (outcomes.length > 0) select(buttons[0]!, outcomes[0]!);
    });
  }
  show(h('h1', {}, `${t('trace')} — ${t('version')} ${version}`), form, out, h('div', { class: 'split' }, listed, graphSide(figure, pathPanel)));
  graph = graphView(figure, data);
}

// ── Change reviews ────────────────────────────────────────────────────────────────────────

function reviewForm(projectId: string, version: string): void {
  crumbs([t('projects'), '#/'], [projectId, `#/p/${seg(projectId)}`], [t('review'), location.hash]);
  const text = h('textarea', { id: 'change', rows: '12', spellcheck: 'false', placeholder: t('pasteHere') }) as HTMLTextAreaElement;
  const name = h('input', { id: 'change-name', value: 'change.yaml' }) as HTMLInputElement;
  const file = h('input', { id: 'change-file', type: 'file', accept: '.yaml,.yml,.json' }) as HTMLInputElement;
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    text.value = await chosen.text();
    name.value = chosen.name;
  });
  const out = h('div', { id: 'review-result' });
  const form = h(
    'form',
    { class: 'review' },
    h('label', { for: 'change' }, t('changeFile')),
    text,
    h('p', {}, h('label', { for: 'change-file' }, `${t('chooseFile')}: `), file, ' ', h('label', { for: 'change-name' }, `${t('filename')}: `), name),
    h('button', { type: 'submit' }, t('submitReview')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (text.value.trim() === '') {
      out.replaceChildren(h('p', { class: 'alert', role: 'alert' }, t('emptyChange')));
      return;
    }
    const json = name.value.endsWith('.json');
    try {
      const made = await api<{ id: string }>(
        `/projects/${seg(projectId)}/versions/${seg(version)}/reviews?lang=${lang()}&filename=${encodeURIComponent(name.value || 'change.yaml')}`,
        { method: 'POST', body: text.value, contentType: json ? 'application/json' : 'application/yaml' },
      );
      const report = await api<ReviewReport>(`/projects/${seg(projectId)}/reviews/${seg(made.id)}?format=json`);
      const data = await api<ZoneGraph>(`/projects/${seg(projectId)}/versions/${seg(version)}/graph`);
      showReview(out, report, data);
    } catch (error) {
      out.replaceChildren(failure(error));
    }
  });
  show(h('h1', {}, `${t('review')} — ${t('version')} ${version}`), form, out);
}

async function storedReview(projectId: string, reviewId: string, mine: number): Promise<void> {
  crumbs([t('projects'), '#/'], [projectId, `#/p/${seg(projectId)}`], [t('review'), location.hash]);
  const [{ reviews }, report] = await Promise.all([
    api<{ reviews: { id: string; version: number }[] }>(`/projects/${seg(projectId)}/reviews`),
    api<ReviewReport>(`/projects/${seg(projectId)}/reviews/${seg(reviewId)}?format=json`),
  ]);
  const version = reviews.find((r) => r.id === reviewId)?.version ?? 'latest';
  const data = await api<ZoneGraph>(`/projects/${seg(projectId)}/versions/${version}/graph`);
  if (mine !== generation) return;
  const out = h('div', { id: 'review-result' });
  show(h('h1', {}, `${t('review')} — ${report.change.file}`), out);
  showReview(out, report, data);
}

function showReview(out: HTMLElement, report: ReviewReport, data: ZoneGraph): void {
  graph?.kill();
  const figure = h('div', { class: 'graph', id: 'graph', role: 'img' });
  const paths = (flows: readonly FlowChange[], tone: HighlightedPath['tone']): HighlightedPath[] =>
    flows.flatMap((f) => f.classes.flatMap((c) => (c.witness ? [{ hops: c.witness.hops, tone }] : [])));
  const all = [...paths(report.newlyBlocked, 'closed'), ...paths(report.newlyAllowed, 'opened')];
  const flowList = (flows: readonly FlowChange[], key: TextKey, tone: HighlightedPath['tone']): HTMLElement =>
    h(
      'section',
      { class: `flows ${tone}`, 'data-flows': tone },
      h('h3', {}, `${t(key)} (${flows.length})`),
      flows.length === 0
        ? h('p', {}, t('none'))
        : h(
            'ul',
            { class: 'plain' },
            ...flows.map((f) => {
              const button = h(
                'button',
                { type: 'button', class: 'flow', 'aria-pressed': 'false', 'data-from': f.from, 'data-to': f.to },
                `${f.from} → ${f.to}`,
                f.fromDomain === f.toDomain
                  ? ''
                  : ` (${pick(data.domains[f.fromDomain]) || f.fromDomain} → ${pick(data.domains[f.toDomain]) || f.toDomain}, ${t('crossDomain')})`,
                h('span', { class: 'msg' }, f.classes.map((c) => c.service).join(', ')),
              );
              button.addEventListener('click', () => {
                for (const b of out.querySelectorAll('.flow[aria-pressed="true"]')) b.setAttribute('aria-pressed', 'false');
                button.setAttribute('aria-pressed', 'true');
                graph?.highlight(paths([f], tone));
                const first = f.classes.find((c) => c.witness)?.witness;
                pathPanel.replaceChildren(h('h3', {}, t('path')), first ? hopList(first.hops, data) : '');
              });
              return h('li', {}, button);
            }),
          ),
    );
  const pathPanel = h('div', { class: 'path', id: 'path' });
  const findingList = (findings: readonly Finding[], key: TextKey): HTMLElement | null =>
    findings.length === 0
      ? null
      : h(
          'section',
          {},
          h('h3', {}, `${t(key)} (${findings.length})`),
          h(
            'ul',
            { class: 'plain' },
            ...findings.map((f) => h('li', {}, h('span', { class: `sev ${f.severity}` }, t(f.severity)), ` ${f.rule} · ${f.subject} — ${pick(f.message)}`)),
          ),
        );
  out.replaceChildren(
    h('p', { class: `verdict ${report.verdict}`, id: 'verdict', 'data-verdict': report.verdict }, `${t('verdict')}: ${verdictText(report.verdict)}`),
    h('pre', { class: 'summary' }, pick(report.summary)),
    h(
      'div',
      { class: 'split' },
      h(
        'div',
        {},
        flowList(report.newlyAllowed, 'opened', 'opened'),
        flowList(report.newlyBlocked, 'closed', 'closed'),
        findingList(report.findingsIntroduced, 'findingsIntroduced'),
        findingList(report.findingsResolved, 'findingsResolved'),
        report.intentsBroken.length === 0
          ? null
          : h(
              'section',
              {},
              h('h3', {}, t('intentsBroken')),
              h('ul', { class: 'plain' }, ...report.intentsBroken.map((i) => h('li', {}, `${i.intent} ${i.purpose ?? ''}`))),
            ),
        h(
          'section',
          {},
          h('h3', {}, t('changes')),
          h('ul', { class: 'plain' }, ...report.change.operations.map((o) => h('li', {}, o.summary, h('span', { class: 'loc' }, ` ${o.location}`)))),
        ),
      ),
      h(
        'section',
        { class: 'side' },
        h('h2', {}, t('graph')),
        figure,
        h('p', { class: 'legend' }, h('span', { class: 'swatch opened' }), t('legendOpened'), ' ', h('span', { class: 'swatch closed' }), t('legendClosed')),
        pathPanel,
      ),
    ),
  );
  graph = graphView(figure, data);
  graph.highlight(all);
}

// ── Routing ────────────────────────────────────────────────────────────────────────────────

async function route(): Promise<void> {
  const mine = ++generation;
  const signOut = document.getElementById('sign-out')!;
  signOut.textContent = t('signOut');
  signOut.hidden = token() === null;
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-lang]')) b.setAttribute('aria-pressed', b.dataset.lang === lang() ? 'true' : 'false');
  if (token() === null) {
    signIn();
    return;
  }
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  show(h('p', { class: 'help' }, t('loading')));
  try {
    if (parts.length === 0) await projects();
    else if (parts[0] === 'p' && parts.length === 2) await project(parts[1]!, mine);
    else if (parts[0] === 'p' && parts[2] === 'checks' && parts.length === 4) await check(parts[1]!, parts[3]!, mine);
    else if (parts[0] === 'p' && parts[2] === 'reviews' && parts.length === 4) await storedReview(parts[1]!, parts[3]!, mine);
    else if (parts[0] === 'p' && parts[2] === 'v' && parts[4] === 'matrix') await matrix(parts[1]!, parts[3]!, parts[5] === 'domain' ? 'domain' : 'zone', mine);
    else if (parts[0] === 'p' && parts[2] === 'v' && parts[4] === 'review') reviewForm(parts[1]!, parts[3]!);
    else if (parts[0] === 'p' && parts[2] === 'v' && parts[4] === 'trace' && (parts.length === 5 || parts.length === 8))
      await traceView(parts[1]!, parts[3]!, parts.slice(5), mine);
    else show(h('p', {}, t('notFound')));
  } catch (error) {
    if (mine === generation) show(failure(error));
  }
}

document.getElementById('sign-out')!.addEventListener('click', () => {
  setToken(null);
  location.hash = '#/';
  void route();
});
for (const b of document.querySelectorAll<HTMLButtonElement>('[data-lang]')) {
  b.addEventListener('click', () => {
    setLang(b.dataset.lang as Lang);
    void route();
  });
}
setLang(lang());
window.addEventListener('hashchange', () => void route());
void route();
