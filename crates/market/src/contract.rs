//! Koodesk's seller contract with KooGallery (docs/api/openapi.yaml): paths, envelopes and the
//! bodies of every operation. Field names are camelCase and times are `yyyyMMddTHHmmssZ` (UTC),
//! as in KooGallery's documented APIs. Unknown fields are ignored when reading, so the marketplace
//! may add fields without breaking Koodesk.

use koodesk_domain::product::{ListingStatus, Product};
use koodesk_domain::spec::BillingMode;
use koodesk_domain::supervision::{FlowState, Party, SellerAction};
use serde::{Deserialize, Serialize};

pub const BASE_PATH: &str = "/api/mkp-openapi-public/global/v1";

/// Result codes in the envelope (`resultCode`). KooGallery's SaaS interfaces use six-digit codes
/// with `000000` for success; the contract extends that table.
pub mod codes {
    pub const SUCCESS: &str = "000000";
    pub const AUTH_FAILED: &str = "000001";
    pub const INVALID_PARAMETER: &str = "000002";
    pub const NOT_FOUND: &str = "000003";
    pub const INTERNAL: &str = "000005";
    /// The client token was used before with a different body.
    pub const TOKEN_REUSED: &str = "000101";
    /// The `version` sent is not the current one: someone else changed it first.
    pub const STALE_VERSION: &str = "000102";
    /// The operation is not possible in the current state.
    pub const NOT_ALLOWED: &str = "000103";
    /// The upload is over the size limit.
    pub const TOO_LARGE: &str = "000104";
}

/// The head of the envelope every contract response carries; the operation's data sits next to
/// it at the top level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    pub result_code: String,
    pub result_msg: String,
}

/// The API Gateway's own error body (signature, throttling), which has no envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayError {
    pub error_code: String,
    pub error_msg: String,
    #[serde(default)]
    pub request_id: String,
}

// ---------------------------------------------------------------------------------------------
// Order query (documented)

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderQueryData {
    #[serde(default)]
    pub order_info: Option<OrderInfo>,
}

/// `orderInfo` of the documented order query. Only the fields the documentation shows are
/// modelled; anything else is kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct OrderInfo {
    pub order_id: String,
    pub business_id: String,
    /// `"1"` for a trial, `"0"` otherwise.
    pub trial_flag: String,
    pub order_amount: f64,
    pub charging_mode: String,
    pub order_type: String,
    pub create_time: String,
    pub customer_id: String,
    pub customer_name: String,
    pub user_id: String,
    pub user_name: String,
    pub mobile_phone: String,
    pub email: String,
    pub order_line: Vec<OrderLine>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct OrderLine {
    pub order_line_id: String,
    pub product_id: String,
    pub product_name: String,
    pub sku_code: String,
    pub period_type: String,
    pub period_num: u32,
    pub expire_time: String,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

// ---------------------------------------------------------------------------------------------
// Paging

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    pub offset: u32,
    pub limit: u32,
    /// Only what changed at or after this time (`yyyyMMddTHHmmssZ`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_since: Option<String>,
}

impl Page {
    pub fn first(limit: u32) -> Self {
        Page {
            offset: 0,
            limit,
            updated_since: None,
        }
    }

    pub fn query(&self) -> Vec<(String, String)> {
        let mut q = vec![
            ("offset".to_owned(), self.offset.to_string()),
            ("limit".to_owned(), self.limit.to_string()),
        ];
        if let Some(s) = &self.updated_since {
            q.push(("updated_since".to_owned(), s.clone()));
        }
        q
    }
}

// ---------------------------------------------------------------------------------------------
// Products

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProductStatus {
    /// Released and on sale.
    Online,
    /// Hidden from the front end (spec §4.3).
    Hidden,
    /// Removed from sale.
    Offline,
}

/// The draft format names the same statuses in its own case (`ListingStatus`, snake_case).
impl From<ListingStatus> for ProductStatus {
    fn from(s: ListingStatus) -> Self {
        match s {
            ListingStatus::Online => ProductStatus::Online,
            ListingStatus::Hidden => ProductStatus::Hidden,
            ListingStatus::Offline => ProductStatus::Offline,
        }
    }
}

impl From<ProductStatus> for ListingStatus {
    fn from(s: ProductStatus) -> Self {
        match s {
            ProductStatus::Online => ListingStatus::Online,
            ProductStatus::Hidden => ListingStatus::Hidden,
            ProductStatus::Offline => ListingStatus::Offline,
        }
    }
}

/// A live product: the released content and the version of its latest approved modification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveProduct {
    pub product_id: String,
    pub status: ProductStatus,
    /// Grows by one with every approved modification; a modification names the version it was
    /// made from.
    pub version: u64,
    pub updated_at: String,
    pub product: Product,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductList {
    pub total: u32,
    pub products: Vec<LiveProduct>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductData {
    pub product: LiveProduct,
}

// ---------------------------------------------------------------------------------------------
// Applications (My Applications)

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApplicationType {
    Release,
    Modification,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApplicationStatus {
    PendingApproval,
    Rejected,
    Approved,
    Withdrawn,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateApplication {
    pub client_token: String,
    pub r#type: ApplicationType,
    /// Modifications: the live product and the version the snapshot was made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_version: Option<u64>,
    pub snapshot: Product,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewComment {
    /// The field the comment is about (a draft path such as `details.description`), if any.
    #[serde(default)]
    pub field: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub application_id: String,
    pub r#type: ApplicationType,
    pub status: ApplicationStatus,
    /// The product the application releases or modifies (set for a release once approved).
    #[serde(default)]
    pub product_id: Option<String>,
    #[serde(default)]
    pub base_version: Option<u64>,
    pub product_name: String,
    pub submitted_at: String,
    pub updated_at: String,
    #[serde(default)]
    pub reviewed_at: Option<String>,
    #[serde(default)]
    pub review_comments: Vec<ReviewComment>,
    /// Changes with every state change; a withdrawal names the version it saw.
    pub version: u64,
    pub snapshot: Product,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationData {
    pub application: Application,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationList {
    pub total: u32,
    pub applications: Vec<Application>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Withdraw {
    pub client_token: String,
    pub version: u64,
}

// ---------------------------------------------------------------------------------------------
// Attachments

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AttachmentKind {
    Logo,
    Template,
    Deliverable,
    Proof,
    CommitmentLetter,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadAttachment {
    pub client_token: String,
    pub kind: AttachmentKind,
    pub file_name: String,
    pub content_type: String,
    /// Hex SHA-256 of the content; the marketplace checks it.
    pub sha256: String,
    /// The file, base64.
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentInfo {
    /// `ATT-` + the first 32 hex digits of the SHA-256: the same file always has the same id.
    pub attachment_id: String,
    pub kind: AttachmentKind,
    pub file_name: String,
    pub content_type: String,
    pub sha256: String,
    pub size: u64,
    pub uploaded_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentData {
    pub attachment: AttachmentInfo,
}

/// `GET /isv/attachments/{attachmentId}`: the file and what is known about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentContent {
    pub attachment: AttachmentInfo,
    /// The file, base64.
    pub content: String,
}

/// The content type of a Koodesk request form's definition (the request-form JSON), uploaded next
/// to the template files made from it so the marketplace can read and fill them.
pub const FORM_CONTENT_TYPE: &str = "application/vnd.koodesk.request-form+json";

pub fn attachment_id(sha256_hex: &str) -> String {
    format!("ATT-{}", &sha256_hex[..sha256_hex.len().min(32)])
}

// ---------------------------------------------------------------------------------------------
// Service orders (service supervision)

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderDelivery {
    ProfessionalService,
    License,
    Saas,
}

impl OrderDelivery {
    /// The domain's kind of supervised flow.
    pub fn supervised(self) -> koodesk_domain::supervision::Supervised {
        use koodesk_domain::supervision::Supervised;
        match self {
            OrderDelivery::ProfessionalService => Supervised::ProfessionalService,
            OrderDelivery::License => Supervised::License,
            OrderDelivery::Saas => Supervised::Saas,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    Processing,
    Completed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AppealStatus {
    None,
    InProgress,
    Resolved,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Appeal {
    pub status: AppealStatus,
    #[serde(default)]
    pub initiated_by: Option<Party>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub initiated_at: Option<String>,
    #[serde(default)]
    pub proof_ids: Vec<String>,
    #[serde(default)]
    pub commitment_letter_id: Option<String>,
    /// The operations manager's decision, once resolved.
    #[serde(default)]
    pub outcome: Option<String>,
}

impl Appeal {
    pub fn none() -> Self {
        Appeal {
            status: AppealStatus::None,
            initiated_by: None,
            reason: None,
            initiated_at: None,
            proof_ids: Vec::new(),
            commitment_letter_id: None,
            outcome: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerRequest {
    pub text: String,
    /// Attachments the customer sent, usually a filled copy of the product's request template.
    #[serde(default)]
    pub attachments: Vec<AttachmentInfo>,
    pub submitted_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationRecord {
    pub at: String,
    pub party: Party,
    pub operation: String,
    #[serde(default)]
    pub text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub result_text: String,
    /// When the seller enabled the service, if they said; the usage period of a yearly/monthly
    /// order starts here, else at the customer's acceptance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_enabling_time: Option<String>,
    #[serde(default)]
    pub deliverable_ids: Vec<String>,
    pub delivered_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceOrder {
    pub order_id: String,
    pub order_line_id: String,
    pub product_id: String,
    pub product_name: String,
    pub delivery_method: OrderDelivery,
    pub order_status: OrderStatus,
    pub flow_state: FlowState,
    /// Who must act now (`OPERATIONS` while an appeal is open).
    pub waiting_for: Party,
    pub customer_name: String,
    pub created_at: String,
    /// When the flow last changed state; the 5-day rule counts from here.
    pub flow_updated_at: String,
    /// The seller's and the customer's last update of the flow.
    pub seller_updated_at: String,
    pub customer_updated_at: String,
    pub seller_rejections: u32,
    pub customer_rejections: u32,
    #[serde(default)]
    pub request: Option<CustomerRequest>,
    #[serde(default)]
    pub delivery: Option<Delivery>,
    #[serde(default)]
    pub accepted_at: Option<String>,
    /// How the customer pays for what they bought (`yearly`, `monthly`, `one_time`, …).
    #[serde(default)]
    pub billing_mode: Option<BillingMode>,
    /// The product's average delivery days as it was when this order was placed (professional
    /// services): the delivery alerts count from the seller's acceptance of the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avg_delivery_days: Option<u32>,
    /// Yearly/monthly orders, once delivered and accepted: where the usage period starts (the
    /// delivery's actual enabling time if the seller gave one, else the acceptance).
    #[serde(default)]
    pub usage_period_starts_at: Option<String>,
    pub appeal: Appeal,
    #[serde(default)]
    pub records: Vec<OperationRecord>,
    /// Grows with every change of the order, a customer's reminder included.
    pub version: u64,
    /// Grows only when the flow moves — its state, who must act, the appeal — never for a
    /// reminder or a new operation record. An action names the flow version it was decided on,
    /// so what a seller queued on a near-stall order is not refused because the customer
    /// reminded them meanwhile.
    #[serde(default)]
    pub flow_version: u64,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceOrderData {
    pub service_order: ServiceOrder,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceOrderList {
    pub total: u32,
    pub service_orders: Vec<ServiceOrder>,
    /// The marketplace's clock when it answered: every "how long since" of an order is measured
    /// against it (a computer's clock may be off; the sandbox's clock may run fast).
    #[serde(default)]
    pub server_time: Option<String>,
}

/// A supervision action. Which fields are needed depends on the action
/// (`koodesk_domain::supervision::check_action_input`): a rejection needs a `reason`; a delivery
/// needs `resultText` (`actualEnablingTime` is optional); an appeal needs a `reason`, and when the
/// customer cannot be reached, a `commitmentLetterId`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderAction {
    pub client_token: String,
    /// The order's `flowVersion` the action was decided on (`000102` when the flow has moved).
    pub flow_version: u64,
    pub action: SellerAction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_enabling_time: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deliverable_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proof_ids: Vec<String>,
    #[serde(default)]
    pub customer_unreachable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment_letter_id: Option<String>,
}

impl OrderAction {
    pub fn new(client_token: impl Into<String>, flow_version: u64, action: SellerAction) -> Self {
        OrderAction {
            client_token: client_token.into(),
            flow_version,
            action,
            reason: None,
            result_text: None,
            actual_enabling_time: None,
            deliverable_ids: Vec::new(),
            proof_ids: Vec::new(),
            customer_unreachable: false,
            commitment_letter_id: None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Services & support (KooGallery reviews contact changes)

/// `POST /isv/support-changes`: the seller's Services & support information as a whole. Groups
/// carry the seller's own ids; the answer maps each to the marketplace's id, which products name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubmitSupportChange {
    pub client_token: String,
    pub support: koodesk_domain::support::SupportInfo,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupId {
    /// The id the seller gave the group.
    pub local_id: String,
    /// The marketplace's id for it (`ASG…`), the one a product's after-sales group names.
    pub group_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SupportChange {
    pub change_id: String,
    /// `PENDING_APPROVAL`, `APPROVED` or `REJECTED`, as for applications.
    pub status: ApplicationStatus,
    pub submitted_at: String,
    #[serde(default)]
    pub reviewed_at: Option<String>,
    #[serde(default)]
    pub review_comments: Vec<ReviewComment>,
    pub groups: Vec<GroupId>,
    pub support: koodesk_domain::support::SupportInfo,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SupportChangeData {
    pub support_change: SupportChange,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SupportChangeList {
    pub total: u32,
    pub support_changes: Vec<SupportChange>,
}

// ---------------------------------------------------------------------------------------------
// Events

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventType {
    ReviewApproved,
    ReviewRejected,
    OrderCreated,
    RequestSubmitted,
    DeliveryAccepted,
    DeliveryRejected,
    Reminder,
    AppealOpened,
    AppealResolved,
    OrderCompleted,
    SupportChangeReviewed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub event_id: String,
    pub r#type: EventType,
    pub occurred_at: String,
    #[serde(default)]
    pub application_id: Option<String>,
    #[serde(default)]
    pub order_id: Option<String>,
    #[serde(default)]
    pub product_id: Option<String>,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventPage {
    pub events: Vec<Event>,
    /// Pass back as `cursor` to get what came after; stable across restarts.
    pub next_cursor: String,
}
