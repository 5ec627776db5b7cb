//! The service-order desk's inbox: the account's supervised orders as last pulled, each with who
//! must act, how long each side has been quiet and where it stands against the 5-day line — all
//! measured in marketplace time (this computer's clock plus the offset the last pull measured),
//! with the thresholds of the ruleset in force.

use koodesk_domain::supervision::{self, FlowFacts, FlowState, Party, Urgency};
use koodesk_market::contract::{AppealStatus, ServiceOrder};
use koodesk_market::sign::parse_sdk_date;
use serde::{Deserialize, Serialize};

use crate::sync::view::iso;
use crate::{ApiError, Context, ErrorCode};

/// Which orders the inbox shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum OrderFilter {
    #[default]
    All,
    /// The flow waits for the seller (and no appeal freezes it).
    NeedsMe,
    WaitingForCustomer,
    InAppeal,
    Completed,
}

/// One line of the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct OrderRow {
    pub order_id: String,
    pub product_name: String,
    pub customer_name: String,
    pub flow_state: FlowState,
    pub waiting_for: Party,
    pub urgency: Urgency,
    /// Seconds since the flow last moved, in marketplace time.
    pub idle_secs: i64,
    /// Seconds since each side last updated the flow.
    pub seller_idle_secs: i64,
    pub customer_idle_secs: i64,
    /// Seconds until the customer may appeal for the seller's silence (negative: they may now);
    /// `None` when the flow does not wait for the seller.
    pub appeal_in_secs: Option<i64>,
    pub seller_rejections: u32,
    pub customer_rejections: u32,
    pub appeal_open: bool,
    /// The order's flow version: an action names it.
    pub flow_version: u32,
    /// ISO 8601, UTC.
    pub flow_updated_at: String,
}

/// The inbox, most pressing first (then the longest quiet first).
pub fn list(ctx: &Context, filter: OrderFilter, search: &str) -> Result<Vec<OrderRow>, ApiError> {
    let now = marketplace_now(ctx)?;
    let rules = ctx.rules().service_flow;
    let needle = search.trim().to_lowercase();
    let mut rows: Vec<OrderRow> = orders(ctx)?
        .iter()
        .map(|o| row(o, now, &rules))
        .filter(|r| keep(r, filter))
        .filter(|r| {
            needle.is_empty()
                || [&r.order_id, &r.product_name, &r.customer_name]
                    .iter()
                    .any(|f| f.to_lowercase().contains(&needle))
        })
        .collect();
    rows.sort_by(|a, b| {
        b.urgency
            .cmp(&a.urgency)
            .then(b.idle_secs.cmp(&a.idle_secs))
            .then(a.order_id.cmp(&b.order_id))
    });
    Ok(rows)
}

/// One order as last pulled, whole.
pub fn get(ctx: &Context, order_id: &str) -> Result<ServiceOrder, ApiError> {
    orders(ctx)?
        .into_iter()
        .find(|o| o.order_id == order_id)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                format!("There is no order {order_id} (as of the last sync)."),
            )
        })
}

/// The account's orders as last pulled (a copy that cannot be read is skipped, with a log line).
fn orders(ctx: &Context) -> Result<Vec<ServiceOrder>, ApiError> {
    let account = ctx.account();
    let rows = ctx.store()?.remote_orders(&account)?;
    Ok(rows
        .into_iter()
        .filter_map(|r| match serde_json::from_str::<ServiceOrder>(&r.json) {
            Ok(o) => Some(o),
            Err(e) => {
                tracing::warn!(order = %r.order_id, error = %e, "a stored order cannot be read");
                None
            }
        })
        .collect())
}

/// Now on the marketplace's clock (Unix seconds): this computer's clock plus the offset measured
/// at the last pull.
pub fn marketplace_now(ctx: &Context) -> Result<i64, ApiError> {
    let offset_ms = ctx
        .store()?
        .sync_state(&ctx.account(), koodesk_sync::engine::keys::SERVER_OFFSET)?
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    Ok((koodesk_sync::engine::now_ms() + offset_ms).div_euclid(1000))
}

fn secs(t: &str) -> Option<i64> {
    parse_sdk_date(t).map(|t| t.unix_timestamp())
}

fn row(o: &ServiceOrder, now: i64, rules: &supervision::FlowRules) -> OrderRow {
    let flow_updated = secs(&o.flow_updated_at).unwrap_or(now);
    let appeal_open = o.appeal.status == AppealStatus::InProgress;
    let facts = FlowFacts {
        state: o.flow_state,
        appeal_open,
        flow_updated_at: flow_updated,
        seller_rejections: o.seller_rejections,
        customer_rejections: o.customer_rejections,
    };
    let since = |t: &str| secs(t).map(|t| (now - t).max(0)).unwrap_or(0);
    OrderRow {
        order_id: o.order_id.clone(),
        product_name: o.product_name.clone(),
        customer_name: o.customer_name.clone(),
        flow_state: o.flow_state,
        waiting_for: o.waiting_for,
        urgency: supervision::urgency(&facts, now, rules),
        idle_secs: (now - flow_updated).max(0),
        seller_idle_secs: since(&o.seller_updated_at),
        customer_idle_secs: since(&o.customer_updated_at),
        appeal_in_secs: supervision::customer_appeal_opens_at(&facts, rules).map(|at| at - now),
        seller_rejections: o.seller_rejections,
        customer_rejections: o.customer_rejections,
        appeal_open,
        flow_version: u32::try_from(o.flow_version).unwrap_or(u32::MAX),
        flow_updated_at: iso(&o.flow_updated_at),
    }
}

fn keep(r: &OrderRow, filter: OrderFilter) -> bool {
    match filter {
        OrderFilter::All => true,
        OrderFilter::NeedsMe => !r.appeal_open && r.waiting_for == Party::Seller,
        OrderFilter::WaitingForCustomer => !r.appeal_open && r.waiting_for == Party::Customer,
        OrderFilter::InAppeal => r.appeal_open,
        OrderFilter::Completed => !r.flow_state.is_open(),
    }
}
