-- An aging at a past data-base counts, as still owed then, a receivable
-- cancelled or written off by hand after that date (quita-store
-- `AgingScope::closed_since`). With the closing instant in the covering
-- index, that report still reads only the index.
DROP INDEX receivables_aging;
CREATE INDEX receivables_aging ON receivables (org_id, status, creditor_id, due_day, adjusted_due_day, original_amount, open_balance, issue_day, closed_at);
