//! Closing the window on a desktop that shows tray icons hides Koodesk to the tray instead of
//! quitting, so sending goes on; the seller is told so once. Opening it again (a second launch)
//! shows the window; the session ending still quits. (Without a tray host closing quits: see
//! quit.rs.) The desktop's tray host and notification server are python-dbusmock services on the
//! test's private session bus.

use std::time::Duration;

use koodesk_e2e::{
    close_window_like_a_user, signal_app, wait_app_exit, wait_for, wait_windows_shown, DesktopBus,
    Driver,
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
