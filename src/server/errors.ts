// HTTP errors: every error answer has fastify's shape {statusCode, code, error, message} with a
// stable BNK_ERR_* code from the registry; bad topologies add their diagnostics (file:line:column).

import { StoreUnavailable } from '../store/sql.ts';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { diagnosticMessage, ERROR_CODES, type Diagnostic, type ErrorCode, InputError } from '../index.ts';

/** An error the server answers with on purpose: a code from the registry and a plain message. */
export class HttpError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.code = code;
    this.statusCode = ERROR_CODES[code].status;
    this.headers = headers;
  }
}

export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  error: string;
  message: string;
  diagnostics?: { code: ErrorCode; message: string; ja: string; file: string; line: number; column: number; location: string }[];
}

export function errorBody(code: ErrorCode, message: string, statusCode: number = ERROR_CODES[code].status): ErrorBody {
  return { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

export function diagnosticsJson(diagnostics: readonly Diagnostic[]): NonNullable<ErrorBody['diagnostics']> {
  return diagnostics.map((d) => ({
    code: d.code,
    message: d.message,
    ja: diagnosticMessage(d, 'ja'),
    file: d.loc.file,
    line: d.loc.line,
    column: d.loc.column,
    location: `${d.loc.file}:${d.loc.line}:${d.loc.column}`,
  }));
}

/**
 * The answer to a job stored as failed (a review or an import): what the request would have
 * been answered had it run in the request, with the stored diagnostics.
 */
export function storedFailureBody(error: unknown): ErrorBody {
  const stored = (error ?? {}) as { code?: string; message?: string; diagnostics?: ErrorBody['diagnostics'] };
  const code = stored.code !== undefined && stored.code in ERROR_CODES ? (stored.code as ErrorCode) : 'BNK_ERR_INTERNAL';
  return { ...errorBody(code, stored.message ?? 'the job failed'), ...(stored.diagnostics ? { diagnostics: stored.diagnostics } : {}) };
}

/** Fastify's own errors (body parsing, schema validation, limits) mapped onto registry codes. */
function fromFastify(error: FastifyError): ErrorBody | undefined {
  const status = error.statusCode;
  if (error.validation) return errorBody('BNK_ERR_USAGE', `invalid request: ${error.message}`);
  if (status === undefined || status < 400 || status >= 500) return undefined;
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errorBody('BNK_ERR_UNSUPPORTED_MEDIA_TYPE', `${error.message}; see the route's accepted content types in /docs`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errorBody('BNK_ERR_FILE_TOO_LARGE', 'request body is larger than this route accepts');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return errorBody('BNK_ERR_USAGE', 'request body size did not match the Content-Length header');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return errorBody('BNK_ERR_SYNTAX', `request body is not valid JSON: ${error.message}`);
    default:
      break;
  }
  if (error instanceof SyntaxError) return errorBody('BNK_ERR_SYNTAX', `request body is not valid JSON: ${error.message}`);
  const byStatus: Partial<Record<number, ErrorCode>> = {
    404: 'BNK_ERR_NOT_FOUND',
    408: 'BNK_ERR_TIMEOUT',
    414: 'BNK_ERR_URI_TOO_LONG',
    431: 'BNK_ERR_HEADERS_TOO_LARGE',
    413: 'BNK_ERR_FILE_TOO_LARGE',
    415: 'BNK_ERR_UNSUPPORTED_MEDIA_TYPE',
    429: 'BNK_ERR_RATE_LIMITED',
  };
  return errorBody(byStatus[status] ?? 'BNK_ERR_USAGE', error.message, status);
}

/** The one error handler: answers in the registry's shape and logs only codes, never content. */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  let body: ErrorBody;
  if (error instanceof HttpError) {
    body = errorBody(error.code, error.message);
    reply.headers(error.headers);
  } else if (error instanceof StoreUnavailable) {
    // The database is away (a PostgreSQL restart, say): the client retries; the log says why,
    // naming the database without its credentials.
    request.log.warn({ reason: error.reason }, 'database unavailable');
    body = errorBody('BNK_ERR_UNAVAILABLE', 'the database cannot be reached just now; retry in a few seconds');
    reply.header('retry-after', '5');
  } else if (error instanceof InputError) {
    const first = error.diagnostics[0];
    body = { ...errorBody(first?.code ?? 'BNK_ERR_USAGE', error.message, error.status), diagnostics: diagnosticsJson(error.diagnostics) };
  } else {
    const mapped = fromFastify(error as FastifyError);
    if (mapped) body = mapped;
    else {
      // A bug. The stack says where; messages of our own code never carry topology text.
      request.log.error({ err: { type: error.name, message: error.message, stack: error.stack } }, 'internal error');
      body = errorBody('BNK_ERR_INTERNAL', 'internal error; the server log has the details');
    }
  }
  if (body.statusCode < 500) request.log.info({ statusCode: body.statusCode, code: body.code }, 'request refused');
  void reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
}

/** The headers every answer carries, also those written before fastify's hooks run. */
const BARE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

/**
 * fastify's `frameworkErrors`: errors of the router, before any hook (a path segment past
 * maxParamLength, a malformed URL), in the registry's shape.
 */
export function handleFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const body =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? errorBody('BNK_ERR_URI_TOO_LONG', 'a path segment of the URL is too long to be an id; check the URL')
      : errorBody('BNK_ERR_USAGE', `malformed request URL (${error.code}); check the URL`);
  request.log.info({ statusCode: body.statusCode, code: body.code }, 'request refused');
  void reply.code(body.statusCode).headers(BARE_HEADERS).type('application/json; charset=utf-8').send(body);
}

/**
 * Node's `clientError`: requests its HTTP parser refuses before fastify sees them (headers
 * past maxHeaderSize, a request timeout, garbage), answered in the registry's shape.
 */
export function clientErrorHandler(maxHeaderSize: number): (error: Error & { code?: string }, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const body =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? errorBody('BNK_ERR_HEADERS_TOO_LARGE', `the request line and headers are larger than ${maxHeaderSize} bytes; shorten the URL or the headers`)
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? errorBody('BNK_ERR_TIMEOUT', 'the request did not arrive within the request timeout')
          : errorBody('BNK_ERR_USAGE', `malformed HTTP request (${error.code ?? 'parse error'})`);
    if (socket.writable) {
      const text = JSON.stringify(body);
      const headers = Object.entries({
        ...BARE_HEADERS,
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(text)),
        connection: 'close',
      })
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      socket.write(`HTTP/1.1 ${body.statusCode} ${body.error}\r\n${headers}\r\n${text}`);
    }
    socket.destroy();
  };
}

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  description: "fastify's error shape with a stable BNK_ERR_* code; bad topologies add every diagnostic with its location",
  required: ['statusCode', 'code', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string', enum: Object.keys(ERROR_CODES) },
    error: { type: 'string' },
    message: { type: 'string' },
    diagnostics: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'message', 'file', 'line', 'column', 'location'],
        properties: {
          code: { type: 'string' },
          message: { type: 'string', description: 'in English' },
          ja: { type: 'string', description: 'the same message in Japanese (as `--lang ja` prints it)' },
          file: { type: 'string' },
          line: { type: 'integer' },
          column: { type: 'integer' },
          location: { type: 'string', description: 'file:line:column, as the CLI prints it' },
        },
      },
    },
  },
} as const;
