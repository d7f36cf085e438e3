// JSON schemas shared by the routes: path parameters and the error answers (for OpenAPI).

const PROJECT = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'project id' } as const;
const VERSION = { type: 'string', pattern: '^([1-9][0-9]{0,8}|latest)$', description: 'version number, or "latest"' } as const;

/** The `?engine=` query parameter of the routes that compute on an engine (checked against the registry by engineNamed). */
export const ENGINE = { type: 'string', pattern: '^[a-z0-9-]{1,40}$', description: 'reachability engine (default: the registry default)' } as const;

export const projectParams = { type: 'object', required: ['project'], properties: { project: PROJECT } } as const;
export const versionParams = { type: 'object', required: ['project', 'version'], properties: { project: PROJECT, version: VERSION } } as const;
export const checkParams = {
  type: 'object',
  required: ['project', 'check'],
  properties: { project: PROJECT, check: { type: 'string', pattern: '^chk_[0-9a-f]{16}$' } },
} as const;
export const tokenIdParams = {
  type: 'object',
  required: ['project', 'token'],
  properties: { project: PROJECT, token: { type: 'string', pattern: '^[0-9a-f]{16}$' } },
} as const;

/** Response entries `{ 4xx: Error }` for the given statuses. */
export function errors(...statuses: number[]): Record<number, { $ref: string }> {
  return Object.fromEntries(statuses.map((s) => [s, { $ref: 'Error#' }]));
}

/** "latest" or a version number. */
export function versionOf(param: string): number | 'latest' {
  return param === 'latest' ? 'latest' : Number(param);
}
