//! The versioned ruleset: every number a rule uses (the release limits, the service-flow
//! thresholds), read from one JSON file so a seller or support can see and adjust them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::supervision::FlowRules;

/// The ruleset shipped with this Koodesk (`crates/domain/rules/ruleset.json`).
pub const DEFAULT_RULESET_JSON: &str = include_str!("../../rules/ruleset.json");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Ruleset {
    pub ruleset_version: u32,
    pub name: TextLimits,
    pub name_forbidden_branding: Vec<String>,
    pub name_cautioned_branding: Vec<String>,
    pub version_pattern: String,
    pub logo: LogoRules,
    pub overview: TextLimits,
    pub description: DescriptionRules,
    pub highlights: ListRules,
    pub customer_cases: CaseRules,
    pub seo: SeoRules,
    pub avg_delivery_days: Range,
    pub specifications: SpecLimits,
    pub support: SupportRules,
    /// The service-supervision thresholds (the 5-day line, 3 rejections, completion 3 hours
    /// after acceptance). A version-1 file has none and gets the shipped values.
    #[serde(default = "shipped_flow_rules")]
    pub service_flow: FlowRules,
}

fn shipped_flow_rules() -> FlowRules {
    Ruleset::default().service_flow
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TextLimits {
    pub min_chars: usize,
    pub max_chars: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LogoRules {
    pub media_type: String,
    pub width: u32,
    pub height: u32,
    pub max_bytes: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DescriptionRules {
    pub min_chars: usize,
    pub max_chars: usize,
    pub max_consecutive_blank_lines: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ListRules {
    pub max_count: usize,
    pub title_max_chars: usize,
    pub text_max_chars: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CaseRules {
    pub max_count: usize,
    pub text_max_chars: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SeoRules {
    pub title_max_chars: usize,
    pub max_keywords: usize,
    pub description_max_chars: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Range {
    pub min: u32,
    pub max: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SpecLimits {
    pub max_per_product: usize,
    pub max_skus_per_spec: usize,
    pub max_attributes_per_spec: usize,
    pub max_enum_values: usize,
    pub max_tiers: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SupportRules {
    pub min_service_hours_per_day: u32,
    /// Quoted by the Services & support hint (a version-1 file has none: the shipped value).
    #[serde(default = "shipped_service_days")]
    pub min_service_days_per_week: u32,
}

fn shipped_service_days() -> u32 {
    Ruleset::default().support.min_service_days_per_week
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesetError {
    #[error("the ruleset is not valid JSON for this Koodesk: {0}")]
    Json(String),
    #[error("the ruleset's version_pattern is not a valid regular expression: {0}")]
    Pattern(String),
}

impl Ruleset {
    pub fn from_json(text: &str) -> Result<Self, RulesetError> {
        let r: Ruleset =
            serde_json::from_str(text).map_err(|e| RulesetError::Json(e.to_string()))?;
        regex::Regex::new(&r.version_pattern).map_err(|e| RulesetError::Pattern(e.to_string()))?;
        Ok(r)
    }
}

impl Default for Ruleset {
    fn default() -> Self {
        static SHIPPED: std::sync::OnceLock<Ruleset> = std::sync::OnceLock::new();
        SHIPPED
            .get_or_init(|| {
                // The shipped file is checked by a unit test; a broken build fails that test first.
                Ruleset::from_json(DEFAULT_RULESET_JSON).expect("the shipped ruleset is valid")
            })
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_ruleset_parses() {
        let r = Ruleset::from_json(DEFAULT_RULESET_JSON).unwrap();
        assert_eq!(r.ruleset_version, 2);
        assert_eq!(
            (
                r.service_flow.stall_days,
                r.service_flow.rejection_limit,
                r.service_flow.completion_delay_hours
            ),
            (5, 3, 3)
        );
        assert_eq!(
            (r.logo.width, r.logo.height, r.logo.max_bytes),
            (120, 120, 5 * 1024 * 1024)
        );
    }

    #[test]
    fn a_version_1_file_without_flow_thresholds_gets_the_shipped_ones() {
        let mut v: serde_json::Value = serde_json::from_str(DEFAULT_RULESET_JSON).unwrap();
        v.as_object_mut().unwrap().remove("service_flow");
        let mut changed = v.clone();
        changed["support"]["min_service_hours_per_day"] = 6.into();
        let r = Ruleset::from_json(&changed.to_string()).unwrap();
        assert_eq!(r.service_flow, Ruleset::default().service_flow);
        assert_eq!(r.support.min_service_hours_per_day, 6);
        let mut v1 = v.clone();
        v1["support"]
            .as_object_mut()
            .unwrap()
            .remove("min_service_days_per_week");
        let r = Ruleset::from_json(&v1.to_string()).unwrap();
        assert_eq!(r.support.min_service_days_per_week, 5);
    }

    #[test]
    fn a_broken_ruleset_is_refused_clearly() {
        assert!(matches!(
            Ruleset::from_json("{}"),
            Err(RulesetError::Json(_))
        ));
        let bad = DEFAULT_RULESET_JSON.replace("^V[0-9]+", "^V[0-9+");
        assert!(matches!(
            Ruleset::from_json(&bad),
            Err(RulesetError::Pattern(_))
        ));
    }
}
