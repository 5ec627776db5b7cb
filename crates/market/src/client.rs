//! The signed HTTP client: one method per contract operation, every error classed.

use std::net::IpAddr;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use url::Url;

use crate::contract::*;
use crate::error::MarketError;
use crate::sign::{self, Credentials, Headers, Signed, Unsigned, MAX_SKEW_SECS};

/// Which KooGallery gateway an account talks to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "url")]
pub enum Site {
    /// `https://mkt-intl.myhuaweicloud.com`
    International,
    /// `https://mkt.myhuaweicloud.eu`
    Europe,
    /// Any other base URL: HTTPS, or plain HTTP on this computer only (the sandbox).
    Custom(String),
}

impl Site {
    /// `intl`, `eu`, or a URL.
    pub fn parse(s: &str) -> Result<Site, MarketError> {
        let site = match s.trim() {
            "intl" | "international" => Site::International,
            "eu" | "europe" => Site::Europe,
            other => Site::Custom(other.to_owned()),
        };
        site.base_url()?;
        Ok(site)
    }

    pub fn base_url(&self) -> Result<Url, MarketError> {
        let raw = match self {
            Site::International => "https://mkt-intl.myhuaweicloud.com",
            Site::Europe => "https://mkt.myhuaweicloud.eu",
            Site::Custom(u) => u,
        };
        let url = Url::parse(raw).map_err(|e| {
            MarketError::BadSite(format!(
                "{raw:?} is not a marketplace address ({e}); use intl, eu or a URL"
            ))
        })?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                return Err(MarketError::BadSite(format!(
                    "{raw} uses plain HTTP; only HTTPS is allowed except on this computer (127.0.0.1, localhost)"
                )))
            }
            other => {
                return Err(MarketError::BadSite(format!(
                    "{raw}: the scheme {other:?} is not supported; use https://"
                )))
            }
        }
        if url.host_str().is_none() {
            return Err(MarketError::BadSite(format!("{raw} has no host")));
        }
        Ok(url)
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// `host[:port]` as the HTTP client will send it in `Host` (default ports left out).
fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The whole request, from connecting to the last byte of the answer.
    pub timeout: Duration,
    pub connect_timeout: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// A response as received, for callers that want it raw (`koodesk api request`).
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A request before signing; `path` and `query` raw, not percent-encoded.
#[derive(Debug, Clone, Default)]
pub struct RequestSpec {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Headers,
    pub body: Vec<u8>,
}

pub struct Client {
    http: reqwest::Client,
    base: Url,
    creds: Credentials,
}

const USER_AGENT: &str = concat!("Koodesk/", env!("CARGO_PKG_VERSION"));

impl Client {
    pub fn new(site: &Site, creds: Credentials, config: ClientConfig) -> Result<Self, MarketError> {
        let base = site.base_url()?;
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| MarketError::BadSite(format!("cannot set up HTTPS: {e}")))?;
        Ok(Client { http, base, creds })
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Signs a request without sending it: the full URL and what goes on the wire.
    pub fn sign(
        &self,
        spec: &RequestSpec,
        now: OffsetDateTime,
    ) -> Result<(Url, Signed), MarketError> {
        let base_path = self.base.path().trim_end_matches('/');
        let path = format!("{base_path}{}", spec.path);
        let host = host_header(&self.base);
        let signed = sign::sign(
            &self.creds,
            Unsigned {
                method: &spec.method,
                host: &host,
                path: &path,
                query: &spec.query,
                headers: spec.headers.clone(),
                body: &spec.body,
            },
            now,
        )?;
        let mut url = self.base.clone();
        url.set_path(&signed.path);
        url.set_query((!signed.query.is_empty()).then_some(signed.query.as_str()));
        Ok((url, signed))
    }

    /// Signs and sends a request; network failures are classed, HTTP statuses are not.
    pub async fn send(&self, spec: &RequestSpec) -> Result<RawResponse, MarketError> {
        let mutating = !matches!(spec.method.as_str(), "GET" | "HEAD");
        let (url, signed) = self.sign(spec, OffsetDateTime::now_utc())?;
        let method = reqwest::Method::from_bytes(spec.method.as_bytes()).map_err(|_| {
            MarketError::BadSite(format!("{:?} is not an HTTP method", spec.method))
        })?;
        let mut req = self.http.request(method, url.clone());
        for (name, value) in signed.headers.iter() {
            if name.eq_ignore_ascii_case("host") {
                continue; // the HTTP client sends the same value itself
            }
            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                MarketError::BadSite(format!("{name:?} is not a valid header name"))
            })?;
            let value = reqwest::header::HeaderValue::from_bytes(value.as_bytes())
                .map_err(|_| MarketError::BadSite(format!("the value of {name} cannot be sent")))?;
            req = req.header(name, value);
        }
        if !spec.body.is_empty() {
            req = req.body(spec.body.clone());
        }
        let host = host_header(&url);
        let resp = req
            .send()
            .await
            .map_err(|e| classify_send(&host, e, mutating))?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = read_body(resp, mutating).await?;
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        query: Vec<(String, String)>,
        body: Option<&impl Serialize>,
    ) -> Result<T, MarketError> {
        let mut headers = Headers::new();
        headers.set("Content-Type", "application/json;charset=UTF-8");
        headers.set("User-Agent", USER_AGENT);
        let body = match body {
            Some(b) => serde_json::to_vec(b)
                .map_err(|e| MarketError::BadSite(format!("cannot encode the request: {e}")))?,
            None => Vec::new(),
        };
        let spec = RequestSpec {
            method: method.to_owned(),
            path: format!("{BASE_PATH}{path}"),
            query,
            headers,
            body,
        };
        let mutating = method != "GET";
        let resp = self.send(&spec).await?;
        interpret(resp, mutating)
    }

    // -- the documented order query ------------------------------------------------------------

    /// `GET …/order/query`: the order, or `None` when the marketplace has no such order.
    pub async fn order_query(
        &self,
        order_id: &str,
        order_line_id: Option<&str>,
    ) -> Result<Option<OrderInfo>, MarketError> {
        let mut q = vec![("orderId".to_owned(), order_id.to_owned())];
        if let Some(line) = order_line_id {
            q.push(("orderLineId".to_owned(), line.to_owned()));
        }
        match self
            .call::<OrderQueryData>("GET", "/order/query", q, None::<&()>)
            .await
        {
            Ok(d) => Ok(d.order_info),
            Err(e) if e.code() == Some(codes::NOT_FOUND) => Ok(None),
            Err(e) => Err(e),
        }
    }

    // -- products ------------------------------------------------------------------------------

    pub async fn list_products(&self, page: &Page) -> Result<ProductList, MarketError> {
        self.call("GET", "/isv/products", page.query(), None::<&()>)
            .await
    }

    pub async fn get_product(&self, product_id: &str) -> Result<LiveProduct, MarketError> {
        let d: ProductData = self
            .call(
                "GET",
                &format!("/isv/products/{product_id}"),
                vec![],
                None::<&()>,
            )
            .await?;
        Ok(d.product)
    }

    // -- applications --------------------------------------------------------------------------

    pub async fn create_application(
        &self,
        req: &CreateApplication,
    ) -> Result<Application, MarketError> {
        let d: ApplicationData = self
            .call("POST", "/isv/applications", vec![], Some(req))
            .await?;
        Ok(d.application)
    }

    pub async fn list_applications(
        &self,
        page: &Page,
        status: Option<ApplicationStatus>,
    ) -> Result<ApplicationList, MarketError> {
        let mut q = page.query();
        if let Some(s) = status {
            q.push(("status".to_owned(), enum_name(&s)));
        }
        self.call("GET", "/isv/applications", q, None::<&()>).await
    }

    pub async fn get_application(&self, id: &str) -> Result<Application, MarketError> {
        let d: ApplicationData = self
            .call(
                "GET",
                &format!("/isv/applications/{id}"),
                vec![],
                None::<&()>,
            )
            .await?;
        Ok(d.application)
    }

    pub async fn withdraw_application(
        &self,
        id: &str,
        req: &Withdraw,
    ) -> Result<Application, MarketError> {
        let d: ApplicationData = self
            .call(
                "POST",
                &format!("/isv/applications/{id}/withdraw"),
                vec![],
                Some(req),
            )
            .await?;
        Ok(d.application)
    }

    // -- attachments ---------------------------------------------------------------------------

    /// Uploads a file. The same content always gets the same id, so a repeated upload is
    /// harmless.
    pub async fn upload_attachment(
        &self,
        client_token: &str,
        kind: AttachmentKind,
        file_name: &str,
        content_type: &str,
        content: &[u8],
    ) -> Result<AttachmentInfo, MarketError> {
        let req = UploadAttachment {
            client_token: client_token.to_owned(),
            kind,
            file_name: file_name.to_owned(),
            content_type: content_type.to_owned(),
            sha256: hex::encode(Sha256::digest(content)),
            content: base64::engine::general_purpose::STANDARD.encode(content),
        };
        let d: AttachmentData = self
            .call("POST", "/isv/attachments", vec![], Some(&req))
            .await?;
        Ok(d.attachment)
    }

    /// Downloads an attachment (a customer's filled template, a proof) and checks its hash.
    pub async fn download_attachment(
        &self,
        id: &str,
    ) -> Result<(AttachmentInfo, Vec<u8>), MarketError> {
        let d: AttachmentContent = self
            .call(
                "GET",
                &format!("/isv/attachments/{id}"),
                vec![],
                None::<&()>,
            )
            .await?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(d.content.as_bytes())
            .map_err(|e| MarketError::Malformed {
                status: 200,
                detail: format!("the attachment is not valid base64: {e}"),
                mutating: false,
            })?;
        if !hex::encode(Sha256::digest(&bytes)).eq_ignore_ascii_case(&d.attachment.sha256) {
            return Err(MarketError::Malformed {
                status: 200,
                detail: "the attachment does not match its SHA-256".into(),
                mutating: false,
            });
        }
        Ok((d.attachment, bytes))
    }

    // -- service orders ------------------------------------------------------------------------

    pub async fn list_service_orders(&self, page: &Page) -> Result<ServiceOrderList, MarketError> {
        self.call("GET", "/isv/service-orders", page.query(), None::<&()>)
            .await
    }

    pub async fn get_service_order(&self, order_id: &str) -> Result<ServiceOrder, MarketError> {
        let d: ServiceOrderData = self
            .call(
                "GET",
                &format!("/isv/service-orders/{order_id}"),
                vec![],
                None::<&()>,
            )
            .await?;
        Ok(d.service_order)
    }

    pub async fn act_on_order(
        &self,
        order_id: &str,
        action: &OrderAction,
    ) -> Result<ServiceOrder, MarketError> {
        let d: ServiceOrderData = self
            .call(
                "POST",
                &format!("/isv/service-orders/{order_id}/actions"),
                vec![],
                Some(action),
            )
            .await?;
        Ok(d.service_order)
    }

    // -- events --------------------------------------------------------------------------------

    pub async fn events(&self, cursor: Option<&str>, limit: u32) -> Result<EventPage, MarketError> {
        let mut q = vec![("limit".to_owned(), limit.to_string())];
        if let Some(c) = cursor {
            q.push(("cursor".to_owned(), c.to_owned()));
        }
        self.call("GET", "/isv/events", q, None::<&()>).await
    }
}

/// The SCREAMING_SNAKE_CASE name serde gives a contract enum.
fn enum_name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let t = inner.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = inner.source();
    }
    s
}

fn classify_send(host: &str, e: reqwest::Error, mutating: bool) -> MarketError {
    if e.is_connect() {
        return MarketError::Unreachable {
            host: host.to_owned(),
            detail: error_chain(&e),
        };
    }
    let detail = if e.is_timeout() {
        "no answer before the time limit".to_owned()
    } else {
        error_chain(&e)
    };
    MarketError::Interrupted { detail, mutating }
}

/// The most of an answer's body the client reads; a larger answer is refused, never buffered.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// Reads an answer's body chunk by chunk, stopping at [`MAX_RESPONSE_BYTES`] whatever the
/// `Content-Length` says.
async fn read_body(mut resp: reqwest::Response, mutating: bool) -> Result<Vec<u8>, MarketError> {
    let status = resp.status().as_u16();
    let too_large = || MarketError::Malformed {
        status,
        detail: format!(
            "the answer is larger than {} MB",
            MAX_RESPONSE_BYTES / (1024 * 1024)
        ),
        mutating,
    };
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_RESPONSE_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => {
                return Err(MarketError::Interrupted {
                    detail: format!("the answer was cut off: {}", error_chain(&e)),
                    mutating,
                })
            }
        }
    }
}

/// Turns an HTTP answer into the operation's data or a classed error.
pub fn interpret<T: DeserializeOwned>(resp: RawResponse, mutating: bool) -> Result<T, MarketError> {
    let status = resp.status;
    if status == 401 || status == 403 {
        if let Some(skew) = clock_skew(&resp) {
            return Err(MarketError::ClockSkew { skew_secs: skew });
        }
    }
    let value: Option<serde_json::Value> = serde_json::from_slice(&resp.body).ok();
    let message = || -> (String, String) {
        if let Some(v) = &value {
            if let (Some(c), Some(m)) = (v.get("resultCode"), v.get("resultMsg")) {
                return (
                    c.as_str().unwrap_or_default().to_owned(),
                    m.as_str().unwrap_or_default().to_owned(),
                );
            }
            if let (Some(c), Some(m)) = (v.get("error_code"), v.get("error_msg")) {
                return (
                    c.as_str().unwrap_or_default().to_owned(),
                    m.as_str().unwrap_or_default().to_owned(),
                );
            }
        }
        let text = String::from_utf8_lossy(&resp.body);
        (String::new(), text.chars().take(500).collect())
    };
    if status == 429 || status >= 500 {
        let retry_after = resp.header("retry-after").and_then(parse_retry_after);
        return Err(MarketError::Busy {
            status,
            retry_after,
            message: message().1,
            mutating,
        });
    }
    if !(200..300).contains(&status) {
        let (code, message) = message();
        return Err(MarketError::Rejected {
            status,
            code,
            message,
        });
    }
    let Some(value) = value else {
        return Err(MarketError::Malformed {
            status,
            detail: "not JSON".into(),
            mutating,
        });
    };
    let head: Envelope =
        serde_json::from_value(value.clone()).map_err(|e| MarketError::Malformed {
            status,
            detail: format!("no resultCode/resultMsg ({e})"),
            mutating,
        })?;
    if head.result_code != codes::SUCCESS {
        return Err(MarketError::Rejected {
            status,
            code: head.result_code,
            message: head.result_msg,
        });
    }
    serde_json::from_value(value).map_err(|e| MarketError::Malformed {
        status,
        detail: e.to_string(),
        mutating,
    })
}

/// Local clock minus the server's `Date`, when that is past the gateway's 15-minute limit.
fn clock_skew(resp: &RawResponse) -> Option<i64> {
    let server = httpdate::parse_http_date(resp.header("date")?).ok()?;
    let local = SystemTime::now();
    let skew = match local.duration_since(server) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    (skew.abs() > MAX_SKEW_SECS).then_some(skew)
}

fn parse_retry_after(v: &str) -> Option<Duration> {
    if let Ok(secs) = v.trim().parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(v.trim()).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> RawResponse {
        RawResponse {
            status,
            headers: headers
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn sites_are_https_except_on_this_computer() {
        assert_eq!(
            Site::parse("intl")
                .and_then(|s| s.base_url())
                .map(|u| u.to_string())
                .ok(),
            Some("https://mkt-intl.myhuaweicloud.com/".into())
        );
        assert!(Site::parse("http://127.0.0.1:9000").is_ok());
        assert!(Site::parse("http://localhost:9000").is_ok());
        let err = Site::parse("http://example.com").expect_err("plain HTTP refused");
        assert!(err.to_string().contains("only HTTPS"), "{err}");
        assert!(Site::parse("ftp://x").is_err());
        assert!(Site::parse("not a url").is_err());
    }

    #[test]
    fn answers_are_classed() {
        let e = interpret::<serde_json::Value>(
            resp(
                409,
                &[],
                r#"{"resultCode":"000102","resultMsg":"Version 3 is stale; the order is at 4."}"#,
            ),
            true,
        )
        .expect_err("409");
        assert_eq!(e.code(), Some("000102"));
        assert_eq!(e.to_string(), "Version 3 is stale; the order is at 4.");
        let e = interpret::<serde_json::Value>(resp(429, &[("Retry-After", "12")], "{}"), true)
            .expect_err("429");
        assert!(matches!(e, MarketError::Busy { retry_after: Some(d), .. } if d.as_secs() == 12));
        let e =
            interpret::<serde_json::Value>(resp(200, &[], "{not json"), true).expect_err("garbled");
        assert_eq!(e.class(), crate::ErrorClass::UnknownOutcome);
        let e = interpret::<serde_json::Value>(resp(200, &[], "{not json"), false)
            .expect_err("garbled");
        assert_eq!(e.class(), crate::ErrorClass::Retryable);
        let ok: serde_json::Value = interpret(
            resp(
                200,
                &[],
                r#"{"resultCode":"000000","resultMsg":"ok","x":1}"#,
            ),
            false,
        )
        .expect("ok");
        assert_eq!(ok["x"], 1);
    }

    #[test]
    fn a_refusal_with_a_far_off_server_clock_is_reported_as_clock_skew() {
        let hour_ago = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(3600));
        let e = interpret::<serde_json::Value>(
            resp(
                401,
                &[("Date", &hour_ago)],
                r#"{"error_code":"APIG.0301","error_msg":"expired"}"#,
            ),
            false,
        )
        .expect_err("401");
        assert!(
            matches!(e, MarketError::ClockSkew { skew_secs } if (3590..3610).contains(&skew_secs)),
            "{e:?}"
        );
        let now = httpdate::fmt_http_date(SystemTime::now());
        let e = interpret::<serde_json::Value>(
            resp(401, &[("Date", &now)], r#"{"error_code":"APIG.0301","error_msg":"Incorrect app authentication information"}"#),
            false,
        )
        .expect_err("401");
        assert_eq!(e.to_string(), "Incorrect app authentication information");
        assert_eq!(e.code(), Some("APIG.0301"));
    }
}
