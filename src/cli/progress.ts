// A progress bar on stderr for long work (cli-progress): the phase, the percent of the whole
// command and the time left. Only on a terminal and without --quiet; otherwise nothing at all.
// Each command names its phases with weights (their share of its time, measured on a
// prefecture); the library's callbacks say how far each phase is.

import { createRequire } from 'node:module';
import type { SingleBar as Bar } from 'cli-progress';
import { type Lang, PROGRESS_PHASES, type ProgressPhase } from '../essentials.ts';

export interface Progress {
  /** How far `phase` is: done of total (any unit: bytes, elements, rules, updates). */
  update(phase: ProgressPhase, done: number, total: number): void;
  /** Clears the bar (before the command prints its answer, and on errors). */
  stop(): void;
}

const SILENT: Progress = { update: () => {}, stop: () => {} };
const STEPS = 1000;

/**
 * The bar of one command. `weights`: its phases in order with their share of its time;
 * `stream`: where it draws (stderr), drawn only when it is a terminal.
 */
export function progressBar(
  weights: Partial<Record<ProgressPhase, number>>,
  opts: { readonly quiet?: boolean | undefined; readonly lang: Lang },
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (opts.quiet || !stream.isTTY) return SILENT;
  const phases = Object.keys(weights) as ProgressPhase[];
  const sum = phases.reduce((n, p) => n + weights[p]!, 0);
  // Where each phase starts, as a share of the whole.
  const start = new Map<ProgressPhase, number>();
  let at = 0;
  for (const p of phases) {
    start.set(p, at / sum);
    at += weights[p]!;
  }
  const ja = opts.lang === 'ja';
  // Loaded only when a bar is drawn: requiring cli-progress and its dependencies is a fifth of
  // the CLI's start-up, and a check with --quiet or output to a pipe never draws one.
  const { SingleBar } = createRequire(import.meta.url)('cli-progress') as { SingleBar: typeof Bar };
  const bar = new SingleBar({
    stream,
    format: `{phase} [{bar}] {percentage}% | ${ja ? '残り' : 'left'} {eta_formatted}`,
    barsize: 30,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 50,
    fps: 5,
  });
  const name = (p: ProgressPhase): string => PROGRESS_PHASES[p][opts.lang];
  let value = 0;
  bar.start(STEPS, 0, { phase: name(phases[0]!) });
  return {
    update(phase, done, total) {
      const from = start.get(phase);
      if (from === undefined) return;
      const share = weights[phase]! / sum;
      // Never backwards: a phase reported again (a second pass) keeps the bar where it is.
      value = Math.max(value, Math.round((from + share * (total > 0 ? Math.min(done / total, 1) : 1)) * STEPS));
      bar.update(value, { phase: name(phase) });
    },
    stop() {
      bar.stop();
    },
  };
}
