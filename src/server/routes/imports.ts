// Imports: device configurations (and an inventory, a site file) sent as one JSON body, composed
// into a topology by a job as `bunkatsu import` does it (the server's pool with SQLite, a
// `bunkatsu worker` with PostgreSQL), and stored as the project's next version when it succeeds.

import type { FastifyInstance } from 'fastify';
import { type JobRecord, newId } from '../../store/store.ts';
import type { ServerContext } from '../context.ts';
import { authorize } from '../auth.ts';
import { countFileBodies } from '../body.ts';
import { HttpError, storedFailureBody } from '../errors.ts';
import { IMPORT_VENDORS, type ImportInput } from '../import-run.ts';
import { errors, projectParams } from './schemas.ts';

/** Most files in one import: configurations, host files, a lab's startup configurations, inventory and site together. */
export const MAX_IMPORT_FILES = 256;

const FILE_NAME = { type: 'string', pattern: '^[A-Za-z0-9._/-]{1,200}$', description: 'the file name diagnostics and the topology header use' } as const;
const file = {
  type: 'object',
  additionalProperties: false,
  required: ['file', 'text'],
  properties: { file: FILE_NAME, text: { type: 'string', description: 'the whole file, as text' } },
} as const;

const importBody = {
  type: 'object',
  additionalProperties: false,
  required: ['configs'],
  properties: {
    configs: {
      type: 'array',
      maxItems: MAX_IMPORT_FILES,
      description: 'device configurations, as `bunkatsu import --config vendor:file` takes them',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['vendor', 'file', 'text'],
        properties: {
          vendor: { type: 'string', enum: IMPORT_VENDORS },
          file: FILE_NAME,
          text: { type: 'string' },
          addresses: { ...file, description: "iptables, nftables: the host's `ip addr` output" },
          routes: { ...file, description: "iptables, nftables: the host's `ip route` output" },
        },
      },
    },
    inventory: {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'file', 'text'],
      description: 'a NetBox export or a containerlab topology',
      properties: { kind: { type: 'string', enum: ['netbox', 'containerlab'] }, file: FILE_NAME, text: { type: 'string' } },
    },
    files: {
      type: 'array',
      maxItems: MAX_IMPORT_FILES,
      items: file,
      description: 'the startup configurations a containerlab lab names (by their path beside the lab file)',
    },
    site: { ...file, description: 'the site file: zones and domains of the interfaces, gateways, intents, exceptions (docs/import.md)' },
    strict: { type: 'boolean', default: false, description: 'every warning is an error, as `bunkatsu import --strict`' },
    filename: { ...FILE_NAME, description: "the stored version's file name (default imported.yaml; *.json stores JSON)" },
  },
} as const;

type ImportBody = Omit<ImportInput, 'filename'> & { readonly filename?: string };

const said = { type: 'object', properties: { ja: { type: 'string' }, en: { type: 'string' } } } as const;

const importSchema = {
  type: 'object',
  required: ['id', 'project', 'status', 'attempts', 'submitter', 'createdAt'],
  properties: {
    id: { type: 'string' },
    project: { type: 'string' },
    status: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] },
    version: { type: 'integer', description: 'the topology version the import stored (when done)' },
    warnings: {
      type: 'array',
      description: 'statements read approximately or left out, each at its place, as `bunkatsu import` prints them in each language (when done)',
      items: {
        ...said,
        properties: { ...said.properties, location: { type: 'string' }, file: { type: 'string' }, line: { type: 'integer' }, column: { type: 'integer' } },
      },
    },
    skipped: {
      type: 'array',
      description: 'per file, the sections that cannot affect forwarding and were read past (when done)',
      items: { ...said, properties: { ...said.properties, file: { type: 'string' }, total: { type: 'integer' } } },
    },
    error: {
      type: 'object',
      additionalProperties: true,
      description:
        '{statusCode, code, message, diagnostics} (when failed): what `bunkatsu import` would have refused, each diagnostic with its location and its text in both languages',
    },
    attempts: { type: 'integer' },
    submitter: { type: 'string' },
    createdAt: { type: 'string' },
    startedAt: { type: 'string', nullable: true },
    finishedAt: { type: 'string', nullable: true },
  },
} as const;

const importParams = {
  type: 'object',
  required: ['project', 'import'],
  properties: { project: projectParams.properties.project, import: { type: 'string', pattern: '^imp_[0-9a-f]{16}$' } },
} as const;

/** An import job as clients see it: its state, and its outcome once finished (never its input). */
function importView(job: JobRecord): Record<string, unknown> {
  const result = (job.result ?? {}) as { version?: number; warnings?: unknown[]; skipped?: unknown[] };
  return {
    id: job.id,
    project: job.project,
    status: job.status,
    ...(job.status === 'done' ? { version: result.version, warnings: result.warnings ?? [], skipped: result.skipped ?? [] } : {}),
    ...(job.status === 'failed' ? { error: storedFailureBody(job.error) } : {}),
    attempts: job.attempts,
    submitter: job.submitter,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}

export async function importRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { store, jobs } = ctx;
  // The body holds whole files: it counts against the upload budget like an upload.
  countFileBodies(app, ctx.uploads);

  app.post<{ Params: { project: string }; Body: ImportBody }>(
    '/projects/:project/imports',
    {
      bodyLimit: ctx.options.uploadLimit,
      schema: {
        summary: 'Import device configurations (and an inventory, a site file) as a new topology version, as a job',
        description:
          'The body is JSON: the configurations (vendor, file name, text; an iptables or nftables host with its `ip addr` and `ip route`), ' +
          'optionally a NetBox or containerlab inventory (with the startup configurations the lab names) and a site file. Answered 202 at ' +
          'once with the import id and its Location; the job composes the topology as `bunkatsu import` does, and stores it as the next ' +
          'version of the project when it loads; poll GET /projects/{project}/imports/{import} for the version, warnings and skipped ' +
          'sections, or the failure with every diagnostic located in the files sent.',
        tags: ['imports'],
        params: projectParams,
        body: importBody,
        response: { 202: importSchema, ...errors(400, 401, 403, 404, 413, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const { project } = request.params;
      await authorize(request, store, project, 'submit');
      const body = request.body;
      if (body.configs.length === 0 && body.inventory === undefined)
        throw new HttpError('BNK_ERR_USAGE', 'nothing to import: give at least one configuration in "configs", or an "inventory"');
      const count =
        body.configs.reduce((n, c) => n + 1 + (c.addresses ? 1 : 0) + (c.routes ? 1 : 0), 0) +
        (body.files?.length ?? 0) +
        (body.inventory ? 1 : 0) +
        (body.site ? 1 : 0);
      if (count > MAX_IMPORT_FILES) throw new HttpError('BNK_ERR_USAGE', `${count} files in one import; at most ${MAX_IMPORT_FILES}`);
      const waiting = (await store.pendingJobs()).filter((j) => j.kind === 'import').length;
      if (waiting >= ctx.options.maxQueuedChecks) {
        throw new HttpError('BNK_ERR_RATE_LIMITED', `${waiting} imports are queued or running (the limit); retry when one has finished`, {
          'retry-after': '30',
        });
      }
      const input: ImportInput = { ...body, filename: body.filename ?? 'imported.yaml' };
      const job = await store.createJob('import', newId('imp'), project, input, request.token?.id ?? 'unknown');
      await jobs.enqueue('import', job.id);
      request.log.info({ project, import: job.id, files: count }, 'import queued');
      return reply.code(202).header('location', `/projects/${project}/imports/${job.id}`).header('retry-after', '1').send(importView(job));
    },
  );

  app.get<{ Params: { project: string } }>(
    '/projects/:project/imports',
    {
      schema: {
        summary: 'List the imports of a project (status and outcome)',
        tags: ['imports'],
        params: projectParams,
        response: { 200: { type: 'object', required: ['imports'], properties: { imports: { type: 'array', items: importSchema } } }, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      await authorize(request, store, request.params.project, 'read');
      return { imports: (await store.listJobs(request.params.project, 'import')).map(importView) };
    },
  );

  app.get<{ Params: { project: string; import: string } }>(
    '/projects/:project/imports/:import',
    {
      schema: {
        summary: 'Get an import: its status, and once finished the version it stored, its warnings and skipped sections, or its failure',
        tags: ['imports'],
        params: importParams,
        response: { 200: importSchema, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const { project, import: id } = request.params;
      await authorize(request, store, project, 'read');
      const job = await store.getJob(project, id);
      if (job?.kind !== 'import') throw new HttpError('BNK_ERR_NOT_FOUND', `import "${id}" not found in project "${project}"`);
      return importView(job);
    },
  );
}
