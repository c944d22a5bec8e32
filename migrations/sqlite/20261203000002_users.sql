-- Users, teams, roles, sessions and settings. Append-only.

CREATE TABLE teams (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX teams_name_key ON teams (lower(name));

ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'rep'
    CONSTRAINT users_role_check CHECK (role IN ('rep', 'manager', 'admin'));
ALTER TABLE users ADD COLUMN team_id INTEGER REFERENCES teams (id);
ALTER TABLE users ADD COLUMN password_hash TEXT;
CREATE INDEX users_team_idx ON users (team_id);

-- The built-in owner of leads made before sign-in existed: it cannot sign
-- in (no password) and stays only so that those leads keep an owner.
UPDATE users SET active = FALSE WHERE id = 1 AND password_hash IS NULL;

-- A session is known by the SHA-256 of its cookie token, never the token.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expiry_idx ON sessions (expires_at);

-- Failed sign-ins, for rate limiting per account and per address.
CREATE TABLE sign_in_failures (
    scope      TEXT NOT NULL CHECK (scope IN ('account', 'address')),
    subject    TEXT NOT NULL,
    failed_at  INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_idx ON sign_in_failures (scope, subject, failed_at);
CREATE INDEX sign_in_failures_time_idx ON sign_in_failures (failed_at);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('leads_enabled', 'true');
