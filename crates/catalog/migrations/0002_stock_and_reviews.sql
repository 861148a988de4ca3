-- Reservations of stock for orders, the record of stock adjustments, and reviews.

-- One reservation per order: all its lines or none. `held` until committed (the sale happened),
-- released (stock returns), or expired (released by the timer).
CREATE TABLE reservations (
    id           TEXT PRIMARY KEY NOT NULL,
    order_id     TEXT NOT NULL UNIQUE,
    -- The lines as requested, so a replay with other lines is told apart from a retry.
    request_hash TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('held', 'committed', 'released', 'expired')),
    expires_at   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX reservations_expiry ON reservations (status, expires_at);

CREATE TABLE reservation_lines (
    reservation_id TEXT NOT NULL REFERENCES reservations (id),
    product_id     TEXT NOT NULL REFERENCES products (id),
    quantity       BIGINT NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (reservation_id, product_id)
);

CREATE TABLE stock_adjustments (
    id          TEXT PRIMARY KEY NOT NULL,
    product_id  TEXT NOT NULL REFERENCES products (id),
    delta       BIGINT NOT NULL,
    reason      TEXT NOT NULL,
    actor_id    TEXT NOT NULL,
    stock_after BIGINT NOT NULL CHECK (stock_after >= 0),
    created_at  TEXT NOT NULL
);
CREATE INDEX stock_adjustments_product ON stock_adjustments (product_id, id);

CREATE TABLE reviews (
    id          TEXT PRIMARY KEY NOT NULL,
    product_id  TEXT NOT NULL REFERENCES products (id),
    author_id   TEXT NOT NULL,
    author_name TEXT NOT NULL,
    rating      BIGINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (product_id, author_id)
);
CREATE INDEX reviews_product ON reviews (product_id, id);
