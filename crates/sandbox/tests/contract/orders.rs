//! Service orders under supervision: the flow from request to completion, reminders and appeals, actions and what they must carry, the usage period.

use super::*;

#[tokio::test]
async fn a_service_order_runs_from_request_to_completion() {
    let w = World::new(11).await;
    let product = w.live_service_product().await;
    let order = w.new_order(&product.product_id).await;
    assert_eq!(order.flow_state, FlowState::AwaitingRequest);
    assert_eq!(order.waiting_for, Party::Customer);

    // The customer submits a request within 30 hours.
    w.jump(31 * HOUR).await;
    let o = w
        .client
        .get_service_order(&order.order_id)
        .await
        .expect("order");
    assert_eq!(o.flow_state, FlowState::RequestSubmitted);
    assert!(o.request.is_some());
    assert_eq!(o.waiting_for, Party::Seller);

    let stale = w
        .client
        .act_on_order(
            &o.order_id,
            &OrderAction::new("tok-o-0", o.flow_version - 1, SellerAction::AcceptRequest),
        )
        .await
        .expect_err("stale");
    assert_eq!(stale.code(), Some(codes::STALE_VERSION));
    let wrong = w
        .client
        .act_on_order(
            &o.order_id,
            &OrderAction::new("tok-o-1", o.flow_version, SellerAction::DeliverService),
        )
        .await
        .expect_err("not yet");
    assert_eq!(wrong.code(), Some(codes::NOT_ALLOWED));
    let o = w
        .client
        .act_on_order(
            &o.order_id,
            &OrderAction::new("tok-o-2", o.flow_version, SellerAction::AcceptRequest),
        )
        .await
        .expect("accepted");
    assert_eq!(o.flow_state, FlowState::Delivering);

    let report = w
        .client
        .upload_attachment(
            "tok-o-3",
            AttachmentKind::Deliverable,
            "report.pdf",
            "application/pdf",
            b"%PDF report",
        )
        .await
        .expect("deliverable");
    let mut o = o;
    let mut round = 0;
    loop {
        round += 1;
        assert!(round < 10, "the order never completed");
        let mut deliver = OrderAction::new(
            format!("tok-deliver-{round}"),
            o.flow_version,
            SellerAction::DeliverService,
        );
        let missing = w
            .client
            .act_on_order(&o.order_id, &deliver)
            .await
            .expect_err("needs a result");
        assert_eq!(missing.code(), Some(codes::INVALID_PARAMETER));
        deliver.client_token = format!("tok-deliver-ok-{round}");
        deliver.result_text = Some("Migrated 12 servers; report attached.".into());
        deliver.actual_enabling_time = Some("20261124T080000Z".into());
        deliver.deliverable_ids = vec![report.attachment_id.clone()];
        o = w
            .client
            .act_on_order(&o.order_id, &deliver)
            .await
            .expect("delivered");
        assert_eq!(o.flow_state, FlowState::AwaitingAcceptance);
        w.jump(2 * DAY).await;
        o = w
            .client
            .get_service_order(&o.order_id)
            .await
            .expect("order");
        if o.flow_state == FlowState::Completed {
            break;
        }
        assert_eq!(
            o.flow_state,
            FlowState::Delivering,
            "the customer rejected the delivery"
        );
        assert!(o.customer_rejections >= 1);
    }
    assert_eq!(o.order_status, OrderStatus::Completed);
    let ops: Vec<_> = o.records.iter().map(|r| r.operation.as_str()).collect();
    assert!(
        ops.contains(&"Acceptance confirmed") && ops.contains(&"Order completed"),
        "{ops:?}"
    );
    let completed_at = o.records.last().map(|r| r.at.clone()).unwrap_or_default();
    let accepted_at = o.accepted_at.clone().expect("accepted");
    let secs = |s: &str| {
        koodesk_market::sign::parse_sdk_date(s)
            .map(|t| t.unix_timestamp())
            .unwrap_or(0)
    };
    assert_eq!(
        secs(&completed_at) - secs(&accepted_at),
        3 * HOUR,
        "completed 3 hours after acceptance"
    );
    w.sandbox.stop().await;
}

#[tokio::test]
async fn a_silent_seller_gets_reminders_then_an_appeal_that_freezes_the_flow() {
    let w = World::new(3).await;
    let license = serde_json::from_str::<Product>(include_str!(
        "../../../api/fixtures/live-products/PROD-LIC-0002.json"
    ))
    .expect("fixture");
    let v = w
        .admin_post("/admin/products", json!({ "product": license }))
        .await;
    let product: LiveProduct = serde_json::from_value(v["product"].clone()).expect("product");
    let order = w.new_order(&product.product_id).await;
    assert_eq!(
        order.flow_state,
        FlowState::Delivering,
        "license orders start waiting for the seller"
    );

    let mut appealed_after = None;
    for day in 1..=12 {
        w.jump(DAY).await;
        let o = w
            .client
            .get_service_order(&order.order_id)
            .await
            .expect("order");
        if o.appeal.status == AppealStatus::InProgress {
            appealed_after = Some(day);
            assert_eq!(o.waiting_for, Party::Operations);
            assert_eq!(o.appeal.initiated_by, Some(Party::Customer));
            let frozen = w
                .client
                .act_on_order(
                    &o.order_id,
                    &OrderAction::new("tok-frozen", o.flow_version, SellerAction::DeliverService),
                )
                .await
                .expect_err("frozen");
            assert_eq!(frozen.code(), Some(codes::NOT_ALLOWED));
            assert!(frozen.to_string().contains("frozen"), "{frozen}");
            break;
        }
    }
    let day = appealed_after.expect("the customer appealed");
    assert!(
        day > 5,
        "no appeal before 5 full days without an update (came on day {day})"
    );
    let events = w.client.events(None, 500).await.expect("events");
    let reminders = events
        .events
        .iter()
        .filter(|e| e.r#type == EventType::Reminder)
        .count();
    assert!(reminders >= 2, "reminders from day 3: {reminders}");
    w.sandbox.stop().await;
}

#[tokio::test]
async fn the_seller_may_appeal_but_an_unreachable_customer_needs_the_letter() {
    let w = World::new(5).await;
    let product = w.live_service_product().await;
    let o = w.new_order(&product.product_id).await;
    let mut appeal = OrderAction::new("tok-ap-1", o.flow_version, SellerAction::InitiateAppeal);
    appeal.reason = Some("The customer does not answer e-mail or phone.".into());
    appeal.customer_unreachable = true;
    let e = w
        .client
        .act_on_order(&o.order_id, &appeal)
        .await
        .expect_err("letter needed");
    assert!(e.to_string().contains("Letter of Commitment"), "{e}");
    let letter = w
        .client
        .upload_attachment(
            "tok-ap-l",
            AttachmentKind::CommitmentLetter,
            "letter.pdf",
            "application/pdf",
            b"%PDF letter",
        )
        .await
        .expect("letter");
    appeal.client_token = "tok-ap-2".into();
    appeal.commitment_letter_id = Some(letter.attachment_id);
    let o = w
        .client
        .act_on_order(&o.order_id, &appeal)
        .await
        .expect("appealed");
    assert_eq!(o.appeal.status, AppealStatus::InProgress);
    w.jump(6 * DAY).await;
    let o = w
        .client
        .get_service_order(&o.order_id)
        .await
        .expect("order");
    assert_eq!(o.appeal.status, AppealStatus::Resolved);
    assert_eq!(
        o.flow_state,
        FlowState::Completed,
        "closed and settled: {:?}",
        o.appeal.outcome
    );
    w.sandbox.stop().await;
}

/// A service product sold yearly, live in the sandbox.
async fn yearly_service(w: &World) -> LiveProduct {
    let mut p = service_product();
    for s in &mut p.specifications {
        s.billing_modes = vec![koodesk_domain::spec::BillingMode::Yearly];
        s.regenerate_skus();
    }
    w.live_product(p).await
}

/// Takes a new order to the seller's delivery and on until the customer accepts it; returns it.
async fn deliver_until_accepted(
    w: &World,
    product: &LiveProduct,
    token: &str,
    enabling: Option<&str>,
) -> ServiceOrder {
    let mut o = w.requested_order(&product.product_id).await;
    assert_eq!(o.flow_state, FlowState::RequestSubmitted);
    o = w
        .client
        .act_on_order(
            &o.order_id,
            &OrderAction::new(
                format!("{token}-accept"),
                o.flow_version,
                SellerAction::AcceptRequest,
            ),
        )
        .await
        .expect("accepted");
    for round in 0..10 {
        let mut deliver = OrderAction::new(
            format!("{token}-deliver-{round}"),
            o.flow_version,
            SellerAction::DeliverService,
        );
        deliver.result_text = Some("Migrated; report attached.".into());
        deliver.actual_enabling_time = enabling.map(str::to_owned);
        o = w
            .client
            .act_on_order(&o.order_id, &deliver)
            .await
            .expect("delivered");
        assert_eq!(
            o.delivery
                .as_ref()
                .and_then(|d| d.actual_enabling_time.as_deref()),
            enabling
        );
        w.jump(2 * DAY).await;
        o = w
            .client
            .get_service_order(&o.order_id)
            .await
            .expect("order");
        if o.accepted_at.is_some() {
            return o;
        }
    }
    panic!("the customer never accepted: {o:?}");
}

#[tokio::test]
async fn the_usage_period_starts_at_the_enabling_time_else_at_acceptance() {
    let w = World::new(11).await;
    let product = yearly_service(&w).await;

    // No enabling time: the delivery is accepted and the period starts at the acceptance.
    let o = deliver_until_accepted(&w, &product, "tok-use-1", None).await;
    assert_eq!(
        o.billing_mode,
        Some(koodesk_domain::spec::BillingMode::Yearly)
    );
    assert_eq!(o.usage_period_starts_at, o.accepted_at, "{o:?}");

    // With one: the period starts there.
    let o = deliver_until_accepted(&w, &product, "tok-use-2", Some("20261125T080000Z")).await;
    assert_eq!(
        o.usage_period_starts_at.as_deref(),
        Some("20261125T080000Z")
    );
    assert_ne!(o.usage_period_starts_at, o.accepted_at);

    // A bad enabling time is refused, with nothing changed.
    let o = w.requested_order(&product.product_id).await;
    let o = w
        .client
        .act_on_order(
            &o.order_id,
            &OrderAction::new(
                "tok-use-3-accept",
                o.flow_version,
                SellerAction::AcceptRequest,
            ),
        )
        .await
        .expect("accepted");
    let mut bad = OrderAction::new(
        "tok-use-3-deliver",
        o.flow_version,
        SellerAction::DeliverService,
    );
    bad.result_text = Some("Done.".into());
    bad.actual_enabling_time = Some("next Tuesday".into());
    let e = w
        .client
        .act_on_order(&o.order_id, &bad)
        .await
        .expect_err("not a time");
    assert_eq!(e.code(), Some(codes::INVALID_PARAMETER));
    let after = w
        .client
        .get_service_order(&o.order_id)
        .await
        .expect("order");
    assert_eq!(after.flow_state, FlowState::Delivering);
    w.sandbox.stop().await;
}

#[tokio::test]
async fn one_time_orders_have_no_usage_period() {
    let w = World::new(11).await;
    let mut p = service_product();
    for s in &mut p.specifications {
        s.billing_modes = vec![koodesk_domain::spec::BillingMode::OneTime];
        s.regenerate_skus();
    }
    let product = w.live_product(p).await;
    let o = deliver_until_accepted(&w, &product, "tok-once", Some("20261125T080000Z")).await;
    assert_eq!(
        o.billing_mode,
        Some(koodesk_domain::spec::BillingMode::OneTime)
    );
    assert_eq!(o.usage_period_starts_at, None);
    w.sandbox.stop().await;
}

#[tokio::test]
async fn hidden_products_are_still_bought_now_and_then() {
    let w = World::new(5).await;
    let mut hidden = service_product();
    hidden.public_sales = false;
    let hidden = w.live_product(hidden).await;
    assert_eq!(hidden.status, ProductStatus::Hidden);
    let listed = w.live_service_product().await;
    w.jump(60 * DAY).await;
    let events = w.client.events(None, 500).await.expect("events");
    let bought = |id: &str| {
        events
            .events
            .iter()
            .filter(|e| e.r#type == EventType::OrderCreated && e.product_id.as_deref() == Some(id))
            .count()
    };
    let (h, l) = (bought(&hidden.product_id), bought(&listed.product_id));
    assert!(
        h >= 1,
        "a hidden product is bought now and then ({h} orders)"
    );
    assert!(h < l, "but less often than a listed one ({h} vs {l})");
    w.sandbox.stop().await;
}

#[tokio::test]
async fn a_reminder_does_not_make_a_decided_action_stale_but_a_flow_move_does() {
    let w = World::new(12).await;
    let product = w.live_service_product().await;
    let order = w.new_order(&product.product_id).await;
    w.jump(31 * HOUR).await;
    let seen = w
        .client
        .get_service_order(&order.order_id)
        .await
        .expect("order");
    assert_eq!(seen.flow_state, FlowState::RequestSubmitted);

    // The seller decides to accept (e.g. queued offline); meanwhile the customer reminds them.
    w.jump(3 * DAY + HOUR).await;
    let now = w
        .client
        .get_service_order(&order.order_id)
        .await
        .expect("order");
    assert!(
        now.records.iter().any(|r| r.operation == "Reminder sent"),
        "{:?}",
        now.records
    );
    assert!(now.version > seen.version, "the order changed");
    assert_eq!(now.flow_version, seen.flow_version, "its flow did not");
    let accepted = w
        .client
        .act_on_order(
            &order.order_id,
            &OrderAction::new(
                "tok-remind-accept",
                seen.flow_version,
                SellerAction::AcceptRequest,
            ),
        )
        .await
        .expect("an action decided before the reminder still applies");
    assert_eq!(accepted.flow_state, FlowState::Delivering);
    assert!(accepted.flow_version > seen.flow_version);

    // Decided on the flow before the accept: the flow has moved, so it is refused.
    let stale = w
        .client
        .act_on_order(
            &order.order_id,
            &OrderAction::new(
                "tok-remind-reject",
                seen.flow_version,
                SellerAction::RejectRequest,
            ),
        )
        .await
        .expect_err("stale");
    assert_eq!(stale.code(), Some(codes::STALE_VERSION));
}
