//! Alerts as raised: one row per (account, key), so the planner may run as often as it likes and
//! each alert is raised once; what the operating system was shown, what the seller read or
//! snoozed.

use rusqlite::{params, OptionalExtension, Row};

use crate::{Store, StoreError};

/// An alert to record (the planner's output, its target as JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAlert {
    pub key: String,
    pub kind: String,
    /// JSON of the target (`{"kind":"order","id":"CS…"}`).
    pub target: String,
    pub subject: String,
    pub detail: Option<String>,
    /// Marketplace time (Unix seconds) when it became due.
    pub due_at: i64,
    /// Recorded as already read and shown (history found at an account's first scan: the
    /// seller is not told about last month's events all at once).
    pub history: bool,
}

/// A recorded alert. Times are Unix milliseconds on this computer's clock, except `due_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRow {
    pub key: String,
    pub kind: String,
    pub target: String,
    pub subject: String,
    pub detail: Option<String>,
    pub due_at: i64,
    pub raised_at: i64,
    /// When the operating system was asked to show it (`None`: held — quiet hours, snoozed,
    /// the kind turned off, or not shown yet).
    pub delivered_at: Option<i64>,
    pub read_at: Option<i64>,
    pub snoozed_until: Option<i64>,
}

const COLUMNS: &str =
    "key, kind, target, subject, detail, due_at, raised_at, delivered_at, read_at, snoozed_until";

fn row(r: &Row<'_>) -> rusqlite::Result<AlertRow> {
    Ok(AlertRow {
        key: r.get(0)?,
        kind: r.get(1)?,
        target: r.get(2)?,
        subject: r.get(3)?,
        detail: r.get(4)?,
        due_at: r.get(5)?,
        raised_at: r.get(6)?,
        delivered_at: r.get(7)?,
        read_at: r.get(8)?,
        snoozed_until: r.get(9)?,
    })
}

impl Store {
    /// Records the alerts not raised before (by key), in one transaction; returns those new.
    pub fn raise_alerts(
        &mut self,
        account: &str,
        alerts: &[NewAlert],
        now_ms: i64,
    ) -> Result<Vec<AlertRow>, StoreError> {
        let tx = self.conn.transaction()?;
        let mut fresh = Vec::new();
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO alerts
                     (account, key, kind, target, subject, detail, due_at, raised_at,
                      delivered_at, read_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            )?;
            for a in alerts {
                let seen = a.history.then_some(now_ms);
                let n = insert.execute(params![
                    account, a.key, a.kind, a.target, a.subject, a.detail, a.due_at, now_ms, seen
                ])?;
                if n == 1 && !a.history {
                    fresh.push(AlertRow {
                        key: a.key.clone(),
                        kind: a.kind.clone(),
                        target: a.target.clone(),
                        subject: a.subject.clone(),
                        detail: a.detail.clone(),
                        due_at: a.due_at,
                        raised_at: now_ms,
                        delivered_at: None,
                        read_at: None,
                        snoozed_until: None,
                    });
                }
            }
        }
        tx.commit()?;
        Ok(fresh)
    }

    /// The account's alerts, unread first, then the latest first (by when they came due).
    pub fn alerts(&self, account: &str, unread_only: bool) -> Result<Vec<AlertRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM alerts WHERE account = ?1 {}
             ORDER BY read_at IS NOT NULL, due_at DESC, raised_at DESC, key",
            if unread_only {
                "AND read_at IS NULL"
            } else {
                ""
            }
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([account], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn alert(&self, account: &str, key: &str) -> Result<Option<AlertRow>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM alerts WHERE account = ?1 AND key = ?2"),
                [account, key],
                row,
            )
            .optional()?)
    }

    /// Alerts not shown by the operating system yet whose snooze (if any) has ended.
    pub fn alerts_to_deliver(
        &self,
        account: &str,
        now_ms: i64,
    ) -> Result<Vec<AlertRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM alerts WHERE account = ?1 AND delivered_at IS NULL
                 AND read_at IS NULL AND (snoozed_until IS NULL OR snoozed_until <= ?2)
             ORDER BY raised_at, key"
        ))?;
        let rows = stmt.query_map(params![account, now_ms], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn mark_alert_delivered(
        &mut self,
        account: &str,
        key: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE alerts SET delivered_at = ?3 WHERE account = ?1 AND key = ?2",
            params![account, key, now_ms],
        )?;
        Ok(())
    }

    /// Marks one alert read (`Some(key)`) or all of them.
    pub fn mark_alerts_read(
        &mut self,
        account: &str,
        key: Option<&str>,
        now_ms: i64,
    ) -> Result<usize, StoreError> {
        let n = match key {
            Some(k) => self.conn.execute(
                "UPDATE alerts SET read_at = ?3 WHERE account = ?1 AND key = ?2 AND read_at IS NULL",
                params![account, k, now_ms],
            )?,
            None => self.conn.execute(
                "UPDATE alerts SET read_at = ?2 WHERE account = ?1 AND read_at IS NULL",
                params![account, now_ms],
            )?,
        };
        Ok(n)
    }

    /// Holds an alert back until `until_ms`: it is shown again then (unless read meanwhile).
    pub fn snooze_alert(
        &mut self,
        account: &str,
        key: &str,
        until_ms: i64,
    ) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "UPDATE alerts SET snoozed_until = ?3, delivered_at = NULL
             WHERE account = ?1 AND key = ?2",
            params![account, key, until_ms],
        )?;
        Ok(n == 1)
    }

    pub fn unread_alerts(&self, account: &str) -> Result<u32, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM alerts WHERE account = ?1 AND read_at IS NULL",
            [account],
            |r| r.get(0),
        )?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(key: &str) -> NewAlert {
        NewAlert {
            key: key.into(),
            kind: "stall_warning".into(),
            target: r#"{"kind":"order","id":"CS1"}"#.into(),
            subject: "CloudMove".into(),
            detail: None,
            due_at: 100,
            history: false,
        }
    }

    #[test]
    fn an_alert_is_raised_once_across_reopening_and_read_snoozed_delivered() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("k.sqlite3");
        let mut s = Store::open(&path).expect("open");
        let fresh = s
            .raise_alerts("a", &[alert("k1"), alert("k2")], 1_000)
            .expect("raise");
        assert_eq!(fresh.len(), 2);
        drop(s);
        // Reopened (a restart): the same plan raises nothing new.
        let mut s = Store::open(&path).expect("reopen");
        assert!(s
            .raise_alerts("a", &[alert("k1"), alert("k2")], 2_000)
            .expect("raise")
            .is_empty());
        assert_eq!(
            s.raise_alerts("b", &[alert("k1")], 2_000)
                .expect("other account")
                .len(),
            1
        );
        assert_eq!(s.unread_alerts("a").expect("count"), 2);
        assert_eq!(s.alerts_to_deliver("a", 2_000).expect("due").len(), 2);
        s.mark_alert_delivered("a", "k1", 2_100).expect("delivered");
        assert_eq!(s.alerts_to_deliver("a", 2_200).expect("due").len(), 1);
        // Snoozed: not due until the snooze ends, then shown again.
        assert!(s.snooze_alert("a", "k1", 10_000).expect("snooze"));
        assert_eq!(s.alerts_to_deliver("a", 9_999).expect("due").len(), 1);
        assert_eq!(s.alerts_to_deliver("a", 10_000).expect("due").len(), 2);
        assert_eq!(s.mark_alerts_read("a", Some("k2"), 3_000).expect("read"), 1);
        let all = s.alerts("a", false).expect("all");
        assert_eq!(
            all.first().map(|a| a.key.as_str()),
            Some("k1"),
            "unread first"
        );
        assert_eq!(s.alerts("a", true).expect("unread").len(), 1);
        assert_eq!(s.mark_alerts_read("a", None, 4_000).expect("all read"), 1);
        assert_eq!(s.unread_alerts("a").expect("count"), 0);
        assert!(s
            .alert("a", "k2")
            .expect("get")
            .is_some_and(|a| a.read_at == Some(3_000)));
    }
}
