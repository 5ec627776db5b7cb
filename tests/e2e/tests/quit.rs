//! Nothing typed is lost on the way out: the seller types and at once presses Ctrl+Q, closes the
//! window, or the session ends (SIGTERM) — the relaunched app shows every character.
//! The typing goes into a request form's title: that editor has no write-through, so only the
//! flush on quit can save it. (The tray's Quit takes the same path in the shell; Xvfb has no tray
//! host to click it.)

use std::time::Duration;

use fantoccini::Locator;
use koodesk_e2e::{click, close_window_like_a_user, signal_app, wait_app_exit, wait_for, Driver};

#[derive(Debug, Clone, Copy)]
enum Way {
    CtrlQ,
    CloseWindow,
    SessionEnd,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "desktop E2E: `cargo xtask test` runs it under Xvfb with tauri-driver"]
async fn what_was_typed_right_before_quitting_is_there_after_a_relaunch() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let driver = Driver::start(&data, &tmp.path().join("home")).await?;
    let mut expected = Vec::new();
    for way in [Way::CtrlQ, Way::CloseWindow, Way::SessionEnd] {
        let c = driver.launch().await?;
        click(&c, "nav a[data-page=templates]").await?;
        click(&c, "[data-testid=new-form]").await?;
        let name = wait_for(&c, "[data-testid=form-title-en]").await?;
        name.clear().await?;
        let text = format!("Typed before {way:?} and gone at once");
        match way {
            // Ctrl (U+E009) held for the rest of the keys: the last letters and the quit arrive
            // in one burst.
            // The app may be gone before WebDriver answers; what counts is what was saved.
            Way::CtrlQ => {
                let _ = name.send_keys(&format!("{text}\u{E009}q")).await;
            }
            Way::CloseWindow => {
                name.send_keys(&text).await?;
                assert_eq!(
                    close_window_like_a_user("Koodesk")?,
                    1,
                    "one window to close"
                );
            }
            Way::SessionEnd => {
                name.send_keys(&text).await?;
                assert_eq!(signal_app(&data, "TERM"), 1, "one app to end");
            }
        }
        wait_app_exit(&data, Duration::from_secs(15)).await?;
        drop(c);
        expected.push(text);
    }

    let c = driver.launch().await?;
    click(&c, "nav a[data-page=templates]").await?;
    wait_for(&c, "[data-testid=form-row] a").await?;
    let mut names = Vec::new();
    for row in c.find_all(Locator::Css("[data-testid=form-row] a")).await? {
        names.push(row.text().await?);
    }
    for text in &expected {
        assert!(names.contains(text), "{text:?} is missing from {names:?}");
    }
    let _ = c.close().await;
    driver.stop().await;
    Ok(())
}
