-- Leadline schema, SQLite flavour. Append-only: never edit an applied migration.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    email         TEXT,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

-- Until sign-in exists, this built-in user owns every new lead.
INSERT INTO users (id, username, display_name, created_at)
VALUES (1, 'leadline', 'Default user', '2026-01-01T00:00:00+00:00');

CREATE TABLE lead_sources (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    position  INTEGER NOT NULL DEFAULT 0,
    retired   BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX lead_sources_name_key ON lead_sources (lower(name));
INSERT INTO lead_sources (id, name, position) VALUES
    (1, 'Demand Generation', 1), (2, 'Website', 2), (3, 'Direct Mail', 3),
    (4, 'Affiliate', 4), (5, 'Email Marketing', 5), (6, 'Outbound', 6), (7, 'Partner', 7);

CREATE TABLE leads (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'new',
    name_prefix         TEXT,
    first_name          TEXT,
    middle_name         TEXT,
    last_name           TEXT,
    name_suffix         TEXT,
    job_title           TEXT,
    company_name        TEXT,
    website             TEXT,
    number_of_employees INTEGER,
    industry            TEXT,
    source_id           INTEGER REFERENCES lead_sources (id),
    notes               TEXT,
    twitter             TEXT,
    linkedin            TEXT,
    owner_id            INTEGER REFERENCES users (id),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT leads_name_check CHECK (length(trim(name)) BETWEEN 1 AND 255),
    CONSTRAINT leads_status_check CHECK (status IN ('new', 'qualified', 'canceled')),
    CONSTRAINT leads_number_of_employees_check CHECK (number_of_employees >= 0)
);
CREATE INDEX leads_created_idx ON leads (created_at, id);
CREATE INDEX leads_updated_idx ON leads (updated_at, id);
CREATE INDEX leads_status_idx ON leads (status, created_at);
CREATE INDEX leads_owner_idx ON leads (owner_id, created_at);
CREATE INDEX leads_source_idx ON leads (source_id);
CREATE INDEX leads_name_idx ON leads (name COLLATE NOCASE);
CREATE INDEX leads_company_idx ON leads (company_name COLLATE NOCASE);

CREATE TABLE lead_emails (
    id          INTEGER PRIMARY KEY,
    lead_id     INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    email       TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    is_primary  BOOLEAN NOT NULL
);
CREATE UNIQUE INDEX lead_emails_unique_key ON lead_emails (lead_id, lower(email));
CREATE UNIQUE INDEX lead_emails_primary_key ON lead_emails (lead_id) WHERE is_primary;
CREATE INDEX lead_emails_email_idx ON lead_emails (lower(email));

CREATE TABLE lead_phones (
    id          INTEGER PRIMARY KEY,
    lead_id     INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    phone       TEXT NOT NULL CHECK (length(phone) BETWEEN 1 AND 50),
    phone_key   TEXT NOT NULL,
    is_primary  BOOLEAN NOT NULL
);
CREATE UNIQUE INDEX lead_phones_unique_key ON lead_phones (lead_id, phone_key);
CREATE UNIQUE INDEX lead_phones_primary_key ON lead_phones (lead_id) WHERE is_primary;
CREATE INDEX lead_phones_key_idx ON lead_phones (phone_key);

CREATE TABLE lead_addresses (
    id           INTEGER PRIMARY KEY,
    lead_id      INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
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
CREATE INDEX lead_addresses_lead_idx ON lead_addresses (lead_id);
CREATE UNIQUE INDEX lead_addresses_primary_key ON lead_addresses (lead_id) WHERE is_primary;
CREATE INDEX lead_addresses_country_idx ON lead_addresses (country) WHERE is_primary;

CREATE TABLE lead_tags (
    lead_id  INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    tag      TEXT NOT NULL CHECK (length(tag) BETWEEN 1 AND 50),
    PRIMARY KEY (lead_id, tag)
);
CREATE INDEX lead_tags_tag_idx ON lead_tags (lower(tag));
