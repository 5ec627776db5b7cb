//! Must-pass / must-fail tables for the modification rules and the request-template rules: each
//! row is a draft a seller could really submit, and the verdict KooGallery's pages give it.

use super::tests::{modification, professional, support};
use super::*;
use crate::product::{Delivery, ListingStatus, RequestTemplate};

fn fires(d: &DraftDocument, rule: &str) -> bool {
    lint(d, &support(), &Ruleset::default())
        .iter()
        .any(|f| f.rule == rule)
}

fn set_supervision(d: &mut Delivery, on: bool) {
    if let Delivery::Saas {
        involves_service_supervision,
        ..
    } = d
    {
        *involves_service_supervision = on;
    }
}

fn saas_delivery(supervised: bool) -> Delivery {
    Delivery::Saas {
        associated_asset: "asset-1".into(),
        involves_service_supervision: supervised,
    }
}

#[test]
fn offline_products_cannot_be_modified_online_and_hidden_ones_can() {
    for (status, blocked) in [
        (None, false),
        (Some(ListingStatus::Online), false),
        (Some(ListingStatus::Hidden), false),
        (Some(ListingStatus::Offline), true),
    ] {
        let d = modification();
        let d = match status {
            Some(s) => d.with_live_status(s),
            None => d,
        };
        assert_eq!(
            fires(&d, ids::MOD_PRODUCT_OFFLINE),
            blocked,
            "live status {status:?}"
        );
    }
}

#[test]
fn a_removed_specification_stays_removed() {
    // Removing a released specification: fine.
    let mut d = modification();
    d.product.specifications[1].removed = true;
    assert!(!fires(&d, ids::MOD_SPEC_RESTORED));
    // Already removed and still removed: fine.
    let mut d = modification();
    d.live.as_mut().unwrap().specifications[1].removed = true;
    d.product.specifications[1].removed = true;
    assert!(!fires(&d, ids::MOD_SPEC_RESTORED));
    // Put back on sale: refused.
    let mut d = modification();
    d.live.as_mut().unwrap().specifications[1].removed = true;
    assert!(fires(&d, ids::MOD_SPEC_RESTORED));
}

#[test]
fn the_delivery_method_may_change_but_supervision_stays_as_released() {
    // (live delivery, draft delivery, refused)
    let license = || Delivery::License {
        delivery_process: "Keys by e-mail.".into(),
    };
    let image = || Delivery::Image {
        image_asset: "img-1".into(),
    };
    let rows: Vec<(Delivery, Delivery, bool)> = vec![
        (saas_delivery(false), saas_delivery(false), false),
        (saas_delivery(true), saas_delivery(true), false),
        (saas_delivery(false), saas_delivery(true), true),
        (saas_delivery(true), saas_delivery(false), true),
        // A method change that keeps supervision as it was.
        (saas_delivery(false), image(), false),
        (saas_delivery(true), license(), false),
        (license(), saas_delivery(true), false),
        // A method change that flips it.
        (saas_delivery(true), image(), true),
        (saas_delivery(false), license(), true),
        (license(), saas_delivery(false), true),
        (image(), saas_delivery(true), true),
        // No SaaS on either side: the SaaS flag is not involved.
        (image(), license(), false),
    ];
    for (i, (was, now, refused)) in rows.into_iter().enumerate() {
        let mut d = modification();
        d.live.as_mut().unwrap().basic.delivery = was.clone();
        d.product.basic.delivery = now.clone();
        assert_eq!(
            fires(&d, ids::MOD_SUPERVISION_FIXED),
            refused,
            "row {i}: {was:?} -> {now:?}"
        );
    }
    // The flag on its own, either way.
    let mut d = modification();
    set_supervision(&mut d.product.basic.delivery, true);
    assert!(fires(&d, ids::MOD_SUPERVISION_FIXED));
}

#[test]
fn a_request_template_gives_customers_an_office_file_or_a_form() {
    let file = |name: &str| crate::product::Attachment {
        sha256: "ef".repeat(32),
        file_name: name.into(),
        media_type: "application/octet-stream".into(),
        size: 4096,
        image: None,
    };
    // (form, file name, incomplete, wrong type)
    let rows: Vec<(bool, Option<&str>, bool, bool)> = vec![
        (true, None, false, false),
        (false, Some("request.xlsx"), false, false),
        (false, Some("REQUEST.DOCX"), false, false),
        (true, Some("request.docx"), false, false),
        (false, None, true, false),
        (false, Some("request.pdf"), false, true),
        (false, Some("request.xls"), false, true),
        (false, Some("request.doc"), false, true),
        (true, Some("request.xlsx.zip"), false, true),
        (false, Some(".xlsx"), false, true),
    ];
    for (form, name, incomplete, wrong) in rows {
        let mut d = professional();
        if let Delivery::ProfessionalService {
            request_templates, ..
        } = &mut d.product.basic.delivery
        {
            request_templates[0] = RequestTemplate {
                title: "Migration request".into(),
                form_id: form.then(|| "data-migration-request".into()),
                file: name.map(file),
            };
        }
        assert_eq!(
            fires(&d, ids::PS_REQUEST_TEMPLATE_INCOMPLETE),
            incomplete,
            "{form} {name:?}"
        );
        assert_eq!(
            fires(&d, ids::PS_REQUEST_TEMPLATE_FILE_TYPE),
            wrong,
            "{form} {name:?}"
        );
    }
}
