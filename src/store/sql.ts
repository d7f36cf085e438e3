// The few things the store asks of a database, so that one Store serves SQLite and PostgreSQL.
// Statements are written once with `?` placeholders in the SQL both understand; each database
// module adapts them (PostgreSQL numbers them $1, $2, …).

export type SqlValue = string | number | null;

export interface Sql {
  /** What it is, for messages: the SQLite file path, or the PostgreSQL URL without its password. */
  readonly location: string;
  /** The first row, or undefined. */
  one<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** The schema version the migrations brought the database to. */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}

/** The database is down or unreachable: the request may succeed later (HTTP 503). */
export class StoreUnavailable extends Error {
  constructor(
    readonly location: string,
    readonly reason: string,
  ) {
    super(`database ${location} is unavailable (${reason})`);
    this.name = 'StoreUnavailable';
  }
}

export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

/** The URL as messages may show it: scheme, host, port and database, never user or password. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return 'postgres://(unparsable URL)';
  }
}
