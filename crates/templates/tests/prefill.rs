//! A template generated with answers reads back as exactly those answers, in .xlsx and .docx.

use std::path::Path;

use koodesk_domain::form::{example_answer, RequestForm};
use koodesk_templates::{docx, read, xlsx, Options};
use serde_json::{Map, Value};

fn form() -> RequestForm {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/examples/data-migration-request.json");
    RequestForm::from_json(&std::fs::read_to_string(p).expect("example form")).expect("parses")
}

fn answers(form: &RequestForm) -> Map<String, Value> {
    let mut m = Map::new();
    for s in &form.sections {
        if s.repeating {
            let rows: Vec<Value> = (0..2)
                .map(|i| {
                    Value::Object(
                        s.fields
                            .iter()
                            .filter_map(|f| example_answer(f, i).map(|v| (f.key.clone(), v)))
                            .collect(),
                    )
                })
                .collect();
            m.insert(s.key.clone(), Value::Array(rows));
        } else {
            for f in &s.fields {
                if let Some(v) = example_answer(f, 0) {
                    m.insert(f.key.clone(), v);
                }
            }
        }
    }
    m
}

#[test]
fn prefilled_answers_come_back_unchanged() {
    let form = form();
    let answers = answers(&form);
    assert!(
        answers.len() >= 5,
        "the example form has answers to give: {answers:?}"
    );
    let opts = Options {
        answers: answers.clone(),
        repeating_rows: 5,
        ..Options::default()
    };
    for (name, bytes) in [
        ("xlsx", xlsx::generate(&form, &opts).expect("xlsx")),
        ("docx", docx::generate(&form, &opts).expect("docx")),
    ] {
        let report = read(&form, &bytes).expect("reads");
        assert!(report.errors.is_empty(), "{name}: {:?}", report.errors);
        assert_eq!(report.values, answers, "{name}");
    }
    // Without answers, the same template is blank: every required field is reported.
    let blank = read(
        &form,
        &xlsx::generate(&form, &Options::default()).expect("xlsx"),
    )
    .expect("reads");
    assert!(!blank.errors.is_empty());
}

/// Without its form, a filled file still gives every answer: by key from an Excel file's map, by
/// the label beside it from a Word file — as text, in the form's order.
#[test]
fn a_file_read_without_its_form_gives_its_answers_by_key() {
    let form = form();
    let answers = answers(&form);
    let opts = Options {
        answers: answers.clone(),
        repeating_rows: 5,
        ..Options::default()
    };
    let text = |v: &Value| koodesk_domain::form::answer_text(v);
    // Excel: the stand-in has the form's keys and sections.
    let bytes = xlsx::generate(&form, &opts).expect("xlsx");
    let stand_in = koodesk_templates::read::stand_in_form(&bytes).expect("stand-in");
    assert_eq!(
        (stand_in.id.as_str(), stand_in.version),
        (form.id.as_str(), form.version)
    );
    let keys = |f: &RequestForm| -> Vec<String> {
        f.sections
            .iter()
            .flat_map(|s| s.fields.iter().map(|f| f.key.clone()))
            .collect()
    };
    assert_eq!(keys(&stand_in), keys(&form));
    let report = read(&stand_in, &bytes).expect("reads");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    for s in form.sections.iter().filter(|s| !s.repeating) {
        for f in &s.fields {
            if let Some(v) = answers.get(&f.key) {
                let got = report.values.get(&f.key).map(text).unwrap_or_default();
                assert!(!got.is_empty(), "{} has an answer", f.key);
                // Text comes back as typed; numbers and dates as the cell shows them.
                if v.is_string() && !matches!(f.kind, koodesk_domain::form::FieldType::Date) {
                    assert_eq!(got, text(v), "{}", f.key);
                }
            }
        }
    }
    let tables = form.sections.iter().filter(|s| s.repeating).count();
    assert!(tables > 0, "the example has a table");
    for s in form.sections.iter().filter(|s| s.repeating) {
        assert_eq!(
            report
                .values
                .get(&s.key)
                .and_then(Value::as_array)
                .map(Vec::len),
            Some(2),
            "{}: both rows",
            s.key
        );
    }
    // Word: fields by position, each labelled with the form's own label.
    let bytes = docx::generate(&form, &opts).expect("docx");
    let stand_in = koodesk_templates::read::stand_in_form(&bytes).expect("stand-in");
    assert_eq!(stand_in.sections.len(), form.sections.len());
    let report = read(&stand_in, &bytes).expect("reads");
    for (s, real) in stand_in.sections.iter().zip(&form.sections) {
        assert_eq!(s.repeating, real.repeating);
        assert_eq!(s.fields.len(), real.fields.len(), "{}", real.key);
        if s.repeating {
            continue;
        }
        for (f, real_f) in s.fields.iter().zip(&real.fields) {
            let label = f.label.get("en");
            assert!(
                label.contains(real_f.label.get("en")),
                "{label:?} carries {:?}",
                real_f.label.get("en")
            );
            if let Some(v) = answers.get(&real_f.key) {
                let got = report.values.get(&f.key).map(text).unwrap_or_default();
                assert!(!got.is_empty(), "{label}: {v}");
            }
        }
    }
    // Not a template at all: a clear error, no form.
    assert!(koodesk_templates::read::stand_in_form(b"PK\x03\x04 not a zip").is_err());
}
