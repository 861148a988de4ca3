-- Sessions identity has ended (`session.revoked`), kept so that this service refuses their
-- access tokens before they expire (platform::sessions). Pruned after the longest token life.
CREATE TABLE revoked_sessions (
    session_id TEXT PRIMARY KEY,
    revoked_at TEXT NOT NULL
);
CREATE INDEX revoked_sessions_at ON revoked_sessions (revoked_at);
