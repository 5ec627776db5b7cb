//! An answer from the marketplace: read within a fixed size, then turned into the operation's data
//! or a classed error (clock skew, throttling, refusals, malformed or cut-off answers).

use std::time::{Duration, SystemTime};

use serde::de::DeserializeOwned;

use crate::contract::*;
use crate::error::MarketError;
use crate::sign::MAX_SKEW_SECS;

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

/// The causes of an error, joined: reqwest hides the useful part a level or two down.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
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

/// The most of an answer's body the client reads; a larger answer is refused, never buffered.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// Reads an answer's body chunk by chunk, stopping at [`MAX_RESPONSE_BYTES`] whatever the
/// `Content-Length` says.
pub(crate) async fn read_body(
    mut resp: reqwest::Response,
    mutating: bool,
) -> Result<Vec<u8>, MarketError> {
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
                let detail = if e.is_timeout() {
                    "the whole answer did not come before the time limit".to_owned()
                } else {
                    format!("the answer was cut off: {}", error_chain(&e))
                };
                return Err(MarketError::Interrupted { detail, mutating });
            }
        }
    }
}

/// The most of a marketplace's error message kept (it is stored on the submission and shown to
/// the seller verbatim, so a runaway message must not fill the database or the window).
pub const MAX_MESSAGE_CHARS: usize = 2000;
const MAX_CODE_CHARS: usize = 64;

/// `text` cut to `max` characters, with an ellipsis when cut.
fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
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
                    clip(c.as_str().unwrap_or_default(), MAX_CODE_CHARS),
                    clip(m.as_str().unwrap_or_default(), MAX_MESSAGE_CHARS),
                );
            }
            if let (Some(c), Some(m)) = (v.get("error_code"), v.get("error_msg")) {
                return (
                    clip(c.as_str().unwrap_or_default(), MAX_CODE_CHARS),
                    clip(m.as_str().unwrap_or_default(), MAX_MESSAGE_CHARS),
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
            code: clip(&head.result_code, MAX_CODE_CHARS),
            message: clip(&head.result_msg, MAX_MESSAGE_CHARS),
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
