-- One checkout at a time per customer: a second one (another tab, another key) while the first
-- is taking payment is refused instead of charging the same cart twice.
CREATE UNIQUE INDEX orders_one_pending_payment ON orders (user_id) WHERE status = 'pending_payment';
