//! The sandbox marketplace: an HTTP server on loopback that serves Koodesk's whole seller
//! contract, checks APIG signatures like the gateway, and simulates KooGallery's reviewer,
//! customers and operations managers on an accelerated clock, with fault injection per route.
//! The app's Demo marketplace is this server started in-process.

mod admin;
mod clock;
mod db;
mod faults;
mod gateway;
mod routes;
mod seed;
mod sim;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::{get, post};
use axum::Router;
use koodesk_domain::lint::Ruleset;
use koodesk_market::contract::*;
use rusqlite::Connection;
use sha2::{Digest, Sha256};

pub use faults::{Fault, FaultRule};
use sim::Sim;

/// Largest request body (attachments arrive base64 in JSON).
pub(crate) const BODY_LIMIT: usize = 32 * 1024 * 1024;
/// Largest attachment after decoding.
pub(crate) const ATTACHMENT_LIMIT: usize = 20 * 1024 * 1024;

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
    /// Serve only what KooGallery documents publicly (the order query), like a real gateway
    /// without Koodesk's contract: every other operation answers 404 `APIG.0101`.
    pub documented_only: bool,
    /// The reviewer is now and then picky about a fine description (8 % of applications).
    pub picky_reviewer: bool,
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
            documented_only: false,
            picky_reviewer: true,
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

pub(crate) struct Shared {
    pub(crate) db: Mutex<Connection>,
    pub(crate) clock: clock::Clock,
    pub(crate) faults: faults::Faults,
    pub(crate) sim: Sim,
    pub(crate) ak: String,
    pub(crate) sk: String,
}

impl Shared {
    pub(crate) fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
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
                picky: cfg.picky_reviewer,
                ..Sim::new(cfg.seed, Ruleset::default())
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
        let app = router(shared.clone(), cfg.documented_only);
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
    "/isv/support-changes",
    "/isv/request-forms/{formId}/versions/{version}",
];

fn router(shared: Arc<Shared>, documented_only: bool) -> Router {
    use admin::*;
    use gateway::{check_signature, gateway_error, inject_faults, loopback_only};
    use routes::*;
    let p = |i: usize| CONTRACT_PATHS[i];
    let documented = Router::new().route(p(0), get(order_query));
    let contract = Router::new()
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
        .route(p(12), post(submit_support_change).get(list_support_changes))
        .route(p(13), get(get_request_form));
    let api = if documented_only {
        documented
    } else {
        documented.merge(contract)
    };
    let api = api
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
        .route(
            "/admin/orders/{order_id}/request-files",
            post(admin_add_request_file),
        )
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
