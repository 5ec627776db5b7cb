//! The `koodesk` binary, run as a seller would, without a display.

use std::process::Command;

fn koodesk(data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_koodesk"));
    cmd.env("KOODESK_DATA_DIR", data_dir)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    cmd
}

#[test]
fn version_and_help_work_without_a_display() {
    let dir = tempfile::tempdir().unwrap();
    let out = koodesk(dir.path()).arg("--version").output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.trim(),
        format!("koodesk {}", env!("CARGO_PKG_VERSION"))
    );

    let out = koodesk(dir.path()).arg("--help").output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("doctor"), "{stdout}");
}

#[test]
fn doctor_reports_the_data_folder_and_a_damaged_database() {
    let dir = tempfile::tempdir().unwrap();
    let out = koodesk(dir.path()).arg("doctor").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(&dir.path().display().to_string()),
        "{stdout}"
    );
    assert!(stdout.contains("KOODESK_DATA_DIR"), "{stdout}");
    assert!(stdout.contains("not created yet"), "{stdout}");

    std::fs::write(dir.path().join("koodesk.sqlite3"), b"garbage ".repeat(512)).unwrap();
    let out = koodesk(dir.path())
        .args(["doctor", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "a damaged database is a failure"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["database"]["health"], "damaged");
    assert!(report["sqlite_version"].as_str().unwrap().starts_with('3'));
}

#[test]
fn drafts_round_trip_through_export_and_import_and_lint_sets_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/migration-draft.json");

    let out = koodesk(dir.path())
        .args(["lint", fixture.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the fixture has blocking errors: {text}"
    );
    assert!(text.contains("version.format"), "{text}");
    assert!(text.contains("name.branding"), "{text}");

    let out = koodesk(dir.path())
        .args(["drafts", "import", fixture.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(id.starts_with("d-"), "{id}");

    let out = koodesk(dir.path())
        .args(["drafts", "list"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&id) && text.contains("Huawei Cloud Migration"),
        "{text}"
    );

    let out = koodesk(dir.path())
        .args(["lint", &id, "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(findings
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "version.format" && f["zh-CN"].is_string()));

    let exported = dir.path().join("out.json");
    let out = koodesk(dir.path())
        .args(["drafts", "export", &id, "-o", exported.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&exported).unwrap()).unwrap();
    assert_eq!(b["product"]["basic"]["version"], "First Version");
    assert_eq!(
        b["product"]["specifications"][0]["skus"][0]["price"],
        "4999.00"
    );
    // Export → import → export is byte-identical (defaults are written out explicitly).
    let out = koodesk(dir.path())
        .args(["drafts", "import", exported.to_str().unwrap()])
        .output()
        .unwrap();
    let id2 = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let again = dir.path().join("again.json");
    koodesk(dir.path())
        .args(["drafts", "export", &id2, "-o", again.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(&again).unwrap(),
        std::fs::read_to_string(&exported).unwrap()
    );

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{ not json").unwrap();
    let out = koodesk(dir.path())
        .args(["drafts", "import", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("not JSON"));
    let out = koodesk(dir.path())
        .args(["drafts", "show", "d-nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn templates_are_generated_and_an_untouched_one_reads_back_with_required_errors() {
    let dir = tempfile::tempdir().unwrap();
    let form = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/examples/data-migration-request.json");
    for format in ["xlsx", "docx"] {
        let out = dir.path().join(format!("t.{format}"));
        let st = koodesk(dir.path())
            .args([
                "template",
                "generate",
                "--form",
                form.to_str().unwrap(),
                "--format",
                format,
                "-o",
                out.to_str().unwrap(),
                "--lang",
                "zh-CN",
            ])
            .output()
            .unwrap();
        assert!(st.status.success(), "{st:?}");
        let st = koodesk(dir.path())
            .args([
                "template",
                "read",
                "--form",
                form.to_str().unwrap(),
                out.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert_eq!(
            st.status.code(),
            Some(1),
            "an empty template has missing required fields"
        );
        let report: serde_json::Value = serde_json::from_slice(&st.stdout).unwrap();
        assert_eq!(report["form_id"], "data-migration-request");
        let keys: Vec<&str> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["key"].as_str().unwrap())
            .collect();
        assert!(
            keys.contains(&"company") && keys.contains(&"start_date"),
            "{keys:?}"
        );
    }
    let st = koodesk(dir.path())
        .args([
            "template",
            "generate",
            "--form",
            form.to_str().unwrap(),
            "--format",
            "pdf",
            "-o",
            "x",
        ])
        .output()
        .unwrap();
    assert_eq!(st.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&st.stderr).contains("use xlsx or docx"));
}

/// `koodesk template read` on files built to exhaust a reader: a valued cell at the far corner of
/// the hidden `_meta` sheet (once an abort: "memory allocation of 549755813888 bytes failed"), a
/// sparse multi-GB file, a FIFO. Each gets an answer: a report, or exit 2 with a clear message.
#[test]
fn template_read_answers_hostile_files_without_crashing() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let form = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/examples/data-migration-request.json");
    let good = dir.path().join("t.xlsx");
    let st = koodesk(dir.path())
        .args(["template", "generate", "--form"])
        .arg(&form)
        .args(["--format", "xlsx", "-o"])
        .arg(&good)
        .output()
        .unwrap();
    assert!(st.status.success(), "{st:?}");
    let bytes = std::fs::read(&good).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    // The workbook's last sheet is `_meta`.
    let last_sheet = (1..20)
        .rev()
        .map(|i| format!("xl/worksheets/sheet{i}.xml"))
        .find(|n| zip.index_for_name(n).is_some())
        .unwrap();
    for cell in ["XFD1048576", "P1048576", "ZZ300000"] {
        let row: String = cell.chars().filter(char::is_ascii_digit).collect();
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut content = Vec::new();
            f.read_to_end(&mut content).unwrap();
            if name == last_sheet {
                let xml = String::from_utf8(content).unwrap().replacen(
                    "</sheetData>",
                    &format!("<row r=\"{row}\"><c r=\"{cell}\"><v>1</v></c></row></sheetData>"),
                    1,
                );
                content = xml.into_bytes();
            }
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(&content).unwrap();
        }
        let far = dir.path().join(format!("far-{cell}.xlsx"));
        std::fs::write(&far, out.finish().unwrap().into_inner()).unwrap();
        let st = koodesk(dir.path())
            .args(["template", "read", "--form"])
            .arg(&form)
            .arg(&far)
            .output()
            .unwrap();
        assert_eq!(
            st.status.code(),
            Some(1),
            "{cell}: read normally (the untouched answers are missing): {st:?}"
        );
        let report: serde_json::Value = serde_json::from_slice(&st.stdout).unwrap();
        assert_eq!(report["form_id"], "data-migration-request", "{cell}");
    }

    let sparse = dir.path().join("sparse.xlsx");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    let fifo = dir.path().join("fifo.xlsx");
    let made = Command::new("mkfifo").arg(&fifo).status();
    let mut refused = vec![
        (sparse, "larger than"),
        (dir.path().to_path_buf(), "not a regular file"),
    ];
    if made.is_ok_and(|s| s.success()) {
        refused.push((fifo, "not a regular file"));
    }
    for (path, says) in refused {
        let st = koodesk(dir.path())
            .args(["template", "read", "--form"])
            .arg(&form)
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(st.status.code(), Some(2), "{path:?}: {st:?}");
        let err = String::from_utf8_lossy(&st.stderr);
        assert!(err.contains(says), "{path:?}: {err}");
    }
}

/// The name table of KooGallery's "no price, version or phone number in the name" rule, as
/// `koodesk lint --json` reports it: names a seller really uses pass, real prices, versions and
/// phone numbers are blocked.
#[test]
fn lint_blocks_only_real_prices_versions_and_phone_numbers_in_names() {
    let dir = tempfile::tempdir().unwrap();
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/examples/professional-service-draft.json");
    let mut draft: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example).unwrap()).unwrap();
    let cases: [(&str, Option<&str>); 8] = [
        ("元数据迁移服务", None),
        ("折叠屏适配咨询", None),
        ("多元数据治理服务", None),
        ("MySQL 5.7 to 8.0 Migration", None),
        ("Windows 2012 2016 Upgrade Service", None),
        ("Data Migration ¥99", Some("name.price")),
        ("Acme Migration V2.0", Some("name.version")),
        ("Call 13812345678 Migration", Some("name.phone")),
    ];
    for (name, blocked_by) in cases {
        draft["product"]["basic"]["name"] = serde_json::json!(name);
        let file = dir.path().join("draft.json");
        std::fs::write(&file, draft.to_string()).unwrap();
        let out = koodesk(dir.path())
            .args(["lint", "--json"])
            .arg(&file)
            .output()
            .unwrap();
        let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let name_errors: Vec<&str> = findings
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["path"] == "product.basic.name" && f["severity"] == "error")
            .filter_map(|f| f["rule"].as_str())
            .collect();
        match blocked_by {
            None => assert!(name_errors.is_empty(), "{name}: {name_errors:?}"),
            Some(rule) => assert_eq!(name_errors, [rule], "{name}"),
        }
    }
}
