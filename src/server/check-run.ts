// One policy check of a stored version, as the server runs it: in the request (small
// topologies) or in the check worker (large ones). Returns the JSON report the CLI prints.

import { type EngineFactory, type Lang, type Network, type Pack, checkReportJson, runCheck } from '../index.ts';

export interface CheckOutput {
  readonly summary: unknown;
  readonly engine: string;
  /** The report as `bunkatsu check --format json` prints it. */
  readonly report: string;
  /** Rules in the pack's catalogue (the progress total). */
  readonly rules: number;
}

export function runStoredCheck(
  network: Network, pack: Pack, engineFactory: EngineFactory, today: string, lang: Lang,
  onRule?: (id: string, index: number, total: number) => void,
): CheckOutput {
  const report = runCheck(network, pack, { engineFactory, today, ...(onRule ? { onRule } : {}) });
  return { summary: report.summary, engine: report.engine, report: checkReportJson(network, report, lang), rules: report.rules.length };
}
