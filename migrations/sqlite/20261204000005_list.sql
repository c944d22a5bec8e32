-- The lead list: searchable text and its index, saved views, per-user
-- settings, and notes on a lead's timeline. Append-only.

-- Written by the app with every lead (see `leads::search`): the name,
-- person, company and emails lower-cased, and the phones' digits. Rows
-- older than this migration are filled in by the app at start-up.
ALTER TABLE leads ADD COLUMN search_text TEXT;
ALTER TABLE leads ADD COLUMN phone_text TEXT;

-- A trigram index over both, for substring search (GLOB '*word*'): case
-- sensitive, because the text is already lower-cased by the app.
CREATE VIRTUAL TABLE lead_search USING fts5(
    search_text, phone_text,
    content = 'leads', content_rowid = 'id',
    tokenize = 'trigram case_sensitive 1'
);
CREATE TRIGGER lead_search_insert AFTER INSERT ON leads BEGIN
    INSERT INTO lead_search (rowid, search_text, phone_text)
    SELECT new.id, new.search_text, new.phone_text WHERE new.search_text IS NOT NULL;
END;
CREATE TRIGGER lead_search_delete AFTER DELETE ON leads BEGIN
    INSERT INTO lead_search (lead_search, rowid, search_text, phone_text)
    SELECT 'delete', old.id, old.search_text, old.phone_text WHERE old.search_text IS NOT NULL;
END;
CREATE TRIGGER lead_search_update AFTER UPDATE OF search_text, phone_text ON leads BEGIN
    INSERT INTO lead_search (lead_search, rowid, search_text, phone_text)
    SELECT 'delete', old.id, old.search_text, old.phone_text WHERE old.search_text IS NOT NULL;
    INSERT INTO lead_search (rowid, search_text, phone_text)
    SELECT new.id, new.search_text, new.phone_text WHERE new.search_text IS NOT NULL;
END;

-- Keyset paging when the list is sorted by another column than Created.
CREATE INDEX leads_first_name_idx ON leads (first_name COLLATE NOCASE, id);
CREATE INDEX leads_last_name_idx ON leads (last_name COLLATE NOCASE, id);
CREATE INDEX leads_status_sort_idx ON leads ((CASE status WHEN 'new' THEN 0 WHEN 'qualified' THEN 1 ELSE 2 END), id);

-- A user's saved views of the list: the list's URL parameters (filters,
-- sort, columns) under a name; at most one is their default.
CREATE TABLE lead_views (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 80),
    query       TEXT NOT NULL CHECK (length(query) <= 4000),
    is_default  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX lead_views_name_key ON lead_views (user_id, lower(trim(name)));
CREATE UNIQUE INDEX lead_views_default_key ON lead_views (user_id) WHERE is_default;

-- Small per-user preferences (the list's visible columns …).
CREATE TABLE user_settings (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL CHECK (length(value) <= 4000),
    PRIMARY KEY (user_id, key)
);

-- Notes on a lead's activity timeline.
CREATE TABLE lead_notes (
    id          INTEGER PRIMARY KEY,
    lead_id     INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    user_id     INTEGER REFERENCES users (id),
    body        TEXT NOT NULL CHECK (length(trim(body)) BETWEEN 1 AND 10000),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX lead_notes_lead_idx ON lead_notes (lead_id, created_at);
