//! Closing the window on a desktop that shows tray icons hides Koodesk to the tray instead of
//! quitting, so sending goes on; the seller is told so once. Opening it again (a second launch)
//! shows the window; the session ending still quits. (Without a tray host closing quits: see
//! quit.rs.) "Start Koodesk at login" writes the desktop's login item; a start from it stays in
//! the tray and alerts from there, or, without a tray host, maps its window minimised. The
//! desktop's tray host and notification server are python-dbusmock services on the test's private
//! session bus.

use std::time::Duration;

use koodesk_e2e::{
    click, close_window_like_a_user, signal_app, wait_app_exit, wait_for, wait_text_contains,
    wait_windows_shown, windows_minimised, windows_shown, DesktopBus, Driver,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "desktop E2E: `cargo xtask test` runs it under Xvfb with tauri-driver"]
async fn closing_hides_to_the_tray_where_there_is_one_and_says_so_once() -> anyhow::Result<()> {
    let mut desktop = DesktopBus::start(&["--tray"])?;
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let driver = Driver::start(&data, &tmp.path().join("home")).await?;
    let c = driver.launch().await?;
    wait_for(&c, "nav a[data-page=products]").await?;
    wait_windows_shown("Koodesk", 1, Duration::from_secs(10)).await?;

    // The seller closes the window: it goes, the app stays.
    assert_eq!(close_window_like_a_user("Koodesk")?, 1);
    wait_windows_shown("Koodesk", 0, Duration::from_secs(10)).await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        signal_app(&data, "0"),
        1,
        "Koodesk keeps running in the tray"
    );
    // (The Demo marketplace's alerts arrive as notifications of their own; only the tray's
    // notice is counted here.)
    let tray_notices = |all: Vec<koodesk_e2e::Notified>| -> Vec<(String, String)> {
        all.into_iter()
            .filter(|n| n.summary == "Koodesk is still running")
            .map(|n| (n.summary, n.body))
            .collect()
    };
    let told = tray_notices(desktop.notifications()?);
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].1.contains("tray"), "{told:?}");
    // The page still runs while hidden (sync status, autosave).
    wait_for(&c, "nav a[data-page=products]").await?;

    // Opening Koodesk again shows the same window.
    driver.second_launch().await?;
    wait_windows_shown("Koodesk", 1, Duration::from_secs(10)).await?;
    assert_eq!(signal_app(&data, "0"), 1, "still the one app");

    // Closing again hides again, without telling the seller a second time.
    assert_eq!(close_window_like_a_user("Koodesk")?, 1);
    wait_windows_shown("Koodesk", 0, Duration::from_secs(10)).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(signal_app(&data, "0"), 1);
    assert_eq!(tray_notices(desktop.notifications()?).len(), 1, "told once");

    // The session ending quits it.
    assert_eq!(signal_app(&data, "TERM"), 1);
    wait_app_exit(&data, Duration::from_secs(15)).await?;
    drop(c);
    driver.stop().await;
    Ok(())
}

/// Clicks "Start Koodesk at login" once it can be clicked, and waits until the page shows it
/// `on` (the system's answer came back).
async fn toggle_login(c: &fantoccini::Client, on: bool) -> anyhow::Result<()> {
    let css = "[data-testid=start-at-login]";
    let ready = |want: bool| async move {
        for _ in 0..200 {
            let el = wait_for(c, css).await?;
            if el.is_enabled().await? && el.is_selected().await? == want {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!("the start-at-login box did not settle at {want}")
    };
    ready(!on).await?;
    click(c, css).await?;
    ready(on).await
}

/// The login item the system runs (`$HOME/.config/autostart/Koodesk.desktop`), if there is one.
fn login_item(home: &std::path::Path) -> Option<String> {
    std::fs::read_to_string(home.join(".config/autostart/Koodesk.desktop")).ok()
}

async fn wait_login_item(home: &std::path::Path, present: bool) -> anyhow::Result<Option<String>> {
    for _ in 0..100 {
        let item = login_item(home);
        if item.is_some() == present {
            return Ok(item);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!(
        "the login item is not {}",
        if present { "there" } else { "gone" }
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "desktop E2E: `cargo xtask test` runs it under Xvfb with tauri-driver"]
async fn a_start_at_login_stays_in_the_tray_and_alerts_from_there() -> anyhow::Result<()> {
    let mut desktop = DesktopBus::start(&["--tray", "--actions"])?;
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let home = tmp.path().join("home");
    let driver = Driver::start(&data, &home).await?;
    let c = driver.launch().await?;
    wait_for(&c, "nav a[data-page=products]").await?;

    // Settings: offered as a start in the tray; on, off and on again.
    click(&c, "nav a[data-page=settings]").await?;
    wait_text_contains(
        &c,
        "label:has([data-testid=start-at-login])",
        "(in the tray)",
    )
    .await?;
    assert!(login_item(&home).is_none());
    toggle_login(&c, true).await?;
    wait_login_item(&home, true).await?;
    toggle_login(&c, false).await?;
    wait_login_item(&home, false).await?;
    toggle_login(&c, true).await?;
    let item = wait_login_item(&home, true).await?.unwrap_or_default();
    let exec = item
        .lines()
        .find_map(|l| l.strip_prefix("Exec="))
        .unwrap_or_default()
        .to_owned();
    let words: Vec<&str> = exec.split_whitespace().collect();
    let app = std::env::var("KOODESK_E2E_APP")?;
    assert_eq!(words, [app.as_str(), "--autostart"], "{item}");
    assert!(item.contains("Type=Application"), "{item}");

    // The seller logs out: the session ends the app.
    assert_eq!(signal_app(&data, "TERM"), 1);
    wait_app_exit(&data, Duration::from_secs(15)).await?;
    drop(c);

    // Logging in, the desktop runs the login item (on a data folder whose Demo marketplace has
    // not alerted yet, so its alerts are new).
    let at_login = tmp.path().join("data-at-login");
    let earlier = desktop.notifications()?.iter().map(|n| n.id).max();
    let _app = driver.start_outside(&words[1..], &at_login)?;
    let urgent = desktop
        .wait_notified(Duration::from_secs(90), |n| {
            n.summary == "Act today" && Some(n.id) > earlier
        })
        .await?;
    assert_eq!(signal_app(&at_login, "0"), 1, "running");
    assert_eq!(
        windows_shown("Koodesk")?,
        0,
        "no window in the way at login"
    );
    // A second start at login (a session restored twice) does not show it either.
    let mut again = driver.start_outside(&words[1..], &at_login)?;
    tokio::time::timeout(Duration::from_secs(20), again.wait()).await??;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(windows_shown("Koodesk")?, 0);

    // The seller clicks the alert: the window comes up.
    desktop.invoke(urgent.id, "default")?;
    wait_windows_shown("Koodesk", 1, Duration::from_secs(15)).await?;
    assert_eq!(windows_minimised("Koodesk")?, [false]);

    assert_eq!(signal_app(&at_login, "TERM"), 1);
    wait_app_exit(&at_login, Duration::from_secs(15)).await?;
    driver.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "desktop E2E: `cargo xtask test` runs it under Xvfb with tauri-driver"]
async fn without_a_tray_host_a_start_at_login_is_minimised() -> anyhow::Result<()> {
    let _desktop = DesktopBus::start(&[])?;
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let driver = Driver::start(&data, &tmp.path().join("home")).await?;

    let _app = driver.start_outside(&["--autostart"], &data)?;
    wait_windows_shown("Koodesk", 1, Duration::from_secs(30)).await?;
    assert_eq!(windows_minimised("Koodesk")?, [true]);
    assert_eq!(signal_app(&data, "TERM"), 1);
    wait_app_exit(&data, Duration::from_secs(15)).await?;
    // (The X server lets go of an exited client's windows a moment later.)
    wait_windows_shown("Koodesk", 0, Duration::from_secs(10)).await?;

    // The seller's own start is shown as usual.
    let _app = driver.start_outside(&[], &data)?;
    wait_windows_shown("Koodesk", 1, Duration::from_secs(30)).await?;
    assert_eq!(windows_minimised("Koodesk")?, [false]);
    assert_eq!(signal_app(&data, "TERM"), 1);
    wait_app_exit(&data, Duration::from_secs(15)).await?;
    driver.stop().await;
    Ok(())
}
