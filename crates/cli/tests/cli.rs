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
