//! Opening databases: fresh, reopened, damaged, and written by a newer Koodesk.

use koodesk_store::{Store, StoreError, DB_FILE_NAME};

#[test]
fn a_fresh_database_is_created_migrated_and_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join(DB_FILE_NAME)).unwrap();
    let status = store.status().unwrap();
    assert_eq!(status.schema_version, status.latest_schema_version);
    assert!(status.schema_version >= 1);
    assert_eq!(status.journal_mode, "wal");
}

#[test]
fn settings_survive_reopening_and_leave_an_audit_trail() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE_NAME);
    {
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.setting("language").unwrap(), None);
        store.set_setting("language", "en").unwrap();
        store.set_setting("language", "zh-CN").unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.setting("language").unwrap().as_deref(), Some("zh-CN"));
    let audit = store.audit_entries("setting", "language", 10).unwrap();
    let values: Vec<_> = audit.iter().map(|a| a.detail.as_str()).collect();
    assert_eq!(values, ["zh-CN", "en"]);
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE_NAME);
    let garbage = b"this is a seller's spreadsheet, not a database\n".repeat(200);
    std::fs::write(&path, &garbage).unwrap();
    let err = Store::open(&path).err().expect("garbage must be refused");
    assert!(matches!(err, StoreError::Damaged { .. }), "{err:?}");
    assert!(err.to_string().contains("damaged"));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        garbage,
        "the file must not be reset"
    );
}

#[test]
fn a_database_with_a_corrupted_page_is_reported_as_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE_NAME);
    {
        let mut store = Store::open(&path).unwrap();
        for i in 0..500 {
            store
                .set_setting(&format!("k{i}"), &"x".repeat(200))
                .unwrap();
        }
    }
    // Checkpointed on close; now scribble over a page in the middle of the file.
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(
        bytes.len() > 8192 * 3,
        "expected several pages, got {}",
        bytes.len()
    );
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 3000] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(&path)
        .err()
        .expect("corruption must be detected");
    assert!(matches!(err, StoreError::Damaged { .. }), "{err:?}");
}

#[test]
fn a_database_from_a_newer_koodesk_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE_NAME);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA user_version = 999;").unwrap();
    }
    let err = Store::open(&path)
        .err()
        .expect("newer schema must be refused");
    match err {
        StoreError::NewerSchema { found, .. } => assert_eq!(found, 999),
        other => panic!("unexpected {other:?}"),
    }
}

fn latest_schema() -> u32 {
    Store::open_in_memory()
        .unwrap()
        .status()
        .unwrap()
        .latest_schema_version
}

fn user_version(path: &std::path::Path) -> u32 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn updating_the_schema_backs_the_old_database_up_first_and_an_older_version_points_at_it() {
    let latest = latest_schema();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE_NAME);
    let old = latest - 1;
    koodesk_store::create_at_schema(&path, old).unwrap();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute(
            "INSERT INTO settings (key, value) VALUES ('seller.note', 'kept')",
            [],
        )
        .unwrap();
    }
    let backups = dir.path().join("backups");
    assert!(!backups.exists());

    // The updated version opens it: first a copy at the old schema, then the update.
    let store = Store::open(&path).unwrap();
    assert_eq!(store.status().unwrap().schema_version, latest);
    drop(store);
    let copy = koodesk_store::backup::before_schema_backup(&path, old).expect("a copy");
    assert!(copy.starts_with(&backups), "{}", copy.display());
    assert_eq!(user_version(&copy), old);
    koodesk_store::backup::verify(&copy).unwrap();
    let kept: String = rusqlite::Connection::open(&copy)
        .unwrap()
        .query_row(
            "SELECT value FROM settings WHERE key = 'seller.note'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, "kept");
    // Opening it again (nothing to update) makes no second copy.
    Store::open(&path).unwrap();
    assert_eq!(koodesk_store::backup::list_backups(&backups).len(), 1);

    // The older version, opened on the newer database, refuses and names that copy.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(&format!("PRAGMA user_version = {};", latest + 1))
            .unwrap();
    }
    // (This build plays the older version: the newer database went one schema further, and its
    // copy from this build's schema is what the message must name.)
    std::fs::copy(
        &copy,
        backups.join(koodesk_store::backup::backup_name(
            std::time::SystemTime::now(),
            Some(&format!("before-schema-{latest}")),
        )),
    )
    .unwrap();
    let err = Store::open(&path).err().expect("refused");
    let message = err.to_string();
    assert!(matches!(err, StoreError::NewerSchema { .. }), "{err:?}");
    assert!(message.contains("newer Koodesk"), "{message}");
    assert!(
        message.contains(&format!("before-schema-{latest}.sqlite3")),
        "{message}"
    );
    assert_eq!(user_version(&path), latest + 1, "left as it is");
}

#[test]
fn without_room_for_the_copy_the_old_database_is_not_updated() {
    let latest = latest_schema();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE_NAME);
    koodesk_store::create_at_schema(&path, latest - 2).unwrap();
    // A file where the backups folder should be: the copy cannot be written.
    std::fs::write(dir.path().join("backups"), b"not a folder").unwrap();
    let err = Store::open(&path).err().expect("refused");
    let message = err.to_string();
    assert!(message.contains("could not be written"), "{message}");
    assert_eq!(user_version(&path), latest - 2, "still the old schema");
    // Room again: it updates.
    std::fs::remove_file(dir.path().join("backups")).unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.status().unwrap().schema_version, latest);
}
