// An import submitted through the API (POST /projects/{p}/imports), as `bunkatsu import` does it,
// run in a pool worker: the vendor configurations (with an iptables / nftables host's `ip addr`
// and `ip route`), an optional NetBox or containerlab inventory and an optional site file, all
// sent as text, composed into one topology by the library's importers.

import { posix } from 'node:path';
import {
  diagnosticText,
  formatDiagnostic,
  composedText,
  composeTopology,
  type ImportedConfig,
  type ImportWarning,
  InputError,
  type Inventory,
  importWarningText,
  loadSite,
  parseContainerlab,
  parseIptables,
  parseNetbox,
  parseNftables,
  skippedByFile,
  skippedSummaryText,
  VENDOR_IMPORTERS,
} from '../index.ts';
import { checkFailure } from './check-run.ts';

export interface SubmittedFile {
  readonly file: string;
  readonly text: string;
}

/** One device configuration: `--config vendor:file` of `bunkatsu import`, with the file's text. */
export interface SubmittedConfig extends SubmittedFile {
  readonly vendor: string;
  /** iptables, nftables: the host's `ip addr` and `ip route` output. */
  readonly addresses?: SubmittedFile;
  readonly routes?: SubmittedFile;
}

export interface ImportInput {
  readonly configs: readonly SubmittedConfig[];
  readonly inventory?: SubmittedFile & { readonly kind: 'netbox' | 'containerlab' };
  /** The startup configurations a containerlab lab names, by their path beside the lab file. */
  readonly files?: readonly SubmittedFile[];
  readonly site?: SubmittedFile;
  /** Every warning is an error, as `bunkatsu import --strict` (the job applies it). */
  readonly strict?: boolean;
  /** The stored version's file name (default imported.yaml). */
  readonly filename: string;
}

/** The vendors an import takes: those of `--config`, and the two Linux firewalls with their host files. */
export const IMPORT_VENDORS = [...Object.keys(VENDOR_IMPORTERS), 'iptables', 'nftables'];

/** A warning or a skipped-sections line in both languages, as `bunkatsu import --lang ja|en` prints it. */
export interface Said {
  readonly ja: string;
  readonly en: string;
}

export interface ImportOutput {
  readonly text: string;
  readonly filename: string;
  readonly warnings: readonly ImportWarning[];
  readonly skipped: readonly (Said & { readonly file: string; readonly total: number })[];
}

/** The stored warning: where, and the CLI's line in each language. */
export interface StoredWarning extends Said {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly location: string;
}

export function storedWarning(w: ImportWarning): StoredWarning {
  return { ...w.loc, location: `${w.loc.file}:${w.loc.line}:${w.loc.column}`, ja: importWarningText(w, 'ja'), en: importWarningText(w, 'en') };
}

/**
 * Under `strict`, the warnings as errors (BNK_ERR_IMPORT_STRICT), each at its place and in both
 * languages, as `bunkatsu import --strict --lang ja|en` says them.
 */
export function strictFailure(warnings: readonly ImportWarning[]): { code: 'BNK_ERR_IMPORT_STRICT'; message: string; diagnostics: unknown[] } {
  const diagnostics = warnings.map((w) => {
    const location = `${w.loc.file}:${w.loc.line}:${w.loc.column}`;
    const en = `${w.en} (an error under strict)`;
    return {
      code: 'BNK_ERR_IMPORT_STRICT',
      message: en,
      ...w.loc,
      location,
      text: { en: `${location} BNK_ERR_IMPORT_STRICT ${en}`, ja: `${location} BNK_ERR_IMPORT_STRICT ${w.ja}（strict 指定のため誤りとします）` },
    };
  });
  return {
    code: 'BNK_ERR_IMPORT_STRICT',
    message: `${diagnostics[0]!.text.en}${diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : ''}`,
    diagnostics,
  };
}

const baseName = (file: string): string => posix.basename(file).replace(/\.[^.]*$/, '');

function configOf(c: SubmittedConfig): ImportedConfig {
  if (c.vendor === 'iptables' || c.vendor === 'nftables') {
    const parse = c.vendor === 'iptables' ? parseIptables : parseNftables;
    return parse(c.text, c.file, baseName(c.file), { ...(c.addresses ? { addresses: c.addresses } : {}), ...(c.routes ? { routes: c.routes } : {}) });
  }
  return VENDOR_IMPORTERS[c.vendor]!(c.text, c.file, baseName(c.file));
}

/** Composes the topology; InputError (every diagnostic located in the submitted files) when it cannot. */
export function runImport(input: ImportInput): ImportOutput {
  const configs = input.configs.map(configOf);
  const sources = input.configs.flatMap((c) => [c.file, ...[c.addresses, c.routes].flatMap((h) => (h ? [h.file] : []))]);
  let inventory: Inventory | undefined;
  if (input.inventory?.kind === 'netbox') {
    inventory = parseNetbox(input.inventory.text, input.inventory.file);
    sources.unshift(input.inventory.file);
  } else if (input.inventory?.kind === 'containerlab') {
    const lab = input.inventory;
    const given = new Map((input.files ?? []).map((f) => [posix.normalize(f.file), f.text]));
    const readFile = (path: string): string => {
      const text = given.get(posix.normalize(path));
      if (text !== undefined) return text;
      throw new InputError([
        {
          code: 'BNK_ERR_FILE_NOT_FOUND',
          message: `the lab names the startup configuration "${path}", which is not among the files sent (add it to "files")`,
          loc: { file: lab.file, line: 1, column: 1 },
        },
      ]);
    };
    const read = parseContainerlab(lab.text, lab.file, readFile);
    configs.push(...read.configs);
    inventory = read.inventory;
    sources.unshift(lab.file, ...read.sources);
  }
  const site = input.site === undefined ? undefined : loadSite(input.site.text, input.site.file);
  const { doc, warnings } = composeTopology(configs, site, inventory);
  const format = input.filename.toLowerCase().endsWith('.json') ? 'json' : 'yaml';
  const text = composedText(doc, format, sources, {
    command: 'POST /projects/{project}/imports',
    ...(input.site ? { site: input.site.file } : {}),
  });
  return {
    text,
    filename: input.filename,
    warnings,
    skipped: skippedByFile(configs).map((s) => ({ file: s.file, total: s.total, ja: skippedSummaryText(s, 'ja'), en: skippedSummaryText(s, 'en') })),
  };
}

/**
 * The failure stored with an import: as a check's (code, message, located diagnostics), and
 * each diagnostic's line in both languages, as `bunkatsu import --lang en|ja` prints it.
 */
export function importFailure(error: unknown): { code: string; message: string; diagnostics?: unknown } {
  const failure = checkFailure(error);
  if (!(error instanceof InputError)) return failure;
  return {
    ...failure,
    diagnostics: error.diagnostics.map((d, i) => ({
      ...(failure.diagnostics as object[])[i],
      text: { en: formatDiagnostic(d), ja: diagnosticText(d, 'ja') },
    })),
  };
}
