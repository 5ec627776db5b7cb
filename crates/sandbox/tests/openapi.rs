//! docs/api/openapi.yaml and the code agree: the same paths, and the same names for every enum.

use koodesk_domain::supervision::{FlowState, Party, SellerAction};
use koodesk_market::contract::*;
use serde::Serialize;

fn spec() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/api/openapi.yaml"
    ))
    .expect("docs/api/openapi.yaml")
}

fn names<T: Serialize>(values: &[T]) -> String {
    let v: Vec<String> = values
        .iter()
        .map(|x| {
            serde_json::to_value(x)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        })
        .collect();
    format!("[{}]", v.join(", "))
}

#[test]
fn every_served_path_is_documented_and_nothing_else() {
    let text = spec();
    let mut documented: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("  /").and_then(|p| p.strip_suffix(':')))
        .collect();
    documented.sort();
    let mut served: Vec<&str> = koodesk_sandbox::CONTRACT_PATHS
        .iter()
        .map(|p| p.trim_start_matches('/'))
        .collect();
    served.sort();
    assert_eq!(documented, served);
}

#[test]
fn enum_names_match_the_code() {
    let text = spec();
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let expect = |list: String| assert!(flat.contains(&list), "openapi.yaml lacks the enum {list}");
    expect(names(&[
        ProductStatus::Online,
        ProductStatus::Hidden,
        ProductStatus::Offline,
    ]));
    expect(names(&[
        ApplicationStatus::PendingApproval,
        ApplicationStatus::Rejected,
        ApplicationStatus::Approved,
        ApplicationStatus::Withdrawn,
    ]));
    expect(names(&[
        ApplicationType::Release,
        ApplicationType::Modification,
    ]));
    expect(names(&[
        AttachmentKind::Logo,
        AttachmentKind::Template,
        AttachmentKind::Deliverable,
        AttachmentKind::Proof,
        AttachmentKind::CommitmentLetter,
        AttachmentKind::Other,
    ]));
    expect(names(&[
        Party::Seller,
        Party::Customer,
        Party::Operations,
        Party::Nobody,
    ]));
    expect(names(&[
        FlowState::AwaitingRequest,
        FlowState::RequestSubmitted,
        FlowState::Delivering,
        FlowState::AwaitingAcceptance,
        FlowState::Accepted,
        FlowState::Completed,
    ]));
    expect(names(&[
        SellerAction::AcceptRequest,
        SellerAction::RejectRequest,
        SellerAction::DeliverService,
        SellerAction::InitiateAppeal,
    ]));
    expect(names(&[
        OrderDelivery::ProfessionalService,
        OrderDelivery::License,
        OrderDelivery::Saas,
    ]));
    expect(names(&[OrderStatus::Processing, OrderStatus::Completed]));
    expect(names(&[
        AppealStatus::None,
        AppealStatus::InProgress,
        AppealStatus::Resolved,
    ]));
    expect(names(&[
        EventType::ReviewApproved,
        EventType::ReviewRejected,
        EventType::OrderCreated,
        EventType::RequestSubmitted,
        EventType::DeliveryAccepted,
        EventType::DeliveryRejected,
        EventType::Reminder,
        EventType::AppealOpened,
        EventType::AppealResolved,
        EventType::OrderCompleted,
        EventType::SupportChangeReviewed,
    ]));
    for code in [
        codes::SUCCESS,
        codes::INVALID_PARAMETER,
        codes::NOT_FOUND,
        codes::INTERNAL,
        codes::TOKEN_REUSED,
        codes::STALE_VERSION,
        codes::NOT_ALLOWED,
        codes::TOO_LARGE,
    ] {
        assert!(
            text.contains(&format!("| `{code}` |")),
            "result code {code} is not in the table"
        );
    }
}
