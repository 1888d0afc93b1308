-- What a connection needs besides its secrets (those stay in the keychain):
-- how it authenticates, who it acts as, when its access token expires, and
-- non-secret parameters such as a Workday tenant or an OAuth client id.
ALTER TABLE connections ADD COLUMN auth_kind TEXT;
ALTER TABLE connections ADD COLUMN identity TEXT;
ALTER TABLE connections ADD COLUMN token_expires_at INTEGER;
ALTER TABLE connections ADD COLUMN params TEXT NOT NULL DEFAULT '{}';

-- A sync run in progress: the page to fetch next for each resource, written
-- in the same transaction as the page before it, so a crash or quit resumes
-- at the last completed page.
CREATE TABLE sync_progress (
    connection_id  TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    resource       TEXT NOT NULL,
    since          TEXT,
    next           TEXT NOT NULL,
    newest         TEXT,
    done           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (connection_id, resource)
) WITHOUT ROWID;

-- Jobs whose stages must be (re)fetched: queued with the job page that
-- changed them, removed when their stages are stored.
CREATE TABLE stage_refresh (
    connection_id  TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    job_id         TEXT NOT NULL,
    PRIMARY KEY (connection_id, job_id)
) WITHOUT ROWID;

-- Lever's stages are shared by every posting, so a stage id is unique only
-- within its job here: key the table by job too.
CREATE TABLE job_stages_v2 (
    connection_id  TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    job_id         TEXT NOT NULL,
    id             TEXT NOT NULL,
    name           TEXT NOT NULL,
    priority       INTEGER NOT NULL DEFAULT 0,
    active         INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (connection_id, job_id, id)
) WITHOUT ROWID;
INSERT INTO job_stages_v2 (connection_id, job_id, id, name, priority, active)
    SELECT connection_id, job_id, id, name, priority, active FROM job_stages;
DROP TABLE job_stages;
ALTER TABLE job_stages_v2 RENAME TO job_stages;
