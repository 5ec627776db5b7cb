//! Service supervision (spec §5): the flow of a supervised order, who must act, which seller
//! actions each state allows, and the appeal rules (5 days without an update, 3 rejections,
//! completion 3 hours after acceptance). The sandbox's customers, the supervision desk and the
//! stall alerts all ask these functions.

use serde::{Deserialize, Serialize};

/// Where a supervised order's service flow stands. Names are descriptive (the console's full list
/// of status strings is not documented); `label` gives the documented strings where they exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FlowState {
    /// Paid; the customer has not submitted a request yet (professional service, SaaS).
    AwaitingRequest,
    /// The customer's request waits for the seller to accept or reject it.
    RequestSubmitted,
    /// "Waiting for the seller to provide the service".
    Delivering,
    /// "Waiting for the user to confirm acceptance".
    AwaitingAcceptance,
    /// Accepted; the order completes 3 hours later.
    Accepted,
    Completed,
}

impl FlowState {
    pub fn label(self) -> &'static str {
        match self {
            FlowState::AwaitingRequest => "Waiting for the customer to submit a request",
            FlowState::RequestSubmitted => "Waiting for the seller to confirm the request",
            FlowState::Delivering => "Waiting for the seller to provide the service",
            FlowState::AwaitingAcceptance => "Waiting for the user to confirm acceptance",
            FlowState::Accepted => "Accepted",
            FlowState::Completed => "Completed",
        }
    }

    /// Who the flow waits for (ignoring an appeal, which freezes it).
    pub fn waiting_for(self) -> Party {
        match self {
            FlowState::AwaitingRequest | FlowState::AwaitingAcceptance => Party::Customer,
            FlowState::RequestSubmitted | FlowState::Delivering => Party::Seller,
            FlowState::Accepted | FlowState::Completed => Party::Nobody,
        }
    }

    pub fn is_open(self) -> bool {
        !matches!(self, FlowState::Accepted | FlowState::Completed)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Party {
    Seller,
    Customer,
    Operations,
    Nobody,
}

/// A seller's supervision action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SellerAction {
    AcceptRequest,
    RejectRequest,
    DeliverService,
    InitiateAppeal,
}

/// The thresholds of the rules; the documented values are the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowRules {
    /// Days without an update by one side after which the other may appeal (R6, R8).
    pub stall_days: i64,
    /// Rejections after which an appeal is allowed (R7, R8).
    pub rejection_limit: u32,
    /// Hours from acceptance to a completed order (R2).
    pub completion_delay_hours: i64,
}

impl Default for FlowRules {
    fn default() -> Self {
        FlowRules {
            stall_days: 5,
            rejection_limit: 3,
            completion_delay_hours: 3,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    #[error("the service flow is frozen by an appeal; nobody can act until it is resolved")]
    Frozen,
    #[error("{action:?} is not possible while the order is {state:?}")]
    NotNow {
        action: SellerAction,
        state: FlowState,
    },
    #[error("{0}")]
    Missing(&'static str),
}

/// The state a seller action leads to, or why it is not allowed. An appeal leaves the state as
/// it is (the flow freezes instead).
pub fn seller_action(
    state: FlowState,
    appeal_open: bool,
    action: SellerAction,
) -> Result<FlowState, ActionError> {
    if appeal_open {
        return Err(ActionError::Frozen);
    }
    let next = match (action, state) {
        (SellerAction::AcceptRequest, FlowState::RequestSubmitted) => FlowState::Delivering,
        (SellerAction::RejectRequest, FlowState::RequestSubmitted) => FlowState::AwaitingRequest,
        (SellerAction::DeliverService, FlowState::Delivering) => FlowState::AwaitingAcceptance,
        (SellerAction::InitiateAppeal, s) if s.is_open() => s,
        (action, state) => return Err(ActionError::NotNow { action, state }),
    };
    Ok(next)
}

/// Facts about one order that the appeal rules look at. Times are Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowFacts {
    pub state: FlowState,
    pub appeal_open: bool,
    /// When the flow last changed state (the last update by either side). Waiting for one side,
    /// this is how long that side has left it.
    pub flow_updated_at: i64,
    /// How often the seller rejected the customer's request.
    pub seller_rejections: u32,
    /// How often the customer rejected the seller's delivery.
    pub customer_rejections: u32,
}

/// Whether the customer may appeal now (R6, R7): the flow waits for the seller and the seller has
/// not updated it for more than `stall_days`, or either side has hit the rejection limit.
pub fn customer_may_appeal(f: &FlowFacts, now: i64, rules: &FlowRules) -> bool {
    if f.appeal_open || !f.state.is_open() {
        return false;
    }
    let stalled = f.state.waiting_for() == Party::Seller
        && now - f.flow_updated_at > rules.stall_days * 86_400;
    stalled
        || f.seller_rejections >= rules.rejection_limit
        || f.customer_rejections >= rules.rejection_limit
}

/// When the customer's stall right begins (the last moment without it), if the flow waits for the seller.
pub fn customer_appeal_opens_at(f: &FlowFacts, rules: &FlowRules) -> Option<i64> {
    (f.state.is_open() && !f.appeal_open && f.state.waiting_for() == Party::Seller)
        .then(|| f.flow_updated_at + rules.stall_days * 86_400)
}

/// Whether the seller may appeal under the SaaS seller page's triggers (R8). The 2025 pages let a
/// seller appeal at any time (R9); the contract follows that and uses this only for advice.
pub fn seller_has_appeal_grounds(f: &FlowFacts, now: i64, rules: &FlowRules) -> bool {
    if f.appeal_open || !f.state.is_open() {
        return false;
    }
    let stalled = f.state.waiting_for() == Party::Customer
        && now - f.flow_updated_at > rules.stall_days * 86_400;
    stalled || f.customer_rejections >= rules.rejection_limit
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(state: FlowState) -> FlowFacts {
        FlowFacts {
            state,
            appeal_open: false,
            flow_updated_at: 0,
            seller_rejections: 0,
            customer_rejections: 0,
        }
    }

    const DAY: i64 = 86_400;

    #[test]
    fn the_customer_may_appeal_after_five_full_days_of_seller_silence() {
        let r = FlowRules::default();
        let f = facts(FlowState::Delivering);
        assert!(!customer_may_appeal(&f, 5 * DAY, &r));
        assert!(customer_may_appeal(&f, 5 * DAY + 1, &r));
        assert_eq!(customer_appeal_opens_at(&f, &r), Some(5 * DAY));
        // Waiting for the customer: the seller's silence does not count.
        assert!(!customer_may_appeal(
            &facts(FlowState::AwaitingAcceptance),
            9 * DAY,
            &r
        ));
    }

    #[test]
    fn three_rejections_open_an_appeal_and_an_open_appeal_freezes_everything() {
        let r = FlowRules::default();
        let mut f = facts(FlowState::AwaitingRequest);
        f.seller_rejections = 2;
        assert!(!customer_may_appeal(&f, DAY, &r));
        f.seller_rejections = 3;
        assert!(customer_may_appeal(&f, DAY, &r));
        f.appeal_open = true;
        assert!(!customer_may_appeal(&f, DAY, &r));
        assert_eq!(
            seller_action(
                FlowState::RequestSubmitted,
                true,
                SellerAction::AcceptRequest
            ),
            Err(ActionError::Frozen)
        );
    }

    #[test]
    fn seller_actions_follow_the_flow() {
        use FlowState::*;
        use SellerAction::*;
        assert_eq!(
            seller_action(RequestSubmitted, false, AcceptRequest),
            Ok(Delivering)
        );
        assert_eq!(
            seller_action(RequestSubmitted, false, RejectRequest),
            Ok(AwaitingRequest)
        );
        assert_eq!(
            seller_action(Delivering, false, DeliverService),
            Ok(AwaitingAcceptance)
        );
        assert!(seller_action(AwaitingAcceptance, false, DeliverService).is_err());
        assert!(seller_action(Completed, false, InitiateAppeal).is_err());
        assert_eq!(
            seller_action(AwaitingAcceptance, false, InitiateAppeal),
            Ok(AwaitingAcceptance)
        );
    }

    #[test]
    fn the_seller_has_grounds_when_the_customer_is_silent_or_rejects_three_times() {
        let r = FlowRules::default();
        let f = facts(FlowState::AwaitingAcceptance);
        assert!(!seller_has_appeal_grounds(&f, 5 * DAY, &r));
        assert!(seller_has_appeal_grounds(&f, 5 * DAY + 1, &r));
        let mut f = facts(FlowState::Delivering);
        f.customer_rejections = 3;
        assert!(seller_has_appeal_grounds(&f, 0, &r));
    }
}
