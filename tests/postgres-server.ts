// A real PostgreSQL server for the test run, never a mock: Debian's binaries (package
// postgresql, which .ci/run installs when missing), a cluster made in a temporary
// folder, listening on a free loopback port, removed after the run. As root (CI) the server runs
// as the `postgres` user the package creates, since PostgreSQL refuses to run as root.

import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** The password of the test cluster's superuser; tests also try a wrong one. */
export const POSTGRES_PASSWORD = 'bunkatsu-test-password';

/** The newest installed PostgreSQL's programs, or undefined. */
export function postgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest === undefined ? undefined : join(root, newest, 'bin');
}

function binaries(): string {
  const bin = postgresBinaries();
  if (bin === undefined)
    throw new Error('PostgreSQL is not installed: the store tests need a real server (Debian: apt-get install -y postgresql; .ci/run installs it).');
  return bin;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface TestPostgres {
  /** Superuser URL (with the password). */
  readonly url: string;
  /** Stops the server (fast shutdown: connections are cut), keeping its data. */
  pause(): void;
  /** Starts it again on the same port. */
  resume(): void;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = binaries();
  const dir = mkdtempSync(join(tmpdir(), 'bunkatsu-test-pg-'));
  const data = join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  // PostgreSQL will not run as root: the package's postgres user owns the cluster then.
  const run = (command: string, args: string[]): string =>
    execFileSync(asRoot ? 'runuser' : command, asRoot ? ['-u', 'postgres', '--', command, ...args] : args, { stdio: 'pipe', encoding: 'utf8' });
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, `${POSTGRES_PASSWORD}\n`);
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chownSync(passwordFile, uid, gid);
  }
  chmodSync(dir, 0o700);
  run(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'bunkatsu',
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    `--pwfile=${passwordFile}`,
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  const port = await freePort();
  const log = join(dir, 'server.log');
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = (): void => void run(join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '60', '-o', options, 'start']);
  start();
  const url = `postgres://bunkatsu:${POSTGRES_PASSWORD}@127.0.0.1:${port}/postgres`;
  const stop = async (): Promise<void> => {
    try {
      run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already stopped (a test stopped it on purpose)
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    url,
    stop,
    pause: () => void run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']),
    resume: start,
  };
}
