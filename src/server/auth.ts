// Bearer-token authentication and per-project authorization. A project token sees only its own
// project: any other project answers 404, exactly as one that does not exist.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ProjectRecord, Scope, Store, TokenRecord } from '../store/store.ts';
import { HttpError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified token of the request; undefined on public routes. */
    token?: TokenRecord;
  }
  interface FastifyContextConfig {
    /** Route answers without a token (health, docs). */
    public?: boolean;
  }
}

const CHALLENGE = { 'www-authenticate': 'Bearer realm="bunkatsu"' };

/** onRequest hook: verifies the bearer token before the body is read. */
export function authenticate(store: Store) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (request.routeOptions.config.public || request.url.startsWith('/docs')) return;
    const header = request.headers.authorization;
    if (header === undefined) throw new HttpError('BNK_ERR_UNAUTHORIZED', 'missing bearer token: send "Authorization: Bearer <token>"', CHALLENGE);
    const match = /^Bearer +(\S+)$/i.exec(header);
    const token = match ? await store.verifyToken(match[1]!) : undefined;
    if (!token) throw new HttpError('BNK_ERR_UNAUTHORIZED', 'invalid bearer token (malformed, unknown or revoked)', CHALLENGE);
    request.token = token;
  };
}

function tokenOf(request: FastifyRequest): TokenRecord {
  if (!request.token) throw new HttpError('BNK_ERR_UNAUTHORIZED', 'missing bearer token', CHALLENGE);
  return request.token;
}

/** True when the token is a server token (admin of every project). */
export function isServerAdmin(token: TokenRecord): boolean {
  return token.project === null && token.scopes.includes('admin');
}

/**
 * Throws unless the request's token may act on `project` with `scope`. A token of another
 * project gets 404, so it cannot even learn that the project exists; `admin` implies every scope.
 */
export async function authorize(request: FastifyRequest, store: Store, project: string, scope: Scope): Promise<void> {
  const token = tokenOf(request);
  const sameProject = token.project === project || isServerAdmin(token);
  if (!sameProject || !(await store.getProject(project))) throw new HttpError('BNK_ERR_NOT_FOUND', `project "${project}" not found`);
  if (!token.scopes.includes(scope) && !token.scopes.includes('admin')) {
    throw new HttpError('BNK_ERR_FORBIDDEN', `this token lacks the "${scope}" scope (it has: ${token.scopes.join(', ')})`);
  }
}

/** Throws unless the request's token is a server token. */
export function authorizeServerAdmin(request: FastifyRequest): void {
  const token = tokenOf(request);
  if (!isServerAdmin(token)) throw new HttpError('BNK_ERR_FORBIDDEN', 'this needs a server token (bunkatsu token create --server)');
}

/** The projects a token can see. */
export async function visibleProjects(request: FastifyRequest, store: Store): Promise<ProjectRecord[]> {
  const token = tokenOf(request);
  if (isServerAdmin(token)) return store.listProjects();
  const own = token.project === null ? undefined : await store.getProject(token.project);
  return own ? [own] : [];
}
