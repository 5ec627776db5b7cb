//! The sync engine against the real sandbox over loopback: a real SQLite file, real HTTP, every
//! fault on every mutating route, refusals, paused keys, offline, the sender's lease.

use std::path::PathBuf;
use std::time::Duration;

use koodesk_domain::product::{Attachment, DeliveryMethod, Product};
use koodesk_market::contract::*;
use koodesk_market::{Client, ClientConfig, Credentials, Site};
use koodesk_sandbox::{Config as SandboxConfig, Fault, FaultRule, Sandbox};
use koodesk_store::{DraftWrite, NewSubmission, Store};
use koodesk_sync::backoff::Backoff;
use koodesk_sync::submission::{self, Known};
use koodesk_sync::{client_token, Call, Config, Engine};
use serde_json::Value;

/// Monday 2026-11-23 09:00 UTC.
const START: i64 = 1_795_424_400;

struct Rig {
    sandbox: Sandbox,
    dir: tempfile::TempDir,
    admin: reqwest::Client,
}

fn quick() -> Config {
    Config {
        backoff: Backoff {
            base: Duration::from_millis(20),
            cap: Duration::from_millis(200),
        },
        lease_ttl: Duration::from_secs(5),
        ..Config::default()
    }
}

impl Rig {
    async fn new(seed: u64) -> Rig {
        Self::with(seed, false).await
    }

    async fn with(seed: u64, documented_only: bool) -> Rig {
        let mut c = SandboxConfig::new(seed);
        c.clock_speed = 0.0;
        c.start = Some(START);
        c.documented_only = documented_only;
        Rig {
            sandbox: Sandbox::start(c).await.expect("sandbox starts"),
            dir: tempfile::tempdir().expect("temp dir"),
            admin: reqwest::Client::new(),
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("koodesk.sqlite3")
    }

    fn attachments(&self) -> PathBuf {
        self.dir.path().join("attachments")
    }

    fn store(&self) -> Store {
        Store::open(&self.db()).expect("store opens")
    }

    fn client_to(&self, base_url: &str, sk: &str, timeout: Duration) -> Client {
        Client::new(
            &Site::Custom(base_url.to_owned()),
            Credentials::new(self.sandbox.ak.clone(), sk.to_owned()),
            ClientConfig {
                timeout,
                connect_timeout: Duration::from_secs(2),
            },
        )
        .expect("client")
    }

    fn engine(&self) -> Engine<Client> {
        self.engine_with(self.client_to(
            &self.sandbox.base_url,
            &self.sandbox.sk,
            Duration::from_secs(1),
        ))
    }

    fn engine_with(&self, client: Client) -> Engine<Client> {
        Engine::new(self.store(), client, "acct", self.attachments(), quick())
    }

    /// A release of a product named `name` with a PDF of its own, queued like Submit queues it.
    fn submit(&self, store: &mut Store, name: &str) -> (String, String) {
        let draft_id = format!("d-{}", client_token());
        store
            .create_draft_for(
                "acct",
                &draft_id,
                &DraftWrite {
                    kind: "release".into(),
                    live_product_id: None,
                    name: name.into(),
                    delivery_method: "saas".into(),
                    doc: "{}".into(),
                    errors: 0,
                    warnings: 0,
                    search: Default::default(),
                },
                "created",
            )
            .expect("draft");
        let pdf = format!("%PDF-1.4\n% the user guide of {name}\n");
        let a: Attachment = store
            .put_attachment(&self.attachments(), "guide.pdf", pdf.as_bytes())
            .expect("attachment");
        let mut product = Product::new(DeliveryMethod::Saas);
        product.basic.name = name.into();
        product.qualification.user_guide = Some(a);
        let sub = client_token();
        let files: Vec<submission::File<'_>> = product
            .attachments()
            .into_iter()
            .map(|(_, a)| submission::File {
                kind: AttachmentKind::Other,
                attachment: a,
                content_type: "application/pdf",
            })
            .collect();
        let rows = submission::rows(
            &sub,
            &format!("draft:{draft_id}"),
            &files,
            |_| Known::Missing,
            &[],
        );
        store
            .submit(
                &NewSubmission {
                    id: sub.clone(),
                    account: "acct".into(),
                    draft_id: draft_id.clone(),
                    draft_revision: 1,
                    kind: "release".into(),
                    live_product_id: None,
                    base_version: None,
                    snapshot: serde_json::to_string(&product).expect("json"),
                },
                &rows,
            )
            .expect("submit");
        (sub, draft_id)
    }

    /// Queues the withdrawal of what a submission created, behind it in the same entity.
    fn withdraw(&self, store: &mut Store, sub: &str, draft_id: &str) -> String {
        let call = Call::WithdrawApplication {
            submission_id: Some(sub.to_owned()),
            application_id: None,
        };
        let token = client_token();
        store
            .enqueue(
                "acct",
                &[koodesk_store::NewOutboxRow {
                    client_token: token.clone(),
                    op: call.op().into(),
                    entity: format!("draft:{draft_id}"),
                    waits_for: Vec::new(),
                    params: call.params(),
                }],
            )
            .expect("enqueue");
        token
    }

    async fn admin(&self, path: &str, body: Value) {
        self.admin_json(path, body).await;
    }

    async fn admin_json(&self, path: &str, body: Value) -> Value {
        let r = self
            .admin
            .post(format!("{}{path}", self.sandbox.base_url))
            .json(&body)
            .send()
            .await
            .expect("admin call");
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().await.expect("JSON")
    }

    async fn fault(&self, route: &str, fault: Fault, times: u32) {
        let rule = FaultRule {
            route: route.into(),
            fault,
            times,
        };
        self.admin("/admin/faults", serde_json::to_value(rule).expect("rule"))
            .await;
    }

    async fn counters(&self) -> serde_json::Map<String, Value> {
        let v: Value = self
            .admin
            .get(format!("{}/admin/counters", self.sandbox.base_url))
            .send()
            .await
            .expect("counters")
            .json()
            .await
            .expect("JSON");
        v["counters"].as_object().cloned().unwrap_or_default()
    }

    async fn counter(&self, name: &str) -> i64 {
        self.counters()
            .await
            .get(name)
            .and_then(Value::as_i64)
            .unwrap_or(0)
    }
}

fn tokens(store: &Store, op: &str) -> Vec<String> {
    store
        .outbox("acct", true)
        .expect("outbox")
        .into_iter()
        .filter(|r| r.op == op)
        .map(|r| r.client_token)
        .collect()
}

#[tokio::test]
async fn a_release_reaches_the_marketplace_once_with_its_file_and_comes_back_in_the_pull() {
    let rig = Rig::new(1).await;
    let mut store = rig.store();
    let (sub, _) = rig.submit(&mut store, "Ledger Cloud");
    let mut engine = rig.engine();
    let report = engine
        .run_until_idle(Duration::from_secs(20))
        .await
        .expect("sync");
    assert_eq!(
        (report.open, report.done, report.rejected),
        (0, 2, 0),
        "{report:?}"
    );
    assert!(report.pulled);
    let s = store.submission(&sub).expect("read").expect("submission");
    assert_eq!(s.state, "sent");
    let app_id = s.application_id.expect("the application's id is recorded");
    let apps = store.remote_applications("acct").expect("remote");
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].application_id, app_id);
    assert_eq!(apps[0].status, "PENDING_APPROVAL");
    let upload = &tokens(&store, "upload_attachment")[0];
    assert_eq!(
        rig.counter(&format!("attachments.uploaded:{upload}")).await,
        1
    );
    assert_eq!(rig.counter("applications.created").await, 1);
    // Known as uploaded: the next submission of the same file sends nothing for it.
    let id = attachment_id(&hex_sha(b"%PDF-1.4\n% the user guide of Ledger Cloud\n"));
    assert!(store.is_uploaded("acct", &id).expect("read"));
    // Nothing left: a second pass sends nothing.
    let again = engine.pass().await.expect("pass");
    assert_eq!(again.sent, 0);
}

fn hex_sha(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn faults() -> Vec<(&'static str, Fault)> {
    vec![
        ("fail before apply", Fault::FailBefore),
        ("apply then drop", Fault::ApplyThenDrop),
        ("500", Fault::Status500),
        (
            "429",
            Fault::Status429 {
                retry_after_secs: 1,
            },
        ),
        ("timeout", Fault::Delay { delay_ms: 1500 }),
        ("malformed body", Fault::Malformed),
        ("apply then 502", Fault::ApplyThen502),
    ]
}

/// Every fault on every mutating route converges: exactly one server-side effect per client
/// token, and the local state says what happened.
#[tokio::test]
async fn every_fault_on_every_mutating_route_ends_with_exactly_one_effect() {
    let rig = Rig::new(2).await;
    let mut store = rig.store();
    let client = rig.client_to(
        &rig.sandbox.base_url,
        &rig.sandbox.sk,
        Duration::from_millis(600),
    );
    let mut engine = rig.engine_with(client);
    // The first pass asks the gateway what it serves; faults are injected after it.
    engine.pass().await.expect("probe");
    for route in [
        "POST /isv/attachments",
        "POST /isv/applications",
        "POST /isv/applications/{applicationId}/withdraw",
    ] {
        for (name, fault) in faults() {
            let case = format!("{route} / {name}");
            let created_before = rig.counter("applications.created").await;
            let injected = format!("faults.injected:{route}");
            let injected_before = rig.counter(&injected).await;
            let (sub, draft) = rig.submit(&mut store, &format!("Case {case}"));
            let withdrawing = route.ends_with("withdraw");
            if !withdrawing {
                rig.fault(route, fault.clone(), 1).await;
            } else {
                // The application must exist before its withdrawal can fail.
                engine
                    .run_until_idle(Duration::from_secs(10))
                    .await
                    .expect("sync");
                rig.fault(route, fault.clone(), 1).await;
                rig.withdraw(&mut store, &sub, &draft);
            }
            let report = engine
                .run_until_idle(Duration::from_secs(20))
                .await
                .expect("sync");
            assert_eq!(report.open, 0, "{case}: {report:?}");
            let rows = store.outbox("acct", true).expect("outbox");
            for r in rows.iter().filter(|r| {
                r.submission_id.as_deref() == Some(&sub) || r.op == "withdraw_application"
            }) {
                assert_eq!(
                    r.state, "done",
                    "{case}: row {} ({}) {:?}",
                    r.seq, r.op, r.last_error
                );
                let counter = match r.op.as_str() {
                    "upload_attachment" => format!("attachments.uploaded:{}", r.client_token),
                    "create_application" => format!("applications.created:{}", r.client_token),
                    _ => format!("applications.withdrawn:{}", r.client_token),
                };
                assert_eq!(rig.counter(&counter).await, 1, "{case}: {counter}");
            }
            assert_eq!(
                rig.counter("applications.created").await,
                created_before + 1,
                "{case}: one application per submission"
            );
            let s = store.submission(&sub).expect("read").expect("submission");
            assert_eq!(s.state, "sent", "{case}");
            if withdrawing {
                let app = s.application_id.expect("id");
                let remote = store.remote_applications("acct").expect("remote");
                let r = remote
                    .iter()
                    .find(|a| a.application_id == app)
                    .expect("pulled");
                assert_eq!(r.status, "WITHDRAWN", "{case}");
            }
            assert_eq!(
                rig.counter(&injected).await,
                injected_before + 1,
                "{case}: the fault was really injected"
            );
        }
    }
}

/// An order as the last pull stored it.
fn pulled_order(store: &Store, id: &str) -> ServiceOrder {
    let row = store
        .remote_orders("acct")
        .expect("orders")
        .into_iter()
        .find(|o| o.order_id == id)
        .expect("pulled");
    serde_json::from_str(&row.json).expect("order")
}

/// Every fault on the supervision-action route: the action is applied exactly once (per-token
/// counter 1), the order as pulled afterwards shows it, and the fault really fired.
#[tokio::test]
async fn every_fault_on_an_order_action_ends_with_it_applied_once() {
    let rig = Rig::new(9).await;
    let mut store = rig.store();
    let product: Value = serde_json::from_str(include_str!(
        "../../sandbox/fixtures/professional-service.json"
    ))
    .expect("fixture");
    let live = rig
        .admin_json("/admin/products", serde_json::json!({ "product": product }))
        .await;
    let mut ids = Vec::new();
    for _ in faults() {
        let o = rig
            .admin_json(
                "/admin/orders",
                serde_json::json!({ "productId": live["product"]["productId"] }),
            )
            .await;
        ids.push(
            o["serviceOrder"]["orderId"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    // Every customer sends a request; the seller sees them with the first pull.
    rig.admin(
        "/admin/clock",
        serde_json::json!({ "advanceSecs": 31 * 3600 }),
    )
    .await;
    let client = rig.client_to(
        &rig.sandbox.base_url,
        &rig.sandbox.sk,
        Duration::from_millis(600),
    );
    let mut engine = rig.engine_with(client);
    engine.request_pull();
    engine
        .run_until_idle(Duration::from_secs(20))
        .await
        .expect("pull");
    let route = "POST /isv/service-orders/{orderId}/actions";
    let injected = format!("faults.injected:{route}");
    for ((name, fault), id) in faults().into_iter().zip(&ids) {
        let order = pulled_order(&store, id);
        assert_eq!(
            order.flow_state,
            koodesk_domain::supervision::FlowState::RequestSubmitted
        );
        let call = Call::ActOnOrder {
            order_id: id.clone(),
            flow_version: order.flow_version,
            action: koodesk_domain::supervision::SellerAction::AcceptRequest,
            reason: None,
            result_text: None,
            actual_enabling_time: None,
            deliverables: Vec::new(),
            proofs: Vec::new(),
            customer_unreachable: false,
            commitment_letter: None,
        };
        let token = client_token();
        store
            .enqueue(
                "acct",
                &[koodesk_store::NewOutboxRow {
                    client_token: token.clone(),
                    op: call.op().into(),
                    entity: format!("order:{id}"),
                    waits_for: Vec::new(),
                    params: call.params(),
                }],
            )
            .expect("queued");
        let before = rig.counter(&injected).await;
        rig.fault(route, fault, 1).await;
        engine.request_pull();
        let report = engine
            .run_until_idle(Duration::from_secs(20))
            .await
            .expect("sync");
        assert_eq!(report.open, 0, "{name}: {report:?}");
        let row = store
            .outbox("acct", true)
            .expect("outbox")
            .into_iter()
            .find(|r| r.client_token == token)
            .expect("row");
        assert_eq!(row.state, "done", "{name}: {:?}", row.last_error);
        assert_eq!(
            rig.counter(&format!("orders.acted:{token}")).await,
            1,
            "{name}: applied once"
        );
        assert_eq!(rig.counter(&injected).await, before + 1, "{name}: fired");
        engine.request_pull();
        engine
            .run_until_idle(Duration::from_secs(20))
            .await
            .expect("pull");
        let now = pulled_order(&store, id);
        assert_eq!(
            now.flow_state,
            koodesk_domain::supervision::FlowState::Delivering,
            "{name}"
        );
    }
    assert_eq!(rig.counter("orders.acted").await, ids.len() as i64);
}

#[tokio::test]
async fn a_refusal_is_recorded_verbatim_and_the_rest_of_the_queue_goes_on() {
    let rig = Rig::new(3).await;
    let mut store = rig.store();
    // A modification of a product that does not exist: the marketplace refuses it.
    let (bad, _) = rig.submit(&mut store, "Refused");
    make_modification_of_unknown_product(&rig, &bad);
    let (good, _) = rig.submit(&mut store, "Accepted");
    let mut engine = rig.engine();
    let report = engine
        .run_until_idle(Duration::from_secs(20))
        .await
        .expect("sync");
    assert_eq!(report.open, 0, "{report:?}");
    assert_eq!(report.rejected, 1, "{report:?}");
    let refused = store.submission(&bad).expect("r").expect("s");
    assert_eq!(refused.state, "rejected");
    let msg = refused.message.expect("the marketplace's message");
    assert!(
        msg.contains("Product NOPE-1 does not exist."),
        "verbatim: {msg}"
    );
    assert_eq!(
        store.submission(&good).expect("r").expect("s").state,
        "sent"
    );
}

/// Turns a queued release into a modification of a product the marketplace does not have (its
/// request is built at the first send, from the submission).
fn make_modification_of_unknown_product(rig: &Rig, sub: &str) {
    let conn = rusqlite::Connection::open(rig.db()).expect("open");
    conn.execute(
        "UPDATE submissions SET kind = 'modification', live_product_id = 'NOPE-1', base_version = 1 WHERE id = ?1",
        [sub],
    )
    .expect("update");
}

#[tokio::test]
async fn refused_keys_pause_the_queue_and_nothing_is_lost() {
    let rig = Rig::new(4).await;
    let mut store = rig.store();
    rig.submit(&mut store, "Paused");
    let wrong = rig.client_to(
        &rig.sandbox.base_url,
        "not-the-secret-key",
        Duration::from_secs(1),
    );
    let mut engine = rig.engine_with(wrong);
    let report = engine.pass().await.expect("pass");
    let why = report.paused.clone().expect("paused");
    assert!(why.contains("refused this account's keys"), "{why}");
    assert_eq!(report.open, 2);
    // Paused: a second pass sends nothing at all.
    let again = engine.pass().await.expect("pass");
    assert_eq!(again.sent, 0);
    assert_eq!(rig.counter("applications.created").await, 0);
    engine.release().expect("release");
    // The seller fixes the keys: the pause is lifted and everything goes.
    store
        .set_sync_state("acct", koodesk_sync::engine::keys::PAUSED, None)
        .expect("resume");
    let report = rig
        .engine()
        .run_until_idle(Duration::from_secs(20))
        .await
        .expect("sync");
    assert_eq!((report.open, report.done), (0, 2), "{report:?}");
}

#[tokio::test]
async fn offline_twenty_products_survive_two_restarts_and_arrive_once_in_order() {
    let rig = Rig::new(5).await;
    let mut store = rig.store();
    let mut subs = Vec::new();
    for i in 0..20 {
        let (sub, draft) = rig.submit(&mut store, &format!("Offline {i}"));
        rig.withdraw(&mut store, &sub, &draft);
        subs.push(sub);
    }
    // Nothing listens here: the marketplace is unreachable.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = l.local_addr().expect("addr");
        drop(l);
        format!("http://{addr}")
    };
    for _ in 0..3 {
        // Each round is a restart: a new engine over a newly opened store.
        let mut engine =
            rig.engine_with(rig.client_to(&dead, &rig.sandbox.sk, Duration::from_secs(1)));
        let report = engine.pass().await.expect("pass");
        assert!(report.offline.is_some(), "{report:?}");
        assert!(
            report.sent as usize <= Config::default().parallel,
            "offline is detected after one batch, not hammered: {report:?}"
        );
        assert_eq!(report.open, 60);
        engine.release().expect("release");
    }
    let report = rig
        .engine()
        .run_until_idle(Duration::from_secs(60))
        .await
        .expect("sync");
    assert_eq!(report.open, 0, "{report:?}");
    assert_eq!(rig.counter("applications.created").await, 20);
    assert_eq!(rig.counter("applications.withdrawn").await, 20);
    for sub in subs {
        let s = store.submission(&sub).expect("r").expect("s");
        assert_eq!(s.state, "sent");
    }
    // In order: every product's withdrawal came after its creation (else it could not name it),
    // and every application ended withdrawn.
    let remote = store.remote_applications("acct").expect("remote");
    assert_eq!(remote.len(), 20);
    assert!(remote.iter().all(|a| a.status == "WITHDRAWN"), "{remote:?}");
}

#[tokio::test]
async fn one_sender_per_data_folder() {
    let rig = Rig::new(6).await;
    let mut store = rig.store();
    rig.submit(&mut store, "Leased");
    let mut first = rig.engine();
    let mut second = rig.engine();
    // The first takes the lease with its pass and keeps it (it is not released).
    first.pass().await.expect("pass");
    rig.submit(&mut store, "While leased");
    let report = second.pass().await.expect("pass");
    assert!(report.busy.is_some(), "{report:?}");
    assert_eq!(report.sent, 0);
    first.release().expect("release");
    let report = second
        .run_until_idle(Duration::from_secs(20))
        .await
        .expect("sync");
    assert_eq!(report.open, 0, "{report:?}");
    assert_eq!(rig.counter("applications.created").await, 2);
}

#[tokio::test]
async fn calls_a_gateway_does_not_serve_are_refused_with_the_manual_path_not_retried() {
    let rig = Rig::with(7, true).await;
    let mut store = rig.store();
    // Queued before the gateway was ever asked (submitted offline).
    let (sub, _) = rig.submit(&mut store, "Console only");
    let report = rig
        .engine()
        .run_until_idle(Duration::from_secs(10))
        .await
        .expect("sync");
    assert_eq!((report.open, report.rejected), (0, 1), "{report:?}");
    let s = store.submission(&sub).expect("r").expect("s");
    assert_eq!(s.state, "rejected");
    assert!(s
        .message
        .expect("message")
        .contains("does not accept file uploads"));
    let rows = store.outbox("acct", true).expect("outbox");
    assert!(
        rows.iter().all(|r| r.state == "rejected"),
        "the application waited for the upload"
    );
    assert!(
        rows.iter().all(|r| r.attempts == 0),
        "nothing was sent that could not be served"
    );
}

#[tokio::test]
async fn every_fault_on_a_services_and_support_change_ends_with_one_change_and_its_group_ids() {
    let rig = Rig::new(8).await;
    let mut store = rig.store();
    let client = rig.client_to(
        &rig.sandbox.base_url,
        &rig.sandbox.sk,
        Duration::from_millis(600),
    );
    let mut engine = rig.engine_with(client);
    engine.pass().await.expect("probe");
    let route = "POST /isv/support-changes";
    for (i, (name, fault)) in faults().into_iter().enumerate() {
        let before = rig.counter("support_changes.submitted").await;
        let mut info = koodesk_domain::support::SupportInfo::default();
        info.after_sales_groups
            .push(koodesk_domain::support::AfterSalesGroup {
                id: format!("g{i}"),
                name: "Team".into(),
                ..Default::default()
            });
        let call = Call::SubmitSupportChange {
            support: serde_json::to_string(&info).expect("json"),
        };
        let token = client_token();
        store
            .enqueue(
                "acct",
                &[koodesk_store::NewOutboxRow {
                    client_token: token.clone(),
                    op: call.op().into(),
                    entity: "support".into(),
                    waits_for: Vec::new(),
                    params: call.params(),
                }],
            )
            .expect("queued");
        rig.fault(route, fault, 1).await;
        let report = engine
            .run_until_idle(Duration::from_secs(20))
            .await
            .expect("sync");
        assert_eq!(report.open, 0, "{name}: {report:?}");
        assert_eq!(
            rig.counter(&format!("support_changes.submitted:{token}"))
                .await,
            1,
            "{name}"
        );
        assert_eq!(
            rig.counter("support_changes.submitted").await,
            before + 1,
            "{name}"
        );
        let ids = koodesk_sync::calls::group_ids(&store, "acct").expect("ids");
        assert_eq!(ids.len(), 1, "{name}");
        assert_eq!(ids[0].local_id, format!("g{i}"), "{name}");
    }
}

#[tokio::test]
async fn when_the_network_comes_back_the_backed_off_queue_goes_at_once() {
    let rig = Rig::new(8).await;
    let mut store = rig.store();
    for i in 0..3 {
        rig.submit(&mut store, &format!("Hotel {i}"));
    }
    // A port nothing listens on yet: the hotel Wi-Fi before it is up.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let later = format!("http://127.0.0.1:{port}");
    let mut engine = Engine::new(
        rig.store(),
        rig.client_to(&later, &rig.sandbox.sk, Duration::from_secs(1)),
        "acct",
        rig.attachments(),
        Config {
            // A long back-off: without the reconnect the queue would wait minutes.
            backoff: Backoff {
                base: Duration::from_secs(120),
                cap: Duration::from_secs(600),
            },
            ..quick()
        },
    );
    let report = engine.pass().await.expect("pass");
    assert!(report.offline.is_some(), "{report:?}");
    assert!(engine.is_offline().expect("state"));
    assert!(engine.reconnected().expect("backed off") > 0);

    // Offline again: the reconnect watch does not return while nothing answers.
    let report = engine.pass().await.expect("pass");
    assert!(report.offline.is_some(), "{report:?}");
    let watch = tokio::spawn({
        let url = later.clone();
        async move { koodesk_sync::reach::wait_until_reachable(&url, Duration::from_millis(50)).await }
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(!watch.is_finished(), "nothing listens yet");

    // The network is back: the same marketplace answers on that port.
    let mut c = SandboxConfig::new(8);
    c.clock_speed = 0.0;
    c.start = Some(START);
    c.port = port;
    let up = Sandbox::start(c).await.expect("sandbox on the port");
    tokio::time::timeout(Duration::from_secs(20), watch)
        .await
        .expect("the watch notices the marketplace answering")
        .expect("joined");
    let waiting = engine.reconnected().expect("reconnected");
    assert!(waiting >= 1, "rows were backing off: {waiting}");
    let now = koodesk_sync::engine::now_ms();
    let open = store.outbox("acct", false).expect("outbox");
    assert!(
        open.iter().all(|r| r.next_attempt_at <= now),
        "every backed-off row is due now: {open:?}"
    );
    let report = engine
        .run_until_idle(Duration::from_secs(30))
        .await
        .expect("sync");
    assert_eq!(report.open, 0, "{report:?}");
    assert!(!engine.is_offline().expect("state"), "online again");
    assert_eq!(
        engine.reconnected().expect("online"),
        0,
        "nothing to make due"
    );
    up.stop().await;
}

#[tokio::test]
async fn the_pull_keeps_service_orders_and_the_marketplaces_clock() {
    let rig = Rig::new(9).await;
    let admin_post = |path: &'static str, body: Value| {
        let rig = &rig;
        async move {
            let r = rig
                .admin
                .post(format!("{}{path}", rig.sandbox.base_url))
                .json(&body)
                .send()
                .await
                .expect("admin call");
            assert!(r.status().is_success(), "{path}: {}", r.status());
            r.json::<Value>().await.expect("JSON")
        }
    };
    let product: Value = serde_json::from_str(include_str!(
        "../../sandbox/fixtures/professional-service.json"
    ))
    .expect("fixture");
    let live = admin_post("/admin/products", serde_json::json!({ "product": product })).await;
    let product_id = live["product"]["productId"]
        .as_str()
        .expect("id")
        .to_owned();
    let mut ids = Vec::new();
    for _ in 0..3 {
        let o = admin_post(
            "/admin/orders",
            serde_json::json!({ "productId": product_id }),
        )
        .await;
        ids.push(
            o["serviceOrder"]["orderId"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    let mut engine = rig.engine();
    engine.pull().await.expect("pull");
    let store = rig.store();
    let orders = store.remote_orders("acct").expect("orders");
    let mut pulled: Vec<&str> = orders.iter().map(|o| o.order_id.as_str()).collect();
    pulled.sort();
    ids.sort();
    assert_eq!(pulled, ids);
    assert!(orders
        .iter()
        .all(|o| o.flow_state == "AWAITING_REQUEST" && o.waiting_for == "CUSTOMER"));
    assert!(orders
        .iter()
        .all(|o| o.flow_version >= 1 && o.json.contains(&o.order_id)));
    // The sandbox's clock stands at START: the offset says how far this computer is from it.
    let offset: i64 = store
        .sync_state("acct", koodesk_sync::engine::keys::SERVER_OFFSET)
        .expect("state")
        .expect("an offset")
        .parse()
        .expect("ms");
    let expected = START * 1000 - koodesk_sync::engine::now_ms();
    assert!(
        (offset - expected).abs() < 60_000,
        "offset {offset} ms, expected about {expected} ms"
    );

    // A later pull replaces what changed.
    rig.admin(
        "/admin/clock",
        serde_json::json!({ "advanceSecs": 31 * 3600 }),
    )
    .await;
    engine.request_pull();
    engine.pull().await.expect("pull");
    // (The sandbox's customers may have bought more meanwhile.)
    let orders = rig.store().remote_orders("acct").expect("orders");
    let ours: Vec<_> = orders
        .iter()
        .filter(|o| ids.contains(&o.order_id))
        .collect();
    assert_eq!(ours.len(), 3);
    assert!(
        ours.iter()
            .all(|o| o.flow_state == "REQUEST_SUBMITTED" && o.waiting_for == "SELLER"),
        "{:?}",
        ours.iter()
            .map(|o| (&o.flow_state, &o.waiting_for))
            .collect::<Vec<_>>()
    );
}
