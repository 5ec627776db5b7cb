//! A seller submits two releases in the real window; the Demo marketplace (the sandbox inside the
//! app) receives them; Applications shows them pending review; the marketplace's clock moves
//! five days on; after "Sync now" one is approved (and is a live product to modify) and the other
//! rejected, with the reviewer's comment shown on its draft.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use fantoccini::{Client, Locator};
use koodesk_api::keychain::MemoryKeychain;
use koodesk_api::paths::DataDir;
use koodesk_api::{drafts, support, templates, Context};
use koodesk_e2e::{click, screenshot, wait_attr, wait_for, wait_text_contains, Driver};
use serde_json::json;

/// A professional-service release that passes the linter; its request template is a form.
fn ready_draft(ctx: &Context, name: &str, form: &str) -> anyhow::Result<String> {
    let v = drafts::create(ctx, "professional_service")?;
    let mut doc = v.doc.clone();
    doc["product"] = serde_json::from_str(include_str!(
        "../../../crates/sandbox/fixtures/professional-service.json"
    ))?;
    doc["product"]["basic"]["name"] = json!(name);
    let mut logo = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut logo, 120, 120);
        enc.set_color(png::ColorType::Rgb);
        let mut w = enc.write_header()?;
        w.write_image_data(&[30u8; 120 * 120 * 3])?;
    }
    doc["product"]["basic"]["logo"] = drafts::attach_bytes(ctx, "logo.png", &logo)?;
    doc["product"]["qualification"]["user_guide"] =
        drafts::attach_bytes(ctx, "guide.pdf", format!("%PDF-1.4\n% {name}\n").as_bytes())?;
    doc["product"]["basic"]["delivery"]["request_templates"] =
        json!([{ "title": "Migration request", "form_id": form, "file": null }]);
    drafts::save(ctx, &v.id, None, doc)?;
    Ok(v.id)
}

fn prepare(data: &std::path::Path) -> anyhow::Result<(String, String)> {
    let ctx = Context::open_with(DataDir::at(data), Arc::new(MemoryKeychain::default()))?;
    let s = support::get(&ctx)?;
    let mut info = s.info.clone();
    info["business_contact"] =
        json!({ "name": "Ana Lima", "phone": "+49 30 7654321", "email": "ana@example.com" });
    info["after_sales_groups"] = json!([{ "id": "g1", "name": "Support", "phone": "+49 30 1234567",
        "email": "help@example.com", "service_days": "Monday to Friday", "service_hours": "08:00-17:00 (GMT+01:00)" }]);
    support::save(&ctx, Some(s.revision), info)?;
    let form = templates::new_form(&ctx)?;
    let good = ready_draft(&ctx, "CloudMove Server Migration", &form.id)?;
    // The reviewer sends back placeholder text.
    let placeholder = ready_draft(&ctx, "CloudMove Migration TBD", &form.id)?;
    Ok((good, placeholder))
}

async fn open(c: &Client, hash: &str) -> anyhow::Result<()> {
    c.execute(&format!("location.hash = '{hash}';"), vec![])
        .await?;
    Ok(())
}

async fn submit(c: &Client, draft: &str) -> anyhow::Result<()> {
    open(c, &format!("#/products/{draft}")).await?;
    wait_for(c, "[data-testid=submit]:not([disabled])").await?;
    click(c, "[data-testid=submit]").await?;
    // Warnings, if the linter has any, are confirmed.
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        if c.find(Locator::Css("[data-testid=submit-confirm-yes]"))
            .await
            .is_ok()
        {
            click(c, "[data-testid=submit-confirm-yes]").await?;
            break;
        }
        if c.find(Locator::Css("[data-testid=submit-notice]"))
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_text_contains(c, "[data-testid=submit-notice]", "Queued for review").await?;
    // The background sync sends it within moments: the draft says it is under review.
    wait_attr_long(
        c,
        "[data-testid=submission-state]",
        "data-state",
        "pending_review",
    )
    .await
}

/// As `wait_attr`, for what the background sync brings (up to a minute).
async fn wait_attr_long(c: &Client, css: &str, attr: &str, want: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if wait_attr(c, css, attr, want).await.is_ok() {
            return Ok(());
        }
        if Instant::now() > deadline {
            let _ = screenshot(c, "failure-sync").await;
            bail!("{css}[{attr}] never became {want:?}");
        }
    }
}

/// Moves the Demo marketplace's clock (its admin route answers on loopback only).
async fn advance_marketplace_clock(data: &std::path::Path, secs: i64) -> anyhow::Result<()> {
    let note: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(DataDir::at(data).demo_address())
            .context("the app records where its Demo marketplace answers")?,
    )?;
    let base = note["base_url"].as_str().context("base_url")?;
    let r = reqwest::Client::new()
        .post(format!("{base}/admin/clock"))
        .json(&json!({ "advanceSecs": secs }))
        .send()
        .await?;
    if !r.status().is_success() {
        bail!("the clock did not move: {}", r.status());
    }
    Ok(())
}

async fn rows_in(c: &Client, state: &str) -> anyhow::Result<usize> {
    Ok(c.find_all(Locator::Css(&format!(
        "[data-testid=application][data-state={state}]"
    )))
    .await?
    .len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "desktop E2E: `cargo xtask test` runs it under Xvfb with tauri-driver"]
async fn submitted_releases_are_reviewed_and_the_verdicts_come_back_to_the_window(
) -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let (good, placeholder) = prepare(&data)?;
    // The Demo marketplace's reviewer decides on the rules alone (no random pickiness).
    std::env::set_var("KOODESK_DEMO_CALM_REVIEWER", "1");
    let driver = Driver::start(&data, &tmp.path().join("home")).await?;
    let c = driver.launch().await?;
    wait_for(&c, "[data-testid=new-product]").await?;

    submit(&c, &good).await?;
    submit(&c, &placeholder).await?;

    open(&c, "#/applications").await?;
    wait_for(&c, "[data-testid=applications]").await?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while rows_in(&c, "pending_review").await? < 2 {
        if Instant::now() > deadline {
            screenshot(&c, "failure-applications").await?;
            bail!("Applications does not show both pending");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    wait_text_contains(&c, "[data-testid=applications]", "Pending review").await?;
    screenshot(&c, "applications-pending").await?;

    // Five days later (KooGallery reviews within three working days).
    advance_marketplace_clock(&data, 5 * 86_400).await?;
    click(&c, "[data-testid=sync-now]").await?;
    let deadline = Instant::now() + Duration::from_secs(60);
    while rows_in(&c, "approved").await? < 1 || rows_in(&c, "rejected").await? < 1 {
        if Instant::now() > deadline {
            screenshot(&c, "failure-review").await?;
            bail!("the verdicts did not come back");
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    wait_text_contains(
        &c,
        "[data-testid=application][data-state=approved]",
        "CloudMove Server Migration",
    )
    .await?;
    wait_text_contains(
        &c,
        "[data-testid=application][data-state=rejected]",
        "Placeholder text",
    )
    .await?;
    screenshot(&c, "applications-decided").await?;

    // The approved release is a live product now: "Modify a live product" offers it.
    open(&c, "#/products").await?;
    click(&c, "[data-testid=modify-live]").await?;
    wait_text_contains(&c, "#modify-chooser", "CloudMove Server Migration").await?;
    screenshot(&c, "modify-chooser-live").await?;
    c.find(Locator::Css("body"))
        .await?
        .send_keys("\u{E00C}")
        .await?;

    // The rejected draft shows the reviewer's comment.
    open(&c, &format!("#/products/{placeholder}")).await?;
    wait_attr_long(
        &c,
        "[data-testid=submission-state]",
        "data-state",
        "rejected",
    )
    .await?;
    wait_text_contains(&c, "[data-testid=review-comments]", "Placeholder text").await?;
    screenshot(&c, "draft-rejected").await?;
    // …and may be submitted again once fixed.
    wait_for(&c, "[data-testid=submit]:not([disabled])").await?;

    c.close().await?;
    driver.stop().await;
    Ok(())
}
