//! What can go wrong talking to the marketplace, sorted by what the caller should do about it.

use std::time::Duration;

use crate::sign::SignError;

/// What a caller may do after an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// Nothing was applied, or retrying with the same client token is safe: try again later.
    Retryable,
    /// The marketplace refused the request; retrying the same request will not help.
    Rejected,
    /// The request may have been applied: find out (by client token or by reading the state)
    /// before sending anything else for it.
    UnknownOutcome,
}

#[derive(Debug, thiserror::Error)]
pub enum MarketError {
    #[error("{0}")]
    BadSite(String),
    #[error("cannot sign the request: {0}")]
    Sign(#[from] SignError),
    #[error("could not reach {host}: {detail}")]
    Unreachable { host: String, detail: String },
    #[error("the marketplace is busy (HTTP {status}){}: {message}", retry_hint(*.retry_after))]
    Busy {
        status: u16,
        retry_after: Option<Duration>,
        message: String,
        /// A write: a 5xx may come after the marketplace applied it (a gateway's 502 after the
        /// backend answered), so it is an unknown outcome, never a safe resend with a new token.
        mutating: bool,
    },
    /// The server's own message, verbatim.
    #[error("{message}")]
    Rejected {
        status: u16,
        code: String,
        message: String,
    },
    #[error(
        "your computer's clock is {} minutes {} the marketplace's; the gateway refuses requests \
         signed more than 15 minutes off. Correct the system clock and try again.",
        .skew_secs.unsigned_abs() / 60,
        if *.skew_secs > 0 { "ahead of" } else { "behind" }
    )]
    ClockSkew {
        /// Local time minus server time, in seconds.
        skew_secs: i64,
    },
    #[error("the connection broke off after the request was sent ({detail})")]
    Interrupted { detail: String, mutating: bool },
    #[error("the marketplace's answer could not be read (HTTP {status}): {detail}")]
    Malformed {
        status: u16,
        detail: String,
        mutating: bool,
    },
}

fn retry_hint(after: Option<Duration>) -> String {
    match after {
        Some(d) => format!(", retry in {} s", d.as_secs().max(1)),
        None => String::new(),
    }
}

impl MarketError {
    pub fn class(&self) -> ErrorClass {
        match self {
            MarketError::Unreachable { .. } => ErrorClass::Retryable,
            MarketError::Busy {
                status, mutating, ..
            } => {
                if *mutating && *status >= 500 {
                    ErrorClass::UnknownOutcome
                } else {
                    ErrorClass::Retryable
                }
            }
            MarketError::BadSite(_)
            | MarketError::Sign(_)
            | MarketError::Rejected { .. }
            | MarketError::ClockSkew { .. } => ErrorClass::Rejected,
            MarketError::Interrupted { mutating, .. } | MarketError::Malformed { mutating, .. } => {
                if *mutating {
                    ErrorClass::UnknownOutcome
                } else {
                    ErrorClass::Retryable
                }
            }
        }
    }

    /// The marketplace's result or error code, when it sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            MarketError::Rejected { code, .. } => Some(code),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_happened_and_what_to_do() {
        let skew = MarketError::ClockSkew { skew_secs: -1260 };
        assert_eq!(skew.class(), ErrorClass::Rejected);
        assert!(skew.to_string().contains("21 minutes behind"), "{skew}");
        let busy = MarketError::Busy {
            status: 429,
            retry_after: Some(Duration::from_secs(7)),
            message: "slow down".into(),
            mutating: true,
        };
        assert_eq!(busy.class(), ErrorClass::Retryable, "a 429 applied nothing");
        let bad_gateway = |mutating| MarketError::Busy {
            status: 502,
            retry_after: None,
            message: "bad gateway".into(),
            mutating,
        };
        assert_eq!(bad_gateway(true).class(), ErrorClass::UnknownOutcome);
        assert_eq!(bad_gateway(false).class(), ErrorClass::Retryable);
        assert_eq!(
            busy.to_string(),
            "the marketplace is busy (HTTP 429), retry in 7 s: slow down"
        );
        let cut = |mutating| MarketError::Interrupted {
            detail: "reset".into(),
            mutating,
        };
        assert_eq!(cut(true).class(), ErrorClass::UnknownOutcome);
        assert_eq!(cut(false).class(), ErrorClass::Retryable);
    }
}
