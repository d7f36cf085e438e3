// Reviews: a change file (YAML or JSON, `bunkatsu-change: 1`) submitted against a stored
// version, reviewed as `bunkatsu review` does it; the result is stored with its JSON, SARIF
// and Markdown renderings before the answer, and read back in any of them.

import type { FastifyInstance } from 'fastify';
import type { Lang } from '../../index.ts';
import type { ReviewFormat } from '../../store/store.ts';
import type { ServerContext } from '../context.ts';
import { authorize } from '../auth.ts';
import { acceptFileBodies, FILE_TYPES, fileBody } from '../body.ts';
import { HttpError } from '../errors.ts';
import { engineNamed, storedText, versionKey } from '../workspace.ts';
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

const FORMATS: Record<ReviewFormat, string> = {
  json: 'application/json; charset=utf-8',
  sarif: 'application/sarif+json; charset=utf-8',
  markdown: 'text/markdown; charset=utf-8',
};

export async function reviewRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { store, reviews, pool } = ctx;

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
          'disk, with its JSON, SARIF and Markdown renderings, before 201.',
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
        response: { 201: reviewSchema, ...errors(400, 401, 403, 404, 413, 415, 422, 429) },
      },
    },
    async (request, reply) => {
      const { project } = request.params;
      await authorize(request, store, project, 'submit');
      const version = await findVersion(ctx, project, request.params.version);
      const engine = engineNamed(request.query.engine).name;
      const { text, filename } = fileBody(request, 'change', 'change file');
      const today = request.query.today ?? new Date().toISOString().slice(0, 10);
      // Reviewed in a pool worker, which keeps the prepared base of the version for the next review.
      const report = await pool.onVersion(
        {
          kind: 'review',
          version: { key: versionKey(version.hash, version.filename), filename: version.filename },
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
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { project, review: id } = request.params;
      await authorize(request, store, project, 'read');
      const text = await store.getReviewRendering(project, id, request.query.format);
      if (text === undefined) throw new HttpError('BNK_ERR_NOT_FOUND', `review "${id}" not found in project "${project}"`);
      return reply.type(FORMATS[request.query.format]).send(text);
    },
  );
}
