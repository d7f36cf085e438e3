// The HTTP API: buildServer(options) assembles the fastify app (storage, auth, limits, routes,
// OpenAPI) without listening, so tests drive it with inject() and `bunkatsu serve` listens.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import fastifyStatic from '@fastify/static';
import swaggerUi from '@fastify/swagger-ui';
import { BUNDLED_POLICIES, bundledPolicy, DEFAULT_LIMITS, InputError, PACKAGE_ROOT, VERSION } from '../index.ts';
import { Store } from '../store/store.ts';
import { authenticate } from './auth.ts';
import { UploadBudget } from './body.ts';
import { clientErrorHandler, errorBody, errorSchema, handleError, handleFrameworkError, HttpError } from './errors.ts';
import type { ReviewStats } from './context.ts';
import { InProcessJobs, type JobQueue } from './jobs.ts';
import { isPostgresUrl } from '../store/sql.ts';
import { Metrics } from './metrics.ts';
import { POOL_DEFAULTS, WorkerPool } from './pool.ts';
import { analysisRoutes } from './routes/analysis.ts';
import { importRoutes } from './routes/imports.ts';
import { projectRoutes } from './routes/projects.ts';
import { reviewRoutes } from './routes/reviews.ts';
import { systemRoutes } from './routes/system.ts';
import { versionRoutes } from './routes/versions.ts';
import { policyOf } from './workspace.ts';

/**
 * The pool worker's entry, chosen as bin/bunkatsu.js chooses the CLI's: a server running from
 * the bundle (dist/) starts the bundled worker next to it, so nothing needs tsx (a devDependency)
 * at run time; a server running from its TypeScript sources (development, tests) starts the
 * worker through tsx's loader.
 */
export const WORKER_ENTRY = import.meta.url.endsWith('.ts')
  ? resolve(PACKAGE_ROOT, 'src', 'server', 'worker.boot.js')
  : fileURLToPath(new URL('./worker.mjs', import.meta.url));

export interface ServerOptions {
  /**
   * SQLite file (created on first start), a postgres:// URL (the store and the shared job queue
   * that `bunkatsu worker` processes run), or an open store (the caller closes it; jobs run here).
   */
  readonly db: string | Store;
  /** Policy pack file; default the seed pack. */
  readonly policy?: string;
  /** false: no logs; otherwise pino options (level, and a destination stream for tests). */
  readonly logger?: false | { readonly level?: string; readonly stream?: NodeJS.WritableStream };
  /** Largest request body on every route but the topology upload (bytes). */
  readonly bodyLimit?: number;
  /** Largest topology upload (bytes); default the loader's limit, enough for `prefecture`. */
  readonly uploadLimit?: number;
  /** Bytes of topology and change-file bodies taken in at once, all routes together; past it, 429 BNK_ERR_BUSY. */
  readonly uploadBudget?: number;
  /** Checks of topologies larger than this (bytes) run as asynchronous jobs. */
  readonly asyncCheckBytes?: number;
  /** Requests per client address per window; false disables rate limiting. */
  readonly rateLimit?: false | { readonly max: number; readonly timeWindowMs: number };
  /** Whole-request (headers and body) and idle-connection timeouts, in ms. */
  readonly requestTimeoutMs?: number;
  readonly connectionTimeoutMs?: number;
  /** Most checks queued or running at once; past it, new asynchronous checks get 429. */
  readonly maxQueuedChecks?: number;
  /** Loaded topologies kept in memory by each worker; also the number of review bases (a version prepared for reviews). */
  readonly cacheEntries?: number;
  /** On shutdown, how long new requests are answered 503 while in-flight ones finish, before the listener closes (ms). */
  readonly drainTimeoutMs?: number;
  /** The one browser origin (`https://host[:port]`) allowed to call the API cross-origin; default none (CORS off). */
  readonly corsOrigin?: string;
  /** Worker threads that parse, check, trace and review (default: one per core but one, at least 1). */
  readonly workers?: number;
  /** Tasks waiting for a worker; past it, requests that need one get 429 BNK_ERR_BUSY with Retry-After. */
  readonly maxQueuedTasks?: number;
  /** Each worker's heap limit (MiB): an input that needs more kills the worker (422), not the server. */
  readonly workerMemoryMb?: number;
  /** The pool worker's module; default WORKER_ENTRY. The tests pass a bundle built once per run (starts in a third of the time). */
  readonly workerEntry?: string;
  /** The built web page (index.html, app.js, app.css) served at `/`; default WEB_ROOT. */
  readonly webRoot?: string;
  /** With a postgres:// database: seconds after which a running job is taken as lost and retried (default 900). */
  readonly jobTimeoutSeconds?: number;
  /** With a postgres:// database: how long a review request waits for its job before answering 202 (ms; default 30 s). */
  readonly reviewWaitMs?: number;
  /** The recent window of job durations and failures in /metrics (ms; default one hour). */
  readonly metricsWindowMs?: number;
}

/** Where `npm run build` puts the web page (web/ bundled by esbuild). */
export const WEB_ROOT = resolve(PACKAGE_ROOT, 'dist', 'web');

export const DEFAULTS = {
  bodyLimit: 64 * 1024,
  uploadLimit: 64 * 1024 * 1024,
  uploadBudget: 256 * 1024 * 1024,
  asyncCheckBytes: 2 * 1024 * 1024,
  rateLimit: { max: 6000, timeWindowMs: 60_000 },
  requestTimeoutMs: 120_000,
  connectionTimeoutMs: 120_000,
  cacheEntries: 8,
  maxQueuedChecks: 16,
  drainTimeoutMs: 30_000,
  reviewWaitMs: 30_000,
  metricsWindowMs: 3_600_000,
  workers: POOL_DEFAULTS.threads,
  maxQueuedTasks: POOL_DEFAULTS.maxQueue,
  workerMemoryMb: POOL_DEFAULTS.memoryMb,
} as const;

/** Node's default, stated so that the 431 answer can say it. */
const MAX_HEADER_SIZE = 16 * 1024;

/** Seconds a client refused during shutdown is told to wait (a supervisor restarts the server by then). */
const RETRY_AFTER_S = '5';

/** Never log topology content or tokens: a request is its method, path (no query) and id. */
const serializers = {
  req: (req: { method: string; url: string; id: string }) => ({ method: req.method, path: req.url.split('?')[0], id: req.id }),
  res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
};

/** Every API answer: JSON, never a document to render. */
const API_CSP = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * What Swagger UI at /docs needs, and no more: its scripts and styles come from this server
 * (no inline script; React sets inline styles), its icons are data: URLs, it fetches /docs/json.
 * No upgrade-insecure-requests: the server speaks plain HTTP on loopback.
 */
const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
].join('; ');

/**
 * The web page at `/`: its own script and stylesheet from this server, nothing inline, no other
 * origin (it works offline); it calls the API on the same origin; sigma.js draws on canvases
 * (WebGL), which needs no CSP source.
 */
const PAGE_CSP = [
  "default-src 'none'",
  "base-uri 'none'",
  "connect-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "script-src 'self'",
  "style-src 'self'",
].join('; ');

/**
 * The policy pack (a bundled pack's name or a file; the seed pack when none is given) as its
 * text and its name in diagnostics; a missing file or a folder is an operator mistake naming --policy.
 */
export function readPolicy(policy: string | undefined): { text: string; source: string } {
  const bundled = bundledPolicy(policy ?? 'seed');
  if (bundled) return { text: readFileSync(bundled.file, 'utf8'), source: bundled.name };
  const path = policy!;
  const stat = statSync(path, { throwIfNoEntry: false });
  const what =
    stat === undefined
      ? `no such file, and no bundled policy pack has that name (bundled: ${Object.keys(BUNDLED_POLICIES).join(', ')})`
      : stat.isFile()
        ? undefined
        : stat.isDirectory()
          ? 'it is a folder, not a file'
          : 'not a regular file';
  if (what !== undefined) {
    throw new InputError([
      { code: 'BNK_ERR_FILE_NOT_FOUND', message: `--policy "${path}": ${what}; give a policy pack YAML file`, loc: { file: path, line: 1, column: 1 } },
    ]);
  }
  return { text: readFileSync(path, 'utf8'), source: path };
}

/** A CORS origin is scheme://host[:port], nothing more (no path, no trailing slash, no wildcard). */
export function checkedOrigin(origin: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(origin);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || parsed.origin !== origin || !/^https?:$/.test(parsed.protocol)) {
    throw new InputError([
      {
        code: 'BNK_ERR_USAGE',
        message: `--cors-origin must be one origin such as https://portal.example.lg.jp (scheme, host, optional port; no path or "*"), not "${origin}"`,
        loc: { file: '<command line>', line: 1, column: 1 },
      },
    ]);
  }
  return origin;
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const requestTimeout = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: options.logger?.level ?? 'info',
            serializers,
            redact: { paths: ['req.headers.authorization', 'headers.authorization'], remove: true },
            ...(options.logger?.stream ? { stream: options.logger.stream } : {}),
          },
    bodyLimit: options.bodyLimit ?? DEFAULTS.bodyLimit,
    requestTimeout,
    connectionTimeout: options.connectionTimeoutMs ?? DEFAULTS.connectionTimeoutMs,
    http: { connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(requestTimeout / 2))), maxHeaderSize: MAX_HEADER_SIZE },
    frameworkErrors: handleFrameworkError,
    clientErrorHandler: clientErrorHandler(MAX_HEADER_SIZE),
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false } },
  });

  // The policy and the CORS origin first: a mistake in either then leaves no database file behind.
  const read = readPolicy(options.policy);
  const policy = policyOf(read.text, read.source);
  const corsOrigin = options.corsOrigin === undefined ? undefined : checkedOrigin(options.corsOrigin);
  const ownsStore = typeof options.db === 'string';
  const store = typeof options.db === 'string' ? await Store.open(options.db) : options.db;
  const pool = new WorkerPool({
    entry: options.workerEntry ?? WORKER_ENTRY,
    policy,
    log: app.log,
    cacheEntries: options.cacheEntries ?? DEFAULTS.cacheEntries,
    threads: options.workers ?? DEFAULTS.workers,
    maxQueue: options.maxQueuedTasks ?? DEFAULTS.maxQueuedTasks,
    memoryMb: options.workerMemoryMb ?? DEFAULTS.workerMemoryMb,
  });
  // With PostgreSQL the checks go to the shared queue that `bunkatsu worker` processes run.
  const jobs: JobQueue =
    typeof options.db === 'string' && isPostgresUrl(options.db)
      ? await (await import('./queue-postgres.ts')).postgresQueue(options.db, store.location, options.jobTimeoutSeconds, (line) => app.log.warn(line))
      : new InProcessJobs(store, pool, app.log);
  const reviews: ReviewStats = {
    prepared: 0,
    get size() {
      return pool.cache.reviewBases;
    },
  };
  const workspace = {
    get size() {
      return pool.cache.topologies;
    },
  };
  const metrics = new Metrics();
  const uploadLimit = Math.min(options.uploadLimit ?? DEFAULTS.uploadLimit, DEFAULT_LIMITS.maxBytes);
  const uploads = new UploadBudget(options.uploadBudget ?? DEFAULTS.uploadBudget, uploadLimit);

  app.decorate('closing', false);
  app.decorate('inFlight', 0);
  app.decorate('drainTimeoutMs', options.drainTimeoutMs ?? DEFAULTS.drainTimeoutMs);
  app.decorate('store', store);
  app.decorate('jobs', jobs);
  app.decorate('pool', pool);
  app.decorate('uploads', uploads);
  app.decorate('reviewBases', reviews);
  app.addSchema(errorSchema);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(errorBody('BNK_ERR_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
  });

  // Security headers first, so that every answer (refusals included) carries them. The API
  // answers JSON only: nothing may run, frame or be sniffed; /docs gets the CSP Swagger UI needs.
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
    // Off by default; behind a TLS proxy the proxy sets HSTS for its own host.
    strictTransportSecurity: false,
  });
  // Topologies, reports and reviews are sensitive: no cache keeps them (the /docs assets may be cached).
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/docs')) void reply.header('cache-control', 'no-store');
  });
  if (corsOrigin !== undefined) {
    // Exactly one origin, and preflights are answered before authentication (browsers send no token there).
    await app.register(cors, {
      origin: corsOrigin,
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type'],
      exposedHeaders: ['location', 'retry-after'],
      maxAge: 600,
      strictPreflight: false,
    });
  } else {
    // CORS off: a preflight learns the methods and no Access-Control-Allow-Origin, so browsers refuse cross-origin calls.
    app.options('*', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
      void reply.code(204).header('allow', 'GET, POST, DELETE, OPTIONS').send();
    });
  }

  // Order matters: refuse during shutdown, then rate-limit, then authenticate, all before the body is read.
  // While shutdown drains, the listener stays open so that new requests get this 503, not a refused connection.
  const counted = new WeakSet<object>();
  app.addHook('onRequest', async (request, reply) => {
    if (app.closing) {
      void reply.header('connection', 'close');
      throw new HttpError('BNK_ERR_SHUTTING_DOWN', `the server is shutting down; retry in ${RETRY_AFTER_S} s against its replacement`, {
        'retry-after': RETRY_AFTER_S,
      });
    }
    counted.add(request);
    app.inFlight++;
  });
  const settled = async (request: object): Promise<void> => {
    if (counted.delete(request)) app.inFlight--;
  };
  app.addHook('onResponse', settled);
  app.addHook('onRequestAbort', settled);
  metrics.attach(app);
  const limit = options.rateLimit ?? DEFAULTS.rateLimit;
  if (limit !== false) {
    await app.register(rateLimit, {
      global: true,
      max: limit.max,
      timeWindow: limit.timeWindowMs,
      keyGenerator: (request) => request.ip,
      errorResponseBuilder: (_request, context) =>
        new HttpError('BNK_ERR_RATE_LIMITED', `rate limit exceeded: ${context.max} requests per ${context.after}; retry in ${context.after}`),
    });
  }
  // Route-level, like the rate limiter's hook and after it: a flood of bad tokens is limited too.
  const auth = authenticate(store);
  app.addHook('onRoute', (route) => {
    const existing = route.onRequest;
    route.onRequest = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), auth];
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'bunkatsu HTTP API',
        description:
          'Stored topologies, policy checks and flow traces for Japanese local-government networks. ' +
          'Every route but /health and /docs needs "Authorization: Bearer <token>" (bunkatsu token create).',
        version: VERSION,
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP });
  await registerPage(app, options.webRoot ?? WEB_ROOT);

  const context = {
    uploads,
    store,
    workspace,
    reviews,
    jobs,
    pool,
    policy,
    metrics,
    options: {
      uploadLimit,
      asyncCheckBytes: options.asyncCheckBytes ?? DEFAULTS.asyncCheckBytes,
      maxQueuedChecks: options.maxQueuedChecks ?? DEFAULTS.maxQueuedChecks,
      reviewWaitMs: options.reviewWaitMs ?? DEFAULTS.reviewWaitMs,
      metricsWindowMs: options.metricsWindowMs ?? DEFAULTS.metricsWindowMs,
    },
  };
  await app.register(systemRoutes, context);
  await app.register(projectRoutes, context);
  await app.register(versionRoutes, context);
  await app.register(analysisRoutes, context);
  await app.register(reviewRoutes, context);
  await app.register(importRoutes, context);

  app.addHook('onReady', async () => {
    const resumed = await jobs.resume();
    if (resumed > 0) app.log.info({ resumed }, 'resumed unfinished jobs');
  });
  app.addHook('onClose', async () => {
    await jobs.close();
    await pool.close();
    if (ownsStore) await store.close();
  });
  return app;
}

/**
 * The web page's files, served by @fastify/static at `/` (index.html), `/app.js` and `/app.css`:
 * one route per file found at start (no wildcard, so every other path stays the API's 404). The
 * page is public (it holds no data; the data comes from the API with the token the user gives)
 * and gets its own CSP. Without a build (no dist/web) the server runs without the page.
 */
async function registerPage(app: FastifyInstance, root: string): Promise<void> {
  if (!existsSync(join(root, 'index.html'))) {
    app.log.warn({ root }, 'the web page is not built (npm run build): serving the API only');
    return;
  }
  await app.register(async (page) => {
    page.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    page.addHook('onSend', async (_request, reply) => {
      void reply.header('content-security-policy', PAGE_CSP);
    });
    // cacheControl off: the server's own no-store stays, as on every answer outside /docs.
    await page.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: 'index.html', schemaHide: true, cacheControl: false });
  });
}

/**
 * Graceful shutdown: new requests get 503 (Connection: close, Retry-After) while in-flight
 * requests finish, for at most drainTimeoutMs; then the listener and idle connections close,
 * requests still running are cut off (Node stops timing requests out once the listener
 * closes, so waiting for them could last forever), the job worker stops and the database closes.
 */
export async function shutdown(app: FastifyInstance): Promise<void> {
  if (app.closing) return;
  app.closing = true;
  const deadline = Date.now() + app.drainTimeoutMs;
  while (app.inFlight > 0 && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 20));
  const closed = app.close();
  if (app.inFlight > 0) {
    app.log.warn({ inFlight: app.inFlight, drainTimeoutMs: app.drainTimeoutMs }, 'drain time over: cutting off requests still in flight');
    app.server.closeAllConnections();
  }
  await closed;
}
