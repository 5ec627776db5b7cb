//! Admin routes (loopback only, unsigned, not part of the seller contract): the clock, faults,
//! counters, and products and orders added by tests.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use koodesk_domain::product::Product;
use koodesk_market::contract::*;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::gateway::{refusal_body, respond};
use crate::sim::{products, ts, Refusal};
use crate::{db, FaultRule, Shared};

fn clock_json(s: &Shared) -> Value {
    let now = s.clock.now();
    json!({ "now": ts(now), "unix": now, "speed": s.clock.speed() })
}

pub(crate) async fn admin_clock(State(s): State<Arc<Shared>>) -> Json<Value> {
    Json(clock_json(&s))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SetClock {
    #[serde(default)]
    advance_secs: Option<i64>,
    #[serde(default)]
    speed: Option<f64>,
}

pub(crate) async fn admin_set_clock(
    State(s): State<Arc<Shared>>,
    Json(req): Json<SetClock>,
) -> Response {
    if let Some(secs) = req.advance_secs {
        s.clock.advance(secs);
    }
    if let Some(speed) = req.speed {
        s.clock.set_speed(speed);
    }
    let now = s.clock.now();
    let mut db = s.db();
    let r = (|| -> rusqlite::Result<()> {
        let tx = db.transaction()?;
        s.sim.advance(&tx, now)?;
        db::meta_set(&tx, "clock", &now.to_string())?;
        tx.commit()
    })();
    drop(db);
    match r {
        Ok(()) => Json(clock_json(&s)).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

pub(crate) async fn admin_add_fault(
    State(s): State<Arc<Shared>>,
    Json(rule): Json<FaultRule>,
) -> Json<Value> {
    s.faults.add(rule);
    Json(json!({ "pending": s.faults.pending() }))
}

pub(crate) async fn admin_clear_faults(State(s): State<Arc<Shared>>) -> Json<Value> {
    s.faults.clear();
    Json(json!({ "pending": s.faults.pending() }))
}

pub(crate) async fn admin_counters(State(s): State<Arc<Shared>>) -> Response {
    let db = s.db();
    let r = (|| -> rusqlite::Result<serde_json::Map<String, Value>> {
        let mut stmt = db.prepare("SELECT name, value FROM counters ORDER BY name")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut m = serde_json::Map::new();
        for row in rows {
            let (k, v) = row?;
            m.insert(k, v.into());
        }
        Ok(m)
    })();
    match r {
        Ok(m) => Json(json!({ "counters": m })).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

#[derive(Deserialize)]
pub(crate) struct AddProduct {
    product: Product,
}

pub(crate) async fn admin_add_product(
    State(s): State<Arc<Shared>>,
    Json(req): Json<AddProduct>,
) -> Response {
    let now = s.clock.now();
    let mut db = s.db();
    let r = (|| -> rusqlite::Result<LiveProduct> {
        let tx = db.transaction()?;
        let p = s.sim.new_product(&tx, req.product, now)?;
        tx.commit()?;
        Ok(p)
    })();
    match r {
        Ok(p) => Json(json!({ "product": p })).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AddOrder {
    product_id: String,
}

pub(crate) async fn admin_add_order(
    State(s): State<Arc<Shared>>,
    Json(req): Json<AddOrder>,
) -> Response {
    let now = s.clock.now();
    let mut db = s.db();
    let r = (|| -> Result<ServiceOrder, Refusal> {
        let tx = db.transaction()?;
        s.sim.advance(&tx, now)?;
        let p: LiveProduct =
            db::get(&tx, "products", "product_id", &req.product_id)?.ok_or_else(|| {
                Refusal::not_found(format!("Product {} does not exist.", req.product_id))
            })?;
        let method = products::order_method(&p.product)
            .ok_or_else(|| Refusal::not_allowed("This product has no service supervision."))?;
        let o = s.sim.new_order(&tx, &p, method, now)?;
        tx.commit()?;
        Ok(o)
    })();
    match r {
        Ok(o) => Json(json!({ "serviceOrder": o })).into_response(),
        Err(r) => respond(r.status, &refusal_body(&r)),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RequestFile {
    file_name: String,
    content_type: String,
    /// The file, base64.
    content: String,
}

/// Puts a file among the customer's request attachments of an order that has a request, as if
/// the customer had sent it (a hand-filled template, a damaged or hostile file). The order's
/// version moves; its flow version does not.
pub(crate) async fn admin_add_request_file(
    State(s): State<Arc<Shared>>,
    axum::extract::Path(order_id): axum::extract::Path<String>,
    Json(req): Json<RequestFile>,
) -> Response {
    use base64::Engine as _;
    let Ok(content) = base64::engine::general_purpose::STANDARD.decode(req.content.as_bytes())
    else {
        let r = Refusal::invalid("content is not base64.");
        return respond(r.status, &refusal_body(&r));
    };
    let now = s.clock.now();
    let mut db = s.db();
    let r = (|| -> Result<ServiceOrder, Refusal> {
        let tx = db.transaction()?;
        let mut o: ServiceOrder = db::get(&tx, "orders", "order_id", &order_id)?
            .ok_or_else(|| Refusal::not_found(format!("Order {order_id} does not exist.")))?;
        let info = crate::sim::attachments::store(
            &tx,
            AttachmentKind::Other,
            &req.file_name,
            &req.content_type,
            &content,
            now,
        )?;
        let request = o
            .request
            .as_mut()
            .ok_or_else(|| Refusal::not_allowed("The customer has not sent a request yet."))?;
        request.attachments.push(info);
        o.version += 1;
        o.updated_at = ts(now);
        let next = s.sim.next_step(&o, now);
        crate::sim::orders::save_order(&tx, &o, next)?;
        tx.commit()?;
        Ok(o)
    })();
    match r {
        Ok(o) => Json(json!({ "serviceOrder": o })).into_response(),
        Err(r) => respond(r.status, &refusal_body(&r)),
    }
}
