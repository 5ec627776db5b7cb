//! Attachments: content addressing, and the customers' filled copies of request templates.

use super::*;

#[tokio::test]
async fn attachments_are_content_addressed() {
    let w = World::new(7).await;
    let a = w
        .client
        .upload_attachment(
            "tok-a1",
            AttachmentKind::Template,
            "request.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            b"PK\x03\x04 pretend xlsx",
        )
        .await
        .expect("uploaded");
    let b = w
        .client
        .upload_attachment(
            "tok-a2",
            AttachmentKind::Template,
            "again.xlsx",
            "application/octet-stream",
            b"PK\x03\x04 pretend xlsx",
        )
        .await
        .expect("uploaded again");
    assert_eq!(a, b, "the same content is the same attachment");
    assert!(a.attachment_id.starts_with("ATT-"));
    assert_eq!(a.size, 17);
    let other = w
        .client
        .upload_attachment(
            "tok-a3",
            AttachmentKind::Proof,
            "proof.pdf",
            "application/pdf",
            b"%PDF-1.7",
        )
        .await
        .expect("uploaded");
    assert_ne!(other.attachment_id, a.attachment_id);
    let bad_name = w
        .client
        .upload_attachment(
            "tok-a4",
            AttachmentKind::Proof,
            "../etc/passwd",
            "text/plain",
            b"x",
        )
        .await
        .expect_err("path in the name");
    assert_eq!(bad_name.code(), Some(codes::INVALID_PARAMETER));
    w.sandbox.stop().await;
}

#[tokio::test]
async fn a_customer_returns_a_filled_copy_of_the_request_template() {
    let w = World::new(11).await;
    let form_text = include_str!("../../../../docs/examples/data-migration-request.json");
    let form = koodesk_domain::form::RequestForm::from_json(form_text).expect("form");
    let template = koodesk_templates::xlsx::generate(&form, &Default::default()).expect("xlsx");
    let xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let file = w
        .client
        .upload_attachment(
            "tok-t1",
            AttachmentKind::Template,
            "migration-request.xlsx",
            xlsx_type,
            &template,
        )
        .await
        .expect("template uploaded");
    w.client
        .upload_attachment(
            "tok-t2",
            AttachmentKind::Template,
            "migration-request.json",
            FORM_CONTENT_TYPE,
            form_text.as_bytes(),
        )
        .await
        .expect("form uploaded");
    let mut product = service_product();
    if let koodesk_domain::product::Delivery::ProfessionalService {
        request_templates, ..
    } = &mut product.basic.delivery
    {
        request_templates.push(koodesk_domain::product::RequestTemplate {
            title: "Migration request".into(),
            form_id: Some(form.id.clone()),
            file: Some(koodesk_domain::product::Attachment {
                sha256: file.sha256.clone(),
                file_name: file.file_name.clone(),
                media_type: xlsx_type.into(),
                size: file.size,
                image: None,
            }),
        });
    }
    let v = w
        .admin_post("/admin/products", json!({ "product": product }))
        .await;
    let live: LiveProduct = serde_json::from_value(v["product"].clone()).expect("product");
    let o = w.requested_order(&live.product_id).await;
    let request = o.request.expect("the customer sent a request");
    assert_eq!(request.attachments.len(), 1, "{:?}", request.attachments);
    let filled = &request.attachments[0];
    assert_eq!(filled.file_name, "migration-request (filled).xlsx");
    assert_ne!(filled.sha256, file.sha256, "not the blank template");

    let (info, bytes) = w
        .client
        .download_attachment(&filled.attachment_id)
        .await
        .expect("download");
    assert_eq!(&info, filled);
    let report = koodesk_templates::read(&form, &bytes).expect("a Koodesk template for this form");
    assert_eq!(report.form_id, form.id);
    assert!(
        report.values.len() >= 3,
        "answers were filled in: {:?}",
        report.values
    );
    let missing = w
        .client
        .download_attachment("ATT-0000")
        .await
        .expect_err("unknown");
    assert_eq!(missing.code(), Some(codes::NOT_FOUND));
    w.sandbox.stop().await;
}
