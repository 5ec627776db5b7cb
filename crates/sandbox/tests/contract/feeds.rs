//! Reads and feeds: the documented order query, the event cursor, the demo data set, a file-backed sandbox.

use super::*;

#[tokio::test]
async fn the_order_query_returns_every_documented_mock_order() {
    let w = World::new(7).await;
    for id in [
        "MOCKPERIODYEARNEW",
        "MOCKONETIMENEW",
        "MOCKONDEMAND",
        "MOCKONDEMANDPKG",
        "MOCKPERIODDAYTRIAL",
        "MOCKMONTYTRIALTOFORMAL",
        "MOCKMONTYUNSUBSCRIBE",
        "MOCKMONTYRENEW",
        "MOCKMONTYCHANGE",
    ] {
        let line = format!("{id}-000001");
        let info = w
            .client
            .order_query(id, Some(&line))
            .await
            .expect("answers")
            .expect("the mock order exists");
        assert_eq!(info.order_id, id);
        assert_eq!(info.order_line[0].order_line_id, line);
    }
    let trial = w
        .client
        .order_query("MOCKPERIODDAYTRIAL", None)
        .await
        .expect("ok")
        .expect("order");
    assert_eq!(trial.trial_flag, "1");
    assert_eq!(
        w.client
            .order_query("CS0000000000NOPE", None)
            .await
            .expect("ok"),
        None
    );
    let e = w
        .client
        .order_query("", None)
        .await
        .expect_err("orderId is mandatory");
    assert_eq!(e.code(), Some(codes::INVALID_PARAMETER));
    assert_eq!(e.class(), ErrorClass::Rejected);
    w.sandbox.stop().await;
}

#[tokio::test]
async fn events_page_with_a_cursor_without_gaps_or_repeats() {
    let w = World::with(9, true, ClientConfig::default()).await;
    w.jump(3 * DAY).await;
    let all = w.client.events(None, 500).await.expect("events").events;
    assert!(all.len() >= 5, "{}", all.len());
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = w.client.events(cursor.as_deref(), 2).await.expect("page");
        if page.events.is_empty() {
            assert_eq!(
                Some(page.next_cursor),
                cursor,
                "an empty page keeps the cursor"
            );
            break;
        }
        seen.extend(page.events.into_iter().map(|e| e.event_id));
        cursor = Some(page.next_cursor);
    }
    let ids: Vec<_> = all.iter().map(|e| e.event_id.clone()).collect();
    assert_eq!(seen, ids);
    let e = w
        .client
        .events(Some("garbage"), 2)
        .await
        .expect_err("bad cursor");
    assert_eq!(e.code(), Some(codes::INVALID_PARAMETER));
    w.sandbox.stop().await;
}

#[tokio::test]
async fn the_demo_has_every_state_and_one_order_near_the_five_day_line() {
    let w = World::with(1, true, ClientConfig::default()).await;
    let products = w.products().await;
    for s in [
        ProductStatus::Online,
        ProductStatus::Hidden,
        ProductStatus::Offline,
    ] {
        assert!(products.iter().any(|p| p.status == s), "{s:?}");
    }
    let apps = w
        .client
        .list_applications(&Page::first(100), None)
        .await
        .expect("apps")
        .applications;
    for s in [
        ApplicationStatus::PendingApproval,
        ApplicationStatus::Rejected,
        ApplicationStatus::Approved,
        ApplicationStatus::Withdrawn,
    ] {
        assert!(apps.iter().any(|a| a.status == s), "{s:?}");
    }
    let orders = w
        .client
        .list_service_orders(&Page::first(100))
        .await
        .expect("orders")
        .service_orders;
    for s in [
        FlowState::AwaitingRequest,
        FlowState::RequestSubmitted,
        FlowState::Delivering,
        FlowState::AwaitingAcceptance,
        FlowState::Accepted,
        FlowState::Completed,
    ] {
        assert!(orders.iter().any(|o| o.flow_state == s), "{s:?}");
    }
    assert!(orders
        .iter()
        .any(|o| o.appeal.status == AppealStatus::InProgress));
    let secs = |s: &str| {
        koodesk_market::sign::parse_sdk_date(s)
            .map(|t| t.unix_timestamp())
            .unwrap_or(0)
    };
    let near = orders.iter().filter(|o| {
        o.waiting_for == Party::Seller && {
            let left = secs(&o.flow_updated_at) + 5 * DAY - START;
            (0..DAY).contains(&left)
        }
    });
    assert_eq!(
        near.count(),
        1,
        "exactly one order is within a day of the 5-day line"
    );
    w.sandbox.stop().await;
}

#[tokio::test]
async fn a_file_backed_sandbox_keeps_its_state_and_clock_across_restarts() {
    let dir = tempfile::tempdir().expect("tmp");
    let state = dir.path().join("market.sqlite3");
    let start = |demo: bool| {
        let mut c = Config::new(4);
        c.clock_speed = 0.0;
        c.start = Some(START);
        c.state = Some(state.clone());
        c.demo = demo;
        Sandbox::start(c)
    };
    let s = start(true).await.expect("first start");
    let admin = reqwest::Client::new();
    let clock: Value = admin
        .post(format!("{}/admin/clock", s.base_url))
        .json(&json!({ "advanceSecs": 2 * DAY }))
        .send()
        .await
        .expect("jump")
        .json()
        .await
        .expect("json");
    let client = |url: &str, ak: &str, sk: &str| {
        Client::new(
            &Site::Custom(url.into()),
            Credentials::new(ak, sk),
            ClientConfig::default(),
        )
        .expect("client")
    };
    let products = client(&s.base_url, &s.ak, &s.sk)
        .list_products(&Page::first(100))
        .await
        .expect("list")
        .total;
    s.stop().await;

    let s = start(true).await.expect("second start");
    let again: Value = admin
        .get(format!("{}/admin/clock", s.base_url))
        .send()
        .await
        .expect("clock")
        .json()
        .await
        .expect("json");
    assert_eq!(
        again["unix"], clock["unix"],
        "the clock resumes where it stopped"
    );
    let after = client(&s.base_url, &s.ak, &s.sk)
        .list_products(&Page::first(100))
        .await
        .expect("list")
        .total;
    assert_eq!(after, products, "the demo data is seeded once");
    s.stop().await;
}

#[tokio::test]
async fn the_demos_hidden_product_has_public_sales_off() {
    let w = World::with(3, true, ClientConfig::default()).await;
    let products = w.products().await;
    let hidden: Vec<_> = products
        .iter()
        .filter(|p| p.status == ProductStatus::Hidden)
        .collect();
    assert_eq!(hidden.len(), 1);
    assert!(!hidden[0].product.public_sales);
    for p in products
        .iter()
        .filter(|p| p.status == ProductStatus::Online)
    {
        assert!(p.product.public_sales, "{}", p.product.basic.name);
    }
    w.sandbox.stop().await;
}
