//! The outbox's drain rate beside the floor: the same number of signed "create application" calls
//! sent straight with the market client, one after another, to the same sandbox in the same run.
//! The engine's extra work per call is its bookkeeping: the row marked in flight and committed
//! before the request, the answer and its effects committed after. Prints
//! `ROW|metric|koodesk|baseline|baseline name|unit` lines for `cargo xtask bench`.

use std::time::{Duration, Instant};

use koodesk_domain::product::{DeliveryMethod, Product};
use koodesk_market::contract::*;
use koodesk_market::{Client, ClientConfig, Credentials, Site};
use koodesk_sandbox::{Config as SandboxConfig, Sandbox};
use koodesk_store::{DraftWrite, NewSubmission, Store};
use koodesk_sync::{client_token, submission, Config, Engine};

const CALLS: usize = 400;
const ROUNDS: usize = 5;

fn product(i: usize) -> Product {
    let mut p = Product::new(DeliveryMethod::Saas);
    p.basic.name = format!("Bench product {i}");
    p
}

async fn raw(client: &Client) -> Duration {
    let started = Instant::now();
    for i in 0..CALLS {
        let body = serde_json::to_vec(&CreateApplication {
            client_token: client_token(),
            r#type: ApplicationType::Release,
            product_id: None,
            base_version: None,
            snapshot: product(i),
        })
        .expect("encode");
        let _: serde_json::Value = client
            .call_bytes("POST", "/isv/applications", Vec::new(), body)
            .await
            .expect("raw call");
    }
    started.elapsed()
}

async fn drained(client: Client) -> Duration {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("koodesk.sqlite3");
    let mut store = Store::open(&db).expect("store");
    for i in 0..CALLS {
        let draft = format!("d{i}");
        store
            .create_draft_for(
                "bench",
                &draft,
                &DraftWrite {
                    kind: "release".into(),
                    live_product_id: None,
                    name: format!("Bench {i}"),
                    delivery_method: "saas".into(),
                    doc: "{}".into(),
                    errors: 0,
                    warnings: 0,
                    search: Default::default(),
                },
                "created",
            )
            .expect("draft");
        let sub = client_token();
        let rows = submission::rows(
            &sub,
            &format!("draft:{draft}"),
            &[],
            |_| submission::Known::Missing,
            &[],
        );
        store
            .submit(
                &NewSubmission {
                    id: sub,
                    account: "bench".into(),
                    draft_id: draft,
                    draft_revision: 1,
                    kind: "release".into(),
                    live_product_id: None,
                    base_version: None,
                    snapshot: serde_json::to_string(&product(i)).expect("json"),
                },
                &rows,
            )
            .expect("submit");
    }
    // Closing the only connection checkpoints what the setup wrote, so the drain does not pay
    // for it.
    drop(store);
    let mut engine = Engine::new(
        Store::open(&db).expect("store"),
        client,
        "bench",
        dir.path().join("attachments"),
        Config {
            pull: false, // the drain alone; the raw loop pulls nothing either
            ..Config::default()
        },
    );
    let started = Instant::now();
    let report = engine
        .run_until_idle(Duration::from_secs(600))
        .await
        .expect("drain");
    let elapsed = started.elapsed();
    assert_eq!(report.open, 0, "{report:?}");
    assert_eq!(report.done as usize, CALLS);
    elapsed
}

/// A fresh sandbox for each measurement, so neither side works on a fuller database.
async fn fresh() -> (Sandbox, Client) {
    let mut cfg = SandboxConfig::new(7);
    cfg.clock_speed = 0.0;
    let sandbox = Sandbox::start(cfg).await.expect("sandbox");
    let client = Client::new(
        &Site::Custom(sandbox.base_url.clone()),
        Credentials::new(sandbox.ak.clone(), sandbox.sk.clone()),
        ClientConfig::default(),
    )
    .expect("client");
    (sandbox, client)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut raw_rates = Vec::new();
    let mut drain_rates = Vec::new();
    let (_warm, client) = fresh().await;
    raw(&client).await; // warm-up
    let rate = |t: Duration| CALLS as f64 / t.as_secs_f64();
    for round in 0..ROUNDS {
        // Alternate which goes first.
        let (r, d) = if round % 2 == 0 {
            let (_a, c) = fresh().await;
            let r = raw(&c).await;
            let (_b, c) = fresh().await;
            (r, drained(c).await)
        } else {
            let (_b, c) = fresh().await;
            let d = drained(c).await;
            let (_a, c) = fresh().await;
            (raw(&c).await, d)
        };
        eprintln!(
            "    round {}: raw {:.0} calls/s, outbox {:.0} calls/s",
            round + 1,
            rate(r),
            rate(d)
        );
        raw_rates.push(rate(r));
        drain_rates.push(rate(d));
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    println!(
        "ROW|outbox drain, {CALLS} applications (calls/s, median)|{:.1}|{:.1}|raw signed requests|",
        median(drain_rates),
        median(raw_rates)
    );
}
