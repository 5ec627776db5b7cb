//! Every rule in `RULES` fires on a draft made to break it, and stays silent on clean drafts.

use super::*;
use crate::money::Money;
use crate::product::*;
use crate::spec::*;
use crate::support::*;

fn png(w: u32, h: u32, size: u64) -> Attachment {
    Attachment {
        sha256: "ab".repeat(32),
        file_name: "logo.png".into(),
        media_type: "image/png".into(),
        size,
        image: Some(ImageInfo {
            width: w,
            height: h,
        }),
    }
}

fn doc_file(name: &str) -> Attachment {
    Attachment {
        sha256: "cd".repeat(32),
        file_name: name.into(),
        media_type: "application/pdf".into(),
        size: 2048,
        image: None,
    }
}

fn spec(id: &str, name: &str, modes: &[BillingMode], cents: u64) -> Specification {
    let mut s = Specification {
        id: id.into(),
        name: name.into(),
        billing_modes: modes.to_vec(),
        ..Default::default()
    };
    s.regenerate_skus();
    for k in &mut s.skus {
        k.price = Money::from_cents(cents);
    }
    s
}

pub(crate) fn support() -> SupportInfo {
    SupportInfo {
        business_contact: Contact {
            name: "Li Wei".into(),
            phone: "+86 10 1234 5678".into(),
            email: "biz@example.com".into(),
        },
        pre_sales: PreSales {
            phone: "+86 10 8765 4321".into(),
            email: "sales@example.com".into(),
            address: "Beijing".into(),
        },
        after_sales_groups: vec![AfterSalesGroup {
            id: "g1".into(),
            name: "Migration support".into(),
            phone: "+86 10 5555 0000".into(),
            email: "support@example.com".into(),
            service_days: "Monday to Friday".into(),
            service_hours: "09:00-18:00 (GMT+08:00)".into(),
        }],
    }
}

/// A professional service that passes every rule.
pub(crate) fn professional() -> DraftDocument {
    let mut p = Product::new(DeliveryMethod::ProfessionalService);
    p.basic.name = "Database Migration Service".into();
    p.basic.version = "V1.0".into();
    p.basic.logo = Some(png(120, 120, 12_000));
    p.basic.delivery = Delivery::ProfessionalService {
        service_flow: Some(ServiceFlow::Standard),
        avg_delivery_days: Some(10),
        request_templates: vec![RequestTemplate {
            title: "Migration request".into(),
            form_id: Some("data-migration-request".into()),
            file: None,
        }],
    };
    p.details.overview = "We move your databases to Huawei Cloud with no data loss.".into();
    p.details.description =
        "Assessment, migration and verification of MySQL and PostgreSQL databases, \
        with a rollback plan and a final report."
            .into();
    p.details.highlights = vec![Highlight {
        title: "No data loss".into(),
        text: "Checksums on every table.".into(),
    }];
    p.details.customer_cases = vec![CustomerCase {
        customer: "Acme".into(),
        title: "2 TB in a weekend".into(),
        text: "Moved overnight.".into(),
    }];
    p.qualification.user_guide = Some(doc_file("guide.pdf"));
    p.qualification.after_sales_group = Some("g1".into());
    p.specifications = vec![spec("s1", "Standard", &[BillingMode::OneTime], 50_000)];
    DraftDocument::release(p)
}

fn with_method(method: DeliveryMethod) -> DraftDocument {
    let mut d = professional();
    let p = &mut d.product;
    p.basic.delivery = Delivery::empty(method);
    p.qualification.eula = Some(doc_file("eula.pdf"));
    p.qualification.software_copyright = Some(doc_file("copyright.pdf"));
    match &mut p.basic.delivery {
        Delivery::License { delivery_process } => {
            *delivery_process = "Licence file by e-mail after acceptance".into()
        }
        Delivery::Saas {
            associated_asset, ..
        } => *associated_asset = "asset-123".into(),
        Delivery::Image { image_asset } => *image_asset = "img-42".into(),
        Delivery::ConsultingService { website_url } => {
            *website_url = "https://example.com/consulting".into()
        }
        _ => {}
    }
    p.specifications = match method {
        DeliveryMethod::License => {
            let mut s = spec(
                "s1",
                "Standard",
                &[BillingMode::Yearly, BillingMode::Monthly],
                9_900,
            );
            s.application_asset = "app-7".into();
            vec![s]
        }
        DeliveryMethod::Saas => vec![spec("s1", "Standard", &[BillingMode::Monthly], 2_000)],
        DeliveryMethod::Image => vec![spec("s1", "Standard", &[BillingMode::PayPerUse], 10)],
        DeliveryMethod::Hardware => vec![spec("s1", "Gateway", &[BillingMode::OneTime], 30_000)],
        DeliveryMethod::ConsultingService => vec![],
        DeliveryMethod::ProfessionalService => p.specifications.clone(),
    };
    d
}

fn license() -> DraftDocument {
    with_method(DeliveryMethod::License)
}
fn saas() -> DraftDocument {
    with_method(DeliveryMethod::Saas)
}

/// A modification draft of a released SaaS product with two yearly specifications.
pub(crate) fn modification() -> DraftDocument {
    let mut live = saas().product;
    live.specifications = vec![
        spec("s1", "Basic", &[BillingMode::Yearly], 10_000),
        spec("s2", "Pro", &[BillingMode::Yearly], 20_000),
    ];
    DraftDocument::modification("PROD-1", live)
}

fn rule_ids(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn clean_drafts_of_every_delivery_method_have_no_findings() {
    let rules = Ruleset::default();
    for d in [
        professional(),
        license(),
        saas(),
        with_method(DeliveryMethod::Image),
        with_method(DeliveryMethod::Hardware),
        with_method(DeliveryMethod::ConsultingService),
        modification(),
    ] {
        let f = lint(&d, &support(), &rules);
        assert!(f.is_empty(), "{:?}: {f:#?}", d.product.method());
    }
    assert!(lint_support(&support(), &rules).is_empty());
}

type Breaker = fn(&mut DraftDocument, &mut SupportInfo);
type Start = fn() -> DraftDocument;
type Case = (&'static str, Start, Breaker);
type SupportCase = (&'static str, fn(&mut SupportInfo));

/// (rule, the clean draft to start from, how to break it)
fn cases() -> Vec<Case> {
    use ids::*;
    vec![
        (NAME_REQUIRED, professional, |d, _| {
            d.product.basic.name = "  ".into()
        }),
        (NAME_LENGTH, professional, |d, _| {
            d.product.basic.name = "X".into()
        }),
        (NAME_BRANDING, professional, |d, _| {
            d.product.basic.name = "Huawei Cloud Migration Solution".into()
        }),
        (NAME_BRANDING, professional, |d, _| {
            d.product.basic.name = "华为云迁移服务".into()
        }),
        (NAME_HUAWEI_MENTION, professional, |d, _| {
            d.product.basic.name = "Migration for Huawei ERP".into()
        }),
        (NAME_PRICE, professional, |d, _| {
            d.product.basic.name = "Migration Service $99".into()
        }),
        (NAME_PRICE, professional, |d, _| {
            d.product.basic.name = "数据迁移 99元".into()
        }),
        (NAME_VERSION, professional, |d, _| {
            d.product.basic.name = "Migration Service V2.0".into()
        }),
        (NAME_VERSION, professional, |d, _| {
            d.product.basic.name = "Migration Service version 3".into()
        }),
        (NAME_PHONE, professional, |d, _| {
            d.product.basic.name = "Migration call 400-123-4567".into()
        }),
        (NAME_OFFER, professional, |d, _| {
            d.product.basic.name = "Free Migration Assessment".into()
        }),
        (NAME_VERSION_NUMBER, professional, |d, _| {
            d.product.basic.name = "MySQL 5.7 to 8.0 Migration".into()
        }),
        (VERSION_REQUIRED, professional, |d, _| {
            d.product.basic.version = String::new()
        }),
        (VERSION_FORMAT, professional, |d, _| {
            d.product.basic.version = "v0.1".into()
        }),
        (VERSION_FORMAT, professional, |d, _| {
            d.product.basic.version = "First Version".into()
        }),
        (VERSION_FORMAT, professional, |d, _| {
            d.product.basic.version = "Initial Version".into()
        }),
        (LOGO_REQUIRED, professional, |d, _| {
            d.product.basic.logo = None
        }),
        (LOGO_FORMAT, professional, |d, _| {
            d.product.basic.logo = Some(Attachment {
                media_type: "image/jpeg".into(),
                image: None,
                ..png(120, 120, 1000)
            })
        }),
        (LOGO_DIMENSIONS, professional, |d, _| {
            d.product.basic.logo = Some(png(128, 120, 1000))
        }),
        (LOGO_SIZE, professional, |d, _| {
            d.product.basic.logo = Some(png(120, 120, 6 * 1024 * 1024))
        }),
        (OVERVIEW_REQUIRED, professional, |d, _| {
            d.product.details.overview = String::new()
        }),
        (OVERVIEW_LENGTH, professional, |d, _| {
            d.product.details.overview = "Too short".into()
        }),
        (DESCRIPTION_REQUIRED, professional, |d, _| {
            d.product.details.description = "\n".into()
        }),
        (DESCRIPTION_LENGTH, professional, |d, _| {
            d.product.details.description = "Short.".into()
        }),
        (DESCRIPTION_BLANK_LINES, professional, |d, _| {
            d.product
                .details
                .description
                .push_str("\n\n\n\n\nMore text after a gap.")
        }),
        (DESCRIPTION_PRICE_ELSEWHERE, professional, |d, _| {
            d.product
                .details
                .description
                .push_str(" Contact our sales team for pricing.")
        }),
        (DESCRIPTION_PRICE_ELSEWHERE, professional, |d, _| {
            d.product
                .details
                .description
                .push_str("。请联系客服获取报价。")
        }),
        (HIGHLIGHTS_COUNT, professional, |d, _| {
            d.product.details.highlights = vec![
                Highlight {
                    title: "T".into(),
                    text: "x".into()
                };
                7
            ]
        }),
        (HIGHLIGHTS_INCOMPLETE, professional, |d, _| {
            d.product.details.highlights[0].text = String::new()
        }),
        (HIGHLIGHTS_LENGTH, professional, |d, _| {
            d.product.details.highlights[0].title = "t".repeat(41)
        }),
        (CASES_COUNT, professional, |d, _| {
            let c = d.product.details.customer_cases[0].clone();
            d.product.details.customer_cases = vec![c; 11];
        }),
        (CASES_INCOMPLETE, professional, |d, _| {
            d.product.details.customer_cases[0].customer = String::new()
        }),
        (CASES_LENGTH, professional, |d, _| {
            d.product.details.customer_cases[0].text = "x".repeat(3001)
        }),
        (SEO_LENGTH, professional, |d, _| {
            d.product.seo.title = "s".repeat(81)
        }),
        (SEO_KEYWORDS, professional, |d, _| {
            d.product.seo.keywords = vec!["k".into(); 11]
        }),
        (QUAL_EULA, license, |d, _| {
            d.product.qualification.eula = None
        }),
        (QUAL_USER_GUIDE, professional, |d, _| {
            d.product.qualification.user_guide = None
        }),
        (QUAL_COPYRIGHT, saas, |d, _| {
            d.product.qualification.software_copyright = None
        }),
        (QUAL_AFTER_SALES, professional, |d, _| {
            d.product.qualification.after_sales_group = None
        }),
        (QUAL_AFTER_SALES_UNKNOWN, professional, |_, s| {
            s.after_sales_groups.clear()
        }),
        (PS_SERVICE_FLOW, professional, |d, _| {
            if let Delivery::ProfessionalService { service_flow, .. } =
                &mut d.product.basic.delivery
            {
                *service_flow = None;
            }
        }),
        (PS_DELIVERY_DAYS, professional, |d, _| {
            if let Delivery::ProfessionalService {
                avg_delivery_days, ..
            } = &mut d.product.basic.delivery
            {
                *avg_delivery_days = None;
            }
        }),
        (PS_DELIVERY_DAYS_RANGE, professional, |d, _| {
            if let Delivery::ProfessionalService {
                avg_delivery_days, ..
            } = &mut d.product.basic.delivery
            {
                *avg_delivery_days = Some(400);
            }
        }),
        (PS_DELIVERY_DAYS_RANGE, professional, |d, _| {
            if let Delivery::ProfessionalService {
                avg_delivery_days, ..
            } = &mut d.product.basic.delivery
            {
                *avg_delivery_days = Some(0);
            }
        }),
        (PS_REQUEST_TEMPLATES, professional, |d, _| {
            if let Delivery::ProfessionalService {
                request_templates, ..
            } = &mut d.product.basic.delivery
            {
                request_templates.clear();
            }
        }),
        (PS_REQUEST_TEMPLATE_INCOMPLETE, professional, |d, _| {
            if let Delivery::ProfessionalService {
                request_templates, ..
            } = &mut d.product.basic.delivery
            {
                request_templates[0].form_id = None;
            }
        }),
        (LICENSE_PROCESS, license, |d, _| {
            d.product.basic.delivery = Delivery::empty(DeliveryMethod::License)
        }),
        (LICENSE_ASSET, license, |d, _| {
            d.product.specifications[0].application_asset = String::new()
        }),
        (SAAS_ASSET, saas, |d, _| {
            d.product.basic.delivery = Delivery::empty(DeliveryMethod::Saas)
        }),
        (
            IMAGE_ASSET,
            || with_method(DeliveryMethod::Image),
            |d, _| d.product.basic.delivery = Delivery::empty(DeliveryMethod::Image),
        ),
        (
            CONSULTING_URL,
            || with_method(DeliveryMethod::ConsultingService),
            |d, _| {
                d.product.basic.delivery = Delivery::ConsultingService {
                    website_url: "example dot com".into(),
                }
            },
        ),
        (
            CONSULTING_SPECS,
            || with_method(DeliveryMethod::ConsultingService),
            |d, _| d.product.specifications = vec![spec("s1", "x", &[BillingMode::OneTime], 100)],
        ),
        (SPECS_REQUIRED, professional, |d, _| {
            d.product.specifications.clear()
        }),
        (SPECS_REQUIRED, professional, |d, _| {
            d.product.specifications[0].removed = true
        }),
        (SPECS_COUNT, professional, |d, _| {
            d.product.specifications = (0..21)
                .map(|i| {
                    spec(
                        &format!("s{i}"),
                        &format!("Spec {i}"),
                        &[BillingMode::OneTime],
                        100,
                    )
                })
                .collect()
        }),
        (SPEC_NAME, professional, |d, _| {
            d.product.specifications[0].name = String::new()
        }),
        (SPEC_NAME_DUPLICATE, professional, |d, _| {
            let mut s = d.product.specifications[0].clone();
            s.id = "s2".into();
            s.name = " standard ".into();
            d.product.specifications.push(s);
        }),
        (SPEC_BILLING_REQUIRED, professional, |d, _| {
            d.product.specifications[0].billing_modes.clear()
        }),
        (SPEC_BILLING_NOT_ALLOWED, professional, |d, _| {
            d.product.specifications[0] = spec("s1", "Standard", &[BillingMode::PayPerUse], 100)
        }),
        (
            SPEC_BILLING_NOT_ALLOWED,
            || with_method(DeliveryMethod::Hardware),
            |d, _| {
                d.product.specifications[0] = spec("s1", "Gateway", &[BillingMode::Monthly], 100)
            },
        ),
        (SPEC_CUSTOM_PRICING_BILLING, saas, |d, _| {
            let mut s = spec("s1", "Metered", &[BillingMode::PayPerUse], 100);
            s.pricing = PricingTemplate::Custom;
            d.product.specifications[0] = s;
        }),
        (SPEC_LICENSE_BILLING_MIX, license, |d, _| {
            let mut s = spec(
                "s1",
                "Standard",
                &[BillingMode::Yearly, BillingMode::OneTime],
                100,
            );
            s.application_asset = "app-7".into();
            d.product.specifications[0] = s;
        }),
        (SPEC_ATTRIBUTES_UNUSED, professional, |d, _| {
            d.product.specifications[0].attributes.push(enumeration(
                "item",
                "Service item",
                &["Assessment"],
            ))
        }),
        (SPEC_ATTRIBUTE_PRESET, professional, |d, _| {
            custom(d, vec![enumeration("os", "os", &["Linux"])])
        }),
        (SPEC_ATTRIBUTE_PRESET, professional, |d, _| {
            custom(d, vec![enumeration("app", "appName", &["A"])])
        }),
        (SPEC_ATTRIBUTE_INCOMPLETE, professional, |d, _| {
            custom(d, vec![enumeration("", "Service item", &["A"])])
        }),
        (SPEC_ATTRIBUTE_DUPLICATE, professional, |d, _| {
            custom(
                d,
                vec![
                    enumeration("item", "Item", &["A"]),
                    enumeration("item", "Item again", &["B"]),
                ],
            )
        }),
        (SPEC_ENUM_VALUES, professional, |d, _| {
            custom(d, vec![enumeration("item", "Item", &["A", "A"])])
        }),
        (SPEC_ENUM_VALUES, professional, |d, _| {
            custom(d, vec![enumeration("item", "Item", &[])])
        }),
        (SPEC_QUANTITY_RANGE, professional, |d, _| {
            custom(d, vec![quantity(10, 5, 1, QuantityPricing::Linear, vec![])])
        }),
        (SPEC_QUANTITY_RANGE, professional, |d, _| {
            custom(
                d,
                vec![quantity(1, 100, 7, QuantityPricing::Linear, vec![])],
            )
        }),
        (SPEC_QUANTITY_RANGE, professional, |d, _| {
            custom(
                d,
                vec![quantity(1, 100, 0, QuantityPricing::Linear, vec![])],
            )
        }),
        (SPEC_QUANTITY_TIERS, professional, |d, _| {
            custom(
                d,
                vec![quantity(1, 100, 1, QuantityPricing::Tiered, vec![50, 20])],
            )
        }),
        (SPEC_QUANTITY_TIERS, professional, |d, _| {
            custom(
                d,
                vec![quantity(1, 100, 1, QuantityPricing::Tiered, vec![])],
            )
        }),
        (SPEC_QUANTITY_COUNT, professional, |d, _| {
            custom(
                d,
                vec![quantity(1, 10, 1, QuantityPricing::Linear, vec![]), {
                    let mut q = quantity(1, 10, 1, QuantityPricing::Linear, vec![]);
                    q.code = "days".into();
                    q.name = "Person-days".into();
                    q
                }],
            )
        }),
        (SPEC_LIMITS, professional, |d, _| {
            let values: Vec<String> = (0..31).map(|i| format!("v{i}")).collect();
            let refs: Vec<&str> = values.iter().map(String::as_str).collect();
            custom(d, vec![enumeration("item", "Item", &refs)]);
        }),
        (SPEC_LIMITS, professional, |d, _| {
            let values: Vec<String> = (0..15).map(|i| format!("v{i}")).collect();
            let refs: Vec<&str> = values.iter().map(String::as_str).collect();
            custom(
                d,
                vec![enumeration("a", "A", &refs), enumeration("b", "B", &refs)],
            );
        }),
        (SKU_TABLE_STALE, professional, |d, _| {
            d.product.specifications[0]
                .billing_modes
                .push(BillingMode::Monthly)
        }),
        (SKU_TABLE_STALE, professional, |d, _| {
            d.product.specifications[0].skus.clear()
        }),
        (SKU_PRICE, professional, |d, _| {
            d.product.specifications[0].skus[0].price = Money::ZERO
        }),
        (SKU_PRICE, professional, |d, _| {
            custom(
                d,
                vec![quantity(1, 100, 1, QuantityPricing::Tiered, vec![50])],
            );
            d.product.specifications[0].skus[0].tier_prices[1] = Money::ZERO;
        }),
        (PS_REQUEST_TEMPLATE_INCOMPLETE, professional, |d, _| {
            if let Delivery::ProfessionalService {
                request_templates, ..
            } = &mut d.product.basic.delivery
            {
                request_templates[0].file = None;
                request_templates[0].form_id = None;
            }
        }),
        (PS_REQUEST_TEMPLATE_FILE_TYPE, professional, |d, _| {
            if let Delivery::ProfessionalService {
                request_templates, ..
            } = &mut d.product.basic.delivery
            {
                request_templates[0].file = Some(doc_file("requirements.pdf"));
            }
        }),
        (MOD_PRODUCT_OFFLINE, modification, |d, _| {
            d.live_status = Some(ListingStatus::Offline);
        }),
        (MOD_SPEC_RESTORED, modification, |d, _| {
            d.live.as_mut().unwrap().specifications[1].removed = true;
        }),
        (MOD_SUPERVISION_FIXED, modification, |d, _| {
            // Released without supervision; a license is always supervised.
            d.product.basic.delivery = Delivery::License {
                delivery_process: "Keys by e-mail.".into(),
            };
        }),
        (MOD_SPEC_DELETED, modification, |d, _| {
            d.product.specifications.remove(1);
        }),
        (MOD_ADD_THEN_REMOVE, modification, |d, _| {
            d.product.specifications[0].removed = true;
            d.product
                .specifications
                .push(spec("s3", "Enterprise", &[BillingMode::Yearly], 30_000));
        }),
        (MOD_ALL_REMOVED, modification, |d, _| {
            for s in &mut d.live.as_mut().unwrap().specifications {
                s.removed = true;
            }
            for s in &mut d.product.specifications {
                s.removed = true;
            }
            d.product.specifications[0].name = "Basic (new)".into();
        }),
        (MOD_BILLING_CHANGE, modification, |d, _| {
            d.product.specifications[0] = priced(spec(
                "s1",
                "Basic",
                &[BillingMode::Yearly, BillingMode::OneTime],
                10_000,
            ));
        }),
        (MOD_BILLING_CHANGE, modification, |d, _| {
            d.product.specifications[0] =
                priced(spec("s1", "Basic", &[BillingMode::Monthly], 10_000));
        }),
        (MOD_TRIAL_FIXED, modification, |d, _| {
            d.product.specifications[0] = priced(spec(
                "s1",
                "Basic",
                &[BillingMode::Yearly, BillingMode::Trial],
                10_000,
            ));
        }),
        (MOD_SUPERVISION_FIXED, modification, |d, _| {
            if let Delivery::Saas {
                involves_service_supervision,
                ..
            } = &mut d.product.basic.delivery
            {
                *involves_service_supervision = true;
            }
        }),
        (MOD_RELEASED_STRUCTURE, modification, |d, _| {
            let s = &mut d.product.specifications[0];
            s.pricing = PricingTemplate::Custom;
            s.attributes = vec![enumeration("edition", "Edition", &["Basic"])];
            s.regenerate_skus();
            for k in &mut s.skus {
                k.price = Money::from_cents(10_000);
            }
        }),
        (MOD_RELEASED_NAME_PRICE, modification, |d, _| {
            d.product.specifications[0].name = "Basic 2".into()
        }),
        (MOD_RELEASED_NAME_PRICE, modification, |d, _| {
            d.product.specifications[1].skus[0].price = Money::from_cents(25_000)
        }),
    ]
}

fn priced(mut s: Specification) -> Specification {
    for k in &mut s.skus {
        if k.price == Money::ZERO {
            k.price = Money::from_cents(10_000);
        }
    }
    s
}

fn enumeration(code: &str, name: &str, values: &[&str]) -> Attribute {
    Attribute {
        code: code.into(),
        name: name.into(),
        kind: AttributeKind::Enumeration {
            values: values.iter().map(|v| v.to_string()).collect(),
        },
    }
}

fn quantity(
    min: u32,
    max: u32,
    step: u32,
    pricing: QuantityPricing,
    tier_bounds: Vec<u32>,
) -> Attribute {
    Attribute {
        code: "users".into(),
        name: "Users".into(),
        kind: AttributeKind::Quantity {
            unit: "user".into(),
            min,
            max,
            step,
            pricing,
            tier_bounds,
        },
    }
}

/// Switches the first specification to the custom template with these attributes, regenerates its
/// SKUs and prices them, so only the rule under test fires.
fn custom(d: &mut DraftDocument, attributes: Vec<Attribute>) {
    let s = &mut d.product.specifications[0];
    s.pricing = PricingTemplate::Custom;
    s.attributes = attributes;
    s.regenerate_skus();
    for k in &mut s.skus {
        k.price = Money::from_cents(100);
        for t in &mut k.tier_prices {
            *t = Money::from_cents(100);
        }
    }
}

#[test]
fn every_rule_fires_on_a_draft_that_breaks_it() {
    let rules = Ruleset::default();
    for (i, (rule, start, brk)) in cases().into_iter().enumerate() {
        let mut d = start();
        let mut s = support();
        brk(&mut d, &mut s);
        let findings = lint(&d, &s, &rules);
        let hit = findings.iter().find(|f| f.rule == rule);
        assert!(
            hit.is_some(),
            "case {i}: {rule} did not fire; got {:?}",
            rule_ids(&findings)
        );
        let hit = hit.unwrap();
        assert!(
            hit.path.starts_with("product"),
            "case {i}: path {}",
            hit.path
        );
        assert!(!hit.message.en.is_empty() && !hit.message.zh_cn.is_empty());
        let expected = RULES.iter().find(|r| r.id == rule).unwrap().severity;
        assert_eq!(hit.severity, expected);
    }
}

#[test]
fn every_support_rule_fires_and_clean_support_passes() {
    use ids::*;
    let rules = Ruleset::default();
    let support_cases: Vec<SupportCase> = vec![
        (SUPPORT_CONTACT_INCOMPLETE, |s| {
            s.business_contact.phone.clear()
        }),
        (SUPPORT_CONTACT_INCOMPLETE, |s| s.pre_sales.email.clear()),
        (SUPPORT_EMAIL, |s| {
            s.pre_sales.email = "sales at example".into()
        }),
        (SUPPORT_EMAIL, |s| {
            s.after_sales_groups[0].email = "nope".into()
        }),
        (SUPPORT_GROUP_COUNT, |s| {
            let g = s.after_sales_groups[0].clone();
            s.after_sales_groups = vec![g; 7];
        }),
        (SUPPORT_GROUP_INCOMPLETE, |s| {
            s.after_sales_groups[0].service_days.clear()
        }),
        (SUPPORT_SERVICE_HOURS, |s| {
            s.after_sales_groups[0].service_hours = "09:00-18:00".into()
        }),
        (SUPPORT_SERVICE_HOURS, |s| {
            s.after_sales_groups[0].service_hours = "09:00-12:00 (GMT+08:00)".into()
        }),
    ];
    for (rule, brk) in support_cases {
        let mut s = support();
        brk(&mut s);
        let ids: Vec<String> = lint_support(&s, &rules)
            .into_iter()
            .map(|f| f.rule)
            .collect();
        assert!(
            ids.iter().any(|r| r == rule),
            "{rule} did not fire: {ids:?}"
        );
    }
}

#[test]
fn every_registered_rule_has_a_failing_case() {
    let mut covered: Vec<&str> = cases().iter().map(|c| c.0).collect();
    covered.extend([
        ids::SUPPORT_CONTACT_INCOMPLETE,
        ids::SUPPORT_EMAIL,
        ids::SUPPORT_GROUP_COUNT,
        ids::SUPPORT_GROUP_INCOMPLETE,
        ids::SUPPORT_SERVICE_HOURS,
    ]);
    for r in RULES {
        assert!(covered.contains(&r.id), "rule {} has no test case", r.id);
    }
    let mut unique: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), RULES.len(), "rule ids are unique");
}

#[test]
fn hcs_products_may_say_hcs_version_in_their_name() {
    let mut d = professional();
    d.product.basic.name = "Database Migration Service (HCS Version)".into();
    assert!(lint(&d, &support(), &Ruleset::default()).is_empty());
}

#[test]
fn errors_come_before_warnings_and_counts_add_up() {
    let mut d = professional();
    d.product.basic.name = "Migration for Huawei ERP".into();
    d.product.basic.version = "v1".into();
    let f = lint(&d, &support(), &Ruleset::default());
    assert_eq!(counts(&f), (1, 1));
    assert_eq!(f[0].severity, Severity::Error);
}

#[test]
fn a_stricter_ruleset_changes_the_verdict_without_code_changes() {
    let mut rules = Ruleset::default();
    let d = professional();
    assert!(lint(&d, &support(), &rules).is_empty());
    rules.avg_delivery_days.max = 5;
    let ids: Vec<String> = lint(&d, &support(), &rules)
        .into_iter()
        .map(|f| f.rule)
        .collect();
    assert_eq!(ids, [ids::PS_DELIVERY_DAYS_RANGE]);
}

/// The name rules from both sides: what must pass, what may only warn, what must be blocked, and
/// that the message names what matched.
#[test]
fn names_are_blocked_only_for_a_real_price_version_or_phone_number() {
    use ids::*;
    let rules = Ruleset::default();
    let name_findings = |name: &str| -> Vec<(String, Severity, String)> {
        let mut d = professional();
        d.product.basic.name = name.into();
        lint(&d, &support(), &rules)
            .into_iter()
            .filter(|f| f.path == "product.basic.name")
            .map(|f| (f.rule, f.severity, f.message.en))
            .collect()
    };
    for clean in [
        "元数据迁移服务",
        "折叠屏适配咨询",
        "多元数据治理服务",
        "Windows 2012 2016 Upgrade Service",
        "S3 to OBS Migration",
        "Python3 Code Review Service",
        "24x7 Database Operations",
        "Database Migration Service (HCS Version)",
    ] {
        assert_eq!(name_findings(clean), vec![], "{clean}");
    }
    for (warned, rule) in [
        ("MySQL 5.7 to 8.0 Migration", NAME_VERSION_NUMBER),
        ("Upgrade to PostgreSQL 16.2", NAME_VERSION_NUMBER),
        ("Free Migration Assessment", NAME_OFFER),
        ("免费迁移评估", NAME_OFFER),
        ("双11 大促 迁移服务", NAME_OFFER),
        ("限时迁移评估", NAME_OFFER),
    ] {
        let f = name_findings(warned);
        assert!(
            f.iter().all(|(_, sev, _)| *sev == Severity::Warning)
                && f.iter().any(|(r, _, _)| r == rule),
            "{warned}: {f:?}"
        );
    }
    for (blocked, rule, shows) in [
        ("Data Migration ¥99", NAME_PRICE, "¥99"),
        ("数据迁移 99元", NAME_PRICE, "99元"),
        ("迁移服务 8折", NAME_PRICE, "8折"),
        ("迁移服务八折", NAME_PRICE, "八折"),
        ("Migration 20% off", NAME_PRICE, "20% off"),
        ("Migration from 99 USD", NAME_PRICE, "99 USD"),
        ("Acme Migration V2.0", NAME_VERSION, "V2.0"),
        ("Migration Service version 3", NAME_VERSION, "version 3"),
        ("数据迁移服务 版本2", NAME_VERSION, "版本2"),
        ("数据迁移服务 2.0版", NAME_VERSION, "2.0版"),
        ("Call 13812345678 Migration", NAME_PHONE, "13812345678"),
        ("Migration call 400-123-4567", NAME_PHONE, "400-123-4567"),
        ("Migration +86 10 6543 2100", NAME_PHONE, "+86 10 6543 2100"),
        ("迁移服务 010-65432100", NAME_PHONE, "010-65432100"),
    ] {
        let f = name_findings(blocked);
        let hit = f.iter().find(|(r, _, _)| r == rule);
        assert!(
            hit.is_some_and(|(_, sev, msg)| *sev == Severity::Error && msg.contains(shows)),
            "{blocked}: {f:?}"
        );
    }
}

#[test]
fn unusual_delivery_days_only_warn_and_do_not_claim_a_rejection() {
    let rules = Ruleset::default();
    let mut d = professional();
    if let Delivery::ProfessionalService {
        avg_delivery_days, ..
    } = &mut d.product.basic.delivery
    {
        *avg_delivery_days = Some(rules.avg_delivery_days.max + 100);
    }
    let f = lint(&d, &support(), &rules);
    let hit = f
        .iter()
        .find(|f| f.rule == ids::PS_DELIVERY_DAYS_RANGE)
        .expect("the unusual value is pointed out");
    assert_eq!(hit.severity, Severity::Warning);
    assert!(!hit.message.en.contains("reject"), "{}", hit.message.en);
    assert!(!hit.message.zh_cn.contains("驳回"), "{}", hit.message.zh_cn);
    assert_eq!(counts(&f).0, 0, "nothing blocks the release");
}

#[test]
fn custom_pricing_is_for_yearly_monthly_and_one_time_billing_only() {
    let rules = Ruleset::default();
    let verdict = |modes: &[BillingMode], pricing: PricingTemplate| {
        let mut d = saas();
        let mut s = spec("s1", "Standard", modes, 100);
        s.pricing = pricing;
        d.product.specifications[0] = s;
        lint(&d, &support(), &rules)
            .iter()
            .any(|f| f.rule == ids::SPEC_CUSTOM_PRICING_BILLING)
    };
    use BillingMode::*;
    for ok in [&[Monthly, Yearly][..], &[OneTime], &[Yearly]] {
        assert!(!verdict(ok, PricingTemplate::Custom), "{ok:?}");
    }
    for bad in [&[PayPerUse][..], &[Trial], &[Yearly, PayPerUse]] {
        assert!(verdict(bad, PricingTemplate::Custom), "{bad:?}");
        assert!(
            !verdict(bad, PricingTemplate::Simple),
            "{bad:?} with simple pricing"
        );
    }
}
