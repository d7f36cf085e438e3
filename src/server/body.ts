// Request bodies that are files (topology uploads, change files): taken as raw bytes, decoded
// as strict UTF-8 (refused, never repaired), and named consistently with their content type,
// so what is checked and stored is exactly what was sent, under the type it really has.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decodeInput } from '../index.ts';
import { HttpError } from './errors.ts';

export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];
export const JSON_TYPES = ['application/json'];
export const FILE_TYPES = [...YAML_TYPES, ...JSON_TYPES];

/**
 * The bytes of file bodies being received or worked on at once, across every route that takes
 * one. A body is buffered whole before its handler runs, so without this bound a burst of large
 * uploads could exhaust the main thread's memory before the worker pool's queue refuses them.
 */
export class UploadBudget {
  private used = 0;

  constructor(
    readonly maxBytes: number,
    private readonly uploadLimit: number,
  ) {}

  get inFlight(): number {
    return this.used;
  }

  /** Reserves the declared size (the upload limit when undeclared) or refuses with 429 and Retry-After. */
  reserve(request: FastifyRequest): () => void {
    const declared = Number(request.headers['content-length']);
    // Past the route's limit fastify answers 413 before reading; nothing to reserve.
    if (Number.isFinite(declared) && declared > this.uploadLimit) return () => undefined;
    const bytes = Number.isFinite(declared) && declared >= 0 ? declared : this.uploadLimit;
    if (this.used > 0 && this.used + bytes > this.maxBytes) {
      throw new HttpError(
        'BNK_ERR_BUSY',
        `the server is receiving ${Math.ceil(this.used / 1048576)} MiB of uploads already (limit ${Math.floor(this.maxBytes / 1048576)} MiB at once); retry in ${RETRY_AFTER_S} s`,
        { 'retry-after': String(RETRY_AFTER_S) },
      );
    }
    this.used += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= bytes;
    };
  }
}

const RETRY_AFTER_S = 5;
const RELEASE = Symbol('upload budget release');

/**
 * Replaces the plugin's body parsers: YAML and JSON bodies arrive as bytes, up to `limit`, each
 * counted against the shared budget from the first byte to the answer (or the abort).
 */
export function acceptFileBodies(app: FastifyInstance, limit: number, budget: UploadBudget): void {
  countFileBodies(app, budget);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(FILE_TYPES, { parseAs: 'buffer', bodyLimit: limit }, (_request, body, done) => {
    done(null, body);
  });
}

/** Counts every POST body of this plugin's routes against the shared budget, from the first byte to the answer (or the abort). */
export function countFileBodies(app: FastifyInstance, budget: UploadBudget): void {
  app.addHook('onRequest', async (request) => {
    if (request.method !== 'POST') return;
    (request as unknown as Record<symbol, () => void>)[RELEASE] = budget.reserve(request);
  });
  const release = async (request: FastifyRequest): Promise<void> => {
    (request as unknown as Record<symbol, (() => void) | undefined>)[RELEASE]?.();
  };
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
}

export interface FileBody {
  readonly text: string;
  readonly filename: string;
  readonly mediaType: 'application/json' | 'application/yaml';
}

/**
 * The body as text with its file name (`?filename=`, else `<base>.json` / `<base>.yaml`).
 * Refuses an empty body, a name whose extension contradicts the content type, and bytes that
 * are not UTF-8 (BNK_ERR_ENCODING with the byte offset). A JSON body must then parse as JSON:
 * the loader reads a *.json name strictly.
 */
export function fileBody(request: FastifyRequest, base: string, what: string): FileBody {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const json = JSON_TYPES.includes(mediaType);
  const given = (request.query as { filename?: string } | undefined)?.filename;
  const filename = given ?? `${base}.${json ? 'json' : 'yaml'}`;
  if (given !== undefined && json !== /\.json$/i.test(given)) {
    throw new HttpError(
      'BNK_ERR_UNSUPPORTED_MEDIA_TYPE',
      json
        ? `Content-Type ${mediaType} but filename "${given}" is not *.json: name it .json, or send YAML as application/yaml`
        : `Content-Type ${mediaType} but filename "${given}" is *.json: send JSON as application/json, or name it .yaml`,
    );
  }
  const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  if (bytes.length === 0) throw new HttpError('BNK_ERR_USAGE', `empty body: send the ${what} as the request body`);
  return { text: decodeInput(bytes, filename), filename, mediaType: json ? 'application/json' : 'application/yaml' };
}

/**
 * A flows file sent as a check's body (`?flows=<name>` names it; without that parameter a body is
 * ignored, as before flows files): its name and text, decoded as uploads are.
 */
export function flowsBody(request: FastifyRequest, name: string | undefined): { filename: string; text: string } | undefined {
  if (name === undefined) return undefined;
  const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  if (bytes.length === 0) throw new HttpError('BNK_ERR_USAGE', `?flows=${name} but the body is empty: send the flows file as the request body`);
  return { filename: name, text: decodeInput(bytes, name) };
}
