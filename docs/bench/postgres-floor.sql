-- What PostgreSQL alone needs to store a portfolio the size of the
-- 1,000,000-row benchmark (333,333 debtors, 1,000,000 contacts, 333,333
-- contracts, 1,000,000 receivables) with Quita's schema: rows generated
-- inside the server (no parsing, no COPY, no checks by the importer), with
-- what the importer's bulk mode does around them: the non-unique indexes and
-- the keys between portfolio tables dropped and built again, the per-row key
-- triggers off, statistics refreshed, all in one transaction. A floor for
-- `quita bench import --database postgres://…`; see docs/performance.md.
-- From the repository root, on an empty database:
--   psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE IF EXISTS quita_floor' -c 'CREATE DATABASE quita_floor'
--   for f in migrations/postgres/*.sql; do psql -h 127.0.0.1 -U postgres -d quita_floor -q -f $f; done
--   time psql -h 127.0.0.1 -U postgres -d quita_floor -f docs/bench/postgres-floor.sql
\set ON_ERROR_STOP on
INSERT INTO organizations (id, slug, name, mode, created_at, updated_at) VALUES (1, 'o', 'O', 'company', 0, 0);
INSERT INTO creditors VALUES (1, 1, 'Loja', '11222333000181', 0, 0, 'simple', 'none', 0, 0, false, 0, 0, 0);
\timing on
BEGIN;
SET LOCAL maintenance_work_mem = '256MB';
DROP INDEX debtors_name_key, debtors_document_prefix, debtors_name_words, contacts_value, contracts_debtor,
  contracts_with_terms, receivables_aging, receivables_due, receivables_debtor, receivables_document_lower;
ALTER TABLE contacts DROP CONSTRAINT contacts_debtor_id_fkey;
ALTER TABLE contracts DROP CONSTRAINT contracts_debtor_id_fkey;
ALTER TABLE receivables DROP CONSTRAINT receivables_debtor_id_fkey;
ALTER TABLE receivables DROP CONSTRAINT receivables_contract_id_fkey;
SET LOCAL session_replication_role = replica;
INSERT INTO debtors (id, org_id, document, kind, name, name_key, created_at, updated_at)
  SELECT g, 1, lpad((g::bigint * 7919 % 100000000000)::text, 11, '0'), 'pf', 'Nome Sobrenome ' || g,
         'nome sobrenome ' || g, 0, 0 FROM generate_series(1, 333333) g;
INSERT INTO contacts (org_id, debtor_id, kind, value, whatsapp, source, source_date, status, created_at, updated_at)
  SELECT 1, g / 3 + 1, CASE g % 3 WHEN 2 THEN 'email' ELSE 'phone' END,
         CASE g % 3 WHEN 2 THEN 'nome' || g || '@exemplo.com.br'
              ELSE '+55119' || lpad((g::bigint * 7919 % 100000000)::text, 8, '0') END, g % 3 < 2, 'importação', 0, 'unverified', 0, 0
  FROM generate_series(0, 999998) g;
INSERT INTO contracts (id, org_id, creditor_id, debtor_id, number, kind, created_at, updated_at)
  SELECT g, 1, 1, g, 'CT' || lpad(g::text, 8, '0'), 'installment_plan', 0, 0 FROM generate_series(1, 333333) g;
INSERT INTO receivables (org_id, creditor_id, debtor_id, contract_id, document_number, installment, installments,
                         issue_day, due_day, adjusted_due_day, original_amount, open_balance, status, created_at, updated_at)
  SELECT 1, 1, g / 3 + 1, g / 3 + 1, 'NF' || lpad((g / 3)::text, 9, '0'), g % 3 + 1, 3, 20000 + g % 700,
         20100 + g % 700, 20100 + g % 700, 10000 + g, 10000 + g, 'open', 0, 0
  FROM generate_series(0, 999998) g;
SET LOCAL session_replication_role = origin;
CREATE INDEX debtors_name_key ON debtors (org_id, name_key, id);
CREATE INDEX debtors_document_prefix ON debtors (org_id, document text_pattern_ops);
CREATE INDEX debtors_name_words ON debtors USING gin (to_tsvector('simple'::regconfig, name_key));
CREATE INDEX contacts_value ON contacts (org_id, value text_pattern_ops);
CREATE INDEX contracts_debtor ON contracts (debtor_id);
CREATE INDEX contracts_with_terms ON contracts (org_id) WHERE terms IS NOT NULL;
CREATE INDEX receivables_aging ON receivables (org_id, status, creditor_id, due_day, adjusted_due_day, original_amount, open_balance, issue_day, closed_at);
CREATE INDEX receivables_due ON receivables (org_id, adjusted_due_day);
CREATE INDEX receivables_debtor ON receivables (debtor_id);
CREATE INDEX receivables_document_lower ON receivables (org_id, lower(document_number COLLATE "C") text_pattern_ops);
ALTER TABLE contacts ADD CONSTRAINT contacts_debtor_id_fkey FOREIGN KEY (debtor_id) REFERENCES debtors (id);
ALTER TABLE contracts ADD CONSTRAINT contracts_debtor_id_fkey FOREIGN KEY (debtor_id) REFERENCES debtors (id);
ALTER TABLE receivables ADD CONSTRAINT receivables_debtor_id_fkey FOREIGN KEY (debtor_id) REFERENCES debtors (id);
ALTER TABLE receivables ADD CONSTRAINT receivables_contract_id_fkey FOREIGN KEY (contract_id) REFERENCES contracts (id);
ANALYZE debtors, contacts, contracts, receivables;
COMMIT;
