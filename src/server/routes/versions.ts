// Topology versions: upload (YAML or JSON text, validated like `bunkatsu check` before it is
// stored), list, metadata and the original text. The upload route alone accepts large bodies.

import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import type { VersionRecord } from '../../store/store.ts';
import { authorize } from '../auth.ts';
import { acceptFileBodies, FILE_TYPES, fileBody } from '../body.ts';
import { HttpError } from '../errors.ts';
import { errors, projectParams, versionOf, versionParams } from './schemas.ts';

export const versionSchema = {
  type: 'object',
  required: ['project', 'version', 'hash', 'mediaType', 'filename', 'size', 'name', 'model', 'submitter', 'createdAt'],
  properties: {
    project: { type: 'string' },
    version: { type: 'integer' },
    hash: { type: 'string', description: 'sha256 of the uploaded text' },
    mediaType: { type: 'string' },
    filename: { type: 'string', description: 'the file name used in diagnostics' },
    size: { type: 'integer', description: 'bytes' },
    name: { type: 'string', description: "the topology's own name" },
    model: { type: 'string' },
    submitter: { type: 'string', description: 'id of the token that uploaded it' },
    createdAt: { type: 'string' },
  },
} as const;

export async function versionRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { store, pool } = ctx;

  // This plugin's routes take the body as text: YAML and JSON are parsed by the topology
  // loader (one guarded reader with source positions), never by fastify's JSON parser.
  acceptFileBodies(app, ctx.options.uploadLimit, ctx.uploads);

  app.post<{ Params: { project: string }; Querystring: { filename?: string }; Body: Buffer }>(
    '/projects/:project/versions',
    {
      bodyLimit: ctx.options.uploadLimit,
      schema: {
        summary: 'Upload a topology version (YAML or JSON body); validated before it is stored',
        description:
          'Content-Type: application/yaml (or text/yaml) or application/json. A bad topology is refused with 4xx and every ' +
          'diagnostic with its line:column, as `bunkatsu check` prints them. The version is committed to disk before 201.',
        tags: ['versions'],
        params: projectParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            filename: { type: 'string', pattern: '^[A-Za-z0-9._/-]{1,200}$', description: 'file name for diagnostics (default topology.yaml / topology.json)' },
          },
        },
        consumes: FILE_TYPES,
        response: { 201: versionSchema, ...errors(400, 401, 403, 404, 413, 415, 422, 429) },
      },
    },
    async (request, reply) => {
      const { project } = request.params;
      await authorize(request, store, project, 'submit');
      const { text, filename, mediaType } = fileBody(request, 'topology', 'topology file');
      // Parsed and validated in a pool worker, which keeps the result for the first trace.
      const topology = await pool.load(text, filename);
      const record = await store.addVersion({
        project,
        mediaType,
        filename,
        name: topology.name,
        model: topology.model,
        submitter: request.token?.id ?? 'unknown',
        content: text,
      });
      request.log.info({ project, version: record.version, size: record.size }, 'topology version stored');
      return reply.code(201).header('location', `/projects/${project}/versions/${record.version}`).send(record);
    },
  );

  app.get<{ Params: { project: string } }>(
    '/projects/:project/versions',
    {
      schema: {
        summary: 'List the versions of a project (metadata, no content)',
        tags: ['versions'],
        params: projectParams,
        response: {
          200: { type: 'object', required: ['versions'], properties: { versions: { type: 'array', items: versionSchema } } },
          ...errors(401, 403, 404),
        },
      },
    },
    async (request) => {
      await authorize(request, store, request.params.project, 'read');
      return { versions: await store.listVersions(request.params.project) };
    },
  );

  app.get<{ Params: { project: string; version: string } }>(
    '/projects/:project/versions/:version',
    {
      schema: {
        summary: 'Get the metadata of a version ("latest" for the newest)',
        tags: ['versions'],
        params: versionParams,
        response: { 200: versionSchema, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const { project, version } = request.params;
      await authorize(request, store, project, 'read');
      return findVersion(ctx, project, version);
    },
  );

  app.get<{ Params: { project: string; version: string } }>(
    '/projects/:project/versions/:version/content',
    {
      schema: {
        summary: 'Get the uploaded text of a version, as it was uploaded',
        tags: ['versions'],
        params: versionParams,
        produces: ['application/yaml', 'application/json'],
        response: { 200: { type: 'string' }, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { project, version } = request.params;
      await authorize(request, store, project, 'read');
      const record = await findVersion(ctx, project, version);
      return reply.type(`${record.mediaType}; charset=utf-8`).send(await store.getContent(project, record.version));
    },
  );
}

export async function findVersion(ctx: ServerContext, project: string, version: string): Promise<VersionRecord> {
  const record = await ctx.store.getVersion(project, versionOf(version));
  if (!record) throw new HttpError('BNK_ERR_NOT_FOUND', `version ${version} of project "${project}" not found`);
  return record;
}
