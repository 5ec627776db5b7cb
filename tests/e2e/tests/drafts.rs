//! A seller prepares a professional-service release, meets a lint error, fixes it, and the app is
//! killed (SIGKILL) right after an edit: on the next start the edit is there.

use std::time::Duration;

use fantoccini::Locator;
use koodesk_e2e::{
    axe_violations, click, kill_app, screenshot, type_into, wait_attr, wait_for, wait_for_text,
    wait_gone, Driver,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "desktop E2E: `cargo xtask test` runs it under Xvfb with tauri-driver"]
async fn a_draft_survives_the_app_being_killed_right_after_an_edit() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let driver = Driver::start(&data, &tmp.path().join("home")).await?;

    let c = driver.launch().await?;
    // The accessibility gate, once in WebKitGTK too: the Products page and the editor.
    wait_for(&c, "[data-testid=new-product]").await?;
    let products = axe_violations(&c).await?;
    assert!(products.is_empty(), "Products page: {products:#?}");
    click(&c, "[data-testid=new-product]").await?;
    click(&c, "[data-testid=new-professional_service]").await?;
    wait_for(&c, "[data-testid=f-name]").await?;
    let counts = wait_for(&c, "[data-testid=lint-counts]")
        .await?
        .text()
        .await?;
    assert!(
        counts.contains("errors"),
        "a new draft has errors: {counts}"
    );
    let editor = axe_violations(&c).await?;
    assert!(editor.is_empty(), "the editor: {editor:#?}");

    // Zoom from the keyboard: Ctrl + five times is 200 %, Ctrl 0 goes back.
    let width = |c: &fantoccini::Client| {
        let c = c.clone();
        async move {
            let v = c.execute("return window.innerWidth;", vec![]).await?;
            anyhow::Ok(v.as_f64().unwrap_or(0.0))
        }
    };
    let before = width(&c).await?;
    let body = c.find(Locator::Css("body")).await?;
    for _ in 0..5 {
        body.send_keys("\u{E009}=\u{E009}").await?;
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let mut zoomed = width(&c).await?;
    while zoomed > before * 0.6 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        zoomed = width(&c).await?;
    }
    assert!(
        zoomed <= before * 0.6,
        "Ctrl + did not zoom: {before} -> {zoomed}"
    );
    screenshot(&c, "editor-zoom-200").await?;
    let overflow: f64 = c
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            vec![],
        )
        .await?
        .as_f64()
        .unwrap_or(0.0);
    eprintln!("zoom: {before} -> {zoomed} css px, horizontal overflow {overflow}");
    assert!(
        overflow <= 1.0,
        "at 200 % the editor scrolls sideways by {overflow} px"
    );
    body.send_keys("\u{E009}0\u{E009}").await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while width(&c).await? < before - 1.0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        width(&c).await? >= before - 1.0,
        "Ctrl 0 did not reset the zoom"
    );
    // An element holds the WebDriver session: let it go before the app is killed below.
    drop(body);

    type_into(&c, "[data-testid=f-name]", "Database Migration Service").await?;
    type_into(&c, "[data-testid=f-version]", "v0.1").await?;
    type_into(
        &c,
        "[data-testid=f-overview]",
        "We move your databases to the cloud with no data loss.",
    )
    .await?;
    type_into(
        &c,
        "[data-testid=f-description]",
        "Assessment, migration and verification of MySQL and PostgreSQL databases, with a rollback plan.",
    )
    .await?;
    click(&c, "[data-testid=f-flow-standard]").await?;
    type_into(&c, "[data-testid=f-days]", "10").await?;
    click(&c, "[data-testid=add-template]").await?;
    type_into(&c, "[data-testid=f-template-0-title]", "Migration request").await?;
    type_into(
        &c,
        "[data-testid=f-template-0-form]",
        "data-migration-request",
    )
    .await?;
    click(&c, "[data-testid=add-spec]").await?;
    click(&c, "[data-testid=spec-0-mode-one_time]").await?;
    type_into(&c, "[data-testid=spec-0-price-0]", "4999").await?;

    // The version is wrong: the linter says so next to the field and in the summary.
    wait_for(&c, "#f-product_basic_version [data-rule='version.format']").await?;
    wait_for(&c, "[data-testid=summary-item][data-rule='version.format']").await?;
    screenshot(&c, "draft-lint-error").await?;

    type_into(&c, "[data-testid=f-version]", "V1.0").await?;
    wait_gone(&c, "[data-rule='version.format']").await?;
    wait_attr(&c, "[data-testid=save-status]", "data-state", "saved").await?;
    screenshot(&c, "draft-fixed").await?;

    // The product-name rules as a seller meets them next to the field: names a Chinese seller
    // really uses pass, a real price, own version or phone number is blocked.
    for (name, blocked_by) in [
        ("元数据迁移服务", None),
        ("折叠屏适配咨询", None),
        ("MySQL 5.7 to 8.0 Migration", None),
        ("Windows 2012 2016 Upgrade Service", None),
        ("Data Migration ¥99", Some("name.price")),
        ("Acme Migration V2.0", Some("name.version")),
        ("Call 13812345678 Migration", Some("name.phone")),
    ] {
        let before = revision(&c).await?;
        type_into(&c, "[data-testid=f-name]", name).await?;
        // The whole name is in, then its save has landed.
        wait_value(&c, "[data-testid=f-name]", name).await?;
        wait_saved_after(&c, before).await?;
        wait_attr(&c, "[data-testid=save-status]", "data-state", "saved").await?;
        let errors = c
            .find_all(Locator::Css("#f-product_basic_name .msg.error"))
            .await?;
        match blocked_by {
            Some(rule) => {
                wait_for(&c, &format!("#f-product_basic_name [data-rule='{rule}']")).await?;
            }
            None => assert!(errors.is_empty(), "{name:?} is blocked in the editor"),
        }
    }
    screenshot(&c, "draft-name-rules").await?;
    let before = revision(&c).await?;
    type_into(&c, "[data-testid=f-name]", "Database Migration Service").await?;
    wait_saved_after(&c, before).await?;

    // One more edit, then the process dies without any chance to flush.
    let before = revision(&c).await?;
    wait_for(&c, "[data-testid=f-name]")
        .await?
        .send_keys(" Pro")
        .await?;
    wait_saved_after(&c, before).await?;
    assert_eq!(kill_app(&data), 1, "exactly one app process to kill");
    drop(c);
    tokio::time::sleep(Duration::from_millis(500)).await;

    let c = driver.launch().await?;
    let row = wait_for(&c, "[data-testid=draft-row] a").await?;
    assert_eq!(row.text().await?, "Database Migration Service Pro");
    row.click().await?;
    let name = wait_for(&c, "[data-testid=f-name]").await?;
    assert_eq!(
        name.prop("value").await?.unwrap_or_default(),
        "Database Migration Service Pro"
    );
    let version = c.find(Locator::Css("[data-testid=f-version]")).await?;
    assert_eq!(version.prop("value").await?.unwrap_or_default(), "V1.0");
    let price = c.find(Locator::Css("[data-testid=spec-0-price-0]")).await?;
    assert_eq!(price.prop("value").await?.unwrap_or_default(), "4999.00");
    assert!(c
        .find_all(Locator::Css("[data-rule='sku.price']"))
        .await?
        .is_empty());
    let title = c.find(Locator::Css("[data-testid=editor-title]")).await?;
    assert_eq!(
        title.prop("textContent").await?.unwrap_or_default(),
        "Database Migration Service Pro"
    );
    screenshot(&c, "draft-after-kill").await?;

    // The history shows every save, and the list search finds the draft.
    click(&c, "[data-testid=show-history]").await?;
    wait_for(&c, "[data-testid=revision]").await?;
    assert!(
        c.find_all(Locator::Css("[data-testid=revision]"))
            .await?
            .len()
            >= 3
    );
    screenshot(&c, "draft-history").await?;
    click(&c, "[data-testid=back]").await?;
    type_into(&c, "[data-testid=draft-search]", "migra").await?;
    wait_for_text(
        &c,
        "[data-testid=draft-row] a",
        "Database Migration Service Pro",
    )
    .await?;
    screenshot(&c, "draft-list").await?;
    let _ = c.close().await;
    driver.stop().await;
    Ok(())
}

async fn revision(c: &fantoccini::Client) -> anyhow::Result<u32> {
    Ok(c.find(Locator::Css("[data-testid=save-status]"))
        .await?
        .attr("data-revision")
        .await?
        .unwrap_or_default()
        .parse()?)
}

/// Waits until a save newer than revision `before` has landed.
async fn wait_saved_after(c: &fantoccini::Client, before: u32) -> anyhow::Result<()> {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let el = c.find(Locator::Css("[data-testid=save-status]")).await?;
        let rev: u32 = el
            .attr("data-revision")
            .await?
            .unwrap_or_default()
            .parse()?;
        if rev > before && el.attr("data-state").await?.as_deref() == Some("saved") {
            return Ok(());
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "the edit was never saved"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Polls until the input's value is `want`.
async fn wait_value(c: &fantoccini::Client, css: &str, want: &str) -> anyhow::Result<()> {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let value = wait_for(c, css)
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        if value == want {
            return Ok(());
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "{css}: wanted {want:?}, still {value:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
