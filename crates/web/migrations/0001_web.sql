-- The website's own data: its signing key and its visitors' sessions.
-- Times are fixed-width RFC 3339 UTC text (see platform::time).

-- Keys shared by every replica of the website (the CSRF tokens' HMAC key), made on first start.
CREATE TABLE web_keys (
    name  TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- A visitor's session, by the SHA-256 of the id its cookie carries (a copy of this table does
-- not give live cookies). A row exists only once there is something to keep: a locale, a
-- visitor's cart, a sign-in.
CREATE TABLE web_sessions (
    id_hash           TEXT PRIMARY KEY NOT NULL,
    locale            TEXT CHECK (locale IN ('en', 'es')),
    cart_token        TEXT,
    user_id           TEXT,
    user_name         TEXT,
    user_email        TEXT,
    user_role         TEXT,
    access_token      TEXT,
    access_expires_at TEXT,
    refresh_token     TEXT,
    -- While one request renews the tokens, others wait for it rather than renew twice.
    refreshing_until  TEXT,
    flash             TEXT,
    created_at        TEXT NOT NULL,
    expires_at        TEXT NOT NULL
);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);
