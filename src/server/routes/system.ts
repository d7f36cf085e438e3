// /health (public) and /metrics (server token): liveness and basic counters, no project data.

import type { FastifyInstance } from 'fastify';
import { VERSION } from '../../index.ts';
import type { ServerContext } from '../context.ts';
import { authorizeServerAdmin } from '../auth.ts';

export async function systemRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        summary: 'Liveness: 200 while the server accepts requests (503 while shutting down)',
        tags: ['system'],
        security: [],
        response: {
          200: {
            type: 'object',
            required: ['status'],
            properties: { status: { type: 'string', const: 'ok' }, version: { type: 'string' }, uptimeSeconds: { type: 'number' } },
          },
        },
      },
    },
    async () => ({ status: 'ok', version: VERSION, uptimeSeconds: Math.round((Date.now() - ctx.metrics.started) / 1000) }),
  );

  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Basic metrics: requests, latency, memory, jobs (per kind: queued, running, done, failed, p50/p95 duration), stored objects (server token)',
        tags: ['system'],
        response: { 200: { type: 'object', additionalProperties: true } },
      },
    },
    async (request) => {
      authorizeServerAdmin(request);
      const memory = process.memoryUsage();
      return {
        uptimeSeconds: Math.round((Date.now() - ctx.metrics.started) / 1000),
        requests: { total: ctx.metrics.requests, inFlight: ctx.metrics.inFlight, byStatus: ctx.metrics.byStatus, latency: ctx.metrics.latency() },
        memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, externalBytes: memory.external },
        cache: { topologies: ctx.workspace.size, reviewBases: ctx.reviews.size },
        jobs: {
          pending: await ctx.jobs.depth(),
          completed: ctx.jobs.completed,
          failed: ctx.jobs.failed,
          // From the database, so every API server reports the same: depth now, and over the window durations and failures.
          windowSeconds: Math.round(ctx.options.metricsWindowMs / 1000),
          byKind: await ctx.store.jobStats(new Date(Date.now() - ctx.options.metricsWindowMs).toISOString()),
        },
        stored: await ctx.store.counts(),
      };
    },
  );
}
