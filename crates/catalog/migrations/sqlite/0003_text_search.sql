-- The text index over products on SQLite: an FTS5 table with the products as external
-- content, kept in step by triggers. (PostgreSQL's is a generated tsvector: ../postgres/.)

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
