-- The recruiting loop: console users and their ATS identities, links of
-- requisitions to interview agents, invites (one per link and application),
-- the writeback outbox and each candidate's timeline.

CREATE TABLE console_users (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    email       TEXT,
    created_at  TEXT NOT NULL
);

CREATE TABLE user_mappings (
    connection_id    TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    console_user_id  TEXT NOT NULL REFERENCES console_users(id) ON DELETE CASCADE,
    ats_user_id      TEXT NOT NULL,
    PRIMARY KEY (connection_id, console_user_id)
) WITHOUT ROWID;

CREATE TABLE links (
    id             INTEGER PRIMARY KEY,
    connection_id  TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    job_id         TEXT NOT NULL,
    posting_id     TEXT NOT NULL,
    -- The agent's title when linked, so the link reads well offline.
    posting_title  TEXT,
    -- LinkSettings as JSON: stage ids and writeback toggles.
    settings       TEXT NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    unlinked_at    TEXT
);
-- One agent per requisition: at most one active link per job.
CREATE UNIQUE INDEX links_one_active_per_job ON links (connection_id, job_id) WHERE active = 1;
CREATE INDEX links_by_posting ON links (posting_id);

CREATE TABLE invites (
    id               INTEGER PRIMARY KEY,
    link_id          INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE,
    connection_id    TEXT NOT NULL,
    application_id   TEXT NOT NULL,
    candidate_id     TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN
                       ('queued', 'sending', 'sent', 'unconfirmed', 'failed', 'skipped')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  REAL,
    last_error       TEXT,
    interview_id     TEXT,
    interview_url    TEXT,
    -- Name and e-mail as sent, to match the platform's events when the
    -- answer to the send was lost.
    email            TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    -- Exactly once per link and application, whatever repeats upstream.
    UNIQUE (link_id, application_id)
);
CREATE INDEX invites_by_interview ON invites (interview_id);
CREATE INDEX invites_due ON invites (state, next_attempt_at);

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    invite_id        INTEGER NOT NULL REFERENCES invites(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('note', 'attachment', 'stage_move')),
    state            TEXT NOT NULL CHECK (state IN ('pending', 'done', 'dead', 'discarded')),
    -- What to write (the stage to move to, ...), fixed when queued.
    payload          TEXT NOT NULL DEFAULT '{}',
    attempts         INTEGER NOT NULL DEFAULT 0,
    -- An attempt may have reached the ATS: check before writing again.
    uncertain        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  REAL NOT NULL,
    last_error       TEXT,
    written_id       TEXT,
    created_at       TEXT NOT NULL,
    done_at          TEXT,
    -- Never the same note, file or move twice for one interview.
    UNIQUE (invite_id, kind)
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

CREATE TABLE pipeline_events (
    id          INTEGER PRIMARY KEY,
    invite_id   INTEGER REFERENCES invites(id) ON DELETE CASCADE,
    link_id     INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE,
    application_id TEXT NOT NULL,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    message     TEXT NOT NULL,
    error       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX pipeline_events_by_application ON pipeline_events (link_id, application_id);

-- Interview candidates exported into an ATS ("Exported to <ATS>").
CREATE TABLE exports (
    connection_id     TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    interview_id      TEXT NOT NULL,
    ats_candidate_id  TEXT NOT NULL,
    kind              TEXT NOT NULL,
    exported_at       TEXT NOT NULL,
    PRIMARY KEY (connection_id, interview_id)
) WITHOUT ROWID;
CREATE INDEX exports_by_interview ON exports (interview_id);
