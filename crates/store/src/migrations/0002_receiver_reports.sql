-- Webhook endpoints: each subscription gets an unguessable path token.
-- A delivery to an unknown or revoked token is answered 404 and not stored.
CREATE TABLE hook_endpoints (
    token          TEXT PRIMARY KEY,
    source         TEXT NOT NULL CHECK (source IN ('platform', 'greenhouse', 'lever')),
    connection_id  TEXT REFERENCES connections(id) ON DELETE CASCADE,
    posting_id     TEXT,
    event_type     TEXT,
    webhook_id     TEXT,
    created_at     TEXT NOT NULL,
    revoked_at     TEXT
);
CREATE INDEX hook_endpoints_by_posting ON hook_endpoints (posting_id, event_type);

-- The inbox: every accepted delivery, raw, written before the 200 goes out.
-- Processing happens afterwards from here; `failed` rows are the dead letters.
CREATE TABLE deliveries (
    id            INTEGER PRIMARY KEY,
    received_at   TEXT NOT NULL,
    source        TEXT NOT NULL,
    token         TEXT,
    event_type    TEXT NOT NULL,
    method        TEXT NOT NULL,
    dedupe_key    TEXT NOT NULL,
    interview_id  TEXT,
    body          BLOB NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'processed', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    error         TEXT,
    processed_at  TEXT
);
CREATE UNIQUE INDEX deliveries_dedupe ON deliveries (source, dedupe_key);
CREATE INDEX deliveries_by_token ON deliveries (token, received_at);
CREATE INDEX deliveries_pending ON deliveries (id) WHERE status = 'pending';

-- Deliveries refused for bad JSON or schema violations, for diagnostics.
CREATE TABLE rejected_deliveries (
    id            INTEGER PRIMARY KEY,
    received_at   TEXT NOT NULL,
    source        TEXT NOT NULL,
    token         TEXT,
    event_type    TEXT,
    reason        TEXT NOT NULL,
    size          INTEGER NOT NULL,
    body_excerpt  TEXT NOT NULL
);

CREATE INDEX rejected_by_token ON rejected_deliveries (token, received_at);

-- Interview lifecycle as seen through events; `stage` only moves forward
-- so an out-of-order `interview_started` cannot undo a report.
CREATE TABLE interviews (
    interview_id     TEXT PRIMARY KEY,
    posting_id       TEXT NOT NULL,
    candidate_id     TEXT,
    candidate_name   TEXT,
    candidate_email  TEXT,
    stage            INTEGER NOT NULL DEFAULT 0,
    started_at       REAL,
    completed_at     REAL,
    report_at        REAL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX interviews_by_posting ON interviews (posting_id);

CREATE TABLE reports (
    interview_id     TEXT PRIMARY KEY,
    posting_id       TEXT NOT NULL,
    posting_title    TEXT,
    candidate_id     TEXT,
    candidate_name   TEXT,
    candidate_email  TEXT,
    match_score      REAL,
    status           TEXT,
    interviewed_at   REAL,
    report_at        REAL NOT NULL,
    report_url       TEXT,
    pdf_path         TEXT,
    pdf_error        TEXT,
    raw_json         TEXT NOT NULL,
    stored_at        TEXT NOT NULL
);
CREATE INDEX reports_by_posting ON reports (posting_id, match_score);
CREATE INDEX reports_by_time ON reports (report_at);

-- Full-text index over what a recruiter searches in reports.
CREATE VIRTUAL TABLE report_fts USING fts5(
    interview_id UNINDEXED,
    candidate,
    highlights,
    lowlights,
    evaluations,
    transcript,
    tokenize = 'porter unicode61'
);
