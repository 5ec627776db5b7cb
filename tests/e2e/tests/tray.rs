//! Closing the window on a desktop that shows tray icons hides Koodesk to the tray instead of
//! quitting, so sending goes on; the seller is told so once. Opening it again (a second launch)
//! shows the window; the session ending still quits. (Without a tray host closing quits: see
//! quit.rs.) The desktop's tray host and notification server are python-dbusmock services on the
//! test's private session bus.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context as _};
use koodesk_e2e::{
    close_window_like_a_user, signal_app, wait_app_exit, wait_for, wait_windows_shown, Driver,
};
use serde_json::Value;

/// The desktop's services (tests/e2e/py/desktop_bus.py), stopped when dropped.
struct DesktopBus {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl DesktopBus {
    fn start(tray: bool) -> anyhow::Result<Self> {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/py/desktop_bus.py");
        let mut cmd = Command::new("/usr/bin/python3");
        cmd.arg(script);
        if tray {
            cmd.arg("--tray");
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("starting python-dbusmock (apt: python3-dbusmock)")?;
        let stdin = child.stdin.take();
        let mut stdout = BufReader::new(child.stdout.take().context("stdout")?);
        let mut line = String::new();
        stdout.read_line(&mut line)?;
        if line.trim() != "ready" {
            bail!("the desktop services did not start: {line:?}");
        }
        Ok(DesktopBus {
            child,
            stdin,
            stdout,
        })
    }

    /// (summary, body) of every notification shown so far.
    fn notifications(&mut self) -> anyhow::Result<Vec<(String, String)>> {
        let stdin = self.stdin.as_mut().context("stopped")?;
        writeln!(stdin, "notifications")?;
        stdin.flush()?;
        let mut line = String::new();
        self.stdout.read_line(&mut line)?;
        let calls: Vec<Value> = serde_json::from_str(&line).context("the notification list")?;
        Ok(calls
            .iter()
            .map(|c| {
                (
                    c["summary"].as_str().unwrap_or_default().to_owned(),
                    c["body"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect())
    }
}

impl Drop for DesktopBus {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "desktop E2E: `cargo xtask test` runs it under Xvfb with tauri-driver"]
async fn closing_hides_to_the_tray_where_there_is_one_and_says_so_once() -> anyhow::Result<()> {
    let mut desktop = DesktopBus::start(true)?;
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
    let told = desktop.notifications()?;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].0, "Koodesk is still running");
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
    assert_eq!(desktop.notifications()?.len(), 1, "told once");

    // The session ending quits it.
    assert_eq!(signal_app(&data, "TERM"), 1);
    wait_app_exit(&data, Duration::from_secs(15)).await?;
    drop(c);
    driver.stop().await;
    Ok(())
}
