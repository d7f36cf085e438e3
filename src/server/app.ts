// The HTTP API: buildServer(options) assembles the fastify app (storage, auth, limits, routes,
// OpenAPI) without listening, so tests drive it with inject() and `bunkatsu serve` listens.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { DEFAULT_LIMITS } from '../index.ts';
import { Store } from '../store/store.ts';
import { authenticate } from './auth.ts';
import { errorBody, errorSchema, handleError, HttpError } from './errors.ts';
import { CheckJobs } from './jobs.ts';
import { POOL_DEFAULTS, WorkerPool } from './pool.ts';
import { analysisRoutes } from './routes/analysis.ts';
import { projectRoutes } from './routes/projects.ts';
import { reviewRoutes } from './routes/reviews.ts';
import { systemRoutes, Metrics } from './routes/system.ts';
import { versionRoutes } from './routes/versions.ts';
import { policyOf } from './workspace.ts';

/** The package root: the nearest folder above this module with the policies (src/server, or dist/ when bundled). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'policies', 'seed.yaml')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const PACKAGE_ROOT = packageRoot();
export const DEFAULT_POLICY_FILE = resolve(PACKAGE_ROOT, 'policies', 'seed.yaml');
export const VERSION = '0.1.0';

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
  /** SQLite file (created on first start), or an open store (the caller closes it). */
  readonly db: string | Store;
  /** Policy pack file; default the seed pack. */
  readonly policy?: string;
  /** false: no logs; otherwise pino options (level, and a destination stream for tests). */
  readonly logger?: false | { readonly level?: string; readonly stream?: NodeJS.WritableStream };
  /** Largest request body on every route but the topology upload (bytes). */
  readonly bodyLimit?: number;
  /** Largest topology upload (bytes); default the loader's limit, enough for `prefecture`. */
  readonly uploadLimit?: number;
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
  /** Worker threads that parse, check, trace and review (default: one per core but one, at least 1). */
  readonly workers?: number;
  /** Tasks waiting for a worker; past it, requests that need one get 429 BNK_ERR_BUSY with Retry-After. */
  readonly maxQueuedTasks?: number;
  /** Each worker's heap limit (MiB): an input that needs more kills the worker (422), not the server. */
  readonly workerMemoryMb?: number;
}

export const DEFAULTS = {
  bodyLimit: 64 * 1024,
  uploadLimit: DEFAULT_LIMITS.maxBytes,
  asyncCheckBytes: 2 * 1024 * 1024,
  rateLimit: { max: 6000, timeWindowMs: 60_000 },
  requestTimeoutMs: 120_000,
  connectionTimeoutMs: 120_000,
  cacheEntries: 8,
  maxQueuedChecks: 16,
  workers: POOL_DEFAULTS.threads,
  maxQueuedTasks: POOL_DEFAULTS.maxQueue,
  workerMemoryMb: POOL_DEFAULTS.memoryMb,
} as const;

declare module 'fastify' {
  interface FastifyInstance {
    /** Set when shutdown has begun: new requests get 503 while in-flight ones finish. */
    closing: boolean;
    readonly store: Store;
    readonly jobs: CheckJobs;
    readonly pool: WorkerPool;
    /** Review bases prepared (a cache miss in a worker each): for tests and metrics. */
    readonly reviewBases: ReviewStats;
  }
}

/** Never log topology content or tokens: a request is its method, path (no query) and id. */
const serializers = {
  req: (req: { method: string; url: string; id: string }) => ({ method: req.method, path: req.url.split('?')[0], id: req.id }),
  res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
};

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const requestTimeout = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
  const app = Fastify({
    logger: options.logger === false ? false : {
      level: options.logger?.level ?? 'info',
      serializers,
      redact: { paths: ['req.headers.authorization', 'headers.authorization'], remove: true },
      ...(options.logger?.stream ? { stream: options.logger.stream } : {}),
    },
    bodyLimit: options.bodyLimit ?? DEFAULTS.bodyLimit,
    requestTimeout,
    connectionTimeout: options.connectionTimeoutMs ?? DEFAULTS.connectionTimeoutMs,
    http: { connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(requestTimeout / 2))) },
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false } },
  });

  const ownsStore = typeof options.db === 'string';
  const store = typeof options.db === 'string' ? Store.open(options.db) : options.db;
  const policyFile = options.policy ?? DEFAULT_POLICY_FILE;
  const policy = policyOf(readFileSync(policyFile, 'utf8'), options.policy ?? 'policies/seed.yaml');
  const pool = new WorkerPool({
    entry: WORKER_ENTRY, policy, log: app.log, cacheEntries: options.cacheEntries ?? DEFAULTS.cacheEntries,
    threads: options.workers ?? DEFAULTS.workers, maxQueue: options.maxQueuedTasks ?? DEFAULTS.maxQueuedTasks, memoryMb: options.workerMemoryMb ?? DEFAULTS.workerMemoryMb,
  });
  const jobs = new CheckJobs(store, pool, app.log);
  const reviews: ReviewStats = { prepared: 0, get size() { return pool.cache.reviewBases; } };
  const workspace = { get size() { return pool.cache.topologies; } };
  const metrics = new Metrics();

  app.decorate('closing', false);
  app.decorate('store', store);
  app.decorate('jobs', jobs);
  app.decorate('pool', pool);
  app.decorate('reviewBases', reviews);
  app.addSchema(errorSchema);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(errorBody('BNK_ERR_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
  });

  // Order matters: refuse during shutdown, then rate-limit, then authenticate, all before the body is read.
  app.addHook('onRequest', async (_request, reply) => {
    if (app.closing) {
      void reply.header('connection', 'close');
      throw new HttpError('BNK_ERR_SHUTTING_DOWN', 'the server is shutting down; retry against its replacement');
    }
  });
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
        description: 'Stored topologies, policy checks and flow traces for Japanese local-government networks. '
          + 'Every route but /health and /docs needs "Authorization: Bearer <token>" (bunkatsu token create).',
        version: VERSION,
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const context = { store, workspace, reviews, jobs, pool, policy, metrics, options: {
    uploadLimit: options.uploadLimit ?? DEFAULTS.uploadLimit,
    asyncCheckBytes: options.asyncCheckBytes ?? DEFAULTS.asyncCheckBytes,
    maxQueuedChecks: options.maxQueuedChecks ?? DEFAULTS.maxQueuedChecks,
  } };
  await app.register(systemRoutes, context);
  await app.register(projectRoutes, context);
  await app.register(versionRoutes, context);
  await app.register(analysisRoutes, context);
  await app.register(reviewRoutes, context);

  app.addHook('onReady', async () => {
    const resumed = jobs.resume();
    if (resumed > 0) app.log.info({ resumed }, 'resumed unfinished checks');
  });
  app.addHook('onClose', async () => {
    await jobs.close();
    await pool.close();
    if (ownsStore) store.close();
  });
  return app;
}

/** Reviews as the main thread sees them: the bases live in the workers. */
export interface ReviewStats {
  prepared: number;
  /** Bases cached by the worker that answered last. */
  readonly size: number;
}

export type ServerContext = {
  readonly store: Store;
  /** Topologies cached by the worker that answered last (the loaded versions live in the workers). */
  readonly workspace: { readonly size: number };
  readonly reviews: ReviewStats;
  readonly jobs: CheckJobs;
  readonly pool: WorkerPool;
  readonly policy: ReturnType<typeof policyOf>;
  readonly metrics: Metrics;
  readonly options: { readonly uploadLimit: number; readonly asyncCheckBytes: number; readonly maxQueuedChecks: number };
};

/**
 * Graceful shutdown: new requests get 503 at once, in-flight requests finish, idle
 * connections close, then the job worker stops and the database closes.
 */
export async function shutdown(app: FastifyInstance): Promise<void> {
  if (app.closing) return;
  app.closing = true;
  await app.close();
}
