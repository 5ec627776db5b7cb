//! The drafts API over a real data folder: what the app and the CLI both rely on.

use koodesk_api::dto::{DraftFilter, StateFilter};
use koodesk_api::paths::DataDir;
use koodesk_api::{drafts, support, Context, ErrorCode};
use serde_json::json;

fn ctx(dir: &tempfile::TempDir) -> Context {
    Context::open(DataDir::at(dir.path())).unwrap()
}

fn set(doc: &mut serde_json::Value, pointer: &str, value: serde_json::Value) {
    *doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer}")) = value;
}

#[test]
fn autosave_keeps_every_revision_and_an_old_one_can_be_restored() {
    let dir = tempfile::tempdir().unwrap();
    let c = ctx(&dir);
    let v = drafts::create(&c, "professional_service").unwrap();
    assert_eq!(v.revision, 1);
    assert!(v.findings.iter().any(|f| f.rule == "name.required"));

    let mut doc = v.doc.clone();
    set(&mut doc, "/product/basic/name", json!("Data Migration"));
    let v2 = drafts::save(&c, &v.id, Some(1), doc.clone()).unwrap();
    set(
        &mut doc,
        "/product/basic/name",
        json!("Data Migration Plus"),
    );
    let v3 = drafts::save(&c, &v.id, Some(v2.revision), doc).unwrap();
    assert_eq!(v3.revision, 3);

    let changes = drafts::diff_revisions(&c, &v.id, 2, 3).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].path, "basic.name");
    assert_eq!(changes[0].before, Some(json!("Data Migration")));

    let restored = drafts::restore(&c, &v.id, 2).unwrap();
    assert_eq!(restored.revision, 4, "restoring adds a revision");
    assert_eq!(restored.doc["product"]["basic"]["name"], "Data Migration");
    let notes: Vec<String> = drafts::revisions(&c, &v.id)
        .unwrap()
        .into_iter()
        .map(|r| r.note)
        .collect();
    assert_eq!(notes, ["restored revision 2", "edit", "edit", "created"]);

    // A save based on an old revision is refused, not applied over newer work.
    let err = drafts::save(&c, &v.id, Some(2), restored.doc).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
}

#[test]
fn export_then_import_gives_an_identical_document_under_a_new_id() {
    let dir = tempfile::tempdir().unwrap();
    let c = ctx(&dir);
    let v = drafts::create_modification_of(&c, "PROD-LIC-0002").unwrap();
    let text = drafts::export(&c, &v.id).unwrap();
    let other = tempfile::tempdir().unwrap();
    let c2 = ctx(&other);
    let imported = drafts::import(&c2, &text).unwrap();
    assert_ne!(imported.id, v.id);
    assert_eq!(imported.doc, v.doc);
    assert_eq!(drafts::export(&c2, &imported.id).unwrap(), text);
    assert_eq!(
        drafts::revisions(&c2, &imported.id).unwrap()[0].note,
        "imported"
    );
}

#[test]
fn malformed_documents_are_refused_with_a_clear_error_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let c = ctx(&dir);
    let v = drafts::create(&c, "license").unwrap();
    for (bad, says) in [
        (
            json!({"format": "something-else"}),
            "not a Koodesk product draft",
        ),
        (
            json!({"format": "koodesk.product-draft", "format_version": 9}),
            "format version 9",
        ),
        (
            json!({"format": "koodesk.product-draft", "format_version": 1, "kind": "release", "product": {"specifications": "many"}}),
            "invalid type",
        ),
    ] {
        let err = drafts::save(&c, &v.id, None, bad).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(err.message.contains(says), "{}", err.message);
    }
    assert_eq!(drafts::get(&c, &v.id).unwrap().revision, 1);
    for text in ["", "{", "[1,2]", "null"] {
        assert_eq!(
            drafts::import(&c, text).unwrap_err().code,
            ErrorCode::InvalidInput
        );
    }
    assert_eq!(
        drafts::get(&c, "d-missing").unwrap_err().code,
        ErrorCode::NotFound
    );
}

#[test]
fn a_modification_cannot_rewrite_the_live_copy_it_was_made_from() {
    let dir = tempfile::tempdir().unwrap();
    let c = ctx(&dir);
    let v = drafts::create_modification_of(&c, "PROD-SAAS-0001").unwrap();
    let mut doc = v.doc.clone();
    // Deleting a released spec from both the draft and the "live" copy must still be caught.
    doc["product"]["specifications"]
        .as_array_mut()
        .unwrap()
        .remove(0);
    doc["live"]["specifications"]
        .as_array_mut()
        .unwrap()
        .remove(0);
    let saved = drafts::save(&c, &v.id, Some(1), doc).unwrap();
    assert!(saved
        .findings
        .iter()
        .any(|f| f.rule == "modification.spec_deleted"));
    assert_eq!(
        saved.doc["live"]["specifications"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let changes = drafts::diff_live(&c, &v.id).unwrap();
    assert!(changes
        .iter()
        .any(|c| c.path == "specifications[id=SPEC-1001]"
            && c.kind == koodesk_api::dto::ChangeKind::Removed));
}

#[test]
fn lists_filter_by_state_and_method_and_the_after_sales_group_comes_from_support_info() {
    let dir = tempfile::tempdir().unwrap();
    let c = ctx(&dir);
    let a = drafts::create_modification_of(&c, "PROD-SAAS-0001").unwrap();
    assert!(a
        .findings
        .iter()
        .any(|f| f.rule == "qualification.after_sales_group_unknown"));
    let s = support::get(&c).unwrap();
    let mut info = s.info.clone();
    info["after_sales_groups"] = json!([{ "id": "g1", "name": "Support", "phone": "+49 30 1234567",
        "email": "help@example.com", "service_days": "Mon-Fri", "service_hours": "08:00-17:00 (GMT+01:00)" }]);
    support::save(&c, Some(s.revision), info).unwrap();
    let a = drafts::get(&c, &a.id).unwrap();
    assert!(!a
        .findings
        .iter()
        .any(|f| f.rule.starts_with("qualification.after_sales")));

    drafts::create(&c, "hardware").unwrap();
    let all = drafts::list(&c, &DraftFilter::default()).unwrap();
    assert_eq!(all.len(), 2);
    let saas = drafts::list(
        &c,
        &DraftFilter {
            delivery_method: Some(koodesk_api::dto::DeliveryMethod::Saas),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(saas.len(), 1);
    assert_eq!(saas[0].kind, koodesk_api::dto::DraftKind::Modification);
    let with_errors = drafts::list(
        &c,
        &DraftFilter {
            state: Some(StateFilter::HasErrors),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(with_errors.len(), 2, "both still miss required attachments");
    let unsubmitted = drafts::list(
        &c,
        &DraftFilter {
            state: Some(StateFilter::Draft),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(unsubmitted.len(), 2);
    let submitted = drafts::list(
        &c,
        &DraftFilter {
            state: Some(StateFilter::Submitted),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(submitted.is_empty());
    let found = drafts::list(
        &c,
        &DraftFilter {
            query: Some("ransomware".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(found.len(), 1, "highlights are searched");
}

#[test]
fn a_real_png_logo_is_checked_by_the_linter() {
    let dir = tempfile::tempdir().unwrap();
    let c = ctx(&dir);
    let v = drafts::create(&c, "professional_service").unwrap();
    let png = |w: u32, h: u32| {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        let mut wr = enc.write_header().unwrap();
        wr.write_image_data(&vec![9u8; (w * h * 3) as usize])
            .unwrap();
        drop(wr);
        out
    };
    let mut doc = v.doc.clone();
    doc["product"]["basic"]["logo"] = drafts::attach_bytes(&c, "big.png", &png(256, 256)).unwrap();
    let saved = drafts::save(&c, &v.id, None, doc.clone()).unwrap();
    assert!(saved.findings.iter().any(|f| f.rule == "logo.dimensions"));
    doc["product"]["basic"]["logo"] = drafts::attach_bytes(&c, "logo.png", &png(120, 120)).unwrap();
    let saved = drafts::save(&c, &v.id, None, doc).unwrap();
    assert!(!saved.findings.iter().any(|f| f.rule.starts_with("logo.")));
    assert_eq!(
        drafts::attach(&c, "x.png", "!!!").unwrap_err().code,
        ErrorCode::InvalidInput
    );
}

#[test]
fn the_limits_hints_quote_come_from_the_ruleset_in_force() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = drafts::options(&ctx(&dir)).limits;
    assert_eq!(
        (
            shipped.logo_width,
            shipped.logo_height,
            shipped.logo_max_mb,
            shipped.min_service_hours_per_day,
            shipped.stall_days,
            shipped.rejection_limit,
            shipped.completion_delay_hours
        ),
        (120, 120, 5, 8, 5, 3, 3)
    );
    // Support (or a seller) places another ruleset in the data folder: the hints follow it.
    let mut rules: serde_json::Value =
        serde_json::from_str(koodesk_domain::lint::DEFAULT_RULESET_JSON).unwrap();
    rules["logo"]["width"] = json!(256);
    rules["logo"]["max_bytes"] = json!(2 * 1024 * 1024);
    rules["service_flow"]["stall_days"] = json!(7);
    rules["support"]["min_service_hours_per_day"] = json!(10);
    std::fs::write(dir.path().join("ruleset.json"), rules.to_string()).unwrap();
    let l = drafts::options(&ctx(&dir)).limits;
    assert_eq!(
        (
            l.logo_width,
            l.logo_max_mb,
            l.stall_days,
            l.min_service_hours_per_day
        ),
        (256, 2, 7, 10)
    );
}
