//! `koodesk submit`, `sync`, `outbox`, `applications` and `diff`, run as a seller would against
//! the sandbox on loopback, with the keys in the environment (no keychain, as under cron).

use std::process::{Command, Output};
use std::sync::Arc;

use koodesk_api::dto::AccountInput;
use koodesk_api::keychain::MemoryKeychain;
use koodesk_api::paths::DataDir;
use koodesk_api::{accounts, drafts, support, templates, Context};
use koodesk_sandbox::{Config, Sandbox};
use serde_json::{json, Value};

fn run(data: &DataDir, sandbox: &Sandbox, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_koodesk"))
        .env("KOODESK_DATA_DIR", data.root())
        .env("KOODESK_AK", &sandbox.ak)
        .env("KOODESK_SK", &sandbox.sk)
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .args(args)
        .output()
        .expect("koodesk runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A professional-service release that passes the linter; its request template is a form.
fn ready_draft(ctx: &Context) -> String {
    let s = support::get(ctx).expect("support");
    let mut info = s.info.clone();
    info["business_contact"] =
        json!({ "name": "Ana Lima", "phone": "+49 30 7654321", "email": "ana@example.com" });
    info["after_sales_groups"] = json!([{ "id": "g1", "name": "Support", "phone": "+49 30 1234567",
        "email": "help@example.com", "service_days": "Monday to Friday", "service_hours": "08:00-17:00 (GMT+01:00)" }]);
    support::save(ctx, Some(s.revision), info).expect("support");
    let form = templates::new_form(ctx).expect("form");
    let v = drafts::create(ctx, "professional_service").expect("draft");
    let mut doc = v.doc.clone();
    doc["product"] = serde_json::from_str(include_str!(
        "../../sandbox/fixtures/professional-service.json"
    ))
    .expect("fixture");
    let mut logo = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut logo, 120, 120);
        enc.set_color(png::ColorType::Rgb);
        let mut w = enc.write_header().expect("png");
        w.write_image_data(&[90u8; 120 * 120 * 3]).expect("png");
    }
    doc["product"]["basic"]["logo"] = drafts::attach_bytes(ctx, "logo.png", &logo).expect("logo");
    doc["product"]["qualification"]["user_guide"] =
        drafts::attach_bytes(ctx, "guide.pdf", b"%PDF-1.4\n% cli guide\n").expect("guide");
    doc["product"]["basic"]["delivery"]["request_templates"] =
        json!([{ "title": "Migration request", "form_id": form.id, "file": null }]);
    drafts::save(ctx, &v.id, None, doc).expect("saved");
    v.id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submit_sync_and_read_back_from_the_command_line() {
    let mut cfg = Config::new(31);
    cfg.clock_speed = 0.0;
    let sandbox = Sandbox::start(cfg).await.expect("sandbox");
    let dir = tempfile::tempdir().expect("tmp");
    let data = DataDir::at(dir.path());
    let (draft, account) = {
        let ctx =
            Context::open_with(data.clone(), Arc::new(MemoryKeychain::default())).expect("context");
        let a = accounts::add(
            &ctx,
            &AccountInput {
                name: "Shop".into(),
                site: sandbox.base_url.clone(),
                ak: sandbox.ak.clone(),
                sk: sandbox.sk.clone(),
            },
        )
        .expect("account");
        accounts::switch(&ctx, &a.id).expect("switch");
        (ready_draft(&ctx), a.id)
    };

    let out = run(
        &data,
        &sandbox,
        &["submit", &draft, "--yes", "--account", "Shop"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("made     request-form-1-v1-en.xlsx"), "{t}");
    assert!(t.contains("5 upload(s)"), "{t}");

    let out = run(&data, &sandbox, &["outbox", "list", "--json"]);
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        rows.len(),
        7,
        "Services & support, 5 uploads, the application"
    );
    assert!(rows.iter().all(|r| r["state"] == "queued"));

    let out = run(
        &data,
        &sandbox,
        &["sync", "--once", "--json", "--account", &account],
    );
    assert!(out.status.success(), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(
        (report["done"].as_u64(), report["open"].as_u64()),
        (Some(7), Some(0))
    );

    let out = run(&data, &sandbox, &["outbox", "list"]);
    assert!(text(&out).contains("nothing waiting"), "{}", text(&out));

    let out = run(&data, &sandbox, &["applications", "list", "--json"]);
    let apps: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0]["application"]["status"], "PENDING_APPROVAL");
    assert_eq!(apps[0]["draft_id"], json!(draft));
    let app_id = apps[0]["application"]["applicationId"]
        .as_str()
        .expect("id")
        .to_owned();

    // The diff: the snapshot carries the generated templates, the draft does not.
    let out = run(&data, &sandbox, &["diff", &draft, "--json"]);
    let view: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(view["submission"]["state"], "sent");
    assert_eq!(view["has_live"], json!(false));
    let paths: Vec<&str> = view["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["path"].as_str())
        .collect();
    assert!(
        paths.iter().any(|p| p.contains("request_templates")),
        "{paths:?}"
    );

    // Withdraw from the command line; the next sync sends it.
    let out = run(&data, &sandbox, &["applications", "withdraw", &app_id]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(&data, &sandbox, &["sync", "--once"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(&data, &sandbox, &["applications", "list"]);
    assert!(text(&out).contains("WITHDRAWN"), "{}", text(&out));

    // The orders desk: an order whose customer has sent a request waits for the seller.
    let admin = |path: &str, body: Value| {
        let url = format!("{}{path}", sandbox.base_url);
        async move {
            let r = reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .expect("admin");
            assert!(r.status().is_success());
            r.json::<Value>().await.expect("JSON")
        }
    };
    let product: Value = serde_json::from_str(include_str!(
        "../../sandbox/fixtures/professional-service.json"
    ))
    .expect("fixture");
    let live = admin("/admin/products", json!({ "product": product })).await;
    let order = admin(
        "/admin/orders",
        json!({ "productId": live["product"]["productId"] }),
    )
    .await;
    let order_id = order["serviceOrder"]["orderId"]
        .as_str()
        .expect("id")
        .to_owned();
    admin("/admin/clock", json!({ "advanceSecs": 31 * 3600 })).await;
    let out = run(&data, &sandbox, &["sync", "--once"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(&data, &sandbox, &["orders", "list", "--needs-me"]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains(&order_id) && t.contains("green"), "{t}");
    let out = run(&data, &sandbox, &["orders", "list", "--json"]);
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(rows
        .iter()
        .any(|r| r["order_id"] == json!(order_id) && r["waiting_for"] == "SELLER"));
    let out = run(&data, &sandbox, &["orders", "show", &order_id]);
    assert!(text(&out).contains("Request submitted"), "{}", text(&out));
    let out = run(&data, &sandbox, &["orders", "show", "CS-NO-SUCH"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    // The customer's files, read in the reader's child process: a filled template, one cut off
    // half way, and a hostile one claiming ten million parts; the desk reads what it can and
    // says why the rest cannot be read.
    {
        use base64::Engine as _;
        use koodesk_templates::{corpus, xlsx, Options};
        let form = koodesk_domain::form::RequestForm::from_json(include_str!(
            "../../../docs/examples/data-migration-request.json"
        ))
        .expect("form");
        let filled = xlsx::generate(
            &form,
            &Options {
                answers: corpus::answers(&form),
                ..Options::default()
            },
        )
        .expect("xlsx");
        let cut = filled[..filled.len() / 2].to_vec();
        let hostile = corpus::claiming_entries(&filled, 10_000_000);
        for (name, bytes) in [
            ("filled.xlsx", &filled),
            ("cut.xlsx", &cut),
            ("hostile.xlsx", &hostile),
        ] {
            admin(
                &format!("/admin/orders/{order_id}/request-files"),
                json!({
                    "fileName": name,
                    "contentType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "content": base64::engine::general_purpose::STANDARD.encode(bytes),
                }),
            )
            .await;
        }
    }
    let out = run(&data, &sandbox, &["sync", "--once"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(&data, &sandbox, &["orders", "request", &order_id, "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let readings: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON");
    let by = |n: &str| {
        readings
            .iter()
            .find(|r| r["file_name"] == n)
            .unwrap_or_else(|| panic!("{n}: {readings:?}"))
            .clone()
    };
    let filled = by("filled.xlsx");
    assert_eq!(filled["error"], Value::Null, "{filled}");
    // This computer has never had the form, nor has the marketplace (the fixture's product
    // came without it): the answers by key, with a note.
    assert_eq!(filled["source"], "none", "{filled}");
    assert!(
        filled["answers"].as_array().is_some_and(|a| a.len() > 3),
        "{filled}"
    );
    for n in ["cut.xlsx", "hostile.xlsx"] {
        let r = by(n);
        assert!(r["error"].as_str().is_some_and(|e| !e.is_empty()), "{r}");
    }
    let out = run(&data, &sandbox, &["orders", "request", &order_id]);
    let t = text(&out);
    assert!(
        t.contains("cannot be read") && t.contains("filled.xlsx"),
        "{t}"
    );
    // Accept it from the command line: queued, then sent by the next sync.
    let out = run(
        &data,
        &sandbox,
        &["orders", "deliver", &order_id, "--result", "Done."],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "not before accepting: {}",
        text(&out)
    );
    let out = run(&data, &sandbox, &["orders", "accept", &order_id]);
    assert!(text(&out).contains("queued"), "{}", text(&out));
    let out = run(&data, &sandbox, &["sync", "--once"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(&data, &sandbox, &["orders", "show", &order_id]);
    assert!(
        text(&out).contains("Waiting for the seller to provide the service"),
        "{}",
        text(&out)
    );

    // Alerts: the first scan takes the history in; three quiet days later the accepted order
    // warns once; a dry run records nothing.
    let out = run(&data, &sandbox, &["alerts", "scan", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    admin("/admin/clock", json!({ "advanceSecs": 3 * 86_400 })).await;
    let out = run(&data, &sandbox, &["alerts", "scan", "--dry-run", "--json"]);
    let dry: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON");
    let warns = |list: &[Value]| {
        list.iter()
            .filter(|a| a["kind"] == "stall_warning" && a["target"]["id"] == json!(order_id))
            .count()
    };
    assert_eq!(warns(&dry), 1, "{dry:?}");
    let out = run(&data, &sandbox, &["alerts", "scan", "--json"]);
    let raised: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        warns(&raised),
        1,
        "the dry run recorded nothing: {raised:?}"
    );
    let out = run(&data, &sandbox, &["alerts", "scan", "--json"]);
    let again: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(warns(&again), 0, "raised once: {again:?}");
    let out = run(&data, &sandbox, &["alerts", "list", "--unread"]);
    let t = text(&out);
    assert!(t.contains("Order waiting for you"), "{t}");
    let out = run(&data, &sandbox, &["alerts", "read", "--all"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(&data, &sandbox, &["alerts", "list", "--unread"]);
    assert!(text(&out).contains("no alerts"), "{}", text(&out));

    // No keys anywhere: a clear error, nothing sent.
    let out = Command::new(env!("CARGO_BIN_EXE_koodesk"))
        .env("KOODESK_DATA_DIR", data.root())
        .env_remove("KOODESK_AK")
        .env_remove("KOODESK_SK")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .args(["sync", "--once"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("KOODESK_AK") || t.contains("keychain"), "{t}");
}

fn demo_run(data: &DataDir, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_koodesk"))
        .env("KOODESK_DATA_DIR", data.root())
        .env_remove("KOODESK_AK")
        .env_remove("KOODESK_SK")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .args(args)
        .output()
        .expect("koodesk runs")
}

/// The application of `draft` as the CLI lists it, if any.
fn listed(data: &DataDir, draft: &str) -> Option<Value> {
    let out = demo_run(
        data,
        &["applications", "list", "--json", "--account", "demo"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let apps: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON");
    apps.into_iter().find(|a| a["draft_id"] == json!(draft))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_demo_uses_the_running_apps_marketplace_or_starts_one() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = DataDir::at(dir.path());
    let ctx =
        Context::open_with(data.clone(), Arc::new(MemoryKeychain::default())).expect("context");
    let first = ready_draft(&ctx);

    // A note left by an app that is gone: its process has exited, its port is closed.
    let dead_pid = {
        let mut child = Command::new(env!("CARGO_BIN_EXE_koodesk"))
            .arg("--version")
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("runs");
        let pid = child.id();
        child.wait().expect("exits");
        pid
    };
    std::fs::write(
        data.demo_address(),
        json!({ "base_url": "http://127.0.0.1:9", "pid": dead_pid }).to_string(),
    )
    .expect("note");

    let out = demo_run(&data, &["submit", &first, "--yes", "--account", "demo"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = demo_run(&data, &["sync", "--once", "--json", "--account", "demo"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("the app is not running"),
        "{}",
        text(&out)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(report["open"].as_u64(), Some(0), "{report}");
    let app = listed(&data, &first).expect("the first application, sent and pulled");
    assert_eq!(app["application"]["status"], "PENDING_APPROVAL");
    assert!(
        data.root().join("demo-marketplace.sqlite3").exists(),
        "served from the data folder's demo state"
    );

    // The app runs (here: its Demo marketplace in this process, which records its address).
    let running = koodesk_api::demo::start(&ctx).await.expect("demo");
    let base_url = running.base_url().to_string();
    let second = {
        let v = drafts::create(&ctx, "professional_service").expect("draft");
        let first_doc = drafts::get(&ctx, &first).expect("first").doc;
        let mut doc = v.doc.clone();
        doc["product"] = first_doc["product"].clone();
        doc["product"]["basic"]["name"] = json!("Cloud Migration Assessment Plus");
        drafts::save(&ctx, &v.id, None, doc).expect("saved");
        v.id
    };
    let out = demo_run(&data, &["submit", &second, "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    // Without --account: the current account is the Demo marketplace too.
    let out = tokio::task::spawn_blocking({
        let data = data.clone();
        move || demo_run(&data, &["sync", "--once", "--json"])
    })
    .await
    .expect("joined");
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("running app ({base_url})")),
        "{}",
        text(&out)
    );
    let app = listed(&data, &second).expect("the second application, through the app's server");
    assert_eq!(app["application"]["status"], "PENDING_APPROVAL");
    running.stop().await;
}
