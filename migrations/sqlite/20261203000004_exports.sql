-- Lead exports: who exported what and how many rows (the audit trail of
-- data leaving the system), and indexes that size the numbered columns of
-- an export (Emails 1 Email, Emails 2 Email …) without scanning. Append-only.

CREATE TABLE lead_exports (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER REFERENCES users (id),
    via          TEXT NOT NULL CHECK (via IN ('web', 'cli')),
    kind         TEXT NOT NULL CHECK (kind IN ('view', 'all')),
    filter       TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    row_count    INTEGER NOT NULL DEFAULT 0,
    outcome      TEXT NOT NULL DEFAULT 'running'
                 CHECK (outcome IN ('running', 'complete', 'cancelled', 'failed'))
);
CREATE INDEX lead_exports_started_idx ON lead_exports (started_at);

CREATE INDEX lead_emails_position_idx ON lead_emails (position);
CREATE INDEX lead_phones_position_idx ON lead_phones (position);
CREATE INDEX lead_addresses_position_idx ON lead_addresses (position);
