-- The text index over products on PostgreSQL: a generated tsvector over name, description,
-- author and tags, with a GIN index. (SQLite's is an FTS5 table: ../sqlite/.)

ALTER TABLE products ADD COLUMN search TSVECTOR GENERATED ALWAYS AS (
    to_tsvector('simple', name || ' ' || description || ' ' || COALESCE(author, '') || ' ' || tag_text)
) STORED;
CREATE INDEX products_search ON products USING GIN (search);
