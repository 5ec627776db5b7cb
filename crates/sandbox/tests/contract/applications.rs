//! Releases and modifications: review in sandbox time, the reviewer's comments, Public Sales and offline products.

use super::*;

#[tokio::test]
async fn a_release_is_reviewed_in_sandbox_time_then_modified_and_withdrawn() {
    let w = World::new(7).await;
    let req = w
        .complete_release("tok-release-1", "CloudMove Server Migration Service")
        .await;
    let app = w.client.create_application(&req).await.expect("created");
    assert_eq!(app.status, ApplicationStatus::PendingApproval);
    let pending = w
        .client
        .list_applications(&Page::first(10), Some(ApplicationStatus::PendingApproval))
        .await
        .expect("list");
    assert_eq!(pending.total, 1);

    // Nothing happens until sandbox time passes; then the reviewer approves within 3 working days.
    w.jump(HOUR).await;
    assert_eq!(
        w.client
            .get_application(&app.application_id)
            .await
            .expect("get")
            .status,
        ApplicationStatus::PendingApproval
    );
    w.jump(4 * DAY).await;
    let reviewed = w
        .client
        .get_application(&app.application_id)
        .await
        .expect("get");
    assert_eq!(
        reviewed.status,
        ApplicationStatus::Approved,
        "{:?}",
        reviewed.review_comments
    );
    let product_id = reviewed
        .product_id
        .clone()
        .expect("approved release has a product");
    let live = w
        .client
        .get_product(&product_id)
        .await
        .expect("live product");
    assert_eq!((live.version, live.status), (1, ProductStatus::Online));
    let events = w.client.events(None, 100).await.expect("events");
    assert!(events
        .events
        .iter()
        .any(|e| e.r#type == EventType::ReviewApproved
            && e.application_id.as_deref() == Some(&app.application_id)));

    // A modification names the version it was made from.
    let mut changed = live.product.clone();
    changed.details.overview = "Now with database migration included.".into();
    let modification = |token: &str, base: u64| CreateApplication {
        client_token: token.into(),
        r#type: ApplicationType::Modification,
        product_id: Some(product_id.clone()),
        base_version: Some(base),
        snapshot: changed.clone(),
    };
    let stale = w
        .client
        .create_application(&modification("tok-mod-0", 0))
        .await
        .expect_err("stale");
    assert_eq!(stale.code(), Some(codes::STALE_VERSION));
    let m = w
        .client
        .create_application(&modification("tok-mod-1", 1))
        .await
        .expect("modification");
    let second = w
        .client
        .create_application(&modification("tok-mod-2", 1))
        .await
        .expect_err("one at a time");
    assert_eq!(second.code(), Some(codes::NOT_ALLOWED));
    assert!(
        second
            .to_string()
            .contains("already has an application under review"),
        "{second}"
    );

    let wrong = w
        .client
        .withdraw_application(
            &m.application_id,
            &Withdraw {
                client_token: "tok-w-0".into(),
                version: 9,
            },
        )
        .await
        .expect_err("stale version");
    assert_eq!(wrong.code(), Some(codes::STALE_VERSION));
    let withdrawn = w
        .client
        .withdraw_application(
            &m.application_id,
            &Withdraw {
                client_token: "tok-w-1".into(),
                version: m.version,
            },
        )
        .await
        .expect("withdrawn");
    assert_eq!(withdrawn.status, ApplicationStatus::Withdrawn);
    let again = w
        .client
        .withdraw_application(
            &m.application_id,
            &Withdraw {
                client_token: "tok-w-2".into(),
                version: withdrawn.version,
            },
        )
        .await
        .expect_err("only pending ones");
    assert_eq!(again.code(), Some(codes::NOT_ALLOWED));

    // Products changed since a time.
    let later = w
        .client
        .list_products(&Page {
            offset: 0,
            limit: 10,
            updated_since: Some(live.updated_at.clone()),
        })
        .await
        .expect("products");
    assert!(later.products.iter().any(|p| p.product_id == product_id));
    w.sandbox.stop().await;
}

#[tokio::test]
async fn the_reviewer_rejects_placeholders_and_absolute_claims_with_comments() {
    let w = World::new(7).await;
    let mut req = release("tok-bad", "Best Migration TODO");
    req.snapshot.details.description = "Lorem ipsum dolor sit amet.".into();
    let app = w.client.create_application(&req).await.expect("created");
    w.jump(5 * DAY).await;
    let reviewed = w
        .client
        .get_application(&app.application_id)
        .await
        .expect("get");
    assert_eq!(reviewed.status, ApplicationStatus::Rejected);
    let fields: Vec<_> = reviewed
        .review_comments
        .iter()
        .filter_map(|c| c.field.as_deref())
        .collect();
    assert!(fields.contains(&"product.basic.name"), "{fields:?}");
    assert!(
        fields.contains(&"product.details.description"),
        "{fields:?}"
    );
    assert!(reviewed
        .review_comments
        .iter()
        .any(|c| c.message.contains("Absolute claims")));
    w.sandbox.stop().await;
}

#[tokio::test]
async fn public_sales_off_hides_the_product_and_a_modification_lists_it_again() {
    let w = World::new(13).await;
    let mut req = w
        .complete_release("tok-hidden", "CloudMove Private Migration Service")
        .await;
    req.snapshot.public_sales = false;
    let live = w.approved(&req).await;
    assert_eq!(live.status, ProductStatus::Hidden);
    assert!(!live.product.public_sales);

    let mut listed = live.product.clone();
    listed.public_sales = true;
    let live = w
        .approved(&modification("tok-hidden-mod-1", &live, listed))
        .await;
    assert_eq!((live.status, live.version), (ProductStatus::Online, 2));

    let mut hidden_again = live.product.clone();
    hidden_again.public_sales = false;
    let live = w
        .approved(&modification("tok-hidden-mod-2", &live, hidden_again))
        .await;
    assert_eq!((live.status, live.version), (ProductStatus::Hidden, 3));
    w.sandbox.stop().await;
}

#[tokio::test]
async fn an_offline_product_cannot_be_modified() {
    let w = World::with(3, true, ClientConfig::default()).await;
    let products = w.products().await;
    let offline = products
        .iter()
        .find(|p| p.status == ProductStatus::Offline)
        .expect("the demo has an offline product");
    let mut changed = offline.product.clone();
    changed.details.overview = format!("{} Updated.", changed.details.overview);
    let e = w
        .client
        .create_application(&modification("tok-offline", offline, changed))
        .await
        .expect_err("offline products cannot be modified");
    assert_eq!(e.code(), Some(codes::NOT_ALLOWED), "{e}");
    assert!(e.to_string().contains("offline"), "{e}");
    // Nothing was created.
    let apps = w
        .client
        .list_applications(&Page::first(100), Some(ApplicationStatus::PendingApproval))
        .await
        .expect("applications");
    assert!(apps
        .applications
        .iter()
        .all(|a| a.product_id.as_deref() != Some(offline.product_id.as_str())));
    w.sandbox.stop().await;
}

#[tokio::test]
async fn a_request_template_without_a_file_is_rejected() {
    let w = World::new(7).await;
    let mut req = w
        .complete_release("tok-form-only", "CloudMove Storage Migration Service")
        .await;
    if let koodesk_domain::product::Delivery::ProfessionalService {
        request_templates, ..
    } = &mut req.snapshot.basic.delivery
    {
        request_templates[0].file = None;
        request_templates[0].form_id = Some("data-migration-request".into());
    }
    let app = w.reviewed(&req).await;
    assert_eq!(app.status, ApplicationStatus::Rejected);
    assert!(
        app.review_comments.iter().any(|c| c.field.as_deref()
            == Some("product.basic.delivery.request_templates[0].file")),
        "{:?}",
        app.review_comments
    );
    w.sandbox.stop().await;
}
