-- Imports started from the web UI, kept so that their page, their summary
-- and their error report outlive the process that ran them (a restart, or
-- another instance behind a load balancer). The live progress of a running
-- import stays in the memory of the instance that runs it.
CREATE TABLE import_runs (
    id            TEXT    PRIMARY KEY,
    org_id        BIGINT  NOT NULL REFERENCES organizations (id),
    kind          TEXT    NOT NULL CHECK (kind IN ('receivables', 'contacts')),
    creditor_id   BIGINT  REFERENCES creditors (id),
    label         TEXT    NOT NULL,
    file_name     TEXT    NOT NULL,
    partial       BOOLEAN NOT NULL,
    started_at    BIGINT  NOT NULL,
    finished_at   BIGINT,
    -- Set in the import's own transaction when it commits: a run still
    -- "running" with it set was written whole, though its end went unrecorded.
    applied_at    BIGINT,
    state         TEXT    NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    failure       TEXT,
    rows_read     BIGINT  NOT NULL DEFAULT 0,
    -- While it runs (PostgreSQL), the instance running it says how far it
    -- got every few seconds, so that another instance can show it running.
    percent_read  BIGINT  NOT NULL DEFAULT 0,
    heartbeat_at  BIGINT,
    summary       TEXT,
    problem_count BIGINT  NOT NULL DEFAULT 0,
    problems      TEXT
);
CREATE INDEX import_runs_org ON import_runs (org_id, started_at);
