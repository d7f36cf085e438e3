// The command line: parse arguments -> call the library -> render. The commands are a table
// (commands.ts); this file turns it into commander calls and is the one edge where errors are
// caught and mapped to exit codes: 0 clean, 1 findings, 2 bad input, 3 internal error.

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { diagnosticText, errorCountText, InputError, type Lang, VERSION } from '../essentials.ts';
import { COMMANDS, type CommandSpec, EXIT, GROUPS, type Io, type OptionSpec } from './commands.ts';

export { EXIT };

function option(spec: OptionSpec): Option {
  const o = new Option(spec.flags, spec.description);
  if (spec.choices) o.choices(spec.choices);
  if (spec.default !== undefined) o.default(spec.default);
  if (spec.required) o.makeOptionMandatory();
  return o;
}

function addCommand(program: Command, spec: CommandSpec, io: Io, setExit: (code: number) => void): void {
  let parent = program;
  for (const group of spec.name.slice(0, -1)) {
    parent = parent.commands.find((c) => c.name() === group) ?? parent.command(group).description(GROUPS[group] ?? '');
  }
  const command = parent.command(spec.name.at(-1)!).description(spec.description);
  for (const [syntax, description] of spec.args ?? []) command.argument(syntax, description);
  for (const o of spec.options ?? []) command.addOption(option(o));
  // commander calls the action with the arguments, then the options, then the command.
  command.action(async (...values: unknown[]) => {
    const count = spec.args?.length ?? 0;
    // A variadic last argument (<config...>) comes as an array: spread into the positional list.
    const args = (values.slice(0, count) as Array<string | string[]>).flat();
    setExit(await spec.run(io, args, values[count]));
  });
}

function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('bunkatsu')
    .description('Network segmentation simulator and flow validator for Japanese local-government networks')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) })
    .showHelpAfterError();
  for (const spec of COMMANDS) addCommand(program, spec, io, setExit);
  return program;
}

/** The --lang of the command line (errors are printed after commander has given up on it, so it is read here). */
function langOf(argv: readonly string[]): Lang {
  let lang: Lang = 'en';
  argv.forEach((a, i) => {
    const value = a === '--lang' ? argv[i + 1] : a.startsWith('--lang=') ? a.slice('--lang='.length) : undefined;
    if (value === 'ja' || value === 'en') lang = value;
  });
  return lang;
}

/** Runs the CLI with the given arguments; returns the exit code. Never throws. */
export async function main(argv: readonly string[], io: Io = { out: (s) => console.log(s), err: (s) => console.error(s) }): Promise<number> {
  let code: number = EXIT.clean;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.clean : EXIT.badInput;
    }
    if (error instanceof InputError) {
      const lang = langOf(argv);
      for (const d of error.diagnostics) io.err(diagnosticText(d, lang));
      // One error is one line (a startup mistake, a missing file); a list ends with its count.
      if (error.diagnostics.length > 1) io.err(errorCountText(error.diagnostics.length)[lang]);
      return EXIT.badInput;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`internal error: ${message}`);
    if (process.env.BUNKATSU_DEBUG && error instanceof Error) io.err(error.stack ?? '');
    else io.err('This is a bug in bunkatsu; set BUNKATSU_DEBUG=1 for details and report it.');
    return EXIT.internal;
  }
}

// Run when executed directly (npm start / tsx src/cli/main.ts), not when imported by tests.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
