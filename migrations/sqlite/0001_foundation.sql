-- Foundation: tenants, people, sessions, throttling, tokens, audit, jobs.
-- Instants are BIGINT milliseconds since the Unix epoch (UTC) on both backends.

CREATE TABLE organizations (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    document    TEXT,
    mode        TEXT    NOT NULL CHECK (mode IN ('company', 'agency')),
    time_zone   TEXT    NOT NULL DEFAULT 'America/Sao_Paulo',
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    org_id         BIGINT  NOT NULL REFERENCES organizations (id),
    email          TEXT    NOT NULL UNIQUE,
    name           TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent', 'viewer')),
    password_hash  TEXT    NOT NULL,
    active         BOOLEAN NOT NULL DEFAULT 1,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL
);
CREATE INDEX users_org ON users (org_id, id);

CREATE TABLE sessions (
    token_hash    TEXT   PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id        BIGINT NOT NULL REFERENCES organizations (id),
    csrf_token    TEXT   NOT NULL,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE login_throttle (
    key_hash      TEXT   PRIMARY KEY,
    failures      BIGINT NOT NULL,
    window_start  BIGINT NOT NULL,
    locked_until  BIGINT
);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES organizations (id),
    name          TEXT   NOT NULL,
    role          TEXT   NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent', 'viewer')),
    token_hash    TEXT   NOT NULL UNIQUE,
    prefix        TEXT   NOT NULL,
    created_by    BIGINT REFERENCES users (id),
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);
CREATE INDEX api_tokens_org ON api_tokens (org_id, id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    org_id      BIGINT REFERENCES organizations (id),
    actor_kind  TEXT   NOT NULL CHECK (actor_kind IN ('user', 'token', 'cli', 'system')),
    actor_id    BIGINT,
    action      TEXT   NOT NULL,
    target      TEXT,
    details     TEXT   NOT NULL DEFAULT '{}',
    ip          TEXT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (org_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY,
    org_id        BIGINT REFERENCES organizations (id),
    kind          TEXT   NOT NULL,
    payload       TEXT   NOT NULL DEFAULT '{}',
    status        TEXT   NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'dead')),
    run_at        BIGINT NOT NULL,
    attempts      BIGINT NOT NULL DEFAULT 0,
    max_attempts  BIGINT NOT NULL,
    locked_by     TEXT,
    locked_until  BIGINT,
    last_error    TEXT,
    dedup_key     TEXT UNIQUE,
    created_at    BIGINT NOT NULL,
    finished_at   BIGINT
);
CREATE INDEX jobs_claim ON jobs (status, run_at, id);

CREATE TABLE instance_secrets (
    name        TEXT   PRIMARY KEY,
    value       TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);
