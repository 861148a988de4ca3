-- Whose each order is, learned from the orders service's `order.placed`: an incident a customer
-- relates to an order must be about one of its own.
CREATE TABLE customer_orders (
    order_id  TEXT PRIMARY KEY NOT NULL,
    user_id   TEXT NOT NULL,
    placed_at TEXT NOT NULL
);
