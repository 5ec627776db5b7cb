//! Forward-only schema migrations. Never edit a released migration and never drop a column: add a
//! new migration at the end instead.

use std::path::Path;
use std::sync::LazyLock;

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

use crate::StoreError;

const MIGRATION_SQL: &[&str] = &[
    // 1: key/value settings and the audit log every later aggregate writes to.
    "CREATE TABLE settings (
        key        TEXT PRIMARY KEY NOT NULL,
        value      TEXT NOT NULL,
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    ) STRICT;
    CREATE TABLE audit_log (
        id        INTEGER PRIMARY KEY,
        at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        entity    TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        action    TEXT NOT NULL,
        detail    TEXT NOT NULL DEFAULT '{}'
    ) STRICT;
    CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id);",
    // 2: product drafts with every saved revision, full-text search, attachments, support info.
    "CREATE TABLE drafts (
        id              TEXT PRIMARY KEY NOT NULL,
        account         TEXT NOT NULL DEFAULT 'local',
        kind            TEXT NOT NULL CHECK (kind IN ('release', 'modification')),
        live_product_id TEXT,
        name            TEXT NOT NULL DEFAULT '',
        delivery_method TEXT NOT NULL,
        revision        INTEGER NOT NULL,
        doc             TEXT NOT NULL,
        errors          INTEGER NOT NULL DEFAULT 0,
        warnings        INTEGER NOT NULL DEFAULT 0,
        submitted       INTEGER NOT NULL DEFAULT 0,
        search_text     TEXT NOT NULL DEFAULT '',
        created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        deleted_at      TEXT
    ) STRICT;
    CREATE INDEX drafts_recent ON drafts (deleted_at, updated_at DESC, id);
    CREATE TABLE draft_revisions (
        draft_id TEXT NOT NULL REFERENCES drafts (id),
        revision INTEGER NOT NULL,
        saved_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        note     TEXT NOT NULL DEFAULT '',
        doc      TEXT NOT NULL,
        PRIMARY KEY (draft_id, revision)
    ) STRICT, WITHOUT ROWID;
    CREATE VIRTUAL TABLE drafts_fts USING fts5 (
        name, overview, description, highlights, tokenize = 'trigram'
    );
    CREATE TABLE attachments (
        sha256     TEXT PRIMARY KEY NOT NULL,
        media_type TEXT NOT NULL,
        size       INTEGER NOT NULL,
        width      INTEGER,
        height     INTEGER,
        file_name  TEXT NOT NULL,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    ) STRICT;
    CREATE TABLE support_info (
        account    TEXT PRIMARY KEY NOT NULL,
        revision   INTEGER NOT NULL,
        doc        TEXT NOT NULL,
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    ) STRICT;
    CREATE TABLE support_revisions (
        account  TEXT NOT NULL,
        revision INTEGER NOT NULL,
        saved_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        doc      TEXT NOT NULL,
        PRIMARY KEY (account, revision)
    ) STRICT, WITHOUT ROWID;",
    // 3: request forms, every version kept so old filled templates can still be read.
    "CREATE TABLE request_forms (
        account    TEXT NOT NULL DEFAULT 'local',
        id         TEXT NOT NULL,
        version    INTEGER NOT NULL,
        doc        TEXT NOT NULL,
        issued     INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        deleted_at TEXT,
        PRIMARY KEY (account, id, version)
    ) STRICT;",
    // 4: marketplace accounts (their keys live in the OS keychain); drafts listed per account.
    "CREATE TABLE accounts (
        id         TEXT PRIMARY KEY NOT NULL,
        name       TEXT NOT NULL,
        site       TEXT NOT NULL,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    ) STRICT;
    CREATE INDEX drafts_account_recent ON drafts (account, deleted_at, updated_at DESC, id);",
    // Write-through of what the seller is typing, between two saved revisions: one row per
    // draft, replaced on every edit, cleared by the next save, recovered at start after a crash.
    "CREATE TABLE staged_edits (
        draft_id      TEXT PRIMARY KEY NOT NULL REFERENCES drafts (id),
        base_revision INTEGER NOT NULL,
        doc           TEXT NOT NULL,
        staged_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    ) STRICT;",
    // 6: sync. What was submitted (immutable snapshots), the outbox of calls to the marketplace,
    // the lease that lets one process send, and the marketplace's copies (never a draft).
    "CREATE TABLE submissions (
        id              TEXT PRIMARY KEY NOT NULL,
        account         TEXT NOT NULL,
        draft_id        TEXT NOT NULL REFERENCES drafts (id),
        draft_revision  INTEGER NOT NULL,
        kind            TEXT NOT NULL CHECK (kind IN ('release', 'modification')),
        live_product_id TEXT,
        base_version    INTEGER,
        snapshot        TEXT NOT NULL,
        state           TEXT NOT NULL DEFAULT 'queued'
                        CHECK (state IN ('queued', 'sent', 'rejected', 'discarded', 'manual')),
        application_id  TEXT,
        message         TEXT,
        submitted_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    ) STRICT;
    CREATE INDEX submissions_draft ON submissions (draft_id, submitted_at);
    CREATE TABLE outbox (
        seq             INTEGER PRIMARY KEY,
        account         TEXT NOT NULL,
        client_token    TEXT NOT NULL UNIQUE,
        op              TEXT NOT NULL,
        entity          TEXT NOT NULL,
        submission_id   TEXT REFERENCES submissions (id),
        waits_for       TEXT NOT NULL DEFAULT '[]',
        params          TEXT NOT NULL,
        method          TEXT,
        path            TEXT,
        body            BLOB,
        state           TEXT NOT NULL DEFAULT 'queued'
                        CHECK (state IN ('queued', 'in_flight', 'done', 'rejected', 'discarded')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT,
        response        TEXT,
        created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    ) STRICT;
    CREATE INDEX outbox_open ON outbox (account, state, seq);
    CREATE INDEX outbox_submission ON outbox (submission_id);
    CREATE TABLE sync_lease (
        name       TEXT PRIMARY KEY NOT NULL,
        holder     TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE sync_state (
        account TEXT NOT NULL,
        key     TEXT NOT NULL,
        value   TEXT NOT NULL,
        PRIMARY KEY (account, key)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE remote_applications (
        account        TEXT NOT NULL,
        application_id TEXT NOT NULL,
        product_id     TEXT,
        status         TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        json           TEXT NOT NULL,
        PRIMARY KEY (account, application_id)
    ) STRICT;
    CREATE TABLE remote_products (
        account    TEXT NOT NULL,
        product_id TEXT NOT NULL,
        version    INTEGER NOT NULL,
        status     TEXT NOT NULL,
        json       TEXT NOT NULL,
        PRIMARY KEY (account, product_id)
    ) STRICT;
    CREATE TABLE remote_events (
        account  TEXT NOT NULL,
        event_id TEXT NOT NULL,
        json     TEXT NOT NULL,
        PRIMARY KEY (account, event_id)
    ) STRICT;
    CREATE TABLE remote_attachments (
        account       TEXT NOT NULL,
        attachment_id TEXT NOT NULL,
        PRIMARY KEY (account, attachment_id)
    ) STRICT, WITHOUT ROWID;",
    // 7: supervised service orders as last pulled (the orders desk works offline on them).
    "CREATE TABLE remote_orders (
        account      TEXT NOT NULL,
        order_id     TEXT NOT NULL,
        flow_state   TEXT NOT NULL,
        waiting_for  TEXT NOT NULL,
        flow_version INTEGER NOT NULL,
        version      INTEGER NOT NULL,
        updated_at   TEXT NOT NULL,
        json         TEXT NOT NULL,
        PRIMARY KEY (account, order_id)
    ) STRICT;
    CREATE INDEX remote_orders_waiting ON remote_orders (account, waiting_for, flow_state);",
    // 8: alerts, each raised once per key (a restart never repeats one, never loses one).
    "CREATE TABLE alerts (
        account       TEXT NOT NULL,
        key           TEXT NOT NULL,
        kind          TEXT NOT NULL,
        target        TEXT NOT NULL,
        subject       TEXT NOT NULL,
        detail        TEXT,
        due_at        INTEGER NOT NULL,
        raised_at     INTEGER NOT NULL,
        delivered_at  INTEGER,
        read_at       INTEGER,
        snoozed_until INTEGER,
        PRIMARY KEY (account, key)
    ) STRICT;
    CREATE INDEX alerts_unread ON alerts (account, read_at, raised_at);",
    // 9: what the stall alerts look at, as columns in an index that covers the scan (it never
    // reads the wide rows with their JSON); filled from the JSON already stored. When the seller accepted a request is known
    // from the next pull of the order.
    "ALTER TABLE remote_orders ADD COLUMN product_name TEXT NOT NULL DEFAULT '';
    ALTER TABLE remote_orders ADD COLUMN flow_updated_at INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE remote_orders ADD COLUMN appeal_open INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE remote_orders ADD COLUMN seller_rejections INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE remote_orders ADD COLUMN customer_rejections INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE remote_orders ADD COLUMN request_accepted_at INTEGER;
    ALTER TABLE remote_orders ADD COLUMN avg_delivery_days INTEGER;
    UPDATE remote_orders SET
        product_name = coalesce(json_extract(json, '$.productName'), ''),
        flow_updated_at = coalesce(CAST(strftime('%s',
            substr(json_extract(json, '$.flowUpdatedAt'), 1, 4) || '-' ||
            substr(json_extract(json, '$.flowUpdatedAt'), 5, 2) || '-' ||
            substr(json_extract(json, '$.flowUpdatedAt'), 7, 2) || ' ' ||
            substr(json_extract(json, '$.flowUpdatedAt'), 10, 2) || ':' ||
            substr(json_extract(json, '$.flowUpdatedAt'), 12, 2) || ':' ||
            substr(json_extract(json, '$.flowUpdatedAt'), 14, 2)) AS INTEGER), 0),
        appeal_open = coalesce(json_extract(json, '$.appeal.status') = 'IN_PROGRESS', 0),
        seller_rejections = coalesce(json_extract(json, '$.sellerRejections'), 0),
        customer_rejections = coalesce(json_extract(json, '$.customerRejections'), 0),
        avg_delivery_days = json_extract(json, '$.avgDeliveryDays');
    CREATE INDEX remote_orders_stall ON remote_orders (account, appeal_open, waiting_for,
        flow_updated_at, flow_state, seller_rejections, customer_rejections, request_accepted_at,
        avg_delivery_days, order_id, product_name);",
];

static MIGRATIONS: LazyLock<Migrations<'static>> =
    LazyLock::new(|| Migrations::new(MIGRATION_SQL.iter().map(|sql| M::up(sql)).collect()));

pub(crate) fn latest_version() -> u32 {
    MIGRATION_SQL.len() as u32
}

pub(crate) fn current_version(conn: &Connection) -> Result<u32, StoreError> {
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok(u32::try_from(v).unwrap_or(u32::MAX))
}

pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let found = current_version(conn)?;
    let supported = latest_version();
    if found > supported {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            supported,
            backup: crate::backup::before_schema_backup(path, supported),
        });
    }
    if found > 0 && found < supported && path.is_file() {
        crate::backup::before_migration(conn, path, found)?;
    }
    MIGRATIONS
        .to_latest(conn)
        .map_err(|e| StoreError::Migration(e.to_string()))
}

/// Creates the database an older Koodesk (schema `version`) would have left at `path`, for tests
/// of updating it.
#[doc(hidden)]
pub fn create_at_schema(path: &Path, version: u32) -> Result<(), StoreError> {
    let mut conn = Connection::open(path).map_err(|e| StoreError::open(path, e))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    MIGRATIONS
        .to_version(&mut conn, version as usize)
        .map_err(|e| StoreError::Migration(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(MIGRATIONS.validate().is_ok());
    }

    /// Orders pulled before the alert columns existed get them from their JSON.
    #[test]
    fn the_alert_columns_are_filled_from_orders_already_stored() {
        let mut conn = Connection::open_in_memory().expect("db");
        Migrations::new(MIGRATION_SQL[..8].iter().map(|sql| M::up(sql)).collect())
            .to_latest(&mut conn)
            .expect("to 8");
        let json = r#"{"orderId":"CS1","productName":"CloudMove","flowUpdatedAt":"20261123T090000Z",
            "sellerRejections":2,"customerRejections":1,"appeal":{"status":"IN_PROGRESS"},
            "avgDeliveryDays":10}"#;
        conn.execute(
            "INSERT INTO remote_orders (account, order_id, flow_state, waiting_for, flow_version,
                 version, updated_at, json)
             VALUES ('a', 'CS1', 'DELIVERING', 'OPERATIONS', 2, 3, '20261123T090000Z', ?1)",
            [json],
        )
        .expect("row");
        MIGRATIONS.to_latest(&mut conn).expect("to latest");
        let row: (String, i64, bool, u32, u32, Option<i64>, Option<u32>) = conn
            .query_row(
                "SELECT product_name, flow_updated_at, appeal_open, seller_rejections,
                        customer_rejections, request_accepted_at, avg_delivery_days
                 FROM remote_orders",
                [],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ))
                },
            )
            .expect("read");
        assert_eq!(
            row,
            (
                "CloudMove".into(),
                1_795_424_400,
                true,
                2,
                1,
                None,
                Some(10)
            )
        );
    }
}
