//! The release-requirements linter: every KooGallery release rule that can be checked offline.
//!
//! Each rule has a stable id (see [`RULES`]), a severity (an error blocks submitting, a warning
//! does not), a field path into the draft document, and a message in English and 简体中文.
//! Limits that the docs do not state come from the [`Ruleset`], never from code.

mod modification;
mod product_rules;
mod ruleset;
pub mod spec_rules;
mod support_rules;
mod text;

pub use ruleset::{Ruleset, RulesetError, DEFAULT_RULESET_JSON};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::draft::{DraftDocument, DraftKind};
use crate::support::SupportInfo;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks submitting.
    Error,
    /// Worth fixing; does not block.
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Message {
    pub en: String,
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// Stable rule id, e.g. `name.branding`.
    pub rule: String,
    pub severity: Severity,
    /// Where in the draft, e.g. `product.basic.name` or `product.specifications[1].skus[0].price`.
    pub path: String,
    pub message: Message,
}

/// What a rule is, for documentation and for the tests that prove every rule fires.
pub struct RuleInfo {
    pub id: &'static str,
    pub severity: Severity,
}

macro_rules! rules {
    ($($name:ident = $id:literal : $sev:ident),* $(,)?) => {
        /// Stable rule ids.
        pub mod ids {
            $(pub const $name: &str = $id;)*
        }
        /// Every rule the linter knows.
        pub const RULES: &[RuleInfo] = &[$(RuleInfo { id: $id, severity: Severity::$sev }),*];
    };
}

rules! {
    NAME_REQUIRED = "name.required": Error,
    NAME_LENGTH = "name.length": Error,
    NAME_BRANDING = "name.branding": Error,
    NAME_HUAWEI_MENTION = "name.huawei_mention": Warning,
    NAME_PRICE = "name.price": Error,
    NAME_OFFER = "name.offer": Warning,
    NAME_VERSION = "name.version": Error,
    NAME_VERSION_NUMBER = "name.version_number": Warning,
    NAME_PHONE = "name.phone": Error,
    VERSION_REQUIRED = "version.required": Error,
    VERSION_FORMAT = "version.format": Error,
    LOGO_REQUIRED = "logo.required": Error,
    LOGO_FORMAT = "logo.format": Error,
    LOGO_DIMENSIONS = "logo.dimensions": Error,
    LOGO_SIZE = "logo.size": Error,
    OVERVIEW_REQUIRED = "overview.required": Error,
    OVERVIEW_LENGTH = "overview.length": Error,
    DESCRIPTION_REQUIRED = "description.required": Error,
    DESCRIPTION_LENGTH = "description.length": Error,
    DESCRIPTION_BLANK_LINES = "description.blank_lines": Warning,
    DESCRIPTION_PRICE_ELSEWHERE = "description.price_elsewhere": Error,
    HIGHLIGHTS_COUNT = "highlights.count": Error,
    HIGHLIGHTS_INCOMPLETE = "highlights.incomplete": Error,
    HIGHLIGHTS_LENGTH = "highlights.length": Error,
    CASES_COUNT = "customer_cases.count": Error,
    CASES_INCOMPLETE = "customer_cases.incomplete": Error,
    CASES_LENGTH = "customer_cases.length": Error,
    SEO_LENGTH = "seo.length": Warning,
    SEO_KEYWORDS = "seo.keywords": Warning,
    QUAL_EULA = "qualification.eula": Error,
    QUAL_USER_GUIDE = "qualification.user_guide": Error,
    QUAL_COPYRIGHT = "qualification.software_copyright": Error,
    QUAL_AFTER_SALES = "qualification.after_sales_group": Error,
    QUAL_AFTER_SALES_UNKNOWN = "qualification.after_sales_group_unknown": Error,
    PS_SERVICE_FLOW = "professional_service.service_flow": Error,
    PS_DELIVERY_DAYS = "professional_service.avg_delivery_days": Error,
    PS_DELIVERY_DAYS_RANGE = "professional_service.avg_delivery_days_range": Warning,
    PS_REQUEST_TEMPLATES = "professional_service.request_templates": Error,
    PS_REQUEST_TEMPLATE_INCOMPLETE = "professional_service.request_template_incomplete": Error,
    LICENSE_PROCESS = "license.delivery_process": Error,
    LICENSE_ASSET = "license.application_asset": Error,
    SAAS_ASSET = "saas.associated_asset": Error,
    IMAGE_ASSET = "image.image_asset": Error,
    CONSULTING_URL = "consulting.website_url": Error,
    CONSULTING_SPECS = "consulting.specifications": Warning,
    SPECS_REQUIRED = "specifications.required": Error,
    SPECS_COUNT = "specifications.count": Error,
    SPEC_NAME = "spec.name": Error,
    SPEC_NAME_DUPLICATE = "spec.name_duplicate": Error,
    SPEC_BILLING_REQUIRED = "spec.billing_required": Error,
    SPEC_BILLING_NOT_ALLOWED = "spec.billing_not_allowed": Error,
    SPEC_LICENSE_BILLING_MIX = "spec.license_billing_mix": Error,
    SPEC_CUSTOM_PRICING_BILLING = "spec.custom_pricing_billing": Error,
    SPEC_ATTRIBUTES_UNUSED = "spec.attributes_unused": Warning,
    SPEC_ATTRIBUTE_PRESET = "spec.attribute_preset_name": Error,
    SPEC_ATTRIBUTE_INCOMPLETE = "spec.attribute_incomplete": Error,
    SPEC_ATTRIBUTE_DUPLICATE = "spec.attribute_duplicate": Error,
    SPEC_ENUM_VALUES = "spec.enum_values": Error,
    SPEC_QUANTITY_RANGE = "spec.quantity_range": Error,
    SPEC_QUANTITY_TIERS = "spec.quantity_tiers": Error,
    SPEC_QUANTITY_COUNT = "spec.quantity_count": Error,
    SPEC_LIMITS = "spec.limits": Error,
    SKU_TABLE_STALE = "sku.table_stale": Error,
    SKU_PRICE = "sku.price": Error,
    SUPPORT_GROUP_COUNT = "support.group_count": Error,
    SUPPORT_GROUP_INCOMPLETE = "support.group_incomplete": Error,
    SUPPORT_SERVICE_HOURS = "support.service_hours": Warning,
    SUPPORT_EMAIL = "support.email": Error,
    SUPPORT_CONTACT_INCOMPLETE = "support.contact_incomplete": Error,
    PS_REQUEST_TEMPLATE_FILE_TYPE = "professional_service.request_template_file_type": Error,
    MOD_PRODUCT_OFFLINE = "modification.product_offline": Error,
    MOD_SPEC_DELETED = "modification.spec_deleted": Error,
    MOD_SPEC_RESTORED = "modification.spec_restored": Error,
    MOD_ADD_THEN_REMOVE = "modification.add_then_remove": Error,
    MOD_ALL_REMOVED = "modification.all_specs_removed": Error,
    MOD_BILLING_CHANGE = "modification.billing_change": Error,
    MOD_TRIAL_FIXED = "modification.trial_fixed": Error,
    MOD_SUPERVISION_FIXED = "modification.service_supervision_fixed": Error,
    MOD_RELEASED_STRUCTURE = "modification.released_spec_structure": Error,
    MOD_RELEASED_NAME_PRICE = "modification.released_spec_name_or_price": Warning,
}

/// Collects findings; rules call [`Report::add`].
pub(crate) struct Report {
    findings: Vec<Finding>,
}

impl Report {
    pub(crate) fn add(
        &mut self,
        rule: &'static str,
        path: impl Into<String>,
        en: impl Into<String>,
        zh: impl Into<String>,
    ) {
        let severity = RULES
            .iter()
            .find(|r| r.id == rule)
            .map(|r| r.severity)
            .unwrap_or(Severity::Error);
        self.findings.push(Finding {
            rule: rule.to_string(),
            severity,
            path: path.into(),
            message: Message {
                en: en.into(),
                zh_cn: zh.into(),
            },
        });
    }
}

/// Lints a product draft against the ruleset and the seller's Services & support information.
/// Findings come errors first, then in document order.
pub fn lint(doc: &DraftDocument, support: &SupportInfo, rules: &Ruleset) -> Vec<Finding> {
    let mut r = Report {
        findings: Vec::new(),
    };
    product_rules::check(&doc.product, support, rules, &mut r);
    spec_rules::check(&doc.product, rules, &mut r);
    if doc.kind == DraftKind::Modification {
        if let Some(live) = &doc.live {
            modification::check(live, doc.live_status, &doc.product, &mut r);
        }
    }
    let mut findings = r.findings;
    findings.sort_by_key(|f| f.severity);
    findings
}

/// Lints the Services & support information on its own.
pub fn lint_support(support: &SupportInfo, rules: &Ruleset) -> Vec<Finding> {
    let mut r = Report {
        findings: Vec::new(),
    };
    support_rules::check(support, rules, &mut r);
    let mut findings = r.findings;
    findings.sort_by_key(|f| f.severity);
    findings
}

/// (errors, warnings)
pub fn counts(findings: &[Finding]) -> (usize, usize) {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    (errors, findings.len() - errors)
}

#[cfg(test)]
mod rule_tables;
#[cfg(test)]
mod tests;
