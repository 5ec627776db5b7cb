//! Live products shipped with Koodesk, to try modification drafts before marketplace sync exists.

use koodesk_domain::product::Product;

const LIVE: &[(&str, &str)] = &[
    (
        "PROD-SAAS-0001",
        include_str!("../fixtures/live-products/PROD-SAAS-0001.json"),
    ),
    (
        "PROD-LIC-0002",
        include_str!("../fixtures/live-products/PROD-LIC-0002.json"),
    ),
];

/// (marketplace id, product); a fixture that does not parse is skipped and logged.
pub fn live_products() -> Vec<(String, Product)> {
    LIVE.iter()
        .filter_map(|(id, text)| match serde_json::from_str::<Product>(text) {
            Ok(p) => Some((id.to_string(), p)),
            Err(e) => {
                tracing::error!(id, error = %e, "live product fixture does not parse");
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_fixture_parses() {
        assert_eq!(super::live_products().len(), super::LIVE.len());
    }
}
