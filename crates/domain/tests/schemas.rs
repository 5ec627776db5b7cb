//! The JSON Schemas in docs/schemas are generated from the Rust types; this test fails when a
//! committed schema is stale. `cargo xtask bindings` rewrites them.

use std::path::Path;

use koodesk_domain::draft::draft_json_schema;
use koodesk_domain::lint::Ruleset;
use koodesk_domain::support::SupportInfo;

fn check(name: &str, schema: serde_json::Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/schemas")
        .join(name);
    let fresh = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    if std::env::var_os("KOODESK_UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "docs/schemas/{name} is stale: run `cargo xtask bindings` and commit it"
    );
}

#[test]
fn published_json_schemas_are_up_to_date() {
    check("product-draft.schema.json", draft_json_schema());
    check(
        "support-info.schema.json",
        serde_json::to_value(schemars::schema_for!(SupportInfo)).unwrap(),
    );
    check(
        "request-form.schema.json",
        koodesk_domain::form::form_json_schema(),
    );
    check(
        "ruleset.schema.json",
        serde_json::to_value(schemars::schema_for!(Ruleset)).unwrap(),
    );
}

#[test]
fn the_shipped_examples_validate_against_the_draft_schema_shape() {
    // Every example file in docs/examples parses as a draft document.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if !e.file_name().to_string_lossy().ends_with("-draft.json") {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        koodesk_domain::DraftDocument::from_json(&text)
            .unwrap_or_else(|err| panic!("{}: {err}", e.path().display()));
        n += 1;
    }
    assert!(n >= 1);
}
