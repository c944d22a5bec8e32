-- Accounts, contacts and opportunities (what qualifying a lead creates),
-- and the lead's change history. Append-only.

CREATE TABLE accounts (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 255),
    owner_id    INTEGER REFERENCES users (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
-- One account per name, whatever the case or surrounding spaces.
CREATE UNIQUE INDEX accounts_name_key ON accounts (lower(trim(name)));
CREATE INDEX accounts_owner_idx ON accounts (owner_id);

CREATE TABLE contacts (
    id              INTEGER PRIMARY KEY,
    name_prefix     TEXT,
    first_name      TEXT,
    middle_name     TEXT,
    last_name       TEXT,
    name_suffix     TEXT,
    job_title       TEXT,
    account_id      INTEGER REFERENCES accounts (id),
    owner_id        INTEGER REFERENCES users (id),
    source_lead_id  INTEGER REFERENCES leads (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX contacts_account_idx ON contacts (account_id);
CREATE INDEX contacts_owner_idx ON contacts (owner_id);

CREATE TABLE contact_emails (
    id          INTEGER PRIMARY KEY,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    email       TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    is_primary  BOOLEAN NOT NULL
);
CREATE UNIQUE INDEX contact_emails_unique_key ON contact_emails (contact_id, lower(email));
CREATE UNIQUE INDEX contact_emails_primary_key ON contact_emails (contact_id) WHERE is_primary;
CREATE INDEX contact_emails_email_idx ON contact_emails (lower(email));

CREATE TABLE contact_phones (
    id          INTEGER PRIMARY KEY,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    phone       TEXT NOT NULL CHECK (length(phone) BETWEEN 1 AND 50),
    phone_key   TEXT NOT NULL,
    is_primary  BOOLEAN NOT NULL
);
CREATE UNIQUE INDEX contact_phones_unique_key ON contact_phones (contact_id, phone_key);
CREATE UNIQUE INDEX contact_phones_primary_key ON contact_phones (contact_id) WHERE is_primary;
CREATE INDEX contact_phones_key_idx ON contact_phones (phone_key);

CREATE TABLE contact_addresses (
    id           INTEGER PRIMARY KEY,
    contact_id   INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    label        TEXT,
    street       TEXT,
    street2      TEXT,
    city         TEXT,
    postal_code  TEXT,
    region       TEXT,
    country      TEXT NOT NULL CHECK (length(country) = 2),
    is_primary   BOOLEAN NOT NULL
);
CREATE INDEX contact_addresses_contact_idx ON contact_addresses (contact_id);
CREATE UNIQUE INDEX contact_addresses_primary_key ON contact_addresses (contact_id) WHERE is_primary;

CREATE TABLE opportunities (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 255),
    account_id           INTEGER NOT NULL REFERENCES accounts (id),
    contact_id           INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    lead_id              INTEGER REFERENCES leads (id) ON DELETE SET NULL,
    owner_id             INTEGER REFERENCES users (id),
    status               TEXT NOT NULL DEFAULT 'in_progress',
    probability          INTEGER CHECK (probability BETWEEN 0 AND 100),
    budget_cents         INTEGER CHECK (budget_cents >= 0),
    expected_close_date  TEXT,
    customer_need        TEXT,
    proposed_solution    TEXT,
    notes                TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT opportunities_status_check CHECK (status IN ('in_progress', 'identification_alignment',
        'needs_analysis', 'solution_development', 'negotiation', 'won', 'lost'))
);
-- A lead becomes at most one opportunity: two people qualifying it at
-- once cannot both succeed.
CREATE UNIQUE INDEX opportunities_lead_key ON opportunities (lead_id);
CREATE INDEX opportunities_account_idx ON opportunities (account_id);
CREATE INDEX opportunities_owner_idx ON opportunities (owner_id);

ALTER TABLE leads ADD COLUMN account_id INTEGER REFERENCES accounts (id);
ALTER TABLE leads ADD COLUMN contact_id INTEGER REFERENCES contacts (id);

-- Every change to a lead: who, when, which field, from what, to what.
CREATE TABLE lead_history (
    id         INTEGER PRIMARY KEY,
    lead_id    INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    user_id    INTEGER REFERENCES users (id),
    changed_at TEXT NOT NULL,
    field      TEXT NOT NULL,
    old_value  TEXT,
    new_value  TEXT
);
CREATE INDEX lead_history_lead_idx ON lead_history (lead_id, changed_at);
