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
