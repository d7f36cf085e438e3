// The one registry of error codes (library, CLI and HTTP API): each has a stable code, an HTTP status and a documented
// meaning. Bad input is reported as a list of diagnostics, each with its location.

export const ERROR_CODES = {
  BNK_ERR_USAGE: { status: 400, meaning: 'The command or request was called wrongly (missing or unknown argument).' },
  BNK_ERR_FILE_NOT_FOUND: { status: 404, meaning: 'The named file does not exist or cannot be read.' },
  BNK_ERR_FILE_TOO_LARGE: { status: 413, meaning: 'The input is larger than the size limit.' },
  BNK_ERR_ENCODING: { status: 400, meaning: 'The input is not valid UTF-8 (e.g. saved as Shift_JIS); the error gives the byte offset.' },
  BNK_ERR_SYNTAX: { status: 400, meaning: 'The file is not well-formed YAML or JSON.' },
  BNK_ERR_ALIAS_LIMIT: { status: 400, meaning: 'The YAML expands too many aliases (an alias bomb).' },
  BNK_ERR_TOO_DEEP: { status: 400, meaning: 'The document nests deeper than the limit.' },
  BNK_ERR_FORBIDDEN_KEY: { status: 400, meaning: 'A key such as __proto__ that could alter objects is not allowed.' },
  BNK_ERR_SCHEMA: { status: 422, meaning: 'A field is missing, unknown, of the wrong type or out of range.' },
  BNK_ERR_DUPLICATE_ID: { status: 422, meaning: 'Two objects share an id (ids are one namespace), or a device repeats an interface or rule id.' },
  BNK_ERR_UNKNOWN_REF: { status: 422, meaning: 'A reference names a zone, host, device, interface, gateway or service that is not declared.' },
  BNK_ERR_INVALID_ADDRESS: { status: 422, meaning: 'An IPv4 address, prefix or range is malformed.' },
  BNK_ERR_INVALID_SERVICE: { status: 422, meaning: 'A service, protocol or port range is malformed.' },
  BNK_ERR_ADDRESS_OUTSIDE_ZONE: { status: 422, meaning: 'A host or interface address lies outside the subnets of its zone.' },
  BNK_ERR_SUBNET_OVERLAP: { status: 422, meaning: 'Subnets of zones in different domains overlap, or two zones declare the same subnet.' },
  BNK_ERR_UNKNOWN_DOMAIN: { status: 422, meaning: 'A zone names a domain the policy pack does not declare.' },
  BNK_ERR_LIMIT_EXCEEDED: { status: 422, meaning: 'A count (rules, hosts, paths) exceeds a safety limit.' },
  BNK_ERR_POLICY: { status: 422, meaning: 'The policy pack is invalid (unknown rule, bad parameter).' },
  BNK_ERR_IMPORT_STRICT: { status: 422, meaning: 'An import under --strict met something it would read approximately or leave out (a warning otherwise).' },
  // HTTP API (src/server): request-level errors that no topology file causes.
  BNK_ERR_UNAUTHORIZED: { status: 401, meaning: 'The request has no bearer token, or the token is unknown, malformed or revoked.' },
  BNK_ERR_FORBIDDEN: { status: 403, meaning: 'The token is valid but lacks the scope (read, submit, admin) the request needs.' },
  BNK_ERR_NOT_FOUND: { status: 404, meaning: 'No such route, project, version, check or token (or it belongs to a project the token cannot see).' },
  BNK_ERR_CONFLICT: { status: 409, meaning: 'The object already exists (e.g. a project id that is taken).' },
  BNK_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'The request body has a content type the route does not accept.' },
  BNK_ERR_RATE_LIMITED: { status: 429, meaning: 'Too many requests from this client in the current window; retry after the given delay.' },
  BNK_ERR_BUSY: { status: 429, meaning: 'Every worker thread is busy and the queue of waiting work is full; retry after the given delay.' },
  BNK_ERR_TIMEOUT: { status: 408, meaning: 'The request body did not arrive within the request timeout.' },
  BNK_ERR_URI_TOO_LONG: { status: 414, meaning: 'A path segment of the request URL (an id) is longer than any id can be.' },
  BNK_ERR_HEADERS_TOO_LARGE: { status: 431, meaning: 'The request line and headers together are larger than the server accepts.' },
  BNK_ERR_SHUTTING_DOWN: { status: 503, meaning: 'The server is shutting down and accepts no new requests.' },
  BNK_ERR_UNAVAILABLE: { status: 503, meaning: 'The database (PostgreSQL) cannot be reached; the server reconnects by itself, retry after the given delay.' },
  BNK_ERR_INTERNAL: { status: 500, meaning: 'A bug in bunkatsu; the server logs the details (never the topology).' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A position in an input file; line and column are 1-based. */
export interface Loc {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** What stands there, for a location in a vendor configuration: `policy 27 "lg-to-inet"`. */
  readonly label?: string;
}

export interface Diagnostic {
  readonly code: ErrorCode;
  /** In English (the API's and the log's language). */
  readonly message: string;
  /** The message in Japanese, from a source that words its diagnostics in both languages (the importers). */
  readonly ja?: string;
  readonly loc: Loc;
  /** The input field it is about, as a dotted path (e.g. `changes.0.add-rule`), when the check knows it: for callers that branch on it. */
  readonly field?: string;
}

/** Thrown for bad input: carries every diagnostic found, never a partial result. */
export class InputError extends Error {
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[]) {
    const first = diagnostics[0];
    super(first ? `${formatDiagnostic(first)}${diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : ''}` : 'invalid input');
    this.name = 'InputError';
    this.diagnostics = diagnostics;
  }

  /** The HTTP status of the first diagnostic (all diagnostics of one load share a class). */
  get status(): number {
    const first = this.diagnostics[0];
    return first ? ERROR_CODES[first.code].status : 400;
  }
}

/** A message in both languages, for the diagnostics and warnings of the importers. */
export interface Bilingual {
  readonly en: string;
  readonly ja: string;
}

/** Bad input at one place of an input file (the importers), worded in both languages. */
export function inputError(code: ErrorCode, loc: Loc, text: Bilingual): InputError {
  return new InputError([{ code, message: text.en, ja: text.ja, loc }]);
}

/** A syntax error at one place of an input file (the importers' readers). */
export function syntaxError(loc: Loc, text: Bilingual): InputError {
  return inputError('BNK_ERR_SYNTAX', loc, text);
}

/** Refuses a configuration with a NUL or another control character (tab, CR, LF and form feed aside): a binary file, not text. */
export function refuseBinary(text: string, file: string): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 ? c !== 0x7f : c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d) continue;
    const before = text.slice(0, i);
    const loc = { file, line: before.split('\n').length, column: i - before.lastIndexOf('\n') };
    const code = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
    throw syntaxError(loc, {
      en: `control character ${code}: this is a binary file, not a text configuration`,
      ja: `制御文字 ${code} があります。機器設定のテキストではなくバイナリのファイルです`,
    });
  }
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.loc.file}:${d.loc.line}:${d.loc.column} ${d.code} ${d.message}`;
}
