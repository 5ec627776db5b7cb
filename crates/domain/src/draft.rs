//! The product draft document: the public JSON format of `koodesk drafts export/import`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::product::{ListingStatus, Product};

/// The `format` tag every draft file carries.
pub const DRAFT_FORMAT: &str = "koodesk.product-draft";
/// The version of the draft format this Koodesk writes and reads.
pub const DRAFT_FORMAT_VERSION: u32 = 1;

/// A release draft, or a modification draft with the live copy it was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DraftDocument {
    /// Always `koodesk.product-draft`.
    pub format: String,
    /// Always 1 for this version of the format.
    pub format_version: u32,
    pub kind: DraftKind,
    /// Modification drafts: the marketplace id of the live product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_product_id: Option<String>,
    pub product: Product,
    /// Modification drafts: the live product as it was when the draft was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<Product>,
    /// Modification drafts: the live product's status when the draft was made, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_status: Option<ListingStatus>,
    /// Modification drafts: the marketplace's version of the live product the draft was made
    /// from, if known; the modification names it, and the marketplace refuses it when the live
    /// product has moved on since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_version: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum DraftKind {
    Release,
    Modification,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftFormatError {
    #[error("not JSON or not a product draft: {0}")]
    Json(String),
    #[error("this file is a {0:?}, not a Koodesk product draft")]
    WrongFormat(String),
    #[error(
        "this draft uses format version {0}; this Koodesk reads version {DRAFT_FORMAT_VERSION}"
    )]
    UnsupportedVersion(u32),
    #[error("a modification draft needs the live product it modifies")]
    ModificationWithoutLive,
}

impl DraftDocument {
    pub fn release(product: Product) -> Self {
        DraftDocument {
            format: DRAFT_FORMAT.into(),
            format_version: DRAFT_FORMAT_VERSION,
            kind: DraftKind::Release,
            live_product_id: None,
            product,
            live: None,
            live_status: None,
            live_version: None,
        }
    }

    /// A modification draft starts as a copy of the live product.
    pub fn modification(live_product_id: impl Into<String>, live: Product) -> Self {
        DraftDocument {
            format: DRAFT_FORMAT.into(),
            format_version: DRAFT_FORMAT_VERSION,
            kind: DraftKind::Modification,
            live_product_id: Some(live_product_id.into()),
            product: live.clone(),
            live: Some(live),
            live_status: None,
            live_version: None,
        }
    }

    /// Records the live product's status (a modification of an offline product is refused).
    pub fn with_live_status(mut self, status: ListingStatus) -> Self {
        self.live_status = Some(status);
        self
    }

    /// Records the marketplace version of the live product the draft starts from.
    pub fn with_live_version(mut self, version: u64) -> Self {
        self.live_version = Some(version);
        self
    }

    /// Parses and checks a draft file's text.
    pub fn from_json(text: &str) -> Result<Self, DraftFormatError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| DraftFormatError::Json(e.to_string()))?;
        let format = value.get("format").and_then(|f| f.as_str()).unwrap_or("");
        if format != DRAFT_FORMAT {
            return Err(DraftFormatError::WrongFormat(format.to_string()));
        }
        match value.get("format_version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(DRAFT_FORMAT_VERSION) => {}
            Some(v) => {
                return Err(DraftFormatError::UnsupportedVersion(
                    v.try_into().unwrap_or(u32::MAX),
                ))
            }
            None => return Err(DraftFormatError::Json("format_version is missing".into())),
        }
        let doc: DraftDocument =
            serde_json::from_value(value).map_err(|e| DraftFormatError::Json(e.to_string()))?;
        if doc.kind == DraftKind::Modification && doc.live.is_none() {
            return Err(DraftFormatError::ModificationWithoutLive);
        }
        Ok(doc)
    }

    pub fn to_json_pretty(&self) -> String {
        // Serializing plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// The JSON Schema of the draft format, as published in docs/.
pub fn draft_json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(DraftDocument)).unwrap_or_default()
}
