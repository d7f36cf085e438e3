// `bunkatsu serve` startup mistakes (and input paths that are not files): each exits 2 with one line naming the flag or file and what
// to do, never "This is a bug" (exit 3), and leaves no database behind when it never opened one.

import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bnk-serve-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs serve expecting a refusal: exit 2, and stderr is one line, the diagnostic. */
async function refused(args: string[], oneLine = true): Promise<string> {
  const r = await runCli(['serve', ...args]);
  expect(r.err).not.toContain('This is a bug');
  expect(r.code, r.err).toBe(2);
  if (oneLine) expect(r.err.trim().split('\n')).toHaveLength(1);
  return r.err.split('\n')[0]!;
}

describe('bunkatsu serve: operator mistakes exit 2', () => {
  it('a port already in use names --port', async () => {
    const busy: Server = createServer();
    await new Promise<void>((ok) => busy.listen(0, '127.0.0.1', ok));
    try {
      const port = (busy.address() as { port: number }).port;
      const db = join(tempDir(), 'b.db');
      const line = await refused(['--port', String(port), '--db', db, '--log-level', 'silent']);
      expect(line).toMatch(/BNK_ERR_USAGE --port \d+ is already in use on 127\.0\.0\.1/);
    } finally {
      await new Promise((ok) => busy.close(ok));
    }
  });

  it('a host that is not an address of this machine names --host', async () => {
    const line = await refused(['--host', '999.1.1.1', '--port', '0', '--db', join(tempDir(), 'b.db'), '--log-level', 'silent']);
    expect(line).toMatch(/BNK_ERR_USAGE --host "999\.1\.1\.1" is not an address of this machine/);
  });

  it('an unknown log level names --log-level, before anything is created', async () => {
    const db = join(tempDir(), 'b.db');
    const line = await refused(['--log-level', 'bogus', '--port', '0', '--db', db]);
    expect(line).toContain('--log-level must be one of fatal, error, warn, info, debug, trace, silent, not "bogus"');
    expect(existsSync(db)).toBe(false);
  });

  it('a missing or folder --policy names it, before the database is created', async () => {
    const dir = tempDir();
    const db = join(dir, 'b.db');
    expect(await refused(['--policy', join(dir, 'nope.yaml'), '--port', '0', '--db', db])).toMatch(
      /BNK_ERR_FILE_NOT_FOUND --policy ".*nope\.yaml": no such file/,
    );
    expect(await refused(['--policy', dir, '--port', '0', '--db', db])).toMatch(/BNK_ERR_FILE_NOT_FOUND --policy ".*": it is a folder/);
    writeFileSync(join(dir, 'p.yaml'), 'a: 1\n');
    // An invalid pack is a list of problems in the pack, each on its line, then their count.
    expect(await refused(['--policy', join(dir, 'p.yaml'), '--port', '0', '--db', db], false)).toContain('BNK_ERR_POLICY');
    expect(existsSync(db)).toBe(false);
  });

  it('a --db that is a folder, not a database, or of a newer schema names the file', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'folder.db'));
    expect(await refused(['--db', join(dir, 'folder.db'), '--port', '0'])).toMatch(/folder\.db:1:1 BNK_ERR_USAGE database ".*" is a folder/);
    writeFileSync(join(dir, 'notes.db'), 'not a database\n'.repeat(300));
    expect(await refused(['--db', join(dir, 'notes.db'), '--port', '0'])).toMatch(/BNK_ERR_USAGE database ".*notes\.db" is not a SQLite database/);
    const future = new Database(join(dir, 'future.db'));
    future.pragma('user_version = 999');
    future.close();
    expect(await refused(['--db', join(dir, 'future.db'), '--port', '0'])).toMatch(/has schema version 999, newer than this bunkatsu supports/);
  });

  it('a bad --port or --cors-origin names the flag', async () => {
    const db = join(tempDir(), 'b.db');
    expect(await refused(['--port', '8080x', '--db', db])).toContain('--port must be a whole number from 0 to 65535, not "8080x"');
    expect(await refused(['--cors-origin', '*', '--port', '0', '--db', db])).toContain('--cors-origin must be one origin');
  });
});

describe('input files that are not regular files', () => {
  it('names a FIFO and a character device without reading them (a FIFO would block)', async () => {
    const fifo = join(tempDir(), 'topology.yaml');
    execFileSync('mkfifo', [fifo]);
    const r = await runCli(['check', fifo]);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe(
      `${fifo}:1:1 BNK_ERR_FILE_NOT_FOUND cannot read "${fifo}": it is a FIFO (named pipe), not a regular file; give a file path`,
    );
    const dev = await runCli(['check', '/dev/null']);
    expect(dev.code).toBe(2);
    expect(dev.err.split('\n')[0]).toContain('it is a character device, not a regular file');
    const dir = await runCli(['check', tempDir()]);
    expect(dir.err.split('\n')[0]).toContain('it is a folder, not a regular file');
  });
});
