//! A seller builds a request form in the real app and attaches it to a professional service.

use std::io::{Read, Write};
use std::path::Path;

use fantoccini::Locator;
use koodesk_e2e::{click, screenshot, type_into, wait_attr, wait_for, wait_text_contains, Driver};

/// A copy of the workbook `xlsx` with a valued cell at `XFD1048576` of its last sheet (`_meta`):
/// the file that once took the whole app down.
fn with_far_cell(xlsx: &[u8], to: &Path) -> anyhow::Result<()> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx))?;
    let last = (1..20)
        .rev()
        .map(|i| format!("xl/worksheets/sheet{i}.xml"))
        .find(|n| zip.index_for_name(n).is_some())
        .ok_or_else(|| anyhow::anyhow!("no sheets"))?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut f = zip.by_index(i)?;
        let name = f.name()?.to_string();
        let mut content = Vec::new();
        f.read_to_end(&mut content)?;
        if name == last {
            content = String::from_utf8(content)?
                .replacen(
                    "</sheetData>",
                    "<row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row></sheetData>",
                    1,
                )
                .into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())?;
        out.write_all(&content)?;
    }
    std::fs::write(to, out.finish()?.into_inner())?;
    Ok(())
}

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

    // Export: the shell opens the save dialog (answered by the test seam) and writes the file.
    let exported = tmp.path().join("exported.xlsx");
    driver.answer_dialogs(Some(&exported))?;
    click(&c, "[data-testid=export-xlsx]").await?;
    wait_text_contains(&c, "[data-testid=form-notice]", "exported.xlsx").await?;
    let bytes = std::fs::read(&exported)?;
    assert!(bytes.starts_with(b"PK"), "an .xlsx was written");

    // Check a customer's hostile file: read in a child process, the window stays up.
    let far = tmp.path().join("far.xlsx");
    with_far_cell(&bytes, &far)?;
    driver.answer_dialogs(Some(&far))?;
    click(&c, "nav a[data-page=templates]").await?;
    click(&c, "[data-testid=check-template]").await?;
    wait_text_contains(&c, "[data-testid=check-report]", "Migration request").await?;
    let sparse = tmp.path().join("sparse.xlsx");
    std::fs::File::create(&sparse)?.set_len(3 << 30)?;
    driver.answer_dialogs(Some(&sparse))?;
    click(&c, "[data-testid=check-template]").await?;
    wait_text_contains(&c, "[data-testid=templates-error]", "larger than").await?;
    screenshot(&c, "template-check-refused").await?;
    driver.answer_dialogs(None)?;

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
