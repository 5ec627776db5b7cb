//! Service supervision (spec §5): which products are bought under it, the flow of a supervised
//! order, who must act, which seller actions each state allows and what they must carry, the
//! appeal rules and their reasons (5 days without an update, 3 rejections, completion 3 hours
//! after acceptance), and when a yearly/monthly order's usage period starts. The sandbox's
//! customers, the supervision desk and the stall alerts all ask these functions; the thresholds
//! come from the ruleset file.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::product::{Delivery, DeliveryMethod, Product};
use crate::spec::BillingMode;

/// Where a supervised order's service flow stands. Names are descriptive (the console's full list
/// of status strings is not documented); `label` gives the documented strings where they exist.
#[cfg_attr(feature = "specta", derive(specta::Type))]
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

/// The delivery method a customer buys this product through under service supervision, if any:
/// every professional service and license, and a SaaS product whose seller declared it
/// (`involves_service_supervision`). Images, hardware and consulting listings are not supervised.
pub fn supervised_method(p: &Product) -> Option<DeliveryMethod> {
    match &p.basic.delivery {
        Delivery::ProfessionalService { .. } => Some(DeliveryMethod::ProfessionalService),
        Delivery::License { .. } => Some(DeliveryMethod::License),
        Delivery::Saas {
            involves_service_supervision: true,
            ..
        } => Some(DeliveryMethod::Saas),
        _ => None,
    }
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Party {
    Seller,
    Customer,
    Operations,
    Nobody,
}

/// A seller's supervision action.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SellerAction {
    AcceptRequest,
    RejectRequest,
    DeliverService,
    InitiateAppeal,
}

/// The thresholds of the rules. Their values live in the ruleset file
/// (`crates/domain/rules/ruleset.json`, `service_flow`); `default()` gives the shipped ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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
        crate::lint::Ruleset::default().service_flow
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
    /// A field the action must carry, by its contract name.
    #[error("{}", missing_text(.0))]
    Missing(&'static str),
}

fn missing_text(field: &str) -> String {
    match field {
        "commitmentLetterId" => "commitmentLetterId is required for this action: when the customer cannot be reached, attach the Letter of Commitment on Requesting Appeal Handling".into(),
        other => format!("{other} is required for this action"),
    }
}

/// What a seller sends with an action, as far as the rules look at it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActionInput<'a> {
    pub reason: Option<&'a str>,
    pub result_text: Option<&'a str>,
    /// The actual enabling time of a delivery. Optional: without it the usage period of a
    /// yearly/monthly order starts at the customer's acceptance.
    pub actual_enabling_time: Option<i64>,
    /// An appeal because the customer cannot be reached.
    pub customer_unreachable: bool,
    pub has_commitment_letter: bool,
}

/// The fields an action must carry (spec §5.3): a reason to reject a request or to appeal, a
/// result description to deliver, and the Letter of Commitment on Requesting Appeal Handling when
/// the appeal is because the customer cannot be reached. Names are the contract's field names.
pub fn check_action_input(action: SellerAction, input: &ActionInput) -> Result<(), ActionError> {
    let given = |v: Option<&str>| v.is_some_and(|s| !s.trim().is_empty());
    match action {
        SellerAction::AcceptRequest => {}
        SellerAction::RejectRequest if !given(input.reason) => {
            return Err(ActionError::Missing("reason"))
        }
        SellerAction::DeliverService if !given(input.result_text) => {
            return Err(ActionError::Missing("resultText"))
        }
        SellerAction::InitiateAppeal if !given(input.reason) => {
            return Err(ActionError::Missing("reason"))
        }
        SellerAction::InitiateAppeal
            if input.customer_unreachable && !input.has_commitment_letter =>
        {
            return Err(ActionError::Missing("commitmentLetterId"))
        }
        _ => {}
    }
    Ok(())
}

/// Where the usage period of an order starts: for yearly/monthly billing, at the actual enabling
/// time the seller gave on delivery, else at the customer's acceptance; other billing modes have
/// no usage period.
pub fn usage_period_start(
    billing: BillingMode,
    actual_enabling_time: Option<i64>,
    accepted_at: Option<i64>,
) -> Option<i64> {
    matches!(billing, BillingMode::Yearly | BillingMode::Monthly)
        .then(|| actual_enabling_time.or(accepted_at))
        .flatten()
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

/// What kind of supervised order it is: its flow starts differently (a license has no request
/// step — the seller delivers it offline from the start).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Supervised {
    ProfessionalService,
    License,
    /// A SaaS product declared as involving service supervision.
    Saas,
}

impl Supervised {
    /// The state a new, paid order starts in.
    pub fn first_state(self) -> FlowState {
        match self {
            Supervised::License => FlowState::Delivering,
            Supervised::ProfessionalService | Supervised::Saas => FlowState::AwaitingRequest,
        }
    }

    /// Whether the customer sends a request the seller accepts or rejects.
    pub fn has_request(self) -> bool {
        self != Supervised::License
    }
}

/// An action decided on a flow version the order has since left (the marketplace refuses it
/// with `000102`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the order moved on since the action was decided (flow version {decided_on} → {current})")]
pub struct Stale {
    pub decided_on: u64,
    pub current: u64,
}

/// Whether a seller action decided on `decided_on` may apply to an order of `kind` now at
/// `current` (its flow version), `state` and appeal: the state it leads to, or why not — stale
/// first (what the seller saw is gone), then frozen, then the state and kind.
pub fn check_seller_action(
    kind: Supervised,
    state: FlowState,
    appeal_open: bool,
    current: u64,
    decided_on: u64,
    action: SellerAction,
) -> Result<Result<FlowState, ActionError>, Stale> {
    if decided_on != current {
        return Err(Stale {
            decided_on,
            current,
        });
    }
    Ok(seller_action_of(kind, state, appeal_open, action))
}

/// [`seller_action`] for an order of `kind`: a license has no request to accept or reject.
pub fn seller_action_of(
    kind: Supervised,
    state: FlowState,
    appeal_open: bool,
    action: SellerAction,
) -> Result<FlowState, ActionError> {
    let request_action = matches!(
        action,
        SellerAction::AcceptRequest | SellerAction::RejectRequest
    );
    if request_action && !kind.has_request() && !appeal_open {
        return Err(ActionError::NotNow { action, state });
    }
    seller_action(state, appeal_open, action)
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

/// Why a customer may appeal (R6, R7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AppealReason {
    /// The seller rejected the customer's request `rejection_limit` times.
    SellerRejections,
    /// The customer rejected the seller's delivery `rejection_limit` times.
    CustomerRejections,
    /// The flow waits for the seller, who has not updated it for more than `stall_days`.
    SellerSilence,
}

impl AppealReason {
    /// The reason as the customer states it, with the thresholds in force.
    pub fn customer_text(self, rules: &FlowRules) -> String {
        match self {
            AppealReason::SellerRejections => format!(
                "The seller rejected my request {} times.",
                rules.rejection_limit
            ),
            AppealReason::CustomerRejections => format!(
                "The delivery was still not what we ordered after {} attempts.",
                rules.rejection_limit
            ),
            AppealReason::SellerSilence => format!(
                "The seller has not updated the service for more than {} days.",
                rules.stall_days
            ),
        }
    }
}

/// Why the customer may appeal now, if they may: either side has hit the rejection limit, or the
/// flow waits for the seller and the seller has not updated it for more than `stall_days`.
pub fn customer_appeal_reason(f: &FlowFacts, now: i64, rules: &FlowRules) -> Option<AppealReason> {
    if f.appeal_open || !f.state.is_open() {
        return None;
    }
    if f.seller_rejections >= rules.rejection_limit {
        return Some(AppealReason::SellerRejections);
    }
    if f.customer_rejections >= rules.rejection_limit {
        return Some(AppealReason::CustomerRejections);
    }
    (f.state.waiting_for() == Party::Seller && now - f.flow_updated_at > rules.stall_days * 86_400)
        .then_some(AppealReason::SellerSilence)
}

/// Whether the customer may appeal now (R6, R7); see [`customer_appeal_reason`].
pub fn customer_may_appeal(f: &FlowFacts, now: i64, rules: &FlowRules) -> bool {
    customer_appeal_reason(f, now, rules).is_some()
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

/// How close an order is to the customer's right to appeal for the seller's silence — the desk's
/// traffic light. Ordered from least to most pressing for the seller.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Closed: accepted or completed.
    Done,
    /// Frozen by an appeal until Operations decides.
    Frozen,
    /// The flow waits for the customer.
    TheirMove,
    /// The seller's move, well within the line (green).
    Calm,
    /// The seller's move, `stall_days - 2` days or more since the last update (amber).
    Soon,
    /// The seller's move, `stall_days - 1` days or more (red).
    Urgent,
    /// The customer may appeal now (past the line, or a side hit the rejection limit).
    Appealable,
}

/// Where an order stands against the 5-day line (with the thresholds in force) at `now`.
pub fn urgency(f: &FlowFacts, now: i64, rules: &FlowRules) -> Urgency {
    if !f.state.is_open() {
        return Urgency::Done;
    }
    if f.appeal_open {
        return Urgency::Frozen;
    }
    if customer_may_appeal(f, now, rules) {
        return Urgency::Appealable;
    }
    if f.state.waiting_for() != Party::Seller {
        return Urgency::TheirMove;
    }
    let idle = now - f.flow_updated_at;
    if idle >= (rules.stall_days - 1).max(0) * 86_400 {
        Urgency::Urgent
    } else if idle >= (rules.stall_days - 2).max(0) * 86_400 {
        Urgency::Soon
    } else {
        Urgency::Calm
    }
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

    /// Every kind × state × action, with and without an open appeal, written out by hand: what
    /// the flow allows (→ the next state) and what it refuses.
    #[test]
    fn every_state_and_action_of_each_kind_as_a_table() {
        use FlowState::*;
        use SellerAction::*;
        let states = [
            AwaitingRequest,
            RequestSubmitted,
            Delivering,
            AwaitingAcceptance,
            Accepted,
            Completed,
        ];
        let actions = [AcceptRequest, RejectRequest, DeliverService, InitiateAppeal];
        // (state, [accept, reject, deliver, appeal]) for a professional service / supervised SaaS.
        let with_request: [(FlowState, [Option<FlowState>; 4]); 6] = [
            (AwaitingRequest, [None, None, None, Some(AwaitingRequest)]),
            (
                RequestSubmitted,
                [
                    Some(Delivering),
                    Some(AwaitingRequest),
                    None,
                    Some(RequestSubmitted),
                ],
            ),
            (
                Delivering,
                [None, None, Some(AwaitingAcceptance), Some(Delivering)],
            ),
            (
                AwaitingAcceptance,
                [None, None, None, Some(AwaitingAcceptance)],
            ),
            (Accepted, [None, None, None, None]),
            (Completed, [None, None, None, None]),
        ];
        // A license: no request step, so accept and reject are never possible.
        let license: [(FlowState, [Option<FlowState>; 4]); 6] = [
            (AwaitingRequest, [None, None, None, Some(AwaitingRequest)]),
            (RequestSubmitted, [None, None, None, Some(RequestSubmitted)]),
            (
                Delivering,
                [None, None, Some(AwaitingAcceptance), Some(Delivering)],
            ),
            (
                AwaitingAcceptance,
                [None, None, None, Some(AwaitingAcceptance)],
            ),
            (Accepted, [None, None, None, None]),
            (Completed, [None, None, None, None]),
        ];
        for (kind, table) in [
            (Supervised::ProfessionalService, &with_request),
            (Supervised::Saas, &with_request),
            (Supervised::License, &license),
        ] {
            assert_eq!(table.map(|(s, _)| s), states, "{kind:?}: every state");
            for (state, row) in table {
                for (action, want) in actions.iter().zip(row) {
                    let got =
                        check_seller_action(kind, *state, false, 7, 7, *action).expect("current");
                    assert_eq!(got.clone().ok(), *want, "{kind:?} {state:?} {action:?}");
                    if want.is_none() {
                        assert!(
                            matches!(got, Err(ActionError::NotNow { .. })),
                            "{kind:?} {state:?} {action:?}: {got:?}"
                        );
                    }
                    // An open appeal freezes every action, whatever the state.
                    assert_eq!(
                        check_seller_action(kind, *state, true, 7, 7, *action),
                        Ok(Err(ActionError::Frozen)),
                        "{kind:?} {state:?} {action:?} frozen"
                    );
                    // Decided on another flow version: stale, before anything else.
                    for decided_on in [6, 8] {
                        assert_eq!(
                            check_seller_action(kind, *state, true, 7, decided_on, *action),
                            Err(Stale {
                                decided_on,
                                current: 7
                            })
                        );
                    }
                }
            }
        }
        assert_eq!(Supervised::License.first_state(), Delivering);
        assert_eq!(Supervised::Saas.first_state(), AwaitingRequest);
        assert_eq!(
            Supervised::ProfessionalService.first_state(),
            AwaitingRequest
        );
    }

    #[test]
    fn appeal_reasons_name_the_rule_that_opened_the_right() {
        let r = FlowRules::default();
        let f = facts(FlowState::Delivering);
        assert_eq!(customer_appeal_reason(&f, 5 * DAY, &r), None);
        assert_eq!(
            customer_appeal_reason(&f, 5 * DAY + 1, &r),
            Some(AppealReason::SellerSilence)
        );
        let mut f = facts(FlowState::AwaitingAcceptance);
        f.customer_rejections = 3;
        assert_eq!(
            customer_appeal_reason(&f, 0, &r),
            Some(AppealReason::CustomerRejections)
        );
        f.seller_rejections = 3;
        assert_eq!(
            customer_appeal_reason(&f, 0, &r),
            Some(AppealReason::SellerRejections)
        );
        let strict = FlowRules {
            stall_days: 2,
            rejection_limit: 2,
            completion_delay_hours: 1,
        };
        assert!(AppealReason::SellerSilence
            .customer_text(&strict)
            .contains("more than 2 days"));
        assert!(AppealReason::SellerRejections
            .customer_text(&r)
            .contains("3 times"));
        let mut f = facts(FlowState::RequestSubmitted);
        f.seller_rejections = 2;
        assert_eq!(
            customer_appeal_reason(&f, 0, &strict),
            Some(AppealReason::SellerRejections)
        );
    }

    #[test]
    fn actions_carry_what_the_rules_require() {
        use SellerAction::*;
        let none = ActionInput::default();
        assert_eq!(check_action_input(AcceptRequest, &none), Ok(()));
        assert_eq!(
            check_action_input(RejectRequest, &none),
            Err(ActionError::Missing("reason"))
        );
        let blank = ActionInput {
            reason: Some("  "),
            result_text: Some(""),
            ..none
        };
        assert_eq!(
            check_action_input(RejectRequest, &blank),
            Err(ActionError::Missing("reason"))
        );
        assert_eq!(
            check_action_input(DeliverService, &blank),
            Err(ActionError::Missing("resultText"))
        );
        // The enabling time is optional.
        let delivered = ActionInput {
            result_text: Some("Migrated 12 servers."),
            ..none
        };
        assert_eq!(check_action_input(DeliverService, &delivered), Ok(()));
        let unreachable = ActionInput {
            reason: Some("The customer does not answer."),
            customer_unreachable: true,
            ..none
        };
        assert_eq!(
            check_action_input(InitiateAppeal, &unreachable),
            Err(ActionError::Missing("commitmentLetterId"))
        );
        let with_letter = ActionInput {
            has_commitment_letter: true,
            ..unreachable
        };
        assert_eq!(check_action_input(InitiateAppeal, &with_letter), Ok(()));
        assert_eq!(
            ActionError::Missing("reason").to_string(),
            "reason is required for this action"
        );
    }

    #[test]
    fn a_usage_period_starts_at_enabling_else_at_acceptance_and_only_when_periodic() {
        use BillingMode::*;
        assert_eq!(usage_period_start(Yearly, Some(100), Some(900)), Some(100));
        assert_eq!(usage_period_start(Monthly, None, Some(900)), Some(900));
        assert_eq!(usage_period_start(Monthly, None, None), None);
        assert_eq!(usage_period_start(OneTime, Some(100), Some(900)), None);
        assert_eq!(usage_period_start(PayPerUse, None, Some(900)), None);
    }

    #[test]
    fn supervision_covers_services_licenses_and_declared_saas_only() {
        let mut p = Product::new(DeliveryMethod::ProfessionalService);
        assert_eq!(
            supervised_method(&p),
            Some(DeliveryMethod::ProfessionalService)
        );
        p = Product::new(DeliveryMethod::License);
        assert_eq!(supervised_method(&p), Some(DeliveryMethod::License));
        p = Product::new(DeliveryMethod::Saas);
        assert_eq!(supervised_method(&p), None);
        if let Delivery::Saas {
            involves_service_supervision,
            ..
        } = &mut p.basic.delivery
        {
            *involves_service_supervision = true;
        }
        assert_eq!(supervised_method(&p), Some(DeliveryMethod::Saas));
        for m in [
            DeliveryMethod::Image,
            DeliveryMethod::Hardware,
            DeliveryMethod::ConsultingService,
        ] {
            assert_eq!(supervised_method(&Product::new(m)), None, "{m:?}");
        }
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

    #[test]
    fn urgency_follows_the_five_day_line_and_the_rejection_limit() {
        let rules = FlowRules::default();
        assert_eq!(rules.stall_days, 5);
        const H: i64 = 3600;
        const D: i64 = 86_400;
        let at = |state, idle: i64| {
            let f = facts(state);
            urgency(&f, f.flow_updated_at + idle, &rules)
        };
        let table = [
            (FlowState::RequestSubmitted, 0, Urgency::Calm),
            (FlowState::RequestSubmitted, 3 * D - 1, Urgency::Calm),
            (FlowState::RequestSubmitted, 3 * D, Urgency::Soon),
            (FlowState::Delivering, 4 * D - 1, Urgency::Soon),
            (FlowState::Delivering, 4 * D, Urgency::Urgent),
            (FlowState::Delivering, 5 * D - 4 * H, Urgency::Urgent),
            (FlowState::Delivering, 5 * D, Urgency::Urgent),
            (FlowState::Delivering, 5 * D + 1, Urgency::Appealable),
            (FlowState::AwaitingRequest, 9 * D, Urgency::TheirMove),
            (FlowState::AwaitingAcceptance, 9 * D, Urgency::TheirMove),
            (FlowState::Accepted, 9 * D, Urgency::Done),
            (FlowState::Completed, 0, Urgency::Done),
        ];
        for (state, idle, want) in table {
            assert_eq!(at(state, idle), want, "{state:?} after {idle} s");
        }
        let frozen = FlowFacts {
            appeal_open: true,
            ..facts(FlowState::Delivering)
        };
        assert_eq!(urgency(&frozen, 9 * D, &rules), Urgency::Frozen);
        let rejected = FlowFacts {
            customer_rejections: 3,
            ..facts(FlowState::Delivering)
        };
        assert_eq!(urgency(&rejected, 0, &rules), Urgency::Appealable);
        // Other thresholds, other lines.
        let strict = FlowRules {
            stall_days: 3,
            ..rules
        };
        let f = facts(FlowState::Delivering);
        assert_eq!(urgency(&f, D, &strict), Urgency::Soon);
        assert_eq!(urgency(&f, 2 * D, &strict), Urgency::Urgent);
        assert!(Urgency::Appealable > Urgency::Urgent && Urgency::Calm > Urgency::TheirMove);
    }
}
