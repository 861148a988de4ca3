-- Incidents, their append-only history (which holds the conversation), agents, and
-- idempotency keys. Ids are UUIDv7 text; times fixed-width RFC 3339 UTC text; flags 0/1.

CREATE TABLE agents (
    user_id          TEXT PRIMARY KEY NOT NULL,
    display_name     TEXT NOT NULL,
    available        BIGINT NOT NULL CHECK (available IN (0, 1)),
    -- Round robin picks the available agent with the lowest turn; an assignment gives the
    -- agent the next turn. A counter, not a time: two assignments in one instant stay ordered.
    assigned_turn    BIGINT NOT NULL CHECK (assigned_turn >= 0),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

CREATE TABLE incidents (
    id                TEXT PRIMARY KEY NOT NULL,
    subject           TEXT NOT NULL,
    description       TEXT NOT NULL,
    category          TEXT NOT NULL CHECK (category IN ('product', 'order', 'billing', 'service', 'other')),
    priority          TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status            TEXT NOT NULL CHECK (status IN ('new', 'open', 'pending', 'on_hold', 'resolved', 'closed', 'merged')),
    requester_user_id TEXT,
    customer_id       TEXT,
    requester_name    TEXT NOT NULL,
    requester_email   TEXT NOT NULL,
    related_kind      TEXT,
    related_id        TEXT,
    assignee_id       TEXT REFERENCES agents (user_id),
    merged_into       TEXT REFERENCES incidents (id),
    first_response_at TEXT,
    resolved_at       TEXT,
    -- The earliest due time of the SLA clocks still running (NULL when none runs), and whether
    -- one is breached: cached for sorting and filtering, recomputed on every change and by the
    -- SLA task; the clocks shown are always computed from the history.
    next_due_at       TEXT,
    breached          BIGINT NOT NULL CHECK (breached IN (0, 1)),
    rating            BIGINT CHECK (rating BETWEEN 1 AND 5),
    rating_comment    TEXT,
    version           BIGINT NOT NULL CHECK (version >= 1),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX incidents_requester ON incidents (requester_user_id, id);
CREATE INDEX incidents_queue ON incidents (status, next_due_at, id);
CREATE INDEX incidents_assignee ON incidents (assignee_id, status);

CREATE TABLE incident_events (
    id          TEXT PRIMARY KEY NOT NULL,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    kind        TEXT NOT NULL,
    author_id   TEXT,
    author_role TEXT,
    body        TEXT,
    internal    BIGINT NOT NULL CHECK (internal IN (0, 1)),
    data        TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, id);

CREATE TABLE idempotency_keys (
    scope           TEXT NOT NULL,
    key             TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('running', 'done')),
    response_status BIGINT,
    response_body   TEXT,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
