-- Categories (a tree) and products with their kind's attributes, on both backends. The text
-- index over products differs by backend: `sqlite/` and `postgres/` hold it (0003).
-- Ids are UUIDv7 text; times fixed-width RFC 3339 UTC text; money integer minor units.

CREATE TABLE categories (
    id         TEXT PRIMARY KEY NOT NULL,
    parent_id  TEXT REFERENCES categories (id),
    name       TEXT NOT NULL,
    -- The name as compared among siblings: trimmed and lowercased.
    name_key   TEXT NOT NULL,
    version    BIGINT NOT NULL CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- Names are unique among siblings, and among the roots.
CREATE UNIQUE INDEX categories_sibling_name ON categories (COALESCE(parent_id, ''), name_key);

CREATE TABLE products (
    id             TEXT PRIMARY KEY NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('book', 'pet', 'item')),
    name           TEXT NOT NULL,
    description    TEXT NOT NULL,
    category_id    TEXT NOT NULL REFERENCES categories (id),
    price_amount   BIGINT NOT NULL CHECK (price_amount >= 0),
    price_currency TEXT NOT NULL,
    stock          BIGINT NOT NULL CHECK (stock >= 0),
    images         TEXT NOT NULL,
    tags           TEXT NOT NULL,
    -- The tags as ' tag1 tag2 ', for the tag filter and the text index.
    tag_text       TEXT NOT NULL,
    attributes     TEXT NOT NULL,
    -- A book's author, for the text index.
    author         TEXT,
    pet_status     TEXT CHECK (pet_status IN ('available', 'reserved', 'sold')),
    status         TEXT NOT NULL CHECK (status IN ('active', 'archived')),
    seller_id      TEXT,
    rating_count   BIGINT NOT NULL CHECK (rating_count >= 0),
    rating_sum     BIGINT NOT NULL CHECK (rating_sum >= 0),
    -- rating_sum / rating_count, kept for sorting (0 without reviews).
    rating_average DOUBLE PRECISION NOT NULL,
    version        BIGINT NOT NULL CHECK (version >= 1),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CHECK ((kind = 'pet') = (pet_status IS NOT NULL))
);
CREATE INDEX products_listing ON products (status, id);
CREATE INDEX products_category ON products (category_id, status, id);
CREATE INDEX products_price ON products (status, price_amount, id);
CREATE INDEX products_seller ON products (seller_id, id);
