// /health (public) and /metrics (server token): liveness and basic counters, no project data.

import type { FastifyInstance } from 'fastify';
import { VERSION } from '../../index.ts';
import type { ServerContext } from '../app.ts';
import { authorizeServerAdmin } from '../auth.ts';

/** Request counters and latency quantiles over a bounded ring of recent requests. */
export class Metrics {
  readonly started = Date.now();
  requests = 0;
  inFlight = 0;
  readonly byStatus: Record<string, number> = {};
  private readonly recent = new Float64Array(4096);
  private recentCount = 0;

  attach(app: FastifyInstance): void {
    app.addHook('onRequest', async () => {
      this.inFlight++;
    });
    app.addHook('onResponse', async (_request, reply) => {
      this.inFlight--;
      this.requests++;
      const key = `${Math.floor(reply.statusCode / 100)}xx`;
      this.byStatus[key] = (this.byStatus[key] ?? 0) + 1;
      this.recent[this.recentCount++ % this.recent.length] = reply.elapsedTime;
    });
  }

  latency(): { samples: number; p50Ms: number; p99Ms: number } {
    const n = Math.min(this.recentCount, this.recent.length);
    const sorted = this.recent.slice(0, n).sort();
    const at = (q: number): number => (n === 0 ? 0 : Math.round(sorted[Math.min(n - 1, Math.floor(q * n))]! * 1000) / 1000);
    return { samples: n, p50Ms: at(0.5), p99Ms: at(0.99) };
  }
}

export async function systemRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/health', {
    config: { public: true },
    schema: {
      summary: 'Liveness: 200 while the server accepts requests (503 while shutting down)',
      tags: ['system'],
      security: [],
      response: {
        200: { type: 'object', required: ['status'], properties: { status: { type: 'string', const: 'ok' }, version: { type: 'string' }, uptimeSeconds: { type: 'number' } } },
      },
    },
  }, async () => ({ status: 'ok', version: VERSION, uptimeSeconds: Math.round((Date.now() - ctx.metrics.started) / 1000) }));

  app.get('/metrics', {
    schema: {
      summary: 'Basic metrics: requests, latency, memory, jobs, stored objects (server token)',
      tags: ['system'],
      response: { 200: { type: 'object', additionalProperties: true } },
    },
  }, async (request) => {
    authorizeServerAdmin(request);
    const memory = process.memoryUsage();
    return {
      uptimeSeconds: Math.round((Date.now() - ctx.metrics.started) / 1000),
      requests: { total: ctx.metrics.requests, inFlight: ctx.metrics.inFlight, byStatus: ctx.metrics.byStatus, latency: ctx.metrics.latency() },
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, externalBytes: memory.external },
      cache: { topologies: ctx.workspace.size, reviewBases: ctx.reviews.size },
      jobs: { pending: ctx.jobs.depth, completed: ctx.jobs.completed, failed: ctx.jobs.failed },
      stored: ctx.store.counts(),
    };
  });
}
