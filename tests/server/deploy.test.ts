// A deployed server needs no devDependency: the bundle (dist/, built by the package's own build
// script) with bin/, policies/ and package.json, next to a node_modules holding only the
// production dependencies, serves an upload and checks (in the request and as a job) through the
// worker pool, and stops on SIGTERM. tsx, a devDependency, is absent, as after `npm prune --omit=dev`.

import { execFileSync, execSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, TODAY } from '../helpers.ts';
import { sample } from './helpers.ts';

let dir = '';
let child: ChildProcess | undefined;

/** The top-level packages of the lock file that a production install keeps (not dev-only). */
function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync(resolve(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
  return Object.entries(lock.packages)
    .filter(([path, p]) => path.startsWith('node_modules/') && !path.slice('node_modules/'.length).includes('node_modules/') && !p.dev && !p.devOptional)
    .map(([path]) => path.slice('node_modules/'.length));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bunkatsu-deploy-'));
  // The package's build script, writing into the copy instead of ./dist.
  const build = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: { build: string } }).scripts.build;
  execSync(build.replaceAll('dist', join(dir, 'dist')), {
    cwd: ROOT,
    stdio: 'pipe',
    env: { ...process.env, PATH: `${resolve(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` },
  });
  for (const part of ['bin', 'policies', 'package.json']) cpSync(resolve(ROOT, part), join(dir, part), { recursive: true });
  for (const name of productionPackages()) {
    mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
    symlinkSync(resolve(ROOT, 'node_modules', name), join(dir, 'node_modules', name), 'dir');
  }
}, 120_000);

afterAll(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * node with --preserve-symlinks: a package resolves its own dependencies from the copy's
 * node_modules (production only), not from the real folder the link points into (which has all).
 */
const NODE = [process.execPath, '--preserve-symlinks'];
const cli = (...args: string[]): string =>
  execFileSync(NODE[0]!, [...NODE.slice(1), join(dir, 'bin', 'bunkatsu.js'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();

describe('a deployment without devDependencies', () => {
  it('has the bundle and no tsx', () => {
    expect(existsSync(join(dir, 'dist', 'bunkatsu.mjs'))).toBe(true);
    expect(existsSync(join(dir, 'dist', 'worker.mjs'))).toBe(true);
    expect(existsSync(join(dir, 'dist', 'web', 'app.js'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules', 'fastify'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules', 'tsx'))).toBe(false);
    expect(existsSync(join(dir, 'src'))).toBe(false);
  });

  it('serves: upload, a check in the request and a job, both through the worker pool; stops on SIGTERM', async () => {
    const db = join(dir, 'bunkatsu.db');
    cli('project', 'create', 'kita', '--db', db);
    const token = cli('token', 'create', '--project', 'kita', '--scope', 'read,submit', '--db', db);
    const server = spawn(
      NODE[0]!,
      [...NODE.slice(1), join(dir, 'bin', 'bunkatsu.js'), 'serve', '--port', '0', '--db', db, '--log-level', 'silent', '--workers', '1'],
      {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    child = server;
    let err = '';
    const url = await new Promise<string>((ok, fail) => {
      server.stderr!.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
        if (m) ok(m[1]!);
      });
      server.on('exit', (code) => fail(new Error(`server exited with ${code}: ${err}`)));
    });
    const auth = { authorization: `Bearer ${token}` };
    const up = await fetch(`${url}/projects/kita/versions?filename=alpha-city.yaml`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/yaml' },
      body: sample('topologies/alpha-city.yaml'),
    });
    expect(up.status).toBe(201);
    const now = await fetch(`${url}/projects/kita/versions/1/checks?today=${TODAY}`, { method: 'POST', headers: auth });
    expect(now.status).toBe(201);
    expect(((await now.json()) as { report: { summary: unknown } }).report.summary).toMatchObject({ errors: 0, rulesChecked: 13 });
    const job = await fetch(`${url}/projects/kita/versions/1/checks?today=${TODAY}&async=true`, { method: 'POST', headers: auth });
    expect(job.status).toBe(202);
    const location = job.headers.get('location')!;
    let status = '';
    for (let i = 0; i < 200 && status !== 'done' && status !== 'failed'; i++) {
      status = ((await (await fetch(`${url}${location}`, { headers: auth })).json()) as { check: { status: string } }).check.status;
      if (status !== 'done') await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe('done');
    // The web page comes from the bundle's dist/web.
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('src="app.js"');
    const exited = new Promise<number | null>((ok) => server.once('exit', (code) => ok(code)));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(err).not.toMatch(/tsx|ERR_MODULE_NOT_FOUND/);
  }, 60_000);
});
