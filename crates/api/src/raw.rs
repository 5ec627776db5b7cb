//! A raw signed request to a KooGallery gateway (`koodesk api request`): like `curl -v` for APIG
//! app authentication. The key pair comes from `KOODESK_AK`/`KOODESK_SK` or the current
//! account's keychain entry; the site from the request, the account, or International.

use koodesk_market::sign::{parse_sdk_date, Headers, Signed};
use koodesk_market::{Client, ClientConfig, Credentials, RawResponse, RequestSpec, Site};

use crate::paths::DataDir;
use crate::{accounts, ApiError, Context, ErrorCode};

/// What to send, raw (not percent-encoded).
#[derive(Debug, Clone, Default)]
pub struct RawRequest {
    /// `intl`, `eu` or a base URL; `None`: the current account's site.
    pub site: Option<String>,
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    /// Headers to send and sign.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Sign with this `X-Sdk-Date` (`YYYYMMDDTHHMMSSZ`) instead of now.
    pub sdk_date: Option<String>,
}

fn invalid(message: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, message)
}

fn market(e: koodesk_market::MarketError) -> ApiError {
    ApiError::new(ErrorCode::Marketplace, e.to_string())
}

/// The key pair (and the account's site): `KOODESK_AK`/`KOODESK_SK` when both are set, else the
/// current account's keys from the OS keychain.
fn credentials() -> Result<(Option<Site>, Credentials), ApiError> {
    if let (Ok(ak), Ok(sk)) = (std::env::var("KOODESK_AK"), std::env::var("KOODESK_SK")) {
        if !ak.is_empty() && !sk.is_empty() {
            return Ok((None, Credentials::new(ak, sk)));
        }
    }
    let ctx = DataDir::resolve().and_then(Context::open)?;
    let account = ctx.account();
    let (site, creds) = accounts::endpoint(&ctx, &account).map_err(|e| {
        ApiError::new(
            e.code,
            format!(
                "no access key: set KOODESK_AK and KOODESK_SK, or choose a KooGallery account in \
                 the app (Settings, Marketplace accounts). {}",
                e.message
            ),
        )
    })?;
    Ok((Some(site), creds))
}

/// The signing client and the request, checked.
fn prepare(r: &RawRequest) -> Result<(Client, RequestSpec), ApiError> {
    let (account_site, creds) = credentials()?;
    let site = match (&r.site, account_site) {
        (Some(s), _) => Site::parse(s).map_err(market)?,
        (None, Some(s)) => s,
        (None, None) => Site::International,
    };
    let mut headers = Headers::new();
    for (name, value) in &r.headers {
        if name.trim().is_empty() {
            return Err(invalid(format!(
                "the header {name:?}: {value:?} has no name"
            )));
        }
        headers.set(name.trim(), value.trim());
    }
    if let Some(d) = &r.sdk_date {
        if parse_sdk_date(d).is_none() {
            return Err(invalid(format!("{d:?} is not YYYYMMDDTHHMMSSZ")));
        }
        headers.set("X-Sdk-Date", d.as_str());
    }
    let spec = RequestSpec {
        method: r.method.to_uppercase(),
        path: r.path.clone(),
        query: r.query.clone(),
        headers,
        body: r.body.clone(),
    };
    let client = Client::new(&site, creds, ClientConfig::default()).map_err(market)?;
    Ok((client, spec))
}

/// The request as it would be sent: the URL and the signed headers.
pub fn sign(r: &RawRequest) -> Result<(String, Signed), ApiError> {
    let (client, spec) = prepare(r)?;
    let (url, signed) = client
        .sign(&spec, time::OffsetDateTime::now_utc())
        .map_err(market)?;
    Ok((url.to_string(), signed))
}

/// Sends the request and returns the answer as received (any status).
pub async fn send(r: &RawRequest) -> Result<RawResponse, ApiError> {
    let (client, spec) = prepare(r)?;
    client.send(&spec).await.map_err(market)
}
