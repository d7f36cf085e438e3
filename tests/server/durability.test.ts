// Crash durability with a real server process: after a 2xx, `kill -9` loses nothing. Also the
// tokens at rest: only hashes of their secrets are in the database file.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.ts';
import { ROOT, TODAY } from '../helpers.ts';
import { sample } from './helpers.ts';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Starts `bunkatsu serve --port 0` and resolves with its base URL once it listens. */
function startServer(db: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [resolve(ROOT, 'bin/bunkatsu.js'), 'serve', '--port', '0', '--db', db, '--log-level', 'silent'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  return new Promise((ok, fail) => {
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) ok({ child, url: m[1]! });
    });
    child.on('exit', (code) => fail(new Error(`server exited with ${code}: ${err}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((ok) => {
    child.once('exit', async () => ok());
    child.kill('SIGKILL');
  });
}

describe('crash durability', async () => {
  it('a topology version and a check acknowledged with 2xx survive kill -9 of the server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bunkatsu-crash-'));
    dirs.push(dir);
    const db = join(dir, 'sub', 'api.db');
    // Bootstrap as an admin would; the server creates nothing else.
    const setup = await Store.open(db);
    await setup.createProject('kita', 'Kita');
    const { token } = await setup.createToken('kita', ['read', 'submit'], 'crash-test');
    await setup.close();

    const { child, url } = await startServer(db);
    const auth = { authorization: `Bearer ${token}` };
    const text = sample('topologies/alpha-city.yaml');
    const up = await fetch(`${url}/projects/kita/versions?filename=alpha-city.yaml`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/yaml' },
      body: text,
    });
    expect(up.status).toBe(201);
    const version = (await up.json()) as { version: number; hash: string };
    const check = await fetch(`${url}/projects/kita/versions/1/checks?today=${TODAY}`, { method: 'POST', headers: auth });
    expect(check.status).toBe(201);
    const checkId = ((await check.json()) as { check: { id: string } }).check.id;
    const queued = await fetch(`${url}/projects/kita/versions/1/checks?today=${TODAY}&async=true`, { method: 'POST', headers: auth });
    expect(queued.status).toBe(202);
    const queuedId = ((await queued.json()) as { check: { id: string } }).check.id;

    await killed(child); // SIGKILL: no shutdown, no checkpoint, no close
    expect(readdirSync(join(dir, 'sub'))).toContain('api.db-wal');

    const after = await Store.open(db);
    try {
      expect(await after.getVersion('kita', 1)).toMatchObject({ version: 1, hash: version.hash, filename: 'alpha-city.yaml' });
      expect(await after.getContent('kita', 1)).toBe(text);
      expect((await after.getCheck('kita', checkId))?.status).toBe('done');
      expect(await after.getCheckResult('kita', checkId)).toContain('"rulesChecked": 13');
      // The queued job is there to be run at the next start (if the worker had not finished it).
      expect(['queued', 'running', 'done']).toContain((await after.getCheck('kita', queuedId))?.status);
    } finally {
      await after.close();
    }

    // The restarted server serves the stored version and finishes the job.
    const again = await startServer(db);
    const got = await fetch(`${again.url}/projects/kita/versions/1`, { headers: auth });
    expect(got.status).toBe(200);
    let status = '';
    for (let i = 0; i < 100 && status !== 'done'; i++) {
      status = ((await (await fetch(`${again.url}/projects/kita/checks/${queuedId}`, { headers: auth })).json()) as { check: { status: string } }).check.status;
      if (status !== 'done') await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('done');
    await new Promise<void>((ok) => {
      again.child.once('exit', (code) => {
        expect(code).toBe(0); // SIGTERM: graceful stop
        ok();
      });
      again.child.kill('SIGTERM');
    });
  });

  it('stores tokens hashed: no secret in the database file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bunkatsu-tokens-'));
    dirs.push(dir);
    const db = join(dir, 'api.db');
    const store = await Store.open(db);
    await store.createProject('kita', 'Kita');
    const { token } = await store.createToken('kita', ['read'], 't');
    await store.close();
    const secret = token.slice(21);
    const bytes = readFileSync(db).toString('latin1');
    expect(bytes).toContain(token.split('_')[1]!); // the id is there
    expect(bytes).not.toContain(secret);
  });
});
