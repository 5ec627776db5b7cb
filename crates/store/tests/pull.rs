//! What a pull stores: service orders by account, a newer copy replacing an older one and never
//! the other way round (an action's answer and a pull may cross).

use koodesk_store::{Pulled, RemoteOrder, Store, DB_FILE_NAME};

fn order(id: &str, state: &str, version: u64) -> RemoteOrder {
    RemoteOrder {
        order_id: id.into(),
        flow_state: state.into(),
        waiting_for: "SELLER".into(),
        flow_version: version,
        version,
        updated_at: format!("20261201T0{version}0000Z"),
        json: format!(r#"{{"orderId":"{id}","version":{version}}}"#),
        facts: Default::default(),
    }
}

fn pull(store: &mut Store, account: &str, orders: &[RemoteOrder]) {
    store
        .store_pull(
            account,
            &Pulled {
                orders,
                ..Pulled::default()
            },
        )
        .unwrap();
}

#[test]
fn pulled_orders_are_kept_per_account_and_never_go_back_in_version() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(DB_FILE_NAME)).unwrap();
    pull(
        &mut store,
        "a",
        &[
            order("O1", "REQUEST_SUBMITTED", 2),
            order("O2", "DELIVERING", 3),
        ],
    );
    pull(&mut store, "b", &[order("O9", "COMPLETED", 1)]);
    // A newer copy replaces; an older one that arrives late does not.
    pull(&mut store, "a", &[order("O1", "DELIVERING", 4)]);
    pull(&mut store, "a", &[order("O1", "REQUEST_SUBMITTED", 3)]);

    let a = store.remote_orders("a").unwrap();
    assert_eq!(a.len(), 2);
    let o1 = a.iter().find(|o| o.order_id == "O1").unwrap();
    assert_eq!((o1.flow_state.as_str(), o1.version), ("DELIVERING", 4));
    assert!(o1.json.contains(r#""version":4"#));
    // Most recently changed first.
    assert_eq!(a[0].order_id, "O1");
    let b = store.remote_orders("b").unwrap();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].order_id, "O9");
}

/// The stall scan reads the columns: only open, unfrozen orders past a line, at the rejection
/// limit, or into their delivery days come back.
#[test]
fn the_stall_scan_returns_only_orders_that_may_be_due() {
    use koodesk_store::{OrderColumns, StallQuery};
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(&dir.path().join(DB_FILE_NAME)).expect("open");
    const NOW: i64 = 1_800_000_000;
    const DAY: i64 = 86_400;
    let o = |id: &str, state: &str, waiting: &str, facts: OrderColumns| RemoteOrder {
        waiting_for: waiting.into(),
        facts,
        ..order(id, state, 1)
    };
    let quiet = |days: i64| OrderColumns {
        flow_updated_at: NOW - days * DAY,
        ..Default::default()
    };
    let orders = [
        o("seller-old", "DELIVERING", "SELLER", quiet(3)),
        o("seller-new", "REQUEST_SUBMITTED", "SELLER", quiet(2)),
        o("customer-old", "AWAITING_ACCEPTANCE", "CUSTOMER", quiet(6)),
        o("customer-new", "AWAITING_ACCEPTANCE", "CUSTOMER", quiet(4)),
        o("done", "COMPLETED", "NOBODY", quiet(90)),
        o(
            "frozen",
            "DELIVERING",
            "OPERATIONS",
            OrderColumns {
                appeal_open: true,
                ..quiet(9)
            },
        ),
        o(
            "rejected",
            "AWAITING_REQUEST",
            "CUSTOMER",
            OrderColumns {
                seller_rejections: 3,
                ..quiet(0)
            },
        ),
        o(
            "late",
            "DELIVERING",
            "SELLER",
            OrderColumns {
                request_accepted_at: Some(NOW - 8 * DAY),
                avg_delivery_days: Some(10),
                ..quiet(1)
            },
        ),
        o(
            "early",
            "DELIVERING",
            "SELLER",
            OrderColumns {
                request_accepted_at: Some(NOW - 7 * DAY),
                avg_delivery_days: Some(10),
                ..quiet(1)
            },
        ),
    ];
    pull(&mut store, "a", &orders);
    let q = StallQuery {
        seller_quiet_since: NOW - 3 * DAY,
        customer_quiet_since: NOW - 5 * DAY,
        rejection_limit: 3,
        delivery_percent: 80,
        now: NOW,
    };
    let mut ids: Vec<String> = store
        .stall_candidates("a", &q)
        .expect("scan")
        .into_iter()
        .map(|r| r.order_id)
        .collect();
    ids.sort();
    assert_eq!(ids, ["customer-old", "late", "rejected", "seller-old"]);
    assert!(store.stall_candidates("b", &q).expect("scan").is_empty());
}
