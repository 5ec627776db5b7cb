//! Backups with SQLite's online backup API, and restoring one over a damaged database.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OpenFlags, MAIN_DB};

use crate::{Store, StoreError};

impl Store {
    /// Writes a consistent copy of the database to `dest` while it stays in use, checks the copy
    /// with `integrity_check` and makes it durable before it takes its name.
    pub fn backup_to(&self, dest: &Path) -> Result<(), StoreError> {
        copy_to(&self.conn, dest)
    }
}

fn copy_to(conn: &Connection, dest: &Path) -> Result<(), StoreError> {
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = dest.with_extension("part");
    let _ = std::fs::remove_file(&tmp);
    let written = conn
        .backup(MAIN_DB, &tmp, None::<fn(rusqlite::backup::Progress)>)
        .map_err(StoreError::from)
        .and_then(|()| verify(&tmp))
        .and_then(|()| Ok(std::fs::File::open(&tmp)?.sync_all()?));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, dest)?;
    sync_dir(dest);
    Ok(())
}

/// Where backups of the database at `db` go: `backups/` beside it.
pub fn backups_dir(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("backups")
}

/// A backup's file name: `koodesk-<UTC time>[-<note>].sqlite3`, so names sort by time.
pub fn backup_name(now: SystemTime, note: Option<&str>) -> String {
    let fmt = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let stamp = time::OffsetDateTime::from(now)
        .format(&fmt)
        .unwrap_or_else(|_| "unknown".into());
    match note {
        Some(n) => format!("koodesk-{stamp}-{n}.sqlite3"),
        None => format!("koodesk-{stamp}.sqlite3"),
    }
}

fn before_schema_note(from: u32) -> String {
    format!("before-schema-{from}")
}

/// The newest copy made before a newer Koodesk updated the schema from `from`.
pub fn before_schema_backup(db: &Path, from: u32) -> Option<PathBuf> {
    let suffix = format!("-{}.sqlite3", before_schema_note(from));
    list_backups(&backups_dir(db))
        .into_iter()
        .find(|p| p.to_string_lossy().ends_with(&suffix))
}

/// Copies the database (still at schema `from`) into the backups before it is updated. If the
/// copy cannot be made, nothing is updated: the error says why, and the older Koodesk still opens
/// the file.
pub(crate) fn before_migration(conn: &Connection, db: &Path, from: u32) -> Result<(), StoreError> {
    let dest = backups_dir(db).join(backup_name(
        SystemTime::now(),
        Some(&before_schema_note(from)),
    ));
    match copy_to(conn, &dest) {
        Ok(()) => {
            tracing::info!(backup = %dest.display(), from, "backed up before updating the schema");
            Ok(())
        }
        Err(e) => Err(StoreError::Migration(format!(
            "it was left as it is, because the copy kept before updating it could not be written \
             to {} ({e}); free some space and start Koodesk again",
            dest.display()
        ))),
    }
}

/// Backups in `dir`, newest first (names sort by time).
pub fn list_backups(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|it| {
            it.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "sqlite3"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v.reverse();
    v
}

/// Keeps the newest `keep` backups in `dir`, deleting older ones.
pub fn prune_backups(dir: &Path, keep: usize) {
    for old in list_backups(dir).into_iter().skip(keep) {
        let _ = std::fs::remove_file(old);
    }
}

/// Checks a database file with SQLite's full `integrity_check`, read-only.
pub fn verify(path: &Path) -> Result<(), StoreError> {
    let damaged = |detail: String| StoreError::Damaged {
        path: path.to_path_buf(),
        detail,
    };
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| StoreError::open(path, e))?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| damaged(e.to_string()))?;
    if verdict != "ok" {
        return Err(damaged(verdict));
    }
    Ok(())
}

/// Makes a rename in `path`'s folder durable (Unix; elsewhere the rename is already).
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// `<file>-wal` and `<file>-shm`: the names SQLite pairs with a database file.
fn sidecar(db: &Path, kind: &str) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(format!("-{kind}"));
    db.with_file_name(name)
}

/// Puts `backup` in place of the database at `db`, so that nothing can be made worse:
/// - the backup is checked with `integrity_check` before anything is moved;
/// - it is copied to a temporary file beside the database, synced, and renamed into place;
/// - the database being replaced is kept as `<name>.damaged-<suffix>`, with its `-wal` and `-shm`
///   as `<name>.damaged-<suffix>-wal` / `-shm`, the names SQLite pairs with it, so its last
///   edits can still be recovered by opening that file;
/// - if a sidecar cannot be moved aside, it stops with an error before the database is touched
///   (SQLite would otherwise replay the old write-ahead log into the restored file).
///
/// Returns where the replaced database went.
pub fn restore_backup(
    backup: &Path,
    db: &Path,
    suffix: &str,
) -> Result<Option<PathBuf>, StoreError> {
    verify(backup)?;
    let name = db
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let aside = db.with_file_name(format!("{name}.damaged-{suffix}"));
    let staged = db.with_file_name(format!("{name}.restoring"));
    let _ = std::fs::remove_file(&staged);
    std::fs::copy(backup, &staged)?;
    std::fs::File::open(&staged)?.sync_all()?;

    let cannot_move = |what: &Path, e: std::io::Error| {
        let _ = std::fs::remove_file(&staged);
        StoreError::Io(std::io::Error::new(
            e.kind(),
            format!(
                "{} cannot be moved aside ({e}); nothing was restored. Close every program using \
                 the Koodesk folder and try again.",
                what.display()
            ),
        ))
    };
    for kind in ["wal", "shm"] {
        let side = sidecar(db, kind);
        if side.exists() {
            std::fs::rename(&side, sidecar(&aside, kind)).map_err(|e| cannot_move(&side, e))?;
        }
    }
    let mut kept = None;
    if db.exists() {
        std::fs::rename(db, &aside).map_err(|e| cannot_move(db, e))?;
        kept = Some(aside);
    }
    std::fs::rename(&staged, db)?;
    sync_dir(db);
    Ok(kept)
}

/// What restoring `backup` over the database at `db` would drop: drafts and revisions saved in
/// `db` that the backup does not have. Both are read read-only.
pub fn loss_if_restored(db: &Path, backup: &Path) -> Result<(u32, u32), StoreError> {
    let keys = |path: &Path| -> Result<std::collections::HashSet<(String, i64)>, StoreError> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| StoreError::open(path, e))?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let mut stmt = conn.prepare("SELECT draft_id, revision FROM draft_revisions")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    };
    let in_backup = keys(backup)?;
    let newer: Vec<(String, i64)> = keys(db)?
        .into_iter()
        .filter(|k| !in_backup.contains(k))
        .collect();
    let drafts: std::collections::HashSet<&str> = newer.iter().map(|(d, _)| d.as_str()).collect();
    Ok((drafts.len() as u32, newer.len() as u32))
}
