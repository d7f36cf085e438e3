// Reviews: a change file (YAML or JSON, `bunkatsu-change: 1`) submitted against a stored
// version, reviewed as `bunkatsu review` does it; the result is stored with its JSON, SARIF
// and Markdown renderings, and read back in any of them. With SQLite the review runs in the
// request; with PostgreSQL it is a job that `bunkatsu worker` runs, which the request waits for
// a bounded time (201 with the review when it is done in time, else 202 and the review's
// Location to poll).

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Lang } from '../../index.ts';
import { type JobRecord, newId, type ReviewFormat, type Store } from '../../store/store.ts';
import type { ServerContext } from '../context.ts';
import { authorize } from '../auth.ts';
import { acceptFileBodies, FILE_TYPES, fileBody } from '../body.ts';
import { HttpError, storedFailureBody } from '../errors.ts';
import { type ReviewJobInput, waitForJob } from '../jobs.ts';
import { engineNamed, storedText, versionRef } from '../workspace.ts';
import { ENGINE, errors, projectParams, versionParams } from './schemas.ts';
import { findVersion } from './versions.ts';

const PROJECT = projectParams.properties.project;
const reviewParams = {
  type: 'object',
  required: ['project', 'review'],
  properties: { project: PROJECT, review: { type: 'string', pattern: '^rev_[0-9a-f]{16}$' } },
} as const;

const VERDICT = { type: 'string', enum: ['approve', 'reject', 'needs-attention'] } as const;

export const reviewSchema = {
  type: 'object',
  required: ['id', 'project', 'version', 'changeHash', 'filename', 'verdict', 'engine', 'summary', 'recompute', 'today', 'lang', 'submitter', 'createdAt'],
  properties: {
    id: { type: 'string' },
    project: { type: 'string' },
    version: { type: 'integer', description: 'the stored version the change was reviewed against' },
    changeHash: { type: 'string', description: 'sha256 of the change file' },
    filename: { type: 'string', description: 'the change file name used in diagnostics and reports' },
    verdict: VERDICT,
    engine: { type: 'string', description: 'the engine that ran the review (fast or reference)' },
    summary: { type: 'object', additionalProperties: true, description: 'a few lines for a ticket: {ja, en}' },
    recompute: { type: 'object', additionalProperties: true, description: '{mode: incremental|full, reason}' },
    today: { type: 'string' },
    lang: { type: 'string', description: 'language of the stored renderings' },
    submitter: { type: 'string', description: 'id of the token that submitted it' },
    createdAt: { type: 'string' },
  },
} as const;

/** A review not finished yet: its job's state (PostgreSQL only). */
const pendingReviewSchema = {
  type: 'object',
  required: ['id', 'project', 'status', 'attempts', 'createdAt'],
  properties: {
    id: { type: 'string', description: 'the review id: GET its Location until it is done' },
    project: { type: 'string' },
    status: { type: 'string', enum: ['queued', 'running'] },
    attempts: { type: 'integer', description: 'times a worker took it (more than 1: a worker stopped and another took it over)' },
    createdAt: { type: 'string' },
    startedAt: { type: 'string', nullable: true },
  },
} as const;

/** Seconds a client polling a pending review is told to wait. */
const POLL_AFTER_S = '1';

/**
 * How long the client lets the request wait for a review job (RFC 7240 `Prefer`): `respond-async`
 * alone is 202 at once, `wait=N` at most N seconds; never longer than the server's bound.
 */
export function preferredWaitMs(prefer: string | undefined, maxMs: number): number {
  const tokens = (prefer ?? '')
    .toLowerCase()
    .split(/[,;]/)
    .map((t) => t.trim());
  const wait = tokens.map((t) => /^wait\s*=\s*(\d+)$/.exec(t)?.[1]).find((n) => n !== undefined);
  if (wait !== undefined) return Math.min(Number(wait) * 1000, maxMs);
  return tokens.includes('respond-async') ? 0 : maxMs;
}

/** The answer of a review job as last read: the review (done), the stored failure (failed) or 202 (queued, running). */
async function reviewJobAnswer(store: Store, reply: FastifyReply, job: JobRecord, created: boolean): Promise<FastifyReply> {
  const location = `/projects/${job.project}/reviews/${job.id}`;
  if (job.status === 'done') {
    const review = await store.getReview(job.project, job.id);
    return reply
      .code(created ? 201 : 200)
      .header('location', location)
      .send(review);
  }
  if (job.status === 'failed') {
    const body = storedFailureBody(job.error);
    return reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
  }
  const pending = { id: job.id, project: job.project, status: job.status, attempts: job.attempts, createdAt: job.createdAt, startedAt: job.startedAt };
  return reply.code(202).header('location', location).header('retry-after', POLL_AFTER_S).type('application/json; charset=utf-8').send(JSON.stringify(pending));
}

const FORMATS: Record<ReviewFormat, string> = {
  json: 'application/json; charset=utf-8',
  sarif: 'application/sarif+json; charset=utf-8',
  markdown: 'text/markdown; charset=utf-8',
};

export async function reviewRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { store, reviews, pool, jobs } = ctx;

  // As for topology uploads: the body is text, read by the guarded loader with source positions.
  acceptFileBodies(app, ctx.options.uploadLimit, ctx.uploads);

  app.post<{ Params: { project: string; version: string }; Querystring: { filename?: string; today?: string; lang: Lang; engine?: string }; Body: Buffer }>(
    '/projects/:project/versions/:version/reviews',
    {
      bodyLimit: ctx.options.uploadLimit,
      schema: {
        summary: 'Review a change file against a version ("latest" for the newest); the result is stored',
        description:
          'The body is a change file (`bunkatsu-change: 1`, see docs/change-format.md) as application/yaml (or text/yaml) or ' +
          'application/json; a whole topology is not accepted here (upload it as a version). A bad change file (syntax, schema, ' +
          'unknown device or rule) is refused with 4xx and every diagnostic with its file:line:column. The review is committed to ' +
          'disk, with its JSON, SARIF and Markdown renderings, before 201. With PostgreSQL the review is a job run by a bunkatsu ' +
          "worker: the request waits for it (at most the server's bound, 30 s by default, or `Prefer: wait=N` seconds) and answers " +
          '201 as above when it is done in time, else 202 with the review id and its Location to poll; `Prefer: respond-async` ' +
          'answers 202 at once.',
        tags: ['reviews'],
        params: versionParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            filename: {
              type: 'string',
              pattern: '^[A-Za-z0-9._/-]{1,200}$',
              description: 'change file name for diagnostics (default change.yaml / change.json)',
            },
            today: {
              type: 'string',
              format: 'date',
              pattern: '^\\d{4}-\\d{2}-\\d{2}$',
              description: 'date for exception expiry, a calendar date YYYY-MM-DD (default: today)',
            },
            lang: { type: 'string', enum: ['ja', 'en'], default: 'en', description: 'language of the stored renderings' },
            engine: ENGINE,
          },
        },
        consumes: FILE_TYPES,
        headers: {
          type: 'object',
          properties: { prefer: { type: 'string', description: 'PostgreSQL only: `respond-async` (202 at once) or `wait=N` (wait at most N seconds)' } },
        },
        response: { 201: reviewSchema, 202: pendingReviewSchema, ...errors(400, 401, 403, 404, 413, 415, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { project } = request.params;
      await authorize(request, store, project, 'submit');
      const version = await findVersion(ctx, project, request.params.version);
      const engine = engineNamed(request.query.engine).name;
      const { text, filename } = fileBody(request, 'change', 'change file');
      const today = request.query.today ?? new Date().toISOString().slice(0, 10);
      if (jobs.shared) {
        // A job for the workers, stored (with the change file) before it is queued; the answer waits for it a bounded time.
        const input: ReviewJobInput = { version: version.version, change: text, filename, engine, today, lang: request.query.lang };
        const job = await store.createJob('review', newId('rev'), project, input, request.token?.id ?? 'unknown');
        await jobs.enqueue('review', job.id);
        request.log.info({ project, version: version.version, review: job.id }, 'review queued');
        const waitMs = preferredWaitMs([request.headers.prefer ?? []].flat().join(','), ctx.options.reviewWaitMs);
        if (waitMs === 0) void reply.header('preference-applied', 'respond-async');
        const latest = (await waitForJob(store, project, job.id, waitMs, () => app.closing)) ?? job;
        return reviewJobAnswer(store, reply, latest, true);
      }
      // Reviewed in a pool worker, which keeps the prepared base of the version for the next review.
      const report = await pool.onVersion(
        {
          kind: 'review',
          version: versionRef(version),
          change: text,
          changeFilename: filename,
          today,
          lang: request.query.lang,
          engine,
        },
        () => storedText(store, version),
      );
      if (report.prepared) reviews.prepared += 1;
      const { renderings } = report;
      const record = await store.addReview({
        project,
        version: version.version,
        filename,
        verdict: report.verdict,
        engine,
        summary: report.summary,
        recompute: report.recompute,
        today,
        lang: request.query.lang,
        submitter: request.token?.id ?? 'unknown',
        change: text,
        renderings,
      });
      request.log.info({ project, version: version.version, review: record.id, verdict: record.verdict }, 'review stored');
      return reply.code(201).header('location', `/projects/${project}/reviews/${record.id}`).send(record);
    },
  );

  app.get<{ Params: { project: string } }>(
    '/projects/:project/reviews',
    {
      schema: {
        summary: 'List the reviews of a project (verdicts, no reports)',
        tags: ['reviews'],
        params: projectParams,
        response: { 200: { type: 'object', required: ['reviews'], properties: { reviews: { type: 'array', items: reviewSchema } } }, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      await authorize(request, store, request.params.project, 'read');
      return { reviews: await store.listReviews(request.params.project) };
    },
  );

  app.get<{ Params: { project: string; review: string }; Querystring: { format: ReviewFormat } }>(
    '/projects/:project/reviews/:review',
    {
      schema: {
        summary: 'Get a review as `bunkatsu review --format json|sarif|markdown` prints it',
        description:
          'A review submitted as a job (PostgreSQL) answers 202 with its status (and Retry-After) while it is queued or running, and, ' +
          "when it failed, the error its submission would have had (e.g. 422 with the change file's diagnostics).",
        tags: ['reviews'],
        params: reviewParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { format: { type: 'string', enum: ['json', 'sarif', 'markdown'], default: 'json' } },
        },
        produces: ['application/json', 'application/sarif+json', 'text/markdown'],
        response: {
          200: { type: 'object', additionalProperties: true, description: 'the review report (JSON or SARIF 2.1.0), or Markdown text' },
          202: pendingReviewSchema,
          ...errors(400, 401, 403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const { project, review: id } = request.params;
      await authorize(request, store, project, 'read');
      const text = await store.getReviewRendering(project, id, request.query.format);
      if (text !== undefined) return reply.type(FORMATS[request.query.format]).send(text);
      // Not stored (yet): a review job still queued or running (202), or one that failed (its stored error).
      const job = await store.getJob(project, id);
      if (job?.kind !== 'review') throw new HttpError('BNK_ERR_NOT_FOUND', `review "${id}" not found in project "${project}"`);
      return reviewJobAnswer(store, reply, job, false);
    },
  );
}
