-- Debtor search by any word of the name ("teixeira" finds "Adriana Ana
-- Teixeira"): an FTS5 index of the name key's words, kept by triggers. It
-- holds no copy of the names (external content: the debtors table) and no
-- positions (detail=none: only prefix and AND queries are asked), so an
-- import of 333,240 debtors writes it in about 0.4 s. The search tests each
-- match itself; this only finds candidates (quita-store
-- portfolio::debtors::find_names).
CREATE VIRTUAL TABLE debtor_name_words USING fts5(
    name_key,
    content = 'debtors',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0',
    detail = none,
    columnsize = 0
);
INSERT INTO debtor_name_words (debtor_name_words) VALUES ('rebuild');

CREATE TRIGGER debtors_name_words_insert AFTER INSERT ON debtors BEGIN
    INSERT INTO debtor_name_words (rowid, name_key) VALUES (new.id, new.name_key);
END;
CREATE TRIGGER debtors_name_words_delete AFTER DELETE ON debtors BEGIN
    INSERT INTO debtor_name_words (debtor_name_words, rowid, name_key) VALUES ('delete', old.id, old.name_key);
END;
CREATE TRIGGER debtors_name_words_update AFTER UPDATE OF id, name_key ON debtors BEGIN
    INSERT INTO debtor_name_words (debtor_name_words, rowid, name_key) VALUES ('delete', old.id, old.name_key);
    INSERT INTO debtor_name_words (rowid, name_key) VALUES (new.id, new.name_key);
END;

-- Document numbers are stored as given ("NF00000004") and searched by
-- prefix ignoring ASCII case ("nf0000"): the index holds the lower-cased
-- number (lower() folds ASCII only), and replaces the plain one, which
-- served nothing else.
DROP INDEX receivables_document;
CREATE INDEX receivables_document_lower ON receivables (org_id, lower(document_number));
