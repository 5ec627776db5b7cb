//! Accounts over a real data folder and a real sandbox marketplace on loopback. The keychain here
//! is in memory; `os_keychain.rs` proves the real one.

use std::sync::Arc;

use koodesk_api::context::DemoMarketplace;
use koodesk_api::dto::{AccountInput, DraftFilter};
use koodesk_api::keychain::{MemoryKeychain, SecretStore};
use koodesk_api::paths::DataDir;
use koodesk_api::{accounts, drafts, settings, Context, ErrorCode};
use koodesk_market::Credentials;
use koodesk_sandbox::{Config, Sandbox};

const AK: &str = "HPUAZ7QK3EXAMPLEAK9";
const SK: &str = "Zq8pW3nT6vY1xExampleSecretKey0123456789";

fn open(dir: &tempfile::TempDir, keys: Arc<MemoryKeychain>) -> Context {
    Context::open_with(DataDir::at(dir.path()), keys).expect("context")
}

fn input(name: &str, site: &str, ak: &str, sk: &str) -> AccountInput {
    AccountInput {
        name: name.into(),
        site: site.into(),
        ak: ak.into(),
        sk: sk.into(),
    }
}

async fn sandbox_with(ak: &str, sk: &str) -> Sandbox {
    let mut c = Config::new(3);
    c.ak = ak.into();
    c.sk = sk.into();
    Sandbox::start(c).await.expect("sandbox")
}

#[test]
fn accounts_are_added_checked_switched_and_removed() {
    let dir = tempfile::tempdir().expect("tmp");
    let keys = Arc::new(MemoryKeychain::default());
    let c = open(&dir, keys.clone());
    let first = accounts::list(&c).expect("list");
    assert_eq!(first.len(), 1);
    assert!(first[0].demo && first[0].current);

    let e = accounts::add(&c, &input(" ", "intl", AK, SK)).expect_err("name");
    assert_eq!(e.field.as_deref(), Some("name"));
    let e =
        accounts::add(&c, &input("Acme", "http://example.com", AK, SK)).expect_err("plain http");
    assert_eq!(e.field.as_deref(), Some("site"));
    let e = accounts::add(&c, &input("Acme", "eu", AK, "")).expect_err("sk");
    assert_eq!(e.field.as_deref(), Some("sk"));

    let a = accounts::add(&c, &input("Acme Europe", "eu", AK, SK)).expect("added");
    assert!(a.has_keys && !a.current && !a.demo);
    assert_eq!(
        keys.get(&a.id).expect("keychain").map(|k| k.ak),
        Some(AK.to_owned())
    );

    // Editing without keys keeps them; with keys replaces them.
    let a = accounts::update(&c, &a.id, &input("Acme EU", "eu", "", "")).expect("renamed");
    assert_eq!(a.name, "Acme EU");
    assert_eq!(
        keys.get(&a.id).expect("keychain").map(|k| k.ak),
        Some(AK.to_owned())
    );
    accounts::update(&c, &a.id, &input("Acme EU", "eu", "AKNEW", "SKNEW")).expect("new keys");
    assert_eq!(
        keys.get(&a.id).expect("keychain"),
        Some(Credentials::new("AKNEW", "SKNEW"))
    );

    // Drafts belong to the account that was current when they were made.
    let demo_draft = drafts::create(&c, "license").expect("draft");
    accounts::switch(&c, &a.id).expect("switch");
    assert!(matches!(
        settings::app_info(&c).marketplace,
        koodesk_api::dto::MarketplaceProfile::Account { .. }
    ));
    assert!(drafts::list(&c, &DraftFilter::default())
        .expect("list")
        .is_empty());
    let acme_draft = drafts::create(&c, "professional_service").expect("draft");
    let listed: Vec<_> = drafts::list(&c, &DraftFilter::default())
        .expect("list")
        .into_iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(listed, [acme_draft.id]);

    // The choice survives a restart.
    drop(c);
    let c = open(&dir, keys.clone());
    assert_eq!(c.account(), a.id);

    let after = accounts::remove(&c, &a.id).expect("removed");
    assert_eq!(after.len(), 1);
    assert!(after[0].current, "back on the Demo marketplace");
    assert_eq!(
        keys.get(&a.id).expect("keychain"),
        None,
        "its keys are gone"
    );
    let listed: Vec<_> = drafts::list(&c, &DraftFilter::default())
        .expect("list")
        .into_iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(listed, [demo_draft.id]);
    let e = accounts::remove(&c, "local").expect_err("the demo stays");
    assert_eq!(e.code, ErrorCode::InvalidInput);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_connection_signs_a_mock_order_query_and_reports_refusals_plainly() {
    let sandbox = sandbox_with(AK, SK).await;
    let dir = tempfile::tempdir().expect("tmp");
    let c = open(&dir, Arc::new(MemoryKeychain::default()));
    let good = accounts::add(&c, &input("Sandbox", &sandbox.base_url, AK, SK)).expect("added");
    let report = accounts::test_connection(&c, &good.id)
        .await
        .expect("connected");
    assert!(
        report.message.contains("MOCKPERIODYEARNEW"),
        "{}",
        report.message
    );

    let bad =
        accounts::add(&c, &input("Typo", &sandbox.base_url, AK, "wrong-secret")).expect("added");
    let e = accounts::test_connection(&c, &bad.id)
        .await
        .expect_err("refused");
    assert_eq!(e.code, ErrorCode::Marketplace);
    assert!(
        e.message.contains("signature does not match"),
        "{}",
        e.message
    );

    let e = accounts::test_connection(&c, "local")
        .await
        .expect_err("no demo in this process");
    assert_eq!(e.code, ErrorCode::Marketplace);
    c.set_demo(DemoMarketplace {
        base_url: sandbox.base_url.clone(),
        credentials: Credentials::new(AK, SK),
    });
    accounts::test_connection(&c, "local")
        .await
        .expect("demo connected");
    sandbox.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_the_database_the_logs_or_a_reply() {
    let sandbox = sandbox_with(AK, SK).await;
    let dir = tempfile::tempdir().expect("tmp");
    let data = DataDir::at(dir.path());
    data.ensure().expect("data folder");
    let logs = koodesk_api::logging::init(&data, "koodesk").expect("log");
    let c = open(&dir, Arc::new(MemoryKeychain::default()));
    let mut replies = Vec::new();
    let a = accounts::add(&c, &input("Sandbox", &sandbox.base_url, AK, SK)).expect("added");
    replies.push(serde_json::to_string(&a).expect("json"));
    replies
        .push(serde_json::to_string(&accounts::switch(&c, &a.id).expect("switch")).expect("json"));
    replies.push(serde_json::to_string(&accounts::list(&c).expect("list")).expect("json"));
    replies.push(
        serde_json::to_string(&accounts::test_connection(&c, &a.id).await.expect("ok"))
            .expect("json"),
    );
    let e = accounts::add(&c, &input("", &sandbox.base_url, AK, SK)).expect_err("invalid");
    replies.push(serde_json::to_string(&e).expect("json"));
    replies.push(serde_json::to_string(&settings::app_info(&c)).expect("json"));
    accounts::update(&c, &a.id, &input("Sandbox 2", &sandbox.base_url, AK, SK)).expect("update");
    drop(c);
    drop(logs);

    for r in &replies {
        assert!(
            !r.contains(SK) && !r.contains(AK),
            "a reply carries a key: {r}"
        );
    }
    let mut scanned = 0;
    for entry in walk(dir.path()) {
        let bytes = std::fs::read(&entry).expect("read");
        let hay = String::from_utf8_lossy(&bytes);
        assert!(!hay.contains(SK), "{} holds the SK", entry.display());
        assert!(!hay.contains(AK), "{} holds the AK", entry.display());
        scanned += 1;
    }
    assert!(
        scanned >= 2,
        "the database and the log were scanned ({scanned} files)"
    );
    sandbox.stop().await;
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
