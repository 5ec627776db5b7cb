//! The sandbox marketplace: an HTTP server on loopback that serves Koodesk's whole seller
//! contract, checks APIG signatures like the gateway, and simulates KooGallery's reviewer,
//! customers and operations managers on an accelerated clock, with fault injection per route.
//! The app's Demo marketplace is this server started in-process.

mod clock;
mod db;
mod faults;
mod model;
mod seed;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{
    ConnectInfo, DefaultBodyLimit, MatchedPath, OriginalUri, Path, Query, Request, State,
};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use koodesk_domain::lint::Ruleset;
use koodesk_domain::product::Product;
use koodesk_market::contract::*;
use koodesk_market::sign;
use rusqlite::{params, Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub use faults::{Fault, FaultRule};
use model::{parse_ts, ts, Outcome, Refusal, Sim};

/// Largest request body (attachments arrive base64 in JSON).
const BODY_LIMIT: usize = 32 * 1024 * 1024;
/// Largest attachment after decoding.
const ATTACHMENT_LIMIT: usize = 20 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Config {
    pub seed: u64,
    /// 0: any free port.
    pub port: u16,
    pub ak: String,
    pub sk: String,
    /// Sandbox seconds per real second (0 stops the clock; it then moves only by admin jumps).
    pub clock_speed: f64,
    /// Sandbox time at start, Unix seconds (default: now).
    pub start: Option<i64>,
    /// Where to keep the state (default: in memory).
    pub state: Option<PathBuf>,
    /// Seed the demo data set: products, applications and orders in every state.
    pub demo: bool,
}

impl Config {
    /// A sandbox with the demo key pair for `seed`.
    pub fn new(seed: u64) -> Self {
        let (ak, sk) = demo_credentials(seed);
        Config {
            seed,
            port: 0,
            ak,
            sk,
            clock_speed: 1.0,
            start: None,
            state: None,
            demo: false,
        }
    }
}

/// The key pair a sandbox accepts when none is given; printed at start.
pub fn demo_credentials(seed: u64) -> (String, String) {
    let h = hex::encode(Sha256::digest(format!("koodesk-sandbox-{seed}")));
    (
        format!("DEMOAK{}", h[..14].to_uppercase()),
        format!("demo-sk-{}", &h[14..54]),
    )
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("cannot open the sandbox state: {0}")]
    State(#[from] rusqlite::Error),
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Listen { port: u16, source: std::io::Error },
}

struct Shared {
    db: Mutex<Connection>,
    clock: clock::Clock,
    faults: faults::Faults,
    sim: Sim,
    ak: String,
    sk: String,
}

impl Shared {
    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    pub base_url: String,
    pub ak: String,
    pub sk: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Sandbox {
    pub async fn start(cfg: Config) -> Result<Sandbox, SandboxError> {
        let conn = db::open(cfg.state.as_deref())?;
        // A file-backed sandbox resumes where its clock stopped, never earlier than asked.
        let asked = cfg
            .start
            .unwrap_or_else(|| time::OffsetDateTime::now_utc().unix_timestamp());
        let start = match db::meta_get(&conn, "clock")?.and_then(|v| v.parse::<i64>().ok()) {
            Some(saved) => saved.max(asked),
            None => asked,
        };
        let shared = Arc::new(Shared {
            db: Mutex::new(conn),
            clock: clock::Clock::new(start, cfg.clock_speed),
            faults: faults::Faults::default(),
            sim: Sim {
                seed: cfg.seed,
                rules: Default::default(),
                ruleset: Ruleset::default(),
            },
            ak: cfg.ak.clone(),
            sk: cfg.sk.clone(),
        });
        if cfg.demo {
            let mut db = shared.db();
            let seeded = db::meta_get(&db, "demo")?.is_some();
            if !seeded {
                let tx = db.transaction()?;
                seed::demo(&shared.sim, &tx, start)?;
                db::meta_set(&tx, "demo", "1")?;
                tx.commit()?;
            }
        }
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", cfg.port))
            .await
            .map_err(|source| SandboxError::Listen {
                port: cfg.port,
                source,
            })?;
        let addr = listener
            .local_addr()
            .map_err(|source| SandboxError::Listen {
                port: cfg.port,
                source,
            })?;
        let app = router(shared.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = rx.await;
            });
            if let Err(e) = serve.await {
                tracing::error!(error = %e, "sandbox server stopped");
            }
            // Keep sandbox time across restarts of a file-backed sandbox.
            let db = shared.db();
            let _ = db::meta_set(&db, "clock", &shared.clock.now().to_string());
        });
        Ok(Sandbox {
            base_url: format!("http://{addr}"),
            ak: cfg.ak,
            sk: cfg.sk,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    /// Stops the server and waits until it has.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The contract's paths under the base path, as docs/api/openapi.yaml names them. Fault rules
/// name routes the same way: `POST /isv/applications/{applicationId}/withdraw`.
pub const CONTRACT_PATHS: &[&str] = &[
    "/order/query",
    "/isv/products",
    "/isv/products/{productId}",
    "/isv/applications",
    "/isv/applications/{applicationId}",
    "/isv/applications/{applicationId}/withdraw",
    "/isv/attachments",
    "/isv/attachments/{attachmentId}",
    "/isv/service-orders",
    "/isv/service-orders/{orderId}",
    "/isv/service-orders/{orderId}/actions",
    "/isv/events",
];

fn router(shared: Arc<Shared>) -> Router {
    let p = |i: usize| CONTRACT_PATHS[i];
    let api = Router::new()
        .route(p(0), get(order_query))
        .route(p(1), get(list_products))
        .route(p(2), get(get_product))
        .route(p(3), post(create_application).get(list_applications))
        .route(p(4), get(get_application))
        .route(p(5), post(withdraw_application))
        .route(p(6), post(upload_attachment))
        .route(p(7), get(get_attachment))
        .route(p(8), get(list_orders))
        .route(p(9), get(get_order))
        .route(p(10), post(act_on_order))
        .route(p(11), get(events))
        .route_layer(middleware::from_fn_with_state(
            shared.clone(),
            inject_faults,
        ))
        .route_layer(middleware::from_fn_with_state(
            shared.clone(),
            check_signature,
        ));
    let admin = Router::new()
        .route("/admin/clock", get(admin_clock).post(admin_set_clock))
        .route(
            "/admin/faults",
            post(admin_add_fault).delete(admin_clear_faults),
        )
        .route("/admin/counters", get(admin_counters))
        .route("/admin/products", post(admin_add_product))
        .route("/admin/orders", post(admin_add_order))
        .route_layer(middleware::from_fn(loopback_only));
    Router::new()
        .nest(BASE_PATH, api)
        .merge(admin)
        .fallback(|| async {
            gateway_error(
                StatusCode::NOT_FOUND,
                "APIG.0101",
                "The API does not exist or has not been published in the environment.",
            )
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(shared)
}

// ---------------------------------------------------------------------------------------------
// Responses

fn gateway_error(status: StatusCode, code: &str, msg: &str) -> Response {
    let body = GatewayError {
        error_code: code.into(),
        error_msg: msg.into(),
        request_id: uuid::Uuid::new_v4().simple().to_string(),
    };
    (status, Json(body)).into_response()
}

fn envelope(data: Value) -> Value {
    let mut obj = match data {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    obj.insert("resultCode".into(), codes::SUCCESS.into());
    obj.insert("resultMsg".into(), "Success.".into());
    Value::Object(obj)
}

fn refusal_body(r: &Refusal) -> Value {
    json!({ "resultCode": r.code, "resultMsg": r.message })
}

fn respond(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(body.clone())).into_response()
}

fn outcome<T: Serialize>(o: Outcome<T>) -> Response {
    match o {
        Ok(v) => respond(
            200,
            &envelope(serde_json::to_value(v).unwrap_or(Value::Null)),
        ),
        Err(r) => respond(r.status, &refusal_body(&r)),
    }
}

// ---------------------------------------------------------------------------------------------
// Middleware

#[derive(Clone)]
struct AccessKey(String);

async fn check_signature(State(s): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return gateway_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "APIG.0201",
                "Request entity too large.",
            )
        }
    };
    let path = parts
        .extensions
        .get::<OriginalUri>()
        .map(|u| u.0.path().to_owned())
        .unwrap_or_else(|| parts.uri.path().to_owned());
    let query = parts
        .extensions
        .get::<OriginalUri>()
        .and_then(|u| u.0.query().map(str::to_owned))
        .unwrap_or_default();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let verdict = sign::verify(
        &sign::Incoming {
            method: parts.method.as_str(),
            path: &path,
            query: &query,
            headers: &headers,
            body: &bytes,
        },
        |ak| (ak == s.ak).then(|| s.sk.clone()),
        time::OffsetDateTime::now_utc(),
    );
    match verdict {
        Ok(ak) => {
            parts.extensions.insert(AccessKey(ak));
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(e) => {
            let _ = db::bump_conn(&s.db(), "signature.failures");
            gateway_error(
                StatusCode::UNAUTHORIZED,
                "APIG.0301",
                &format!("Incorrect app authentication information: {e}"),
            )
        }
    }
}

async fn inject_faults(
    State(s): State<Arc<Shared>>,
    path: MatchedPath,
    req: Request,
    next: Next,
) -> Response {
    let route = format!(
        "{} {}",
        req.method(),
        path.as_str()
            .strip_prefix(BASE_PATH)
            .unwrap_or(path.as_str())
    );
    let Some(fault) = s.faults.take(&route) else {
        return next.run(req).await;
    };
    let _ = db::bump_conn(&s.db(), &format!("faults.injected:{route}"));
    match fault {
        Fault::FailBefore => gateway_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "APIG.0202",
            "The backend is unavailable.",
        ),
        Fault::Status500 => respond(
            500,
            &json!({ "resultCode": codes::INTERNAL, "resultMsg": "Internal error. Try again later." }),
        ),
        Fault::Status429 { retry_after_secs } => {
            let mut r = gateway_error(
                StatusCode::TOO_MANY_REQUESTS,
                "APIG.0308",
                "The throttling threshold has been reached.",
            );
            if let Ok(v) = retry_after_secs.to_string().parse() {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        Fault::ApplyThenDrop => {
            let _applied = next.run(req).await;
            let cut = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::other(
                    "connection dropped by fault injection",
                ))
            });
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CONTENT_LENGTH, "4096")
                .body(Body::from_stream(cut))
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
        Fault::Delay { delay_ms } => {
            let r = next.run(req).await;
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            r
        }
        Fault::ApplyThen502 => {
            let _applied = next.run(req).await;
            gateway_error(
                StatusCode::BAD_GATEWAY,
                "APIG.0201",
                "The backend's answer was lost.",
            )
        }
        Fault::Malformed => {
            let _applied = next.run(req).await;
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                "{\"resultCode\":\"000000\",\"resultMsg\":\"Succ",
            )
                .into_response()
        }
    }
}

async fn loopback_only(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    // The peer and the name it asked for must both be loopback: a page on another site that a
    // browser is tricked into sending here (DNS rebinding) names its own host.
    let host_is_loopback = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(is_loopback_host);
    if !peer.ip().is_loopback() || !host_is_loopback {
        return (
            StatusCode::FORBIDDEN,
            "admin endpoints answer on loopback only",
        )
            .into_response();
    }
    next.run(req).await
}

/// `127.0.0.1:8080`, `[::1]:80`, `localhost` — a Host header that names this machine.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

// ---------------------------------------------------------------------------------------------
// Reads

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
struct PageQuery {
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

fn count(tx: &Connection, sql: &str, p: impl rusqlite::Params) -> Outcome<u32> {
    Ok(tx.query_row(sql, p, |r| r.get::<_, i64>(0))? as u32)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrderQueryParams {
    #[serde(default)]
    order_id: Option<String>,
    #[serde(default)]
    order_line_id: Option<String>,
}

async fn order_query(State(s): State<Arc<Shared>>, Query(q): Query<OrderQueryParams>) -> Response {
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

async fn list_products(State(s): State<Arc<Shared>>, Query(q): Query<PageQuery>) -> Response {
    read(&s, |tx, _| {
        let p = paging(&q)?;
        let total = count(
            tx,
            "SELECT COUNT(*) FROM products WHERE updated_at >= ?1",
            [p.since],
        )?;
        let products = db::all(
            tx,
            "SELECT json FROM products WHERE updated_at >= ?1 ORDER BY updated_at, product_id LIMIT ?2 OFFSET ?3",
            params![p.since, p.limit, p.offset],
        )?;
        Ok(ProductList { total, products })
    })
}

async fn get_product(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    read(&s, |tx, _| {
        let product: LiveProduct = db::get(tx, "products", "product_id", &id)?
            .ok_or_else(|| Refusal::not_found(format!("Product {id} does not exist.")))?;
        Ok(ProductData { product })
    })
}

async fn list_applications(State(s): State<Arc<Shared>>, Query(q): Query<PageQuery>) -> Response {
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

async fn get_application(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    read(&s, |tx, _| {
        let application: Application = db::get(tx, "applications", "application_id", &id)?
            .ok_or_else(|| Refusal::not_found(format!("Application {id} does not exist.")))?;
        Ok(ApplicationData { application })
    })
}

async fn get_attachment(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    read(&s, |tx, _| {
        use base64::Engine as _;
        let row: Option<(String, Vec<u8>)> = tx
            .query_row(
                "SELECT json, content FROM attachments WHERE attachment_id = ?1",
                [&id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (json, content) =
            row.ok_or_else(|| Refusal::not_found(format!("Attachment {id} does not exist.")))?;
        Ok(AttachmentContent {
            attachment: db::from_json(&json)?,
            content: base64::engine::general_purpose::STANDARD.encode(content),
        })
    })
}

async fn list_orders(State(s): State<Arc<Shared>>, Query(q): Query<PageQuery>) -> Response {
    read(&s, |tx, _| {
        let p = paging(&q)?;
        let total = count(
            tx,
            "SELECT COUNT(*) FROM orders WHERE updated_at >= ?1",
            [p.since],
        )?;
        let service_orders = db::all(
            tx,
            "SELECT json FROM orders WHERE updated_at >= ?1 ORDER BY updated_at, order_id LIMIT ?2 OFFSET ?3",
            params![p.since, p.limit, p.offset],
        )?;
        Ok(ServiceOrderList {
            total,
            service_orders,
        })
    })
}

async fn get_order(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    read(&s, |tx, _| {
        let service_order: ServiceOrder = db::get(tx, "orders", "order_id", &id)?
            .ok_or_else(|| Refusal::not_found(format!("Order {id} does not exist.")))?;
        Ok(ServiceOrderData { service_order })
    })
}

#[derive(Deserialize)]
struct EventQuery {
    #[serde(default)]
    cursor: Option<String>,
    #[serde(default)]
    limit: Option<String>,
}

async fn events(State(s): State<Arc<Shared>>, Query(q): Query<EventQuery>) -> Response {
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

// ---------------------------------------------------------------------------------------------
// Writes: idempotent on the client token

/// Runs a mutation once per client token: a repeat with the same body gets the first answer, a
/// repeat with another body is refused. The answer is stored with the change, atomically.
fn mutate<Req: DeserializeOwned, Res: Serialize>(
    s: &Shared,
    ak: &str,
    route: &str,
    body: &[u8],
    token: impl Fn(&Req) -> &str,
    f: impl FnOnce(&Sim, &Connection, &Req, i64) -> Outcome<Res>,
) -> Response {
    let req: Req = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(e) => {
            return outcome::<()>(Err(Refusal::invalid(format!(
                "The request body is not valid: {e}"
            ))))
        }
    };
    let client_token = token(&req).trim().to_owned();
    if client_token.is_empty() || client_token.len() > 64 {
        return outcome::<()>(Err(Refusal::invalid(
            "clientToken is mandatory (1 to 64 characters).",
        )));
    }
    let hash = hex::encode(Sha256::digest(body));
    let now = s.clock.now();
    let mut db = s.db();
    let result: Result<(u16, Value), Refusal> = (|| {
        let mut tx = db.transaction()?;
        s.sim.advance(&tx, now)?;
        let seen: Option<(String, String, u16, String)> = tx
            .query_row(
                "SELECT route, body_sha256, status, response FROM tokens WHERE access_key = ?1 AND client_token = ?2",
                params![ak, client_token],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        if let Some((r, h, status, response)) = seen {
            tx.commit()?;
            if r == route && h == hash {
                return Ok((
                    status,
                    serde_json::from_str(&response).unwrap_or(Value::Null),
                ));
            }
            return Err(Refusal::new(
                409,
                codes::TOKEN_REUSED,
                format!("Client token {client_token} was already used for a different request."),
            ));
        }
        // The operation in a savepoint: a refusal leaves nothing behind but the stored answer.
        let answer = {
            let sp = tx.savepoint()?;
            let r = f(&s.sim, &sp, &req, now);
            if r.is_ok() {
                sp.commit()?;
            }
            r
        };
        let (status, value) = match answer {
            Ok(v) => (
                200u16,
                envelope(serde_json::to_value(v).unwrap_or(Value::Null)),
            ),
            Err(r) if r.status >= 500 => return Err(r),
            Err(r) => (r.status, refusal_body(&r)),
        };
        tx.execute(
            "INSERT INTO tokens (access_key, client_token, route, body_sha256, status, response)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![ak, client_token, route, hash, status, value.to_string()],
        )?;
        tx.commit()?;
        Ok((status, value))
    })();
    match result {
        Ok((status, value)) => respond(status, &value),
        Err(r) => respond(r.status, &refusal_body(&r)),
    }
}

async fn create_application(
    State(s): State<Arc<Shared>>,
    Extension(ak): Extension<AccessKey>,
    body: Bytes,
) -> Response {
    mutate(
        &s,
        &ak.0,
        "POST /isv/applications",
        &body,
        |r: &CreateApplication| &r.client_token,
        |sim, tx, req, now| {
            sim.create_application(tx, req, now)
                .map(|application| ApplicationData { application })
        },
    )
}

async fn withdraw_application(
    State(s): State<Arc<Shared>>,
    Extension(ak): Extension<AccessKey>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let route = format!("POST /isv/applications/{id}/withdraw");
    mutate(
        &s,
        &ak.0,
        &route,
        &body,
        |r: &Withdraw| &r.client_token,
        |sim, tx, req, now| {
            sim.withdraw(tx, &id, req, now)
                .map(|application| ApplicationData { application })
        },
    )
}

async fn act_on_order(
    State(s): State<Arc<Shared>>,
    Extension(ak): Extension<AccessKey>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let route = format!("POST /isv/service-orders/{id}/actions");
    mutate(
        &s,
        &ak.0,
        &route,
        &body,
        |r: &OrderAction| &r.client_token,
        |sim, tx, req, now| {
            sim.seller_action(tx, &id, req, now)
                .map(|service_order| ServiceOrderData { service_order })
        },
    )
}

async fn upload_attachment(
    State(s): State<Arc<Shared>>,
    Extension(ak): Extension<AccessKey>,
    body: Bytes,
) -> Response {
    mutate(
        &s,
        &ak.0,
        "POST /isv/attachments",
        &body,
        |r: &UploadAttachment| &r.client_token,
        |_, tx, req, now| {
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
            let id = attachment_id(&actual);
            if let Some(existing) =
                db::get::<AttachmentInfo>(tx, "attachments", "attachment_id", &id)?
            {
                return Ok(AttachmentData {
                    attachment: existing,
                });
            }
            let info = AttachmentInfo {
                attachment_id: id.clone(),
                kind: req.kind,
                file_name: name.to_owned(),
                content_type: req.content_type.clone(),
                sha256: actual,
                size: content.len() as u64,
                uploaded_at: ts(now),
            };
            tx.execute(
                "INSERT INTO attachments (attachment_id, json, content) VALUES (?1, ?2, ?3)",
                params![id, db::to_json(&info), content],
            )?;
            Ok(AttachmentData { attachment: info })
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Admin (loopback only, unsigned, not part of the seller contract)

fn clock_json(s: &Shared) -> Value {
    let now = s.clock.now();
    json!({ "now": ts(now), "unix": now, "speed": s.clock.speed() })
}

async fn admin_clock(State(s): State<Arc<Shared>>) -> Json<Value> {
    Json(clock_json(&s))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SetClock {
    #[serde(default)]
    advance_secs: Option<i64>,
    #[serde(default)]
    speed: Option<f64>,
}

async fn admin_set_clock(State(s): State<Arc<Shared>>, Json(req): Json<SetClock>) -> Response {
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

async fn admin_add_fault(State(s): State<Arc<Shared>>, Json(rule): Json<FaultRule>) -> Json<Value> {
    s.faults.add(rule);
    Json(json!({ "pending": s.faults.pending() }))
}

async fn admin_clear_faults(State(s): State<Arc<Shared>>) -> Json<Value> {
    s.faults.clear();
    Json(json!({ "pending": s.faults.pending() }))
}

async fn admin_counters(State(s): State<Arc<Shared>>) -> Response {
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
struct AddProduct {
    product: Product,
}

async fn admin_add_product(State(s): State<Arc<Shared>>, Json(req): Json<AddProduct>) -> Response {
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
struct AddOrder {
    product_id: String,
}

async fn admin_add_order(State(s): State<Arc<Shared>>, Json(req): Json<AddOrder>) -> Response {
    let now = s.clock.now();
    let mut db = s.db();
    let r = (|| -> Result<ServiceOrder, Refusal> {
        let tx = db.transaction()?;
        s.sim.advance(&tx, now)?;
        let p: LiveProduct =
            db::get(&tx, "products", "product_id", &req.product_id)?.ok_or_else(|| {
                Refusal::not_found(format!("Product {} does not exist.", req.product_id))
            })?;
        let method = model::supervised(&p.product)
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
