// Versioned schema migrations of the SQLite store. Each entry moves the database from
// version `index` to `index + 1` (SQLite's user_version); entries are never edited once shipped.

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'projects, topology versions, check results, tokens',
    sql: `
      CREATE TABLE projects (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        created_at  TEXT NOT NULL
      );
      CREATE TABLE topology_versions (
        project_id  TEXT NOT NULL REFERENCES projects(id),
        version     INTEGER NOT NULL,
        hash        TEXT NOT NULL,           -- sha256 of the uploaded text
        media_type  TEXT NOT NULL,           -- application/yaml or application/json
        filename    TEXT NOT NULL,           -- the name diagnostics use
        size        INTEGER NOT NULL,        -- bytes
        name        TEXT NOT NULL,           -- the topology's own name
        model       TEXT NOT NULL,
        submitter   TEXT NOT NULL,           -- token id (or "cli")
        created_at  TEXT NOT NULL,
        content     TEXT NOT NULL,
        PRIMARY KEY (project_id, version)
      );
      CREATE TABLE checks (
        id             TEXT PRIMARY KEY,
        project_id     TEXT NOT NULL,
        version        INTEGER NOT NULL,
        status         TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
        engine         TEXT NOT NULL,
        today          TEXT NOT NULL,
        lang           TEXT NOT NULL,
        progress_done  INTEGER NOT NULL DEFAULT 0,
        progress_total INTEGER NOT NULL DEFAULT 0,
        summary        TEXT,                 -- JSON, when done
        result         TEXT,                 -- JSON report, when done
        error          TEXT,                 -- JSON {code, message}, when failed
        submitter      TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        finished_at    TEXT,
        FOREIGN KEY (project_id, version) REFERENCES topology_versions(project_id, version)
      );
      CREATE INDEX checks_by_project ON checks(project_id, created_at);
      CREATE INDEX checks_pending ON checks(status) WHERE status IN ('queued', 'running');
      CREATE TABLE tokens (
        id          TEXT PRIMARY KEY,        -- public part, shown in lists and logs of admins
        project_id  TEXT REFERENCES projects(id),  -- NULL: a server token (admin of every project)
        name        TEXT NOT NULL,
        scopes      TEXT NOT NULL,           -- comma-separated: read, submit, admin
        secret_hash TEXT NOT NULL,           -- sha256 of the secret part; the secret is never stored
        created_at  TEXT NOT NULL,
        revoked_at  TEXT
      );
    `,
  },
  {
    version: 2,
    description: 'reviews of change files against stored versions, with their renderings',
    sql: `
      CREATE TABLE reviews (
        id           TEXT PRIMARY KEY,
        project_id   TEXT NOT NULL,
        version      INTEGER NOT NULL,
        change_hash  TEXT NOT NULL,          -- sha256 of the change file's text
        filename     TEXT NOT NULL,          -- the change file's name in diagnostics and reports
        verdict      TEXT NOT NULL CHECK (verdict IN ('approve', 'reject', 'needs-attention')),
        summary      TEXT NOT NULL,          -- JSON {ja, en}
        recompute    TEXT NOT NULL,          -- JSON {mode, reason}
        today        TEXT NOT NULL,
        lang         TEXT NOT NULL,          -- language of the renderings
        result_json  TEXT NOT NULL,          -- bunkatsu review --format json
        result_sarif TEXT NOT NULL,          -- bunkatsu review --format sarif
        result_md    TEXT NOT NULL,          -- bunkatsu review --format markdown
        submitter    TEXT NOT NULL,          -- token id
        created_at   TEXT NOT NULL,
        FOREIGN KEY (project_id, version) REFERENCES topology_versions(project_id, version)
      );
      CREATE INDEX reviews_by_project ON reviews(project_id, created_at);
    `,
  },
  {
    version: 3,
    description: 'the engine that ran each review (reviews stored before it ran on the fast engine, the only one the API offered)',
    sql: `
      ALTER TABLE reviews ADD COLUMN engine TEXT NOT NULL DEFAULT 'fast';
    `,
  },
  {
    version: 4,
    description: 'review and import jobs (run by bunkatsu worker or the server), when each check started, the import that made a version',
    sql: `
      CREATE TABLE jobs (
        id          TEXT PRIMARY KEY,        -- rev_… (a review: its id once stored) or imp_… (an import)
        kind        TEXT NOT NULL CHECK (kind IN ('review', 'import')),
        project_id  TEXT NOT NULL REFERENCES projects(id),
        status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
        input       TEXT NOT NULL,           -- JSON: what the job runs on (a change file, configurations)
        result      TEXT,                    -- JSON, when done
        error       TEXT,                    -- JSON {code, message, diagnostics}, when failed
        attempts    INTEGER NOT NULL DEFAULT 0,
        submitter   TEXT NOT NULL,           -- token id
        created_at  TEXT NOT NULL,
        started_at  TEXT,
        finished_at TEXT
      );
      CREATE INDEX jobs_by_project ON jobs(project_id, kind, created_at);
      CREATE INDEX jobs_pending ON jobs(status) WHERE status IN ('queued', 'running');
      CREATE INDEX jobs_finished ON jobs(finished_at);
      ALTER TABLE checks ADD COLUMN started_at TEXT;
      CREATE INDEX checks_finished ON checks(finished_at);
      ALTER TABLE topology_versions ADD COLUMN import_id TEXT;
      CREATE UNIQUE INDEX versions_by_import ON topology_versions(import_id) WHERE import_id IS NOT NULL;
    `,
  },
  {
    version: 5,
    description: 'the flows file a check was made with (intents, exceptions and cloud services beside the version)',
    sql: `
      ALTER TABLE checks ADD COLUMN flows_name TEXT;     -- its file name in diagnostics and reports
      ALTER TABLE checks ADD COLUMN flows TEXT;          -- its text, as sent
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;
