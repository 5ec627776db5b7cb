//! The signed HTTP client: one method per contract operation, every error classed.

use std::time::Duration;

use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use url::Url;

use crate::contract::*;
use crate::error::MarketError;
use crate::response::{error_chain, interpret, read_body};
pub use crate::response::{RawResponse, MAX_MESSAGE_CHARS, MAX_RESPONSE_BYTES};
use crate::sign::{self, Credentials, Headers, Signed, Unsigned};
use crate::site::host_header;
pub use crate::site::Site;

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
        let body = match body {
            Some(b) => serde_json::to_vec(b)
                .map_err(|e| MarketError::BadSite(format!("cannot encode the request: {e}")))?,
            None => Vec::new(),
        };
        self.call_bytes(method, path, query, body).await
    }

    /// A contract call whose body is already encoded — the outbox's stored bytes, sent again
    /// exactly as the first time — read like every other call. `path` is under the base path.
    pub async fn call_bytes<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        query: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> Result<T, MarketError> {
        let mut headers = Headers::new();
        headers.set("Content-Type", "application/json;charset=UTF-8");
        headers.set("User-Agent", USER_AGENT);
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
        decoded(d)
    }

    /// The marketplace's copy of a request form's definition (the request-form JSON the seller
    /// uploaded beside the templates of that version), to read a customer's filled template on
    /// a computer that does not have the form.
    pub async fn get_request_form(
        &self,
        form_id: &str,
        version: u32,
    ) -> Result<(AttachmentInfo, Vec<u8>), MarketError> {
        let d: AttachmentContent = self
            .call(
                "GET",
                &format!("/isv/request-forms/{form_id}/versions/{version}"),
                vec![],
                None::<&()>,
            )
            .await?;
        decoded(d)
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

    // -- Services & support --------------------------------------------------------------------

    pub async fn submit_support_change(
        &self,
        req: &SubmitSupportChange,
    ) -> Result<SupportChange, MarketError> {
        let d: SupportChangeData = self
            .call("POST", "/isv/support-changes", vec![], Some(req))
            .await?;
        Ok(d.support_change)
    }

    pub async fn list_support_changes(
        &self,
        page: &Page,
    ) -> Result<SupportChangeList, MarketError> {
        self.call("GET", "/isv/support-changes", page.query(), None::<&()>)
            .await
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

/// A downloaded file's bytes, checked against the SHA-256 the marketplace gave for it.
fn decoded(d: AttachmentContent) -> Result<(AttachmentInfo, Vec<u8>), MarketError> {
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
