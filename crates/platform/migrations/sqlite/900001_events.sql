-- The event backbone's tables, in every service's database (platform::events).
-- Versions 9xxxxx are the platform's; a service's own migrations number from 0001.

-- Events this service wrote in the same transaction as its changes, until the transport
-- confirms them. `seq` is the publishing order.
CREATE TABLE event_outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    type       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    envelope   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at    TEXT
);
CREATE INDEX event_outbox_pending ON event_outbox (seq) WHERE sent_at IS NULL;
CREATE INDEX event_outbox_sent ON event_outbox (sent_at) WHERE sent_at IS NOT NULL;

-- Events received, kept by id so that a second delivery does nothing. `pending` rows wait for
-- their handler, `handled` ones are kept for deduplication until pruned, `dead` ones failed
-- every attempt and wait for `tienda events replay`.
CREATE TABLE event_inbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,
    type            TEXT NOT NULL,
    subject         TEXT NOT NULL,
    envelope        TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'handled', 'dead')),
    attempts        INTEGER NOT NULL CHECK (attempts >= 0),
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    received_at     TEXT NOT NULL,
    handled_at      TEXT
);
CREATE INDEX event_inbox_status ON event_inbox (status, seq);
