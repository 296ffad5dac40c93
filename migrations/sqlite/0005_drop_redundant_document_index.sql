-- debtors_document_prefix repeated the unique key (org_id, document) on
-- SQLite, where prefix search is a range on that key: one index less to
-- write on every debtor and to rebuild after a bulk import. (PostgreSQL keeps
-- its text_pattern_ops index: LIKE 'prefix%' needs it there.)
DROP INDEX IF EXISTS debtors_document_prefix;
