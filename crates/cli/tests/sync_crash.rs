//! `kill -9` at random moments while `koodesk sync` drains rounds of 50 submissions to the sandbox over
//! loopback, restarted after every kill: no command is lost, none is applied twice, every draft is
//! intact. `KOODESK_SYNC_KILL_TRIALS` sets the number of kills (`cargo xtask soak` runs 200; the
//! regular tests a few dozen).

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use koodesk_api::dto::AccountInput;
use koodesk_api::keychain::MemoryKeychain;
use koodesk_api::paths::DataDir;
use koodesk_api::{accounts, Context};
use koodesk_domain::product::{DeliveryMethod, Product};
use koodesk_market::contract::AttachmentKind;
use koodesk_sandbox::{Config, Sandbox};
use koodesk_store::{DraftWrite, NewOutboxRow, NewSubmission, Store};
use koodesk_sync::submission::{self, Known};
use koodesk_sync::{client_token, Call};
use serde_json::Value;

const COMMANDS: usize = 50;

/// Queues `COMMANDS` submissions (each: a file upload, then the application) and a withdrawal
/// behind every fifth; returns the draft ids and their documents.
fn queue(data: &DataDir, account: &str, round: usize) -> Vec<(String, String)> {
    let mut store = Store::open(&data.database()).expect("store");
    let mut drafts = Vec::new();
    for i in 0..COMMANDS {
        let draft_id = format!("draft-{round}-{i:03}");
        let doc = format!("{{\"n\":{i}}}");
        store
            .create_draft_for(
                account,
                &draft_id,
                &DraftWrite {
                    kind: "release".into(),
                    live_product_id: None,
                    name: format!("Crash {i}"),
                    delivery_method: "saas".into(),
                    doc: doc.clone(),
                    errors: 0,
                    warnings: 0,
                    search: Default::default(),
                },
                "created",
            )
            .expect("draft");
        let pdf = format!("%PDF-1.4\n% guide {i}\n");
        let a = store
            .put_attachment(&data.attachments(), "guide.pdf", pdf.as_bytes())
            .expect("file");
        let mut product = Product::new(DeliveryMethod::Saas);
        product.basic.name = format!("Crash {i}");
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
        let entity = format!("draft:{draft_id}");
        let rows = submission::rows(&sub, &entity, &files, |_| Known::Missing, &[]);
        store
            .submit(
                &NewSubmission {
                    id: sub.clone(),
                    account: account.into(),
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
        if i % 5 == 0 {
            let call = Call::WithdrawApplication {
                submission_id: Some(sub),
                application_id: None,
            };
            store
                .enqueue(
                    account,
                    &[NewOutboxRow {
                        client_token: client_token(),
                        op: call.op().into(),
                        entity,
                        waits_for: Vec::new(),
                        params: call.params(),
                    }],
                )
                .expect("withdrawal");
        }
        drafts.push((draft_id, doc));
    }
    drafts
}

fn koodesk(data: &DataDir, sandbox: &Sandbox) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_koodesk"));
    c.env("KOODESK_DATA_DIR", data.root())
        .env("KOODESK_AK", &sandbox.ak)
        .env("KOODESK_SK", &sandbox.sk)
        // No keychain in the child: the keys come from the environment, as under cron.
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .args(["sync", "--once", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

async fn counters(base: &str) -> serde_json::Map<String, Value> {
    let v: Value = reqwest::get(format!("{base}/admin/counters"))
        .await
        .expect("counters")
        .json()
        .await
        .expect("JSON");
    v["counters"].as_object().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_while_draining_fifty_commands_loses_nothing_and_doubles_nothing() {
    let trials: u32 = std::env::var("KOODESK_SYNC_KILL_TRIALS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(24);
    let mut cfg = Config::new(21);
    cfg.clock_speed = 0.0;
    let sandbox = Sandbox::start(cfg).await.expect("sandbox");
    let dir = tempfile::tempdir().expect("tmp");
    let data = DataDir::at(dir.path());
    let account = {
        let ctx =
            Context::open_with(data.clone(), Arc::new(MemoryKeychain::default())).expect("context");
        let a = accounts::add(
            &ctx,
            &AccountInput {
                name: "Crash test".into(),
                site: sandbox.base_url.clone(),
                ak: sandbox.ak.clone(),
                sk: sandbox.sk.clone(),
            },
        )
        .expect("account");
        accounts::switch(&ctx, &a.id).expect("switch");
        a.id
    };
    // Rounds of 50 commands, killed at random moments until the trials are used up.
    let mut drafts = Vec::new();
    let mut rng = fastrand::Rng::with_seed(2026);
    let mut killed_mid_drain = 0;
    let mut progressed = 0;
    let mut open_before = usize::MAX;
    let mut trial = 0;
    let mut rounds = 0;
    while trial < trials {
        drafts.extend(queue(&data, &account, rounds));
        rounds += 1;
        while trial < trials {
            trial += 1;
            let mut child = koodesk(&data, &sandbox)
                .spawn()
                .expect("koodesk sync starts");
            // Kill it somewhere between start-up and the end of its drain.
            tokio::time::sleep(Duration::from_millis(rng.u64(10..300))).await;
            let still_running = child.try_wait().expect("wait").is_none();
            let _ = child.kill(); // SIGKILL on Unix: no chance to tidy up
            let _ = child.wait();
            if still_running {
                killed_mid_drain += 1;
            }
            let open = Store::open(&data.database())
                .expect("the database opens after every kill")
                .outbox(&account, false)
                .expect("outbox")
                .len();
            if open < open_before && open_before != usize::MAX {
                progressed += 1;
            }
            open_before = open;
            if open == 0 {
                break;
            }
        }
    }
    let per_round = COMMANDS * 2 + COMMANDS / 5;
    // Then a run to the end.
    let started = Instant::now();
    let out = koodesk(&data, &sandbox).output().expect("koodesk sync");
    assert!(
        out.status.success(),
        "the last run ends with nothing left ({:?}): {}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!(
        "{killed_mid_drain} kills mid-drain of {trials} trials over {rounds} round(s), {progressed} of them after some progress; final drain {:?}",
        started.elapsed()
    );
    assert!(killed_mid_drain > 0, "some kills hit a running drain");
    assert!(
        progressed > 0,
        "some runs sent something before they were killed"
    );

    let store = Store::open(&data.database()).expect("store");
    let rows = store.outbox(&account, true).expect("outbox");
    assert_eq!(rows.len(), per_round * rounds, "no row lost");
    let c = counters(&sandbox.base_url).await;
    let count = |k: &str| c.get(k).and_then(Value::as_i64).unwrap_or(0);
    for r in &rows {
        assert_eq!(
            r.state, "done",
            "row {} ({}): {:?}",
            r.seq, r.op, r.last_error
        );
        let key = match r.op.as_str() {
            "upload_attachment" => format!("attachments.uploaded:{}", r.client_token),
            "create_application" => format!("applications.created:{}", r.client_token),
            _ => format!("applications.withdrawn:{}", r.client_token),
        };
        assert_eq!(count(&key), 1, "exactly one effect for {key}");
    }
    assert_eq!(
        count("applications.created"),
        (COMMANDS * rounds) as i64,
        "no duplicate application"
    );
    assert_eq!(
        count("applications.withdrawn"),
        (COMMANDS / 5 * rounds) as i64
    );
    for (id, doc) in drafts {
        let d = store.draft(&id).expect("read").expect("the draft is there");
        assert_eq!(d.doc, doc, "draft {id} intact");
        assert!(d.submitted);
        let subs = store.submissions_of(&id).expect("subs");
        assert_eq!(subs.len(), 1);
        assert_eq!(subs[0].state, "sent", "{id}");
    }
    let apps = store.remote_applications(&account).expect("remote");
    assert_eq!(apps.len(), COMMANDS * rounds);
    assert_eq!(
        apps.iter().filter(|a| a.status == "WITHDRAWN").count(),
        COMMANDS / 5 * rounds
    );
}
