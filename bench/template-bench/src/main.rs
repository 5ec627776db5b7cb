//! A 200-field request form to .xlsx and .docx, timed beside openpyxl and python-docx writing the
//! equivalent files in the same run. Prints `ROW|metric|koodesk|baseline|baseline name|unit`.
//!
//! Also the reader against the worst of the hostile corpus (far cells, floods, a zip bomb, a table
//! flood), each file read the way the app reads it — in a child process under limits — beside an
//! intact filled template: the slowest answer and the highest peak memory.
//!
//! The Python interpreter is `KOODESK_PYTHON` (cargo xtask bench points it at its virtual
//! environment with the pinned openpyxl and python-docx).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use koodesk_domain::form::RequestForm;
use koodesk_templates::isolate::{self, Job};
use koodesk_templates::{corpus, docx, xlsx, Options};
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
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == isolate::CHILD_ARG)
    {
        std::process::exit(i32::from(
            isolate::child_main() != std::process::ExitCode::SUCCESS,
        ));
    }
    hostile_reading();
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

/// Reads each file in a child of this binary; returns (wall ms, peak MiB) of the slowest and the
/// hungriest.
fn read_all(form: &RequestForm, files: &[(String, Vec<u8>)]) -> (f64, f64, String) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| fail(e));
    let exe = std::env::current_exe().unwrap_or_else(|e| fail(e));
    let form_json = serde_json::to_string(form).unwrap_or_else(|e| fail(e));
    let (mut ms, mut mib, mut worst) = (0.0f64, 0.0f64, String::new());
    for (i, (name, bytes)) in files.iter().enumerate() {
        let path = dir.path().join(format!("f{i}"));
        std::fs::write(&path, bytes).unwrap_or_else(|e| fail(e));
        let t = Instant::now();
        let answer = isolate::run_in_child(
            &exe,
            &[isolate::CHILD_ARG],
            &[],
            &Job::Read {
                path,
                form: form_json.clone(),
            },
            isolate::DEFAULT_TIMEOUT,
        )
        .unwrap_or_else(|e| fail(format!("{name}: {e}")));
        let took = t.elapsed().as_secs_f64() * 1000.0;
        if took > ms {
            (ms, worst) = (took, name.clone());
        }
        mib = mib.max(answer.peak_rss_kib as f64 / 1024.0);
    }
    (ms, mib, worst)
}

fn hostile_reading() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/examples/data-migration-request.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| fail(e));
    let form = RequestForm::from_json(&text).unwrap_or_else(|e| fail(e));
    let filled = Options {
        answers: corpus::answers(&form),
        ..Options::default()
    };
    let good_x = xlsx::generate(&form, &filled).unwrap_or_else(|e| fail(e));
    let good_d = docx::generate(&form, &filled).unwrap_or_else(|e| fail(e));
    let parts = corpus::sheets(&good_x);
    let meta = parts.last().cloned().unwrap_or_default();
    let far = corpus::with_far_cell(&corpus::entry(&good_x, &meta), "XFD1048576", 1_048_576);
    let (flooded, dense) = corpus::floods(&good_x);
    let cells = format!(
        "<w:document xmlns:w=\"x\"><w:body><w:tbl>{}</w:tbl></w:body></w:document>",
        format!("<w:tr>{}</w:tr>", "<w:tc/>".repeat(999)).repeat(5_000)
    );
    let worst = vec![
        (
            "_meta cell at XFD1048576".to_string(),
            corpus::replace(&good_x, &meta, &far),
        ),
        ("shared-strings flood".to_string(), flooded),
        ("1.5 million valued cells".to_string(), dense),
        (
            "xlsx zip bomb".to_string(),
            corpus::replace(&good_x, &parts[0], &vec![0u8; 300 << 20]),
        ),
        (
            "5 million Word cells".to_string(),
            corpus::replace(&good_d, "word/document.xml", cells.as_bytes()),
        ),
    ];
    let intact = vec![("intact".to_string(), good_x.clone())];
    let (base_ms, base_mib, _) = read_all(&form, &intact);
    let (ms, mib, which) = read_all(&form, &worst);
    eprintln!("template-bench: slowest hostile file: {which}");
    println!("ROW|hostile corpus: slowest answer, in a child (ms)|{ms:.1}|{base_ms:.1}|intact template|ms");
    println!("ROW|hostile corpus: highest peak memory of the reader (MiB)|{mib:.1}|{base_mib:.1}|intact template|MiB");
}
