-- A receivable closed by hand (cancelled or written off): why, and when
-- (milliseconds since the epoch, as the other *_at columns). NULL for every
-- other receivable, including those an import settled.
ALTER TABLE receivables ADD COLUMN closed_reason TEXT;
ALTER TABLE receivables ADD COLUMN closed_at BIGINT;
