//! Fixed data: the documented mock orders of the order query, and the demo data set (products,
//! applications and service orders in every state, one order close to the 5-day line).

use koodesk_domain::product::{Delivery, Product};
use koodesk_domain::supervision::{FlowState, Party};
use koodesk_market::contract::*;
use rusqlite::Connection;

use crate::db;
use crate::sim::applications::save_application;
use crate::sim::customer::waiting_for;
use crate::sim::orders::save_order;
use crate::sim::{ts, Sim, DAY, HOUR};

/// The order query's simulated orders, as documented (the `MONTY` spelling included).
pub fn mock_order(order_id: &str, now: i64) -> Option<OrderInfo> {
    let (charging, order_type, trial, amount, period) = match order_id {
        "MOCKPERIODYEARNEW" => ("PERIOD", "NEW", "0", 1200.0, "year"),
        "MOCKONETIMENEW" => ("ONETIME", "NEW", "0", 300.0, ""),
        "MOCKONDEMAND" => ("ONDEMAND", "NEW", "0", 0.0, ""),
        "MOCKONDEMANDPKG" => ("ONDEMAND_PACKAGE", "NEW", "0", 99.0, ""),
        "MOCKPERIODDAYTRIAL" => ("PERIOD", "NEW", "1", 0.0, "day"),
        "MOCKMONTYTRIALTOFORMAL" => ("PERIOD", "TRIAL_TO_FORMAL", "0", 100.0, "month"),
        "MOCKMONTYUNSUBSCRIBE" => ("PERIOD", "UNSUBSCRIBE", "0", 100.0, "month"),
        "MOCKMONTYRENEW" => ("PERIOD", "RENEW", "0", 100.0, "month"),
        "MOCKMONTYCHANGE" => ("PERIOD", "CHANGE", "0", 150.0, "month"),
        _ => return None,
    };
    Some(OrderInfo {
        order_id: order_id.to_owned(),
        business_id: format!("BIZ-{order_id}"),
        trial_flag: trial.into(),
        order_amount: amount,
        charging_mode: charging.into(),
        order_type: order_type.into(),
        create_time: ts(now - DAY),
        customer_id: "68cbc86abc2018ab880d92f36422fa0e".into(),
        customer_name: "mock_customer".into(),
        user_id: "0a8f3b7a4c80d3e61f4fc01a1b2c3d4e".into(),
        user_name: "mock_user".into(),
        mobile_phone: "+86-13800000000".into(),
        email: "mock_user@example.com".into(),
        order_line: vec![OrderLine {
            order_line_id: format!("{order_id}-000001"),
            product_id: "OFFI000000000000000001".into(),
            product_name: "Mock product".into(),
            sku_code: "mock-sku-001".into(),
            period_type: period.into(),
            period_num: u32::from(!period.is_empty()),
            expire_time: if period.is_empty() {
                String::new()
            } else {
                ts(now + 365 * DAY)
            },
            extra: Default::default(),
        }],
        extra: Default::default(),
    })
}

/// A sandbox order as the order query shows it.
pub fn order_info(o: &ServiceOrder) -> OrderInfo {
    OrderInfo {
        order_id: o.order_id.clone(),
        business_id: format!("BIZ-{}", o.order_id),
        trial_flag: "0".into(),
        order_amount: 800.0,
        charging_mode: "ONETIME".into(),
        order_type: "NEW".into(),
        create_time: o.created_at.clone(),
        customer_name: o.customer_name.clone(),
        order_line: vec![OrderLine {
            order_line_id: o.order_line_id.clone(),
            product_id: o.product_id.clone(),
            product_name: o.product_name.clone(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn fixture(text: &str) -> rusqlite::Result<Product> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Seeds the demo data set at sandbox time `now`.
/// A customer's copy of the example request form's workbook, filled in except for one required
/// answer, and the form's definition as the seller uploaded it beside the template.
fn filled_request(tx: &Connection, at: i64) -> rusqlite::Result<Vec<AttachmentInfo>> {
    use koodesk_domain::form::{example_answer, RequestForm};
    let Ok(form) = RequestForm::from_json(include_str!(
        "../../../docs/examples/data-migration-request.json"
    )) else {
        return Ok(Vec::new());
    };
    let mut answers = serde_json::Map::new();
    let mut left_out = false;
    for s in &form.sections {
        if s.repeating {
            let rows = (0..2)
                .map(|i| {
                    serde_json::Value::Object(
                        s.fields
                            .iter()
                            .filter_map(|f| example_answer(f, i).map(|v| (f.key.clone(), v)))
                            .collect(),
                    )
                })
                .collect();
            answers.insert(s.key.clone(), serde_json::Value::Array(rows));
            continue;
        }
        for f in &s.fields {
            // The customer forgot one required answer.
            if f.required && !left_out && f.key != s.fields[0].key {
                left_out = true;
                continue;
            }
            if let Some(v) = example_answer(f, 1) {
                answers.insert(f.key.clone(), v);
            }
        }
    }
    let opts = koodesk_templates::Options {
        answers,
        ..Default::default()
    };
    let Ok(bytes) = koodesk_templates::xlsx::generate(&form, &opts) else {
        return Ok(Vec::new());
    };
    let definition = serde_json::to_vec(&form).unwrap_or_default();
    crate::sim::attachments::store(
        tx,
        AttachmentKind::Other,
        "data-migration-request.json",
        FORM_CONTENT_TYPE,
        &definition,
        at,
    )?;
    let filled = crate::sim::attachments::store(
        tx,
        AttachmentKind::Other,
        "Data migration request (filled).xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &bytes,
        at,
    )?;
    Ok(vec![filled])
}

pub fn demo(sim: &Sim, tx: &Connection, now: i64) -> rusqlite::Result<()> {
    let service = fixture(include_str!("../fixtures/professional-service.json"))?;
    let license = fixture(include_str!(
        "../../api/fixtures/live-products/PROD-LIC-0002.json"
    ))?;
    let mut saas = fixture(include_str!(
        "../../api/fixtures/live-products/PROD-SAAS-0001.json"
    ))?;
    if let Delivery::Saas {
        involves_service_supervision,
        ..
    } = &mut saas.basic.delivery
    {
        *involves_service_supervision = true;
    }

    let p_service = sim.new_product_at(tx, service.clone(), now - 40 * DAY, now)?;
    let p_license = sim.new_product_at(tx, license, now - 30 * DAY, now)?;
    let _p_saas = sim.new_product_at(tx, saas, now - 20 * DAY, now)?;
    // Public Sales off: on sale through its URL only, so the marketplace hides it.
    let mut hidden = service.clone();
    hidden.basic.name = "CloudMove Database Health Check".into();
    hidden.public_sales = false;
    sim.new_product_at(tx, hidden, now - 60 * DAY, now)?;
    let mut gone = service.clone();
    gone.basic.name = "CloudMove Legacy Mainframe Assessment".into();
    let mut p_gone = sim.new_product_at(tx, gone, now - 90 * DAY, now)?;
    p_gone.status = ProductStatus::Offline;
    crate::sim::products::save_product(tx, &p_gone, None)?;

    // Applications in every status.
    let app = |id: &str,
               kind,
               status,
               product_id: Option<&str>,
               name: &str,
               at: i64,
               comments: Vec<ReviewComment>| {
        let mut snapshot = service.clone();
        snapshot.basic.name = name.into();
        Application {
            application_id: id.into(),
            r#type: kind,
            status,
            product_id: product_id.map(str::to_owned),
            base_version: product_id.map(|_| 1),
            product_name: name.into(),
            submitted_at: ts(at),
            updated_at: ts(at
                + if status == ApplicationStatus::PendingApproval {
                    0
                } else {
                    DAY
                }),
            reviewed_at: matches!(
                status,
                ApplicationStatus::Approved | ApplicationStatus::Rejected
            )
            .then(|| ts(at + DAY)),
            review_comments: comments,
            version: if status == ApplicationStatus::PendingApproval {
                1
            } else {
                2
            },
            snapshot,
        }
    };
    let pending = app(
        "APPDEMO000001",
        ApplicationType::Release,
        ApplicationStatus::PendingApproval,
        None,
        "CloudMove Data Lake Audit",
        now - 6 * HOUR,
        vec![],
    );
    save_application(tx, &pending, Some(crate::sim::add_working_hours(now, 30)))?;
    let rejected = app(
        "APPDEMO000002",
        ApplicationType::Release,
        ApplicationStatus::Rejected,
        None,
        "CloudMove Best ERP Setup",
        now - 5 * DAY,
        vec![ReviewComment {
            field: Some("product.basic.name".into()),
            message:
                "Absolute claims such as \"best\" or \"No. 1\" are not allowed in the product name."
                    .into(),
        }],
    );
    save_application(tx, &rejected, None)?;
    let approved = app(
        "APPDEMO000003",
        ApplicationType::Modification,
        ApplicationStatus::Approved,
        Some(&p_service.product_id),
        &service.basic.name,
        now - 12 * DAY,
        vec![],
    );
    save_application(tx, &approved, None)?;
    let withdrawn = app(
        "APPDEMO000004",
        ApplicationType::Modification,
        ApplicationStatus::Withdrawn,
        Some(&p_license.product_id),
        "SecureGate Web Application Firewall",
        now - 9 * DAY,
        vec![],
    );
    save_application(tx, &withdrawn, None)?;

    // Service orders in every flow state.
    let order =
        |product: &LiveProduct, method, created: i64| sim.new_order(tx, product, method, created);
    let set = |mut o: ServiceOrder,
               state: FlowState,
               since: i64,
               f: &dyn Fn(&mut ServiceOrder)|
     -> rusqlite::Result<()> {
        o.flow_state = state;
        o.flow_updated_at = ts(since);
        o.updated_at = ts(since);
        if matches!(
            state,
            FlowState::RequestSubmitted
                | FlowState::Delivering
                | FlowState::AwaitingAcceptance
                | FlowState::Accepted
                | FlowState::Completed
        ) && o.delivery_method != OrderDelivery::License
        {
            o.request = Some(CustomerRequest {
                text: "Please migrate our 12 servers before the end of the month.".into(),
                attachments: vec![],
                submitted_at: ts(since.min(now - HOUR)),
            });
        }
        f(&mut o);
        if o.flow_state == FlowState::Completed {
            o.order_status = OrderStatus::Completed;
        }
        o.version += 1;
        o.flow_version += 1;
        o.waiting_for = waiting_for(&o);
        let next = sim.next_step(&o, now);
        save_order(tx, &o, next)
    };
    let svc = OrderDelivery::ProfessionalService;
    set(
        order(&p_service, svc, now - 3 * HOUR)?,
        FlowState::AwaitingRequest,
        now - 3 * HOUR,
        &|_| {},
    )?;
    set(
        order(&p_service, svc, now - 2 * DAY)?,
        FlowState::RequestSubmitted,
        now - DAY,
        &|_| {},
    )?;
    // Close to the 5-day line: the customer's request (with their filled template) has waited
    // for the seller so long that 4 hours are left before the customer may appeal.
    let files = filled_request(tx, now - 5 * DAY + 4 * HOUR)?;
    set(
        order(&p_service, svc, now - 7 * DAY)?,
        FlowState::RequestSubmitted,
        now - 5 * DAY + 4 * HOUR,
        &|o| {
            o.customer_name = "Contoso Ltd.".into();
            if let Some(r) = o.request.as_mut() {
                r.attachments = files.clone();
            }
        },
    )?;
    set(
        order(&p_license, OrderDelivery::License, now - DAY)?,
        FlowState::Delivering,
        now - DAY,
        &|_| {},
    )?;
    set(
        order(&p_service, svc, now - 6 * DAY)?,
        FlowState::AwaitingAcceptance,
        now - 10 * HOUR,
        &|o| {
            o.delivery = Some(koodesk_market::contract::Delivery {
                result_text: "Migrated 12 servers; report attached.".into(),
                actual_enabling_time: Some(ts(now - 11 * HOUR)),
                deliverable_ids: vec![],
                delivered_at: ts(now - 10 * HOUR),
            });
        },
    )?;
    set(
        order(&p_license, OrderDelivery::License, now - 4 * DAY)?,
        FlowState::Accepted,
        now - HOUR,
        &|o| {
            o.accepted_at = Some(ts(now - HOUR));
        },
    )?;
    set(
        order(&p_service, svc, now - 30 * DAY)?,
        FlowState::Completed,
        now - 20 * DAY,
        &|o| {
            o.accepted_at = Some(ts(now - 20 * DAY - 3 * HOUR));
        },
    )?;
    set(
        order(&p_service, svc, now - 15 * DAY)?,
        FlowState::AwaitingRequest,
        now - 2 * DAY,
        &|o| {
            o.seller_rejections = 3;
            o.appeal = Appeal {
                status: AppealStatus::InProgress,
                initiated_by: Some(Party::Customer),
                reason: Some(
                    koodesk_domain::supervision::AppealReason::SellerRejections
                        .customer_text(sim.flow_rules()),
                ),
                initiated_at: Some(ts(now - 2 * DAY)),
                ..Appeal::none()
            };
        },
    )?;
    db::meta_set(tx, "demo.seeded_at", &ts(now))?;
    Ok(())
}
