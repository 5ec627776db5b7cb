//! A KooGallery product as the Seller Console has it: basic information (with the fields of its
//! delivery method), product details, qualification, SEO, Public Sales, and specifications.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::spec::Specification;

/// The whole product, as a release or modification draft holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Product {
    pub basic: BasicInfo,
    pub details: Details,
    pub qualification: Qualification,
    pub seo: Seo,
    /// Listed on the KooGallery front end and in search (`false`: buyable only through its URL).
    pub public_sales: bool,
    pub specifications: Vec<Specification>,
}

impl Default for Product {
    fn default() -> Self {
        Product {
            basic: BasicInfo::default(),
            details: Details::default(),
            qualification: Qualification::default(),
            seo: Seo::default(),
            public_sales: true,
            specifications: Vec::new(),
        }
    }
}

impl Product {
    /// Every file the product refers to, with the draft path of the field that names it: the
    /// logo, the qualification documents, the request template files.
    pub fn attachments(&self) -> Vec<(&'static str, &Attachment)> {
        let q = &self.qualification;
        let mut out: Vec<_> = [
            ("product.basic.logo", self.basic.logo.as_ref()),
            ("product.qualification.eula", q.eula.as_ref()),
            ("product.qualification.user_guide", q.user_guide.as_ref()),
            (
                "product.qualification.business_letter",
                q.business_letter.as_ref(),
            ),
            (
                "product.qualification.software_copyright",
                q.software_copyright.as_ref(),
            ),
        ]
        .into_iter()
        .filter_map(|(f, a)| a.map(|a| (f, a)))
        .collect();
        if let Delivery::ProfessionalService {
            request_templates, ..
        } = &self.basic.delivery
        {
            out.extend(
                request_templates
                    .iter()
                    .filter_map(|t| t.file.as_ref())
                    .map(|a| ("product.basic.delivery.request_templates", a)),
            );
        }
        out
    }

    /// A new, empty product of the given delivery method.
    pub fn new(method: DeliveryMethod) -> Self {
        Product {
            basic: BasicInfo {
                delivery: Delivery::empty(method),
                ..BasicInfo::default()
            },
            ..Product::default()
        }
    }

    pub fn method(&self) -> DeliveryMethod {
        self.basic.delivery.method()
    }
}

/// Where a released product stands on KooGallery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListingStatus {
    /// On sale and listed on the front end and in search.
    Online,
    /// On sale but not listed: bought through its URL only (Public Sales off).
    Hidden,
    /// Removed from sale; it can no longer be modified.
    Offline,
}

impl ListingStatus {
    /// The status an approved release or modification gives a product that is on sale.
    pub fn on_sale(public_sales: bool) -> Self {
        if public_sales {
            ListingStatus::Online
        } else {
            ListingStatus::Hidden
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct BasicInfo {
    pub name: String,
    /// e.g. `V1.0`, `V2.0.1`.
    pub version: String,
    pub logo: Option<Attachment>,
    pub delivery: Delivery,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum DeliveryMethod {
    ProfessionalService,
    License,
    Saas,
    Image,
    Hardware,
    /// Listed with a link to the seller's site; not traded on KooGallery.
    ConsultingService,
}

impl DeliveryMethod {
    pub const ALL: [DeliveryMethod; 6] = [
        DeliveryMethod::ProfessionalService,
        DeliveryMethod::License,
        DeliveryMethod::Saas,
        DeliveryMethod::Image,
        DeliveryMethod::Hardware,
        DeliveryMethod::ConsultingService,
    ];

    pub fn tag(self) -> &'static str {
        match self {
            DeliveryMethod::ProfessionalService => "professional_service",
            DeliveryMethod::License => "license",
            DeliveryMethod::Saas => "saas",
            DeliveryMethod::Image => "image",
            DeliveryMethod::Hardware => "hardware",
            DeliveryMethod::ConsultingService => "consulting_service",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.tag() == tag)
    }

    /// Sold and delivered through KooGallery (everything but consulting listings).
    pub fn is_traded(self) -> bool {
        self != DeliveryMethod::ConsultingService
    }

    /// Delivers software (and so needs a EULA, a user guide and a software copyright certificate).
    pub fn is_software(self) -> bool {
        matches!(
            self,
            DeliveryMethod::License | DeliveryMethod::Saas | DeliveryMethod::Image
        )
    }
}

/// The delivery method and the basic-information fields that only it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Delivery {
    ProfessionalService {
        #[serde(default)]
        service_flow: Option<ServiceFlow>,
        /// Average delivery duration in calendar days.
        #[serde(default)]
        avg_delivery_days: Option<u32>,
        #[serde(default)]
        request_templates: Vec<RequestTemplate>,
    },
    License {
        /// How the license is delivered (offline, through service supervision).
        #[serde(default)]
        delivery_process: String,
    },
    Saas {
        /// The released SaaS asset in the asset center.
        #[serde(default)]
        associated_asset: String,
        #[serde(default)]
        involves_service_supervision: bool,
    },
    Image {
        /// The released image asset.
        #[serde(default)]
        image_asset: String,
    },
    Hardware {},
    ConsultingService {
        /// The seller's own page the listing links to.
        #[serde(default)]
        website_url: String,
    },
}

impl Default for Delivery {
    fn default() -> Self {
        Delivery::empty(DeliveryMethod::ProfessionalService)
    }
}

impl Delivery {
    pub fn empty(method: DeliveryMethod) -> Self {
        match method {
            DeliveryMethod::ProfessionalService => Delivery::ProfessionalService {
                service_flow: None,
                avg_delivery_days: None,
                request_templates: Vec::new(),
            },
            DeliveryMethod::License => Delivery::License {
                delivery_process: String::new(),
            },
            DeliveryMethod::Saas => Delivery::Saas {
                associated_asset: String::new(),
                involves_service_supervision: false,
            },
            DeliveryMethod::Image => Delivery::Image {
                image_asset: String::new(),
            },
            DeliveryMethod::Hardware => Delivery::Hardware {},
            DeliveryMethod::ConsultingService => Delivery::ConsultingService {
                website_url: String::new(),
            },
        }
    }

    pub fn method(&self) -> DeliveryMethod {
        match self {
            Delivery::ProfessionalService { .. } => DeliveryMethod::ProfessionalService,
            Delivery::License { .. } => DeliveryMethod::License,
            Delivery::Saas { .. } => DeliveryMethod::Saas,
            Delivery::Image { .. } => DeliveryMethod::Image,
            Delivery::Hardware {} => DeliveryMethod::Hardware,
            Delivery::ConsultingService { .. } => DeliveryMethod::ConsultingService,
        }
    }
}

/// The service-flow template a professional service follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceFlow {
    Standard,
    WebsiteBuilding,
}

/// A request template the customer downloads, fills in and attaches to the service request:
/// either a Koodesk request form (generated as .xlsx/.docx) or an uploaded file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct RequestTemplate {
    pub title: String,
    pub form_id: Option<String>,
    pub file: Option<Attachment>,
}

/// A file stored once in the data folder, named by the SHA-256 of its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Attachment {
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    pub file_name: String,
    /// e.g. `image/png`, `application/pdf`.
    pub media_type: String,
    pub size: u64,
    /// Pixel size, for images whose content was decoded on the way in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageInfo>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ImageInfo {
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Details {
    /// The summary shown in search results and at the top of the product page.
    pub overview: String,
    pub description: String,
    pub highlights: Vec<Highlight>,
    pub customer_cases: Vec<CustomerCase>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Highlight {
    pub title: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct CustomerCase {
    pub customer: String,
    pub title: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Qualification {
    pub eula: Option<Attachment>,
    /// The after-sales customer-service group (by id) from Services & support.
    pub after_sales_group: Option<String>,
    pub user_guide: Option<Attachment>,
    pub business_letter: Option<Attachment>,
    pub software_copyright: Option<Attachment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Seo {
    pub title: String,
    pub keywords: Vec<String>,
    pub description: String,
}
