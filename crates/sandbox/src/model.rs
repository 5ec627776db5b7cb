//! The simulated marketplace: the seller's operations, the reviewer, the customers and the
//! operations manager. Everything happens in *sandbox time* (Unix seconds) and every random choice
//! is a hash of the seed and the thing being decided, so a run is reproducible.

use koodesk_domain::draft::DraftDocument;
use koodesk_domain::form::{example_answer, RequestForm};
use koodesk_domain::lint::{self, Ruleset, Severity};
use koodesk_domain::product::{Delivery, Product};
use koodesk_domain::supervision::{self, FlowFacts, FlowRules, FlowState, Party, SellerAction};
use koodesk_market::contract::*;
use koodesk_market::sign::{format_sdk_date, parse_sdk_date};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::db;

pub const HOUR: i64 = 3600;
pub const DAY: i64 = 86_400;

/// Why the marketplace refuses a request: HTTP status, result code, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl Refusal {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            status,
            code,
            message: message.into(),
        }
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Refusal::new(400, codes::INVALID_PARAMETER, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Refusal::new(404, codes::NOT_FOUND, message)
    }
    pub fn not_allowed(message: impl Into<String>) -> Self {
        Refusal::new(409, codes::NOT_ALLOWED, message)
    }
}

impl From<rusqlite::Error> for Refusal {
    fn from(e: rusqlite::Error) -> Self {
        tracing::error!(error = %e, "sandbox state");
        Refusal::new(
            500,
            codes::INTERNAL,
            "The marketplace had an internal error.",
        )
    }
}

pub type Outcome<T> = Result<T, Refusal>;

pub fn ts(t: i64) -> String {
    format_sdk_date(OffsetDateTime::from_unix_timestamp(t).unwrap_or(OffsetDateTime::UNIX_EPOCH))
}

pub fn parse_ts(s: &str) -> Option<i64> {
    parse_sdk_date(s).map(|t| t.unix_timestamp())
}

/// A reproducible number for a decision: the same seed and key always give the same value.
pub fn roll(seed: u64, key: &str) -> u64 {
    let h = Sha256::new()
        .chain_update(seed.to_le_bytes())
        .chain_update(key.as_bytes())
        .finalize();
    let mut b = [0u8; 8];
    b.copy_from_slice(&h[..8]);
    u64::from_le_bytes(b)
}

/// A reproducible value in `lo..=hi`.
pub fn pick(seed: u64, key: &str, lo: i64, hi: i64) -> i64 {
    lo + (roll(seed, key) % ((hi - lo + 1).max(1) as u64)) as i64
}

/// `start` plus `hours` counted on working days only (Saturdays and Sundays do not count).
pub fn add_working_hours(start: i64, hours: i64) -> i64 {
    let mut t = start;
    let mut left = hours;
    while left > 0 {
        t += HOUR;
        let weekday = OffsetDateTime::from_unix_timestamp(t)
            .map(|d| d.weekday())
            .unwrap_or(time::Weekday::Monday);
        if !matches!(weekday, time::Weekday::Saturday | time::Weekday::Sunday) {
            left -= 1;
        }
    }
    t
}

pub struct Sim {
    pub seed: u64,
    pub rules: FlowRules,
    pub ruleset: Ruleset,
}

fn event(
    tx: &Connection,
    kind: EventType,
    at: i64,
    application_id: Option<&str>,
    order_id: Option<&str>,
    product_id: Option<&str>,
    summary: String,
) -> rusqlite::Result<()> {
    let seq = db::next_seq(tx, "event")?;
    let e = Event {
        event_id: format!("EV{seq:012}"),
        r#type: kind,
        occurred_at: ts(at),
        application_id: application_id.map(str::to_owned),
        order_id: order_id.map(str::to_owned),
        product_id: product_id.map(str::to_owned),
        summary,
    };
    tx.execute(
        "INSERT INTO events (seq, json) VALUES (?1, ?2)",
        params![seq, db::to_json(&e)],
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Products

pub fn save_product(
    tx: &Connection,
    p: &LiveProduct,
    next_purchase_at: Option<i64>,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO products (product_id, updated_at, next_purchase_at, json) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(product_id) DO UPDATE SET updated_at = excluded.updated_at,
             next_purchase_at = COALESCE(excluded.next_purchase_at, products.next_purchase_at),
             json = excluded.json",
        params![
            p.product_id,
            parse_ts(&p.updated_at).unwrap_or(0),
            next_purchase_at,
            db::to_json(p)
        ],
    )?;
    Ok(())
}

/// Whether customers buy this product through service supervision.
pub fn supervised(p: &Product) -> Option<OrderDelivery> {
    match &p.basic.delivery {
        Delivery::ProfessionalService { .. } => Some(OrderDelivery::ProfessionalService),
        Delivery::License { .. } => Some(OrderDelivery::License),
        Delivery::Saas {
            involves_service_supervision: true,
            ..
        } => Some(OrderDelivery::Saas),
        _ => None,
    }
}

impl Sim {
    /// A product released at `now`; customers start buying soon after.
    pub fn new_product(
        &self,
        tx: &Connection,
        product: Product,
        now: i64,
    ) -> rusqlite::Result<LiveProduct> {
        self.new_product_at(tx, product, now, now)
    }

    /// A product released at `released_at` whose customers start buying after `buyers_from`.
    pub fn new_product_at(
        &self,
        tx: &Connection,
        product: Product,
        released_at: i64,
        buyers_from: i64,
    ) -> rusqlite::Result<LiveProduct> {
        let now = released_at;
        let n = db::next_seq(tx, "product")?;
        let live = LiveProduct {
            product_id: format!(
                "OFFI{:018}",
                560_000_000_000_000_000u64
                    + (roll(self.seed, "product") % 1_000_000) * 100
                    + n as u64
            ),
            status: ProductStatus::Online,
            version: 1,
            updated_at: ts(now),
            product,
        };
        let next = supervised(&live.product).map(|_| {
            buyers_from.max(now)
                + pick(
                    self.seed,
                    &format!("{}:first-purchase", live.product_id),
                    6,
                    48,
                ) * HOUR
        });
        save_product(tx, &live, next)?;
        Ok(live)
    }

    // -----------------------------------------------------------------------------------------
    // Applications

    pub fn create_application(
        &self,
        tx: &Connection,
        req: &CreateApplication,
        now: i64,
    ) -> Outcome<Application> {
        if req.snapshot.basic.name.trim().is_empty() {
            return Err(Refusal::invalid(
                "snapshot.basic.name: the product needs a name.",
            ));
        }
        let (product_id, base_version) = match req.r#type {
            ApplicationType::Release => {
                if req.product_id.is_some() {
                    return Err(Refusal::invalid(
                        "A release application must not name a productId.",
                    ));
                }
                (None, None)
            }
            ApplicationType::Modification => {
                let id = req.product_id.as_deref().ok_or_else(|| {
                    Refusal::invalid("A modification application needs productId.")
                })?;
                let base = req.base_version.ok_or_else(|| {
                    Refusal::invalid("A modification application needs baseVersion.")
                })?;
                let live: LiveProduct = db::get(tx, "products", "product_id", id)?
                    .ok_or_else(|| Refusal::not_found(format!("Product {id} does not exist.")))?;
                if live.version != base {
                    return Err(Refusal::new(
                        409,
                        codes::STALE_VERSION,
                        format!(
                            "The modification was made from version {base} of {id}, but the product is now at version {}. Start again from the current version.",
                            live.version
                        ),
                    ));
                }
                let pending: i64 = tx.query_row(
                    "SELECT COUNT(*) FROM applications WHERE product_id = ?1 AND status = 'PENDING_APPROVAL'",
                    [id],
                    |r| r.get(0),
                )?;
                if pending > 0 {
                    return Err(Refusal::not_allowed(format!(
                        "Product {id} already has an application under review; wait for the result or withdraw it first."
                    )));
                }
                (Some(id.to_owned()), Some(base))
            }
        };
        let n = db::next_seq(tx, "application")?;
        let id = format!("APP{}{:06}", &ts(now)[2..8], n);
        // Review time: up to 3 working days, slower when 10 or more arrive on one day.
        let day_start = now - now.rem_euclid(DAY);
        let same_day: i64 = tx.query_row(
            "SELECT COUNT(*) FROM applications WHERE submitted_at >= ?1 AND submitted_at < ?2",
            params![day_start, day_start + DAY],
            |r| r.get(0),
        )?;
        let mut hours = pick(self.seed, &format!("{id}:review"), 4, 24);
        if same_day >= 10 {
            hours += 16;
        }
        let due = add_working_hours(now, hours);
        let app = Application {
            application_id: id.clone(),
            r#type: req.r#type,
            status: ApplicationStatus::PendingApproval,
            product_id: product_id.clone(),
            base_version,
            product_name: req.snapshot.basic.name.clone(),
            submitted_at: ts(now),
            updated_at: ts(now),
            reviewed_at: None,
            review_comments: Vec::new(),
            version: 1,
            snapshot: req.snapshot.clone(),
        };
        tx.execute(
            "INSERT INTO applications (application_id, status, product_id, submitted_at, updated_at, due_at, json)
             VALUES (?1, 'PENDING_APPROVAL', ?2, ?3, ?3, ?4, ?5)",
            params![id, product_id, now, due, db::to_json(&app)],
        )?;
        db::bump(tx, "applications.created", 1)?;
        db::bump(tx, &format!("applications.created:{}", req.client_token), 1)?;
        Ok(app)
    }

    pub fn withdraw(
        &self,
        tx: &Connection,
        id: &str,
        req: &Withdraw,
        now: i64,
    ) -> Outcome<Application> {
        let mut app: Application = db::get(tx, "applications", "application_id", id)?
            .ok_or_else(|| Refusal::not_found(format!("Application {id} does not exist.")))?;
        if app.version != req.version {
            return Err(Refusal::new(
                409,
                codes::STALE_VERSION,
                format!("Application {id} changed (version {} → {}); look at it again before withdrawing.", req.version, app.version),
            ));
        }
        if app.status != ApplicationStatus::PendingApproval {
            return Err(Refusal::not_allowed(format!(
                "Only applications pending approval can be withdrawn; {id} is {:?}.",
                app.status
            )));
        }
        app.status = ApplicationStatus::Withdrawn;
        app.version += 1;
        app.updated_at = ts(now);
        save_application(tx, &app, None)?;
        Ok(app)
    }

    fn review(&self, tx: &Connection, mut app: Application, at: i64) -> rusqlite::Result<()> {
        let live: Option<LiveProduct> = match &app.product_id {
            Some(id) => db::get(tx, "products", "product_id", id)?,
            None => None,
        };
        let doc = match (&live, app.r#type) {
            (Some(l), ApplicationType::Modification) => {
                let mut d = DraftDocument::modification(l.product_id.clone(), l.product.clone());
                d.product = app.snapshot.clone();
                d
            }
            _ => DraftDocument::release(app.snapshot.clone()),
        };
        let mut comments: Vec<ReviewComment> = lint::lint(&doc, &Default::default(), &self.ruleset)
            .into_iter()
            // The seller's Services & support information is not part of the sandbox.
            .filter(|f| {
                f.severity == Severity::Error
                    && !f.rule.starts_with("support")
                    && f.rule != lint::ids::QUAL_AFTER_SALES_UNKNOWN
            })
            .map(|f| ReviewComment {
                field: Some(f.path),
                message: f.message.en,
            })
            .collect();
        comments.extend(human_checks(&app.snapshot));
        comments.extend(missing_files(tx, &app.snapshot)?);
        if roll(self.seed, &format!("{}:reviewer-mood", app.application_id)) % 100 < 8 {
            comments.push(ReviewComment {
                field: Some("product.details.description".into()),
                message: "The description does not say what the customer receives at delivery. Describe the deliverables and the delivery time.".into(),
            });
        }
        app.reviewed_at = Some(ts(at));
        app.updated_at = ts(at);
        app.version += 1;
        let id = app.application_id.clone();
        if comments.is_empty() {
            app.status = ApplicationStatus::Approved;
            let product_id = match (live, app.r#type) {
                (Some(mut l), ApplicationType::Modification) => {
                    l.product = app.snapshot.clone();
                    l.version += 1;
                    l.updated_at = ts(at);
                    save_product(tx, &l, None)?;
                    l.product_id
                }
                _ => self.new_product(tx, app.snapshot.clone(), at)?.product_id,
            };
            app.product_id = Some(product_id.clone());
            save_application(tx, &app, None)?;
            event(
                tx,
                EventType::ReviewApproved,
                at,
                Some(&id),
                None,
                Some(&product_id),
                format!("{} was approved.", app.product_name),
            )?;
        } else {
            app.status = ApplicationStatus::Rejected;
            let n = comments.len();
            app.review_comments = comments;
            save_application(tx, &app, None)?;
            event(
                tx,
                EventType::ReviewRejected,
                at,
                Some(&id),
                None,
                app.product_id.as_deref(),
                format!(
                    "{} was rejected with {n} review comment(s).",
                    app.product_name
                ),
            )?;
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Service orders

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
        let customers = [
            "Northwind Retail",
            "Contoso Ltd.",
            "Fabrikam Logistics",
            "Tailspin Travel",
            "深圳星河科技有限公司",
            "Adatum Health",
        ];
        let customer = customers
            [(roll(self.seed, &format!("{order_id}:customer")) % customers.len() as u64) as usize];
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
            appeal: Appeal::none(),
            records: vec![OperationRecord {
                at: ts(now),
                party: Party::Customer,
                operation: "Order paid".into(),
                text: None,
            }],
            version: 1,
            updated_at: ts(now),
        };
        let next = self.next_step(&o, now);
        o.waiting_for = waiting_for(&o);
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

    /// When the customer (or the operations manager) next looks at the order.
    pub fn next_step(&self, o: &ServiceOrder, now: i64) -> Option<i64> {
        let key = format!("{}:{}:{}", o.order_id, o.version, o.records.len());
        if o.appeal.status == AppealStatus::InProgress {
            return Some(now + pick(self.seed, &format!("{key}:ops"), 2 * 24, 5 * 24) * HOUR);
        }
        match o.flow_state {
            FlowState::AwaitingRequest => {
                Some(now + pick(self.seed, &format!("{key}:request"), 2, 30) * HOUR)
            }
            // Waiting for the seller: the customer checks back daily from day 3.
            FlowState::RequestSubmitted | FlowState::Delivering => {
                let since = parse_ts(&o.flow_updated_at).unwrap_or(now);
                Some((since + 3 * DAY).max(now + HOUR))
            }
            FlowState::AwaitingAcceptance => {
                Some(now + pick(self.seed, &format!("{key}:accept"), 4, 48) * HOUR)
            }
            FlowState::Accepted => Some(
                parse_ts(o.accepted_at.as_deref().unwrap_or("")).unwrap_or(now)
                    + self.rules.completion_delay_hours * HOUR,
            ),
            FlowState::Completed => None,
        }
    }

    fn facts(o: &ServiceOrder) -> FlowFacts {
        FlowFacts {
            state: o.flow_state,
            appeal_open: o.appeal.status == AppealStatus::InProgress,
            flow_updated_at: parse_ts(&o.flow_updated_at).unwrap_or(0),
            seller_rejections: o.seller_rejections,
            customer_rejections: o.customer_rejections,
        }
    }

    /// The customer's or the operations manager's move on an order that is due.
    fn customer_step(&self, tx: &Connection, mut o: ServiceOrder, at: i64) -> rusqlite::Result<()> {
        let key = format!("{}:{}:{}", o.order_id, o.version, o.records.len());
        let id = o.order_id.clone();
        let pid = o.product_id.clone();
        let mut emit: Option<(EventType, String)> = None;
        let facts = Self::facts(&o);
        if o.appeal.status == AppealStatus::InProgress {
            let close = o.appeal.initiated_by == Some(Party::Seller)
                && o.appeal.commitment_letter_id.is_some();
            o.appeal.status = AppealStatus::Resolved;
            if close {
                o.appeal.outcome = Some(
                    "The customer could not be reached. The order is closed and settlement starts."
                        .into(),
                );
                o.flow_state = FlowState::Completed;
                o.order_status = OrderStatus::Completed;
            } else {
                o.appeal.outcome = Some(
                    "The operations manager spoke to both sides; the service flow continues."
                        .into(),
                );
            }
            o.flow_updated_at = ts(at);
            let outcome = o.appeal.outcome.clone();
            record(&mut o, at, Party::Operations, "Appeal resolved", outcome);
            emit = Some((
                EventType::AppealResolved,
                format!("The appeal on {id} was resolved."),
            ));
        } else if supervision::customer_may_appeal(&facts, at, &self.rules)
            && roll(self.seed, &format!("{key}:appeal")) % 100 < 70
        {
            let reason = if o.seller_rejections >= self.rules.rejection_limit {
                "The seller rejected my request three times."
            } else if o.customer_rejections >= self.rules.rejection_limit {
                "The delivery was still not what we ordered after three attempts."
            } else {
                "The seller has not updated the service for more than 5 days."
            };
            o.appeal = Appeal {
                status: AppealStatus::InProgress,
                initiated_by: Some(Party::Customer),
                reason: Some(reason.into()),
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
                Some(reason.into()),
            );
            emit = Some((
                EventType::AppealOpened,
                format!("{} appealed order {id}: {reason}", o.customer_name),
            ));
        } else {
            match o.flow_state {
                FlowState::AwaitingRequest => {
                    let texts = [
                        "Please migrate our 12 servers before the end of the month. Details are in the attached form.",
                        "We need the service for our Shanghai office; the filled request form is attached.",
                        "Start as soon as possible, please. Contact: ops@example.com.",
                    ];
                    let text = texts[(roll(self.seed, &format!("{key}:text")) % 3) as usize];
                    let attachments = request_attachments(tx, self.seed, &key, &o.product_id, at)?;
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
                    emit = Some((
                        EventType::RequestSubmitted,
                        format!("{} submitted a request for {id}.", o.customer_name),
                    ));
                }
                FlowState::RequestSubmitted | FlowState::Delivering => {
                    let since = parse_ts(&o.flow_updated_at).unwrap_or(at);
                    if at - since >= 3 * DAY {
                        o.customer_updated_at = ts(at);
                        record(&mut o, at, Party::Customer, "Reminder sent", None);
                        emit = Some((
                            EventType::Reminder,
                            format!(
                                "{} reminded you about {id}: no update for {} days.",
                                o.customer_name,
                                (at - since) / DAY
                            ),
                        ));
                    }
                }
                FlowState::AwaitingAcceptance => {
                    let reject = roll(self.seed, &format!("{key}:verdict")) % 100 < 25;
                    o.customer_updated_at = ts(at);
                    o.flow_updated_at = ts(at);
                    if reject {
                        o.customer_rejections += 1;
                        o.flow_state = FlowState::Delivering;
                        record(
                            &mut o,
                            at,
                            Party::Customer,
                            "Delivery rejected",
                            Some("The result does not match the request.".into()),
                        );
                        emit = Some((
                            EventType::DeliveryRejected,
                            format!("{} rejected the delivery of {id}.", o.customer_name),
                        ));
                    } else {
                        o.flow_state = FlowState::Accepted;
                        o.accepted_at = Some(ts(at));
                        record(&mut o, at, Party::Customer, "Acceptance confirmed", None);
                        emit = Some((
                            EventType::DeliveryAccepted,
                            format!("{} accepted the delivery of {id}.", o.customer_name),
                        ));
                    }
                }
                FlowState::Accepted => {
                    o.flow_state = FlowState::Completed;
                    o.order_status = OrderStatus::Completed;
                    o.flow_updated_at = ts(at);
                    record(&mut o, at, Party::Nobody, "Order completed", None);
                    emit = Some((
                        EventType::OrderCompleted,
                        format!("Order {id} is completed."),
                    ));
                }
                FlowState::Completed => {}
            }
        }
        if emit.is_some() {
            o.version += 1;
            o.updated_at = ts(at);
        }
        o.waiting_for = waiting_for(&o);
        let next = self.next_step(&o, at);
        // A check that changed nothing comes back a day later.
        let next = if emit.is_none() {
            next.map(|n| n.max(at + DAY))
        } else {
            next
        };
        save_order(tx, &o, next)?;
        if let Some((kind, summary)) = emit {
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
        if o.version != a.version {
            return Err(Refusal::new(
                409,
                codes::STALE_VERSION,
                format!(
                    "Order {order_id} changed since you looked (version {} → {}): {}. Refresh it before acting.",
                    a.version,
                    o.version,
                    o.flow_state.label()
                ),
            ));
        }
        let next = supervision::seller_action(
            o.flow_state,
            o.appeal.status == AppealStatus::InProgress,
            a.action,
        )
        .map_err(|e| Refusal::not_allowed(e.to_string()))?;
        let need = |v: &Option<String>, what: &str| -> Outcome<String> {
            match v.as_deref().map(str::trim) {
                Some(s) if !s.is_empty() => Ok(s.to_owned()),
                _ => Err(Refusal::invalid(format!(
                    "{what} is required for this action."
                ))),
            }
        };
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
        let record_text;
        let op;
        match a.action {
            SellerAction::AcceptRequest => {
                op = "Request accepted";
                record_text = None;
            }
            SellerAction::RejectRequest => {
                let reason = need(&a.reason, "reason")?;
                o.seller_rejections += 1;
                op = "Request rejected";
                record_text = Some(reason);
            }
            SellerAction::DeliverService => {
                let result = need(&a.result_text, "resultText")?;
                let enabling = need(&a.actual_enabling_time, "actualEnablingTime")?;
                if parse_ts(&enabling).is_none() {
                    return Err(Refusal::invalid(
                        "actualEnablingTime must be yyyyMMddTHHmmssZ.",
                    ));
                }
                o.delivery = Some(koodesk_market::contract::Delivery {
                    result_text: result.clone(),
                    actual_enabling_time: enabling,
                    deliverable_ids: a.deliverable_ids.clone(),
                    delivered_at: ts(now),
                });
                op = "Service delivered";
                record_text = Some(result);
            }
            SellerAction::InitiateAppeal => {
                let reason = need(&a.reason, "reason")?;
                if a.customer_unreachable && a.commitment_letter_id.is_none() {
                    return Err(Refusal::invalid(
                        "When the customer cannot be reached, attach the Letter of Commitment on Requesting Appeal Handling (commitmentLetterId).",
                    ));
                }
                o.appeal = Appeal {
                    status: AppealStatus::InProgress,
                    initiated_by: Some(Party::Seller),
                    reason: Some(reason.clone()),
                    initiated_at: Some(ts(now)),
                    proof_ids: a.proof_ids.clone(),
                    commitment_letter_id: a.commitment_letter_id.clone(),
                    outcome: None,
                };
                op = "Appeal initiated";
                record_text = Some(reason);
            }
        }
        if next != o.flow_state {
            o.flow_state = next;
            o.flow_updated_at = ts(now);
        }
        o.seller_updated_at = ts(now);
        o.version += 1;
        o.updated_at = ts(now);
        record(&mut o, now, Party::Seller, op, record_text);
        o.waiting_for = waiting_for(&o);
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

    // -----------------------------------------------------------------------------------------
    // Time passing

    /// Plays everything that was due up to `now`, in time order.
    pub fn advance(&self, tx: &Connection, now: i64) -> rusqlite::Result<()> {
        for _ in 0..10_000 {
            let app: Option<(i64, String)> = tx
                .query_row(
                    "SELECT due_at, json FROM applications WHERE status = 'PENDING_APPROVAL' AND due_at <= ?1
                     ORDER BY due_at, application_id LIMIT 1",
                    [now],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let order: Option<(i64, String)> = tx
                .query_row(
                    "SELECT next_at, json FROM orders WHERE next_at IS NOT NULL AND next_at <= ?1
                     ORDER BY next_at, order_id LIMIT 1",
                    [now],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let purchase: Option<(i64, String)> = tx
                .query_row(
                    "SELECT next_purchase_at, json FROM products WHERE next_purchase_at IS NOT NULL AND next_purchase_at <= ?1
                     ORDER BY next_purchase_at, product_id LIMIT 1",
                    [now],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let earliest = [
                app.as_ref().map(|a| a.0),
                order.as_ref().map(|o| o.0),
                purchase.as_ref().map(|p| p.0),
            ]
            .into_iter()
            .flatten()
            .min();
            let Some(t) = earliest else { return Ok(()) };
            if let Some((at, json)) = app.filter(|a| a.0 == t) {
                let a: Application = db::from_json(&json)?;
                self.review(tx, a, at)?;
            } else if let Some((at, json)) = order.filter(|o| o.0 == t) {
                let o: ServiceOrder = db::from_json(&json)?;
                self.customer_step(tx, o, at)?;
            } else if let Some((at, json)) = purchase {
                let p: LiveProduct = db::from_json(&json)?;
                let next = at
                    + pick(
                        self.seed,
                        &format!("{}:{at}:purchase", p.product_id),
                        24,
                        96,
                    ) * HOUR;
                tx.execute(
                    "UPDATE products SET next_purchase_at = ?2 WHERE product_id = ?1",
                    params![p.product_id, next],
                )?;
                if p.status == ProductStatus::Online {
                    if let Some(method) = supervised(&p.product) {
                        self.new_order(tx, &p, method, at)?;
                    }
                }
            }
        }
        Ok(())
    }
}

fn record(o: &mut ServiceOrder, at: i64, party: Party, operation: &str, text: Option<String>) {
    o.records.push(OperationRecord {
        at: ts(at),
        party,
        operation: operation.into(),
        text,
    });
}

pub fn waiting_for(o: &ServiceOrder) -> Party {
    if o.appeal.status == AppealStatus::InProgress {
        Party::Operations
    } else {
        o.flow_state.waiting_for()
    }
}

pub fn save_order(tx: &Connection, o: &ServiceOrder, next_at: Option<i64>) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO orders (order_id, updated_at, next_at, json) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(order_id) DO UPDATE SET updated_at = excluded.updated_at, next_at = excluded.next_at, json = excluded.json",
        params![o.order_id, parse_ts(&o.updated_at).unwrap_or(0), next_at, db::to_json(o)],
    )?;
    Ok(())
}

pub fn save_application(
    tx: &Connection,
    a: &Application,
    due_at: Option<i64>,
) -> rusqlite::Result<()> {
    let status = serde_json::to_value(a.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    tx.execute(
        "INSERT INTO applications (application_id, status, product_id, submitted_at, updated_at, due_at, json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(application_id) DO UPDATE SET status = excluded.status, product_id = excluded.product_id,
             updated_at = excluded.updated_at, due_at = COALESCE(excluded.due_at, applications.due_at), json = excluded.json",
        params![
            a.application_id,
            status,
            a.product_id,
            parse_ts(&a.submitted_at).unwrap_or(0),
            parse_ts(&a.updated_at).unwrap_or(0),
            due_at,
            db::to_json(a)
        ],
    )?;
    Ok(())
}

/// The files a customer attaches to a request: a filled copy of each of the product's request
/// templates. A Koodesk template whose form definition was uploaded (content type
/// [`FORM_CONTENT_TYPE`]) is filled in with plausible answers (one customer in five leaves a
/// required answer out); any other template file is sent back as it was.
fn request_attachments(
    tx: &Connection,
    seed: u64,
    key: &str,
    product_id: &str,
    now: i64,
) -> rusqlite::Result<Vec<AttachmentInfo>> {
    let Some(p) = db::get::<LiveProduct>(tx, "products", "product_id", product_id)? else {
        return Ok(Vec::new());
    };
    let Delivery::ProfessionalService {
        request_templates, ..
    } = &p.product.basic.delivery
    else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for t in request_templates {
        let Some(file) = &t.file else { continue };
        let id = attachment_id(&file.sha256);
        let row: Option<(String, Vec<u8>)> = tx
            .query_row(
                "SELECT json, content FROM attachments WHERE attachment_id = ?1",
                [&id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((json, template)) = row else {
            continue;
        };
        let info: AttachmentInfo = db::from_json(&json)?;
        match fill_template(tx, seed, key, &info, &template)? {
            Some((name, bytes)) => out.push(store_attachment(
                tx,
                &name,
                &info.content_type,
                &bytes,
                now,
            )?),
            None => out.push(info),
        }
    }
    Ok(out)
}

/// A filled copy of a Koodesk template, when its form is known.
fn fill_template(
    tx: &Connection,
    seed: u64,
    key: &str,
    info: &AttachmentInfo,
    template: &[u8],
) -> rusqlite::Result<Option<(String, Vec<u8>)>> {
    let Ok((form_id, version)) = koodesk_templates::identify(template) else {
        return Ok(None);
    };
    let mut forms = Vec::new();
    for (json, content) in tx
        .prepare("SELECT json, content FROM attachments")?
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?
        .flatten()
    {
        let Ok(a) = serde_json::from_str::<AttachmentInfo>(&json) else {
            continue;
        };
        if a.content_type != FORM_CONTENT_TYPE {
            continue;
        }
        if let Ok(f) = RequestForm::from_json(&String::from_utf8_lossy(&content)) {
            forms.push(f);
        }
    }
    let Some(form) = forms
        .into_iter()
        .find(|f| f.id == form_id && f.version == version)
    else {
        return Ok(None);
    };
    let n = roll(seed, &format!("{key}:answers")) as usize;
    let mut answers = serde_json::Map::new();
    for s in &form.sections {
        if s.repeating {
            let rows: Vec<serde_json::Value> = (0..1 + n % 3)
                .map(|i| {
                    serde_json::Value::Object(
                        s.fields
                            .iter()
                            .filter_map(|f| example_answer(f, n + i).map(|v| (f.key.clone(), v)))
                            .collect(),
                    )
                })
                .collect();
            answers.insert(s.key.clone(), serde_json::Value::Array(rows));
        } else {
            for f in &s.fields {
                if let Some(v) = example_answer(f, n) {
                    answers.insert(f.key.clone(), v);
                }
            }
        }
    }
    if roll(seed, &format!("{key}:mistake")) % 100 < 20 {
        if let Some(f) = form
            .sections
            .iter()
            .filter(|s| !s.repeating)
            .flat_map(|s| &s.fields)
            .find(|f| f.required)
        {
            answers.remove(&f.key);
        }
    }
    let opts = koodesk_templates::Options {
        answers,
        ..Default::default()
    };
    let is_docx = info.file_name.to_lowercase().ends_with(".docx");
    let bytes = if is_docx {
        koodesk_templates::docx::generate(&form, &opts)
    } else {
        koodesk_templates::xlsx::generate(&form, &opts)
    };
    let Ok(bytes) = bytes else { return Ok(None) };
    let (stem, ext) = info.file_name.rsplit_once('.').unwrap_or((
        info.file_name.as_str(),
        if is_docx { "docx" } else { "xlsx" },
    ));
    Ok(Some((format!("{stem} (filled).{ext}"), bytes)))
}

/// Stores a file the marketplace itself produced (a customer's upload).
fn store_attachment(
    tx: &Connection,
    name: &str,
    content_type: &str,
    bytes: &[u8],
    now: i64,
) -> rusqlite::Result<AttachmentInfo> {
    let sha = hex::encode(Sha256::digest(bytes));
    let id = attachment_id(&sha);
    if let Some(existing) = db::get::<AttachmentInfo>(tx, "attachments", "attachment_id", &id)? {
        return Ok(existing);
    }
    let info = AttachmentInfo {
        attachment_id: id.clone(),
        kind: AttachmentKind::Other,
        file_name: name.to_owned(),
        content_type: content_type.to_owned(),
        sha256: sha,
        size: bytes.len() as u64,
        uploaded_at: ts(now),
    };
    tx.execute(
        "INSERT INTO attachments (attachment_id, json, content) VALUES (?1, ?2, ?3)",
        params![id, db::to_json(&info), bytes],
    )?;
    Ok(info)
}

/// Files the snapshot refers to that were never uploaded.
fn missing_files(tx: &Connection, p: &Product) -> rusqlite::Result<Vec<ReviewComment>> {
    let q = &p.qualification;
    let mut files: Vec<(&str, &koodesk_domain::product::Attachment)> = Vec::new();
    let named = [
        ("product.basic.logo", p.basic.logo.as_ref()),
        ("product.qualification.eula", q.eula.as_ref()),
        ("product.qualification.user_guide", q.user_guide.as_ref()),
        (
            "product.qualification.business_letter",
            q.business_letter.as_ref(),
        ),
        (
            "product.qualification.software_copyright",
            q.software_copyright.as_ref(),
        ),
    ];
    files.extend(named.into_iter().filter_map(|(f, a)| a.map(|a| (f, a))));
    if let Delivery::ProfessionalService {
        request_templates, ..
    } = &p.basic.delivery
    {
        files.extend(request_templates.iter().filter_map(|t| {
            t.file
                .as_ref()
                .map(|a| ("product.basic.delivery.request_templates", a))
        }));
    }
    let mut out = Vec::new();
    for (field, a) in files {
        if db::get::<AttachmentInfo>(
            tx,
            "attachments",
            "attachment_id",
            &attachment_id(&a.sha256),
        )?
        .is_none()
        {
            out.push(ReviewComment {
                field: Some(field.into()),
                message: format!(
                    "The file {} was not uploaded; upload it and submit again.",
                    a.file_name
                ),
            });
        }
    }
    Ok(out)
}

/// What a human reviewer notices that the linter does not.
fn human_checks(p: &Product) -> Vec<ReviewComment> {
    let mut out = Vec::new();
    let texts = [
        ("product.basic.name", p.basic.name.as_str()),
        ("product.details.overview", p.details.overview.as_str()),
        (
            "product.details.description",
            p.details.description.as_str(),
        ),
    ];
    for (field, text) in texts {
        let lower = text.to_lowercase();
        if ["lorem ipsum", "todo", "tbd", "xxx"]
            .iter()
            .any(|w| lower.contains(w))
        {
            out.push(ReviewComment {
                field: Some(field.into()),
                message: "Placeholder text found. Replace it with the real content.".into(),
            });
        }
    }
    let name = p.basic.name.to_lowercase();
    if ["best", "no.1", "no. 1", "number one", "最好", "第一"]
        .iter()
        .any(|w| name.contains(w))
    {
        out.push(ReviewComment {
            field: Some("product.basic.name".into()),
            message:
                "Absolute claims such as \"best\" or \"No. 1\" are not allowed in the product name."
                    .into(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_hours_skip_the_weekend() {
        // Friday 2026-11-20 12:00 UTC + 24 working hours = Monday 12:00.
        let fri = time::macros::datetime!(2026-11-20 12:00 UTC).unix_timestamp();
        let mon = time::macros::datetime!(2026-11-23 12:00 UTC).unix_timestamp();
        assert_eq!(add_working_hours(fri, 24), mon);
    }

    #[test]
    fn rolls_are_reproducible_and_depend_on_the_seed() {
        assert_eq!(roll(7, "x"), roll(7, "x"));
        assert_ne!(roll(7, "x"), roll(8, "x"));
        let v = pick(7, "y", 4, 24);
        assert!((4..=24).contains(&v));
    }
}
