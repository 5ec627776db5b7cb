//! The market client against the sandbox over real HTTP on loopback: every contract operation,
//! every fault, idempotency, signatures.

use std::time::Duration;

use koodesk_domain::product::Product;
use koodesk_domain::supervision::{FlowState, Party, SellerAction};
use koodesk_market::contract::*;
use koodesk_market::{Client, ClientConfig, Credentials, ErrorClass, MarketError, Site};
use koodesk_sandbox::{Config, Fault, FaultRule, Sandbox};
use serde_json::{json, Value};

/// Monday 2026-11-23 09:00 UTC.
const START: i64 = 1_795_424_400;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

struct World {
    sandbox: Sandbox,
    client: Client,
    admin: reqwest::Client,
}

impl World {
    async fn new(seed: u64) -> World {
        Self::with(seed, false, ClientConfig::default()).await
    }

    async fn with(seed: u64, demo: bool, cfg: ClientConfig) -> World {
        let mut c = Config::new(seed);
        c.clock_speed = 0.0;
        c.start = Some(START);
        c.demo = demo;
        let sandbox = Sandbox::start(c).await.expect("sandbox starts");
        let client = Client::new(
            &Site::Custom(sandbox.base_url.clone()),
            Credentials::new(sandbox.ak.clone(), sandbox.sk.clone()),
            cfg,
        )
        .expect("client");
        World {
            sandbox,
            client,
            admin: reqwest::Client::new(),
        }
    }

    async fn admin_post(&self, path: &str, body: Value) -> Value {
        let r = self
            .admin
            .post(format!("{}{path}", self.sandbox.base_url))
            .json(&body)
            .send()
            .await
            .expect("admin call");
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().await.expect("admin JSON")
    }

    async fn jump(&self, secs: i64) {
        self.admin_post("/admin/clock", json!({ "advanceSecs": secs }))
            .await;
    }

    async fn fault(&self, route: &str, fault: Fault, times: u32) {
        let rule = FaultRule {
            route: route.into(),
            fault,
            times,
        };
        self.admin_post("/admin/faults", serde_json::to_value(rule).expect("rule"))
            .await;
    }

    async fn counter(&self, name: &str) -> i64 {
        let v: Value = self
            .admin
            .get(format!("{}/admin/counters", self.sandbox.base_url))
            .send()
            .await
            .expect("counters")
            .json()
            .await
            .expect("JSON");
        v["counters"][name].as_i64().unwrap_or(0)
    }

    /// A release that passes review: its files uploaded first, as Koodesk does.
    async fn complete_release(&self, token: &str, name: &str) -> CreateApplication {
        let mut req = release(token, name);
        let upload = |kind, file_name: &'static str, media: &'static str, bytes: &'static [u8]| {
            let c = &self.client;
            let tok = format!("{token}-{file_name}");
            async move {
                let info = c
                    .upload_attachment(&tok, kind, file_name, media, bytes)
                    .await
                    .expect("upload");
                koodesk_domain::product::Attachment {
                    sha256: info.sha256,
                    file_name: file_name.into(),
                    media_type: media.into(),
                    size: bytes.len() as u64,
                    image: None,
                }
            }
        };
        let mut logo = upload(
            AttachmentKind::Logo,
            "logo.png",
            "image/png",
            b"\x89PNG logo bytes",
        )
        .await;
        logo.image = Some(koodesk_domain::product::ImageInfo {
            width: 120,
            height: 120,
        });
        let guide = upload(
            AttachmentKind::Other,
            "guide.pdf",
            "application/pdf",
            b"%PDF guide",
        )
        .await;
        let template = upload(
            AttachmentKind::Template,
            "request.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            b"PK\x03\x04 request template",
        )
        .await;
        req.snapshot.basic.logo = Some(logo);
        req.snapshot.qualification.user_guide = Some(guide);
        if let koodesk_domain::product::Delivery::ProfessionalService {
            request_templates, ..
        } = &mut req.snapshot.basic.delivery
        {
            request_templates.push(koodesk_domain::product::RequestTemplate {
                title: "Migration request".into(),
                form_id: None,
                file: Some(template),
            });
        }
        req
    }

    async fn live_service_product(&self) -> LiveProduct {
        let v = self
            .admin_post("/admin/products", json!({ "product": service_product() }))
            .await;
        serde_json::from_value(v["product"].clone()).expect("product")
    }

    async fn new_order(&self, product_id: &str) -> ServiceOrder {
        let v = self
            .admin_post("/admin/orders", json!({ "productId": product_id }))
            .await;
        serde_json::from_value(v["serviceOrder"].clone()).expect("order")
    }
}

fn service_product() -> Product {
    serde_json::from_str(include_str!("../fixtures/professional-service.json")).expect("fixture")
}

fn release(token: &str, name: &str) -> CreateApplication {
    let mut snapshot = service_product();
    snapshot.basic.name = name.into();
    CreateApplication {
        client_token: token.into(),
        r#type: ApplicationType::Release,
        product_id: None,
        base_version: None,
        snapshot,
    }
}

#[tokio::test]
async fn the_order_query_returns_every_documented_mock_order() {
    let w = World::new(7).await;
    for id in [
        "MOCKPERIODYEARNEW",
        "MOCKONETIMENEW",
        "MOCKONDEMAND",
        "MOCKONDEMANDPKG",
        "MOCKPERIODDAYTRIAL",
        "MOCKMONTYTRIALTOFORMAL",
        "MOCKMONTYUNSUBSCRIBE",
        "MOCKMONTYRENEW",
        "MOCKMONTYCHANGE",
    ] {
        let line = format!("{id}-000001");
        let info = w
            .client
            .order_query(id, Some(&line))
            .await
            .expect("answers")
            .expect("the mock order exists");
        assert_eq!(info.order_id, id);
        assert_eq!(info.order_line[0].order_line_id, line);
    }
    let trial = w
        .client
        .order_query("MOCKPERIODDAYTRIAL", None)
        .await
        .expect("ok")
        .expect("order");
    assert_eq!(trial.trial_flag, "1");
    assert_eq!(
        w.client
            .order_query("CS0000000000NOPE", None)
            .await
            .expect("ok"),
        None
    );
    let e = w
        .client
        .order_query("", None)
        .await
        .expect_err("orderId is mandatory");
    assert_eq!(e.code(), Some(codes::INVALID_PARAMETER));
    assert_eq!(e.class(), ErrorClass::Rejected);
    w.sandbox.stop().await;
}

#[tokio::test]
async fn a_release_is_reviewed_in_sandbox_time_then_modified_and_withdrawn() {
    let w = World::new(7).await;
    let req = w
        .complete_release("tok-release-1", "CloudMove Server Migration Service")
        .await;
    let app = w.client.create_application(&req).await.expect("created");
    assert_eq!(app.status, ApplicationStatus::PendingApproval);
    let pending = w
        .client
        .list_applications(&Page::first(10), Some(ApplicationStatus::PendingApproval))
        .await
        .expect("list");
    assert_eq!(pending.total, 1);

    // Nothing happens until sandbox time passes; then the reviewer approves within 3 working days.
    w.jump(HOUR).await;
    assert_eq!(
        w.client
            .get_application(&app.application_id)
            .await
            .expect("get")
            .status,
        ApplicationStatus::PendingApproval
    );
    w.jump(4 * DAY).await;
    let reviewed = w
        .client
        .get_application(&app.application_id)
        .await
        .expect("get");
    assert_eq!(
        reviewed.status,
        ApplicationStatus::Approved,
        "{:?}",
        reviewed.review_comments
    );
    let product_id = reviewed
        .product_id
        .clone()
        .expect("approved release has a product");
    let live = w
        .client
        .get_product(&product_id)
        .await
        .expect("live product");
    assert_eq!((live.version, live.status), (1, ProductStatus::Online));
    let events = w.client.events(None, 100).await.expect("events");
    assert!(events
        .events
        .iter()
        .any(|e| e.r#type == EventType::ReviewApproved
            && e.application_id.as_deref() == Some(&app.application_id)));

    // A modification names the version it was made from.
    let mut changed = live.product.clone();
    changed.details.overview = "Now with database migration included.".into();
    let modification = |token: &str, base: u64| CreateApplication {
        client_token: token.into(),
        r#type: ApplicationType::Modification,
        product_id: Some(product_id.clone()),
        base_version: Some(base),
        snapshot: changed.clone(),
    };
    let stale = w
        .client
        .create_application(&modification("tok-mod-0", 0))
        .await
        .expect_err("stale");
    assert_eq!(stale.code(), Some(codes::STALE_VERSION));
    let m = w
        .client
        .create_application(&modification("tok-mod-1", 1))
        .await
        .expect("modification");
    let second = w
        .client
        .create_application(&modification("tok-mod-2", 1))
        .await
        .expect_err("one at a time");
    assert_eq!(second.code(), Some(codes::NOT_ALLOWED));
    assert!(
        second
            .to_string()
            .contains("already has an application under review"),
        "{second}"
    );

    let wrong = w
        .client
        .withdraw_application(
            &m.application_id,
            &Withdraw {
                client_token: "tok-w-0".into(),
                version: 9,
            },
        )
        .await
        .expect_err("stale version");
    assert_eq!(wrong.code(), Some(codes::STALE_VERSION));
    let withdrawn = w
        .client
        .withdraw_application(
            &m.application_id,
            &Withdraw {
                client_token: "tok-w-1".into(),
                version: m.version,
            },
        )
        .await
        .expect("withdrawn");
    assert_eq!(withdrawn.status, ApplicationStatus::Withdrawn);
    let again = w
        .client
        .withdraw_application(
            &m.application_id,
            &Withdraw {
                client_token: "tok-w-2".into(),
                version: withdrawn.version,
            },
        )
        .await
        .expect_err("only pending ones");
    assert_eq!(again.code(), Some(codes::NOT_ALLOWED));

    // Products changed since a time.
    let later = w
        .client
        .list_products(&Page {
            offset: 0,
            limit: 10,
            updated_since: Some(live.updated_at.clone()),
        })
        .await
        .expect("products");
    assert!(later.products.iter().any(|p| p.product_id == product_id));
    w.sandbox.stop().await;
}

#[tokio::test]
async fn the_reviewer_rejects_placeholders_and_absolute_claims_with_comments() {
    let w = World::new(7).await;
    let mut req = release("tok-bad", "Best Migration TODO");
    req.snapshot.details.description = "Lorem ipsum dolor sit amet.".into();
    let app = w.client.create_application(&req).await.expect("created");
    w.jump(5 * DAY).await;
    let reviewed = w
        .client
        .get_application(&app.application_id)
        .await
        .expect("get");
    assert_eq!(reviewed.status, ApplicationStatus::Rejected);
    let fields: Vec<_> = reviewed
        .review_comments
        .iter()
        .filter_map(|c| c.field.as_deref())
        .collect();
    assert!(fields.contains(&"product.basic.name"), "{fields:?}");
    assert!(
        fields.contains(&"product.details.description"),
        "{fields:?}"
    );
    assert!(reviewed
        .review_comments
        .iter()
        .any(|c| c.message.contains("Absolute claims")));
    w.sandbox.stop().await;
}

#[tokio::test]
async fn attachments_are_content_addressed() {
    let w = World::new(7).await;
    let a = w
        .client
        .upload_attachment(
            "tok-a1",
            AttachmentKind::Template,
            "request.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            b"PK\x03\x04 pretend xlsx",
        )
        .await
        .expect("uploaded");
    let b = w
        .client
        .upload_attachment(
            "tok-a2",
            AttachmentKind::Template,
            "again.xlsx",
            "application/octet-stream",
            b"PK\x03\x04 pretend xlsx",
        )
        .await
        .expect("uploaded again");
    assert_eq!(a, b, "the same content is the same attachment");
    assert!(a.attachment_id.starts_with("ATT-"));
    assert_eq!(a.size, 17);
    let other = w
        .client
        .upload_attachment(
            "tok-a3",
            AttachmentKind::Proof,
            "proof.pdf",
            "application/pdf",
            b"%PDF-1.7",
        )
        .await
        .expect("uploaded");
    assert_ne!(other.attachment_id, a.attachment_id);
    let bad_name = w
        .client
        .upload_attachment(
            "tok-a4",
            AttachmentKind::Proof,
            "../etc/passwd",
            "text/plain",
            b"x",
        )
        .await
        .expect_err("path in the name");
    assert_eq!(bad_name.code(), Some(codes::INVALID_PARAMETER));
    w.sandbox.stop().await;
}

#[tokio::test]
async fn a_service_order_runs_from_request_to_completion() {
    let w = World::new(11).await;
    let product = w.live_service_product().await;
    let order = w.new_order(&product.product_id).await;
    assert_eq!(order.flow_state, FlowState::AwaitingRequest);
    assert_eq!(order.waiting_for, Party::Customer);

    // The customer submits a request within 30 hours.
    w.jump(31 * HOUR).await;
    let o = w
        .client
        .get_service_order(&order.order_id)
        .await
        .expect("order");
    assert_eq!(o.flow_state, FlowState::RequestSubmitted);
    assert!(o.request.is_some());
    assert_eq!(o.waiting_for, Party::Seller);

    let stale = w
        .client
        .act_on_order(
            &o.order_id,
            &OrderAction::new("tok-o-0", o.version - 1, SellerAction::AcceptRequest),
        )
        .await
        .expect_err("stale");
    assert_eq!(stale.code(), Some(codes::STALE_VERSION));
    let wrong = w
        .client
        .act_on_order(
            &o.order_id,
            &OrderAction::new("tok-o-1", o.version, SellerAction::DeliverService),
        )
        .await
        .expect_err("not yet");
    assert_eq!(wrong.code(), Some(codes::NOT_ALLOWED));
    let o = w
        .client
        .act_on_order(
            &o.order_id,
            &OrderAction::new("tok-o-2", o.version, SellerAction::AcceptRequest),
        )
        .await
        .expect("accepted");
    assert_eq!(o.flow_state, FlowState::Delivering);

    let report = w
        .client
        .upload_attachment(
            "tok-o-3",
            AttachmentKind::Deliverable,
            "report.pdf",
            "application/pdf",
            b"%PDF report",
        )
        .await
        .expect("deliverable");
    let mut o = o;
    let mut round = 0;
    loop {
        round += 1;
        assert!(round < 10, "the order never completed");
        let mut deliver = OrderAction::new(
            format!("tok-deliver-{round}"),
            o.version,
            SellerAction::DeliverService,
        );
        let missing = w
            .client
            .act_on_order(&o.order_id, &deliver)
            .await
            .expect_err("needs a result");
        assert_eq!(missing.code(), Some(codes::INVALID_PARAMETER));
        deliver.client_token = format!("tok-deliver-ok-{round}");
        deliver.result_text = Some("Migrated 12 servers; report attached.".into());
        deliver.actual_enabling_time = Some("20261124T080000Z".into());
        deliver.deliverable_ids = vec![report.attachment_id.clone()];
        o = w
            .client
            .act_on_order(&o.order_id, &deliver)
            .await
            .expect("delivered");
        assert_eq!(o.flow_state, FlowState::AwaitingAcceptance);
        w.jump(2 * DAY).await;
        o = w
            .client
            .get_service_order(&o.order_id)
            .await
            .expect("order");
        if o.flow_state == FlowState::Completed {
            break;
        }
        assert_eq!(
            o.flow_state,
            FlowState::Delivering,
            "the customer rejected the delivery"
        );
        assert!(o.customer_rejections >= 1);
    }
    assert_eq!(o.order_status, OrderStatus::Completed);
    let ops: Vec<_> = o.records.iter().map(|r| r.operation.as_str()).collect();
    assert!(
        ops.contains(&"Acceptance confirmed") && ops.contains(&"Order completed"),
        "{ops:?}"
    );
    let completed_at = o.records.last().map(|r| r.at.clone()).unwrap_or_default();
    let accepted_at = o.accepted_at.clone().expect("accepted");
    let secs = |s: &str| {
        koodesk_market::sign::parse_sdk_date(s)
            .map(|t| t.unix_timestamp())
            .unwrap_or(0)
    };
    assert_eq!(
        secs(&completed_at) - secs(&accepted_at),
        3 * HOUR,
        "completed 3 hours after acceptance"
    );
    w.sandbox.stop().await;
}

#[tokio::test]
async fn a_silent_seller_gets_reminders_then_an_appeal_that_freezes_the_flow() {
    let w = World::new(3).await;
    let license = serde_json::from_str::<Product>(include_str!(
        "../../api/fixtures/live-products/PROD-LIC-0002.json"
    ))
    .expect("fixture");
    let v = w
        .admin_post("/admin/products", json!({ "product": license }))
        .await;
    let product: LiveProduct = serde_json::from_value(v["product"].clone()).expect("product");
    let order = w.new_order(&product.product_id).await;
    assert_eq!(
        order.flow_state,
        FlowState::Delivering,
        "license orders start waiting for the seller"
    );

    let mut appealed_after = None;
    for day in 1..=12 {
        w.jump(DAY).await;
        let o = w
            .client
            .get_service_order(&order.order_id)
            .await
            .expect("order");
        if o.appeal.status == AppealStatus::InProgress {
            appealed_after = Some(day);
            assert_eq!(o.waiting_for, Party::Operations);
            assert_eq!(o.appeal.initiated_by, Some(Party::Customer));
            let frozen = w
                .client
                .act_on_order(
                    &o.order_id,
                    &OrderAction::new("tok-frozen", o.version, SellerAction::DeliverService),
                )
                .await
                .expect_err("frozen");
            assert_eq!(frozen.code(), Some(codes::NOT_ALLOWED));
            assert!(frozen.to_string().contains("frozen"), "{frozen}");
            break;
        }
    }
    let day = appealed_after.expect("the customer appealed");
    assert!(
        day > 5,
        "no appeal before 5 full days without an update (came on day {day})"
    );
    let events = w.client.events(None, 500).await.expect("events");
    let reminders = events
        .events
        .iter()
        .filter(|e| e.r#type == EventType::Reminder)
        .count();
    assert!(reminders >= 2, "reminders from day 3: {reminders}");
    w.sandbox.stop().await;
}

#[tokio::test]
async fn the_seller_may_appeal_but_an_unreachable_customer_needs_the_letter() {
    let w = World::new(5).await;
    let product = w.live_service_product().await;
    let o = w.new_order(&product.product_id).await;
    let mut appeal = OrderAction::new("tok-ap-1", o.version, SellerAction::InitiateAppeal);
    appeal.reason = Some("The customer does not answer e-mail or phone.".into());
    appeal.customer_unreachable = true;
    let e = w
        .client
        .act_on_order(&o.order_id, &appeal)
        .await
        .expect_err("letter needed");
    assert!(e.to_string().contains("Letter of Commitment"), "{e}");
    let letter = w
        .client
        .upload_attachment(
            "tok-ap-l",
            AttachmentKind::CommitmentLetter,
            "letter.pdf",
            "application/pdf",
            b"%PDF letter",
        )
        .await
        .expect("letter");
    appeal.client_token = "tok-ap-2".into();
    appeal.commitment_letter_id = Some(letter.attachment_id);
    let o = w
        .client
        .act_on_order(&o.order_id, &appeal)
        .await
        .expect("appealed");
    assert_eq!(o.appeal.status, AppealStatus::InProgress);
    w.jump(6 * DAY).await;
    let o = w
        .client
        .get_service_order(&o.order_id)
        .await
        .expect("order");
    assert_eq!(o.appeal.status, AppealStatus::Resolved);
    assert_eq!(
        o.flow_state,
        FlowState::Completed,
        "closed and settled: {:?}",
        o.appeal.outcome
    );
    w.sandbox.stop().await;
}

#[tokio::test]
async fn every_fault_is_classed_and_the_unknown_ones_really_applied() {
    let w = World::with(
        7,
        false,
        ClientConfig {
            timeout: Duration::from_millis(700),
            ..Default::default()
        },
    )
    .await;
    let post = "POST /isv/applications";
    let get = "GET /isv/products";
    let expect_class = |r: Result<Application, MarketError>, class: ErrorClass| {
        let e = r.expect_err("fault");
        assert_eq!(e.class(), class, "{e:?}");
        e
    };

    // A 5xx on a write is an unknown outcome for the client, even when (as here) the sandbox
    // applied nothing: the client cannot tell, and a gateway's 502 may follow an applied write.
    w.fault(post, Fault::FailBefore, 1).await;
    let e = expect_class(
        w.client.create_application(&release("f-1", "A")).await,
        ErrorClass::UnknownOutcome,
    );
    assert!(matches!(e, MarketError::Busy { status: 503, .. }), "{e:?}");
    w.fault(post, Fault::Status500, 1).await;
    let e = expect_class(
        w.client.create_application(&release("f-2", "A")).await,
        ErrorClass::UnknownOutcome,
    );
    assert!(matches!(e, MarketError::Busy { status: 500, .. }), "{e:?}");
    w.fault(
        post,
        Fault::Status429 {
            retry_after_secs: 9,
        },
        1,
    )
    .await;
    let e = expect_class(
        w.client.create_application(&release("f-3", "A")).await,
        ErrorClass::Retryable,
    );
    assert!(
        matches!(e, MarketError::Busy { status: 429, retry_after: Some(d), .. } if d.as_secs() == 9),
        "{e:?}"
    );
    assert_eq!(
        w.counter("applications.created").await,
        0,
        "nothing applied so far"
    );

    w.fault(post, Fault::ApplyThenDrop, 1).await;
    expect_class(
        w.client.create_application(&release("f-4", "A")).await,
        ErrorClass::UnknownOutcome,
    );
    w.fault(post, Fault::Delay { delay_ms: 2_000 }, 1).await;
    expect_class(
        w.client.create_application(&release("f-5", "B")).await,
        ErrorClass::UnknownOutcome,
    );
    w.fault(post, Fault::Malformed, 1).await;
    let e = expect_class(
        w.client.create_application(&release("f-6", "C")).await,
        ErrorClass::UnknownOutcome,
    );
    assert!(matches!(e, MarketError::Malformed { .. }), "{e:?}");
    w.fault(post, Fault::ApplyThen502, 1).await;
    let e = expect_class(
        w.client.create_application(&release("f-7", "D")).await,
        ErrorClass::UnknownOutcome,
    );
    assert!(matches!(e, MarketError::Busy { status: 502, .. }), "{e:?}");
    assert_eq!(
        w.counter("applications.created").await,
        4,
        "the unknown outcomes were applied, the 502 one too"
    );

    // Reads: the same faults are plainly retryable.
    for fault in [
        Fault::FailBefore,
        Fault::Status500,
        Fault::Status429 {
            retry_after_secs: 1,
        },
        Fault::ApplyThenDrop,
        Fault::Delay { delay_ms: 2_000 },
        Fault::Malformed,
    ] {
        w.fault(get, fault.clone(), 1).await;
        let e = w
            .client
            .list_products(&Page::first(5))
            .await
            .expect_err("fault");
        assert_eq!(e.class(), ErrorClass::Retryable, "{fault:?}: {e:?}");
    }
    assert!(
        w.client.list_products(&Page::first(5)).await.is_ok(),
        "faults are used up"
    );
    assert!(w.counter("faults.injected:GET /isv/products").await == 6);

    // Nobody listening: unreachable, retryable.
    let dead = Client::new(
        &Site::Custom("http://127.0.0.1:9".into()),
        Credentials::new("a", "b"),
        ClientConfig::default(),
    )
    .expect("client");
    let e = dead
        .list_products(&Page::first(1))
        .await
        .expect_err("nothing there");
    assert!(matches!(e, MarketError::Unreachable { .. }), "{e:?}");
    assert_eq!(e.class(), ErrorClass::Retryable);
    w.sandbox.stop().await;
}

#[tokio::test]
async fn one_client_token_sent_20_times_through_faults_creates_one_application() {
    let w = World::with(
        7,
        false,
        ClientConfig {
            timeout: Duration::from_millis(700),
            ..Default::default()
        },
    )
    .await;
    let route = "POST /isv/applications";
    let req = release("tok-once", "CloudMove Server Migration Service");
    let faults = [
        Some(Fault::ApplyThenDrop),
        Some(Fault::Status500),
        None,
        Some(Fault::Delay { delay_ms: 1_500 }),
        Some(Fault::Status429 {
            retry_after_secs: 1,
        }),
        Some(Fault::Malformed),
        Some(Fault::FailBefore),
    ];
    let mut ids = Vec::new();
    for i in 0..20 {
        if let Some(f) = &faults[i % faults.len()] {
            w.fault(route, f.clone(), 1).await;
        }
        match w.client.create_application(&req).await {
            Ok(app) => ids.push(app.application_id),
            Err(e) => assert_ne!(e.class(), ErrorClass::Rejected, "send {i}: {e}"),
        }
    }
    assert!(ids.len() >= 2, "some sends got through: {ids:?}");
    assert!(
        ids.windows(2).all(|p| p[0] == p[1]),
        "every answer names the same application: {ids:?}"
    );
    assert_eq!(w.counter("applications.created:tok-once").await, 1);
    assert_eq!(w.counter("applications.created").await, 1);

    let mut other = req.clone();
    other.snapshot.basic.name = "Something else".into();
    let e = w
        .client
        .create_application(&other)
        .await
        .expect_err("token reused");
    assert_eq!(e.code(), Some(codes::TOKEN_REUSED));
    w.sandbox.stop().await;
}

#[tokio::test]
async fn bad_keys_and_stale_dates_get_the_gateways_401() {
    let w = World::new(7).await;
    let wrong = Client::new(
        &Site::Custom(w.sandbox.base_url.clone()),
        Credentials::new(w.sandbox.ak.clone(), "not-the-secret"),
        ClientConfig::default(),
    )
    .expect("client");
    let e = wrong
        .list_products(&Page::first(1))
        .await
        .expect_err("bad signature");
    assert!(
        matches!(&e, MarketError::Rejected { status: 401, code, .. } if code == "APIG.0301"),
        "{e:?}"
    );
    assert!(e.to_string().contains("signature does not match"), "{e}");

    let mut spec = koodesk_market::RequestSpec {
        method: "GET".into(),
        path: format!("{BASE_PATH}/isv/products"),
        ..Default::default()
    };
    let old = time::OffsetDateTime::now_utc() - time::Duration::minutes(20);
    spec.headers
        .set("X-Sdk-Date", koodesk_market::sign::format_sdk_date(old));
    let r = w.client.send(&spec).await.expect("answered");
    assert_eq!(r.status, 401);
    assert!(
        String::from_utf8_lossy(&r.body).contains("X-Sdk-Date is"),
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    assert!(w.counter("signature.failures").await >= 2);
    w.sandbox.stop().await;
}

#[tokio::test]
async fn events_page_with_a_cursor_without_gaps_or_repeats() {
    let w = World::with(9, true, ClientConfig::default()).await;
    w.jump(3 * DAY).await;
    let all = w.client.events(None, 500).await.expect("events").events;
    assert!(all.len() >= 5, "{}", all.len());
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = w.client.events(cursor.as_deref(), 2).await.expect("page");
        if page.events.is_empty() {
            assert_eq!(
                Some(page.next_cursor),
                cursor,
                "an empty page keeps the cursor"
            );
            break;
        }
        seen.extend(page.events.into_iter().map(|e| e.event_id));
        cursor = Some(page.next_cursor);
    }
    let ids: Vec<_> = all.iter().map(|e| e.event_id.clone()).collect();
    assert_eq!(seen, ids);
    let e = w
        .client
        .events(Some("garbage"), 2)
        .await
        .expect_err("bad cursor");
    assert_eq!(e.code(), Some(codes::INVALID_PARAMETER));
    w.sandbox.stop().await;
}

#[tokio::test]
async fn the_demo_has_every_state_and_one_order_near_the_five_day_line() {
    let w = World::with(1, true, ClientConfig::default()).await;
    let products = w
        .client
        .list_products(&Page::first(100))
        .await
        .expect("products")
        .products;
    for s in [
        ProductStatus::Online,
        ProductStatus::Hidden,
        ProductStatus::Offline,
    ] {
        assert!(products.iter().any(|p| p.status == s), "{s:?}");
    }
    let apps = w
        .client
        .list_applications(&Page::first(100), None)
        .await
        .expect("apps")
        .applications;
    for s in [
        ApplicationStatus::PendingApproval,
        ApplicationStatus::Rejected,
        ApplicationStatus::Approved,
        ApplicationStatus::Withdrawn,
    ] {
        assert!(apps.iter().any(|a| a.status == s), "{s:?}");
    }
    let orders = w
        .client
        .list_service_orders(&Page::first(100))
        .await
        .expect("orders")
        .service_orders;
    for s in [
        FlowState::AwaitingRequest,
        FlowState::RequestSubmitted,
        FlowState::Delivering,
        FlowState::AwaitingAcceptance,
        FlowState::Accepted,
        FlowState::Completed,
    ] {
        assert!(orders.iter().any(|o| o.flow_state == s), "{s:?}");
    }
    assert!(orders
        .iter()
        .any(|o| o.appeal.status == AppealStatus::InProgress));
    let secs = |s: &str| {
        koodesk_market::sign::parse_sdk_date(s)
            .map(|t| t.unix_timestamp())
            .unwrap_or(0)
    };
    let near = orders.iter().filter(|o| {
        o.waiting_for == Party::Seller && {
            let left = secs(&o.flow_updated_at) + 5 * DAY - START;
            (0..DAY).contains(&left)
        }
    });
    assert_eq!(
        near.count(),
        1,
        "exactly one order is within a day of the 5-day line"
    );
    w.sandbox.stop().await;
}

#[tokio::test]
async fn a_customer_returns_a_filled_copy_of_the_request_template() {
    let w = World::new(11).await;
    let form_text = include_str!("../../../docs/examples/data-migration-request.json");
    let form = koodesk_domain::form::RequestForm::from_json(form_text).expect("form");
    let template = koodesk_templates::xlsx::generate(&form, &Default::default()).expect("xlsx");
    let xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let file = w
        .client
        .upload_attachment(
            "tok-t1",
            AttachmentKind::Template,
            "migration-request.xlsx",
            xlsx_type,
            &template,
        )
        .await
        .expect("template uploaded");
    w.client
        .upload_attachment(
            "tok-t2",
            AttachmentKind::Template,
            "migration-request.json",
            FORM_CONTENT_TYPE,
            form_text.as_bytes(),
        )
        .await
        .expect("form uploaded");
    let mut product = service_product();
    if let koodesk_domain::product::Delivery::ProfessionalService {
        request_templates, ..
    } = &mut product.basic.delivery
    {
        request_templates.push(koodesk_domain::product::RequestTemplate {
            title: "Migration request".into(),
            form_id: Some(form.id.clone()),
            file: Some(koodesk_domain::product::Attachment {
                sha256: file.sha256.clone(),
                file_name: file.file_name.clone(),
                media_type: xlsx_type.into(),
                size: file.size,
                image: None,
            }),
        });
    }
    let v = w
        .admin_post("/admin/products", json!({ "product": product }))
        .await;
    let live: LiveProduct = serde_json::from_value(v["product"].clone()).expect("product");
    let order = w.new_order(&live.product_id).await;
    w.jump(31 * HOUR).await;
    let o = w
        .client
        .get_service_order(&order.order_id)
        .await
        .expect("order");
    let request = o.request.expect("the customer sent a request");
    assert_eq!(request.attachments.len(), 1, "{:?}", request.attachments);
    let filled = &request.attachments[0];
    assert_eq!(filled.file_name, "migration-request (filled).xlsx");
    assert_ne!(filled.sha256, file.sha256, "not the blank template");

    let (info, bytes) = w
        .client
        .download_attachment(&filled.attachment_id)
        .await
        .expect("download");
    assert_eq!(&info, filled);
    let report = koodesk_templates::read(&form, &bytes).expect("a Koodesk template for this form");
    assert_eq!(report.form_id, form.id);
    assert!(
        report.values.len() >= 3,
        "answers were filled in: {:?}",
        report.values
    );
    let missing = w
        .client
        .download_attachment("ATT-0000")
        .await
        .expect_err("unknown");
    assert_eq!(missing.code(), Some(codes::NOT_FOUND));
    w.sandbox.stop().await;
}

#[tokio::test]
async fn a_file_backed_sandbox_keeps_its_state_and_clock_across_restarts() {
    let dir = tempfile::tempdir().expect("tmp");
    let state = dir.path().join("market.sqlite3");
    let start = |demo: bool| {
        let mut c = Config::new(4);
        c.clock_speed = 0.0;
        c.start = Some(START);
        c.state = Some(state.clone());
        c.demo = demo;
        Sandbox::start(c)
    };
    let s = start(true).await.expect("first start");
    let admin = reqwest::Client::new();
    let clock: Value = admin
        .post(format!("{}/admin/clock", s.base_url))
        .json(&json!({ "advanceSecs": 2 * DAY }))
        .send()
        .await
        .expect("jump")
        .json()
        .await
        .expect("json");
    let client = |url: &str, ak: &str, sk: &str| {
        Client::new(
            &Site::Custom(url.into()),
            Credentials::new(ak, sk),
            ClientConfig::default(),
        )
        .expect("client")
    };
    let products = client(&s.base_url, &s.ak, &s.sk)
        .list_products(&Page::first(100))
        .await
        .expect("list")
        .total;
    s.stop().await;

    let s = start(true).await.expect("second start");
    let again: Value = admin
        .get(format!("{}/admin/clock", s.base_url))
        .send()
        .await
        .expect("clock")
        .json()
        .await
        .expect("json");
    assert_eq!(
        again["unix"], clock["unix"],
        "the clock resumes where it stopped"
    );
    let after = client(&s.base_url, &s.ak, &s.sk)
        .list_products(&Page::first(100))
        .await
        .expect("list")
        .total;
    assert_eq!(after, products, "the demo data is seeded once");
    s.stop().await;
}

#[tokio::test]
async fn admin_routes_refuse_a_host_that_is_not_loopback() {
    let s = Sandbox::start(Config::new(5)).await.expect("start");
    let admin = reqwest::Client::new();
    let status = |host: &'static str| {
        let req = admin
            .get(format!("{}/admin/clock", s.base_url))
            .header(reqwest::header::HOST, host);
        async move { req.send().await.expect("answer").status().as_u16() }
    };
    assert_eq!(status("evil.example").await, 403, "a rebound name");
    assert_eq!(status("evil.example:80").await, 403);
    assert_eq!(status("127.0.0.1.evil.example").await, 403);
    assert_eq!(status("127.0.0.1:9").await, 200);
    assert_eq!(status("localhost").await, 200);
    assert_eq!(status("[::1]:8080").await, 200);
}
