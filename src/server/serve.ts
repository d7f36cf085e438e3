// `bunkatsu serve` and the admin commands behind `bunkatsu project` / `bunkatsu token`: thin
// wrappers over buildServer and the store, called by the CLI (src/cli/main.ts).

import type { AddressInfo } from 'node:net';
import { InputError } from '../index.ts';
import { isPostgresUrl, redactedUrl } from '../store/sql.ts';
import { SCOPES, type Scope, Store } from '../store/store.ts';
import { buildServer, DEFAULTS, shutdown } from './app.ts';
import { PROJECT_ID } from './routes/projects.ts';

/** The database file when --db is not given: $BUNKATSU_DB, else bunkatsu.db in the working directory. */
/**
 * Where the store is: `--database` (a PostgreSQL URL), else `--db` (a SQLite file), else
 * $BUNKATSU_DATABASE, else $BUNKATSU_DB, else ./bunkatsu.db. Flags win over the environment.
 */
export function storeLocation(db: string | undefined, database: string | undefined): string {
  if (db !== undefined && database !== undefined) throw usage('give either --db <file> (SQLite) or --database <url> (PostgreSQL), not both');
  if (database !== undefined) {
    if (!isPostgresUrl(database)) throw usage('--database takes a postgres://user:password@host:port/database URL; for a SQLite file use --db');
    return database;
  }
  if (db !== undefined) return db;
  const fromEnv = process.env.BUNKATSU_DATABASE;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!isPostgresUrl(fromEnv)) throw usage('$BUNKATSU_DATABASE must be a postgres:// URL; for a SQLite file set $BUNKATSU_DB');
    return fromEnv;
  }
  return process.env.BUNKATSU_DB ?? 'bunkatsu.db';
}

/** The store's location as a log or status line may show it: never a password or user name. */
export const shownLocation = (location: string): string => (isPostgresUrl(location) ? redactedUrl(location) : location);

export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  readonly db: string;
  readonly policy?: string;
  /** Requests per minute per client address; 0 disables the limit. */
  readonly rateLimit: number;
  readonly logLevel: string;
  /** The one browser origin allowed to call the API cross-origin; default none. */
  readonly corsOrigin?: string;
  /** The worker pool (buildServer's options of the same names); defaults when absent. */
  readonly workers?: number;
  readonly maxQueuedTasks?: number;
  readonly workerMemoryMb?: number;
  /** With PostgreSQL: seconds after which a running check job is taken as lost and retried. */
  readonly jobTimeoutSeconds?: number;
}

/** pino's levels, as `--log-level` takes them. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function usage(message: string): InputError {
  return new InputError([{ code: 'BNK_ERR_USAGE', message, loc: { file: '<command line>', line: 1, column: 1 } }]);
}

/**
 * Listens until SIGTERM or SIGINT, then shuts down gracefully: in-flight requests finish, new
 * ones get 503, and the database is closed. Logs (JSON) go to stdout; status lines to `say`.
 */
export async function serve(options: ServeOptions, say: (line: string) => void): Promise<void> {
  if (!(LOG_LEVELS as readonly string[]).includes(options.logLevel))
    throw usage(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not "${options.logLevel}"`);
  const app = await buildServer({
    db: options.db,
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.corsOrigin !== undefined ? { corsOrigin: options.corsOrigin } : {}),
    logger: { level: options.logLevel },
    rateLimit: options.rateLimit > 0 ? { max: options.rateLimit, timeWindowMs: 60_000 } : false,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.maxQueuedTasks === undefined ? {} : { maxQueuedTasks: options.maxQueuedTasks }),
    ...(options.workerMemoryMb === undefined ? {} : { workerMemoryMb: options.workerMemoryMb }),
    ...(options.jobTimeoutSeconds === undefined ? {} : { jobTimeoutSeconds: options.jobTimeoutSeconds }),
  });
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close();
    throw listenError(error, options.host, options.port);
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  say(
    `bunkatsu listening on http://${host}:${address.port} (database ${shownLocation(options.db)}); web page at http://${host}:${address.port}/, API docs at http://${host}:${address.port}/docs`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      say(`${signal}: finishing in-flight requests, then stopping`);
      shutdown(app).then(resolve, resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  say('stopped');
}

/** The socket errors an operator causes (a port in use, a host that is not here) as usage errors naming the flag. */
function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'EADDRINUSE':
      return usage(`--port ${port} is already in use on ${host}; stop the other server or choose another --port (0: any free port)`);
    case 'EACCES':
      return usage(`--port ${port} on ${host} needs privileges this user lacks; choose a port from 1024 up`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return usage(`--host "${host}" is not an address of this machine (${code}); give one of its addresses, e.g. 127.0.0.1`);
    default:
      return error;
  }
}

export { DEFAULTS as SERVER_DEFAULTS };

/** Parses "read,submit" into scopes; throws a usage error naming the bad one. */
export function parseScopes(text: string): Scope[] {
  const scopes = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const bad = scopes.find((s) => !(SCOPES as readonly string[]).includes(s));
  if (bad !== undefined || scopes.length === 0) throw usage(`--scope takes a comma-separated list of ${SCOPES.join(', ')}${bad ? `, not "${bad}"` : ''}`);
  return scopes as Scope[];
}

async function withStore<T>(db: string, run: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(db);
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

export function createProject(db: string, id: string, name: string | undefined): Promise<string> {
  if (!new RegExp(PROJECT_ID).test(id))
    throw usage(`project id "${id}" must be lowercase letters, digits and "-" (at most 63), starting with a letter or digit`);
  return withStore(db, async (store) => {
    if (!(await store.createProject(id, name ?? id))) throw usage(`project "${id}" already exists`);
    return `created project ${id} in ${shownLocation(db)}`;
  });
}

export function listProjects(db: string): Promise<string> {
  return withStore(db, async (store) => (await store.listProjects()).map((p) => `${p.id}\t${p.name}\t${p.createdAt}`).join('\n'));
}

/** Creates a token and returns it with a description; the token is printed once and never stored. */
export function createToken(
  db: string,
  project: string | undefined,
  server: boolean,
  scopes: Scope[],
  name: string | undefined,
): Promise<{ token: string; note: string }> {
  if (server === (project !== undefined)) throw usage('give either --project <id> or --server');
  if (server && !scopes.includes('admin')) throw usage('a server token needs --scope admin');
  return withStore(db, async (store) => {
    if (project !== undefined && !(await store.getProject(project))) throw usage(`project "${project}" does not exist (bunkatsu project create ${project})`);
    const { record, token } = await store.createToken(project ?? null, scopes, name ?? 'cli');
    const target = project === undefined ? 'the server (every project)' : `project ${project}`;
    return { token, note: `token ${record.id} for ${target}, scopes ${record.scopes.join(',')}; shown once, stored hashed` };
  });
}

export function listTokens(db: string, project: string | undefined): Promise<string> {
  return withStore(db, async (store) =>
    (await store.listTokens(project ?? null))
      .map((t) => `${t.id}\t${t.project ?? '(server)'}\t${t.scopes.join(',')}\t${t.name}\t${t.createdAt}${t.revokedAt ? `\trevoked ${t.revokedAt}` : ''}`)
      .join('\n'),
  );
}

export function revokeToken(db: string, id: string): Promise<string> {
  return withStore(db, async (store) => {
    if (!(await store.revokeToken(id))) throw usage(`no live token "${id}"`);
    return `revoked token ${id}`;
  });
}

/** `bunkatsu worker`: the queue library is loaded only by this command (and by a server on PostgreSQL). */
export async function runWorker(...args: Parameters<typeof import('./worker-process.ts').runWorker>): Promise<void> {
  return (await import('./worker-process.ts')).runWorker(...args);
}
