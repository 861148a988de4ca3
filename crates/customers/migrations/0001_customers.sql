-- Customer records, the services each has contracted, and the audit trail of both.
-- Ids are UUIDv7 text; times are fixed-width RFC 3339 UTC text; dates are YYYY-MM-DD text.

CREATE TABLE customers (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT UNIQUE,
    given_name  TEXT NOT NULL,
    family_name TEXT NOT NULL,
    email       TEXT NOT NULL UNIQUE,
    phone       TEXT,
    birth_date  TEXT,
    addresses   TEXT NOT NULL,
    -- Lowercased names, email and phone, for search.
    search_text TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('active', 'deleted', 'erased')),
    version     BIGINT NOT NULL CHECK (version >= 1),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT,
    erased_at   TEXT
);
CREATE INDEX customers_status ON customers (status, id);

CREATE TABLE customer_services (
    id          TEXT PRIMARY KEY NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    name        TEXT NOT NULL,
    plan        TEXT,
    started_on  TEXT NOT NULL,
    ends_on     TEXT,
    status      TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'cancelled')),
    version     BIGINT NOT NULL CHECK (version >= 1),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= started_on)
);
CREATE INDEX customer_services_customer ON customer_services (customer_id, id);

CREATE TABLE service_status_changes (
    id          TEXT PRIMARY KEY NOT NULL,
    service_id  TEXT NOT NULL REFERENCES customer_services (id),
    from_status TEXT,
    to_status   TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    changed_by  TEXT
);
CREATE INDEX service_status_changes_service ON service_status_changes (service_id, id);

-- Append-only: who changed what, when. `changes` is JSON; erasure redacts it.
CREATE TABLE audit_entries (
    id          TEXT PRIMARY KEY NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    actor_id    TEXT,
    actor_role  TEXT,
    action      TEXT NOT NULL,
    changes     TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX audit_entries_customer ON audit_entries (customer_id, id);
