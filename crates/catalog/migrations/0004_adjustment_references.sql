-- What caused an adjustment, when the caller names it (the orders service: "order <id> refunded"):
-- one adjustment per product and reference, so a retried return of units is applied once.
ALTER TABLE stock_adjustments ADD COLUMN reference TEXT;
CREATE UNIQUE INDEX stock_adjustments_reference ON stock_adjustments (product_id, reference);
