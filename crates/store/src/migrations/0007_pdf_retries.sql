-- A PDF download that failed for a reason that may pass (network down,
-- timeout, 5xx, 429) is tried again later instead of being given up on the
-- first failure. `pdf_error` keeps the last reason either way.
ALTER TABLE reports ADD COLUMN pdf_attempts INTEGER NOT NULL DEFAULT 0;
-- When to try again (RFC 3339); NULL once the download succeeded or was
-- given up for good.
ALTER TABLE reports ADD COLUMN pdf_retry_at TEXT;
