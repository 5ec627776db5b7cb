//! Service orders in SQL: a purchase creates one, the seller's actions and the customer's moves
//! (decided in [`super::customer`]) change it, and every change lands in the event feed.

use koodesk_domain::supervision::{self, ActionInput, FlowState, Party, SellerAction};
use koodesk_market::contract::*;
use rusqlite::{params, Connection};

use super::customer::{self, Move};
use super::{event, parse_ts, roll, ts, Outcome, Refusal, Sim, DAY};
use crate::db;

pub fn save_order(tx: &Connection, o: &ServiceOrder, next_at: Option<i64>) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO orders (order_id, updated_at, next_at, json) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(order_id) DO UPDATE SET updated_at = excluded.updated_at, next_at = excluded.next_at, json = excluded.json",
        params![o.order_id, parse_ts(&o.updated_at).unwrap_or(0), next_at, db::to_json(o)],
    )?;
    Ok(())
}

fn record(o: &mut ServiceOrder, at: i64, party: Party, operation: &str, text: Option<String>) {
    o.records.push(OperationRecord {
        at: ts(at),
        party,
        operation: operation.into(),
        text,
    });
}

impl Sim {
    /// When the customer (or the operations manager) next looks at the order.
    pub fn next_step(&self, o: &ServiceOrder, now: i64) -> Option<i64> {
        customer::next_step(o, now, self.seed, self.flow_rules())
    }

    pub fn new_order(
        &self,
        tx: &Connection,
        product: &LiveProduct,
        method: OrderDelivery,
        now: i64,
    ) -> rusqlite::Result<ServiceOrder> {
        let n = db::next_seq(tx, "order")?;
        let stamp = &ts(now)[2..15].replace('T', "");
        let suffix: String = {
            let alphabet = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
            let mut r = roll(self.seed, &format!("order:{n}"));
            (0..5)
                .map(|_| {
                    let c = alphabet[(r % 32) as usize] as char;
                    r /= 32;
                    c
                })
                .collect()
        };
        let order_id = format!("CS{}{}", &stamp[..10], suffix);
        let customer = customer::customer_name(self.seed, &order_id);
        let state = match method {
            OrderDelivery::License => FlowState::Delivering,
            _ => FlowState::AwaitingRequest,
        };
        let mut o = ServiceOrder {
            order_line_id: format!("{order_id}-000001"),
            order_id: order_id.clone(),
            product_id: product.product_id.clone(),
            product_name: product.product.basic.name.clone(),
            delivery_method: method,
            order_status: OrderStatus::Processing,
            flow_state: state,
            waiting_for: state.waiting_for(),
            customer_name: customer.to_owned(),
            created_at: ts(now),
            flow_updated_at: ts(now),
            seller_updated_at: ts(now),
            customer_updated_at: ts(now),
            seller_rejections: 0,
            customer_rejections: 0,
            request: None,
            delivery: None,
            accepted_at: None,
            billing_mode: customer::billing_choice(
                &product.product,
                self.seed,
                &format!("{order_id}:billing"),
            ),
            avg_delivery_days: match &product.product.basic.delivery {
                koodesk_domain::product::Delivery::ProfessionalService {
                    avg_delivery_days,
                    ..
                } => avg_delivery_days.filter(|d| *d > 0),
                _ => None,
            },
            usage_period_starts_at: None,
            appeal: Appeal::none(),
            records: vec![OperationRecord {
                at: ts(now),
                party: Party::Customer,
                operation: "Order paid".into(),
                text: None,
            }],
            version: 1,
            flow_version: 1,
            updated_at: ts(now),
        };
        let next = self.next_step(&o, now);
        o.waiting_for = customer::waiting_for(&o);
        save_order(tx, &o, next)?;
        event(
            tx,
            EventType::OrderCreated,
            now,
            None,
            Some(&order_id),
            Some(&product.product_id),
            format!("{customer} bought {}.", product.product.basic.name),
        )?;
        Ok(o)
    }

    /// Applies the customer's or the operations manager's move on an order that is due.
    pub(crate) fn customer_step(
        &self,
        tx: &Connection,
        mut o: ServiceOrder,
        at: i64,
    ) -> rusqlite::Result<()> {
        let key = customer::step_key(&o);
        let id = o.order_id.clone();
        let name = o.customer_name.clone();
        let rules = *self.flow_rules();
        let next_move = customer::next_move(&o, at, self.seed, &rules);
        // A reminder changes the order, not its flow.
        let flow_moved = !matches!(next_move, Move::Remind { .. } | Move::Nothing);
        let emit: Option<(EventType, String)> = match next_move {
            Move::ResolveAppeal { close } => {
                o.appeal.status = AppealStatus::Resolved;
                o.appeal.outcome = Some(if close {
                    o.flow_state = FlowState::Completed;
                    o.order_status = OrderStatus::Completed;
                    "The customer could not be reached. The order is closed and settlement starts."
                        .into()
                } else {
                    "The operations manager spoke to both sides; the service flow continues.".into()
                });
                o.flow_updated_at = ts(at);
                let outcome = o.appeal.outcome.clone();
                record(&mut o, at, Party::Operations, "Appeal resolved", outcome);
                Some((
                    EventType::AppealResolved,
                    format!("The appeal on {id} was resolved."),
                ))
            }
            Move::Appeal(reason) => {
                let text = reason.customer_text(&rules);
                o.appeal = Appeal {
                    status: AppealStatus::InProgress,
                    initiated_by: Some(Party::Customer),
                    reason: Some(text.clone()),
                    initiated_at: Some(ts(at)),
                    proof_ids: Vec::new(),
                    commitment_letter_id: None,
                    outcome: None,
                };
                o.customer_updated_at = ts(at);
                record(
                    &mut o,
                    at,
                    Party::Customer,
                    "Appeal initiated",
                    Some(text.clone()),
                );
                Some((
                    EventType::AppealOpened,
                    format!("{name} appealed order {id}: {text}"),
                ))
            }
            Move::SubmitRequest { text } => {
                let attachments = super::attachments::request_attachments(
                    tx,
                    self.seed,
                    &key,
                    &o.product_id,
                    at,
                )?;
                o.request = Some(CustomerRequest {
                    text: text.into(),
                    attachments,
                    submitted_at: ts(at),
                });
                o.flow_state = FlowState::RequestSubmitted;
                o.flow_updated_at = ts(at);
                o.customer_updated_at = ts(at);
                record(
                    &mut o,
                    at,
                    Party::Customer,
                    "Request submitted",
                    Some(text.into()),
                );
                Some((
                    EventType::RequestSubmitted,
                    format!("{name} submitted a request for {id}."),
                ))
            }
            Move::Remind { days } => {
                o.customer_updated_at = ts(at);
                record(&mut o, at, Party::Customer, "Reminder sent", None);
                Some((
                    EventType::Reminder,
                    format!("{name} reminded you about {id}: no update for {days} days."),
                ))
            }
            Move::RejectDelivery => {
                o.customer_updated_at = ts(at);
                o.flow_updated_at = ts(at);
                o.customer_rejections += 1;
                o.flow_state = FlowState::Delivering;
                record(
                    &mut o,
                    at,
                    Party::Customer,
                    "Delivery rejected",
                    Some("The result does not match the request.".into()),
                );
                Some((
                    EventType::DeliveryRejected,
                    format!("{name} rejected the delivery of {id}."),
                ))
            }
            Move::AcceptDelivery => {
                o.customer_updated_at = ts(at);
                o.flow_updated_at = ts(at);
                o.flow_state = FlowState::Accepted;
                o.accepted_at = Some(ts(at));
                let enabling = o
                    .delivery
                    .as_ref()
                    .and_then(|d| d.actual_enabling_time.as_deref())
                    .and_then(parse_ts);
                o.usage_period_starts_at = o
                    .billing_mode
                    .and_then(|b| supervision::usage_period_start(b, enabling, Some(at)))
                    .map(ts);
                record(&mut o, at, Party::Customer, "Acceptance confirmed", None);
                Some((
                    EventType::DeliveryAccepted,
                    format!("{name} accepted the delivery of {id}."),
                ))
            }
            Move::Complete => {
                o.flow_state = FlowState::Completed;
                o.order_status = OrderStatus::Completed;
                o.flow_updated_at = ts(at);
                record(&mut o, at, Party::Nobody, "Order completed", None);
                Some((
                    EventType::OrderCompleted,
                    format!("Order {id} is completed."),
                ))
            }
            Move::Nothing => None,
        };
        if emit.is_some() {
            o.version += 1;
            o.updated_at = ts(at);
        }
        o.waiting_for = customer::waiting_for(&o);
        if flow_moved {
            o.flow_version += 1;
        }
        let next = self.next_step(&o, at);
        // A check that changed nothing comes back a day later.
        let next = if emit.is_none() {
            next.map(|n| n.max(at + DAY))
        } else {
            next
        };
        save_order(tx, &o, next)?;
        if let Some((kind, summary)) = emit {
            let pid = o.product_id.clone();
            event(tx, kind, at, None, Some(&id), Some(&pid), summary)?;
        }
        Ok(())
    }

    pub fn seller_action(
        &self,
        tx: &Connection,
        order_id: &str,
        a: &OrderAction,
        now: i64,
    ) -> Outcome<ServiceOrder> {
        let mut o: ServiceOrder = db::get(tx, "orders", "order_id", order_id)?
            .ok_or_else(|| Refusal::not_found(format!("Order {order_id} does not exist.")))?;
        let next = supervision::check_seller_action(
            o.delivery_method.supervised(),
            o.flow_state,
            o.appeal.status == AppealStatus::InProgress,
            o.flow_version,
            a.flow_version,
            a.action,
        )
        .map_err(|stale| {
            Refusal::new(
                409,
                codes::STALE_VERSION,
                format!(
                    "Order {order_id} moved on since you looked (flow version {} → {}): {}. Refresh it before acting.",
                    stale.decided_on,
                    stale.current,
                    o.flow_state.label()
                ),
            )
        })?
        .map_err(|e| Refusal::not_allowed(e.to_string()))?;
        let enabling =
            match a.actual_enabling_time.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(t) => Some(parse_ts(t).ok_or_else(|| {
                    Refusal::invalid("actualEnablingTime must be yyyyMMddTHHmmssZ.")
                })?),
            };
        supervision::check_action_input(
            a.action,
            &ActionInput {
                reason: a.reason.as_deref(),
                result_text: a.result_text.as_deref(),
                actual_enabling_time: enabling,
                customer_unreachable: a.customer_unreachable,
                has_commitment_letter: a.commitment_letter_id.is_some(),
            },
        )
        .map_err(|e| Refusal::invalid(format!("{e}.")))?;
        for id in a
            .deliverable_ids
            .iter()
            .chain(&a.proof_ids)
            .chain(a.commitment_letter_id.iter())
        {
            if db::get::<AttachmentInfo>(tx, "attachments", "attachment_id", id)?.is_none() {
                return Err(Refusal::invalid(format!(
                    "Attachment {id} has not been uploaded."
                )));
            }
        }
        let given = |v: &Option<String>| v.as_deref().map(|s| s.trim().to_owned());
        let (op, record_text) = match a.action {
            SellerAction::AcceptRequest => ("Request accepted", None),
            SellerAction::RejectRequest => {
                o.seller_rejections += 1;
                ("Request rejected", given(&a.reason))
            }
            SellerAction::DeliverService => {
                let result = given(&a.result_text).unwrap_or_default();
                o.delivery = Some(Delivery {
                    result_text: result.clone(),
                    actual_enabling_time: enabling.map(ts),
                    deliverable_ids: a.deliverable_ids.clone(),
                    delivered_at: ts(now),
                });
                ("Service delivered", Some(result))
            }
            SellerAction::InitiateAppeal => {
                let reason = given(&a.reason).unwrap_or_default();
                o.appeal = Appeal {
                    status: AppealStatus::InProgress,
                    initiated_by: Some(Party::Seller),
                    reason: Some(reason.clone()),
                    initiated_at: Some(ts(now)),
                    proof_ids: a.proof_ids.clone(),
                    commitment_letter_id: a.commitment_letter_id.clone(),
                    outcome: None,
                };
                ("Appeal initiated", Some(reason))
            }
        };
        if next != o.flow_state {
            o.flow_state = next;
            o.flow_updated_at = ts(now);
        }
        o.seller_updated_at = ts(now);
        o.version += 1;
        o.flow_version += 1;
        o.updated_at = ts(now);
        record(&mut o, now, Party::Seller, op, record_text);
        o.waiting_for = customer::waiting_for(&o);
        let next_at = self.next_step(&o, now);
        save_order(tx, &o, next_at)?;
        if a.action == SellerAction::InitiateAppeal {
            event(
                tx,
                EventType::AppealOpened,
                now,
                None,
                Some(order_id),
                Some(&o.product_id),
                format!("You appealed order {order_id}."),
            )?;
        }
        Ok(o)
    }
}
