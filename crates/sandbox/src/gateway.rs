//! The gateway in front of the contract: APIG signature checks, fault injection, the loopback
//! guard of the admin routes, the response envelope, and idempotent writes on the client token.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, MatchedPath, OriginalUri, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use koodesk_market::contract::*;
use koodesk_market::sign;
use rusqlite::{params, Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::sim::{Outcome, Refusal, Sim};
use crate::{db, Fault, Shared, BODY_LIMIT};

pub(crate) fn gateway_error(status: StatusCode, code: &str, msg: &str) -> Response {
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

pub(crate) fn refusal_body(r: &Refusal) -> Value {
    json!({ "resultCode": r.code, "resultMsg": r.message })
}

pub(crate) fn respond(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(body.clone())).into_response()
}

pub(crate) fn outcome<T: Serialize>(o: Outcome<T>) -> Response {
    match o {
        Ok(v) => respond(
            200,
            &envelope(serde_json::to_value(v).unwrap_or(Value::Null)),
        ),
        Err(r) => respond(r.status, &refusal_body(&r)),
    }
}

#[derive(Clone)]
pub(crate) struct AccessKey(pub(crate) String);

pub(crate) async fn check_signature(
    State(s): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
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

pub(crate) async fn inject_faults(
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

pub(crate) async fn loopback_only(
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
// Writes: idempotent on the client token

/// Runs a mutation once per client token: a repeat with the same body gets the first answer, a
/// repeat with another body is refused. The answer is stored with the change, atomically.
/// A write request: it names the client token that makes it idempotent.
pub(crate) trait Tokened {
    fn client_token(&self) -> &str;
}

macro_rules! tokened {
    ($($t:ty),*) => {$(
        impl Tokened for $t {
            fn client_token(&self) -> &str {
                &self.client_token
            }
        }
    )*};
}
tokened!(
    CreateApplication,
    Withdraw,
    OrderAction,
    UploadAttachment,
    SubmitSupportChange
);

/// What a write handler starts from: the shared state and the access key the signature named.
pub(crate) struct Writer {
    shared: Arc<Shared>,
    ak: String,
}

impl axum::extract::FromRequestParts<Arc<Shared>> for Writer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        shared: &Arc<Shared>,
    ) -> Result<Self, Self::Rejection> {
        let ak = parts
            .extensions
            .get::<AccessKey>()
            .cloned()
            .ok_or_else(|| {
                gateway_error(
                    StatusCode::UNAUTHORIZED,
                    "APIG.0301",
                    "Incorrect app authentication information: the request is not signed.",
                )
            })?;
        Ok(Writer {
            shared: shared.clone(),
            ak: ak.0,
        })
    }
}

impl Writer {
    /// Runs `f` once for the request's client token (see [`mutate`]).
    pub(crate) fn write<Req: DeserializeOwned + Tokened, Res: Serialize>(
        &self,
        route: &str,
        body: &[u8],
        f: impl FnOnce(&Sim, &Connection, &Req, i64) -> Outcome<Res>,
    ) -> Response {
        mutate(&self.shared, &self.ak, route, body, f)
    }
}

fn mutate<Req: DeserializeOwned + Tokened, Res: Serialize>(
    s: &Shared,
    ak: &str,
    route: &str,
    body: &[u8],
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
    let client_token = req.client_token().trim().to_owned();
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
