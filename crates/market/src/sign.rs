//! The API Gateway's **SDK-HMAC-SHA256** app signature, both ways: signing outgoing requests and
//! checking incoming ones (the sandbox plays the gateway).
//!
//! The canonical form follows Huawei's SDK signer to the byte, including its quirks, because the
//! gateway compares against exactly that:
//! - the path is percent-*decoded* first, split on `/`, and every segment re-encoded (only
//!   `A–Z a–z 0–9 - _ . ~` stay literal); the canonical path always ends in `/`;
//! - query pairs are sorted on their raw (key, value) and then encoded the same way;
//! - every header is signed except those whose name contains `_`; names are lower-cased, values
//!   trimmed; a later header whose lower-cased name repeats an earlier one supplies the value for
//!   both entries of the signed list;
//! - an empty body hashes to SHA-256 of nothing; a `Content-Type` (exact spelling) that is neither
//!   JSON nor BSON adds `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`, and that header's value then
//!   stands in for the body hash.
//!
//! `tests/sdk_crosscheck.rs` proves byte-identical output against `huaweicloudsdkcore`.

use std::fmt;

use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};
use time::{format_description::BorrowedFormatItem, macros::format_description, OffsetDateTime};

pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
pub const HEADER_DATE: &str = "X-Sdk-Date";
pub const HEADER_CONTENT_HASH: &str = "X-Sdk-Content-Sha256";
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// The gateway refuses a request whose `X-Sdk-Date` is further than this from its own clock.
pub const MAX_SKEW_SECS: i64 = 15 * 60;

const SDK_DATE: &[BorrowedFormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

/// Bytes that stay literal in a path segment, query key or query value.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// An access key pair. The secret never appears in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub ak: String,
    sk: String,
}

impl Credentials {
    pub fn new(ak: impl Into<String>, sk: impl Into<String>) -> Self {
        Self {
            ak: ak.into(),
            sk: sk.into(),
        }
    }

    pub fn secret(&self) -> &str {
        &self.sk
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("ak", &self.ak)
            .field("sk", &"<redacted>")
            .finish()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignError {
    #[error("the access key (AK) is empty")]
    MissingAk,
    #[error("the secret key (SK) is empty")]
    MissingSk,
    #[error("X-Sdk-Date {0:?} is not in the form YYYYMMDDTHHMMSSZ")]
    BadDate(String),
    #[error("header {0:?} has a value that cannot be sent")]
    BadHeader(String),
}

/// Request headers in the order they were set. Setting a name that is already present (same
/// spelling) replaces its value in place; a different spelling is a separate entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(Vec<(String, String)>);

impl Headers {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let (name, value) = (name.into(), value.into());
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
    }

    /// The value under exactly this spelling.
    pub fn get_exact(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value whose name matches ignoring case.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Headers {
    fn from_iter<T: IntoIterator<Item = (N, V)>>(iter: T) -> Self {
        let mut h = Headers::new();
        for (n, v) in iter {
            h.set(n, v);
        }
        h
    }
}

/// What to sign. `path` and the query are given raw (not percent-encoded).
#[derive(Debug, Clone)]
pub struct Unsigned<'a> {
    pub method: &'a str,
    /// `host[:port]`, used for the `Host` header unless one is given.
    pub host: &'a str,
    pub path: &'a str,
    pub query: &'a [(String, String)],
    pub headers: Headers,
    pub body: &'a [u8],
}

/// A signed request, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub method: String,
    /// The encoded path as sent (without the canonical trailing `/`).
    pub path: String,
    /// The encoded query as sent (canonical order); empty when there is none.
    pub query: String,
    /// Every header to send, in order, `Authorization` last.
    pub headers: Headers,
    pub canonical_request: String,
    pub string_to_sign: String,
}

impl Signed {
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }

    pub fn authorization(&self) -> &str {
        self.headers.get_exact("Authorization").unwrap_or_default()
    }
}

pub fn format_sdk_date(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(SDK_DATE)
        .unwrap_or_default()
}

pub fn parse_sdk_date(s: &str) -> Option<OffsetDateTime> {
    time::PrimitiveDateTime::parse(s, SDK_DATE)
        .ok()
        .map(|t| t.assume_utc())
}

/// Signs `req` at `now` (ignored when the headers already carry an `X-Sdk-Date`).
pub fn sign(
    creds: &Credentials,
    req: Unsigned<'_>,
    now: OffsetDateTime,
) -> Result<Signed, SignError> {
    if creds.ak.is_empty() {
        return Err(SignError::MissingAk);
    }
    if creds.sk.is_empty() {
        return Err(SignError::MissingSk);
    }
    let mut headers = req.headers;
    if let Some(ct) = headers.get_exact("Content-Type") {
        if !ct.starts_with("application/json") && !ct.starts_with("application/bson") {
            headers.set(HEADER_CONTENT_HASH, UNSIGNED_PAYLOAD);
        }
    }
    let date = match headers.get(HEADER_DATE) {
        Some(given) => {
            let t = parse_sdk_date(given).ok_or_else(|| SignError::BadDate(given.to_owned()))?;
            format_sdk_date(t)
        }
        None => {
            let d = format_sdk_date(now);
            headers.set(HEADER_DATE, d.clone());
            d
        }
    };
    if headers.get("host").is_none() {
        headers.set("Host", req.host);
    }
    // Values go out trimmed, as they were signed.
    let headers: Headers = headers
        .iter()
        .map(|(n, v)| (n.to_owned(), sdk_trim(v).to_owned()))
        .collect();
    for (n, v) in headers.iter() {
        if v.contains(['\r', '\n']) {
            return Err(SignError::BadHeader(n.to_owned()));
        }
    }

    let signed_names = signed_header_names(headers.iter().map(|(n, _)| n));
    let query = canonical_query(req.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let canonical_request = canonical_request(
        req.method,
        &canonical_path(req.path),
        &query,
        &headers,
        &signed_names,
        &payload_hash(req.body, headers.get(HEADER_CONTENT_HASH)),
    );
    let string_to_sign = string_to_sign(&date, &canonical_request);
    let signature = hmac_hex(creds.secret(), &string_to_sign);
    let mut headers = headers;
    headers.set(
        "Authorization",
        format!(
            "{ALGORITHM} Access={}, SignedHeaders={}, Signature={signature}",
            creds.ak,
            signed_names.join(";")
        ),
    );
    Ok(Signed {
        method: req.method.to_owned(),
        path: encoded_path(req.path),
        query,
        headers,
        canonical_request,
        string_to_sign,
    })
}

/// The parts of an `Authorization: SDK-HMAC-SHA256 …` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

pub fn parse_authorization(value: &str) -> Option<Authorization> {
    let rest = value.strip_prefix(ALGORITHM)?.strip_prefix(' ')?;
    let (mut access, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "Access" => access = Some(v.to_owned()),
            "SignedHeaders" => signed = Some(v.split(';').map(str::to_owned).collect()),
            "Signature" => signature = Some(v.to_owned()),
            _ => return None,
        }
    }
    Some(Authorization {
        access: access?,
        signed_headers: signed?,
        signature: signature?,
    })
}

/// A request as it arrived at the gateway.
pub struct Incoming<'a> {
    pub method: &'a str,
    /// The path as received (percent-encoded).
    pub path: &'a str,
    /// The raw query string as received, without `?`.
    pub query: &'a str,
    /// Received headers; names in any case.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VerifyError {
    #[error("the request carries no Authorization header")]
    MissingAuthorization,
    #[error("the Authorization header is not an SDK-HMAC-SHA256 signature")]
    MalformedAuthorization,
    #[error("the request carries no valid X-Sdk-Date header")]
    MissingDate,
    #[error("X-Sdk-Date is {skew_secs} s away from the gateway's clock (at most 900 s allowed)")]
    Expired { skew_secs: i64 },
    #[error("unknown access key")]
    UnknownAccessKey,
    #[error("signed header {0:?} is missing or not signed")]
    MissingSignedHeader(String),
    #[error("the signature does not match")]
    SignatureMismatch,
}

/// Checks an incoming request's signature. `secret_for` maps an AK to its SK. Returns the AK.
pub fn verify(
    req: &Incoming<'_>,
    secret_for: impl Fn(&str) -> Option<String>,
    now: OffsetDateTime,
) -> Result<String, VerifyError> {
    let header = |name: &str| {
        req.headers
            .iter()
            .rev()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let auth = header("authorization").ok_or(VerifyError::MissingAuthorization)?;
    let auth = parse_authorization(auth).ok_or(VerifyError::MalformedAuthorization)?;
    let date = header(HEADER_DATE).ok_or(VerifyError::MissingDate)?;
    let at = parse_sdk_date(sdk_trim(date)).ok_or(VerifyError::MissingDate)?;
    let skew_secs = (now - at).whole_seconds();
    if skew_secs.abs() > MAX_SKEW_SECS {
        return Err(VerifyError::Expired { skew_secs });
    }
    for required in ["host", "x-sdk-date"] {
        if !auth.signed_headers.iter().any(|h| h == required) {
            return Err(VerifyError::MissingSignedHeader(required.to_owned()));
        }
    }
    let sk = secret_for(&auth.access).ok_or(VerifyError::UnknownAccessKey)?;
    let mut headers = Headers::new();
    for name in &auth.signed_headers {
        let v = header(name).ok_or_else(|| VerifyError::MissingSignedHeader(name.clone()))?;
        headers.set(name.clone(), sdk_trim(v));
    }
    let pairs = parse_query(req.query);
    let canonical_request = canonical_request(
        req.method,
        &canonical_path(req.path),
        &canonical_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        &headers,
        &auth.signed_headers,
        // The body is bound to the signature: a stated content hash counts only when it is one
        // of the signed headers (else anyone could send another body under a copied hash).
        &payload_hash(
            req.body,
            auth.signed_headers
                .iter()
                .any(|h| h.eq_ignore_ascii_case(HEADER_CONTENT_HASH))
                .then(|| header(HEADER_CONTENT_HASH).map(sdk_trim))
                .flatten(),
        ),
    );
    let sts = string_to_sign(&format_sdk_date(at), &canonical_request);
    let expected = hex::decode(&auth.signature).map_err(|_| VerifyError::SignatureMismatch)?;
    let mut mac = new_mac(&sk);
    mac.update(sts.as_bytes());
    mac.verify_slice(&expected)
        .map_err(|_| VerifyError::SignatureMismatch)?;
    Ok(auth.access)
}

/// Splits a raw query string into decoded pairs (`+` stays a plus, as the SDK never sends one
/// for a space).
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

fn encode(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

/// The path as sent on the wire: decoded, then every segment encoded.
pub fn encoded_path(path: &str) -> String {
    decode(path)
        .split('/')
        .map(encode)
        .collect::<Vec<_>>()
        .join("/")
}

fn canonical_path(path: &str) -> String {
    let mut p = encoded_path(path);
    if !p.ends_with('/') {
        p.push('/');
    }
    p
}

fn canonical_query<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut pairs: Vec<_> = pairs.collect();
    pairs.sort();
    pairs
        .into_iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Lower-cased names of the headers that get signed, sorted (repeats kept, like the SDK).
fn signed_header_names<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut v: Vec<String> = names
        .filter(|n| !n.contains('_'))
        .map(str::to_lowercase)
        .collect();
    v.sort();
    v
}

fn canonical_request(
    method: &str,
    path: &str,
    query: &str,
    headers: &Headers,
    signed: &[String],
    payload_hash: &str,
) -> String {
    let mut out = format!("{}\n{path}\n{query}\n", method.to_uppercase());
    for name in signed {
        // The value of the last header with this lower-cased name.
        let value = headers
            .iter()
            .filter(|(n, _)| n.to_lowercase() == *name)
            .last()
            .map(|(_, v)| sdk_trim(v))
            .unwrap_or_default();
        out.push_str(name);
        out.push(':');
        out.push_str(value);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&signed.join(";"));
    out.push('\n');
    out.push_str(payload_hash);
    out
}

fn payload_hash(body: &[u8], content_hash_header: Option<&str>) -> String {
    if body.is_empty() {
        return hex::encode(Sha256::digest(b""));
    }
    match content_hash_header {
        Some(h) if !h.is_empty() => h.to_owned(),
        _ => hex::encode(Sha256::digest(body)),
    }
}

fn string_to_sign(date: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{date}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    )
}

fn new_mac(key: &str) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()).expect("HMAC takes any key length")
}

fn hmac_hex(key: &str, data: &str) -> String {
    let mut mac = new_mac(key);
    mac.update(data.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Trims what Python's `str.strip()` trims: Unicode white space plus the four ASCII separators
/// U+001C–U+001F.
fn sdk_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn creds() -> Credentials {
        Credentials::new("AKDEMO", "SKDEMO")
    }

    #[test]
    fn the_documented_shape_of_a_signature() {
        let q = vec![("orderId".to_owned(), "MOCKPERIODYEARNEW".to_owned())];
        let s = sign(
            &creds(),
            Unsigned {
                method: "GET",
                host: "mkt-intl.myhuaweicloud.com",
                path: "/api/mkp-openapi-public/global/v1/order/query",
                query: &q,
                headers: [("Content-Type", "application/json")].into_iter().collect(),
                body: b"",
            },
            datetime!(2024-03-17 14:42:37 UTC),
        )
        .expect("signs");
        assert_eq!(s.headers.get("x-sdk-date"), Some("20240317T144237Z"));
        assert_eq!(
            s.canonical_request.lines().take(3).collect::<Vec<_>>(),
            [
                "GET",
                "/api/mkp-openapi-public/global/v1/order/query/",
                "orderId=MOCKPERIODYEARNEW"
            ]
        );
        assert!(s.canonical_request.ends_with(
            "content-type;host;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        ));
        let auth = parse_authorization(s.authorization()).expect("parses back");
        assert_eq!(auth.access, "AKDEMO");
        assert_eq!(auth.signed_headers, ["content-type", "host", "x-sdk-date"]);
        assert_eq!(auth.signature.len(), 64);
        assert_eq!(
            s.path_and_query(),
            "/api/mkp-openapi-public/global/v1/order/query?orderId=MOCKPERIODYEARNEW"
        );
    }

    #[test]
    fn a_signed_request_verifies_and_any_change_breaks_it() {
        let q = vec![
            ("b".to_owned(), "2 3".to_owned()),
            ("a".to_owned(), "ü".to_owned()),
        ];
        let now = datetime!(2026-01-02 03:04:05 UTC);
        let s = sign(
            &creds(),
            Unsigned {
                method: "POST",
                host: "127.0.0.1:8080",
                path: "/x/é y",
                query: &q,
                headers: [("Content-Type", "application/json;charset=UTF-8")]
                    .into_iter()
                    .collect(),
                body: br#"{"a":1}"#,
            },
            now,
        )
        .expect("signs");
        let headers: Vec<(String, String)> = s
            .headers
            .iter()
            .map(|(n, v)| (n.to_lowercase(), v.to_owned()))
            .collect();
        let secret = |ak: &str| (ak == "AKDEMO").then(|| "SKDEMO".to_owned());
        // The signed request as received: headers, body and the gateway's clock may differ.
        let received = |headers: &[(String, String)], body: &[u8], at| {
            verify(
                &Incoming {
                    method: "POST",
                    path: &s.path,
                    query: &s.query,
                    headers,
                    body,
                },
                secret,
                at,
            )
        };
        let incoming = |body: &'static [u8], query: &str| {
            verify(
                &Incoming {
                    method: "POST",
                    path: &s.path,
                    query,
                    headers: &headers,
                    body,
                },
                secret,
                now,
            )
        };
        assert_eq!(incoming(br#"{"a":1}"#, &s.query), Ok("AKDEMO".to_owned()));
        assert_eq!(
            incoming(br#"{"a":2}"#, &s.query),
            Err(VerifyError::SignatureMismatch)
        );
        assert_eq!(
            incoming(br#"{"a":1}"#, "a=x&b=2%203"),
            Err(VerifyError::SignatureMismatch)
        );
        let late = received(&headers, br#"{"a":1}"#, now + time::Duration::minutes(16));
        assert_eq!(late, Err(VerifyError::Expired { skew_secs: 960 }));
        let wrong_key = verify(
            &Incoming {
                method: "POST",
                path: &s.path,
                query: &s.query,
                headers: &headers,
                body: br#"{"a":1}"#,
            },
            |_| Some("other".to_owned()),
            now,
        );
        assert_eq!(wrong_key, Err(VerifyError::SignatureMismatch));

        // Dated more than 15 minutes in the future (the request's clock runs ahead).
        let early = received(&headers, br#"{"a":1}"#, now - time::Duration::minutes(16));
        assert_eq!(early, Err(VerifyError::Expired { skew_secs: -960 }));

        // Body B under body A's signature, with A's hash in an unsigned content-hash header.
        let hash_of_a = hex::encode(Sha256::digest(br#"{"a":1}"#));
        let mut smuggled = headers.clone();
        smuggled.push(("x-sdk-content-sha256".to_owned(), hash_of_a));
        let swapped = received(&smuggled, br#"{"a":2}"#, now);
        assert_eq!(swapped, Err(VerifyError::SignatureMismatch));
    }

    #[test]
    fn empty_keys_and_bad_dates_are_refused() {
        let unsigned = |h: Headers| Unsigned {
            method: "GET",
            host: "h",
            path: "/",
            query: &[],
            headers: h,
            body: b"",
        };
        let now = OffsetDateTime::UNIX_EPOCH;
        assert_eq!(
            sign(&Credentials::new("", "x"), unsigned(Headers::new()), now),
            Err(SignError::MissingAk)
        );
        assert_eq!(
            sign(&Credentials::new("x", ""), unsigned(Headers::new()), now),
            Err(SignError::MissingSk)
        );
        assert_eq!(
            sign(
                &creds(),
                unsigned([("X-Sdk-Date", "yesterday")].into_iter().collect()),
                now
            ),
            Err(SignError::BadDate("yesterday".into()))
        );
        assert!(!format!("{:?}", creds()).contains("SKDEMO"));
    }
}
