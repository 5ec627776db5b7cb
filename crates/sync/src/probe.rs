//! Which contract operations an account's gateway serves. KooGallery documents few seller APIs;
//! Koodesk's contract is served in full by the sandbox and the Demo marketplace. Each operation is
//! asked a harmless question: a read as such, a write with an empty body, which an operation that
//! exists refuses as invalid (400) and a gateway without it answers with 404 `APIG.0101`.

use std::collections::BTreeMap;

use koodesk_market::MarketError;
use serde::{Deserialize, Serialize};

use crate::Marketplace;

/// The API Gateway's "no such API" code.
pub const NOT_PUBLISHED: &str = "APIG.0101";

/// Every operation Koodesk uses, with the harmless request that tells whether it is served.
pub const OPERATIONS: &[(&str, &str, &str)] = &[
    ("order_query", "GET", "/order/query"),
    ("list_products", "GET", "/isv/products"),
    ("list_applications", "GET", "/isv/applications"),
    ("create_application", "POST", "/isv/applications"),
    (
        "withdraw_application",
        "POST",
        "/isv/applications/KOODESK-PROBE/withdraw",
    ),
    ("upload_attachment", "POST", "/isv/attachments"),
    ("list_service_orders", "GET", "/isv/service-orders"),
    (
        "act_on_order",
        "POST",
        "/isv/service-orders/KOODESK-PROBE/actions",
    ),
    ("events", "GET", "/isv/events"),
    ("submit_support_change", "POST", "/isv/support-changes"),
];

/// What the gateway serves, and when that was found out (Unix ms).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Served {
    pub operations: BTreeMap<String, bool>,
    pub probed_at: i64,
}

impl Served {
    /// Whether `op` is served; an operation never probed counts as served.
    pub fn serves(&self, op: &str) -> bool {
        self.operations.get(op).copied().unwrap_or(true)
    }

    pub fn missing(&self) -> Vec<&str> {
        self.operations
            .iter()
            .filter(|(_, s)| !**s)
            .map(|(o, _)| o.as_str())
            .collect()
    }
}

/// Whether an answer means "this operation exists here".
pub fn answer_means_served(answer: &Result<serde_json::Value, MarketError>) -> Option<bool> {
    match answer {
        Ok(_) => Some(true),
        Err(MarketError::Rejected {
            status: 404, code, ..
        }) if code == NOT_PUBLISHED => Some(false),
        // Refused as invalid, not found, not allowed: the operation is there.
        Err(MarketError::Rejected { status, .. }) if *status != 401 && *status != 403 => Some(true),
        // Keys refused, unreachable, busy: nothing learnt.
        Err(_) => None,
    }
}

/// Asks every operation; `Err` when the gateway could not be asked (offline, keys refused).
pub async fn probe(market: &impl Marketplace, now_ms: i64) -> Result<Served, MarketError> {
    let mut served = Served {
        operations: BTreeMap::new(),
        probed_at: now_ms,
    };
    for (op, method, path) in OPERATIONS {
        let body = if *method == "POST" {
            b"{}".to_vec()
        } else {
            Vec::new()
        };
        let answer = market.call(method, path, body).await;
        match (answer_means_served(&answer), answer) {
            (Some(s), _) => {
                served.operations.insert((*op).to_owned(), s);
            }
            (None, Err(e)) => return Err(e),
            (None, Ok(_)) => {
                served.operations.insert((*op).to_owned(), true);
            }
        }
    }
    Ok(served)
}

/// What the seller reads when the account's gateway does not take a call.
pub fn not_served_message(op: &str) -> String {
    let what = match op {
        "create_application" => "releases and modifications",
        "upload_attachment" => "file uploads",
        "withdraw_application" => "withdrawals",
        "act_on_order" => "service-order actions",
        "submit_support_change" => "Services & support changes",
        other => other,
    };
    format!(
        "This KooGallery account's API does not accept {what}. Submit it in the KooGallery \
         console instead: Koodesk exports everything the console asks for (Submit → \
         \"Submit by hand\", or `koodesk submit ID --by-hand FOLDER`), then mark it as \
         submitted by hand."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_api_is_told_from_a_refusal() {
        let rejected = |status, code: &str| {
            Err(MarketError::Rejected {
                status,
                code: code.into(),
                message: String::new(),
            })
        };
        assert_eq!(answer_means_served(&Ok(serde_json::json!({}))), Some(true));
        assert_eq!(
            answer_means_served(&rejected(404, NOT_PUBLISHED)),
            Some(false)
        );
        assert_eq!(answer_means_served(&rejected(400, "000002")), Some(true));
        assert_eq!(answer_means_served(&rejected(404, "000003")), Some(true));
        assert_eq!(answer_means_served(&rejected(401, "APIG.0301")), None);
        let offline = Err(MarketError::Unreachable {
            host: "h".into(),
            detail: "refused".into(),
        });
        assert_eq!(answer_means_served(&offline), None);
        let s = Served {
            operations: [("create_application".to_owned(), false)]
                .into_iter()
                .collect(),
            probed_at: 0,
        };
        assert!(!s.serves("create_application") && s.serves("never_probed"));
        assert_eq!(s.missing(), ["create_application"]);
    }
}
