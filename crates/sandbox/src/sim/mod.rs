//! The simulated marketplace: the seller's operations, the reviewer, the customers and the
//! operations manager. Everything happens in *sandbox time* (Unix seconds) and every random choice
//! is a hash of the seed and the thing being decided, so a run is reproducible.
//!
//! Decisions are pure functions — [`reviewer`] (an application in, review comments out) and
//! [`customer`] (an order in, the customer's or operations manager's move out) — with unit tests
//! of their own; [`applications`], [`orders`], [`products`] and [`attachments`] read the state,
//! ask them, and apply the answer in SQL.

pub mod applications;
pub mod attachments;
pub mod customer;
pub mod orders;
pub mod products;
pub mod reviewer;
pub mod support;

use koodesk_domain::lint::Ruleset;
use koodesk_domain::supervision::FlowRules;
use koodesk_market::contract::*;
use koodesk_market::sign::{format_sdk_date, parse_sdk_date};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::db;

pub const HOUR: i64 = 3600;
pub const DAY: i64 = 86_400;

/// Why the marketplace refuses a request: HTTP status, result code, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl Refusal {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            status,
            code,
            message: message.into(),
        }
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Refusal::new(400, codes::INVALID_PARAMETER, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Refusal::new(404, codes::NOT_FOUND, message)
    }
    pub fn not_allowed(message: impl Into<String>) -> Self {
        Refusal::new(409, codes::NOT_ALLOWED, message)
    }
}

impl From<rusqlite::Error> for Refusal {
    fn from(e: rusqlite::Error) -> Self {
        tracing::error!(error = %e, "sandbox state");
        Refusal::new(
            500,
            codes::INTERNAL,
            "The marketplace had an internal error.",
        )
    }
}

pub type Outcome<T> = Result<T, Refusal>;

pub fn ts(t: i64) -> String {
    format_sdk_date(OffsetDateTime::from_unix_timestamp(t).unwrap_or(OffsetDateTime::UNIX_EPOCH))
}

pub fn parse_ts(s: &str) -> Option<i64> {
    parse_sdk_date(s).map(|t| t.unix_timestamp())
}

/// A reproducible number for a decision: the same seed and key always give the same value.
pub fn roll(seed: u64, key: &str) -> u64 {
    let h = Sha256::new()
        .chain_update(seed.to_le_bytes())
        .chain_update(key.as_bytes())
        .finalize();
    let mut b = [0u8; 8];
    b.copy_from_slice(&h[..8]);
    u64::from_le_bytes(b)
}

/// A reproducible value in `lo..=hi`.
pub fn pick(seed: u64, key: &str, lo: i64, hi: i64) -> i64 {
    lo + (roll(seed, key) % ((hi - lo + 1).max(1) as u64)) as i64
}

/// `start` plus `hours` counted on working days only (Saturdays and Sundays do not count).
pub fn add_working_hours(start: i64, hours: i64) -> i64 {
    let mut t = start;
    let mut left = hours;
    while left > 0 {
        t += HOUR;
        let weekday = OffsetDateTime::from_unix_timestamp(t)
            .map(|d| d.weekday())
            .unwrap_or(time::Weekday::Monday);
        if !matches!(weekday, time::Weekday::Saturday | time::Weekday::Sunday) {
            left -= 1;
        }
    }
    t
}

/// The simulation's fixed inputs: the seed and the rules in force (the release ruleset, whose
/// `service_flow` thresholds the customers and the operations manager follow).
pub struct Sim {
    pub seed: u64,
    pub ruleset: Ruleset,
    /// The reviewer is now and then picky about a description that is fine otherwise.
    pub picky: bool,
}

impl Sim {
    pub fn new(seed: u64, ruleset: Ruleset) -> Self {
        Sim {
            seed,
            ruleset,
            picky: true,
        }
    }

    pub fn flow_rules(&self) -> &FlowRules {
        &self.ruleset.service_flow
    }

    /// Plays everything that was due up to `now`, in time order: reviews, customers' moves and
    /// purchases.
    pub fn advance(&self, tx: &Connection, now: i64) -> rusqlite::Result<()> {
        for _ in 0..10_000 {
            let due = |sql: &str| -> rusqlite::Result<Option<(i64, String)>> {
                tx.query_row(sql, [now], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            };
            let app = due(
                "SELECT due_at, json FROM applications WHERE status = 'PENDING_APPROVAL' AND due_at <= ?1
                 ORDER BY due_at, application_id LIMIT 1",
            )?;
            let order = due(
                "SELECT next_at, json FROM orders WHERE next_at IS NOT NULL AND next_at <= ?1
                 ORDER BY next_at, order_id LIMIT 1",
            )?;
            let purchase = due(
                "SELECT next_purchase_at, json FROM products WHERE next_purchase_at IS NOT NULL AND next_purchase_at <= ?1
                 ORDER BY next_purchase_at, product_id LIMIT 1",
            )?;
            let support = due(
                "SELECT due_at, json FROM support_changes WHERE status = 'PENDING_APPROVAL' AND due_at <= ?1
                 ORDER BY due_at, change_id LIMIT 1",
            )?;
            let earliest = [&app, &order, &purchase, &support]
                .into_iter()
                .flatten()
                .map(|d| d.0)
                .min();
            let Some(t) = earliest else { return Ok(()) };
            if let Some((at, json)) = support.filter(|c| c.0 == t) {
                self.review_support_change(tx, db::from_json(&json)?, at)?;
            } else if let Some((at, json)) = app.filter(|a| a.0 == t) {
                self.review(tx, db::from_json(&json)?, at)?;
            } else if let Some((at, json)) = order.filter(|o| o.0 == t) {
                self.customer_step(tx, db::from_json(&json)?, at)?;
            } else if let Some((at, json)) = purchase {
                self.purchase(tx, db::from_json(&json)?, at)?;
            }
        }
        Ok(())
    }
}

/// Appends to the event feed.
pub(crate) fn event(
    tx: &Connection,
    kind: EventType,
    at: i64,
    application_id: Option<&str>,
    order_id: Option<&str>,
    product_id: Option<&str>,
    summary: String,
) -> rusqlite::Result<()> {
    let seq = db::next_seq(tx, "event")?;
    let e = Event {
        event_id: format!("EV{seq:012}"),
        r#type: kind,
        occurred_at: ts(at),
        application_id: application_id.map(str::to_owned),
        order_id: order_id.map(str::to_owned),
        product_id: product_id.map(str::to_owned),
        summary,
    };
    tx.execute(
        "INSERT INTO events (seq, json) VALUES (?1, ?2)",
        params![seq, db::to_json(&e)],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_hours_skip_the_weekend() {
        // Friday 2026-11-20 12:00 UTC + 24 working hours = Monday 12:00.
        let fri = time::macros::datetime!(2026-11-20 12:00 UTC).unix_timestamp();
        let mon = time::macros::datetime!(2026-11-23 12:00 UTC).unix_timestamp();
        assert_eq!(add_working_hours(fri, 24), mon);
    }

    #[test]
    fn rolls_are_reproducible_and_depend_on_the_seed() {
        assert_eq!(roll(7, "x"), roll(7, "x"));
        assert_ne!(roll(7, "x"), roll(8, "x"));
        let v = pick(7, "y", 4, 24);
        assert!((4..=24).contains(&v));
    }
}
