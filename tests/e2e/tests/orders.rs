//! The service-order desk in the real window: the Demo marketplace's orders arrive with the first
//! sync and the inbox puts the pressing ones first — the order four hours short of the 5-day line
//! among them. Enter opens it: the customer's filled template is read back as its form (in the
//! reader's child process, the form's definition fetched from the marketplace); Accept, explained
//! first, is queued and sent; the flow moves on. Screenshots in English and 简体中文.

use std::time::{Duration, Instant};

use fantoccini::{key::Key, Locator};
use koodesk_e2e::{click, screenshot, wait_for, wait_text_contains, Driver};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "desktop E2E: `cargo xtask test` runs it under Xvfb with tauri-driver"]
async fn the_inbox_shows_the_demo_marketplaces_orders_most_pressing_first() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let driver = Driver::start(&data, &tmp.path().join("home")).await?;
    let c = driver.launch().await?;
    click(&c, "nav a[data-page=orders]").await?;
    wait_for(&c, "[data-testid=order]").await?;

    let rows = c.find_all(Locator::Css("[data-testid=order]")).await?;
    assert!(
        rows.len() >= 5,
        "the demo has orders in every state: {}",
        rows.len()
    );
    let mut urgencies = Vec::new();
    for r in &rows {
        urgencies.push(r.attr("data-urgency").await?.unwrap_or_default());
    }
    let rank = |u: &str| {
        [
            "done",
            "frozen",
            "their_move",
            "calm",
            "soon",
            "urgent",
            "appealable",
        ]
        .iter()
        .position(|x| *x == u)
        .unwrap_or(0)
    };
    assert!(
        urgencies.windows(2).all(|w| rank(&w[0]) >= rank(&w[1])),
        "most pressing first: {urgencies:?}"
    );
    // The order four hours short of the line says so, in marketplace time.
    let mut whens = Vec::new();
    for el in c.find_all(Locator::Css("[data-testid=order-when]")).await? {
        whens.push(el.text().await?);
    }
    assert!(
        whens
            .iter()
            .any(|w| w.contains("may appeal in 3 h") || w.contains("may appeal in 4 h")),
        "{whens:?}"
    );
    screenshot(&c, "orders-inbox-en").await?;

    // The one four hours short of the line: select it, Enter opens it.
    let mut near = None;
    for r in c.find_all(Locator::Css("[data-testid=order]")).await? {
        let when = match r.find(Locator::Css("[data-testid=order-when]")).await {
            Ok(w) => w.text().await?,
            Err(_) => continue,
        };
        if when.contains("may appeal in 3 h") || when.contains("may appeal in 4 h") {
            near = Some(r);
            break;
        }
    }
    let near = near.ok_or_else(|| anyhow::anyhow!("no order four hours short of the line"))?;
    let near_id = near.attr("data-id").await?.unwrap_or_default();
    near.click().await?;
    c.find(Locator::Css("[data-testid=orders]"))
        .await?
        .send_keys(&Key::Enter.to_string())
        .await?;
    wait_text_contains(&c, "[data-testid=order-title]", "").await?;
    assert!(c
        .current_url()
        .await?
        .as_str()
        .ends_with(&format!("#/orders/{near_id}")));
    wait_text_contains(&c, "[data-testid=order-state]", "Request to confirm").await?;
    // The customer's workbook, read as the form (the marketplace's copy of its definition):
    // every answer beside its label, the one left out flagged with its cell.
    let reading = wait_for(&c, "[data-testid=order-reading]").await?;
    let text = reading.text().await?;
    assert!(text.contains("Data migration request"), "{text}");
    wait_for(&c, "[data-testid=order-reading] tr.bad").await?;
    let bad = c
        .find(Locator::Css("[data-testid=order-reading] tr.bad"))
        .await?
        .text()
        .await?;
    assert!(bad.contains('!'), "the problem names its cell: {bad}");
    screenshot(&c, "order-page-en").await?;

    // Accept: explained first, then queued and sent by the background sync.
    click(&c, "[data-testid=order-action-ACCEPT_REQUEST]").await?;
    wait_text_contains(&c, "[data-testid=order-explain]", "deliver within 5 days").await?;
    screenshot(&c, "order-accept-explained-en").await?;
    click(&c, "[data-testid=order-confirm]").await?;
    let started = Instant::now();
    loop {
        let state = c
            .find(Locator::Css("[data-testid=order-state]"))
            .await?
            .text()
            .await?;
        if state.contains("Providing the service") {
            break;
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(60),
            "the accept never arrived: {state}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let who = c
        .find(Locator::Css(".status dd.mine"))
        .await?
        .text()
        .await?;
    assert_eq!(who, "Your move");

    // The same in 简体中文.
    click(&c, "nav a[data-page=settings]").await?;
    click(&c, "[data-testid=language-zh-CN]").await?;
    wait_text_contains(&c, "nav a[data-page=orders]", "服务监管订单").await?;
    click(&c, "nav a[data-page=orders]").await?;
    wait_for(&c, "[data-testid=order]").await?;
    screenshot(&c, "orders-inbox-zh-CN").await?;
    click(&c, &format!("[data-testid=order][data-id={near_id}]")).await?;
    c.find(Locator::Css("[data-testid=orders]"))
        .await?
        .send_keys(&Key::Enter.to_string())
        .await?;
    wait_text_contains(&c, "[data-testid=order-state]", "服务提供中").await?;
    wait_for(&c, "[data-testid=order-reading]").await?;
    screenshot(&c, "order-page-zh-CN").await?;
    click(&c, "[data-testid=order-back]").await?;
    wait_for(&c, "[data-testid=order]").await?;
    click(&c, "nav a[data-page=settings]").await?;
    click(&c, "[data-testid=language-en]").await?;
    wait_text_contains(&c, "nav a[data-page=orders]", "Service orders").await?;
    click(&c, "nav a[data-page=orders]").await?;
    wait_for(&c, "[data-testid=order]").await?;

    // Needs me: only the seller's moves.
    click(&c, "[data-testid=orders-filter-needs_me]").await?;
    wait_for(
        &c,
        "[data-testid=orders-filter-needs_me][aria-pressed=true]",
    )
    .await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    for r in c.find_all(Locator::Css("[data-testid=order]")).await? {
        let u = r.attr("data-urgency").await?.unwrap_or_default();
        assert!(
            ["calm", "soon", "urgent", "appealable"].contains(&u.as_str()),
            "{u}"
        );
    }
    let _ = c.close().await;
    driver.stop().await;
    Ok(())
}
