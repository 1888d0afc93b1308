-- When reconciliation last asked the platform about an interview, so each
-- pass asks about those it has not looked at for the longest time instead
-- of the same oldest ones again and again (an invite nobody ever takes stays
-- unfinished forever).
CREATE TABLE reconcile_checks (
    interview_id  TEXT PRIMARY KEY,
    checked_at    TEXT NOT NULL
) WITHOUT ROWID;
