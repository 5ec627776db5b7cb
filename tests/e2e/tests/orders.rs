//! The service-order desk in the real window: the Demo marketplace's orders arrive with the first
//! sync and the inbox puts the pressing ones first — the order four hours short of the 5-day line
//! among them.

use fantoccini::Locator;
use koodesk_e2e::{click, screenshot, wait_for, Driver};

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
