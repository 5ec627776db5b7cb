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
