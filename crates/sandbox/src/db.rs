//! The sandbox's own SQLite state: entities stored as their contract JSON, with the columns the
//! simulation and the listings query on.

use rusqlite::{params, Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS products (
    product_id TEXT PRIMARY KEY,
    updated_at INTEGER NOT NULL,
    next_purchase_at INTEGER,
    json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS applications (
    application_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    product_id TEXT,
    submitted_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    due_at INTEGER,
    json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS attachments (
    attachment_id TEXT PRIMARY KEY,
    json TEXT NOT NULL,
    content BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
    order_id TEXT PRIMARY KEY,
    updated_at INTEGER NOT NULL,
    next_at INTEGER,
    json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS support_changes (
    change_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    due_at INTEGER,
    json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    access_key TEXT NOT NULL,
    client_token TEXT NOT NULL,
    route TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    status INTEGER NOT NULL,
    response TEXT NOT NULL,
    PRIMARY KEY (access_key, client_token)
);
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
";

pub fn open(path: Option<&std::path::Path>) -> rusqlite::Result<Connection> {
    let conn = match path {
        Some(p) => Connection::open(p)?,
        None => Connection::open_in_memory()?,
    };
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

pub fn to_json<T: Serialize>(v: &T) -> String {
    // The contract types serialize infallibly (no maps with non-string keys).
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

pub fn from_json<T: DeserializeOwned>(s: &str) -> rusqlite::Result<T> {
    serde_json::from_str(s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// One entity by id from `table` (which has `<id_col>` and `json`).
pub fn get<T: DeserializeOwned>(
    conn: &Connection,
    table: &str,
    id_col: &str,
    id: &str,
) -> rusqlite::Result<Option<T>> {
    let json: Option<String> = conn
        .query_row(
            &format!("SELECT json FROM {table} WHERE {id_col} = ?1"),
            [id],
            |r| r.get(0),
        )
        .optional()?;
    json.map(|j| from_json(&j)).transpose()
}

pub fn all<T: DeserializeOwned>(
    conn: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
) -> rusqlite::Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(p, |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for json in rows {
        out.push(from_json(&json?)?);
    }
    Ok(out)
}

pub fn bump(tx: &Connection, name: &str, by: i64) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO counters (name, value) VALUES (?1, ?2)
         ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
        params![name, by],
    )?;
    Ok(())
}

pub fn bump_conn(conn: &Connection, name: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO counters (name, value) VALUES (?1, 1)
         ON CONFLICT(name) DO UPDATE SET value = value + 1",
        [name],
    )?;
    Ok(())
}

/// The next number in a named sequence (ids are built from these).
pub fn next_seq(tx: &Connection, name: &str) -> rusqlite::Result<i64> {
    let key = format!("seq:{name}");
    let current: Option<String> = tx
        .query_row("SELECT value FROM meta WHERE key = ?1", [&key], |r| {
            r.get(0)
        })
        .optional()?;
    let next = current.and_then(|v| v.parse::<i64>().ok()).unwrap_or(0) + 1;
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, next.to_string()],
    )?;
    Ok(next)
}

pub fn meta_get(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
}

pub fn meta_set(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}
