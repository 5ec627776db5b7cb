//! The alert planner: from what the sync engine pulled (the marketplace's events, the supervised
//! orders) and the seller's own queue, which alerts are due at a moment — each with a stable key,
//! so whoever records them raises each once however often the planner runs.
//!
//! Pure, with the clocks passed in: flow thresholds are measured in marketplace time (`now`, the
//! marketplace's clock as the sync engine measured it), quiet hours in the seller's local time
//! ([`held_by_quiet_hours`]).

use serde::{Deserialize, Serialize};

use crate::supervision::{FlowRules, FlowState, Party};

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

/// What an alert is about.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    ReviewApproved,
    ReviewRejected,
    NewOrder,
    RequestSubmitted,
    CustomerReminder,
    DeliveryAccepted,
    DeliveryRejected,
    AppealOpened,
    AppealDecided,
    OrderCompleted,
    SupportReviewed,
    /// The marketplace refused something the seller queued (with its message).
    SubmissionRefused,
    /// The account's keys were refused (401/403).
    KeysRefused,
    /// A queued item has waited more than a day.
    QueueStuck,
    /// No seller update for `stall − 2` days (3 by default).
    StallWarning,
    /// No seller update for `stall − 1` days: the customer may appeal tomorrow.
    StallUrgent,
    /// No seller update for more than `stall` days: the customer may appeal now.
    StallAppealable,
    /// The customer has been silent for more than `stall` days: the seller may appeal.
    CustomerSilent,
    /// 80 % of the product's average delivery days used since the request was accepted.
    DeliveryDueSoon,
    /// 100 % used.
    DeliveryOverdue,
    /// A side reached the rejection limit (3 by default): the customer may appeal.
    RejectionLimit,
    /// A sample the seller asked for (Notifications → Send a test).
    Test,
}

impl AlertKind {
    pub const ALL: [AlertKind; 22] = [
        AlertKind::ReviewApproved,
        AlertKind::ReviewRejected,
        AlertKind::NewOrder,
        AlertKind::RequestSubmitted,
        AlertKind::CustomerReminder,
        AlertKind::DeliveryAccepted,
        AlertKind::DeliveryRejected,
        AlertKind::AppealOpened,
        AlertKind::AppealDecided,
        AlertKind::OrderCompleted,
        AlertKind::SupportReviewed,
        AlertKind::SubmissionRefused,
        AlertKind::KeysRefused,
        AlertKind::QueueStuck,
        AlertKind::StallWarning,
        AlertKind::StallUrgent,
        AlertKind::StallAppealable,
        AlertKind::CustomerSilent,
        AlertKind::DeliveryDueSoon,
        AlertKind::DeliveryOverdue,
        AlertKind::RejectionLimit,
        AlertKind::Test,
    ];

    /// The name used in keys, settings and the database.
    pub fn name(self) -> &'static str {
        match self {
            AlertKind::ReviewApproved => "review_approved",
            AlertKind::ReviewRejected => "review_rejected",
            AlertKind::NewOrder => "new_order",
            AlertKind::RequestSubmitted => "request_submitted",
            AlertKind::CustomerReminder => "customer_reminder",
            AlertKind::DeliveryAccepted => "delivery_accepted",
            AlertKind::DeliveryRejected => "delivery_rejected",
            AlertKind::AppealOpened => "appeal_opened",
            AlertKind::AppealDecided => "appeal_decided",
            AlertKind::OrderCompleted => "order_completed",
            AlertKind::SupportReviewed => "support_reviewed",
            AlertKind::SubmissionRefused => "submission_refused",
            AlertKind::KeysRefused => "keys_refused",
            AlertKind::QueueStuck => "queue_stuck",
            AlertKind::StallWarning => "stall_warning",
            AlertKind::StallUrgent => "stall_urgent",
            AlertKind::StallAppealable => "stall_appealable",
            AlertKind::CustomerSilent => "customer_silent",
            AlertKind::DeliveryDueSoon => "delivery_due_soon",
            AlertKind::DeliveryOverdue => "delivery_overdue",
            AlertKind::RejectionLimit => "rejection_limit",
            AlertKind::Test => "test",
        }
    }

    pub fn parse(name: &str) -> Option<AlertKind> {
        AlertKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Urgent alerts may break through quiet hours (when the seller allows it).
    pub fn urgent(self) -> bool {
        matches!(
            self,
            AlertKind::StallUrgent
                | AlertKind::StallAppealable
                | AlertKind::KeysRefused
                | AlertKind::AppealOpened
        )
    }
}

/// What a click on the alert opens.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Target {
    Order(String),
    Application(String),
    /// The waiting queue (Applications page).
    Queue,
    /// The account's settings.
    Account,
    /// Services & support.
    Support,
}

/// One alert as planned: raised once per key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// Stable: the same fact always gives the same key (a new stall period, a new key).
    pub key: String,
    pub kind: AlertKind,
    pub target: Target,
    /// When it became due, in marketplace time (Unix seconds).
    pub due_at: i64,
    /// What it is about: a product or application name, an order id.
    pub subject: String,
    /// The marketplace's words: a reviewer's comment, a refusal's message.
    pub detail: Option<String>,
}

/// A marketplace event the sync engine pulled (the contract's event feed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFact {
    pub id: String,
    pub kind: AlertKind,
    pub at: i64,
    pub application_id: Option<String>,
    pub order_id: Option<String>,
    pub summary: String,
}

/// A supervised order as last pulled, as far as the stall alerts look at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFact {
    pub order_id: String,
    pub product_name: String,
    pub state: FlowState,
    pub appeal_open: bool,
    /// When the flow last moved (the last update by either side).
    pub flow_updated_at: i64,
    pub seller_rejections: u32,
    pub customer_rejections: u32,
    /// When the seller accepted the customer's request (the delivery clock starts there).
    pub request_accepted_at: Option<i64>,
    /// The product's average delivery days as it was when ordered.
    pub avg_delivery_days: Option<u32>,
}

/// The seller's own queue, as far as alerts look at it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFacts {
    /// Refused items: (client token, what it was, the marketplace's message, when).
    pub refused: Vec<(String, String, String, i64)>,
    /// The keys were refused: (when, the message).
    pub keys_refused: Option<(i64, String)>,
    /// Items waiting: (client token, what it is, queued at).
    pub waiting: Vec<(String, String, i64)>,
}

/// The lead times of the alerts: the ruleset's flow rules and the seller's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertRules {
    pub flow: FlowRules,
    /// Days before the stall line for the warning (2: at 3 days of 5).
    pub warn_days_before: i64,
    /// Days before the stall line for the urgent alert (1: at 4 days of 5).
    pub urgent_days_before: i64,
    /// Percent of the average delivery days for the "due soon" alert.
    pub delivery_warn_percent: u32,
    /// Hours a queued item may wait before it is called stuck.
    pub stuck_hours: i64,
}

impl AlertRules {
    pub fn new(flow: FlowRules) -> Self {
        AlertRules {
            flow,
            warn_days_before: 2,
            urgent_days_before: 1,
            delivery_warn_percent: 80,
            stuck_hours: 24,
        }
    }
}

/// Every alert due at `now` (marketplace time). Whoever records them skips keys already raised.
/// Of a stall's levels only the most severe due is planned (a computer asleep for a week is told
/// once that the customer may appeal, not three times).
pub fn plan(
    events: &[EventFact],
    orders: &[OrderFact],
    queue: &QueueFacts,
    now: i64,
    rules: &AlertRules,
) -> Vec<Alert> {
    let mut out = Vec::new();
    for e in events.iter().filter(|e| e.at <= now) {
        let target = match (&e.order_id, &e.application_id) {
            (Some(o), _) => Target::Order(o.clone()),
            (None, Some(a)) => Target::Application(a.clone()),
            (None, None) => Target::Support,
        };
        out.push(Alert {
            key: format!("event:{}", e.id),
            kind: e.kind,
            target,
            due_at: e.at,
            subject: e
                .order_id
                .clone()
                .or_else(|| e.application_id.clone())
                .unwrap_or_default(),
            detail: Some(e.summary.clone()).filter(|s| !s.is_empty()),
        });
    }
    for o in orders {
        stall_alerts(o, now, rules, &mut out);
    }
    for (token, what, message, at) in &queue.refused {
        out.push(Alert {
            key: format!("refused:{token}"),
            kind: AlertKind::SubmissionRefused,
            target: Target::Queue,
            due_at: *at,
            subject: what.clone(),
            detail: Some(message.clone()),
        });
    }
    if let Some((at, message)) = &queue.keys_refused {
        out.push(Alert {
            key: format!("keys:{at}"),
            kind: AlertKind::KeysRefused,
            target: Target::Account,
            due_at: *at,
            subject: String::new(),
            detail: Some(message.clone()),
        });
    }
    for (token, what, since) in &queue.waiting {
        let due = since + rules.stuck_hours * HOUR;
        if now > due {
            out.push(Alert {
                key: format!("stuck:{token}"),
                kind: AlertKind::QueueStuck,
                target: Target::Queue,
                due_at: due,
                subject: what.clone(),
                detail: None,
            });
        }
    }
    out
}

fn stall_alerts(o: &OrderFact, now: i64, rules: &AlertRules, out: &mut Vec<Alert>) {
    if o.appeal_open || !o.state.is_open() {
        return;
    }
    let alert = |kind: AlertKind, key: String, due_at: i64, detail: Option<String>| Alert {
        key,
        kind,
        target: Target::Order(o.order_id.clone()),
        due_at,
        subject: o.product_name.clone(),
        detail,
    };
    let since = o.flow_updated_at;
    let stall = rules.flow.stall_days * DAY;
    match o.state.waiting_for() {
        Party::Seller => {
            // The most severe level due; the key names the level and the stall period.
            let levels = [
                (AlertKind::StallAppealable, since + stall, true),
                (
                    AlertKind::StallUrgent,
                    since + stall - rules.urgent_days_before * DAY,
                    false,
                ),
                (
                    AlertKind::StallWarning,
                    since + stall - rules.warn_days_before * DAY,
                    false,
                ),
            ];
            // "More than 5 days": strictly past the line; the others at the threshold.
            if let Some((kind, due, _)) =
                levels
                    .into_iter()
                    .find(|&(_, due, strict)| if strict { now > due } else { now >= due })
            {
                out.push(alert(
                    kind,
                    format!("{}:{}:{since}", kind.name(), o.order_id),
                    due,
                    None,
                ));
            }
        }
        Party::Customer if now > since + stall => {
            let kind = AlertKind::CustomerSilent;
            out.push(alert(
                kind,
                format!("{}:{}:{since}", kind.name(), o.order_id),
                since + stall,
                None,
            ));
        }
        _ => {}
    }
    if let (FlowState::Delivering, Some(start), Some(days)) =
        (o.state, o.request_accepted_at, o.avg_delivery_days)
    {
        let span = i64::from(days) * DAY;
        let soon = start + span * i64::from(rules.delivery_warn_percent) / 100;
        let over = start + span;
        let level = if now >= over {
            Some((AlertKind::DeliveryOverdue, over))
        } else if now >= soon {
            Some((AlertKind::DeliveryDueSoon, soon))
        } else {
            None
        };
        if let Some((kind, due)) = level {
            out.push(alert(
                kind,
                format!("{}:{}:{start}", kind.name(), o.order_id),
                due,
                Some(days.to_string()),
            ));
        }
    }
    let limit = rules.flow.rejection_limit;
    for (side, n) in [
        ("seller", o.seller_rejections),
        ("customer", o.customer_rejections),
    ] {
        if limit > 0 && n >= limit {
            let kind = AlertKind::RejectionLimit;
            out.push(alert(
                kind,
                format!("{}:{}:{side}", kind.name(), o.order_id),
                since,
                Some(format!("{side}:{n}")),
            ));
        }
    }
}

/// Quiet hours in the seller's local time, minutes from midnight: `start..end`, wrapping past
/// midnight when `start > end` (22:00–07:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    pub start_minute: u32,
    pub end_minute: u32,
    /// Urgent stall alerts are delivered even in quiet hours.
    pub urgent_breaks_through: bool,
}

/// Whether quiet hours hold an alert back at `local_minute` (minutes since local midnight).
pub fn held_by_quiet_hours(kind: AlertKind, quiet: Option<&QuietHours>, local_minute: u32) -> bool {
    let Some(q) = quiet else { return false };
    if q.start_minute == q.end_minute {
        return false;
    }
    let inside = if q.start_minute < q.end_minute {
        (q.start_minute..q.end_minute).contains(&local_minute)
    } else {
        local_minute >= q.start_minute || local_minute < q.end_minute
    };
    inside && !(q.urgent_breaks_through && kind.urgent())
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_795_424_400; // 2026-11-23 09:00 UTC

    fn rules() -> AlertRules {
        AlertRules::new(FlowRules::default())
    }

    fn order(state: FlowState, since: i64) -> OrderFact {
        OrderFact {
            order_id: "CS1".into(),
            product_name: "CloudMove".into(),
            state,
            appeal_open: false,
            flow_updated_at: since,
            seller_rejections: 0,
            customer_rejections: 0,
            request_accepted_at: None,
            avg_delivery_days: None,
        }
    }

    fn kinds_at(o: &OrderFact, now: i64) -> Vec<(AlertKind, String)> {
        plan(
            &[],
            std::slice::from_ref(o),
            &QueueFacts::default(),
            now,
            &rules(),
        )
        .into_iter()
        .map(|a| (a.kind, a.key))
        .collect()
    }

    /// Each stall level fires exactly at its threshold (the appealable one strictly after the
    /// line), with its own key, and not a second before.
    #[test]
    fn stall_levels_fire_at_their_thresholds() {
        let o = order(FlowState::RequestSubmitted, T0);
        assert!(kinds_at(&o, T0 + 3 * DAY - 1).is_empty());
        assert_eq!(
            kinds_at(&o, T0 + 3 * DAY),
            [(AlertKind::StallWarning, format!("stall_warning:CS1:{T0}"))]
        );
        assert_eq!(kinds_at(&o, T0 + 4 * DAY - 1)[0].0, AlertKind::StallWarning);
        assert_eq!(kinds_at(&o, T0 + 4 * DAY)[0].0, AlertKind::StallUrgent);
        assert_eq!(kinds_at(&o, T0 + 5 * DAY)[0].0, AlertKind::StallUrgent);
        assert_eq!(
            kinds_at(&o, T0 + 5 * DAY + 1)[0].0,
            AlertKind::StallAppealable
        );
        // A week asleep: only the most severe.
        assert_eq!(kinds_at(&o, T0 + 7 * DAY).len(), 1);
        // The flow moved: a new stall period, new keys.
        let moved = order(FlowState::Delivering, T0 + 6 * DAY);
        assert_eq!(
            kinds_at(&moved, T0 + 9 * DAY),
            [(
                AlertKind::StallWarning,
                format!("stall_warning:CS1:{}", T0 + 6 * DAY)
            )]
        );
        // Other thresholds from the ruleset: a 7-day line warns at 5 days.
        let mut r = rules();
        r.flow.stall_days = 7;
        let got = plan(
            &[],
            std::slice::from_ref(&o),
            &QueueFacts::default(),
            T0 + 5 * DAY,
            &r,
        );
        assert_eq!(got[0].kind, AlertKind::StallWarning);
        assert!(plan(&[], &[o], &QueueFacts::default(), T0 + 5 * DAY - 1, &r).is_empty());
    }

    #[test]
    fn waiting_for_the_customer_frozen_and_closed_orders() {
        let o = order(FlowState::AwaitingAcceptance, T0);
        assert!(
            kinds_at(&o, T0 + 5 * DAY).is_empty(),
            "not the seller's stall"
        );
        assert_eq!(
            kinds_at(&o, T0 + 5 * DAY + 1)[0].0,
            AlertKind::CustomerSilent
        );
        let mut frozen = order(FlowState::Delivering, T0);
        frozen.appeal_open = true;
        assert!(kinds_at(&frozen, T0 + 9 * DAY).is_empty());
        assert!(kinds_at(&order(FlowState::Completed, T0), T0 + 9 * DAY).is_empty());
    }

    #[test]
    fn delivery_days_count_from_the_accepted_request() {
        let mut o = order(FlowState::Delivering, T0 + 9 * DAY);
        o.request_accepted_at = Some(T0);
        o.avg_delivery_days = Some(10);
        let at = |now| {
            plan(
                &[],
                std::slice::from_ref(&o),
                &QueueFacts::default(),
                now,
                &rules(),
            )
            .into_iter()
            .filter(|a| {
                matches!(
                    a.kind,
                    AlertKind::DeliveryDueSoon | AlertKind::DeliveryOverdue
                )
            })
            .map(|a| a.kind)
            .collect::<Vec<_>>()
        };
        assert!(at(T0 + 8 * DAY - 1).is_empty());
        assert_eq!(at(T0 + 8 * DAY), [AlertKind::DeliveryDueSoon]);
        assert_eq!(at(T0 + 10 * DAY), [AlertKind::DeliveryOverdue]);
    }

    #[test]
    fn the_rejection_limit_alerts_once_per_side() {
        let mut o = order(FlowState::AwaitingRequest, T0);
        o.seller_rejections = 2;
        assert!(kinds_at(&o, T0 + HOUR).is_empty());
        o.seller_rejections = 3;
        let got = kinds_at(&o, T0 + HOUR);
        assert_eq!(
            got,
            [(
                AlertKind::RejectionLimit,
                "rejection_limit:CS1:seller".into()
            )]
        );
        o.seller_rejections = 4;
        assert_eq!(kinds_at(&o, T0 + HOUR), got, "the same key: raised once");
    }

    #[test]
    fn events_and_the_queue() {
        let events = [
            EventFact {
                id: "EV1".into(),
                kind: AlertKind::ReviewRejected,
                at: T0,
                application_id: Some("APP1".into()),
                order_id: None,
                summary: "Rejected: the logo is blurred.".into(),
            },
            EventFact {
                id: "EV2".into(),
                kind: AlertKind::NewOrder,
                at: T0 + DAY,
                application_id: None,
                order_id: Some("CS9".into()),
                summary: String::new(),
            },
        ];
        let queue = QueueFacts {
            refused: vec![(
                "tok1".into(),
                "CloudMove".into(),
                "Product NOPE does not exist.".into(),
                T0,
            )],
            keys_refused: Some((T0, "APIG.0301".into())),
            waiting: vec![("tok2".into(), "Upload".into(), T0)],
        };
        let got = plan(&events, &[], &queue, T0 + HOUR, &rules());
        let keys: Vec<&str> = got.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["event:EV1", "refused:tok1", &format!("keys:{T0}")]);
        assert_eq!(got[0].target, Target::Application("APP1".into()));
        assert_eq!(
            got[0].detail.as_deref(),
            Some("Rejected: the logo is blurred.")
        );
        let later = plan(&events, &[], &queue, T0 + DAY + 1, &rules());
        assert!(later
            .iter()
            .any(|a| a.key == "event:EV2" && a.target == Target::Order("CS9".into())));
        assert!(later
            .iter()
            .any(|a| a.key == "stuck:tok2" && a.due_at == T0 + DAY));
    }

    #[test]
    fn quiet_hours_hold_back_except_urgent_when_allowed() {
        let q = QuietHours {
            start_minute: 22 * 60,
            end_minute: 7 * 60,
            urgent_breaks_through: true,
        };
        let warn = AlertKind::StallWarning;
        assert!(held_by_quiet_hours(warn, Some(&q), 23 * 60));
        assert!(held_by_quiet_hours(warn, Some(&q), 6 * 60 + 59));
        assert!(!held_by_quiet_hours(warn, Some(&q), 7 * 60));
        assert!(!held_by_quiet_hours(warn, Some(&q), 21 * 60 + 59));
        assert!(!held_by_quiet_hours(
            AlertKind::StallUrgent,
            Some(&q),
            23 * 60
        ));
        let strict = QuietHours {
            urgent_breaks_through: false,
            ..q
        };
        assert!(held_by_quiet_hours(
            AlertKind::StallUrgent,
            Some(&strict),
            23 * 60
        ));
        let day = QuietHours {
            start_minute: 12 * 60,
            end_minute: 13 * 60,
            urgent_breaks_through: false,
        };
        assert!(held_by_quiet_hours(warn, Some(&day), 12 * 60 + 30));
        assert!(!held_by_quiet_hours(warn, Some(&day), 13 * 60));
        assert!(!held_by_quiet_hours(warn, None, 23 * 60));
        for k in AlertKind::ALL {
            assert_eq!(AlertKind::parse(k.name()), Some(k));
        }
    }
}
