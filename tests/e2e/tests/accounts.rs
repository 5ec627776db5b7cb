//! Accounts in the real app: the Demo marketplace answers at once, an account added through the
//! UI signs real requests to a sandbox, and its keys end up in the OS keychain only.

use koodesk_api::keychain::{OsKeychain, SecretStore};
use koodesk_e2e::{click, screenshot, type_into, wait_attr, wait_for, wait_text_contains, Driver};

const AK: &str = "E2EAKQZ4X7EXAMPLE01";
const SK: &str = "e2e-Secret-Key-Zm9vYmFyYmF6cXV1eA";

async fn ipc(c: &fantoccini::Client, cmd: &str, args: serde_json::Value) -> anyhow::Result<String> {
    let script = format!(
        "return window.__TAURI_INTERNALS__.invoke('{cmd}', {args}).then(r => JSON.stringify(r), e => JSON.stringify(e));"
    );
    let v = c.execute(&script, vec![]).await?;
    Ok(v.as_str().unwrap_or_default().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "desktop E2E: `cargo xtask test` runs it under Xvfb with tauri-driver and GNOME Keyring"]
async fn an_account_added_in_settings_signs_requests_and_its_keys_stay_in_the_keychain(
) -> anyhow::Result<()> {
    let mut cfg = koodesk_sandbox::Config::new(5);
    cfg.ak = AK.into();
    cfg.sk = SK.into();
    let market = koodesk_sandbox::Sandbox::start(cfg).await?;

    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let driver = Driver::start(&data, &tmp.path().join("home")).await?;
    let c = driver.launch().await?;
    click(&c, "nav a[data-page=settings]").await?;

    // The embedded Demo marketplace is up and answers a signed order query.
    wait_attr(&c, "[data-testid=profile]", "data-kind", "demo").await?;
    click(&c, "[data-testid=account-demo] [data-testid=account-test]").await?;
    wait_text_contains(
        &c,
        "[data-testid=account-demo] [data-testid=account-test-result]",
        "Connected",
    )
    .await?;

    click(&c, "[data-testid=account-add]").await?;
    type_into(&c, "[data-testid=account-name]", "Sandbox seller").await?;
    wait_for(&c, "[data-testid=account-site]")
        .await?
        .select_by_value("custom")
        .await?;
    type_into(&c, "[data-testid=account-url]", &market.base_url).await?;
    type_into(&c, "[data-testid=account-ak]", AK).await?;
    type_into(&c, "[data-testid=account-sk]", SK).await?;
    click(&c, "[data-testid=account-save]").await?;
    let row = "[data-testid='account-Sandbox seller']";
    wait_for(&c, row).await?;
    click(&c, &format!("{row} [data-testid=account-test]")).await?;
    wait_text_contains(
        &c,
        &format!("{row} [data-testid=account-test-result]"),
        "MOCKPERIODYEARNEW",
    )
    .await?;
    click(&c, &format!("{row} [data-testid=account-use]")).await?;
    wait_attr(&c, "[data-testid=profile]", "data-kind", "account").await?;
    screenshot(&c, "accounts").await?;

    // What the window can get back over IPC never carries a key.
    let mut replies = Vec::new();
    replies.push(ipc(&c, "list_accounts", serde_json::json!({})).await?);
    replies.push(ipc(&c, "app_info", serde_json::json!({})).await?);
    let list: serde_json::Value = serde_json::from_str(&replies[0])?;
    let id = list
        .as_array()
        .and_then(|a| a.iter().find(|x| x["name"] == "Sandbox seller"))
        .and_then(|x| x["id"].as_str())
        .unwrap_or_default()
        .to_owned();
    assert!(!id.is_empty(), "{}", replies[0]);
    replies.push(ipc(&c, "test_connection", serde_json::json!({ "id": id })).await?);
    assert!(replies[2].contains("MOCKPERIODYEARNEW"), "{}", replies[2]);
    for r in &replies {
        assert!(
            !r.contains(AK) && !r.contains(SK),
            "an IPC reply carries a key: {r}"
        );
    }
    let _ = c.close().await;
    driver.stop().await;

    // The keys are in the OS keychain …
    let keys = OsKeychain
        .get(&id)?
        .expect("the keychain holds the account's keys");
    assert_eq!((keys.ak.as_str(), keys.secret()), (AK, SK));
    // … and in no file of the data folder (database, WAL, logs, backups).
    let mut scanned = 0;
    let mut stack = vec![data.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir)?.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let bytes = std::fs::read(&p)?;
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(SK), "{} holds the SK", p.display());
            assert!(!text.contains(AK), "{} holds the AK", p.display());
            scanned += 1;
        }
    }
    assert!(
        scanned >= 3,
        "database and log files were scanned ({scanned})"
    );
    OsKeychain.delete(&id)?;
    market.stop().await;
    Ok(())
}
