-- Users, login sessions, refresh tokens and brute-force counters.
-- Ids are UUIDv7 text; times are fixed-width RFC 3339 UTC text (see platform::time).

CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    email         TEXT NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254),
    name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    role          TEXT NOT NULL CHECK (role IN ('customer', 'seller', 'agent', 'admin')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX users_role ON users (role, id);

-- A login. Revoking it ends its access tokens (checked on use) and its refresh tokens.
CREATE TABLE sessions (
    id             TEXT PRIMARY KEY NOT NULL,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    revoked_at     TEXT,
    revoked_reason TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Only the SHA-256 of a refresh token is kept. used_at is set when it is rotated; presenting
-- it again after that is reuse, and revokes the session.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- Failed logins per key (`account:EMAIL` or `address:IP`) within a window.
CREATE TABLE login_throttle (
    key               TEXT PRIMARY KEY NOT NULL,
    failures          BIGINT NOT NULL CHECK (failures >= 0),
    window_started_at TEXT NOT NULL,
    locked_until      TEXT
);
