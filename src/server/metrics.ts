// Request counters and latency of the HTTP API, for /metrics and /health.

import type { FastifyInstance } from 'fastify';

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
