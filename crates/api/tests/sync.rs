//! Submit and sync through the API over a real data folder and the real sandbox on loopback:
//! the request templates are made at submit time, everything arrives once, the review comes back.

use std::sync::Arc;
use std::time::Duration;

use koodesk_api::dto::AccountInput;
use koodesk_api::keychain::MemoryKeychain;
use koodesk_api::paths::DataDir;
use koodesk_api::sync::{self, SyncOptions};
use koodesk_api::{accounts, drafts, support, templates, Context, ErrorCode};
use koodesk_market::contract::ApplicationStatus;
use koodesk_sandbox::{Config, Sandbox};
use serde_json::json;

/// Monday 2026-11-23 09:00 UTC.
const START: i64 = 1_795_424_400;

struct Rig {
    sandbox: Sandbox,
    _dir: tempfile::TempDir,
    ctx: Context,
}

impl Rig {
    async fn new(seed: u64) -> Rig {
        Self::with(seed, false).await
    }

    async fn with(seed: u64, documented_only: bool) -> Rig {
        let mut c = Config::new(seed);
        c.clock_speed = 0.0;
        c.start = Some(START);
        c.documented_only = documented_only;
        let sandbox = Sandbox::start(c).await.expect("sandbox");
        let dir = tempfile::tempdir().expect("tmp");
        let ctx = Context::open_with(DataDir::at(dir.path()), Arc::new(MemoryKeychain::default()))
            .expect("context");
        let acct = accounts::add(
            &ctx,
            &AccountInput {
                name: "Seller".into(),
                site: sandbox.base_url.clone(),
                ak: sandbox.ak.clone(),
                sk: sandbox.sk.clone(),
            },
        )
        .expect("account");
        accounts::switch(&ctx, &acct.id).expect("switch");
        Rig {
            sandbox,
            _dir: dir,
            ctx,
        }
    }

    async fn sync(&self) -> koodesk_sync::Report {
        sync::sync_account(
            &self.ctx,
            None,
            SyncOptions {
                until_idle: Some(Duration::from_secs(20)),
                ..Default::default()
            },
        )
        .await
        .expect("sync")
    }

    async fn admin_post(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        let r = reqwest::Client::new()
            .post(format!("{}{path}", self.sandbox.base_url))
            .json(&body)
            .send()
            .await
            .expect("admin");
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().await.expect("JSON")
    }

    /// A live professional service with `n` new orders; their ids.
    async fn orders(&self, n: usize) -> Vec<String> {
        let product: serde_json::Value = serde_json::from_str(include_str!(
            "../../sandbox/fixtures/professional-service.json"
        ))
        .expect("fixture");
        let live = self
            .admin_post("/admin/products", json!({ "product": product }))
            .await;
        let mut ids = Vec::new();
        for _ in 0..n {
            let o = self
                .admin_post(
                    "/admin/orders",
                    json!({ "productId": live["product"]["productId"] }),
                )
                .await;
            ids.push(
                o["serviceOrder"]["orderId"]
                    .as_str()
                    .expect("id")
                    .to_owned(),
            );
        }
        ids
    }

    /// The marketplace as another tool (the KooGallery console) reaches it.
    fn console(&self) -> koodesk_market::Client {
        koodesk_market::Client::new(
            &koodesk_market::Site::Custom(self.sandbox.base_url.clone()),
            koodesk_market::Credentials::new(self.sandbox.ak.clone(), self.sandbox.sk.clone()),
            Default::default(),
        )
        .expect("client")
    }

    async fn jump(&self, secs: i64) {
        self.admin_post("/admin/clock", json!({ "advanceSecs": secs }))
            .await;
    }
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    let mut wr = enc.write_header().expect("header");
    wr.write_image_data(&vec![40u8; (w * h * 3) as usize])
        .expect("data");
    drop(wr);
    out
}

/// A professional-service release that passes the linter, whose request template is a form.
fn ready_draft(ctx: &Context) -> (String, String) {
    let s = support::get(ctx).expect("support");
    let mut info = s.info.clone();
    info["business_contact"] =
        json!({ "name": "Ana Lima", "phone": "+49 30 7654321", "email": "ana@example.com" });
    info["after_sales_groups"] = json!([{ "id": "g1", "name": "Support", "phone": "+49 30 1234567",
        "email": "help@example.com", "service_days": "Monday to Friday", "service_hours": "08:00-17:00 (GMT+01:00)" }]);
    support::save(ctx, Some(s.revision), info).expect("support saved");
    let form = templates::new_form(ctx).expect("form");
    let product: serde_json::Value = serde_json::from_str(include_str!(
        "../../sandbox/fixtures/professional-service.json"
    ))
    .expect("fixture");
    let v = drafts::create(ctx, "professional_service").expect("draft");
    let mut doc = v.doc.clone();
    doc["product"] = product;
    doc["product"]["basic"]["logo"] =
        drafts::attach_bytes(ctx, "logo.png", &png(120, 120)).expect("logo");
    doc["product"]["qualification"]["user_guide"] =
        drafts::attach_bytes(ctx, "guide.pdf", b"%PDF-1.4\n% guide\n").expect("guide");
    doc["product"]["basic"]["delivery"]["request_templates"] =
        json!([{ "title": "Migration request", "form_id": form.id, "file": null }]);
    let saved = drafts::save(ctx, &v.id, None, doc).expect("saved");
    let errors: Vec<_> = saved
        .findings
        .iter()
        .filter(|f| f.severity == koodesk_api::dto::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "the draft is ready: {errors:?}");
    (v.id, form.id)
}

#[tokio::test]
async fn submit_makes_the_templates_and_the_release_arrives_once_then_its_review_comes_back() {
    let rig = Rig::new(11).await;
    let ctx = &rig.ctx;
    let (draft, form) = ready_draft(ctx);
    let submitted = sync::submit(ctx, &draft, true).expect("submitted");
    // One Excel file per language of the form, from its version 1, which is now issued.
    let langs: Vec<&str> = submitted
        .generated
        .iter()
        .map(|g| g.lang.as_str())
        .collect();
    assert_eq!(langs, ["en", "zh-CN"]);
    assert!(submitted
        .generated
        .iter()
        .all(|g| g.form_id == form && g.form_version == 1));
    assert!(templates::get_form(ctx, &form).expect("form").issued);
    // Services & support first (its group is new to the marketplace); logo, guide, two
    // templates, the form's definition; then the application.
    assert!(submitted.support_change);
    assert_eq!((submitted.uploads, submitted.calls), (5, 7));
    for g in &submitted.generated {
        let path = koodesk_store::attachment_path(&ctx.data_dir().attachments(), &g.sha256);
        let bytes = std::fs::read(&path).expect("the template is in the data folder");
        let (id, version) = koodesk_templates::identify(&bytes).expect("a Koodesk template");
        assert_eq!((id.as_str(), version), (form.as_str(), 1));
    }
    // A second submit while the first waits is refused: one application per product.
    let again = sync::submit(ctx, &draft, true).expect_err("pending");
    assert!(
        again.message.contains("one application per product"),
        "{}",
        again.message
    );

    let report = rig.sync().await;
    assert_eq!(
        (report.open, report.done, report.rejected),
        (0, 7, 0),
        "{report:?}"
    );
    // The marketplace named the group; the product was sent naming it by that id.
    let change = sync::support_change(ctx).expect("read").expect("answered");
    assert_eq!(change.groups[0].local_id, "g1");
    let group = change.groups[0].group_id.clone();
    assert!(group.starts_with("ASG"), "{group}");
    let apps = sync::applications(ctx).expect("applications");
    assert_eq!(apps.len(), 1);
    let app = &apps[0];
    assert_eq!(app.application.status, ApplicationStatus::PendingApproval);
    assert_eq!(app.draft_id.as_deref(), Some(draft.as_str()));
    let koodesk_domain::product::Delivery::ProfessionalService {
        request_templates, ..
    } = &app.application.snapshot.basic.delivery
    else {
        panic!("a professional service");
    };
    let titles: Vec<&str> = request_templates.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Migration request", "Migration request (简体中文)"]
    );
    assert!(request_templates.iter().all(|t| t.file.is_some()));
    assert_eq!(
        app.application
            .snapshot
            .qualification
            .after_sales_group
            .as_deref(),
        Some(group.as_str())
    );
    // Still pending: submitting again says since when.
    let pending = sync::submit(ctx, &draft, true).expect_err("under review");
    assert!(
        pending.message.contains("under review since"),
        "{}",
        pending.message
    );

    // Three working days later the reviewer has decided; the pull brings it back.
    rig.jump(5 * 86_400).await;
    let report = rig.sync().await;
    assert!(report.pulled, "{report:?}");
    let apps = sync::applications(ctx).expect("applications");
    assert_eq!(
        apps[0].application.status,
        ApplicationStatus::Approved,
        "{:?}",
        apps[0].application.review_comments
    );
    let change = sync::support_change(ctx).expect("read").expect("pulled");
    assert_eq!(
        change.status,
        ApplicationStatus::Approved,
        "the contact change was reviewed"
    );
    let live = sync::remote_products(ctx).expect("live");
    let product_id = apps[0].application.product_id.clone().expect("released");
    let p = live
        .iter()
        .find(|p| p.product_id == product_id)
        .expect("live product pulled");
    assert_eq!(p.product.basic.name, app.application.snapshot.basic.name);
    // The draft itself was not touched by any of it.
    let d = drafts::get(ctx, &draft).expect("draft");
    assert_eq!(
        d.doc["product"]["basic"]["delivery"]["request_templates"][0]["file"],
        json!(null)
    );
}

#[tokio::test]
async fn blocking_errors_and_unconfirmed_warnings_stop_a_submit_and_queue_nothing() {
    let rig = Rig::new(12).await;
    let ctx = &rig.ctx;
    let empty = drafts::create(ctx, "saas").expect("draft");
    let e = sync::submit(ctx, &empty.id, true).expect_err("errors");
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("blocking problem"), "{}", e.message);
    assert!(e.field.is_some(), "names the field");
    let (draft, _) = ready_draft(ctx);
    let mut doc = drafts::get(ctx, &draft).expect("draft").doc;
    doc["product"]["basic"]["name"] = json!("CloudMove 免费 Migration Service");
    let saved = drafts::save(ctx, &draft, None, doc).expect("saved");
    assert!(saved
        .findings
        .iter()
        .any(|f| f.severity == koodesk_api::dto::Severity::Warning));
    let e = sync::submit(ctx, &draft, false).expect_err("warnings need confirming");
    assert_eq!(e.field.as_deref(), Some("warnings"));
    assert!(
        sync::outbox(ctx, true).expect("outbox").is_empty(),
        "nothing queued"
    );
    let ok = sync::submit(ctx, &draft, true).expect("confirmed");
    assert!(!ok.warnings.is_empty());
    assert_eq!(
        sync::outbox(ctx, false).expect("outbox").len(),
        ok.calls as usize
    );
}

#[tokio::test]
async fn a_gateway_without_the_contract_gets_the_manual_path_and_nothing_is_queued() {
    let rig = Rig::with(13, true).await;
    let ctx = &rig.ctx;
    let (draft, _) = ready_draft(ctx);
    // Connecting asks the gateway what it serves.
    let report = rig.sync().await;
    assert!(report.pull_error.is_none(), "{report:?}");
    let e = sync::submit(ctx, &draft, true).expect_err("not served");
    assert_eq!(e.code, ErrorCode::Marketplace);
    assert!(e.message.contains("does not accept"), "{}", e.message);
    assert!(
        e.message
            .contains(&format!("koodesk submit {draft} --by-hand")),
        "{}",
        e.message
    );
    assert!(
        sync::outbox(ctx, true).expect("outbox").is_empty(),
        "nothing queued that can never be sent"
    );

    let out = tempfile::tempdir().expect("tmp");
    let export = sync::export_by_hand(ctx, &draft, out.path(), true).expect("exported");
    let guide = std::fs::read_to_string(&export.guide).expect("guide");
    // Every field in the console's order, files named, a checklist.
    let at = |needle: &str| {
        guide
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} in guide:\n{guide}"))
    };
    assert!(at("## Basic information") < at("## Specifications and prices"));
    assert!(at("## Specifications and prices") < at("## Product details"));
    assert!(at("**basic.name**") < at("**basic.version**"));
    assert!(guide.contains("CloudMove Server Migration Service"));
    assert!(guide.contains("- [ ] Upload files/logo.png"));
    assert!(guide.contains("upload files/request-form-1-v1-zh-CN.xlsx"));
    for f in &export.files {
        let bytes = std::fs::read(out.path().join("files").join(f)).expect("copied");
        assert!(!bytes.is_empty());
    }
    let xlsx = std::fs::read(out.path().join("files/request-form-1-v1-en.xlsx")).expect("template");
    assert_eq!(koodesk_templates::identify(&xlsx).expect("a template").1, 1);

    let id = sync::mark_submitted_by_hand(ctx, &draft, true).expect("marked");
    let subs = sync::submissions(ctx, &draft).expect("subs");
    assert_eq!(
        (subs[0].id.as_str(), subs[0].state.as_str()),
        (id.as_str(), "manual")
    );
    assert!(sync::outbox(ctx, true).expect("outbox").is_empty());
    // The pull still runs on what the gateway serves (nothing here), without errors.
    let report = rig.sync().await;
    assert!(
        report.pull_error.is_none() && report.paused.is_none(),
        "{report:?}"
    );
}

#[tokio::test]
async fn a_modification_made_from_an_old_version_is_refused_then_rebased_and_accepted() {
    let rig = Rig::new(14).await;
    let ctx = &rig.ctx;
    let (release, _) = ready_draft(ctx);
    sync::submit(ctx, &release, true).expect("release");
    rig.sync().await;
    rig.jump(5 * 86_400).await;
    rig.sync().await;
    let app = &sync::applications(ctx).expect("apps")[0];
    assert_eq!(
        app.application.status,
        ApplicationStatus::Approved,
        "{:?}",
        app.application.review_comments
    );
    let live_id = app.application.product_id.clone().expect("live");
    // Two modifications made from version 1.
    let a = drafts::create_modification_of(ctx, &live_id).expect("a");
    let b = drafts::create_modification_of(ctx, &live_id).expect("b");
    assert_eq!(
        a.doc["live_version"],
        json!(1),
        "the draft records the version it was made from"
    );
    let mut doc = a.doc.clone();
    doc["product"]["basic"]["name"] = json!("CloudMove Server Migration Pro");
    drafts::save(ctx, &a.id, None, doc).expect("a edited");
    let mut doc = b.doc.clone();
    doc["product"]["details"]["overview"] =
        json!("Moves servers to Huawei Cloud with a tested rollback plan for every wave.");
    drafts::save(ctx, &b.id, None, doc).expect("b edited");
    sync::submit(ctx, &b.id, true).expect("b submitted");
    rig.sync().await;
    rig.jump(5 * 86_400).await;
    rig.sync().await;
    let live = sync::remote_products(ctx).expect("live");
    let now = live
        .iter()
        .find(|p| p.product_id == live_id)
        .expect("pulled");
    assert_eq!(now.version, 2, "b was approved");
    // a was made from version 1: the marketplace refuses it, in its own words.
    sync::submit(ctx, &a.id, true).expect("a submitted");
    rig.sync().await;
    let state = sync::view::draft_submission(ctx, &a.id)
        .expect("read")
        .expect("submitted");
    assert_eq!(state.state, sync::view::SubmissionState::NeedsAttention);
    let message = state.message.expect("the marketplace's message");
    assert!(message.contains("now at version 2"), "{message}");
    // Rebase: a's change on top of version 2, b's change kept, nothing in conflict.
    let rebased = drafts::rebase_on_live(ctx, &a.id).expect("rebased");
    assert!(rebased.conflicts.is_empty(), "{:?}", rebased.conflicts);
    assert_eq!((rebased.from_version, rebased.to_version), (Some(1), 2));
    let p = &rebased.draft.doc["product"];
    assert_eq!(p["basic"]["name"], json!("CloudMove Server Migration Pro"));
    assert!(p["details"]["overview"]
        .as_str()
        .unwrap_or_default()
        .contains("rollback plan"));
    sync::submit(ctx, &a.id, true).expect("a again");
    rig.sync().await;
    rig.jump(5 * 86_400).await;
    rig.sync().await;
    let now = sync::remote_products(ctx).expect("live");
    let now = now
        .iter()
        .find(|p| p.product_id == live_id)
        .expect("pulled");
    assert_eq!(now.version, 3);
    assert_eq!(now.product.basic.name, "CloudMove Server Migration Pro");
    assert!(now.product.details.overview.contains("rollback plan"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_orders_inbox_measures_in_marketplace_time_and_puts_the_pressing_first() {
    use koodesk_api::orders::{self, OrderFilter};
    use koodesk_domain::supervision::{FlowState, Party, SellerAction, Urgency};
    use koodesk_market::contract::OrderAction;
    const HOUR: i64 = 3600;
    const DAY: i64 = 86_400;
    let rig = Rig::new(23).await;
    let ids = rig.orders(2).await;
    // Both requests come in; the seller accepts one at once and leaves the other.
    rig.jump(31 * HOUR).await;
    let client = rig.console();
    let first = client.get_service_order(&ids[0]).await.expect("order");
    assert_eq!(first.flow_state, FlowState::RequestSubmitted);
    client
        .act_on_order(
            &ids[0],
            &OrderAction::new(
                "tok-inbox-accept",
                first.flow_version,
                SellerAction::AcceptRequest,
            ),
        )
        .await
        .expect("accepted");
    // Four and a half days pass on the marketplace's clock (days before this computer's).
    rig.jump(4 * DAY + 11 * HOUR).await;
    rig.sync().await;

    let all = orders::list(&rig.ctx, OrderFilter::All, "").expect("inbox");
    let ours: Vec<_> = all.iter().filter(|r| ids.contains(&r.order_id)).collect();
    assert_eq!(ours.len(), 2, "{all:?}");
    let accepted = ours
        .iter()
        .find(|r| r.order_id == ids[0])
        .expect("accepted one");
    assert_eq!(accepted.flow_state, FlowState::Delivering);
    assert_eq!(accepted.waiting_for, Party::Seller);
    // Measured on the marketplace's clock: 4 days 11 hours since the accept, not the days
    // between the sandbox's start and this computer's today.
    assert!(
        (4 * DAY + 11 * HOUR..4 * DAY + 12 * HOUR).contains(&accepted.idle_secs),
        "idle {} s",
        accepted.idle_secs
    );
    assert_eq!(accepted.urgency, Urgency::Urgent);
    let left = accepted.appeal_in_secs.expect("waits for the seller");
    assert!((0..DAY).contains(&left), "{left}");
    // The one left alone since its request (more than 5 days): the customer may appeal, or has.
    let other = ours.iter().find(|r| r.order_id == ids[1]).expect("other");
    assert!(
        matches!(other.urgency, Urgency::Appealable | Urgency::Frozen),
        "{other:?}"
    );
    // Most pressing first.
    let rank: Vec<Urgency> = all.iter().map(|r| r.urgency).collect();
    let mut sorted = rank.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(rank, sorted);

    // Filters and search.
    let mine = orders::list(&rig.ctx, OrderFilter::NeedsMe, "").expect("needs me");
    assert!(mine
        .iter()
        .all(|r| r.waiting_for == Party::Seller && !r.appeal_open));
    assert!(mine.iter().any(|r| r.order_id == ids[0]));
    let found = orders::list(&rig.ctx, OrderFilter::All, &ids[0].to_lowercase()).expect("search");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].order_id, ids[0]);
    let whole = orders::get(&rig.ctx, &ids[0]).expect("order");
    assert!(whole
        .records
        .iter()
        .any(|r| r.operation.contains("accepted") || r.operation.contains("Request")));
    assert_eq!(
        orders::get(&rig.ctx, "NO-SUCH").expect_err("unknown").code,
        ErrorCode::NotFound
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_actions_are_checked_queued_sent_once_and_a_stale_one_is_refused_with_why() {
    use koodesk_api::orders::{self, OrderActionInput, OrderFilter};
    use koodesk_domain::supervision::{FlowState, SellerAction};
    use koodesk_market::contract::OrderAction;
    const HOUR: i64 = 3600;
    let rig = Rig::new(24).await;
    let ids = rig.orders(2).await;
    rig.jump(31 * HOUR).await;
    rig.sync().await;
    let ctx = &rig.ctx;
    let (a, b) = (&ids[0], &ids[1]);

    // The domain's rules answer at once; nothing is queued.
    let early = orders::act(ctx, a, &OrderActionInput::new(SellerAction::DeliverService))
        .expect_err("not while the request waits");
    assert_eq!(early.code, ErrorCode::InvalidInput);
    let bare = orders::act(ctx, a, &OrderActionInput::new(SellerAction::RejectRequest))
        .expect_err("a rejection needs a reason");
    assert!(
        bare.message.to_lowercase().contains("reason"),
        "{}",
        bare.message
    );
    assert!(sync::outbox(ctx, false).expect("outbox").is_empty());

    // Accept both; each waits to be sent, and a second action on the same order is refused.
    for id in [a, b] {
        orders::act(ctx, id, &OrderActionInput::new(SellerAction::AcceptRequest)).expect("queued");
    }
    let again = orders::act(
        ctx,
        a,
        &OrderActionInput {
            reason: Some("Out of scope".into()),
            ..OrderActionInput::new(SellerAction::RejectRequest)
        },
    )
    .expect_err("one at a time");
    assert!(again.message.contains("still waiting"), "{}", again.message);
    let rows = orders::list(ctx, OrderFilter::All, "").expect("inbox");
    assert!(rows
        .iter()
        .filter(|r| ids.contains(&r.order_id))
        .all(|r| r.queued == Some(SellerAction::AcceptRequest)));
    rig.sync().await;
    for id in [a, b] {
        assert_eq!(
            orders::get(ctx, id).expect("order").flow_state,
            FlowState::Delivering
        );
    }
    let rows = orders::list(ctx, OrderFilter::All, "").expect("inbox");
    assert!(rows
        .iter()
        .all(|r| r.queued.is_none() && r.refused.is_none()));

    // Deliver `a` with a deliverable from the data folder: it goes up first, once.
    let pdf = drafts::attach_bytes(ctx, "report.pdf", b"%PDF-1.4\n% migration report\n")
        .expect("attached");
    let pdf: koodesk_domain::product::Attachment = serde_json::from_value(pdf).expect("attachment");
    let q = orders::act(
        ctx,
        a,
        &OrderActionInput {
            result_text: Some("Migrated 12 servers.".into()),
            deliverables: vec![pdf.clone()],
            actual_enabling_time: Some("2026-11-25T08:00:00Z".into()),
            ..OrderActionInput::new(SellerAction::DeliverService)
        },
    )
    .expect("queued");
    assert_eq!(q.uploads, 1);
    rig.sync().await;
    let delivered = orders::get(ctx, a).expect("order");
    assert_eq!(delivered.flow_state, FlowState::AwaitingAcceptance);
    let d = delivered.delivery.expect("delivery");
    assert_eq!(
        d.deliverable_ids,
        [koodesk_market::contract::attachment_id(&pdf.sha256)]
    );
    assert_eq!(d.actual_enabling_time.as_deref(), Some("20261125T080000Z"));

    // `b` moves on elsewhere (the console) before a delivery decided here is sent: refused,
    // with the marketplace's reason, and applied nowhere.
    let local = orders::get(ctx, b).expect("order");
    let client = rig.console();
    let mut elsewhere = OrderAction::new(
        "tok-console-deliver",
        local.flow_version,
        SellerAction::DeliverService,
    );
    elsewhere.result_text = Some("Delivered from the console.".into());
    client
        .act_on_order(b, &elsewhere)
        .await
        .expect("delivered elsewhere");
    orders::act(
        ctx,
        b,
        &OrderActionInput {
            result_text: Some("Delivered from Koodesk.".into()),
            ..OrderActionInput::new(SellerAction::DeliverService)
        },
    )
    .expect("queued on the old copy");
    rig.sync().await;
    let row = orders::list(ctx, OrderFilter::All, b)
        .expect("inbox")
        .pop()
        .expect("row");
    let why = row.refused.expect("refused");
    assert!(why.contains("moved on"), "{why}");
    assert_eq!(row.flow_state, FlowState::AwaitingAcceptance);
    let order = orders::get(ctx, b).expect("order");
    assert_eq!(
        order.delivery.expect("delivery").result_text,
        "Delivered from the console."
    );
}

/// The example request form, as the seller's templates of it are made.
fn example_form() -> koodesk_domain::form::RequestForm {
    koodesk_domain::form::RequestForm::from_json(include_str!(
        "../../../docs/examples/data-migration-request.json"
    ))
    .expect("example form")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_order_page_reads_the_customers_files_as_their_form_from_here_or_the_marketplace() {
    use base64::Engine as _;
    use koodesk_api::orders::{self, FormSource};
    use koodesk_market::contract::{AttachmentKind, FORM_CONTENT_TYPE};
    use koodesk_templates::{corpus, docx, xlsx, Options};
    let rig = Rig::new(26).await;
    let id = rig.orders(1).await.remove(0);
    rig.jump(31 * 3600).await;
    // The form's definition went up beside its templates (as Submit sends it); this computer
    // has never had the form (a new machine).
    let form = example_form();
    let definition = serde_json::to_vec(&form).expect("JSON");
    rig.console()
        .upload_attachment(
            "tok-form-definition",
            AttachmentKind::Other,
            "data-migration-request.json",
            FORM_CONTENT_TYPE,
            &definition,
        )
        .await
        .expect("definition uploaded");
    // The customer fills the Excel one, leaving a required answer out, and the Word one whole.
    let mut answers = corpus::answers(&form);
    let required = form
        .sections
        .iter()
        .filter(|s| !s.repeating)
        .flat_map(|s| &s.fields)
        .find(|f| f.required)
        .expect("a required field")
        .clone();
    let whole = Options {
        answers: answers.clone(),
        ..Options::default()
    };
    answers.remove(&required.key);
    let partial = Options {
        answers,
        ..Options::default()
    };
    let xlsx_bytes = xlsx::generate(&form, &partial).expect("xlsx");
    let docx_bytes = docx::generate(&form, &whole).expect("docx");
    // Another form this seller never uploaded, and a hostile workbook claiming ten million parts.
    let mut other = form.clone();
    other.id = "never-uploaded".into();
    let other_bytes = xlsx::generate(&other, &whole).expect("xlsx");
    let hostile = corpus::claiming_entries(&xlsx_bytes, 10_000_000);
    let xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    for (name, kind, bytes) in [
        ("request.xlsx", xlsx_type, &xlsx_bytes),
        ("request.docx", docx_type, &docx_bytes),
        ("other form.xlsx", xlsx_type, &other_bytes),
        ("hostile.xlsx", xlsx_type, &hostile),
    ] {
        rig.admin_post(
            &format!("/admin/orders/{id}/request-files"),
            json!({
                "fileName": name,
                "contentType": kind,
                "content": base64::engine::general_purpose::STANDARD.encode(bytes),
            }),
        )
        .await;
    }
    rig.sync().await;
    let ctx = &rig.ctx;

    let detail = orders::detail(ctx, &id).expect("detail");
    assert!(detail.request_text.is_some());
    let names: Vec<&str> = detail
        .request_files
        .iter()
        .map(|f| f.file_name.as_str())
        .collect();
    for n in ["request.xlsx", "request.docx", "hostile.xlsx"] {
        assert!(names.contains(&n), "{names:?}");
    }
    assert!(
        detail.request_files.iter().all(|f| !f.local),
        "not downloaded yet"
    );
    assert!(!detail.records.is_empty());
    let accept = detail
        .actions
        .iter()
        .find(|a| a.action == koodesk_domain::supervision::SellerAction::AcceptRequest)
        .expect("offered");
    assert!(accept.unavailable.is_none(), "{accept:?}");
    assert_eq!(
        accept.leads_to,
        Some(koodesk_domain::supervision::FlowState::Delivering)
    );
    let deliver = detail
        .actions
        .iter()
        .find(|a| a.action == koodesk_domain::supervision::SellerAction::DeliverService)
        .expect("listed");
    assert!(
        deliver.unavailable.is_some(),
        "not before the request is accepted"
    );

    let readings = orders::read_request(ctx, &id).await.expect("read");
    let by = |n: &str| {
        readings
            .iter()
            .find(|r| r.file_name == n)
            .unwrap_or_else(|| panic!("{n} read: {readings:?}"))
    };
    // The Excel file, against the marketplace's copy of its form: every field with its label,
    // the missing one flagged with its cell.
    let x = by("request.xlsx");
    assert_eq!(x.error, None);
    assert_eq!(x.source, FormSource::Marketplace);
    assert_eq!(x.form_id.as_deref(), Some(form.id.as_str()));
    let missing = x
        .answers
        .iter()
        .find(|a| a.key == required.key)
        .expect("the missing field is shown");
    assert_eq!(missing.label, required.label.get("en"));
    assert!(missing.value.is_empty());
    assert!(missing.problem.is_some(), "{missing:?}");
    assert!(
        missing.location.as_deref().is_some_and(|l| l.contains('!')),
        "{missing:?}"
    );
    assert_eq!(x.problems, 1, "{:?}", x.answers);
    // The Word file: whole, no problems, labels from the form.
    let d = by("request.docx");
    assert_eq!((d.error.as_deref(), d.problems), (None, 0));
    assert!(d
        .answers
        .iter()
        .any(|a| a.label == required.label.get("en") && !a.value.is_empty()));
    // The other form: the marketplace has no copy; the answers by key, with a note.
    let o = by("other form.xlsx");
    assert_eq!(o.source, FormSource::None);
    assert!(
        o.note.as_deref().is_some_and(|n| n.contains("by key")),
        "{o:?}"
    );
    assert!(o
        .answers
        .iter()
        .any(|a| a.key == required.key && !a.value.is_empty()));
    // The hostile file: a reading error, and the rest of the page stands.
    let h = by("hostile.xlsx");
    assert!(h.error.is_some(), "{h:?}");
    assert!(h.answers.is_empty());

    // Offline now: the files and the form were kept, so the page reads the same.
    rig.sandbox.stop().await;
    let again = orders::read_request(ctx, &id).await.expect("read offline");
    let x2 = again
        .iter()
        .find(|r| r.file_name == "request.xlsx")
        .expect("xlsx");
    assert_eq!(x2.error, None);
    assert_eq!(x2.answers, x.answers);
    assert!(orders::detail(ctx, &id)
        .expect("detail")
        .request_files
        .iter()
        .filter(|f| f.file_name.starts_with("request."))
        .all(|f| f.local));
    // The raw file, saved where the seller asks, byte for byte.
    let out = rig._dir.path().join("saved.xlsx");
    let xlsx_id = detail
        .request_files
        .iter()
        .find(|f| f.file_name == "request.xlsx")
        .expect("file")
        .attachment_id
        .clone();
    orders::save_file(ctx, &id, &xlsx_id, &out)
        .await
        .expect("saved");
    assert_eq!(std::fs::read(&out).expect("saved file"), xlsx_bytes);
}

/// Accept, then deliver, decided with the marketplace down; the app restarts (a new context over
/// the same data folder); the marketplace comes back on its port with its state: each action
/// arrives once, in order, the delivery naming the flow version the accept leads to.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_and_deliver_offline_survive_a_restart_and_arrive_once_in_order() {
    use koodesk_api::orders::{self, OrderActionInput, OrderFilter};
    use koodesk_domain::supervision::{FlowState, SellerAction};
    let dir = tempfile::tempdir().expect("tmp");
    let mut c = Config::new(28);
    c.clock_speed = 0.0;
    c.start = Some(START);
    c.state = Some(dir.path().join("marketplace.db"));
    let sandbox = Sandbox::start(c.clone()).await.expect("sandbox");
    let base_url = sandbox.base_url.clone();
    let keys = Arc::new(MemoryKeychain::default());
    let open =
        || Context::open_with(DataDir::at(dir.path().join("data")), keys.clone()).expect("context");
    let ctx = open();
    let acct = accounts::add(
        &ctx,
        &AccountInput {
            name: "Seller".into(),
            site: base_url.clone(),
            ak: sandbox.ak.clone(),
            sk: sandbox.sk.clone(),
        },
    )
    .expect("account");
    accounts::switch(&ctx, &acct.id).expect("switch");
    let admin = |path: &str, body: serde_json::Value| {
        let url = format!("{base_url}{path}");
        async move {
            let r = reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .expect("admin");
            assert!(r.status().is_success(), "{}", r.status());
            r.json::<serde_json::Value>().await.expect("JSON")
        }
    };
    let product: serde_json::Value = serde_json::from_str(include_str!(
        "../../sandbox/fixtures/professional-service.json"
    ))
    .expect("fixture");
    let live = admin("/admin/products", json!({ "product": product })).await;
    let order = admin(
        "/admin/orders",
        json!({ "productId": live["product"]["productId"] }),
    )
    .await;
    let id = order["serviceOrder"]["orderId"]
        .as_str()
        .expect("id")
        .to_owned();
    admin("/admin/clock", json!({ "advanceSecs": 31 * 3600 })).await;
    let until_idle = || SyncOptions {
        until_idle: Some(Duration::from_secs(20)),
        ..Default::default()
    };
    sync::sync_account(&ctx, None, until_idle())
        .await
        .expect("sync");
    let before = orders::get(&ctx, &id).expect("order");
    assert_eq!(before.flow_state, FlowState::RequestSubmitted);

    // The marketplace goes away; the seller accepts and delivers anyway.
    sandbox.stop().await;
    let accept = orders::act(
        &ctx,
        &id,
        &OrderActionInput::new(SellerAction::AcceptRequest),
    )
    .expect("accept queued");
    // Delivering is decided on the order as the accept will leave it.
    let pdf = drafts::attach_bytes(&ctx, "handover.pdf", b"%PDF-1.4\n% handover\n").expect("pdf");
    let pdf: koodesk_domain::product::Attachment = serde_json::from_value(pdf).expect("attachment");
    let deliver = orders::act(
        &ctx,
        &id,
        &OrderActionInput {
            result_text: Some("Migrated; handover attached.".into()),
            deliverables: vec![pdf],
            ..OrderActionInput::new(SellerAction::DeliverService)
        },
    )
    .expect("deliver queued behind the accept");
    assert_eq!(deliver.uploads, 1);
    // A second accept is refused at once: after the queued ones the order will be delivered.
    let again = orders::act(
        &ctx,
        &id,
        &OrderActionInput::new(SellerAction::AcceptRequest),
    )
    .expect_err("not after the queued delivery");
    assert!(again.message.contains("still waiting"), "{}", again.message);
    let report = sync::sync_account(&ctx, None, SyncOptions::default())
        .await
        .expect("a pass while offline");
    assert!(report.offline.is_some(), "{report:?}");
    drop(ctx);

    // The app restarts; the marketplace comes back on the same port with its state.
    let ctx = open();
    let row = orders::list(&ctx, OrderFilter::All, &id)
        .expect("inbox")
        .pop()
        .expect("row");
    assert_eq!(row.queued, Some(SellerAction::AcceptRequest));
    let mut c2 = c.clone();
    c2.port = base_url
        .rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse().ok())
        .expect("port");
    let sandbox = Sandbox::start(c2).await.expect("sandbox back");
    sync::sync_account(&ctx, None, until_idle())
        .await
        .expect("sync");
    let after = orders::get(&ctx, &id).expect("order");
    assert_eq!(after.flow_state, FlowState::AwaitingAcceptance, "{after:?}");
    assert_eq!(after.flow_version, before.flow_version + 2);
    let ops: Vec<&str> = after
        .records
        .iter()
        .filter(|r| r.party == koodesk_domain::supervision::Party::Seller)
        .map(|r| r.operation.as_str())
        .collect();
    assert_eq!(ops.len(), 2, "{ops:?}");
    assert!(
        ops[0].to_lowercase().contains("accept") && ops[1].to_lowercase().contains("deliver"),
        "{ops:?}"
    );
    let counters: serde_json::Value = reqwest::get(format!("{}/admin/counters", sandbox.base_url))
        .await
        .expect("counters")
        .json()
        .await
        .expect("JSON");
    let n = |k: &str| counters["counters"][k].as_i64().unwrap_or(0);
    assert_eq!(n(&format!("orders.acted:{}", accept.client_token)), 1);
    assert_eq!(n(&format!("orders.acted:{}", deliver.client_token)), 1);
    assert_eq!(n("orders.acted"), 2);
    let row = orders::list(&ctx, OrderFilter::All, &id)
        .expect("inbox")
        .pop()
        .expect("row");
    assert_eq!((row.queued, row.refused), (None, None));
}

/// Through the desk against the sandbox's customers: three rejected requests give the customer
/// the right to appeal, their appeal freezes the order and every action is refused with why; a
/// license has no request — it is delivered offline from the start and completes 3 hours after
/// the customer accepts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_rejections_end_in_a_frozen_appeal_and_a_license_is_delivered_offline() {
    use koodesk_api::orders::{self, OrderActionInput};
    use koodesk_domain::supervision::{FlowState, SellerAction};
    const HOUR: i64 = 3600;
    let rig = Rig::new(29).await;
    let ctx = &rig.ctx;
    let id = rig.orders(1).await.remove(0);
    let reject = |why: &str| OrderActionInput {
        reason: Some(why.into()),
        ..OrderActionInput::new(SellerAction::RejectRequest)
    };
    let mut rejections = 0;
    let mut frozen = false;
    for _ in 0..40 {
        rig.jump(12 * HOUR).await;
        rig.sync().await;
        let o = orders::get(ctx, &id).expect("order");
        if o.appeal.status == koodesk_market::contract::AppealStatus::InProgress {
            frozen = true;
            break;
        }
        if o.flow_state == FlowState::RequestSubmitted {
            orders::act(ctx, &id, &reject("The request names no servers.")).expect("rejected");
            rig.sync().await;
            rejections += 1;
            let o = orders::get(ctx, &id).expect("order");
            assert_eq!(o.seller_rejections, rejections);
        }
    }
    assert!(rejections >= 3, "{rejections}");
    assert!(
        frozen,
        "the customer appealed after {rejections} rejections"
    );
    let o = orders::get(ctx, &id).expect("order");
    assert_eq!(
        o.appeal.initiated_by,
        Some(koodesk_domain::supervision::Party::Customer)
    );
    for action in [
        SellerAction::AcceptRequest,
        SellerAction::RejectRequest,
        SellerAction::DeliverService,
        SellerAction::InitiateAppeal,
    ] {
        let e = orders::act(
            ctx,
            &id,
            &OrderActionInput {
                reason: Some("Because.".into()),
                result_text: Some("Done.".into()),
                ..OrderActionInput::new(action)
            },
        )
        .expect_err("frozen");
        assert!(e.message.contains("frozen"), "{action:?}: {}", e.message);
    }
    let detail = orders::detail(ctx, &id).expect("detail");
    assert_eq!(detail.appeal_status, "in_progress");
    assert!(detail.actions.iter().all(|a| a
        .unavailable
        .as_deref()
        .is_some_and(|u| u.contains("frozen"))));

    // A license: no request step; delivered offline at once, accepted, completed 3 h later.
    let mut product: serde_json::Value = serde_json::from_str(include_str!(
        "../../sandbox/fixtures/professional-service.json"
    ))
    .expect("fixture");
    product["basic"]["name"] = json!("SecureGate License");
    product["basic"]["delivery"] =
        json!({ "method": "license", "delivery_process": "Key by e-mail." });
    let live = rig
        .admin_post("/admin/products", json!({ "product": product }))
        .await;
    let o = rig
        .admin_post(
            "/admin/orders",
            json!({ "productId": live["product"]["productId"] }),
        )
        .await;
    let lic = o["serviceOrder"]["orderId"]
        .as_str()
        .expect("id")
        .to_owned();
    rig.sync().await;
    let detail = orders::detail(ctx, &lic).expect("license");
    assert_eq!(detail.kind, orders::OrderKind::License);
    assert_eq!(detail.row.flow_state, FlowState::Delivering);
    for a in &detail.actions {
        let allowed = a.unavailable.is_none();
        let want = matches!(
            a.action,
            SellerAction::DeliverService | SellerAction::InitiateAppeal
        );
        assert_eq!(allowed, want, "{a:?}");
    }
    orders::act(
        ctx,
        &lic,
        &OrderActionInput {
            result_text: Some("License key sent to the customer by e-mail.".into()),
            ..OrderActionInput::new(SellerAction::DeliverService)
        },
    )
    .expect("delivered offline");
    rig.sync().await;
    let mut accepted_at = None;
    for _ in 0..10 {
        rig.jump(12 * HOUR).await;
        rig.sync().await;
        let o = orders::get(ctx, &lic).expect("license");
        if let Some(at) = o.accepted_at.clone() {
            accepted_at = Some((at, o.flow_state));
            break;
        }
        if o.flow_state == FlowState::Delivering {
            // The customer rejected the delivery: deliver again.
            orders::act(
                ctx,
                &lic,
                &OrderActionInput {
                    result_text: Some("A new key, sent again.".into()),
                    ..OrderActionInput::new(SellerAction::DeliverService)
                },
            )
            .expect("delivered again");
            rig.sync().await;
        }
    }
    let (at, _) = accepted_at.expect("the customer accepted the license");
    let accepted = koodesk_market::sign::parse_sdk_date(&at)
        .expect("time")
        .unix_timestamp();
    let o = orders::get(ctx, &lic).expect("license");
    let now = orders::marketplace_now(ctx).expect("now");
    if now - accepted >= 3 * HOUR {
        assert_eq!(o.flow_state, FlowState::Completed, "{o:?}");
    }
    rig.jump(4 * HOUR).await;
    rig.sync().await;
    assert_eq!(
        orders::get(ctx, &lic).expect("license").flow_state,
        FlowState::Completed
    );
}

/// Alerts against the sandbox with its clock advanced: an order left without a seller update
/// raises the 3-day, 4-day and 5-day alerts at those sandbox times, each once; a rejected
/// application raises one alert carrying the reviewer's comment. The first scan takes the
/// account's history in without telling it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_come_at_their_sandbox_times_once_and_a_rejection_says_why() {
    use koodesk_api::alerts;
    use koodesk_domain::alerts::{AlertKind, Target};
    const DAY: i64 = 86_400;
    let rig = Rig::new(31).await;
    let ctx = &rig.ctx;
    // History before the first scan: an order already created (its event is not news).
    let id = rig.orders(1).await.remove(0);
    rig.sync().await;
    let first = alerts::scan(ctx, false).expect("first scan");
    assert!(first.is_empty(), "history is not news: {first:?}");
    assert!(
        !alerts::list(ctx, false).expect("list").is_empty(),
        "recorded as read"
    );
    assert_eq!(alerts::unread(ctx).expect("unread"), 0);

    // The customer's request arrives.
    rig.jump(31 * 3600).await;
    rig.sync().await;
    let got = alerts::scan(ctx, false).expect("scan");
    assert!(
        got.iter().any(|a| a.kind == AlertKind::RequestSubmitted
            && a.target == Target::Order(id.clone())),
        "{got:?}"
    );
    let since = {
        let o = koodesk_api::orders::get(ctx, &id).expect("order");
        koodesk_market::sign::parse_sdk_date(&o.flow_updated_at)
            .expect("time")
            .unix_timestamp()
    };
    let rig = &rig;
    let id = &id;
    let clock = || async {
        let v: serde_json::Value = reqwest::get(format!("{}/admin/clock", rig.sandbox.base_url))
            .await
            .expect("clock")
            .json()
            .await
            .expect("JSON");
        v["unix"].as_i64().expect("unix")
    };
    // Moves the sandbox's clock to `since + at`, pulls, scans: the stall alerts raised.
    let at = |offset: i64| async move {
        let now = clock().await;
        rig.jump(since + offset - now).await;
        rig.sync().await;
        let raised = alerts::scan(ctx, false).expect("scan");
        // Scanning again at the same moment raises nothing.
        assert!(alerts::scan(ctx, false).expect("again").is_empty());
        raised
            .into_iter()
            .filter(|a| a.target == Target::Order(id.to_string()))
            .filter(|a| {
                matches!(
                    a.kind,
                    AlertKind::StallWarning | AlertKind::StallUrgent | AlertKind::StallAppealable
                )
            })
            .map(|a| a.kind)
            .collect::<Vec<_>>()
    };
    assert!(at(3 * DAY - 60).await.is_empty());
    assert_eq!(at(3 * DAY).await, [AlertKind::StallWarning]);
    assert!(at(4 * DAY - 60).await.is_empty());
    assert_eq!(at(4 * DAY).await, [AlertKind::StallUrgent]);
    assert!(
        at(5 * DAY).await.is_empty(),
        "not before the line is passed"
    );
    assert_eq!(at(5 * DAY + 1).await, [AlertKind::StallAppealable]);
    let urgent = alerts::list(ctx, true)
        .expect("list")
        .into_iter()
        .find(|a| a.kind == AlertKind::StallUrgent)
        .expect("listed");
    assert!(urgent.urgent);
    assert!(urgent.body.contains("tomorrow"), "{}", urgent.body);

    // A release with placeholder text: the reviewer rejects it and says why.
    let (draft, _) = ready_draft(ctx);
    let mut v = drafts::get(ctx, &draft).expect("draft").doc;
    v["product"]["details"]["overview"] =
        json!("TODO write the overview of the migration service before release");
    let rev = drafts::get(ctx, &draft).expect("draft").revision;
    drafts::save(ctx, &draft, Some(rev), v).expect("saved");
    sync::submit(ctx, &draft, true).expect("submitted");
    rig.sync().await;
    rig.jump(5 * DAY).await;
    rig.sync().await;
    let apps = sync::applications(ctx).expect("applications");
    let app = apps
        .iter()
        .find(|a| a.application.status == ApplicationStatus::Rejected)
        .expect("rejected");
    let comment = app.application.review_comments[0].message.clone();
    let raised = alerts::scan(ctx, false).expect("scan");
    let rejected: Vec<_> = raised
        .iter()
        .filter(|a| a.kind == AlertKind::ReviewRejected)
        .collect();
    assert_eq!(rejected.len(), 1, "{raised:?}");
    assert!(rejected[0].body.contains(&comment), "{}", rejected[0].body);
    assert_eq!(
        rejected[0].target,
        Target::Application(app.application.application_id.clone())
    );
    assert!(alerts::scan(ctx, false).expect("again").is_empty());
    // Read, all read.
    let before = alerts::unread(ctx).expect("unread");
    assert!(before >= 4, "{before}");
    assert_eq!(
        alerts::mark_read(ctx, Some(&rejected[0].key)).expect("read"),
        1
    );
    assert_eq!(alerts::unread(ctx).expect("unread"), before - 1);
    alerts::mark_read(ctx, None).expect("all");
    assert_eq!(alerts::unread(ctx).expect("unread"), 0);
}
