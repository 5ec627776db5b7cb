//! The outbox: every call Koodesk must make to the marketplace, written in the same transaction as
//! the change it carries out (a submission), and drained by the sync engine. A row's body is fixed
//! the first time it is sent and never changes after that, so every resend is byte-identical and
//! carries the same client token. The store knows nothing of what a row means; `koodesk-sync`
//! does.

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::{audit, Store, StoreError};

/// A submitted snapshot: what the seller sent, never changed afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubmission {
    pub id: String,
    pub account: String,
    pub draft_id: String,
    pub draft_revision: i64,
    pub kind: String,
    pub live_product_id: Option<String>,
    pub base_version: Option<u64>,
    /// The product as submitted (JSON).
    pub snapshot: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionRow {
    pub id: String,
    pub account: String,
    pub draft_id: String,
    pub draft_revision: i64,
    pub kind: String,
    pub live_product_id: Option<String>,
    pub base_version: Option<u64>,
    pub snapshot: String,
    /// `queued`, `sent`, `rejected`, `discarded` or `manual`.
    pub state: String,
    pub application_id: Option<String>,
    /// The marketplace's message when it refused, verbatim.
    pub message: Option<String>,
    pub submitted_at: String,
}

/// A call to make, before it is queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutboxRow {
    pub client_token: String,
    /// What the call does (`upload_attachment`, `create_application`, …); meaningful to sync.
    pub op: String,
    /// What the call belongs to (`product:<draft id>`, `order:<id>`): calls of one entity are
    /// sent strictly in order.
    pub entity: String,
    /// Client tokens of the rows that must be done first.
    pub waits_for: Vec<String>,
    /// What the body is made from (JSON); the body itself is fixed at the first send.
    pub params: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub seq: i64,
    pub account: String,
    pub client_token: String,
    pub op: String,
    pub entity: String,
    pub submission_id: Option<String>,
    pub waits_for: Vec<String>,
    pub params: String,
    pub method: Option<String>,
    pub path: Option<String>,
    pub body: Option<Vec<u8>>,
    /// `queued`, `in_flight`, `done`, `rejected` or `discarded`.
    pub state: String,
    pub attempts: u32,
    /// Unix milliseconds.
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub response: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl OutboxRow {
    /// Done, refused or given up: it will never be sent again.
    pub fn is_final(&self) -> bool {
        matches!(self.state.as_str(), "done" | "rejected" | "discarded")
    }
}

/// What a finished call changes locally, written in the same transaction as the row's new state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Submission {
        id: String,
        state: String,
        application_id: Option<String>,
        message: Option<String>,
    },
    RemoteApplication(RemoteApplication),
    /// An order as an action's answer left it.
    RemoteOrder(RemoteOrder),
    UploadedAttachment {
        attachment_id: String,
    },
    /// A per-account sync state value (what the marketplace calls the seller's groups, …).
    SyncState {
        key: String,
        value: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteApplication {
    pub application_id: String,
    pub product_id: Option<String>,
    pub status: String,
    pub updated_at: String,
    pub json: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteProduct {
    pub product_id: String,
    pub version: u64,
    pub status: String,
    pub json: String,
}

/// What one pull brought back, stored in one transaction.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pulled<'a> {
    pub products: &'a [RemoteProduct],
    pub applications: &'a [RemoteApplication],
    pub orders: &'a [RemoteOrder],
    /// New events (id, JSON) and the feed's cursor after them.
    pub events: &'a [(String, String)],
    pub cursor: Option<&'a str>,
}

/// An outbox row as the alerts see it (no parameters, no body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttentionRow {
    pub client_token: String,
    pub op: String,
    pub entity: String,
    pub state: String,
    pub last_error: Option<String>,
    /// ISO 8601, UTC (this computer's clock).
    pub created_at: String,
    pub updated_at: String,
}

/// A supervised service order as last pulled: what the inbox sorts and filters by, and the
/// marketplace's JSON of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteOrder {
    pub order_id: String,
    pub flow_state: String,
    pub waiting_for: String,
    pub flow_version: u64,
    pub version: u64,
    pub updated_at: String,
    pub json: String,
    /// What the stall alerts look at, kept as columns.
    pub facts: OrderColumns,
}

/// The facts of an order the stall alerts look at (times in marketplace Unix seconds).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderColumns {
    pub product_name: String,
    pub flow_updated_at: i64,
    pub appeal_open: bool,
    pub seller_rejections: u32,
    pub customer_rejections: u32,
    /// When the seller accepted the customer's request.
    pub request_accepted_at: Option<i64>,
    /// The product's average delivery days when the order was placed.
    pub avg_delivery_days: Option<u32>,
}

/// Which orders may be due a stall alert at some moment: those thresholds, as the caller
/// computed them from the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StallQuery {
    /// Waiting for the seller since at most this (Unix seconds): the earliest alert's line.
    pub seller_quiet_since: i64,
    /// Waiting for the customer since at most this.
    pub customer_quiet_since: i64,
    pub rejection_limit: u32,
    /// Percent of the delivery days for the earliest delivery alert, and now.
    pub delivery_percent: u32,
    pub now: i64,
}

/// An open, unfrozen order that may be due a stall alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StallRow {
    pub order_id: String,
    pub flow_state: String,
    pub facts: OrderColumns,
}

/// The order's alert columns, read from `at` on.
fn order_columns(r: &Row<'_>, at: usize) -> rusqlite::Result<OrderColumns> {
    Ok(OrderColumns {
        product_name: r.get(at)?,
        flow_updated_at: r.get(at + 1)?,
        appeal_open: r.get(at + 2)?,
        seller_rejections: r.get(at + 3)?,
        customer_rejections: r.get(at + 4)?,
        request_accepted_at: r.get(at + 5)?,
        avg_delivery_days: r.get(at + 6)?,
    })
}

const ROW_COLUMNS: &str = "seq, account, client_token, op, entity, submission_id, waits_for, params,
     method, path, body, state, attempts, next_attempt_at, last_error, response, created_at, updated_at";

fn outbox_row(r: &Row<'_>) -> rusqlite::Result<OutboxRow> {
    let waits: String = r.get(6)?;
    Ok(OutboxRow {
        seq: r.get(0)?,
        account: r.get(1)?,
        client_token: r.get(2)?,
        op: r.get(3)?,
        entity: r.get(4)?,
        submission_id: r.get(5)?,
        waits_for: serde_json::from_str(&waits).unwrap_or_default(),
        params: r.get(7)?,
        method: r.get(8)?,
        path: r.get(9)?,
        body: r.get(10)?,
        state: r.get(11)?,
        attempts: r.get(12)?,
        next_attempt_at: r.get(13)?,
        last_error: r.get(14)?,
        response: r.get(15)?,
        created_at: r.get(16)?,
        updated_at: r.get(17)?,
    })
}

const SUBMISSION_COLUMNS: &str = "id, account, draft_id, draft_revision, kind, live_product_id,
     base_version, snapshot, state, application_id, message, submitted_at";

fn submission_row(r: &Row<'_>) -> rusqlite::Result<SubmissionRow> {
    Ok(SubmissionRow {
        id: r.get(0)?,
        account: r.get(1)?,
        draft_id: r.get(2)?,
        draft_revision: r.get(3)?,
        kind: r.get(4)?,
        live_product_id: r.get(5)?,
        base_version: r.get::<_, Option<i64>>(6)?.map(|v| v as u64),
        snapshot: r.get(7)?,
        state: r.get(8)?,
        application_id: r.get(9)?,
        message: r.get(10)?,
        submitted_at: r.get(11)?,
    })
}

fn insert_rows(
    tx: &Connection,
    account: &str,
    submission: Option<&str>,
    rows: &[NewOutboxRow],
) -> Result<(), StoreError> {
    for row in rows {
        let waits = serde_json::to_string(&row.waits_for)
            .map_err(|e| StoreError::Rejected(e.to_string()))?;
        exec(tx,
            "INSERT INTO outbox (account, client_token, op, entity, submission_id, waits_for, params)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                account,
                row.client_token,
                row.op,
                row.entity,
                submission,
                waits,
                row.params
            ],
        )?;
    }
    Ok(())
}

/// Runs a statement through the connection's statement cache: the outbox's statements run for
/// every call the engine makes.
fn exec(conn: &Connection, sql: &str, p: impl rusqlite::Params) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(p)
}

fn query_one<T>(
    conn: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
    f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached(sql)?.query_row(p, f)
}

fn touch() -> &'static str {
    "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
}

impl Store {
    /// Opens a transaction that the next outbox updates join (each is a savepoint within it), so
    /// the engine commits a whole batch of rows in flight — or their answers — at once.
    pub fn begin_batch(&mut self) -> Result<(), StoreError> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    pub fn commit_batch(&mut self) -> Result<(), StoreError> {
        self.conn.execute_batch("COMMIT")?;
        Ok(())
    }

    pub fn rollback_batch(&mut self) -> Result<(), StoreError> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("ROLLBACK")?;
        }
        Ok(())
    }

    /// Writes a submission and the calls that carry it out, and marks the draft submitted, in one
    /// transaction: after a crash there is either all of it or none.
    pub fn submit(&mut self, s: &NewSubmission, rows: &[NewOutboxRow]) -> Result<(), StoreError> {
        self.record_submission(s, "queued", rows, "submitted")
    }

    /// Records a submission the seller made by hand in the console: kept as submitted (state
    /// `manual`), nothing queued.
    pub fn record_manual_submission(&mut self, s: &NewSubmission) -> Result<(), StoreError> {
        self.record_submission(s, "manual", &[], "submitted by hand")
    }

    fn record_submission(
        &mut self,
        s: &NewSubmission,
        state: &str,
        rows: &[NewOutboxRow],
        note: &str,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        exec(
            &tx,
            &format!(
                "INSERT INTO submissions ({SUBMISSION_COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, NULL,
                         strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
            ),
            params![
                s.id,
                s.account,
                s.draft_id,
                s.draft_revision,
                s.kind,
                s.live_product_id,
                s.base_version.map(|v| v as i64),
                s.snapshot,
                state
            ],
        )?;
        insert_rows(&tx, &s.account, Some(&s.id), rows)?;
        exec(
            &tx,
            "UPDATE drafts SET submitted = 1 WHERE id = ?1",
            [&s.draft_id],
        )?;
        audit::record(&tx, "draft", &s.draft_id, note, &s.id)?;
        tx.commit()?;
        Ok(())
    }

    /// Queues calls that belong to no submission (a withdrawal, an order action).
    pub fn enqueue(&mut self, account: &str, rows: &[NewOutboxRow]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        insert_rows(&tx, account, None, rows)?;
        for row in rows {
            audit::record(&tx, "outbox", &row.client_token, "queued", &row.op)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The account's rows, oldest first; finished ones only when asked.
    pub fn outbox(&self, account: &str, with_finished: bool) -> Result<Vec<OutboxRow>, StoreError> {
        let filter = if with_finished {
            ""
        } else {
            " AND state IN ('queued', 'in_flight')"
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ROW_COLUMNS} FROM outbox WHERE account = ?1{filter} ORDER BY seq"
        ))?;
        let rows = stmt.query_map([account], outbox_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The account's rows still waiting or refused, without their bodies: what the alerts look at
    /// (a refusal's message, how long a row has waited).
    pub fn outbox_attention(&self, account: &str) -> Result<Vec<AttentionRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT client_token, op, entity, state, last_error, created_at, updated_at
             FROM outbox WHERE account = ?1 AND state IN ('queued', 'in_flight', 'rejected')
             ORDER BY seq",
        )?;
        let rows = stmt.query_map([account], |r| {
            Ok(AttentionRow {
                client_token: r.get(0)?,
                op: r.get(1)?,
                entity: r.get(2)?,
                state: r.get(3)?,
                last_error: r.get(4)?,
                created_at: r.get(5)?,
                updated_at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The account's rows of one operation (finished ones too), oldest first: what the order
    /// desk reads, without the other rows and their bodies (an upload's is the whole file).
    pub fn outbox_of_op(&self, account: &str, op: &str) -> Result<Vec<OutboxRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ROW_COLUMNS} FROM outbox WHERE account = ?1 AND op = ?2 ORDER BY seq"
        ))?;
        let rows = stmt.query_map([account, op], outbox_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One row by its number.
    pub fn outbox_row(&self, seq: i64) -> Result<Option<OutboxRow>, StoreError> {
        Ok(query_one(
            &self.conn,
            &format!("SELECT {ROW_COLUMNS} FROM outbox WHERE seq = ?1"),
            [seq],
            outbox_row,
        )
        .optional()?)
    }

    /// The rows with these client tokens (what a row waits for), in any state.
    pub fn outbox_by_tokens(&self, tokens: &[String]) -> Result<Vec<OutboxRow>, StoreError> {
        let mut out = Vec::with_capacity(tokens.len());
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ROW_COLUMNS} FROM outbox WHERE client_token = ?1"
        ))?;
        for t in tokens {
            if let Some(r) = stmt.query_row([t], outbox_row).optional()? {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// Fixes the request of a row that has none yet, marks it in flight and counts the attempt,
    /// committed before the request leaves. A row whose request is fixed keeps it: `method`,
    /// `path` and `body` are then ignored.
    pub fn outbox_start(
        &mut self,
        seq: i64,
        method: &str,
        path: &str,
        body: &[u8],
    ) -> Result<OutboxRow, StoreError> {
        // The request is fixed at the first send (a row that has a body keeps it), and the row
        // goes in flight, in one statement.
        let row = self
            .conn
            .prepare_cached(&format!(
                "UPDATE outbox SET
                     method = CASE WHEN body IS NULL THEN ?2 ELSE method END,
                     path = CASE WHEN body IS NULL THEN ?3 ELSE path END,
                     body = COALESCE(body, ?4),
                     state = 'in_flight', attempts = attempts + 1, {}
                 WHERE seq = ?1 AND state IN ('queued', 'in_flight')
                 RETURNING {ROW_COLUMNS}",
                touch()
            ))?
            .query_row(params![seq, method, path, body], outbox_row)
            .optional()?;
        row.ok_or_else(|| {
            StoreError::Rejected(format!("outbox row {seq} is not waiting to be sent"))
        })
    }

    /// The call succeeded: the row is done and its effects are applied, together.
    pub fn outbox_done(
        &mut self,
        seq: i64,
        response: &str,
        effects: &[Effect],
    ) -> Result<(), StoreError> {
        let tx = self.conn.savepoint()?;
        let account: String = query_one(
            &tx,
            &format!(
                "UPDATE outbox SET state = 'done', response = ?2, last_error = NULL, {}
                 WHERE seq = ?1 RETURNING account",
                touch()
            ),
            params![seq, response],
            |r| r.get(0),
        )?;
        for e in effects {
            apply(&tx, &account, e)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Not sent, or the outcome is unknown: try again (same token, same bytes) at `next_at`.
    pub fn outbox_retry_later(
        &mut self,
        seq: i64,
        next_at_ms: i64,
        error: &str,
    ) -> Result<(), StoreError> {
        exec(
            &self.conn,
            &format!(
                "UPDATE outbox SET state = 'queued', next_attempt_at = ?2, last_error = ?3, {}
                 WHERE seq = ?1 AND state IN ('queued', 'in_flight')",
                touch()
            ),
            params![seq, next_at_ms, error],
        )?;
        Ok(())
    }

    /// The marketplace refused the call. Rows that wait for it can never be sent and are refused
    /// with it; `effects` (the submission's new state) are applied in the same transaction.
    pub fn outbox_rejected(
        &mut self,
        seq: i64,
        message: &str,
        effects: &[Effect],
    ) -> Result<(), StoreError> {
        self.finish_with(seq, "rejected", message, effects)
    }

    /// Given up by hand: never sent; rows that wait for it are discarded with it.
    pub fn outbox_discard(&mut self, seq: i64, effects: &[Effect]) -> Result<(), StoreError> {
        let row = self.outbox_row(seq)?.ok_or(StoreError::NotFound)?;
        if row.is_final() {
            return Err(StoreError::Rejected(format!(
                "outbox row {seq} is already {}",
                row.state
            )));
        }
        self.finish_with(seq, "discarded", "discarded by the seller", effects)
    }

    /// Sends a waiting row at the next chance instead of after its back-off.
    pub fn outbox_retry_now(&mut self, seq: i64) -> Result<(), StoreError> {
        let n = exec(&self.conn,
            &format!(
                "UPDATE outbox SET next_attempt_at = 0, {} WHERE seq = ?1 AND state IN ('queued', 'in_flight')",
                touch()
            ),
            [seq],
        )?;
        if n == 0 {
            return Err(StoreError::Rejected(format!(
                "outbox row {seq} is not waiting to be sent"
            )));
        }
        Ok(())
    }

    /// Makes every row of `account` that is backing off due now (the network came back); returns
    /// how many.
    pub fn outbox_due_now(&mut self, account: &str, now_ms: i64) -> Result<usize, StoreError> {
        Ok(exec(
            &self.conn,
            &format!(
                "UPDATE outbox SET next_attempt_at = 0, {} \
                 WHERE account = ?1 AND state IN ('queued', 'in_flight') AND next_attempt_at > ?2",
                touch()
            ),
            rusqlite::params![account, now_ms],
        )?)
    }

    fn finish_with(
        &mut self,
        seq: i64,
        state: &str,
        message: &str,
        effects: &[Effect],
    ) -> Result<(), StoreError> {
        let tx = self.conn.savepoint()?;
        let (account, token): (String, String) = query_one(
            &tx,
            "SELECT account, client_token FROM outbox WHERE seq = ?1",
            [seq],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        exec(
            &tx,
            &format!(
                "UPDATE outbox SET state = ?2, last_error = ?3, {} WHERE seq = ?1",
                touch()
            ),
            params![seq, state, message],
        )?;
        // Everything that waits for it, directly or not, cannot be sent either.
        let mut stack = vec![token];
        while let Some(t) = stack.pop() {
            let mut stmt = tx.prepare(
                "SELECT seq, client_token FROM outbox, json_each(outbox.waits_for)
                 WHERE json_each.value = ?1 AND state IN ('queued', 'in_flight')",
            )?;
            let dependants: Vec<(i64, String)> = stmt
                .query_map([&t], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            drop(stmt);
            for (dep, dep_token) in dependants {
                let note = format!("not sent: {message}");
                exec(
                    &tx,
                    &format!(
                        "UPDATE outbox SET state = ?2, last_error = ?3, {} WHERE seq = ?1",
                        touch()
                    ),
                    params![dep, state, note],
                )?;
                // Its submission cannot go either: it needs the seller's attention.
                exec(&tx,
                    "UPDATE submissions SET state = ?2, message = ?3
                     WHERE id = (SELECT submission_id FROM outbox WHERE seq = ?1) AND state = 'queued'",
                    params![dep, state, note],
                )?;
                stack.push(dep_token);
            }
        }
        for e in effects {
            apply(&tx, &account, e)?;
        }
        audit::record(&tx, "outbox", &seq.to_string(), state, message)?;
        tx.commit()?;
        Ok(())
    }

    /// Applies effects that come from a pull rather than from a call.
    pub fn apply_effects(&mut self, account: &str, effects: &[Effect]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        for e in effects {
            apply(&tx, account, e)?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn submission(&self, id: &str) -> Result<Option<SubmissionRow>, StoreError> {
        Ok(query_one(
            &self.conn,
            &format!("SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE id = ?1"),
            [id],
            submission_row,
        )
        .optional()?)
    }

    /// A draft's submissions, newest first.
    pub fn submissions_of(&self, draft_id: &str) -> Result<Vec<SubmissionRow>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE draft_id = ?1
             ORDER BY submitted_at DESC, rowid DESC"
        ))?;
        let rows = stmt.query_map([draft_id], submission_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The account's submissions, newest first.
    pub fn submissions(&self, account: &str) -> Result<Vec<SubmissionRow>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE account = ?1
             ORDER BY submitted_at DESC, rowid DESC"
        ))?;
        let rows = stmt.query_map([account], submission_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    // -- the sender's lease ----------------------------------------------------------------

    /// Takes (or renews) the right to send for this data folder until `now + ttl`. Refused while
    /// another holder's lease has not expired.
    pub fn acquire_lease(
        &mut self,
        holder: &str,
        now_ms: i64,
        ttl_ms: i64,
    ) -> Result<bool, StoreError> {
        let n = exec(&self.conn,
            "INSERT INTO sync_lease (name, holder, expires_at) VALUES ('sender', ?1, ?2)
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
             WHERE sync_lease.holder = excluded.holder OR sync_lease.expires_at <= ?3",
            params![holder, now_ms + ttl_ms, now_ms],
        )?;
        Ok(n == 1)
    }

    /// Takes the lease from `dead`, a holder known to have exited without releasing it (a
    /// killed process); refused if someone else took it meanwhile.
    pub fn take_over_lease(
        &mut self,
        dead: &str,
        holder: &str,
        now_ms: i64,
        ttl_ms: i64,
    ) -> Result<bool, StoreError> {
        let n = exec(&self.conn,
            "UPDATE sync_lease SET holder = ?2, expires_at = ?3 WHERE name = 'sender' AND holder = ?1",
            params![dead, holder, now_ms + ttl_ms],
        )?;
        Ok(n == 1)
    }

    pub fn release_lease(&mut self, holder: &str) -> Result<(), StoreError> {
        exec(
            &self.conn,
            "DELETE FROM sync_lease WHERE name = 'sender' AND holder = ?1",
            [holder],
        )?;
        Ok(())
    }

    /// Who holds the lease and until when (Unix ms).
    pub fn lease(&self) -> Result<Option<(String, i64)>, StoreError> {
        Ok(query_one(
            &self.conn,
            "SELECT holder, expires_at FROM sync_lease WHERE name = 'sender'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
    }

    // -- per-account sync state --------------------------------------------------------------

    pub fn sync_state(&self, account: &str, key: &str) -> Result<Option<String>, StoreError> {
        Ok(query_one(
            &self.conn,
            "SELECT value FROM sync_state WHERE account = ?1 AND key = ?2",
            [account, key],
            |r| r.get(0),
        )
        .optional()?)
    }

    /// Sets (or with `None`, clears) a sync state value.
    pub fn set_sync_state(
        &mut self,
        account: &str,
        key: &str,
        value: Option<&str>,
    ) -> Result<(), StoreError> {
        match value {
            Some(v) => exec(
                &self.conn,
                "INSERT INTO sync_state (account, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account, key) DO UPDATE SET value = excluded.value",
                params![account, key, v],
            )?,
            None => exec(
                &self.conn,
                "DELETE FROM sync_state WHERE account = ?1 AND key = ?2",
                params![account, key],
            )?,
        };
        Ok(())
    }

    // -- the marketplace's copies --------------------------------------------------------------

    /// Stores what a pull brought: products, applications, events and the events cursor, in
    /// one transaction. Drafts are never touched.
    pub fn store_pull(&mut self, account: &str, pulled: &Pulled<'_>) -> Result<(), StoreError> {
        let Pulled {
            products,
            applications,
            orders,
            events,
            cursor,
        } = *pulled;
        let tx = self.conn.transaction()?;
        for o in orders {
            apply(&tx, account, &Effect::RemoteOrder(o.clone()))?;
        }
        for p in products {
            exec(
                &tx,
                "INSERT INTO remote_products (account, product_id, version, status, json)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (account, product_id) DO UPDATE SET version = excluded.version,
                     status = excluded.status, json = excluded.json",
                params![account, p.product_id, p.version as i64, p.status, p.json],
            )?;
        }
        for a in applications {
            apply(&tx, account, &Effect::RemoteApplication(a.clone()))?;
        }
        for (id, json) in events {
            exec(
                &tx,
                "INSERT OR IGNORE INTO remote_events (account, event_id, json) VALUES (?1, ?2, ?3)",
                params![account, id, json],
            )?;
        }
        if let Some(c) = cursor {
            exec(
                &tx,
                "INSERT INTO sync_state (account, key, value) VALUES (?1, 'events.cursor', ?2)
                 ON CONFLICT (account, key) DO UPDATE SET value = excluded.value",
                params![account, c],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The account's service orders as last pulled, most recently changed first.
    pub fn remote_orders(&self, account: &str) -> Result<Vec<RemoteOrder>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT order_id, flow_state, waiting_for, flow_version, version, updated_at, json,
                    product_name, flow_updated_at, appeal_open, seller_rejections,
                    customer_rejections, request_accepted_at, avg_delivery_days
             FROM remote_orders WHERE account = ?1 ORDER BY updated_at DESC, order_id",
        )?;
        let rows = stmt.query_map([account], |r| {
            Ok(RemoteOrder {
                order_id: r.get(0)?,
                flow_state: r.get(1)?,
                waiting_for: r.get(2)?,
                flow_version: r.get::<_, i64>(3)? as u64,
                version: r.get::<_, i64>(4)? as u64,
                updated_at: r.get(5)?,
                json: r.get(6)?,
                facts: order_columns(r, 7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The open, unfrozen orders that may be due a stall alert (waiting since the thresholds,
    /// at the rejection limit, or into their delivery days), without reading their JSON.
    pub fn stall_candidates(
        &self,
        account: &str,
        q: &StallQuery,
    ) -> Result<Vec<StallRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT order_id, flow_state, product_name, flow_updated_at, appeal_open,
                    seller_rejections, customer_rejections, request_accepted_at, avg_delivery_days
             FROM remote_orders
             WHERE account = ?1 AND appeal_open = 0 AND waiting_for IN ('SELLER', 'CUSTOMER')
               AND flow_state NOT IN ('ACCEPTED', 'COMPLETED')
               AND ((waiting_for = 'SELLER' AND flow_updated_at <= ?2)
                    OR (waiting_for = 'CUSTOMER' AND flow_updated_at <= ?3)
                    OR seller_rejections >= ?4 OR customer_rejections >= ?4
                    OR (flow_state = 'DELIVERING'
                        AND request_accepted_at + avg_delivery_days * 864 * ?5 <= ?6))",
        )?;
        let rows = stmt.query_map(
            params![
                account,
                q.seller_quiet_since,
                q.customer_quiet_since,
                q.rejection_limit,
                q.delivery_percent,
                q.now
            ],
            |r| {
                Ok(StallRow {
                    order_id: r.get(0)?,
                    flow_state: r.get(1)?,
                    facts: order_columns(r, 2)?,
                })
            },
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn remote_applications(&self, account: &str) -> Result<Vec<RemoteApplication>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT application_id, product_id, status, updated_at, json FROM remote_applications
             WHERE account = ?1 ORDER BY updated_at DESC, application_id",
        )?;
        let rows = stmt.query_map([account], |r| {
            Ok(RemoteApplication {
                application_id: r.get(0)?,
                product_id: r.get(1)?,
                status: r.get(2)?,
                updated_at: r.get(3)?,
                json: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn remote_products(&self, account: &str) -> Result<Vec<RemoteProduct>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT product_id, version, status, json FROM remote_products
             WHERE account = ?1 ORDER BY product_id",
        )?;
        let rows = stmt.query_map([account], |r| {
            Ok(RemoteProduct {
                product_id: r.get(0)?,
                version: r.get::<_, i64>(1)? as u64,
                status: r.get(2)?,
                json: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The marketplace's events as pulled (id, JSON), in the feed's order.
    pub fn remote_events(&self, account: &str) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT event_id, json FROM remote_events WHERE account = ?1 ORDER BY event_id",
        )?;
        let rows = stmt.query_map([account], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn remote_event_count(&self, account: &str) -> Result<u64, StoreError> {
        Ok(query_one(
            &self.conn,
            "SELECT count(*) FROM remote_events WHERE account = ?1",
            [account],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// Whether the marketplace is known to hold this file already (uploaded from here before).
    pub fn is_uploaded(&self, account: &str, attachment_id: &str) -> Result<bool, StoreError> {
        Ok(query_one(
            &self.conn,
            "SELECT 1 FROM remote_attachments WHERE account = ?1 AND attachment_id = ?2",
            [account, attachment_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
    }
}

fn apply(tx: &Connection, account: &str, e: &Effect) -> Result<(), StoreError> {
    match e {
        Effect::Submission {
            id,
            state,
            application_id,
            message,
        } => {
            exec(
                tx,
                "UPDATE submissions SET state = ?2, application_id = COALESCE(?3, application_id),
                     message = ?4 WHERE id = ?1",
                params![id, state, application_id, message],
            )?;
            audit::record(
                tx,
                "submission",
                id,
                state,
                message.as_deref().unwrap_or(""),
            )?;
        }
        Effect::RemoteApplication(a) => {
            // An older copy never replaces a newer one (answers and pulls may cross).
            exec(tx,
                "INSERT INTO remote_applications (account, application_id, product_id, status, updated_at, json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (account, application_id) DO UPDATE SET product_id = excluded.product_id,
                     status = excluded.status, updated_at = excluded.updated_at, json = excluded.json
                 WHERE json_extract(excluded.json, '$.version') >= json_extract(remote_applications.json, '$.version')",
                params![account, a.application_id, a.product_id, a.status, a.updated_at, a.json],
            )?;
        }
        Effect::RemoteOrder(o) => {
            // An older copy never replaces a newer one (an action's answer and a pull may cross).
            let f = &o.facts;
            exec(
                tx,
                "INSERT INTO remote_orders (account, order_id, flow_state, waiting_for, flow_version,
                     version, updated_at, json, product_name, flow_updated_at, appeal_open,
                     seller_rejections, customer_rejections, request_accepted_at, avg_delivery_days)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
                 ON CONFLICT (account, order_id) DO UPDATE SET flow_state = excluded.flow_state,
                     waiting_for = excluded.waiting_for, flow_version = excluded.flow_version,
                     version = excluded.version, updated_at = excluded.updated_at, json = excluded.json,
                     product_name = excluded.product_name,
                     flow_updated_at = excluded.flow_updated_at, appeal_open = excluded.appeal_open,
                     seller_rejections = excluded.seller_rejections,
                     customer_rejections = excluded.customer_rejections,
                     request_accepted_at = excluded.request_accepted_at,
                     avg_delivery_days = excluded.avg_delivery_days
                 WHERE excluded.version >= remote_orders.version",
                params![
                    account,
                    o.order_id,
                    o.flow_state,
                    o.waiting_for,
                    o.flow_version as i64,
                    o.version as i64,
                    o.updated_at,
                    o.json,
                    f.product_name,
                    f.flow_updated_at,
                    f.appeal_open,
                    f.seller_rejections,
                    f.customer_rejections,
                    f.request_accepted_at,
                    f.avg_delivery_days
                ],
            )?;
        }
        Effect::SyncState { key, value } => {
            exec(
                tx,
                "INSERT INTO sync_state (account, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account, key) DO UPDATE SET value = excluded.value",
                params![account, key, value],
            )?;
        }
        Effect::UploadedAttachment { attachment_id } => {
            exec(
                tx,
                "INSERT OR IGNORE INTO remote_attachments (account, attachment_id) VALUES (?1, ?2)",
                params![account, attachment_id],
            )?;
        }
    }
    Ok(())
}
