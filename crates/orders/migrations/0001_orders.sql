-- Carts, orders and their lines, delivery options, the simulated payment provider's ledger, and
-- idempotency keys. The same text runs on SQLite and PostgreSQL.

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

-- A cart belongs to a user or, for a visitor, to whoever holds its token (stored hashed).
CREATE TABLE carts (
    id         TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT UNIQUE,
    token_hash TEXT UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((user_id IS NULL) <> (token_hash IS NULL))
);

-- The price seen when the product was added, to tell the customer when it changed.
CREATE TABLE cart_items (
    cart_id      TEXT NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    product_id   TEXT NOT NULL,
    quantity     BIGINT NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
    price_amount BIGINT NOT NULL CHECK (price_amount >= 0),
    currency     TEXT NOT NULL,
    added_at     TEXT NOT NULL,
    PRIMARY KEY (cart_id, product_id)
);

CREATE TABLE delivery_options (
    id             TEXT PRIMARY KEY NOT NULL,
    carrier        TEXT NOT NULL,
    name           TEXT NOT NULL,
    price_amount   BIGINT NOT NULL CHECK (price_amount >= 0),
    currency       TEXT NOT NULL,
    estimated_days BIGINT NOT NULL CHECK (estimated_days BETWEEN 0 AND 60),
    active         BIGINT NOT NULL CHECK (active IN (0, 1)),
    version        BIGINT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

-- `pending_step` names work begun and not yet finished with another service (the catalog, the
-- payment provider); the recovery task finishes whatever a stopped process left there.
CREATE TABLE orders (
    id                 TEXT PRIMARY KEY NOT NULL,
    user_id            TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('pending_payment', 'paid', 'payment_failed',
                                                       'shipped', 'delivered', 'cancelled', 'refunded')),
    pending_step       TEXT CHECK (pending_step IN ('reserving', 'charging', 'releasing',
                                                    'committing', 'refunding', 'restocking')),
    status_reason      TEXT,
    currency           TEXT NOT NULL,
    items_amount       BIGINT NOT NULL CHECK (items_amount >= 0),
    delivery_amount    BIGINT NOT NULL CHECK (delivery_amount >= 0),
    total_amount       BIGINT NOT NULL CHECK (total_amount >= 0),
    delivery_option_id TEXT NOT NULL,
    delivery_carrier   TEXT NOT NULL,
    delivery_name      TEXT NOT NULL,
    estimated_days     BIGINT NOT NULL,
    shipping_address   TEXT NOT NULL,
    price_changes      TEXT NOT NULL,
    idempotency_key    TEXT NOT NULL,
    reservation_id     TEXT,
    card_brand         TEXT NOT NULL,
    card_last4         TEXT NOT NULL,
    payment_id         TEXT,
    refund_id          TEXT,
    tracking_carrier   TEXT,
    tracking_number    TEXT,
    paid_at            TEXT,
    shipped_at         TEXT,
    delivered_at       TEXT,
    cancelled_at       TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX orders_by_user ON orders (user_id, id);
CREATE INDEX orders_by_status ON orders (status, id);
CREATE INDEX orders_pending ON orders (pending_step, updated_at);

-- Name and price at the time of purchase.
CREATE TABLE order_lines (
    order_id    TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    unit_amount BIGINT NOT NULL CHECK (unit_amount >= 0),
    quantity    BIGINT NOT NULL CHECK (quantity > 0),
    restocked   BIGINT NOT NULL DEFAULT 0 CHECK (restocked IN (0, 1)),
    PRIMARY KEY (order_id, product_id)
);

-- The simulated payment provider's own books, as a real provider keeps them on its side: one
-- charge per idempotency key, refunds against it.
CREATE TABLE simulated_charges (
    id              TEXT PRIMARY KEY NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    amount          BIGINT NOT NULL,
    currency        TEXT NOT NULL,
    card_brand      TEXT NOT NULL,
    card_last4      TEXT NOT NULL,
    outcome         TEXT NOT NULL CHECK (outcome IN ('approved', 'declined')),
    decline_code    TEXT,
    refunded_amount BIGINT NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);

CREATE TABLE simulated_refunds (
    id              TEXT PRIMARY KEY NOT NULL,
    charge_id       TEXT NOT NULL REFERENCES simulated_charges (id),
    idempotency_key TEXT NOT NULL UNIQUE,
    amount          BIGINT NOT NULL CHECK (amount > 0),
    created_at      TEXT NOT NULL
);
