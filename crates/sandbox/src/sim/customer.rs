//! What the simulated customers and the operations manager decide, as pure functions: an order
//! (and the time, the seed and the rules) in, a move out. `orders` applies the move in SQL.

use koodesk_domain::product::Product;
use koodesk_domain::spec::BillingMode;
use koodesk_domain::supervision::{self, AppealReason, FlowFacts, FlowRules, FlowState, Party};
use koodesk_market::contract::{AppealStatus, ProductStatus, ServiceOrder};

use super::{parse_ts, pick, roll, DAY, HOUR};

/// The next thing that happens to an order that is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// The operations manager resolves the open appeal; `close` ends the order (a seller's
    /// appeal with the commitment letter: the customer could not be reached).
    ResolveAppeal {
        close: bool,
    },
    /// The customer appeals.
    Appeal(AppealReason),
    /// The customer submits a request (with a filled copy of each request template).
    SubmitRequest {
        text: &'static str,
    },
    /// The customer reminds a seller who has not updated the flow for `days` days.
    Remind {
        days: i64,
    },
    RejectDelivery,
    AcceptDelivery,
    /// The completion delay after acceptance has passed.
    Complete,
    Nothing,
}

const REQUEST_TEXTS: [&str; 3] = [
    "Please migrate our 12 servers before the end of the month. Details are in the attached form.",
    "We need the service for our Shanghai office; the filled request form is attached.",
    "Start as soon as possible, please. Contact: ops@example.com.",
];

const CUSTOMERS: [&str; 6] = [
    "Northwind Retail",
    "Contoso Ltd.",
    "Fabrikam Logistics",
    "Tailspin Travel",
    "深圳星河科技有限公司",
    "Adatum Health",
];

/// The key every roll about an order's next move is made from: it changes with every step.
pub fn step_key(o: &ServiceOrder) -> String {
    format!("{}:{}:{}", o.order_id, o.version, o.records.len())
}

pub fn facts(o: &ServiceOrder) -> FlowFacts {
    FlowFacts {
        state: o.flow_state,
        appeal_open: o.appeal.status == AppealStatus::InProgress,
        flow_updated_at: parse_ts(&o.flow_updated_at).unwrap_or(0),
        seller_rejections: o.seller_rejections,
        customer_rejections: o.customer_rejections,
    }
}

/// Who must act now: the operations manager while an appeal is open, else the flow's side.
pub fn waiting_for(o: &ServiceOrder) -> Party {
    if o.appeal.status == AppealStatus::InProgress {
        Party::Operations
    } else {
        o.flow_state.waiting_for()
    }
}

/// What happens to an order that is due at `at`.
pub fn next_move(o: &ServiceOrder, at: i64, seed: u64, rules: &FlowRules) -> Move {
    let key = step_key(o);
    if o.appeal.status == AppealStatus::InProgress {
        return Move::ResolveAppeal {
            close: o.appeal.initiated_by == Some(Party::Seller)
                && o.appeal.commitment_letter_id.is_some(),
        };
    }
    if let Some(reason) = supervision::customer_appeal_reason(&facts(o), at, rules) {
        if roll(seed, &format!("{key}:appeal")) % 100 < 70 {
            return Move::Appeal(reason);
        }
    }
    match o.flow_state {
        FlowState::AwaitingRequest => Move::SubmitRequest {
            text: REQUEST_TEXTS[(roll(seed, &format!("{key}:text")) % 3) as usize],
        },
        FlowState::RequestSubmitted | FlowState::Delivering => {
            let since = parse_ts(&o.flow_updated_at).unwrap_or(at);
            if at - since >= 3 * DAY {
                Move::Remind {
                    days: (at - since) / DAY,
                }
            } else {
                Move::Nothing
            }
        }
        FlowState::AwaitingAcceptance => {
            if roll(seed, &format!("{key}:verdict")) % 100 < 25 {
                Move::RejectDelivery
            } else {
                Move::AcceptDelivery
            }
        }
        FlowState::Accepted => Move::Complete,
        FlowState::Completed => Move::Nothing,
    }
}

/// When the customer (or the operations manager) next looks at the order.
pub fn next_step(o: &ServiceOrder, now: i64, seed: u64, rules: &FlowRules) -> Option<i64> {
    let key = step_key(o);
    if o.appeal.status == AppealStatus::InProgress {
        return Some(now + pick(seed, &format!("{key}:ops"), 2 * 24, 5 * 24) * HOUR);
    }
    match o.flow_state {
        FlowState::AwaitingRequest => {
            Some(now + pick(seed, &format!("{key}:request"), 2, 30) * HOUR)
        }
        // Waiting for the seller: the customer checks back daily from day 3.
        FlowState::RequestSubmitted | FlowState::Delivering => {
            let since = parse_ts(&o.flow_updated_at).unwrap_or(now);
            Some((since + 3 * DAY).max(now + HOUR))
        }
        FlowState::AwaitingAcceptance => {
            Some(now + pick(seed, &format!("{key}:accept"), 4, 48) * HOUR)
        }
        FlowState::Accepted => Some(
            parse_ts(o.accepted_at.as_deref().unwrap_or("")).unwrap_or(now)
                + rules.completion_delay_hours * HOUR,
        ),
        FlowState::Completed => None,
    }
}

/// Whether a customer buys in this purchase slot: listed products always, hidden ones (Public
/// Sales off, bought through their URL) in one slot of four, offline ones never.
pub fn buys(status: ProductStatus, seed: u64, key: &str) -> bool {
    match status {
        ProductStatus::Online => true,
        ProductStatus::Hidden => roll(seed, key) % 4 == 0,
        ProductStatus::Offline => false,
    }
}

/// The billing mode a customer picks among the product's specifications on sale.
pub fn billing_choice(p: &Product, seed: u64, key: &str) -> Option<BillingMode> {
    let modes: Vec<BillingMode> = p
        .specifications
        .iter()
        .filter(|s| !s.removed)
        .flat_map(|s| s.billing_modes.iter().copied())
        .collect();
    (!modes.is_empty()).then(|| modes[(roll(seed, key) % modes.len() as u64) as usize])
}

pub fn customer_name(seed: u64, order_id: &str) -> &'static str {
    CUSTOMERS[(roll(seed, &format!("{order_id}:customer")) % CUSTOMERS.len() as u64) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use koodesk_market::contract::{Appeal, OrderDelivery, OrderStatus};

    fn order(state: FlowState, updated: i64) -> ServiceOrder {
        ServiceOrder {
            order_id: "CS2611230900ABCDE".into(),
            order_line_id: "CS2611230900ABCDE-000001".into(),
            product_id: "OFFI1".into(),
            product_name: "Migration".into(),
            delivery_method: OrderDelivery::ProfessionalService,
            order_status: OrderStatus::Processing,
            flow_state: state,
            waiting_for: state.waiting_for(),
            customer_name: "Contoso Ltd.".into(),
            created_at: super::super::ts(0),
            flow_updated_at: super::super::ts(updated),
            seller_updated_at: super::super::ts(updated),
            customer_updated_at: super::super::ts(updated),
            seller_rejections: 0,
            customer_rejections: 0,
            request: None,
            delivery: None,
            accepted_at: None,
            billing_mode: None,
            avg_delivery_days: None,
            usage_period_starts_at: None,
            appeal: Appeal::none(),
            records: Vec::new(),
            version: 1,
            flow_version: 1,
            updated_at: super::super::ts(updated),
        }
    }

    /// The first seed from 1 whose `key` roll lands where `want` says.
    fn seed_where(o: &ServiceOrder, suffix: &str, want: impl Fn(u64) -> bool) -> u64 {
        let key = format!("{}:{suffix}", step_key(o));
        (1..10_000)
            .find(|s| want(roll(*s, &key) % 100))
            .expect("a seed")
    }

    #[test]
    fn an_open_appeal_is_resolved_and_closes_only_a_sellers_appeal_with_the_letter() {
        let rules = FlowRules::default();
        let mut o = order(FlowState::Delivering, 0);
        o.appeal.status = AppealStatus::InProgress;
        o.appeal.initiated_by = Some(Party::Customer);
        assert_eq!(
            next_move(&o, DAY, 1, &rules),
            Move::ResolveAppeal { close: false }
        );
        o.appeal.initiated_by = Some(Party::Seller);
        assert_eq!(
            next_move(&o, DAY, 1, &rules),
            Move::ResolveAppeal { close: false }
        );
        o.appeal.commitment_letter_id = Some("ATT-1".into());
        assert_eq!(
            next_move(&o, DAY, 1, &rules),
            Move::ResolveAppeal { close: true }
        );
        assert_eq!(waiting_for(&o), Party::Operations);
    }

    #[test]
    fn a_customer_appeals_with_the_domains_reason_once_the_right_opens() {
        let rules = FlowRules::default();
        let o = order(FlowState::Delivering, 0);
        let seed = seed_where(&o, "appeal", |r| r < 70);
        // Day 4: a reminder, no appeal yet.
        assert_eq!(
            next_move(&o, 4 * DAY, seed, &rules),
            Move::Remind { days: 4 }
        );
        assert_eq!(
            next_move(&o, 5 * DAY + 1, seed, &rules),
            Move::Appeal(AppealReason::SellerSilence)
        );
        // A stricter ruleset moves the line.
        let strict = FlowRules {
            stall_days: 2,
            ..rules
        };
        assert_eq!(
            next_move(&o, 2 * DAY + 1, seed, &strict),
            Move::Appeal(AppealReason::SellerSilence)
        );
        let mut o = order(FlowState::AwaitingRequest, 0);
        o.seller_rejections = 3;
        let seed = seed_where(&o, "appeal", |r| r < 70);
        assert_eq!(
            next_move(&o, HOUR, seed, &rules),
            Move::Appeal(AppealReason::SellerRejections)
        );
        let patient = seed_where(&o, "appeal", |r| r >= 70);
        assert!(matches!(
            next_move(&o, HOUR, patient, &rules),
            Move::SubmitRequest { .. }
        ));
    }

    #[test]
    fn a_delivery_is_accepted_or_rejected_and_acceptance_completes_after_the_delay() {
        let rules = FlowRules::default();
        let o = order(FlowState::AwaitingAcceptance, 0);
        let rejecting = seed_where(&o, "verdict", |r| r < 25);
        let accepting = seed_where(&o, "verdict", |r| r >= 25);
        assert_eq!(next_move(&o, HOUR, rejecting, &rules), Move::RejectDelivery);
        assert_eq!(next_move(&o, HOUR, accepting, &rules), Move::AcceptDelivery);
        let mut o = order(FlowState::Accepted, 0);
        o.accepted_at = Some(super::super::ts(1000));
        assert_eq!(next_step(&o, 1000, 1, &rules), Some(1000 + 3 * HOUR));
        let slow = FlowRules {
            completion_delay_hours: 24,
            ..rules
        };
        assert_eq!(next_step(&o, 1000, 1, &slow), Some(1000 + 24 * HOUR));
        assert_eq!(next_move(&o, 1000 + 3 * HOUR, 1, &rules), Move::Complete);
        assert_eq!(
            next_step(&order(FlowState::Completed, 0), 0, 1, &rules),
            None
        );
    }

    #[test]
    fn hidden_products_are_bought_now_and_then_and_offline_ones_never() {
        let slots = 400;
        let count = |status| {
            (0..slots)
                .filter(|i| buys(status, 7, &format!("p:{i}")))
                .count()
        };
        assert_eq!(count(ProductStatus::Online), slots);
        assert_eq!(count(ProductStatus::Offline), 0);
        let hidden = count(ProductStatus::Hidden);
        assert!((50..=150).contains(&hidden), "{hidden} of {slots}");
    }

    #[test]
    fn customers_pick_a_billing_mode_of_a_specification_on_sale() {
        use koodesk_domain::product::DeliveryMethod;
        use koodesk_domain::spec::Specification;
        let mut p = Product::new(DeliveryMethod::ProfessionalService);
        assert_eq!(billing_choice(&p, 1, "k"), None);
        p.specifications = vec![
            Specification {
                id: "a".into(),
                billing_modes: vec![BillingMode::OneTime],
                removed: true,
                ..Default::default()
            },
            Specification {
                id: "b".into(),
                billing_modes: vec![BillingMode::Yearly, BillingMode::Monthly],
                ..Default::default()
            },
        ];
        for i in 0..50 {
            let m = billing_choice(&p, i, "k");
            assert!(
                matches!(m, Some(BillingMode::Yearly | BillingMode::Monthly)),
                "{m:?}"
            );
        }
    }
}
