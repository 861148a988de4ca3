-- Categories (a tree), products with their kind's attributes, and the full-text index over
-- products. Ids are UUIDv7 text; times fixed-width RFC 3339 UTC text; money integer minor units.

CREATE TABLE categories (
    id         TEXT PRIMARY KEY NOT NULL,
    parent_id  TEXT REFERENCES categories (id),
    name       TEXT NOT NULL,
    -- The name as compared among siblings: trimmed and lowercased.
    name_key   TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
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
    price_amount   INTEGER NOT NULL CHECK (price_amount >= 0),
    price_currency TEXT NOT NULL,
    stock          INTEGER NOT NULL CHECK (stock >= 0),
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
    rating_count   INTEGER NOT NULL CHECK (rating_count >= 0),
    rating_sum     INTEGER NOT NULL CHECK (rating_sum >= 0),
    -- rating_sum / rating_count, kept for sorting (0 without reviews).
    rating_average REAL NOT NULL,
    version        INTEGER NOT NULL CHECK (version >= 1),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CHECK ((kind = 'pet') = (pet_status IS NOT NULL))
);
CREATE INDEX products_listing ON products (status, id);
CREATE INDEX products_category ON products (category_id, status, id);
CREATE INDEX products_price ON products (status, price_amount, id);
CREATE INDEX products_seller ON products (seller_id, id);

-- Full-text search over name, description, author and tags (FTS5, external content).
CREATE VIRTUAL TABLE products_text USING fts5 (
    name, description, author, tag_text,
    content = 'products', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER products_text_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_text (rowid, name, description, author, tag_text)
    VALUES (new.rowid, new.name, new.description, new.author, new.tag_text);
END;
CREATE TRIGGER products_text_delete AFTER DELETE ON products BEGIN
    INSERT INTO products_text (products_text, rowid, name, description, author, tag_text)
    VALUES ('delete', old.rowid, old.name, old.description, old.author, old.tag_text);
END;
CREATE TRIGGER products_text_update AFTER UPDATE OF name, description, author, tag_text ON products BEGIN
    INSERT INTO products_text (products_text, rowid, name, description, author, tag_text)
    VALUES ('delete', old.rowid, old.name, old.description, old.author, old.tag_text);
    INSERT INTO products_text (rowid, name, description, author, tag_text)
    VALUES (new.rowid, new.name, new.description, new.author, new.tag_text);
END;
