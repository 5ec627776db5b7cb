//! A seller builds a request form in the real app and attaches it to a professional service.

use fantoccini::Locator;
use koodesk_e2e::{click, screenshot, type_into, wait_attr, wait_for, Driver};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "desktop E2E: `cargo xtask test` runs it under Xvfb with tauri-driver"]
async fn a_request_form_is_built_and_attached_to_a_product() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let driver = Driver::start(&tmp.path().join("data"), &tmp.path().join("home")).await?;
    let c = driver.launch().await?;
    click(&c, "nav a[data-page=templates]").await?;
    click(&c, "[data-testid=new-form]").await?;
    type_into(&c, "[data-testid=form-title-en]", "Migration request").await?;
    click(&c, "[data-testid=add-field-0]").await?;
    type_into(&c, "[data-testid=field-0-1-label]", "Number of servers").await?;
    let select = wait_for(&c, "[data-testid=field-0-1-type]").await?;
    select.select_by_value("integer").await?;
    wait_attr(&c, "[data-testid=form-status]", "data-state", "saved").await?;
    let preview = wait_for(&c, "[data-testid=form-preview]")
        .await?
        .text()
        .await?;
    assert!(preview.contains("Number of servers"), "{preview}");
    screenshot(&c, "template-builder").await?;

    click(&c, "nav a[data-page=products]").await?;
    click(&c, "[data-testid=new-product]").await?;
    click(&c, "[data-testid=new-professional_service]").await?;
    click(&c, "[data-testid=add-template]").await?;
    let forms = wait_for(&c, "[data-testid=f-template-0-form]").await?;
    forms.select_by_value("request-form-1").await?;
    wait_attr(&c, "[data-testid=save-status]", "data-state", "saved").await?;
    let options = c
        .find_all(Locator::Css("[data-testid=f-template-0-form] option"))
        .await?;
    assert_eq!(options.len(), 2, "no form, and the new one");
    let _ = c.close().await;
    driver.stop().await;
    Ok(())
}
