//! Alerts through the operating system, on a real session bus: the Demo marketplace's order four
//! hours short of the 5-day line raises "Act today"; python-dbusmock's notification server (one
//! that shows action buttons) receives the `Notify` call — app name, icon, summary, body,
//! actions; the test clicks it (`ActionInvoked` "default") and the real window shows that order.
//! The unread count is in the window title and beside Notifications.

use std::time::Duration;

use koodesk_e2e::{screenshot, wait_for, wait_text_contains, DesktopBus, Driver};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "desktop E2E: `cargo xtask test` runs it under Xvfb with tauri-driver"]
async fn a_stall_alert_reaches_the_system_and_its_click_opens_the_order() -> anyhow::Result<()> {
    let mut desktop = DesktopBus::start(&["--actions"])?;
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let driver = Driver::start(&data, &tmp.path().join("home")).await?;
    let c = driver.launch().await?;
    wait_for(&c, "nav a[data-page=products]").await?;

    let urgent = desktop
        .wait_notified(Duration::from_secs(60), |n| n.summary == "Act today")
        .await?;
    assert_eq!(urgent.app_name, "Koodesk");
    assert_eq!(urgent.icon, "io.koodesk.desktop");
    assert!(
        urgent.body.contains("the customer may appeal tomorrow"),
        "{urgent:?}"
    );
    let ids: Vec<&str> = urgent.actions.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["default", "open", "snooze"], "{urgent:?}");
    assert!(urgent
        .actions
        .iter()
        .any(|(id, label)| id == "open" && label == "Open order"));
    assert!(urgent
        .actions
        .iter()
        .any(|(id, label)| id == "snooze" && label == "Snooze 1 day"));
    // Each alert is shown once.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let all = desktop.notifications()?;
    assert_eq!(
        all.iter().filter(|n| n.summary == "Act today").count(),
        1,
        "{all:?}"
    );
    let order_id = urgent
        .body
        .split(['(', ')'])
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    assert!(order_id.starts_with("CS"), "{}", urgent.body);
    // The unread count: in the title and beside Notifications.
    wait_for(&c, "[data-testid=nav-unread]").await?;
    let title = c.title().await?;
    assert!(title.starts_with("Koodesk ("), "{title}");

    // Elsewhere in the app, the seller clicks the notification: the window shows that order.
    koodesk_e2e::click(&c, "nav a[data-page=templates]").await?;
    desktop.invoke(urgent.id, "default")?;
    wait_text_contains(&c, "[data-testid=order-title]", "").await?;
    let url = c.current_url().await?;
    assert!(
        url.as_str().ends_with(&format!("#/orders/{order_id}")),
        "{url}"
    );
    // Read now: the Notifications page lists it without the unread mark.
    koodesk_e2e::click(&c, "nav a[data-page=notifications]").await?;
    let row = wait_for(&c, "[data-testid=alert][data-kind=stall_urgent]").await?;
    let class = row.attr("class").await?.unwrap_or_default();
    assert!(!class.contains("unread"), "{class}");
    screenshot(&c, "notifications-en").await?;
    let _ = c.close().await;
    driver.stop().await;
    Ok(())
}
