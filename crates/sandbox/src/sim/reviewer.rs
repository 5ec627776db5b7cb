//! The reviewer, as a pure function: an application's product (and, for a modification, the live
//! product and its status) in, review comments out. No comments means approved.
//!
//! The reviewer applies every error the linter finds (except the seller's Services & support
//! information, which the sandbox does not hold), refuses files that were never uploaded and
//! request templates customers cannot download, and notices what a person would: placeholder
//! text, absolute claims, and — now and then — a description that says too little.

use koodesk_domain::draft::DraftDocument;
use koodesk_domain::lint::{self, Ruleset, Severity};
use koodesk_domain::product::{Delivery, Product};
use koodesk_market::contract::ReviewComment;

use super::roll;

/// Review comments for `doc`. `uploaded` answers whether a file (by SHA-256) was uploaded.
pub fn review(
    doc: &DraftDocument,
    ruleset: &Ruleset,
    seed: u64,
    application_id: &str,
    uploaded: &dyn Fn(&str) -> bool,
) -> Vec<ReviewComment> {
    let mut comments: Vec<ReviewComment> = lint::lint(doc, &Default::default(), ruleset)
        .into_iter()
        .filter(|f| {
            f.severity == Severity::Error
                && !f.rule.starts_with("support")
                && f.rule != lint::ids::QUAL_AFTER_SALES_UNKNOWN
        })
        .map(|f| ReviewComment {
            field: Some(f.path),
            message: f.message.en,
        })
        .collect();
    let p = &doc.product;
    comments.extend(human_checks(p));
    comments.extend(templates_without_file(p));
    comments.extend(missing_files(p, uploaded));
    if roll(seed, &format!("{application_id}:reviewer-mood")) % 100 < 8 {
        comments.push(ReviewComment {
            field: Some("product.details.description".into()),
            message: MOOD_MESSAGE.into(),
        });
    }
    comments
}

/// What the reviewer says now and then about a description that is fine otherwise.
pub const MOOD_MESSAGE: &str = "The description does not say what the customer receives at delivery. Describe the deliverables and the delivery time.";

/// A request template customers cannot download: a form alone is not a file (Koodesk generates
/// and attaches the Excel/Word files of a form when it submits).
fn templates_without_file(p: &Product) -> Vec<ReviewComment> {
    let Delivery::ProfessionalService {
        request_templates, ..
    } = &p.basic.delivery
    else {
        return Vec::new();
    };
    request_templates
        .iter()
        .enumerate()
        .filter(|(_, t)| t.file.is_none())
        .map(|(i, t)| ReviewComment {
            field: Some(format!(
                "product.basic.delivery.request_templates[{i}].file"
            )),
            message: format!(
                "The request template \"{}\" has no file for customers to download. Attach the Excel or Word template.",
                t.title
            ),
        })
        .collect()
}

/// Files the product refers to that were never uploaded.
fn missing_files(p: &Product, uploaded: &dyn Fn(&str) -> bool) -> Vec<ReviewComment> {
    p.attachments()
        .into_iter()
        .filter(|(_, a)| !uploaded(&a.sha256))
        .map(|(field, a)| ReviewComment {
            field: Some(field.into()),
            message: format!(
                "The file {} was not uploaded; upload it and submit again.",
                a.file_name
            ),
        })
        .collect()
}

/// What a human reviewer notices that the linter does not.
fn human_checks(p: &Product) -> Vec<ReviewComment> {
    let mut out = Vec::new();
    let texts = [
        ("product.basic.name", p.basic.name.as_str()),
        ("product.details.overview", p.details.overview.as_str()),
        (
            "product.details.description",
            p.details.description.as_str(),
        ),
    ];
    for (field, text) in texts {
        let lower = text.to_lowercase();
        if ["lorem ipsum", "todo", "tbd", "xxx"]
            .iter()
            .any(|w| lower.contains(w))
        {
            out.push(ReviewComment {
                field: Some(field.into()),
                message: "Placeholder text found. Replace it with the real content.".into(),
            });
        }
    }
    let name = p.basic.name.to_lowercase();
    if ["best", "no.1", "no. 1", "number one", "最好", "第一"]
        .iter()
        .any(|w| name.contains(w))
    {
        out.push(ReviewComment {
            field: Some("product.basic.name".into()),
            message:
                "Absolute claims such as \"best\" or \"No. 1\" are not allowed in the product name."
                    .into(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use koodesk_domain::product::{Attachment, ListingStatus, RequestTemplate};

    fn file(name: &str, sha: &str) -> Attachment {
        Attachment {
            sha256: sha.repeat(32),
            file_name: name.into(),
            media_type: "application/octet-stream".into(),
            size: 10,
            image: None,
        }
    }

    /// A professional service the linter passes: every field the release rules ask for.
    fn clean() -> Product {
        let text = include_str!("../../fixtures/professional-service.json");
        let mut p: Product = serde_json::from_str(text).expect("fixture");
        p.basic.logo = Some(Attachment {
            image: Some(koodesk_domain::product::ImageInfo {
                width: 120,
                height: 120,
            }),
            media_type: "image/png".into(),
            ..file("logo.png", "aa")
        });
        p.qualification.user_guide = Some(file("guide.pdf", "bb"));
        if let Delivery::ProfessionalService {
            request_templates, ..
        } = &mut p.basic.delivery
        {
            *request_templates = vec![RequestTemplate {
                title: "Migration request".into(),
                form_id: Some("migration".into()),
                file: Some(file("request.xlsx", "cc")),
            }];
        }
        p
    }

    /// A seed whose reviewer is in a good mood for this application id.
    fn calm_seed(id: &str) -> u64 {
        (1..1000)
            .find(|s| roll(*s, &format!("{id}:reviewer-mood")) % 100 >= 8)
            .expect("a seed")
    }

    fn comments(doc: &DraftDocument, uploaded: &dyn Fn(&str) -> bool) -> Vec<ReviewComment> {
        review(
            doc,
            &Ruleset::default(),
            calm_seed("APP1"),
            "APP1",
            uploaded,
        )
    }

    #[test]
    fn a_clean_release_with_its_files_uploaded_is_approved() {
        let doc = DraftDocument::release(clean());
        assert_eq!(comments(&doc, &|_| true), Vec::new());
    }

    #[test]
    fn a_file_that_was_never_uploaded_is_named() {
        let doc = DraftDocument::release(clean());
        let c = comments(&doc, &|sha| !sha.starts_with("bb"));
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(
            c[0].field.as_deref(),
            Some("product.qualification.user_guide")
        );
        assert!(c[0].message.contains("guide.pdf"));
    }

    #[test]
    fn a_request_template_without_a_file_is_rejected_even_with_a_form() {
        let mut p = clean();
        if let Delivery::ProfessionalService {
            request_templates, ..
        } = &mut p.basic.delivery
        {
            request_templates[0].file = None;
        }
        let c = comments(&DraftDocument::release(p), &|_| true);
        assert!(
            c.iter().any(|c| c.field.as_deref()
                == Some("product.basic.delivery.request_templates[0].file")
                && c.message.contains("Migration request")),
            "{c:?}"
        );
    }

    #[test]
    fn a_modification_of_an_offline_product_is_rejected_and_of_a_hidden_one_is_not() {
        let live = clean();
        let mut changed = live.clone();
        changed.details.overview = format!("{} Now with hypercare.", live.details.overview);
        let doc = |status| {
            let mut d = DraftDocument::modification("OFFI1", live.clone()).with_live_status(status);
            d.product = changed.clone();
            d
        };
        assert_eq!(comments(&doc(ListingStatus::Hidden), &|_| true), Vec::new());
        let c = comments(&doc(ListingStatus::Offline), &|_| true);
        assert!(c.iter().any(|c| c.message.contains("offline")), "{c:?}");
    }

    #[test]
    fn placeholders_and_absolute_claims_are_noticed() {
        let mut p = clean();
        p.basic.name = "Best Migration Service".into();
        p.details.overview = "TODO write the overview of the migration service".into();
        let c = comments(&DraftDocument::release(p), &|_| true);
        let fields: Vec<_> = c.iter().filter_map(|c| c.field.as_deref()).collect();
        assert!(fields.contains(&"product.basic.name"), "{c:?}");
        assert!(fields.contains(&"product.details.overview"), "{c:?}");
    }

    #[test]
    fn the_reviewer_is_sometimes_picky_about_the_description_reproducibly() {
        let doc = DraftDocument::release(clean());
        let picky = (1..1000)
            .find(|s| roll(*s, "APP9:reviewer-mood") % 100 < 8)
            .expect("a seed");
        let c = review(&doc, &Ruleset::default(), picky, "APP9", &|_| true);
        assert_eq!(c.len(), 1);
        assert_eq!(
            c,
            review(&doc, &Ruleset::default(), picky, "APP9", &|_| true)
        );
    }
}
