//! A 200-field request form to .xlsx and .docx, timed beside openpyxl and python-docx writing the
//! equivalent files in the same run. Prints `ROW|metric|koodesk|baseline|baseline name|unit`.
//!
//! The Python interpreter is `KOODESK_PYTHON` (cargo xtask bench points it at its virtual
//! environment with the pinned openpyxl and python-docx).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use koodesk_domain::form::RequestForm;
use koodesk_templates::{docx, xlsx, Options};
use serde_json::{json, Value};

const FIELDS: usize = 200;
const RUNS: usize = 15;

/// 200 fields over 10 sections, cycling through every field type.
fn big_form() -> Value {
    let types = [
        "text",
        "multiline",
        "integer",
        "decimal",
        "date",
        "enum",
        "multi_choice",
        "yes_no",
        "email",
        "phone",
        "url",
    ];
    let sections: Vec<Value> = (0..10)
        .map(|s| {
            let fields: Vec<Value> = (0..FIELDS / 10)
                .map(|i| {
                    let n = s * (FIELDS / 10) + i;
                    let t = types[n % types.len()];
                    let mut f = json!({
                        "key": format!("f{n}"),
                        "label": { "en": format!("Question number {n}"), "zh-CN": format!("问题 {n}") },
                        "help": format!("What we need to know for item {n}, as precisely as you can"),
                        "type": t,
                        "required": n % 3 == 0
                    });
                    if t == "enum" || t == "multi_choice" {
                        f["options"] = json!(["Alpha", "Beta", "Gamma", "Delta"]);
                    }
                    if t == "integer" {
                        f["min"] = json!(0);
                        f["max"] = json!(1000);
                    }
                    if t == "text" {
                        f["max_length"] = json!(200);
                    }
                    f
                })
                .collect();
            json!({ "key": format!("s{s}"), "title": format!("Section {s}"), "fields": fields })
        })
        .collect();
    json!({ "id": "bench-form", "version": 1, "title": "Benchmark form", "instructions": "Fill it in.", "contact": "x@example.com", "sections": sections })
}

fn median_ms(mut f: impl FnMut() -> usize) -> f64 {
    std::hint::black_box(f());
    let mut v: Vec<f64> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn fail(msg: impl std::fmt::Display) -> ! {
    eprintln!("template-bench: {msg}");
    std::process::exit(2)
}

fn main() {
    let form_json = big_form();
    let form = RequestForm::from_json(&form_json.to_string()).unwrap_or_else(|e| fail(e));
    let opts = Options::default();
    let x = median_ms(|| {
        xlsx::generate(&form, &opts)
            .map(|b| b.len())
            .unwrap_or_else(|e| fail(e))
    });
    let d = median_ms(|| {
        docx::generate(&form, &opts)
            .map(|b| b.len())
            .unwrap_or_else(|e| fail(e))
    });

    let dir = tempfile::tempdir().unwrap_or_else(|e| fail(e));
    let form_path = dir.path().join("form.json");
    std::fs::write(&form_path, form_json.to_string()).unwrap_or_else(|e| fail(e));
    let python = std::env::var("KOODESK_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("baseline.py");
    let out = Command::new(&python)
        .arg(&script)
        .arg(&form_path)
        .arg(RUNS.to_string())
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| fail(format!("{python}: {e}")));
    if !out.status.success() {
        fail(String::from_utf8_lossy(&out.stderr));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let get = |tag: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(tag)?.trim().parse().ok())
            .unwrap_or_else(|| fail(format!("no {tag} line in: {text}")))
    };
    println!(
        "ROW|{FIELDS}-field form to .xlsx, median (ms)|{x:.2}|{:.2}|openpyxl|ms",
        get("XLSX")
    );
    println!(
        "ROW|{FIELDS}-field form to .docx, median (ms)|{d:.2}|{:.2}|python-docx|ms",
        get("DOCX")
    );
}
