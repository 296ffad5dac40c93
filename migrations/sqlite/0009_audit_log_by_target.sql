-- A debtor's timeline reads the audit entries of the debtor, its contacts,
-- contracts and receivables (quita-store `audit::for_targets`).
CREATE INDEX audit_log_target ON audit_log (org_id, target, id);
