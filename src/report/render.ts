// One entry for every renderer: render(format, subject, lang) over a table of formats per kind
// of report (check, review, sweep, matrix, trace, data plane, replay). The table is also what
// the CLI offers as --format choices, so a format added here is offered there.

import type { DataplaneReport } from '../dataplane/check.ts';
import type { ReplayRun } from '../incremental/replay-run.ts';
import type { Outcome } from '../engine/types.ts';
import type { Network } from '../model/network.ts';
import type { ZoneMatrix } from '../policy/matrix.ts';
import type { CheckReport } from '../policy/types.ts';
import type { SweepResult } from '../review/simulate.ts';
import type { ReviewNetworks, ReviewReport } from '../review/types.ts';
import { dataplaneJson, dataplaneText } from './dataplane.ts';
import { type Diagram, type DomainNames, diagramDot, diagramMermaid, diagramSvg } from './diagram.ts';
import { type AuditReportInput, auditReportHtml } from './html.ts';
import type { Lang } from './describe.ts';
import { checkReportJson, outcomesJson } from './json.ts';
import { checkJunit, reviewJunit } from './junit.ts';
import { checkMarkdown, reviewMarkdown } from './markdown.ts';
import { matrixCsv, matrixJson, matrixText } from './matrix.ts';
import { type ReplayContext, replayJson, replayText } from './replay.ts';
import { reviewJson, reviewText, sweepText } from './review.ts';
import { checkSarif, reviewSarif } from './sarif.ts';
import { checkReportText, traceText } from './text.ts';

/** What can be rendered: each kind of report with what its renderers need. */
export interface Renderables {
  readonly check: { readonly network: Network; readonly report: CheckReport };
  readonly review: { readonly report: ReviewReport; readonly networks: ReviewNetworks };
  /** The n-1 sweep of `simulate --sweep` (file: the topology file named in the report). */
  readonly sweep: { readonly network: Network; readonly file: string; readonly result: SweepResult };
  /** domains: the names of the pack's domains (the CSV's columns name them). */
  readonly matrix: { readonly network: Network; readonly matrix: ZoneMatrix; readonly domains: DomainNames };
  /** One flow's outcomes; flow: the arguments as given, title: the text heading. */
  readonly trace: {
    readonly network: Network;
    readonly outcomes: readonly Outcome[];
    readonly title: string;
    readonly flow: { readonly src: string; readonly dst: string; readonly service: string };
  };
  readonly dataplane: { readonly network: Network; readonly report: DataplaneReport };
  readonly replay: { readonly run: ReplayRun; readonly context: ReplayContext };
  /** The audit report of a check (`check --format html`): the check with its matrix and cover facts. */
  readonly audit: AuditReportInput;
  /** A zone graph or a witness path (diagram.ts: zoneGraph, witnessDiagram). */
  readonly diagram: { readonly diagram: Diagram };
}

export type ReportKind = keyof Renderables;
export type Renderable = { [K in ReportKind]: { readonly kind: K } & Renderables[K] }[ReportKind];

type Renderer<K extends ReportKind> = (subject: Renderables[K], lang: Lang) => string;

/** The formats of each kind, the first the default. */
const RENDERERS = {
  check: {
    text: (s, lang) => checkReportText(s.network, s.report, lang),
    json: (s, lang) => checkReportJson(s.network, s.report, lang),
    sarif: (s, lang) => checkSarif(s.network, s.report, lang),
    junit: (s, lang) => checkJunit(s.network, s.report, lang),
    markdown: (s, lang) => checkMarkdown(s.network, s.report, lang),
  },
  review: {
    text: (s, lang) => reviewText(s.report, s.networks, lang),
    json: (s, lang) => reviewJson(s.report, s.networks, lang),
    markdown: (s, lang) => reviewMarkdown(s.report, s.networks, lang),
    sarif: (s, lang) => reviewSarif(s.report, s.networks, lang),
    junit: (s, lang) => reviewJunit(s.report, s.networks, lang),
  },
  sweep: {
    text: (s, lang) =>
      sweepText(
        s.network.name,
        s.file,
        s.result,
        s.network.intents.map((i) => i.id),
        lang,
      ),
    json: (s) =>
      JSON.stringify(
        {
          topology: { file: s.file, name: s.network.name },
          intents: s.network.intents.map((i) => ({
            intent: i.id,
            cutBy: s.result.byIntent.get(i.id) ?? [],
            alreadyBroken: s.result.alreadyBroken.includes(i.id),
          })),
          elements: s.result.elements,
          elapsedMs: s.result.elapsedMs,
        },
        null,
        2,
      ),
  },
  matrix: {
    text: (s, lang) => matrixText(s.network, s.matrix, lang),
    csv: (s, lang) => matrixCsv(s.network, s.matrix, s.domains, lang),
    json: (s) => matrixJson(s.network, s.matrix),
  },
  trace: {
    text: (s, lang) => traceText(s.network, s.title, s.outcomes, lang),
    json: (s, lang) => JSON.stringify({ flow: s.flow, outcomes: outcomesJson(s.network, s.outcomes, lang) }, null, 2),
  },
  dataplane: {
    text: (s, lang) => dataplaneText(s.network, s.report, lang),
    json: (s, lang) => dataplaneJson(s.network, s.report, lang),
  },
  replay: {
    text: (s, lang) => replayText(s.run, s.context, lang),
    json: (s) => replayJson(s.run, s.context),
  },
  audit: {
    html: (s, lang) => auditReportHtml(s, lang),
  },
  diagram: {
    svg: (s) => diagramSvg(s.diagram),
    dot: (s) => diagramDot(s.diagram),
    mermaid: (s) => diagramMermaid(s.diagram),
  },
} as const satisfies { readonly [K in ReportKind]: Readonly<Record<string, Renderer<K>>> };

/** The formats of a kind of report. */
export type FormatOf<K extends ReportKind> = keyof (typeof RENDERERS)[K] & string;

/** The formats of each kind of report, the default first (the CLI's --format choices). */
export const FORMATS: { readonly [K in ReportKind]: readonly FormatOf<K>[] } = Object.fromEntries(
  Object.entries(RENDERERS).map(([kind, formats]) => [kind, Object.keys(formats)]),
) as unknown as { readonly [K in ReportKind]: readonly FormatOf<K>[] };

/** Whether `format` is one of the formats of `kind` (for input that is not typed yet). */
export function isFormatOf<K extends ReportKind>(kind: K, format: string): format is FormatOf<K> {
  return Object.hasOwn(RENDERERS[kind], format);
}

/** Renders a report in one of its kind's formats; `lang` is ignored by formats without prose. */
export function render<K extends ReportKind>(format: FormatOf<K>, subject: { readonly kind: K } & Renderables[K], lang: Lang): string {
  const renderer = (RENDERERS[subject.kind] as unknown as Record<string, Renderer<K>>)[format];
  if (!renderer) throw new Error(`no ${format} rendering of a ${subject.kind} report (formats: ${FORMATS[subject.kind].join(', ')})`);
  return renderer(subject, lang);
}
