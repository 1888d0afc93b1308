-- Workspaces group the connections a recruiter works with; the sandbox is one.
CREATE TABLE workspaces (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('sandbox', 'real')),
    created_at  TEXT NOT NULL
);

-- No secrets here: keys and tokens live in the OS keychain.
CREATE TABLE connections (
    id             TEXT PRIMARY KEY,
    workspace_id   TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    provider       TEXT NOT NULL,
    label          TEXT NOT NULL,
    auth_style     TEXT NOT NULL,
    base_url       TEXT NOT NULL,
    state          TEXT NOT NULL,
    state_detail   TEXT,
    sandbox        INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    last_sync_at   TEXT
);

CREATE TABLE jobs (
    connection_id   TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    id              TEXT NOT NULL,
    name            TEXT NOT NULL,
    requisition_id  TEXT,
    status          TEXT NOT NULL,
    confidential    INTEGER NOT NULL DEFAULT 0,
    departments     TEXT NOT NULL DEFAULT '[]',
    offices         TEXT NOT NULL DEFAULT '[]',
    opened_at       TEXT,
    closed_at       TEXT,
    updated_at      TEXT,
    PRIMARY KEY (connection_id, id)
) WITHOUT ROWID;

CREATE TABLE job_stages (
    connection_id  TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    id             TEXT NOT NULL,
    job_id         TEXT NOT NULL,
    name           TEXT NOT NULL,
    priority       INTEGER NOT NULL DEFAULT 0,
    active         INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (connection_id, id)
) WITHOUT ROWID;
CREATE INDEX job_stages_by_job ON job_stages (connection_id, job_id);

CREATE TABLE ats_users (
    connection_id  TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    id             TEXT NOT NULL,
    name           TEXT NOT NULL,
    email          TEXT,
    disabled       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (connection_id, id)
) WITHOUT ROWID;

CREATE TABLE candidates (
    connection_id  TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    id             TEXT NOT NULL,
    first_name     TEXT NOT NULL,
    last_name      TEXT NOT NULL,
    email          TEXT,
    company        TEXT,
    title          TEXT,
    updated_at     TEXT,
    PRIMARY KEY (connection_id, id)
) WITHOUT ROWID;
CREATE INDEX candidates_by_updated ON candidates (connection_id, updated_at);

CREATE TABLE applications (
    connection_id     TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    id                TEXT NOT NULL,
    candidate_id      TEXT NOT NULL,
    job_id            TEXT,
    status            TEXT NOT NULL,
    prospect          INTEGER NOT NULL DEFAULT 0,
    stage_id          TEXT,
    stage_name        TEXT,
    applied_at        TEXT,
    last_activity_at  TEXT,
    PRIMARY KEY (connection_id, id)
) WITHOUT ROWID;
CREATE INDEX applications_by_candidate ON applications (connection_id, candidate_id);
CREATE INDEX applications_by_job ON applications (connection_id, job_id);

-- Where each resource's incremental sync resumes (max updated_at seen).
CREATE TABLE sync_cursors (
    connection_id  TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    resource       TEXT NOT NULL,
    cursor         TEXT NOT NULL,
    PRIMARY KEY (connection_id, resource)
) WITHOUT ROWID;

CREATE TABLE activity (
    id             INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    level          TEXT NOT NULL CHECK (level IN ('info', 'warn', 'error')),
    kind           TEXT NOT NULL,
    message        TEXT NOT NULL,
    connection_id  TEXT
);
