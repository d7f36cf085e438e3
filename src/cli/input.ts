// The CLI's side of input: files and folders read from disk (size-checked, decoded), option
// values checked, the policy pack and engines chosen by name. Everything else is the library's.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import {
  BUNDLED_POLICIES,
  DEFAULT_LIMITS,
  ENGINES,
  type EngineFactory,
  InputError,
  type LoadProgress,
  type Network,
  type Pack,
  bundledPolicy,
  decodeInput,
  engineFactoryNamed,
  isCalendarDate,
  loadPack,
  loadTopology,
  readFlows,
  type SourceDocument,
} from '../essentials.ts';
import type { StanfordFiles } from '../index.ts';
import type { Progress } from './progress.ts';

export function usage(message: string): InputError {
  return new InputError([{ code: 'BNK_ERR_USAGE', message, loc: { file: '<command line>', line: 1, column: 1 } }]);
}

export function readText(path: string): string {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) {
      // Never opened: a FIFO would block, a device could be endless.
      const kind = stat.isDirectory()
        ? 'a folder'
        : stat.isFIFO()
          ? 'a FIFO (named pipe)'
          : stat.isCharacterDevice()
            ? 'a character device'
            : stat.isBlockDevice()
              ? 'a block device'
              : stat.isSocket()
                ? 'a socket'
                : 'something else';
      throw new InputError([
        {
          code: 'BNK_ERR_FILE_NOT_FOUND',
          message: `cannot read "${path}": it is ${kind}, not a regular file; give a file path`,
          loc: { file: path, line: 1, column: 1 },
        },
      ]);
    }
    size = stat.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError([{ code: 'BNK_ERR_FILE_NOT_FOUND', message: `cannot read "${path}": no such file`, loc: { file: path, line: 1, column: 1 } }]);
  }
  if (size > DEFAULT_LIMITS.maxBytes) {
    throw new InputError([
      { code: 'BNK_ERR_FILE_TOO_LARGE', message: `file is ${size} bytes; the limit is ${DEFAULT_LIMITS.maxBytes}`, loc: { file: path, line: 1, column: 1 } },
    ]);
  }
  return decodeInput(readFileSync(path), path);
}

/** sha256 (hex) of a file's bytes as they are on disk (the audit report's topology hash). */
export function fileSha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The pack given with --policy: a bundled pack's name or a file; without it, the seed pack. */
export function readPack(policy: string | undefined): Pack {
  const bundled = bundledPolicy(policy ?? 'seed');
  if (bundled) return loadPack(readText(bundled.file), bundled.name);
  const path = policy!;
  if (!existsSync(path)) {
    throw new InputError([
      {
        code: 'BNK_ERR_FILE_NOT_FOUND',
        message: `--policy "${path}": no such file, and no bundled policy pack has that name (bundled: ${Object.keys(BUNDLED_POLICIES).join(', ')})`,
        loc: { file: path, line: 1, column: 1 },
      },
    ]);
  }
  return loadPack(readText(path), path);
}

/**
 * `domainless`: zones without a domain are accepted (trace, matrix, dataplane on an import
 * without a site file); `progress`: the command's bar, told of the read, parse and validation.
 */
export function readNetwork(path: string, pack: Pack, domainless = false, progress?: Progress, flows?: string): Network {
  progress?.update('read', 0, 1);
  const text = readText(path);
  return loadTopology(text, path, {
    domains: new Set(Object.keys(pack.domains)),
    domainless,
    flows: readFlowsFile(flows),
    ...(progress ? { onProgress: (p: LoadProgress) => progress.update(p.phase, p.done, p.total) } : {}),
  });
}

/** A --flows file, read (its intents, exceptions and cloud services join the topology's); none without the option. */
export function readFlowsFile(path: string | undefined): SourceDocument[] {
  return path === undefined ? [] : [readFlows(readText(path), path)];
}

/** Reads an APKeep-style folder (topo.txt, vlan.txt, acls/, updates): the files `parseStanford` takes. */
export function readStanford(dir: string): StanfordFiles {
  const file = (name: string): string => readText(`${dir.replace(/\/$/, '')}/${name}`);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError([
      {
        code: 'BNK_ERR_FILE_NOT_FOUND',
        message: `"${dir}" is not a folder (expected the data set folder with topo.txt, vlan.txt, acls/ and updates)`,
        loc: { file: dir, line: 1, column: 1 },
      },
    ]);
  }
  let aclFiles: string[];
  try {
    aclFiles = readdirSync(`${dir}/acls`);
  } catch {
    throw new InputError([
      { code: 'BNK_ERR_FILE_NOT_FOUND', message: `cannot read folder "${dir}/acls": no such folder`, loc: { file: `${dir}/acls`, line: 1, column: 1 } },
    ]);
  }
  return { dir: dir.replace(/\/$/, ''), topo: file('topo.txt'), vlan: file('vlan.txt'), aclFiles, updates: file('updates') };
}

export function engineFactory(name: string): EngineFactory {
  const factory = engineFactoryNamed(name);
  if (!factory) throw usage(`unknown engine "${name}" (available: ${Object.keys(ENGINES).join(', ')})`);
  return factory;
}

/** --today, or today's date. */
export function today(option: string | undefined): string {
  if (option === undefined) return new Date().toISOString().slice(0, 10);
  if (!isCalendarDate(option)) throw usage(`--today must be a calendar date YYYY-MM-DD (e.g. 2026-02-28), not "${option}"`);
  return option;
}
