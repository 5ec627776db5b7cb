//! The gateway: every fault classed, idempotency through faults, signatures, the admin routes' loopback guard.

use super::*;

#[tokio::test]
async fn every_fault_is_classed_and_the_unknown_ones_really_applied() {
    let w = World::with(
        7,
        false,
        ClientConfig {
            timeout: Duration::from_millis(700),
            ..Default::default()
        },
    )
    .await;
    let post = "POST /isv/applications";
    let get = "GET /isv/products";
    let expect_class = |r: Result<Application, MarketError>, class: ErrorClass| {
        let e = r.expect_err("fault");
        assert_eq!(e.class(), class, "{e:?}");
        e
    };

    // A 5xx on a write is an unknown outcome for the client, even when (as here) the sandbox
    // applied nothing: the client cannot tell, and a gateway's 502 may follow an applied write.
    w.fault(post, Fault::FailBefore, 1).await;
    let e = expect_class(
        w.client.create_application(&release("f-1", "A")).await,
        ErrorClass::UnknownOutcome,
    );
    assert!(matches!(e, MarketError::Busy { status: 503, .. }), "{e:?}");
    w.fault(post, Fault::Status500, 1).await;
    let e = expect_class(
        w.client.create_application(&release("f-2", "A")).await,
        ErrorClass::UnknownOutcome,
    );
    assert!(matches!(e, MarketError::Busy { status: 500, .. }), "{e:?}");
    w.fault(
        post,
        Fault::Status429 {
            retry_after_secs: 9,
        },
        1,
    )
    .await;
    let e = expect_class(
        w.client.create_application(&release("f-3", "A")).await,
        ErrorClass::Retryable,
    );
    assert!(
        matches!(e, MarketError::Busy { status: 429, retry_after: Some(d), .. } if d.as_secs() == 9),
        "{e:?}"
    );
    assert_eq!(
        w.counter("applications.created").await,
        0,
        "nothing applied so far"
    );

    w.fault(post, Fault::ApplyThenDrop, 1).await;
    expect_class(
        w.client.create_application(&release("f-4", "A")).await,
        ErrorClass::UnknownOutcome,
    );
    w.fault(post, Fault::Delay { delay_ms: 2_000 }, 1).await;
    expect_class(
        w.client.create_application(&release("f-5", "B")).await,
        ErrorClass::UnknownOutcome,
    );
    w.fault(post, Fault::Malformed, 1).await;
    let e = expect_class(
        w.client.create_application(&release("f-6", "C")).await,
        ErrorClass::UnknownOutcome,
    );
    assert!(matches!(e, MarketError::Malformed { .. }), "{e:?}");
    w.fault(post, Fault::ApplyThen502, 1).await;
    let e = expect_class(
        w.client.create_application(&release("f-7", "D")).await,
        ErrorClass::UnknownOutcome,
    );
    assert!(matches!(e, MarketError::Busy { status: 502, .. }), "{e:?}");
    assert_eq!(
        w.counter("applications.created").await,
        4,
        "the unknown outcomes were applied, the 502 one too"
    );

    // Reads: the same faults are plainly retryable.
    for fault in [
        Fault::FailBefore,
        Fault::Status500,
        Fault::Status429 {
            retry_after_secs: 1,
        },
        Fault::ApplyThenDrop,
        Fault::Delay { delay_ms: 2_000 },
        Fault::Malformed,
    ] {
        w.fault(get, fault.clone(), 1).await;
        let e = w
            .client
            .list_products(&Page::first(5))
            .await
            .expect_err("fault");
        assert_eq!(e.class(), ErrorClass::Retryable, "{fault:?}: {e:?}");
    }
    assert!(
        w.client.list_products(&Page::first(5)).await.is_ok(),
        "faults are used up"
    );
    assert!(w.counter("faults.injected:GET /isv/products").await == 6);

    // Nobody listening: unreachable, retryable.
    let dead = Client::new(
        &Site::Custom("http://127.0.0.1:9".into()),
        Credentials::new("a", "b"),
        ClientConfig::default(),
    )
    .expect("client");
    let e = dead
        .list_products(&Page::first(1))
        .await
        .expect_err("nothing there");
    assert!(matches!(e, MarketError::Unreachable { .. }), "{e:?}");
    assert_eq!(e.class(), ErrorClass::Retryable);
    w.sandbox.stop().await;
}

#[tokio::test]
async fn one_client_token_sent_20_times_through_faults_creates_one_application() {
    let w = World::with(
        7,
        false,
        ClientConfig {
            timeout: Duration::from_millis(700),
            ..Default::default()
        },
    )
    .await;
    let route = "POST /isv/applications";
    let req = release("tok-once", "CloudMove Server Migration Service");
    let faults = [
        Some(Fault::ApplyThenDrop),
        Some(Fault::Status500),
        None,
        Some(Fault::Delay { delay_ms: 1_500 }),
        Some(Fault::Status429 {
            retry_after_secs: 1,
        }),
        Some(Fault::Malformed),
        Some(Fault::FailBefore),
    ];
    let mut ids = Vec::new();
    for i in 0..20 {
        if let Some(f) = &faults[i % faults.len()] {
            w.fault(route, f.clone(), 1).await;
        }
        match w.client.create_application(&req).await {
            Ok(app) => ids.push(app.application_id),
            Err(e) => assert_ne!(e.class(), ErrorClass::Rejected, "send {i}: {e}"),
        }
    }
    assert!(ids.len() >= 2, "some sends got through: {ids:?}");
    assert!(
        ids.windows(2).all(|p| p[0] == p[1]),
        "every answer names the same application: {ids:?}"
    );
    assert_eq!(w.counter("applications.created:tok-once").await, 1);
    assert_eq!(w.counter("applications.created").await, 1);

    let mut other = req.clone();
    other.snapshot.basic.name = "Something else".into();
    let e = w
        .client
        .create_application(&other)
        .await
        .expect_err("token reused");
    assert_eq!(e.code(), Some(codes::TOKEN_REUSED));
    w.sandbox.stop().await;
}

#[tokio::test]
async fn bad_keys_and_stale_dates_get_the_gateways_401() {
    let w = World::new(7).await;
    let wrong = Client::new(
        &Site::Custom(w.sandbox.base_url.clone()),
        Credentials::new(w.sandbox.ak.clone(), "not-the-secret"),
        ClientConfig::default(),
    )
    .expect("client");
    let e = wrong
        .list_products(&Page::first(1))
        .await
        .expect_err("bad signature");
    assert!(
        matches!(&e, MarketError::Rejected { status: 401, code, .. } if code == "APIG.0301"),
        "{e:?}"
    );
    assert!(e.to_string().contains("signature does not match"), "{e}");

    let mut spec = koodesk_market::RequestSpec {
        method: "GET".into(),
        path: format!("{BASE_PATH}/isv/products"),
        ..Default::default()
    };
    let old = time::OffsetDateTime::now_utc() - time::Duration::minutes(20);
    spec.headers
        .set("X-Sdk-Date", koodesk_market::sign::format_sdk_date(old));
    let r = w.client.send(&spec).await.expect("answered");
    assert_eq!(r.status, 401);
    assert!(
        String::from_utf8_lossy(&r.body).contains("X-Sdk-Date is"),
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    assert!(w.counter("signature.failures").await >= 2);
    w.sandbox.stop().await;
}

#[tokio::test]
async fn admin_routes_refuse_a_host_that_is_not_loopback() {
    let s = Sandbox::start(Config::new(5)).await.expect("start");
    let admin = reqwest::Client::new();
    let status = |host: &'static str| {
        let req = admin
            .get(format!("{}/admin/clock", s.base_url))
            .header(reqwest::header::HOST, host);
        async move { req.send().await.expect("answer").status().as_u16() }
    };
    assert_eq!(status("evil.example").await, 403, "a rebound name");
    assert_eq!(status("evil.example:80").await, 403);
    assert_eq!(status("127.0.0.1.evil.example").await, 403);
    assert_eq!(status("127.0.0.1:9").await, 200);
    assert_eq!(status("localhost").await, 200);
    assert_eq!(status("[::1]:8080").await, 200);
}
