-- What SQLite alone needs to store a portfolio the size of the 1,000,000-row
-- benchmark (333,333 debtors, 1,000,000 contacts, 333,333 contracts,
-- 1,000,000 receivables) with Quita's schema: rows generated inside SQLite
-- (no parsing, no binding, no foreign-key checks), the non-unique indexes
-- built after the inserts as the importer does. A floor for
-- `quita bench import`; see docs/performance.md. From the repository root:
--   rm -f /tmp/floor.db*; sqlite3 /tmp/floor.db < docs/bench/sqlite-floor.sql
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -32768;
CREATE TABLE organizations (id INTEGER PRIMARY KEY);
INSERT INTO organizations VALUES (1);
.read migrations/sqlite/0002_portfolio.sql
.read migrations/sqlite/0004_contracts_with_terms.sql
.read migrations/sqlite/0005_drop_redundant_document_index.sql
.read migrations/sqlite/0007_receivable_closing.sql
INSERT INTO creditors VALUES (1, 1, 'Loja', '11222333000181', 0, 0, 'simple', 'none', 0, 0, 0, 0, 0, 0);
DROP INDEX debtors_name_key; DROP INDEX contacts_value; DROP INDEX contracts_debtor;
DROP INDEX contracts_with_terms; DROP INDEX receivables_aging; DROP INDEX receivables_due;
DROP INDEX receivables_debtor; DROP INDEX receivables_document;
.timer on
BEGIN;
INSERT INTO debtors (id, org_id, document, kind, name, name_key, created_at, updated_at)
  SELECT value, 1, printf('%011d', value * 7919 % 100000000000), 'pf', 'Nome Sobrenome ' || value,
         'nome sobrenome ' || value, 0, 0 FROM generate_series(1, 333333);
INSERT INTO contacts (org_id, debtor_id, kind, value, whatsapp, source, source_date, status, created_at, updated_at)
  SELECT 1, value / 3 + 1, CASE value % 3 WHEN 2 THEN 'email' ELSE 'phone' END,
         CASE value % 3 WHEN 2 THEN 'nome' || value || '@exemplo.com.br'
              ELSE printf('+55119%08d', value * 7919 % 100000000) END, value % 3 < 2, 'importação', 0, 'unverified', 0, 0
  FROM generate_series(0, 999998);
INSERT INTO contracts (id, org_id, creditor_id, debtor_id, number, kind, created_at, updated_at)
  SELECT value, 1, 1, value, printf('CT%08d', value), 'installment_plan', 0, 0 FROM generate_series(1, 333333);
INSERT INTO receivables (org_id, creditor_id, debtor_id, contract_id, document_number, installment, installments,
                         issue_day, due_day, adjusted_due_day, original_amount, open_balance, status, created_at, updated_at)
  SELECT 1, 1, value / 3 + 1, value / 3 + 1, printf('NF%09d', value / 3), value % 3 + 1, 3, 20000 + value % 700,
         20100 + value % 700, 20100 + value % 700, 10000 + value, 10000 + value, 'open', 0, 0
  FROM generate_series(0, 999998);
CREATE INDEX debtors_name_key ON debtors (org_id, name_key);
CREATE INDEX contacts_value ON contacts (org_id, value);
CREATE INDEX contracts_debtor ON contracts (debtor_id);
CREATE INDEX contracts_with_terms ON contracts (org_id) WHERE terms IS NOT NULL;
CREATE INDEX receivables_aging ON receivables (org_id, status, creditor_id, due_day, adjusted_due_day, original_amount, open_balance, issue_day, closed_at);
CREATE INDEX receivables_due ON receivables (org_id, adjusted_due_day);
CREATE INDEX receivables_debtor ON receivables (debtor_id);
CREATE INDEX receivables_document ON receivables (org_id, document_number);
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
