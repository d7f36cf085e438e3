// Progress of a benchmark on stderr: on a terminal a bar (cli-progress, as the CLI's own) with
// the step, the percent and the time left; otherwise (a log file, CI) one line per step, as
// before. Nothing of it goes to stdout, where the results are printed.

import { SingleBar } from 'cli-progress';

export interface BenchProgress {
  /** The next step has begun: `label` says which (e.g. "[city] run 2/3"). */
  step(label: string): void;
  /** A line worth keeping (a result, a refusal): above the bar, or in the log. */
  note(line: string): void;
  stop(): void;
}

export function benchProgress(steps: number, stream: NodeJS.WriteStream = process.stderr): BenchProgress {
  if (!stream.isTTY) {
    return { step: (label) => void stream.write(`${label}\n`), note: (line) => void stream.write(`${line}\n`), stop: () => {} };
  }
  const bar = new SingleBar({ stream, format: '{label} [{bar}] {percentage}% | left {eta_formatted}', barsize: 30, hideCursor: true, etaBuffer: 20, fps: 5 });
  let done = -1;
  bar.start(Math.max(1, steps), 0, { label: 'starting' });
  return {
    step(label) {
      done++;
      bar.update(Math.max(0, done), { label });
    },
    note(line) {
      // Clear the bar's line, print, and let the next redraw put the bar back under it.
      stream.write(`\r\x1b[2K${line}\n`);
      bar.render();
    },
    stop() {
      bar.update(Math.max(1, steps));
      bar.stop();
    },
  };
}
