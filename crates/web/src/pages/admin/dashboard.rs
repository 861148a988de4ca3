//! The dashboard, for staff: orders and revenue today and over 7 days (a bar chart drawn here
//! as SVG, with the same figures in a table), the open incidents by SLA state, the products out
//! of stock, and (administrators) the dead letters waiting.

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;
use contracts::clients::orders::DaySales;
use contracts::clients::support::QueueSummary;
use contracts::money::Money;
use uuid::Uuid;

use super::super::render;
use super::{Backstage, MenuLink, Part};
use crate::State;
use crate::clients::ProductQuery;
use crate::error::PageError;
use crate::i18n::Words;
use crate::layout::{Layout, Visit};

pub(super) fn router() -> Router<State> {
    Router::new().route("/admin/dashboard", get(dashboard_page))
}

/// Days the chart covers.
const DAYS: u32 = 7;
/// Out-of-stock products the dashboard names.
const OUT_OF_STOCK_SHOWN: usize = 8;

/// The chart's size, in its own units.
const CHART_WIDTH: i64 = 336;
const CHART_HEIGHT: i64 = 150;
/// Room under the bars for the days, above them for the figures.
const AXIS: i64 = 24;
const HEADROOM: i64 = 20;

/// A bar of the chart.
#[derive(Debug, Clone)]
pub struct Bar {
    /// Left edge.
    pub x: i64,
    /// Top edge.
    pub y: i64,
    /// Width.
    pub width: i64,
    /// Height.
    pub height: i64,
    /// The middle, for the labels.
    pub middle: i64,
    /// The figure above it.
    pub value: i64,
    /// The day under it (day of the month).
    pub label: String,
}

/// One day in the table beside the chart.
#[derive(Debug, Clone)]
pub struct DayLine {
    /// The day.
    pub day: String,
    /// Orders paid.
    pub orders: i64,
    /// Revenue.
    pub revenue: String,
}

/// A part of the queue's bar.
#[derive(Debug, Clone)]
pub struct Segment {
    /// Left edge, in percent of the bar.
    pub x: f64,
    /// Width, in percent.
    pub width: f64,
    /// `on_track`, `due_soon`, `breached` (a class).
    pub state: &'static str,
}

/// The dashboard.
#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardView {
    layout: Layout,
    menu: Vec<MenuLink>,
    today_orders: i64,
    week_orders: i64,
    today_revenue: String,
    week_revenue: String,
    bars: Vec<Bar>,
    days: Vec<DayLine>,
    chart_width: i64,
    chart_height: i64,
    baseline: i64,
    queue: QueueSummary,
    segments: Vec<Segment>,
    out_of_stock: Vec<(Uuid, String)>,
    more_out_of_stock: bool,
    dead_letters: Option<usize>,
}

/// Sums of money, one per currency, in words ("€0.00" when there is none).
fn revenue(days: &[&DaySales], words: Words) -> String {
    let mut sums: Vec<Money> = Vec::new();
    for money in days.iter().flat_map(|day| &day.revenue) {
        match sums.iter_mut().find(|sum| sum.currency == money.currency) {
            Some(sum) => sum.amount += money.amount,
            None => sums.push(money.clone()),
        }
    }
    if sums.is_empty() {
        return words.money(&Money::new(0, "EUR"));
    }
    sums.iter()
        .map(|sum| words.money(sum))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The bars of orders per day, scaled to the tallest.
fn bars(days: &[DaySales]) -> Vec<Bar> {
    let tallest = days.iter().map(|day| day.orders).max().unwrap_or(0).max(1);
    let slot = CHART_WIDTH / i64::try_from(days.len().max(1)).unwrap_or(1);
    let room = CHART_HEIGHT - AXIS - HEADROOM;
    days.iter()
        .enumerate()
        .map(|(index, day)| {
            let height = day.orders * room / tallest;
            let x = i64::try_from(index).unwrap_or(0) * slot + slot / 6;
            let width = slot * 2 / 3;
            Bar {
                x,
                y: CHART_HEIGHT - AXIS - height,
                width,
                height,
                middle: x + width / 2,
                value: day.orders,
                label: day.day.rsplit('-').next().unwrap_or_default().to_owned(),
            }
        })
        .collect()
}

/// The queue's bar: on track, at risk, breached, side by side in proportion.
fn segments(queue: &QueueSummary) -> Vec<Segment> {
    let total = queue.on_track + queue.at_risk + queue.breached;
    if total == 0 {
        return Vec::new();
    }
    let mut x = 0.0;
    [
        (queue.on_track, "on_track"),
        (queue.at_risk, "due_soon"),
        (queue.breached, "breached"),
    ]
    .into_iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, state)| {
        #[expect(clippy::cast_precision_loss, reason = "counts of incidents are small")]
        let width = count as f64 * 100.0 / total as f64;
        let segment = Segment { x, width, state };
        x += width;
        segment
    })
    .collect()
}

async fn dashboard_page(visit: Visit) -> Result<Response, PageError> {
    let desk = Backstage::enter(visit, Part::Dashboard).await?;
    let clients = &desk.visit.state.clients;
    let token = desk.token.as_str();
    let out_of_stock_query = ProductQuery {
        in_stock: Some(false),
        sort: Some("newest".to_owned()),
        limit: Some(100),
        ..ProductQuery::default()
    };
    let dead_letters = async {
        if !desk.is_admin() {
            return Ok(None);
        }
        let (customers, support) = tokio::join!(
            clients.customers.dead_letters(token),
            clients.support.dead_letters(token)
        );
        Ok::<_, PageError>(Some(customers?.len() + support?.len()))
    };
    let (sales, queue, out_of_stock, dead_letters) = tokio::join!(
        clients.orders.sales(token, DAYS),
        clients.support.queue_summary(token),
        clients.catalog.products(&out_of_stock_query),
        dead_letters
    );
    let sales = sales?;
    let queue = queue?;
    let out_of_stock = out_of_stock?;
    let words = desk.visit.words();
    let today: Vec<&DaySales> = sales.last().into_iter().collect();
    let week: Vec<&DaySales> = sales.iter().collect();
    render(&DashboardView {
        today_orders: today.iter().map(|day| day.orders).sum(),
        week_orders: week.iter().map(|day| day.orders).sum(),
        today_revenue: revenue(&today, words),
        week_revenue: revenue(&week, words),
        bars: bars(&sales),
        days: sales
            .iter()
            .map(|day| DayLine {
                day: words.iso_day(&day.day),
                orders: day.orders,
                revenue: revenue(&[day], words),
            })
            .collect(),
        chart_width: CHART_WIDTH,
        chart_height: CHART_HEIGHT,
        baseline: CHART_HEIGHT - AXIS,
        segments: segments(&queue),
        queue,
        more_out_of_stock: out_of_stock.items.len() > OUT_OF_STOCK_SHOWN
            || out_of_stock.next_cursor.is_some(),
        out_of_stock: out_of_stock
            .items
            .into_iter()
            .take(OUT_OF_STOCK_SHOWN)
            .map(|product| (product.id, product.name))
            .collect(),
        dead_letters: dead_letters?,
        layout: desk.layout(),
        menu: desk.menu,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(orders: i64) -> DaySales {
        DaySales {
            day: "2026-12-01".to_owned(),
            orders,
            revenue: Vec::new(),
        }
    }

    #[test]
    fn the_tallest_bar_fills_the_chart_and_an_empty_day_has_none() {
        let drawn = bars(&[day(0), day(2), day(4)]);
        assert_eq!(drawn[0].height, 0);
        assert_eq!(drawn[2].height, CHART_HEIGHT - AXIS - HEADROOM);
        assert_eq!(drawn[1].height * 2, drawn[2].height);
        assert!(
            drawn
                .iter()
                .all(|bar| bar.y + bar.height == CHART_HEIGHT - AXIS)
        );
        assert_eq!(drawn[2].label, "01");
    }

    #[test]
    fn the_queue_bar_splits_in_proportion() {
        let queue = QueueSummary {
            on_track: 2,
            at_risk: 1,
            breached: 1,
            unassigned: 0,
        };
        let parts = segments(&queue);
        assert_eq!(parts.len(), 3);
        assert!((parts[0].width - 50.0).abs() < 1e-9);
        assert!((parts[2].x - 75.0).abs() < 1e-9);
        assert!(segments(&QueueSummary::default()).is_empty());
    }
}
