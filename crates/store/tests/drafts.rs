//! Drafts in a real SQLite file: revisions, conflicts, search, attachments, backup and restore.

use koodesk_store::backup::{list_backups, restore_backup};
use koodesk_store::{
    DraftFilter, DraftWrite, SearchFields, StateFilter, Store, StoreError, DB_FILE_NAME,
};

fn write(name: &str, overview: &str, method: &str, errors: u32) -> DraftWrite {
    DraftWrite {
        kind: "release".into(),
        live_product_id: None,
        name: name.into(),
        delivery_method: method.into(),
        doc: format!("{{\"name\":{name:?}}}"),
        errors,
        warnings: 0,
        search: SearchFields {
            name: name.into(),
            overview: overview.into(),
            description: String::new(),
            highlights: String::new(),
        },
    }
}

fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join(DB_FILE_NAME)).unwrap()
}

#[test]
fn every_save_is_a_revision_and_old_revisions_stay_readable() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    s.create_draft(
        "d1",
        &write("Migration", "", "professional_service", 3),
        "created",
    )
    .unwrap();
    s.save_draft(
        "d1",
        Some(1),
        &write("Migration Pro", "", "professional_service", 1),
        "edit",
    )
    .unwrap();
    let row = s
        .save_draft(
            "d1",
            Some(2),
            &write("Migration Plus", "", "professional_service", 0),
            "edit",
        )
        .unwrap();
    assert_eq!(row.revision, 3);
    assert_eq!(row.name, "Migration Plus");
    drop(s);

    let s = open(&dir);
    let revs = s.revisions("d1").unwrap();
    assert_eq!(
        revs.iter().map(|r| r.revision).collect::<Vec<_>>(),
        [3, 2, 1]
    );
    assert_eq!(revs[2].note, "created");
    assert_eq!(
        s.revision_doc("d1", 2).unwrap().unwrap(),
        "{\"name\":\"Migration Pro\"}"
    );
    assert_eq!(s.audit_entries("draft", "d1", 10).unwrap().len(), 3);
}

#[test]
fn a_stale_save_is_refused_instead_of_overwriting_newer_work() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    s.create_draft("d1", &write("A", "", "license", 0), "created")
        .unwrap();
    s.save_draft("d1", Some(1), &write("B", "", "license", 0), "edit")
        .unwrap();
    let err = s
        .save_draft("d1", Some(1), &write("stale", "", "license", 0), "edit")
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { current: 2 }),
        "{err:?}"
    );
    assert_eq!(s.draft("d1").unwrap().unwrap().name, "B");
    assert!(matches!(
        s.save_draft("nope", None, &write("x", "", "license", 0), "edit"),
        Err(StoreError::NotFound)
    ));
}

#[test]
fn full_text_search_finds_substrings_in_any_field_and_language() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    s.create_draft(
        "d1",
        &write(
            "Database Migration",
            "Move MySQL to the cloud",
            "professional_service",
            0,
        ),
        "created",
    )
    .unwrap();
    s.create_draft(
        "d2",
        &write("Backup Vault", "Nightly backups of PostgreSQL", "saas", 2),
        "created",
    )
    .unwrap();
    s.create_draft(
        "d3",
        &write(
            "数据迁移服务",
            "专业的数据库迁移",
            "professional_service",
            0,
        ),
        "created",
    )
    .unwrap();

    let ids = |f: DraftFilter| -> Vec<String> {
        s.list_drafts(&f)
            .unwrap()
            .into_iter()
            .map(|d| d.id)
            .collect()
    };
    let q = |text: &str| DraftFilter {
        query: Some(text.into()),
        ..Default::default()
    };
    assert_eq!(ids(q("migration")), ["d1"]);
    assert_eq!(ids(q("MIGR")), ["d1"], "case-insensitive substring");
    assert_eq!(ids(q("postgres")), ["d2"], "overview is searched");
    assert_eq!(ids(q("数据库迁移")), ["d3"]);
    assert_eq!(ids(q("迁移")), ["d3"], "two-character words still match");
    assert_eq!(ids(q("cloud mysql")), ["d1"], "all words must match");
    assert!(ids(q("kubernetes")).is_empty());
    assert!(
        ids(q("\" OR 1=1 --")).is_empty(),
        "query syntax is never interpreted"
    );

    let method = DraftFilter {
        delivery_method: Some("saas".into()),
        ..Default::default()
    };
    assert_eq!(ids(method), ["d2"]);
    let errors = DraftFilter {
        state: Some(StateFilter::HasErrors),
        ..Default::default()
    };
    assert_eq!(ids(errors), ["d2"]);
    let ready = DraftFilter {
        state: Some(StateFilter::Ready),
        ..Default::default()
    };
    assert_eq!(ids(ready).len(), 2);

    // Edits update the index; deleted drafts disappear from it.
    s.save_draft(
        "d1",
        None,
        &write(
            "Database Replication",
            "Move MySQL",
            "professional_service",
            0,
        ),
        "edit",
    )
    .unwrap();
    assert!(s.list_drafts(&q("migration")).unwrap().is_empty());
    s.delete_draft("d2").unwrap();
    assert!(s.list_drafts(&q("backup")).unwrap().is_empty());
    assert_eq!(s.count_drafts().unwrap(), 2);
}

fn png_bytes(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().unwrap();
        writer
            .write_image_data(&vec![200u8; (w * h * 4) as usize])
            .unwrap();
    }
    out
}

#[test]
fn attachments_are_stored_once_by_hash_with_their_real_type_and_size() {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("attachments");
    let mut s = open(&dir);
    let logo = png_bytes(120, 120);
    let a = s.put_attachment(&files, "logo.png", &logo).unwrap();
    assert_eq!(a.media_type, "image/png");
    assert_eq!(a.image.map(|i| (i.width, i.height)), Some((120, 120)));
    assert_eq!(a.sha256.len(), 64);
    let stored = koodesk_store::attachment_path(&files, &a.sha256);
    assert_eq!(std::fs::read(&stored).unwrap(), logo);
    let again = s.put_attachment(&files, "same-logo.png", &logo).unwrap();
    assert_eq!(again.sha256, a.sha256);
    let count = walk(&files);
    assert_eq!(count, 1, "stored once");

    let wide = s
        .put_attachment(&files, "wide.png", &png_bytes(300, 100))
        .unwrap();
    assert_eq!(wide.image.map(|i| (i.width, i.height)), Some((300, 100)));

    let pdf = s
        .put_attachment(&files, "eula.pdf", b"%PDF-1.7\n...")
        .unwrap();
    assert_eq!(pdf.media_type, "application/pdf");

    for (name, bytes, why) in [
        ("logo.png", b"GIF89a....".to_vec(), "not a PNG"),
        ("run.exe", b"MZ\x90\x00".to_vec(), "not a PNG, JPEG"),
        ("empty.pdf", Vec::new(), "empty"),
        (
            "cut.png",
            png_bytes(120, 120)[..60].to_vec(),
            "not a readable PNG",
        ),
    ] {
        let err = s.put_attachment(&files, name, &bytes).unwrap_err();
        assert!(err.to_string().contains(why), "{name}: {err}");
    }
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            if e.path().is_dir() {
                walk(&e.path())
            } else {
                1
            }
        })
        .sum()
}

#[test]
fn a_damaged_database_can_be_replaced_by_its_latest_backup_without_losing_the_damaged_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(DB_FILE_NAME);
    let backups = dir.path().join("backups");
    {
        let mut s = Store::open(&db).unwrap();
        s.create_draft(
            "d1",
            &write("Kept in the backup", "", "license", 0),
            "created",
        )
        .unwrap();
        s.backup_to(&backups.join("koodesk-20261122T010000Z.sqlite3"))
            .unwrap();
        s.create_draft(
            "d2",
            &write("After the backup", "", "license", 0),
            "created",
        )
        .unwrap();
    }
    std::fs::write(&db, b"disk error scribbled here".repeat(300)).unwrap();
    assert!(matches!(Store::open(&db), Err(StoreError::Damaged { .. })));

    let latest = list_backups(&backups).into_iter().next().unwrap();
    let aside = restore_backup(&latest, &db, "20261122T020000Z")
        .unwrap()
        .unwrap();
    assert!(
        std::fs::read(&aside).unwrap().starts_with(b"disk error"),
        "the damaged file is kept"
    );
    let s = Store::open(&db).unwrap();
    assert_eq!(s.draft("d1").unwrap().unwrap().name, "Kept in the backup");
    assert!(s.draft("d2").unwrap().is_none());

    // A damaged backup is refused and nothing is moved.
    std::fs::write(&latest, b"not a backup").unwrap();
    assert!(restore_backup(&latest, &db, "x").is_err());
    assert!(Store::open(&db).is_ok());
}

#[test]
fn support_info_is_versioned_per_account() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    assert_eq!(s.support_info("local").unwrap(), None);
    assert_eq!(
        s.save_support_info("local", Some(0), "{\"a\":1}").unwrap(),
        1
    );
    assert_eq!(
        s.save_support_info("local", Some(1), "{\"a\":2}").unwrap(),
        2
    );
    assert!(matches!(
        s.save_support_info("local", Some(1), "{}"),
        Err(StoreError::Conflict { current: 2 })
    ));
    assert_eq!(
        s.support_info("local").unwrap(),
        Some((2, "{\"a\":2}".into()))
    );
    assert_eq!(s.support_info("other").unwrap(), None);
}

#[test]
fn an_issued_form_version_is_never_changed_editing_it_makes_the_next_version() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    let doc = |title: &'static str| move |v: u32| format!("{{\"v\":{v},\"t\":\"{title}\"}}");
    assert_eq!(s.save_form("local", "f", doc("a")).unwrap().version, 1);
    assert_eq!(
        s.save_form("local", "f", doc("b")).unwrap().version,
        1,
        "not issued: edited in place"
    );
    s.mark_form_issued("local", "f", 1).unwrap();
    assert_eq!(
        s.save_form("local", "f", doc("b")).unwrap().version,
        1,
        "unchanged: stays"
    );
    let v2 = s.save_form("local", "f", doc("c")).unwrap();
    assert_eq!((v2.version, v2.issued), (2, false));
    assert_eq!(
        s.form("local", "f", Some(1)).unwrap().unwrap().doc,
        "{\"v\":1,\"t\":\"b\"}"
    );
    assert_eq!(s.form("local", "f", None).unwrap().unwrap().version, 2);
    assert_eq!(s.latest_forms("local").unwrap().len(), 1);
}

/// An app killed with its edits still in the write-ahead log: restoring must neither replay that
/// log into the restored file nor lose it (it stays paired with the set-aside database).
#[test]
fn restore_with_a_wal_left_by_a_killed_app_keeps_the_log_with_the_file_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(DB_FILE_NAME);
    let backup = dir.path().join("backups/koodesk-20261122T010000Z.sqlite3");
    let killed = |extra: &str| {
        let mut s = Store::open(&db).unwrap();
        s.create_draft(
            extra,
            &write("After the backup", "", "license", 0),
            "created",
        )
        .unwrap();
        // Killed: the connection is never closed, so its log is never checkpointed away.
        std::mem::forget(s);
    };
    {
        let mut s = Store::open(&db).unwrap();
        s.create_draft("d1", &write("In the backup", "", "license", 0), "created")
            .unwrap();
        s.backup_to(&backup).unwrap();
    }
    killed("d2");
    let wal = dir.path().join(format!("{DB_FILE_NAME}-wal"));
    assert!(
        wal.metadata().is_ok_and(|m| m.len() > 0),
        "the log is left behind"
    );

    let aside = restore_backup(&backup, &db, "S1").unwrap().unwrap();
    assert!(!wal.exists(), "the log went with the file it belongs to");
    let restored = Store::open(&db).unwrap();
    assert!(restored.draft("d1").unwrap().is_some());
    assert!(
        restored.draft("d2").unwrap().is_none(),
        "the old log was not replayed into the backup"
    );
    drop(restored);
    let recovered = Store::open(&aside).unwrap();
    assert_eq!(
        recovered.draft("d2").unwrap().map(|d| d.name).as_deref(),
        Some("After the backup"),
        "the set-aside file and its log still hold the last edits"
    );
    drop(recovered);

    // A log that cannot be moved aside stops the restore before anything is touched.
    killed("d3");
    let blocked = dir.path().join(format!("{DB_FILE_NAME}.damaged-S2-wal"));
    std::fs::create_dir_all(blocked.join("in-the-way")).unwrap();
    let e = restore_backup(&backup, &db, "S2").unwrap_err();
    assert!(e.to_string().contains("cannot be moved aside"), "{e}");
    assert!(!dir
        .path()
        .join(format!("{DB_FILE_NAME}.restoring"))
        .exists());
    let untouched = Store::open(&db).unwrap();
    assert!(
        untouched.draft("d3").unwrap().is_some(),
        "nothing was restored"
    );
}

#[test]
fn a_backup_is_checked_before_it_counts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(DB_FILE_NAME);
    let dest = dir.path().join("backups/b.sqlite3");
    let mut s = Store::open(&db).unwrap();
    s.create_draft("d1", &write("A", "", "license", 0), "created")
        .unwrap();
    s.backup_to(&dest).unwrap();
    koodesk_store::backup::verify(&dest).unwrap();
    assert!(!dest.with_extension("part").exists());
    std::fs::write(&dest, b"SQLite format 3\0 but nothing after").unwrap();
    assert!(koodesk_store::backup::verify(&dest).is_err());
}
