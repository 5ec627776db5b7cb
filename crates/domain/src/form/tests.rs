use super::*;
use serde_json::json;

const SAMPLE: &str = include_str!("../../../../docs/examples/data-migration-request.json");

fn field(kind: FieldType, required: bool) -> Field {
    Field {
        key: "f".into(),
        label: Text::Plain("F".into()),
        help: None,
        example: None,
        required,
        kind,
    }
}

#[test]
fn the_documented_example_parses_with_every_field_type() {
    let f = RequestForm::from_json(SAMPLE).unwrap();
    assert_eq!(f.id, "data-migration-request");
    let types: BTreeSet<&str> = f.fields().map(|(_, f)| f.kind.tag()).collect();
    assert_eq!(types.len(), 11, "{types:?}");
    assert!(f.sections[1].repeating);
    assert_eq!(f.title.get("zh-CN"), "数据迁移需求");
    assert_eq!(
        f.title.get("fr"),
        "Data migration request",
        "falls back to English"
    );
}

#[test]
fn the_issue_shape_with_plain_strings_and_defaults_parses() {
    let f = RequestForm::from_json(r#"{ "id": "x", "version": 2, "title": "T", "sections": [
        { "key": "s", "title": "S", "fields": [ { "key": "engine", "label": "Source database", "type": "enum", "options": ["MySQL"] } ] } ] }"#)
        .unwrap();
    let (_, engine) = f.fields().next().unwrap();
    assert!(!engine.required, "required defaults to false");
    assert_eq!(engine.label.get("zh-CN"), "Source database");
}

#[test]
fn invalid_forms_are_refused_with_the_offending_path() {
    let dup = SAMPLE.replace("\"key\": \"hostname\"", "\"key\": \"company\"");
    let e = RequestForm::from_json(&dup).unwrap_err().to_string();
    assert!(e.contains("sections[1].fields[0].key"), "{e}");
    let no_options = SAMPLE.replace("\"options\": [\"Linux\", \"Windows\"]", "\"options\": []");
    assert!(RequestForm::from_json(&no_options)
        .unwrap_err()
        .to_string()
        .contains("options"));
    assert!(matches!(
        RequestForm::from_json("{"),
        Err(FormError::Json(_))
    ));
    let bad_type = SAMPLE.replace("\"type\": \"url\"", "\"type\": \"colour\"");
    assert!(matches!(
        RequestForm::from_json(&bad_type),
        Err(FormError::Json(_))
    ));
}

#[test]
fn answers_are_typed_and_checked() {
    let ok = |k: FieldType, raw: &str| parse_value(&field(k, false), raw).unwrap();
    let err = |k: FieldType, raw: &str| parse_value(&field(k, false), raw).unwrap_err();
    assert_eq!(
        ok(
            FieldType::Text {
                max_length: Some(5)
            },
            " abc "
        ),
        Some(json!("abc"))
    );
    assert!(err(
        FieldType::Text {
            max_length: Some(2)
        },
        "abc"
    )
    .contains("at most 2"));
    assert_eq!(
        ok(
            FieldType::Integer {
                min: Some(1),
                max: Some(9)
            },
            "8"
        ),
        Some(json!(8))
    );
    assert_eq!(
        ok(
            FieldType::Integer {
                min: None,
                max: None
            },
            "12.0"
        ),
        Some(json!(12))
    );
    assert!(err(
        FieldType::Integer {
            min: Some(1),
            max: Some(9)
        },
        "10"
    )
    .contains("between 1 and 9"));
    assert!(err(
        FieldType::Integer {
            min: None,
            max: None
        },
        "1.5"
    )
    .contains("whole number"));
    assert_eq!(
        ok(
            FieldType::Decimal {
                min: None,
                max: None
            },
            "2.5"
        ),
        Some(json!(2.5))
    );
    assert!(err(
        FieldType::Decimal {
            min: Some(0.1),
            max: None
        },
        "0"
    )
    .contains("at least"));
    assert_eq!(ok(FieldType::Date, "2026-2-3"), Some(json!("2026-02-03")));
    assert!(err(FieldType::Date, "2026-02-30").contains("not a date"));
    let opts = || vec!["MySQL".to_string(), "Oracle".to_string()];
    assert_eq!(
        ok(FieldType::Enum { options: opts() }, "mysql"),
        Some(json!("MySQL"))
    );
    assert!(err(FieldType::Enum { options: opts() }, "DB2").contains("not one of"));
    assert_eq!(
        ok(
            FieldType::MultiChoice { options: opts() },
            "Oracle, MySQL; Oracle"
        ),
        Some(json!(["Oracle", "MySQL"]))
    );
    assert_eq!(ok(FieldType::YesNo, "是"), Some(json!(true)));
    assert_eq!(ok(FieldType::YesNo, "No"), Some(json!(false)));
    assert!(err(FieldType::YesNo, "maybe").contains("Yes or No"));
    assert!(err(FieldType::Email, "it at acme").contains("e-mail"));
    assert_eq!(
        ok(FieldType::Phone, "+86 10 1234 5678"),
        Some(json!("+86 10 1234 5678"))
    );
    assert!(err(FieldType::Phone, "call me").contains("phone"));
    assert!(err(FieldType::Url, "www.acme").contains("web address"));
    assert_eq!(
        ok(FieldType::Url, "https://acme.example/x"),
        Some(json!("https://acme.example/x"))
    );
    assert_eq!(
        ok(FieldType::Email, ""),
        None,
        "empty optional fields are omitted"
    );
    assert_eq!(
        parse_value(&field(FieldType::Email, true), " ").unwrap_err(),
        "required"
    );
}
