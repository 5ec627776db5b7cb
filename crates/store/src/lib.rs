//! Koodesk's local database: the only crate that writes SQL.
//!
//! A [`Store`] is one SQLite file in the data folder. Opening it checks that the file is a healthy
//! Koodesk database written by this or an older Koodesk, then brings its schema up to date. Every
//! change that matters to the seller is written together with an audit row in one transaction.

mod accounts;
mod alerts;
mod attachments;
mod audit;
pub mod backup;
mod drafts;
mod error;
mod forms;
mod migrations;
mod outbox;
mod settings;
mod support;

pub use accounts::AccountRow;
pub use alerts::{AlertRow, NewAlert};
pub use attachments::{attachment_path, MAX_ATTACHMENT_BYTES};
pub use audit::AuditEntry;
pub use drafts::{
    DraftFilter, DraftRow, DraftSummary, DraftWrite, RevisionInfo, SearchFields, StateFilter,
};
pub use error::StoreError;
pub use forms::FormRow;
#[doc(hidden)]
pub use migrations::create_at_schema;
pub use outbox::{
    AttentionRow, Effect, NewOutboxRow, NewSubmission, OrderColumns, OutboxRow, Pulled,
    RemoteApplication, RemoteOrder, RemoteProduct, StallQuery, StallRow, SubmissionRow,
};

/// The version of the SQLite library compiled in.
pub fn sqlite_version() -> &'static str {
    rusqlite::version()
}

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

/// The database file name inside the data folder.
pub const DB_FILE_NAME: &str = "koodesk.sqlite3";

/// An open, migrated, integrity-checked Koodesk database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// What `doctor` and the UI show about the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreStatus {
    pub path: PathBuf,
    pub schema_version: u32,
    pub latest_schema_version: u32,
    pub sqlite_version: String,
    pub journal_mode: String,
}

impl Store {
    /// Opens (creating if needed) the database at `path`.
    ///
    /// A file that is not a SQLite database, fails SQLite's integrity check, or was written by a newer
    /// Koodesk is refused with an error that says so; the file is never reset or overwritten.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(path, flags).map_err(|e| StoreError::open(path, e))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.check_health()?;
        store.configure()?;
        migrations::migrate(&mut store.conn, path)?;
        tracing::debug!(path = %path.display(), "store opened");
        Ok(store)
    }

    /// Opens a private in-memory database (tests and dry runs).
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let conn =
            Connection::open_in_memory().map_err(|e| StoreError::open(Path::new(":memory:"), e))?;
        let mut store = Store {
            conn,
            path: PathBuf::from(":memory:"),
        };
        store.configure()?;
        migrations::migrate(&mut store.conn, Path::new(":memory:"))?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Schema version, SQLite version and journal mode, for diagnostics.
    pub fn status(&self) -> Result<StoreStatus, StoreError> {
        let schema_version = migrations::current_version(&self.conn)?;
        let journal_mode: String = self
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        Ok(StoreStatus {
            path: self.path.clone(),
            schema_version,
            latest_schema_version: migrations::latest_version(),
            sqlite_version: rusqlite::version().to_string(),
            journal_mode,
        })
    }

    /// Reads the file header and runs SQLite's quick integrity check before anything is written.
    fn check_health(&self) -> Result<(), StoreError> {
        let verdict: Result<String, rusqlite::Error> =
            self.conn.query_row("PRAGMA quick_check", [], |r| r.get(0));
        match verdict {
            Ok(v) if v == "ok" => Ok(()),
            Ok(v) => Err(StoreError::Damaged {
                path: self.path.clone(),
                detail: v,
            }),
            Err(e) => Err(StoreError::Damaged {
                path: self.path.clone(),
                detail: e.to_string(),
            }),
        }
    }

    fn configure(&self) -> Result<(), StoreError> {
        self.conn.busy_timeout(Duration::from_secs(5))?;
        // The outbox and the editor's write-through run the same few statements over and over.
        self.conn.set_prepared_statement_cache_capacity(64);
        // WAL keeps readers and the writer apart and survives a killed process without losing a
        // committed transaction; NORMAL sync is durable in WAL mode except on power loss.
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.pragma_update(None, "foreign_keys", true)?;
        Ok(())
    }
}
