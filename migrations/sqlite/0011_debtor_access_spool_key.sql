-- An access recorded first in the access spool (a file beside the SQLite
-- database, while an import held the write lock) carries the spool's key,
-- so moving it into the log twice (a crash between the commit and the
-- spool's truncation) records it once.
ALTER TABLE debtor_access ADD COLUMN spool_key TEXT;
CREATE UNIQUE INDEX debtor_access_spool_key ON debtor_access (spool_key) WHERE spool_key IS NOT NULL;
