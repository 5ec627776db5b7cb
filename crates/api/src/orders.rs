//! The service-order desk's inbox: the account's supervised orders as last pulled, each with who
//! must act, how long each side has been quiet and where it stands against the 5-day line — all
//! measured in marketplace time (this computer's clock plus the offset the last pull measured),
//! with the thresholds of the ruleset in force.

use koodesk_domain::product::Attachment;
use koodesk_domain::supervision::{
    self, ActionInput, FlowFacts, FlowState, Party, SellerAction, Urgency,
};
use koodesk_market::contract::{AppealStatus, AttachmentKind, ServiceOrder};
use koodesk_market::sign::{format_sdk_date, parse_sdk_date};
use koodesk_store::{NewOutboxRow, OutboxRow};
use koodesk_sync::{client_token, submission, Call};
use serde::{Deserialize, Serialize};

use crate::sync::view::iso;
use crate::{ApiError, Context, ErrorCode};

mod page;
pub use page::{
    detail, read_request, save_file, ActionOffer, AnswerView, FormSource, OrderDetail, OrderFile,
    OrderKind, OrderRecordView, RequestReading,
};

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
    /// An action queued here and not sent yet ("waiting to send").
    pub queued: Option<SellerAction>,
    /// The marketplace refused the last action sent from here, with its message verbatim
    /// (e.g. the flow moved on since it was decided).
    pub refused: Option<String>,
}

/// What the seller sends with an action. Files are attachments already in the data folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderActionInput {
    pub action: SellerAction,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub result_text: Option<String>,
    /// When the service was enabled (ISO 8601 or `yyyyMMddTHHmmssZ`, UTC); optional.
    #[serde(default)]
    pub actual_enabling_time: Option<String>,
    #[serde(default)]
    pub deliverables: Vec<Attachment>,
    #[serde(default)]
    pub proofs: Vec<Attachment>,
    #[serde(default)]
    pub customer_unreachable: bool,
    /// The Letter of Commitment on Requesting Appeal Handling (an appeal when the customer
    /// cannot be reached).
    #[serde(default)]
    pub commitment_letter: Option<Attachment>,
}

impl OrderActionInput {
    pub fn new(action: SellerAction) -> Self {
        OrderActionInput {
            action,
            reason: None,
            result_text: None,
            actual_enabling_time: None,
            deliverables: Vec::new(),
            proofs: Vec::new(),
            customer_unreachable: false,
            commitment_letter: None,
        }
    }
}

/// An action as the window sends it: files are the attachments `attach_file` returned.
#[derive(Debug, Clone, PartialEq, Deserialize, specta::Type)]
pub struct OrderActionForm {
    pub action: SellerAction,
    pub reason: Option<String>,
    pub result_text: Option<String>,
    pub actual_enabling_time: Option<String>,
    pub deliverables: Vec<crate::dto::AttachmentJson>,
    pub proofs: Vec<crate::dto::AttachmentJson>,
    pub customer_unreachable: bool,
    pub commitment_letter: Option<crate::dto::AttachmentJson>,
}

impl OrderActionForm {
    pub fn into_input(self) -> Result<OrderActionInput, ApiError> {
        let file = |j: crate::dto::AttachmentJson| {
            serde_json::from_value::<Attachment>(j.0).map_err(|e| {
                ApiError::invalid("files", format!("A file is not described right: {e}."))
            })
        };
        let files = |list: Vec<crate::dto::AttachmentJson>| {
            list.into_iter().map(file).collect::<Result<Vec<_>, _>>()
        };
        Ok(OrderActionInput {
            action: self.action,
            reason: self.reason,
            result_text: self.result_text,
            actual_enabling_time: self.actual_enabling_time,
            deliverables: files(self.deliverables)?,
            proofs: files(self.proofs)?,
            customer_unreachable: self.customer_unreachable,
            commitment_letter: self.commitment_letter.map(file).transpose()?,
        })
    }
}

/// An action queued: its client token and how many files go up first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct QueuedOrderAction {
    pub client_token: String,
    pub uploads: u32,
}

/// The inbox, most pressing first (then the longest quiet first).
pub fn list(ctx: &Context, filter: OrderFilter, search: &str) -> Result<Vec<OrderRow>, ApiError> {
    let now = marketplace_now(ctx)?;
    let rules = ctx.rules().service_flow;
    let needle = search.trim().to_lowercase();
    let actions = action_rows(ctx)?;
    // Each order's rows, grouped once (not a pass over every action per order).
    let mut by_entity: std::collections::HashMap<&str, Vec<&OutboxRow>> =
        std::collections::HashMap::new();
    for a in &actions {
        by_entity.entry(a.entity.as_str()).or_default().push(a);
    }
    let mut rows: Vec<OrderRow> = orders(ctx)?
        .iter()
        .map(|o| {
            let mine = by_entity.get(entity(&o.order_id).as_str());
            with_actions(row(o, now, &rules), mine.map_or(&[][..], Vec::as_slice))
        })
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

/// A row with what this computer has queued on the order and the marketplace's last refusal.
/// `mine`: the order's action rows, oldest first.
fn with_actions(mut r: OrderRow, mine: &[&OutboxRow]) -> OrderRow {
    r.queued = mine
        .iter()
        .filter(|a| matches!(a.state.as_str(), "queued" | "in_flight"))
        .find_map(|a| match Call::from_row(a) {
            Ok(Call::ActOnOrder { action, .. }) => Some(action),
            _ => None,
        });
    r.refused = mine
        .last()
        .filter(|a| a.state == "rejected")
        .and_then(|a| a.last_error.clone());
    r
}

/// The outbox entity of an order's actions (they go strictly in order).
fn entity(order_id: &str) -> String {
    format!("order:{order_id}")
}

/// Every action row of the account, oldest first.
fn action_rows(ctx: &Context) -> Result<Vec<OutboxRow>, ApiError> {
    Ok(ctx.store()?.outbox_of_op(&ctx.account(), "act_on_order")?)
}

/// Queues a supervision action on an order as last synced, decided on its flow version: the
/// domain's rules decide here whether it is allowed and complete (a frozen order, a wrong state,
/// a missing reason are refused at once, nothing queued); files not on the marketplace go up
/// first. The sync engine sends it once; if the flow moved on meanwhile, the marketplace refuses
/// it (`000102`) and the order shows why.
pub fn act(
    ctx: &Context,
    order_id: &str,
    input: &OrderActionInput,
) -> Result<QueuedOrderAction, ApiError> {
    let order = get(ctx, order_id)?;
    // Decided on the copy at hand as the actions still waiting to be sent will leave it (accept
    // then deliver, both offline); whether that still holds, the marketplace judges on arrival.
    let ahead = projected(&order, &waiting_actions(&action_rows(ctx)?, order_id));
    supervision::seller_action_of(
        order.delivery_method.supervised(),
        ahead.state,
        ahead.appeal_open,
        input.action,
    )
    .map_err(|e| {
        let why = capitalized(&e.to_string());
        let why = match ahead.waiting {
            0 => why,
            n => format!("With {n} action(s) on {order_id} still waiting to be sent, the order will be {:?}: {why}", ahead.state),
        };
        ApiError::invalid("action", why)
    })?;
    let enabling = input
        .actual_enabling_time
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            parse_time(t).ok_or_else(|| {
                ApiError::invalid(
                    "actual_enabling_time",
                    format!("{t:?} is not a time (use 2026-12-01T09:30:00Z)."),
                )
            })
        })
        .transpose()?;
    supervision::check_action_input(
        input.action,
        &ActionInput {
            reason: input.reason.as_deref(),
            result_text: input.result_text.as_deref(),
            actual_enabling_time: enabling,
            customer_unreachable: input.customer_unreachable,
            has_commitment_letter: input.commitment_letter.is_some(),
        },
    )
    .map_err(|e| ApiError::invalid("action", capitalized(&e.to_string())))?;
    let account = ctx.account();
    let mut files: Vec<submission::File<'_>> = Vec::new();
    let groups = [
        (AttachmentKind::Deliverable, input.deliverables.as_slice()),
        (AttachmentKind::Proof, input.proofs.as_slice()),
        (
            AttachmentKind::CommitmentLetter,
            input.commitment_letter.as_slice(),
        ),
    ];
    for (kind, list) in groups {
        files.extend(list.iter().map(|a| submission::File {
            kind,
            attachment: a,
            content_type: a.media_type.as_str(),
        }));
    }
    for f in &files {
        let path =
            koodesk_store::attachment_path(&ctx.data_dir().attachments(), &f.attachment.sha256);
        if !path.is_file() {
            return Err(ApiError::invalid(
                "files",
                format!(
                    "{} is not in the data folder; attach it again.",
                    f.attachment.file_name
                ),
            ));
        }
    }
    let known = crate::sync::submit::files_known(ctx, &account, &files)?;
    let (mut rows, waits) = submission::uploads(&files, known, &[]);
    let uploads = rows.len() as u32;
    let shas = |list: &[Attachment]| list.iter().map(|a| a.sha256.clone()).collect();
    let call = Call::ActOnOrder {
        order_id: order_id.to_owned(),
        flow_version: ahead.flow_version,
        action: input.action,
        reason: input.reason.clone().filter(|r| !r.trim().is_empty()),
        result_text: input.result_text.clone().filter(|r| !r.trim().is_empty()),
        actual_enabling_time: enabling.map(|t| {
            format_sdk_date(
                time::OffsetDateTime::from_unix_timestamp(t)
                    .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
            )
        }),
        deliverables: shas(&input.deliverables),
        proofs: shas(&input.proofs),
        customer_unreachable: input.customer_unreachable,
        commitment_letter: input.commitment_letter.as_ref().map(|a| a.sha256.clone()),
    };
    let token = client_token();
    rows.push(NewOutboxRow {
        client_token: token.clone(),
        op: call.op().into(),
        entity: entity(order_id),
        waits_for: waits,
        params: call.params(),
    });
    ctx.store()?.enqueue(&account, &rows)?;
    tracing::info!(order = %order_id, action = ?input.action, uploads, "order action queued");
    Ok(QueuedOrderAction {
        client_token: token,
        uploads,
    })
}

/// An order as the actions queued on it will leave it, if the marketplace applies them as decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ahead {
    pub state: FlowState,
    pub appeal_open: bool,
    /// The flow version the next action names: each action queued ahead moves the flow once.
    pub flow_version: u64,
    pub waiting: usize,
}

/// The actions queued on an order and not sent yet, oldest first.
pub(crate) fn waiting_actions(rows: &[OutboxRow], order_id: &str) -> Vec<SellerAction> {
    let id = entity(order_id);
    rows.iter()
        .filter(|r| r.entity == id && matches!(r.state.as_str(), "queued" | "in_flight"))
        .filter_map(|r| match Call::from_row(r) {
            Ok(Call::ActOnOrder { action, .. }) => Some(action),
            _ => None,
        })
        .collect()
}

pub(crate) fn projected(order: &ServiceOrder, waiting: &[SellerAction]) -> Ahead {
    let mut ahead = Ahead {
        state: order.flow_state,
        appeal_open: order.appeal.status == AppealStatus::InProgress,
        flow_version: order.flow_version,
        waiting: waiting.len(),
    };
    for &action in waiting {
        if let Ok(next) = supervision::seller_action_of(
            order.delivery_method.supervised(),
            ahead.state,
            ahead.appeal_open,
            action,
        ) {
            ahead.state = next;
            ahead.appeal_open |= action == SellerAction::InitiateAppeal;
            ahead.flow_version += 1;
        }
    }
    ahead
}

/// `2026-12-01T09:30:00Z` or `20261201T093000Z`, as Unix seconds.
fn parse_time(t: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    parse_sdk_date(t)
        .or_else(|| time::OffsetDateTime::parse(t, &Rfc3339).ok())
        .map(|t| t.unix_timestamp())
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => format!("{}{}.", f.to_uppercase(), c.as_str().trim_end_matches('.')),
        None => String::new(),
    }
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
        queued: None,
        refused: None,
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
