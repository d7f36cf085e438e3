// Projects and their tokens. A server token creates projects; a project's admin token manages
// that project's tokens. Tokens are shown once, at creation; only a hash is stored.

import type { FastifyInstance } from 'fastify';
import { SCOPES, type Scope } from '../../store/store.ts';
import type { ServerContext } from '../context.ts';
import { authorize, authorizeServerAdmin, visibleProjects } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { errors, projectParams, tokenIdParams } from './schemas.ts';

export const PROJECT_ID = '^[a-z0-9][a-z0-9-]{0,62}$';

const projectSchema = {
  type: 'object',
  required: ['id', 'name', 'createdAt'],
  properties: { id: { type: 'string' }, name: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' } },
} as const;

const tokenSchema = {
  type: 'object',
  required: ['id', 'project', 'name', 'scopes', 'createdAt'],
  properties: {
    id: { type: 'string' },
    project: { type: 'string', nullable: true },
    name: { type: 'string' },
    scopes: { type: 'array', items: { type: 'string', enum: [...SCOPES] } },
    createdAt: { type: 'string' },
    revokedAt: { type: 'string', nullable: true },
  },
} as const;

export async function projectRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { store } = ctx;

  app.post<{ Body: { id: string; name?: string } }>(
    '/projects',
    {
      schema: {
        summary: 'Create a project (server token)',
        tags: ['projects'],
        body: {
          type: 'object',
          required: ['id'],
          additionalProperties: false,
          properties: { id: { type: 'string', pattern: PROJECT_ID }, name: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: { 201: projectSchema, ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      authorizeServerAdmin(request);
      const created = await store.createProject(request.body.id, request.body.name ?? request.body.id);
      if (!created) throw new HttpError('BNK_ERR_CONFLICT', `project "${request.body.id}" already exists`);
      request.log.info({ project: created.id }, 'project created');
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/projects',
    {
      schema: {
        summary: 'List the projects this token can see (a project token: only its own)',
        tags: ['projects'],
        response: { 200: { type: 'object', required: ['projects'], properties: { projects: { type: 'array', items: projectSchema } } }, ...errors(401) },
      },
    },
    async (request) => ({ projects: await visibleProjects(request, store) }),
  );

  app.get<{ Params: { project: string } }>(
    '/projects/:project',
    {
      schema: {
        summary: 'Get a project with its number of versions',
        tags: ['projects'],
        params: projectParams,
        response: {
          200: { ...projectSchema, properties: { ...projectSchema.properties, versions: { type: 'integer' }, latest: { type: 'integer', nullable: true } } },
          ...errors(401, 403, 404),
        },
      },
    },
    async (request) => {
      const { project } = request.params;
      await authorize(request, store, project, 'read');
      const latest = await store.getVersion(project, 'latest');
      return { ...(await store.getProject(project))!, versions: latest?.version ?? 0, latest: latest?.version ?? null };
    },
  );

  app.post<{ Params: { project: string }; Body: { name?: string; scopes: Scope[] } }>(
    '/projects/:project/tokens',
    {
      schema: {
        summary: "Create a token for the project (the project's admin scope); the secret is in this answer only",
        tags: ['tokens'],
        params: projectParams,
        body: {
          type: 'object',
          required: ['scopes'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            scopes: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...SCOPES] } },
          },
        },
        response: {
          201: { ...tokenSchema, required: [...tokenSchema.required, 'token'], properties: { ...tokenSchema.properties, token: { type: 'string' } } },
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { project } = request.params;
      await authorize(request, store, project, 'admin');
      const { record, token } = await store.createToken(project, request.body.scopes, request.body.name ?? 'api');
      request.log.info({ project, tokenId: record.id }, 'token created');
      return reply.code(201).send({ ...record, token });
    },
  );

  app.get<{ Params: { project: string } }>(
    '/projects/:project/tokens',
    {
      schema: {
        summary: "List the project's tokens (no secrets)",
        tags: ['tokens'],
        params: projectParams,
        response: { 200: { type: 'object', properties: { tokens: { type: 'array', items: tokenSchema } } }, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      await authorize(request, store, request.params.project, 'admin');
      return { tokens: await store.listTokens(request.params.project) };
    },
  );

  app.delete<{ Params: { project: string; token: string } }>(
    '/projects/:project/tokens/:token',
    {
      schema: {
        summary: 'Revoke a token of the project',
        tags: ['tokens'],
        params: tokenIdParams,
        response: { 204: { type: 'null' }, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { project, token } = request.params;
      await authorize(request, store, project, 'admin');
      const found = await store.getToken(token);
      if (!found || found.project !== project || !(await store.revokeToken(token)))
        throw new HttpError('BNK_ERR_NOT_FOUND', `token "${token}" not found (or already revoked)`);
      request.log.info({ project, tokenId: token }, 'token revoked');
      return reply.code(204).send();
    },
  );
}
