//! What the shop sold: paid orders counted and summed per day and currency.

use platform::time::to_db;
use sqlx::{Any, Executor, Row};
use time::OffsetDateTime;

/// Sales of one day (UTC) in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaySales {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// ISO 4217.
    pub currency: String,
    /// Orders paid that day and not refunded since.
    pub orders: i64,
    /// Their totals, minor units.
    pub revenue: i64,
}

/// Orders paid since `since` and still a sale (paid, shipped or delivered), per day and
/// currency, oldest first.
pub async fn sales_since(
    executor: impl Executor<'_, Database = Any>,
    since: OffsetDateTime,
) -> Result<Vec<DaySales>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT substr(paid_at, 1, 10) AS day, currency, COUNT(*) AS orders, \
                CAST(SUM(total_amount) AS BIGINT) AS revenue \
         FROM orders WHERE paid_at >= $1 AND status IN ('paid', 'shipped', 'delivered') \
         GROUP BY substr(paid_at, 1, 10), currency ORDER BY day, currency",
    )
    .bind(to_db(since))
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(DaySales {
                day: row.try_get("day")?,
                currency: row.try_get("currency")?,
                orders: row.try_get("orders")?,
                revenue: row.try_get("revenue")?,
            })
        })
        .collect()
}
