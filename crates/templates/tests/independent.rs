//! The generated files checked by readers and writers that are not Koodesk's: openpyxl and
//! python-docx (PyPI), and LibreOffice. `cargo xtask test` installs them.

use std::path::{Path, PathBuf};
use std::process::Command;

use koodesk_domain::form::RequestForm;
use koodesk_templates::{docx, read, xlsx, Options};
use serde_json::{json, Value};

fn form_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/data-migration-request.json")
}

fn form() -> RequestForm {
    RequestForm::from_json(&std::fs::read_to_string(form_path()).unwrap()).unwrap()
}

fn py(script: &str, args: &[&Path]) -> String {
    let python = std::env::var("KOODESK_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/py")
        .join(script);
    let out = Command::new(&python)
        .arg(&script)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("{python} is needed (cargo xtask test installs openpyxl and python-docx): {e}")
        });
    assert!(
        out.status.success(),
        "{} failed: {}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn good_values() -> Value {
    json!({
        "company": "Acme Ltd",
        "contact_email": "it@acme.example",
        "contact_phone": "+86 10 1234 5678",
        "engine": "PostgreSQL",
        "extras": ["Assessment", "Training"],
        "data_gb": 250.5,
        "start_date": "2026-12-01",
        "downtime_ok": false,
        "docs_url": "https://wiki.acme.example/db",
        "notes": "Two replicas; migrate the reporting one first.",
        "servers": [
            { "hostname": "db-01", "cpus": 8, "os": "Linux", "public_ip": true },
            { "hostname": "db-02", "cpus": 16, "os": "Windows", "public_ip": false },
            { "hostname": "report-01", "cpus": 4 }
        ]
    })
}

#[test]
fn openpyxl_sees_validations_protection_hidden_sheets_and_frozen_panes() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = form();
    // A long list goes to the very hidden lists sheet through a defined name.
    if let koodesk_domain::form::FieldType::Enum { options } = &mut f.sections[0].fields[3].kind {
        options.extend((0..40).map(|i| format!("Engine number {i}")));
    }
    let path = write(
        dir.path(),
        "t.xlsx",
        &xlsx::generate(&f, &Options::default()).unwrap(),
    );
    let report: Value = serde_json::from_str(&py("inspect_xlsx.py", &[&path])).unwrap();

    assert_eq!(
        report["lock_structure"], true,
        "workbook structure is protected"
    );
    assert!(report["defined_names"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n == "kd_list_1"));
    let sheets = report["sheets"].as_array().unwrap();
    let titles: Vec<&str> = sheets
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Instructions",
            "Field guide",
            "Request",
            "Servers to migrate",
            "_lists",
            "_meta"
        ]
    );
    let state = |t: &str| {
        sheets.iter().find(|s| s["title"] == t).unwrap()["state"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(state("_meta"), "veryHidden");
    assert_eq!(state("_lists"), "veryHidden");
    assert_eq!(state("Request"), "visible");
    assert!(
        sheets.iter().all(|s| s["protected"] == true),
        "every sheet is protected"
    );

    let request = sheets.iter().find(|s| s["title"] == "Request").unwrap();
    assert_eq!(request["freeze"], "A5");
    assert!(request["print_area"]
        .as_str()
        .unwrap_or("")
        .contains("$A$1"));
    let v = request["validations"].as_array().unwrap();
    let kinds: Vec<&str> = v.iter().map(|x| x["type"].as_str().unwrap_or("")).collect();
    for k in ["list", "decimal", "date", "textLength"] {
        assert!(
            kinds.contains(&k),
            "a {k} validation on the Request sheet: {kinds:?}"
        );
    }
    assert!(v
        .iter()
        .all(|x| x["error_style"] == "stop" && x["show_input"] == true));
    assert!(
        v.iter().any(|x| x["formula1"] == "kd_list_1"),
        "the long list uses the defined name"
    );
    assert!(v
        .iter()
        .any(|x| x["formula1"].as_str().unwrap_or("").contains("Yes,No")));
    let unlocked: Vec<&str> = request["unlocked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        unlocked.iter().all(|c| c.starts_with('B')),
        "only answer cells are unlocked: {unlocked:?}"
    );
    assert_eq!(unlocked.len(), 10);
    let labels: Vec<&str> = request["a_column"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    assert!(
        labels.contains(&"Company name *"),
        "required marked in the text: {labels:?}"
    );
    assert!(labels.contains(&"Contact phone"));
    assert!(
        request["text_formatted"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "B7"),
        "phone typed as text"
    );

    let servers = sheets
        .iter()
        .find(|s| s["title"] == "Servers to migrate")
        .unwrap();
    assert_eq!(servers["freeze"], "A4");
    let kinds: Vec<&str> = servers["validations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["type"].as_str().unwrap_or(""))
        .collect();
    assert!(
        kinds.contains(&"whole") && kinds.contains(&"list"),
        "{kinds:?}"
    );
    assert_eq!(servers["unlocked"].as_array().unwrap().len(), 4 * 30);
}

#[test]
fn python_docx_sees_headings_plain_tables_labels_and_footer() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "t.docx",
        &docx::generate(&form(), &Options::default()).unwrap(),
    );
    let report: Value = serde_json::from_str(&py("inspect_docx.py", &[&path])).unwrap();
    assert_eq!(report["title"], json!(["Data migration request"]));
    assert_eq!(report["headings"], json!(["Project", "Servers to migrate"]));
    let tables = report["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 2);
    let project = tables[0].as_array().unwrap();
    assert_eq!(project.len(), 1 + 10, "a header row and one row per field");
    assert_eq!(project[1][0], "Company name *");
    assert!(project[1][1]
        .as_str()
        .unwrap()
        .contains("As on your contract"));
    assert_eq!(project[1][2], "", "the answer cell starts empty");
    let servers = tables[1].as_array().unwrap();
    assert_eq!(
        servers[0],
        json!([
            "Host name *",
            "vCPUs *",
            "Operating system",
            "Has a public IP"
        ])
    );
    assert_eq!(servers.len(), 1 + 30);
    assert!(report["footer"]
        .as_str()
        .unwrap()
        .contains("data-migration-request v1"));
    assert!(
        report["footer_fields"].as_u64().unwrap() >= 1,
        "page numbers in the footer"
    );
    assert_eq!(
        report["body_bookmarks_outside_cells"], 0,
        "bookmarks never wrap cells or tables"
    );
}

#[test]
fn files_filled_by_openpyxl_and_python_docx_read_back_to_the_same_values() {
    let dir = tempfile::tempdir().unwrap();
    let f = form();
    let values = good_values();
    let values_path = write(dir.path(), "values.json", values.to_string().as_bytes());
    for (name, bytes, filler) in [
        (
            "t.xlsx",
            xlsx::generate(&f, &Options::default()).unwrap(),
            "fill_xlsx.py",
        ),
        (
            "t.docx",
            docx::generate(&f, &Options::default()).unwrap(),
            "fill_docx.py",
        ),
    ] {
        let template = write(dir.path(), name, &bytes);
        let filled = dir.path().join(format!("filled-{name}"));
        py(filler, &[&template, &filled, &values_path, &form_path()]);
        let report = read(&f, &std::fs::read(&filled).unwrap()).unwrap();
        assert!(report.errors.is_empty(), "{name}: {:#?}", report.errors);
        assert_eq!(Value::Object(report.values), values, "{name}");
        assert_eq!(
            (report.form_id.as_str(), report.version),
            ("data-migration-request", 1)
        );
    }
}

#[test]
fn wrong_values_give_per_field_errors_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let f = form();
    let mut values = good_values();
    values["data_gb"] = json!("lots");
    values["start_date"] = json!("2026-02-30");
    values["engine"] = json!("DB2");
    values["contact_email"] = json!("it at acme");
    values["docs_url"] = json!("wiki/db");
    values.as_object_mut().unwrap().remove("company");
    values["servers"][1]["cpus"] = json!(0);
    values["servers"][2]["os"] = json!("BeOS");
    let values_path = write(dir.path(), "values.json", values.to_string().as_bytes());
    let expect = [
        ("company", None, "required"),
        ("contact_email", None, "e-mail"),
        ("engine", None, "not one of"),
        ("data_gb", None, "not a number"),
        ("start_date", None, "not a date"),
        ("docs_url", None, "web address"),
        ("cpus", Some(2), "between 1 and 256"),
        ("os", Some(3), "not one of"),
    ];
    for (name, bytes, filler, place) in [
        (
            "t.xlsx",
            xlsx::generate(&f, &Options::default()).unwrap(),
            "fill_xlsx.py",
            "Request!B",
        ),
        (
            "t.docx",
            docx::generate(&f, &Options::default()).unwrap(),
            "fill_docx.py",
            "table 1, row",
        ),
    ] {
        let template = write(dir.path(), name, &bytes);
        let filled = dir.path().join(format!("bad-{name}"));
        py(filler, &[&template, &filled, &values_path, &form_path()]);
        let report = read(&f, &std::fs::read(&filled).unwrap()).unwrap();
        let got: Vec<(&str, Option<u32>)> = report
            .errors
            .iter()
            .map(|e| (e.key.as_str(), e.row))
            .collect();
        for (key, row, says) in expect {
            let e = report
                .errors
                .iter()
                .find(|e| e.key == key && e.row == row)
                .unwrap_or_else(|| panic!("{name}: no error for {key} {row:?}; got {got:?}"));
            assert!(e.message.contains(says), "{name} {key}: {}", e.message);
        }
        assert_eq!(report.errors.len(), expect.len(), "{name}: {got:?}");
        let company = report.errors.iter().find(|e| e.key == "company").unwrap();
        assert!(
            company.location.starts_with(place),
            "{name}: {}",
            company.location
        );
        assert_eq!(report.values["servers"].as_array().unwrap().len(), 3);
    }
}

#[test]
fn libreoffice_converts_both_formats_to_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let f = form();
    let keep = std::env::var_os("KOODESK_TEMPLATE_PREVIEW").map(PathBuf::from);
    for lang in ["en", "zh-CN"] {
        let opts = Options {
            lang: lang.into(),
            ..Options::default()
        };
        let x = write(
            dir.path(),
            &format!("request-{lang}-workbook.xlsx"),
            &xlsx::generate(&f, &opts).unwrap(),
        );
        let d = write(
            dir.path(),
            &format!("request-{lang}-document.docx"),
            &docx::generate(&f, &opts).unwrap(),
        );
        for file in [x, d] {
            let out = Command::new("soffice")
                .args([
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                ])
                .arg(dir.path())
                .arg(&file)
                .env("HOME", dir.path())
                .output()
                .expect("LibreOffice (soffice) is needed; cargo xtask test installs it");
            assert!(
                out.status.success(),
                "{}: {}",
                file.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            let pdf = file.with_extension("pdf");
            let bytes =
                std::fs::read(&pdf).unwrap_or_else(|_| panic!("no PDF for {}", file.display()));
            assert!(
                bytes.starts_with(b"%PDF") && bytes.len() > 2_000,
                "{}",
                pdf.display()
            );
            if let Some(k) = &keep {
                std::fs::create_dir_all(k).unwrap();
                std::fs::copy(&pdf, k.join(pdf.file_name().unwrap())).unwrap();
            }
        }
    }
}
