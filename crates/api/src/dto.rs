//! Transport types: what crosses IPC and what `--json` prints. These derive TypeScript, with the
//! few domain enums that appear in them (delivery method, billing mode, draft kind, change kind;
//! the domain's `specta` feature). Documents in a published format (a draft, the support
//! information, a request form, an attachment) cross as JSON typed in TypeScript by that format's
//! generated types (`ui/src/lib/backend/formats.ts`, from docs/schemas), not as `any`.

pub use koodesk_domain::diff::ChangeKind;
pub use koodesk_domain::draft::DraftKind;
pub use koodesk_domain::product::DeliveryMethod;
pub use koodesk_domain::spec::BillingMode;
use serde::{Deserialize, Serialize};

/// The names `ui/src/lib/backend/bindings.ts` imports from the generated format types.
pub const FORMAT_TYPES: &[&str] = &["Attachment", "DraftDocument", "RequestForm", "SupportInfo"];

macro_rules! format_json {
    ($($(#[$doc:meta])* $name:ident => $ts:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub serde_json::Value);

        impl specta::Type for $name {
            fn definition(_: &mut specta::Types) -> specta::datatype::DataType {
                specta::datatype::DataType::Reference(specta_typescript::define($ts))
            }
        }
    )*};
}

format_json! {
    /// A product draft document (format `koodesk.product-draft`, docs/product-draft.md).
    DraftJson => "DraftDocument";
    /// The seller's Services & support information.
    SupportJson => "SupportInfo";
    /// A request form (docs/request-form.md).
    FormJson => "RequestForm";
    /// A stored file's description.
    AttachmentJson => "Attachment";
}

/// A language the UI is complete in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub enum Language {
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Language {
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::ZhCn => "zh-CN",
        }
    }
}

/// The seller's language choice: follow the OS, or a fixed language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub enum LanguagePref {
    #[serde(rename = "system")]
    System,
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    ZhCn,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Settings {
    /// What the seller chose.
    pub language: LanguagePref,
    /// The language the UI shows now.
    pub effective_language: Language,
    /// What the OS asks for, mapped to a supported language.
    pub system_language: Language,
}

/// Which marketplace this window talks to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MarketplaceProfile {
    /// The built-in account without a running Demo marketplace (the CLI): local drafts only.
    LocalOnly,
    /// The built-in account on the app's embedded Demo marketplace.
    Demo { base_url: String },
    /// A KooGallery account the seller added.
    Account {
        id: String,
        name: String,
        site: String,
    },
}

/// A marketplace account as the UI sees it. Never carries the access keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct AccountDto {
    pub id: String,
    pub name: String,
    /// `intl`, `eu`, a base URL, or `demo` for the built-in Demo marketplace.
    pub site: String,
    pub demo: bool,
    pub current: bool,
    /// Whether the keychain holds a key pair for it.
    pub has_keys: bool,
}

/// What the seller types to add or change an account. Keys are optional when editing (leave both
/// empty to keep the stored pair).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct AccountInput {
    pub name: String,
    pub site: String,
    #[serde(default)]
    pub ak: String,
    #[serde(default)]
    pub sk: String,
}

/// The result of "Test connection": an order query for a documented mock order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ConnectionReport {
    pub base_url: String,
    pub elapsed_ms: u32,
    /// The mock order that was asked for, and whether this site has it.
    pub test_order: String,
    pub order_found: bool,
    /// The same in English, for the CLI and logs.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub log_dir: String,
    pub marketplace: MarketplaceProfile,
}

/// A draft as the editor sees it: the document (the public draft JSON) and its lint findings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct DraftView {
    pub id: String,
    pub revision: u32,
    /// The draft document (format `koodesk.product-draft`, see docs/product-draft.md).
    #[specta(type = DraftJson)]
    pub doc: serde_json::Value,
    pub findings: Vec<FindingDto>,
    pub errors: u32,
    pub warnings: u32,
    pub updated_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct FindingDto {
    pub rule: String,
    pub severity: Severity,
    /// e.g. `product.basic.name`.
    pub path: String,
    pub en: String,
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
}

/// Where a draft stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum DraftState {
    HasErrors,
    Ready,
    Submitted,
}

/// Which drafts a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum StateFilter {
    /// Not yet submitted, with or without errors.
    Draft,
    HasErrors,
    Ready,
    Submitted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct DraftListItem {
    pub id: String,
    pub kind: DraftKind,
    pub name: String,
    pub delivery_method: DeliveryMethod,
    pub revision: u32,
    pub errors: u32,
    pub warnings: u32,
    pub state: DraftState,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct DraftFilter {
    pub query: Option<String>,
    pub delivery_method: Option<DeliveryMethod>,
    pub state: Option<StateFilter>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct RevisionDto {
    pub revision: u32,
    pub saved_at: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ChangeDto {
    pub path: String,
    pub kind: ChangeKind,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// A live product the seller can start a modification draft from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct LiveProductDto {
    pub id: String,
    pub name: String,
    pub delivery_method: DeliveryMethod,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SupportView {
    pub revision: u32,
    /// Services & support information (see docs/product-draft.md).
    #[specta(type = SupportJson)]
    pub info: serde_json::Value,
    pub findings: Vec<FindingDto>,
}

/// What the editor offers for one delivery method (from the domain rules, not kept in the UI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct MethodOptions {
    pub method: DeliveryMethod,
    pub billing_modes: Vec<BillingMode>,
    /// Sold through KooGallery (consulting listings are not).
    pub traded: bool,
    /// Needs a EULA and a software copyright certificate.
    pub software: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct DraftOptions {
    pub methods: Vec<MethodOptions>,
    pub preset_attribute_names: Vec<String>,
    pub max_after_sales_groups: u32,
    /// The numbers hints quote, from the ruleset in force.
    pub limits: RuleLimits,
}

/// The limits the UI's hints quote, taken from the ruleset in force (never from translations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct RuleLimits {
    pub ruleset_version: u32,
    pub name_max_chars: u32,
    pub logo_width: u32,
    pub logo_height: u32,
    /// The logo's largest size in whole megabytes (MiB).
    pub logo_max_mb: u32,
    pub min_service_hours_per_day: u32,
    pub min_service_days_per_week: u32,
    /// Days without an update after which the other side may appeal.
    pub stall_days: u32,
    /// Rejections after which an appeal is allowed.
    pub rejection_limit: u32,
    /// Hours from acceptance to a completed order.
    pub completion_delay_hours: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct FormSummary {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub fields: u32,
    /// Templates were generated from this version, so editing makes a new version.
    pub issued: bool,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FormView {
    pub id: String,
    pub version: u32,
    pub issued: bool,
    /// The request form (see docs/request-form.md).
    #[specta(type = FormJson)]
    pub form: serde_json::Value,
    /// Why templates cannot be generated yet (empty when the form is complete).
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct TemplateProblem {
    pub key: String,
    /// The field's label in the form.
    pub label: String,
    pub row: Option<u32>,
    pub location: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct TemplateCheck {
    pub file: String,
    pub form_id: String,
    pub version: u32,
    pub form_title: String,
    pub values: serde_json::Value,
    pub errors: Vec<TemplateProblem>,
}
