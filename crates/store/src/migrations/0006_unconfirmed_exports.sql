-- Exports whose create went out but whose answer was lost (timeout, dropped
-- connection, 5xx, unreadable success body): the ATS may hold the person
-- now. The next export of the interview to the connection looks them up by
-- `email` before creating anything. A row goes away once the interview is
-- recorded in `exports`.
CREATE TABLE unconfirmed_exports (
    connection_id  TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    interview_id   TEXT NOT NULL,
    -- What the lost create was making (candidate, prospect, ...).
    kind           TEXT NOT NULL,
    -- The e-mail address the create carried; NULL when it had none.
    email          TEXT,
    -- When the answer was found to be lost (RFC 3339, desktop clock).
    attempted_at   TEXT NOT NULL,
    -- What went wrong, for the log and the message.
    detail         TEXT NOT NULL,
    PRIMARY KEY (connection_id, interview_id)
) WITHOUT ROWID;
