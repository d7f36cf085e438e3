// The benchmarks' command-line options: node:util's parseArgs, plus `--help` (the script's opening
// comment and its options with their defaults) and, for an unknown option or a count that is not
// a whole number, one line on stderr and exit 2 instead of a stack trace.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The script's options, parsed; `--help` / `-h` prints its usage and exits. */
export function benchArgs<T extends { options: Options; allowPositionals?: boolean }>(script: string, config: T): ReturnType<typeof parseArgs<T>> {
  const name = basename(script);
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage(script, config.options));
    process.exit(0);
  }
  try {
    return parseArgs<T>(config);
  } catch (error) {
    process.stderr.write(`bench/${name}: ${(error as Error).message.split('\n')[0]} (--help lists the options)\n`);
    process.exit(2);
  }
}

/** A whole number of at least `min` from an option's text, or one line on stderr and exit 2. */
export function count(text: string | undefined, option: string, min = 1): number {
  const n = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || n < min) {
    process.stderr.write(`--${option} must be a whole number of at least ${min}, not "${text ?? ''}"\n`);
    process.exit(2);
  }
  return n;
}

function usage(script: string, options: Options): string {
  const lines = readFileSync(script, 'utf8').split('\n');
  const intro: string[] = [];
  for (const line of lines) {
    if (!line.startsWith('//')) break;
    intro.push(line.replace(/^\/\/ ?/, ''));
  }
  const listed = Object.entries(options).map(([key, o]) => {
    const flag = `--${key}${o.type === 'string' ? ' <value>' : ''}`;
    const fallback = o.default === undefined ? '' : `  (default: ${String(o.default)})`;
    return `  ${flag}${fallback}`;
  });
  return `${intro.join('\n')}\n\nOptions:\n${listed.join('\n')}\n  --help, -h\n`;
}
