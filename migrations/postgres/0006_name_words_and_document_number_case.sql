-- Debtor search by any word of the name ("teixeira" finds "Adriana Ana
-- Teixeira"): a GIN index of the name key's words, prefix-searchable
-- ('teix':*). The 'simple' configuration only splits and lower-cases (the
-- key is already lower-case and accent-free); the search tests each match
-- itself, this only finds candidates (quita-store
-- portfolio::debtors::find_names). A bulk import rebuilds it with the
-- other portfolio indexes (about 1.3 s for 333,240 debtors).
CREATE INDEX debtors_name_words ON debtors USING gin (to_tsvector('simple'::regconfig, name_key));

-- Document numbers are stored as given ("NF00000004") and searched by
-- prefix ignoring ASCII case ("nf0000"): the index holds the number
-- lower-cased under collation "C", which folds ASCII only, as SQLite's
-- lower() does, and replaces the plain one, which served nothing else.
DROP INDEX receivables_document;
CREATE INDEX receivables_document_lower ON receivables (org_id, lower(document_number COLLATE "C") text_pattern_ops);
