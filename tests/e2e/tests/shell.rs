//! The desktop shell: a second launch hands over to the first window, and the window comes back
//! where the seller left it.

use std::time::{Duration, Instant};

use koodesk_e2e::{wait_for, Driver};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "desktop E2E: `cargo xtask test` runs it under Xvfb with tauri-driver"]
async fn a_second_launch_exits_and_leaves_the_first_window_running() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let home = tmp.path().join("home");
    let driver = Driver::start(&data, &home).await?;
    let c = driver.launch().await?;
    wait_for(&c, "[data-testid=page-title]").await?;

    let app = std::env::var("KOODESK_E2E_APP")?;
    let mut second = std::process::Command::new(&app)
        .env("KOODESK_DATA_DIR", &data)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .spawn()?;
    let started = Instant::now();
    let status = loop {
        if let Some(s) = second.try_wait()? {
            break s;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = second.kill();
            anyhow::bail!("the second instance kept running instead of handing over");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        status.success(),
        "the second launch exits cleanly: {status}"
    );
    // The first window still answers.
    let title = wait_for(&c, "[data-testid=page-title]")
        .await?
        .text()
        .await?;
    assert_eq!(title, "Products");
    let _ = c.close().await;
    driver.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "desktop E2E: `cargo xtask test` runs it under Xvfb with tauri-driver"]
async fn the_window_opens_where_it_was_left() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let driver = Driver::start(&data, &tmp.path().join("home")).await?;
    let c = driver.launch().await?;
    wait_for(&c, "[data-testid=page-title]").await?;
    c.set_window_rect(140, 90, 1000, 700).await?;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let rect = |r: (u64, u64, u64, u64)| (r.0 as f64, r.1 as f64, r.2 as f64, r.3 as f64);
    let (x, y, w, h) = rect(c.get_window_rect().await?);
    let _ = c.close().await;
    tokio::time::sleep(Duration::from_millis(800)).await;

    let c = driver.launch().await?;
    wait_for(&c, "[data-testid=page-title]").await?;
    let (x2, y2, w2, h2) = rect(c.get_window_rect().await?);
    assert!(
        (w2 - w).abs() <= 2.0 && (h2 - h).abs() <= 2.0,
        "size {w}×{h} came back as {w2}×{h2}"
    );
    assert!(
        (x2 - x).abs() <= 40.0 && (y2 - y).abs() <= 40.0,
        "position {x},{y} came back as {x2},{y2}"
    );
    assert!((w2 - 1200.0).abs() > 50.0, "not simply the default size");
    let _ = c.close().await;
    driver.stop().await;
    Ok(())
}
