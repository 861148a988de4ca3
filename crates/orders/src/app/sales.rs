//! What the shop sold over the last days, for staff: orders paid and their revenue per day.

use contracts::money::Money;
use platform::auth::Caller;
use serde::Serialize;
use utoipa::ToSchema;

use crate::State;
use crate::error::Error;
use crate::store;

/// The most days a summary covers.
pub const MAX_DAYS: u32 = 90;

/// One day's sales.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DaySales {
    /// The day (UTC), `YYYY-MM-DD`.
    pub day: String,
    /// Orders paid that day that are still a sale (paid, shipped, delivered).
    pub orders: i64,
    /// Their totals, one sum per currency (none on a day without sales).
    pub revenue: Vec<Money>,
}

/// The last `days` days (today included, UTC), oldest first, days without sales included.
pub async fn summary(state: &State, caller: &Caller, days: u32) -> Result<Vec<DaySales>, Error> {
    if !caller.is_staff() {
        return Err(Error::Forbidden);
    }
    let today = platform::time::now().date();
    let first = today - time::Duration::days(i64::from(days.clamp(1, MAX_DAYS)) - 1);
    let since = first.midnight().assume_utc();
    let rows = store::sales_since(state.database.pool(), since).await?;
    let mut summary = Vec::new();
    let mut day = first;
    while day <= today {
        let name = day.to_string();
        let of_day: Vec<&store::DaySales> = rows.iter().filter(|row| row.day == name).collect();
        summary.push(DaySales {
            orders: of_day.iter().map(|row| row.orders).sum(),
            revenue: of_day
                .iter()
                .map(|row| Money::new(row.revenue, &row.currency))
                .collect(),
            day: name,
        });
        day = day.next_day().unwrap_or(today + time::Duration::days(1));
    }
    Ok(summary)
}
