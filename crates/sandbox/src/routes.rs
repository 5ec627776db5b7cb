//! The contract's operations: reads bring the simulation up to now first; writes run once per
//! client token through [`crate::gateway::mutate`].

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use koodesk_market::contract::*;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::gateway::{outcome, Writer};
use crate::sim::{attachments, parse_ts, Outcome, Refusal};
use crate::{db, seed, Shared, ATTACHMENT_LIMIT};

/// Brings the simulation up to now, then reads.
fn read<T: Serialize>(s: &Shared, f: impl FnOnce(&Connection, i64) -> Outcome<T>) -> Response {
    let now = s.clock.now();
    let mut db = s.db();
    let result = (|| {
        let tx = db.transaction()?;
        s.sim.advance(&tx, now)?;
        let out = f(&tx, now);
        tx.commit()?;
        out
    })();
    outcome(result)
}

#[derive(Deserialize)]
pub(crate) struct PageQuery {
    #[serde(default)]
    offset: Option<String>,
    #[serde(default)]
    limit: Option<String>,
    #[serde(default)]
    updated_since: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

struct Paging {
    offset: i64,
    limit: i64,
    since: i64,
}

fn paging(q: &PageQuery) -> Outcome<Paging> {
    let num = |v: &Option<String>, name: &str, default: i64, max: i64| -> Outcome<i64> {
        match v {
            None => Ok(default),
            Some(s) => s
                .parse::<i64>()
                .ok()
                .filter(|n| (0..=max).contains(n))
                .ok_or_else(|| {
                    Refusal::invalid(format!("{name} must be a whole number from 0 to {max}."))
                }),
        }
    };
    let since = match &q.updated_since {
        None => i64::MIN,
        Some(s) => parse_ts(s)
            .ok_or_else(|| Refusal::invalid("updated_since must be yyyyMMddTHHmmssZ."))?,
    };
    Ok(Paging {
        offset: num(&q.offset, "offset", 0, i64::from(u32::MAX))?,
        limit: num(&q.limit, "limit", 20, 100)?.max(1),
        since,
    })
}

/// One page of a table's entities changed since `p.since` (oldest change first), and how many
/// there are in all.
fn page_of<T: serde::de::DeserializeOwned>(
    tx: &Connection,
    table: &str,
    id_col: &str,
    p: &Paging,
) -> Outcome<(u32, Vec<T>)> {
    let total = count(
        tx,
        &format!("SELECT COUNT(*) FROM {table} WHERE updated_at >= ?1"),
        [p.since],
    )?;
    let items = db::all(
        tx,
        &format!(
            "SELECT json FROM {table} WHERE updated_at >= ?1 ORDER BY updated_at, {id_col} LIMIT ?2 OFFSET ?3"
        ),
        params![p.since, p.limit, p.offset],
    )?;
    Ok((total, items))
}

fn count(tx: &Connection, sql: &str, p: impl rusqlite::Params) -> Outcome<u32> {
    Ok(tx.query_row(sql, p, |r| r.get::<_, i64>(0))? as u32)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OrderQueryParams {
    #[serde(default)]
    order_id: Option<String>,
    #[serde(default)]
    order_line_id: Option<String>,
}

pub(crate) async fn order_query(
    State(s): State<Arc<Shared>>,
    Query(q): Query<OrderQueryParams>,
) -> Response {
    read(&s, |tx, now| {
        let id = q.order_id.as_deref().unwrap_or("").trim();
        if id.is_empty() || id.len() > 64 {
            return Err(Refusal::invalid(
                "orderId is mandatory (at most 64 characters).",
            ));
        }
        if let Some(line) = &q.order_line_id {
            if line.len() > 64 {
                return Err(Refusal::invalid("orderLineId is at most 64 characters."));
            }
        }
        let info = match seed::mock_order(id, now) {
            Some(info) => Some(info),
            None => {
                db::get::<ServiceOrder>(tx, "orders", "order_id", id)?.map(|o| seed::order_info(&o))
            }
        };
        let info = info.ok_or_else(|| Refusal::not_found(format!("Order {id} does not exist.")))?;
        if let Some(line) = &q.order_line_id {
            if !info.order_line.iter().any(|l| &l.order_line_id == line) {
                return Err(Refusal::not_found(format!(
                    "Order line {line} does not exist."
                )));
            }
        }
        Ok(OrderQueryData {
            order_info: Some(info),
        })
    })
}

pub(crate) async fn list_products(
    State(s): State<Arc<Shared>>,
    Query(q): Query<PageQuery>,
) -> Response {
    read(&s, |tx, _| {
        let (total, products) = page_of(tx, "products", "product_id", &paging(&q)?)?;
        Ok(ProductList { total, products })
    })
}

pub(crate) async fn get_product(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    read(&s, |tx, _| {
        let product: LiveProduct = db::get(tx, "products", "product_id", &id)?
            .ok_or_else(|| Refusal::not_found(format!("Product {id} does not exist.")))?;
        Ok(ProductData { product })
    })
}

pub(crate) async fn list_applications(
    State(s): State<Arc<Shared>>,
    Query(q): Query<PageQuery>,
) -> Response {
    read(&s, |tx, _| {
        let p = paging(&q)?;
        let status = q.status.clone().unwrap_or_default();
        if !status.is_empty()
            && serde_json::from_value::<ApplicationStatus>(Value::String(status.clone())).is_err()
        {
            return Err(Refusal::invalid(format!("Unknown status {status:?}.")));
        }
        let filter = "updated_at >= ?1 AND (?2 = '' OR status = ?2)";
        let total = count(
            tx,
            &format!("SELECT COUNT(*) FROM applications WHERE {filter}"),
            params![p.since, status],
        )?;
        let applications = db::all(
            tx,
            &format!("SELECT json FROM applications WHERE {filter} ORDER BY updated_at, application_id LIMIT ?3 OFFSET ?4"),
            params![p.since, status, p.limit, p.offset],
        )?;
        Ok(ApplicationList {
            total,
            applications,
        })
    })
}

pub(crate) async fn get_application(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Response {
    read(&s, |tx, _| {
        let application: Application = db::get(tx, "applications", "application_id", &id)?
            .ok_or_else(|| Refusal::not_found(format!("Application {id} does not exist.")))?;
        Ok(ApplicationData { application })
    })
}

pub(crate) async fn get_attachment(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Response {
    read(&s, |tx, _| {
        use base64::Engine as _;
        let (attachment, content) = attachments::load(tx, &id)?
            .ok_or_else(|| Refusal::not_found(format!("Attachment {id} does not exist.")))?;
        Ok(AttachmentContent {
            attachment,
            content: base64::engine::general_purpose::STANDARD.encode(content),
        })
    })
}

/// The definition of a request form's version, as the seller uploaded it beside its templates.
pub(crate) async fn get_request_form(
    State(s): State<Arc<Shared>>,
    Path((form_id, version)): Path<(String, String)>,
) -> Response {
    read(&s, |tx, _| {
        use base64::Engine as _;
        let missing = || {
            Refusal::not_found(format!(
                "Version {version} of the request form {form_id} was never uploaded."
            ))
        };
        let number: u32 = version.trim().parse().map_err(|_| missing())?;
        let (attachment, content) =
            attachments::form_definition(tx, &form_id, number)?.ok_or_else(missing)?;
        Ok(AttachmentContent {
            attachment,
            content: base64::engine::general_purpose::STANDARD.encode(content),
        })
    })
}

pub(crate) async fn list_orders(
    State(s): State<Arc<Shared>>,
    Query(q): Query<PageQuery>,
) -> Response {
    read(&s, |tx, now| {
        let (total, service_orders) = page_of(tx, "orders", "order_id", &paging(&q)?)?;
        Ok(ServiceOrderList {
            total,
            service_orders,
            server_time: Some(crate::sim::ts(now)),
        })
    })
}

pub(crate) async fn get_order(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    read(&s, |tx, _| {
        let service_order: ServiceOrder = db::get(tx, "orders", "order_id", &id)?
            .ok_or_else(|| Refusal::not_found(format!("Order {id} does not exist.")))?;
        Ok(ServiceOrderData { service_order })
    })
}

#[derive(Deserialize)]
pub(crate) struct EventQuery {
    #[serde(default)]
    cursor: Option<String>,
    #[serde(default)]
    limit: Option<String>,
}

pub(crate) async fn events(State(s): State<Arc<Shared>>, Query(q): Query<EventQuery>) -> Response {
    read(&s, |tx, _| {
        let after: i64 = match q.cursor.as_deref() {
            None | Some("") => 0,
            Some(c) => c
                .strip_prefix("EV")
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| Refusal::invalid("cursor is not one this marketplace gave out."))?,
        };
        let limit: i64 = match &q.limit {
            None => 50,
            Some(l) => l
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=500).contains(n))
                .ok_or_else(|| Refusal::invalid("limit must be from 1 to 500."))?,
        };
        let mut stmt =
            tx.prepare("SELECT seq, json FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2")?;
        let rows = stmt.query_map(params![after, limit], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut events = Vec::new();
        let mut last = after;
        for row in rows {
            let (seq, json) = row?;
            events.push(db::from_json::<Event>(&json)?);
            last = seq;
        }
        Ok(EventPage {
            events,
            next_cursor: format!("EV{last:012}"),
        })
    })
}

pub(crate) async fn create_application(w: Writer, body: Bytes) -> Response {
    w.write("POST /isv/applications", &body, |sim, tx, req, now| {
        sim.create_application(tx, req, now)
            .map(|application| ApplicationData { application })
    })
}

pub(crate) async fn withdraw_application(
    w: Writer,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let route = format!("POST /isv/applications/{id}/withdraw");
    w.write(&route, &body, |sim, tx, req, now| {
        sim.withdraw(tx, &id, req, now)
            .map(|application| ApplicationData { application })
    })
}

pub(crate) async fn act_on_order(w: Writer, Path(id): Path<String>, body: Bytes) -> Response {
    let route = format!("POST /isv/service-orders/{id}/actions");
    w.write(&route, &body, |sim, tx, req: &OrderAction, now| {
        let service_order = sim.seller_action(tx, &id, req, now)?;
        db::bump(tx, "orders.acted", 1)?;
        db::bump(tx, &format!("orders.acted:{}", req.client_token), 1)?;
        Ok(ServiceOrderData { service_order })
    })
}

pub(crate) async fn upload_attachment(w: Writer, body: Bytes) -> Response {
    w.write(
        "POST /isv/attachments",
        &body,
        |_, tx, req: &UploadAttachment, now| {
            use base64::Engine as _;
            let content = base64::engine::general_purpose::STANDARD
                .decode(req.content.as_bytes())
                .map_err(|_| Refusal::invalid("content is not valid base64."))?;
            if content.len() > ATTACHMENT_LIMIT {
                return Err(Refusal::new(
                    413,
                    codes::TOO_LARGE,
                    format!(
                        "The file is {} MB; at most {} MB is accepted.",
                        content.len() / (1024 * 1024),
                        ATTACHMENT_LIMIT / (1024 * 1024)
                    ),
                ));
            }
            let actual = hex::encode(Sha256::digest(&content));
            if !actual.eq_ignore_ascii_case(req.sha256.trim()) {
                return Err(Refusal::invalid(
                    "sha256 does not match the content; the upload was damaged on the way.",
                ));
            }
            let name = req.file_name.trim();
            if name.is_empty() || name.len() > 255 || name.contains(['/', '\\']) {
                return Err(Refusal::invalid(
                    "fileName must be a plain file name of at most 255 characters.",
                ));
            }
            let info = attachments::store(tx, req.kind, name, &req.content_type, &content, now)?;
            db::bump(tx, &format!("attachments.uploaded:{}", req.client_token), 1)?;
            Ok(AttachmentData { attachment: info })
        },
    )
}

pub(crate) async fn submit_support_change(w: Writer, body: Bytes) -> Response {
    w.write("POST /isv/support-changes", &body, |sim, tx, req, now| {
        sim.submit_support_change(tx, req, now)
            .map(|support_change| SupportChangeData { support_change })
    })
}

pub(crate) async fn list_support_changes(
    State(s): State<Arc<Shared>>,
    Query(q): Query<PageQuery>,
) -> Response {
    read(&s, |tx, _| {
        let p = paging(&q)?;
        let total = count(tx, "SELECT COUNT(*) FROM support_changes", [])?;
        let support_changes = db::all(
            tx,
            "SELECT json FROM support_changes ORDER BY change_id LIMIT ?1 OFFSET ?2",
            params![p.limit, p.offset],
        )?;
        Ok(SupportChangeList {
            total,
            support_changes,
        })
    })
}
