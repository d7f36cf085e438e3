// One policy check of a stored version, as the server runs it in a pool worker (for a check in
// the request and an asynchronous job alike). Returns the JSON report the CLI prints.

import { type EngineFactory, InputError, type Lang, type Network, type Pack, checkReportJson, render, runCheck, zoneMatrix } from '../index.ts';
import { diagnosticsJson, HttpError } from './errors.ts';

export interface CheckOutput {
  readonly summary: unknown;
  readonly engine: string;
  /** The report as `bunkatsu check --format json` prints it. */
  readonly report: string;
  /** Rules in the pack's catalogue (the progress total). */
  readonly rules: number;
}

export function runStoredCheck(
  network: Network,
  pack: Pack,
  engineFactory: EngineFactory,
  today: string,
  lang: Lang,
  onRule?: (id: string, index: number, total: number) => void,
): CheckOutput {
  const report = runCheck(network, pack, { engineFactory, today, ...(onRule ? { onRule } : {}) });
  return { summary: report.summary, engine: report.engine, report: checkReportJson(network, report, lang), rules: report.rules.length };
}

/**
 * The audit report of a stored check (`check --format html`): the check run again on the same
 * version, engine and date (a check is deterministic, so its findings are the stored ones).
 * `sha256`: the version's hash, the sha256 of the bytes as uploaded.
 */
export function storedCheckHtml(
  network: Network,
  pack: Pack,
  engineFactory: EngineFactory,
  today: string,
  sha256: string,
  lang: Lang,
  flows?: { readonly file: string; readonly sha256: string },
): string {
  const report = runCheck(network, pack, { engineFactory, today });
  const matrix = zoneMatrix(network, engineFactory(network), 'zone');
  return render(
    'html',
    { kind: 'audit', network, report, matrix, domains: pack.domains, topologySha256: sha256, date: today, ...(flows ? { flows: [flows] } : {}) },
    lang,
  );
}

/** The `error` stored with a failed check: the code, the message and any diagnostics. */
export function checkFailure(error: unknown): { code: string; message: string; diagnostics?: unknown } {
  if (error instanceof InputError) {
    return { code: error.diagnostics[0]?.code ?? 'BNK_ERR_USAGE', message: error.message, diagnostics: diagnosticsJson(error.diagnostics) };
  }
  if (error instanceof HttpError) return { code: error.code, message: error.message };
  return { code: 'BNK_ERR_INTERNAL', message: 'internal error' };
}
