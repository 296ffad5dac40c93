-- LGPD access log: who opened which debtor's 360° view, when, and through
-- which channel. Append-only, like the audit log (triggers refuse UPDATE and
-- DELETE). Instants are BIGINT milliseconds (UTC).

CREATE TABLE debtor_access (
    id           INTEGER PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organizations (id),
    debtor_id    BIGINT NOT NULL REFERENCES debtors (id),
    actor_kind   TEXT   NOT NULL CHECK (actor_kind IN ('user', 'token', 'cli', 'system')),
    actor_id     BIGINT,
    channel      TEXT   NOT NULL CHECK (channel IN ('web', 'api')),
    accessed_at  BIGINT NOT NULL
);
CREATE INDEX debtor_access_debtor ON debtor_access (org_id, debtor_id, id);
CREATE TRIGGER debtor_access_no_update BEFORE UPDATE ON debtor_access
BEGIN SELECT RAISE(ABORT, 'debtor_access is append-only'); END;
CREATE TRIGGER debtor_access_no_delete BEFORE DELETE ON debtor_access
BEGIN SELECT RAISE(ABORT, 'debtor_access is append-only'); END;
