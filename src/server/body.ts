// Request bodies that are files (topology uploads, change files): taken as raw bytes, decoded
// as strict UTF-8 (refused, never repaired), and named consistently with their content type,
// so what is checked and stored is exactly what was sent, under the type it really has.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decodeInput } from '../index.ts';
import { HttpError } from './errors.ts';

export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];
export const JSON_TYPES = ['application/json'];
export const FILE_TYPES = [...YAML_TYPES, ...JSON_TYPES];

/** Replaces the plugin's body parsers: YAML and JSON bodies arrive as bytes, up to `limit`. */
export function acceptFileBodies(app: FastifyInstance, limit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(FILE_TYPES, { parseAs: 'buffer', bodyLimit: limit }, (_request, body, done) => {
    done(null, body);
  });
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
    throw new HttpError('BNK_ERR_UNSUPPORTED_MEDIA_TYPE', json
      ? `Content-Type ${mediaType} but filename "${given}" is not *.json: name it .json, or send YAML as application/yaml`
      : `Content-Type ${mediaType} but filename "${given}" is *.json: send JSON as application/json, or name it .yaml`);
  }
  const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  if (bytes.length === 0) throw new HttpError('BNK_ERR_USAGE', `empty body: send the ${what} as the request body`);
  return { text: decodeInput(bytes, filename), filename, mediaType: json ? 'application/json' : 'application/yaml' };
}
