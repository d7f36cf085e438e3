// Analyses of a stored version: policy checks (in the request for normal sizes, an asynchronous
// job with progress for large ones; results stored), the trace of one flow, and the zone matrix.
// All of them run in the server's worker pool, never on the event loop.

import type { FastifyInstance } from 'fastify';
import type { Lang, MatrixLevel } from '../../index.ts';
import type { CheckRecord, Store, VersionRecord } from '../../store/store.ts';
import type { ServerContext } from '../context.ts';
import { authorize } from '../auth.ts';
import { checkFailure } from '../check-run.ts';
import { acceptFileBodies, FILE_TYPES, flowsBody } from '../body.ts';
import { HttpError } from '../errors.ts';
import { engineNamed, storedText, versionRef } from '../workspace.ts';
import { checkParams, ENGINE, errors, projectParams, versionParams } from './schemas.ts';
import { findVersion } from './versions.ts';

const checkSchema = {
  type: 'object',
  required: ['id', 'project', 'version', 'status', 'engine', 'today', 'lang', 'progress', 'createdAt'],
  properties: {
    id: { type: 'string' },
    project: { type: 'string' },
    version: { type: 'integer' },
    status: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] },
    engine: { type: 'string' },
    today: { type: 'string' },
    lang: { type: 'string' },
    progress: { type: 'object', properties: { done: { type: 'integer' }, total: { type: 'integer' } }, description: 'rules started / rules in the pack' },
    summary: { type: 'object', nullable: true, additionalProperties: true, description: 'errors, warnings, infos, rulesChecked, rulesFailed (when done)' },
    error: { type: 'object', nullable: true, additionalProperties: true, description: '{code, message, diagnostics} (when failed)' },
    submitter: { type: 'string' },
    createdAt: { type: 'string' },
    finishedAt: { type: 'string', nullable: true },
    flows: {
      type: 'object',
      nullable: true,
      properties: { filename: { type: 'string' } },
      description: 'the flows file the check was made with (its name; the text is not repeated)',
    },
  },
} as const;

const checkAnswer = {
  type: 'object',
  required: ['check'],
  properties: {
    check: checkSchema,
    report: { type: 'object', additionalProperties: true, description: 'the report of `bunkatsu check --format json` (when done)' },
  },
} as const;

const LANG = { type: 'string', enum: ['ja', 'en'], default: 'en', description: 'language of messages' } as const;

/** `{check, report}` with the stored report inserted as is (it is already JSON text). */
function answer(record: CheckRecord, report: string | undefined): string {
  // The flows file by its name: its text was sent by the client and stays in the store.
  const check = { ...record, flows: record.flows ? { filename: record.flows.filename } : null };
  return report === undefined ? `{"check":${JSON.stringify(check)}}` : `{"check":${JSON.stringify(check)},"report":${report}}`;
}

const textOf = (store: Store, v: VersionRecord) => (): Promise<string> => storedText(store, v);

export async function analysisRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { store, jobs, pool } = ctx;

  // A check may carry a flows file as its body (YAML or JSON text, read by the topology loader).
  acceptFileBodies(app, ctx.options.uploadLimit, ctx.uploads);

  app.post<{
    Params: { project: string; version: string };
    Querystring: { engine?: string; today?: string; lang: Lang; async?: boolean; flows?: string };
    Body: Buffer;
  }>(
    '/projects/:project/versions/:version/checks',
    {
      schema: {
        summary: 'Check a version against the policy pack',
        description:
          'Synchronous (201 with the report) unless the topology is large or async=true: then 202 with a check id to poll ' +
          '(GET /projects/{project}/checks/{check}) for progress and the report. Either way the result is stored. With ?flows=<name>, ' +
          "the body is a flows file (bunkatsu-flows: 1, YAML or JSON) whose intents, exceptions and cloud services join the version's for this check; " +
          'it is stored with the check.',
        tags: ['checks'],
        params: versionParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            engine: ENGINE,
            today: {
              type: 'string',
              format: 'date',
              pattern: '^\\d{4}-\\d{2}-\\d{2}$',
              description: 'date for exception expiry, a calendar date YYYY-MM-DD (default: today)',
            },
            lang: LANG,
            async: { type: 'boolean', description: 'run as a background job even for a small topology' },
            flows: {
              type: 'string',
              pattern: '^[A-Za-z0-9._/-]{1,200}$',
              description: 'the name of the flows file sent as the body (in diagnostics and findings); without it a body is ignored',
            },
          },
        },
        consumes: FILE_TYPES,
        response: { 201: checkAnswer, 202: checkAnswer, ...errors(400, 401, 403, 404, 413, 415, 422, 429) },
      },
    },
    async (request, reply) => {
      const { project } = request.params;
      await authorize(request, store, project, 'submit');
      const version = await findVersion(ctx, project, request.params.version);
      const engine = engineNamed(request.query.engine);
      const flows = flowsBody(request, request.query.flows);
      const fields = {
        project,
        version: version.version,
        engine: engine.name,
        lang: request.query.lang,
        today: request.query.today ?? new Date().toISOString().slice(0, 10),
        submitter: request.token?.id ?? 'unknown',
        ...(flows ? { flows } : {}),
      };
      if (request.query.async === true || version.size > ctx.options.asyncCheckBytes) {
        const depth = await jobs.depth();
        if (depth >= ctx.options.maxQueuedChecks) {
          throw new HttpError('BNK_ERR_RATE_LIMITED', `${depth} checks are queued or running (the limit); retry when one has finished`, {
            'retry-after': '30',
          });
        }
        const check = await store.createCheck(fields, 'queued');
        await jobs.enqueue('check', check.id);
        request.log.info({ project, check: check.id }, 'check queued');
        return reply
          .code(202)
          .header('location', `/projects/${project}/checks/${check.id}`)
          .type('application/json; charset=utf-8')
          .send(answer(check, undefined));
      }
      pool.assertRoom();
      const check = await store.createCheck(fields, 'running');
      // biome-ignore lint/suspicious/noImplicitAnyLet: typed by the pool's answer in the try below
      let out;
      try {
        out = await pool.onVersion(
          { kind: 'check', version: versionRef(version, flows), engine: engine.name, today: fields.today, lang: fields.lang },
          textOf(store, version),
        );
      } catch (error) {
        await store.failCheck(check.id, checkFailure(error));
        throw error;
      }
      await store.finishCheck(check.id, out.summary, out.report, out.rules);
      return reply
        .code(201)
        .header('location', `/projects/${project}/checks/${check.id}`)
        .type('application/json; charset=utf-8')
        .send(answer((await store.getCheck(project, check.id))!, out.report));
    },
  );

  app.get<{ Params: { project: string } }>(
    '/projects/:project/checks',
    {
      schema: {
        summary: 'List the checks of a project (status and summary, no reports)',
        tags: ['checks'],
        params: projectParams,
        response: { 200: { type: 'object', required: ['checks'], properties: { checks: { type: 'array', items: checkSchema } } }, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      await authorize(request, store, request.params.project, 'read');
      return { checks: await store.listChecks(request.params.project) };
    },
  );

  app.get<{ Params: { project: string; check: string } }>(
    '/projects/:project/checks/:check',
    {
      schema: {
        summary: 'Get a check: status and progress, and the report once done',
        tags: ['checks'],
        params: checkParams,
        response: { 200: checkAnswer, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { project, check: id } = request.params;
      await authorize(request, store, project, 'read');
      const check = await store.getCheck(project, id);
      if (!check) throw new HttpError('BNK_ERR_NOT_FOUND', `check "${id}" not found in project "${project}"`);
      return reply.type('application/json; charset=utf-8').send(answer(check, check.status === 'done' ? await store.getCheckResult(project, id) : undefined));
    },
  );

  app.get<{ Params: { project: string; check: string }; Querystring: { lang: Lang } }>(
    '/projects/:project/checks/:check/report.html',
    {
      schema: {
        summary: 'The audit report of a finished check: one self-contained printable HTML file (as `bunkatsu check --format html`)',
        description:
          'The check run again on its version, engine and date (same findings), with the zone matrix, the exceptions and the sha256 of the ' +
          'version on the cover; sent as a download. 404 until the check is done.',
        tags: ['checks'],
        params: checkParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { lang: { type: 'string', enum: ['ja', 'en'], default: 'ja', description: 'language of the report' } },
        },
        produces: ['text/html'],
        response: { 200: { type: 'string', description: 'the HTML document' }, ...errors(400, 401, 403, 404, 422, 429) },
      },
    },
    async (request, reply) => {
      const { project, check: id } = request.params;
      await authorize(request, store, project, 'read');
      const check = await store.getCheck(project, id);
      if (!check) throw new HttpError('BNK_ERR_NOT_FOUND', `check "${id}" not found in project "${project}"`);
      if (check.status !== 'done') throw new HttpError('BNK_ERR_NOT_FOUND', `check "${id}" is ${check.status}: its report exists once it is done`);
      const version = await findVersion(ctx, project, String(check.version));
      const html = await pool.onVersion(
        { kind: 'report', version: versionRef(version, check.flows), engine: check.engine, today: check.today, sha256: version.hash, lang: request.query.lang },
        textOf(store, version),
      );
      return reply.type('text/html; charset=utf-8').header('content-disposition', `attachment; filename="bunkatsu-${project}-${id}.html"`).send(html);
    },
  );

  app.get<{ Params: { project: string; version: string }; Querystring: { src: string; dst: string; service: string; engine?: string; lang: Lang } }>(
    '/projects/:project/versions/:version/trace',
    {
      schema: {
        summary: 'Trace one flow: every disposition with its header classes and hop-by-hop path (as `bunkatsu trace`)',
        tags: ['analysis'],
        params: versionParams,
        querystring: {
          type: 'object',
          required: ['src', 'dst', 'service'],
          additionalProperties: false,
          properties: {
            src: { type: 'string', minLength: 1, maxLength: 200, description: 'host, zone or device id, or an IPv4 address, prefix or range' },
            dst: { type: 'string', minLength: 1, maxLength: 200, description: 'host, zone or device id, or an IPv4 address, prefix or range' },
            service: { type: 'string', minLength: 1, maxLength: 200, description: 'service name, protocol/port (tcp/443), protocol, or any' },
            engine: ENGINE,
            lang: LANG,
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['flow', 'engine', 'outcomes'],
            properties: {
              flow: { type: 'object', properties: { src: { type: 'string' }, dst: { type: 'string' }, service: { type: 'string' } } },
              engine: { type: 'string' },
              outcomes: { type: 'array', items: { type: 'object', additionalProperties: true } },
            },
          },
          ...errors(400, 401, 403, 404, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const { project } = request.params;
      await authorize(request, store, project, 'read');
      const version = await findVersion(ctx, project, request.params.version);
      const { src, dst, service, lang } = request.query;
      const engine = engineNamed(request.query.engine).name;
      const body = await pool.onVersion({ kind: 'trace', version: versionRef(version), engine, src, dst, service, lang }, textOf(store, version));
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );

  app.get<{ Params: { project: string; version: string }; Querystring: { level: MatrixLevel; format: 'json' | 'csv'; engine?: string; lang: Lang } }>(
    '/projects/:project/versions/:version/matrix',
    {
      schema: {
        summary: 'The zone matrix: which services flow from each zone (or domain) to each other one (as `bunkatsu matrix`; CSV: the 通信マトリクス)',
        tags: ['analysis'],
        params: versionParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            level: { type: 'string', enum: ['zone', 'domain'], default: 'zone', description: 'rows and columns: zones or domains' },
            format: { type: 'string', enum: ['json', 'csv'], default: 'json' },
            engine: ENGINE,
            lang: { ...LANG, description: 'language of the CSV columns and domain names' },
          },
        },
        produces: ['application/json', 'text/csv'],
        response: {
          200: { type: 'object', additionalProperties: true, description: 'the JSON of `bunkatsu matrix --format json` (or CSV text)' },
          ...errors(400, 401, 403, 404, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const { project } = request.params;
      await authorize(request, store, project, 'read');
      const version = await findVersion(ctx, project, request.params.version);
      const { level, format, lang } = request.query;
      const engine = engineNamed(request.query.engine).name;
      const body = await pool.onVersion({ kind: 'matrix', version: versionRef(version), engine, level, format, lang }, textOf(store, version));
      return reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8').send(body);
    },
  );

  app.get<{ Params: { project: string; version: string } }>(
    '/projects/:project/versions/:version/graph',
    {
      schema: {
        summary: 'The zone graph with its layout: zones banded by domain, devices, links and sanitized channels (for the web page)',
        description:
          'Zones as nodes (with their number of hosts; hosts are never nodes), devices (firewalls, sanitizers, routers, …) between the zones ' +
          'their interfaces are in, links between devices, and each sanitizer relay as a channel from one zone to others. x and y are a ' +
          'deterministic layout: one horizontal band per domain (マイナンバー利用事務系, LGWAN接続系, インターネット接続系, then the external domains).',
        tags: ['analysis'],
        params: versionParams,
        response: {
          200: {
            type: 'object',
            required: ['topology', 'domains', 'bands', 'nodes', 'edges', 'channels'],
            additionalProperties: true,
            properties: {
              topology: { type: 'object', additionalProperties: true },
              domains: { type: 'object', additionalProperties: true, description: 'domain id → {ja, en} as the policy pack names it' },
              bands: { type: 'array', items: { type: 'object', additionalProperties: true } },
              nodes: { type: 'array', items: { type: 'object', additionalProperties: true } },
              edges: { type: 'array', items: { type: 'object', additionalProperties: true } },
              channels: { type: 'array', items: { type: 'object', additionalProperties: true } },
            },
          },
          ...errors(400, 401, 403, 404, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const { project } = request.params;
      await authorize(request, store, project, 'read');
      const version = await findVersion(ctx, project, request.params.version);
      const body = await pool.onVersion({ kind: 'graph', version: versionRef(version) }, textOf(store, version));
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );
}
