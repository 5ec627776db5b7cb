//! Services & support information: the seller's business contact, pre-sales contact and up to six
//! after-sales customer-service groups (one of which each product picks).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// KooGallery allows at most this many after-sales groups.
pub const MAX_AFTER_SALES_GROUPS: usize = 6;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct SupportInfo {
    /// How KooGallery's operations team reaches the seller.
    pub business_contact: Contact,
    pub pre_sales: PreSales,
    pub after_sales_groups: Vec<AfterSalesGroup>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct PreSales {
    pub phone: String,
    pub email: String,
    /// Kept by KooGallery but never shown to buyers.
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct AfterSalesGroup {
    pub id: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    /// e.g. `Monday to Friday`.
    pub service_days: String,
    /// e.g. `08:00-17:00 (GMT+01:00)`: at least the ruleset's hours a day, with the time zone.
    pub service_hours: String,
}

impl SupportInfo {
    pub fn group(&self, id: &str) -> Option<&AfterSalesGroup> {
        self.after_sales_groups.iter().find(|g| g.id == id)
    }
}
