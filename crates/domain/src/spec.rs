//! Specifications, billing modes, product attributes and SKU generation.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::money::Money;

/// Attribute names owned by the platform; custom attributes may not use them.
pub const PRESET_ATTRIBUTE_NAMES: [&str; 4] = ["appName", "version", "os", "mode"];

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Specification {
    /// Stable id: the marketplace's id for released specifications, a local one for new ones.
    pub id: String,
    pub name: String,
    pub billing_modes: Vec<BillingMode>,
    pub pricing: PricingTemplate,
    /// The dimensions SKUs are generated from (custom pricing template only).
    pub attributes: Vec<Attribute>,
    pub skus: Vec<Sku>,
    /// Removed from the catalog (a released specification is never deleted, only removed).
    pub removed: bool,
    /// License: the released application asset this specification delivers.
    pub application_asset: String,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum BillingMode {
    /// Part of the console's "yearly/monthly" mode.
    Monthly,
    /// Part of the console's "yearly/monthly" mode.
    Yearly,
    /// Buyout.
    OneTime,
    PayPerUse,
    Trial,
}

impl BillingMode {
    pub fn is_periodic(self) -> bool {
        matches!(self, BillingMode::Monthly | BillingMode::Yearly)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PricingTemplate {
    /// One fixed price per billing mode.
    #[default]
    Simple,
    /// A price for each SKU generated from the attributes.
    Custom,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Attribute {
    /// Stable code, used as the key in SKU options.
    pub code: String,
    /// Shown to customers on the product page and in bills.
    pub name: String,
    #[serde(flatten)]
    pub kind: AttributeKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AttributeKind {
    /// e.g. "Edition" = Basic / Professional / Enterprise: one SKU per value.
    Enumeration { values: Vec<String> },
    /// e.g. "Users" from 1 to 500 in steps of 1: priced per unit, linearly or by tiers.
    Quantity {
        #[serde(default)]
        unit: String,
        min: u32,
        max: u32,
        step: u32,
        #[serde(default)]
        pricing: QuantityPricing,
        /// Tiered pricing: the upper bound of each tier but the last (which ends at `max`).
        #[serde(default)]
        tier_bounds: Vec<u32>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuantityPricing {
    #[default]
    Linear,
    Tiered,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Sku {
    pub billing_mode: BillingMode,
    /// Enumeration attribute code → chosen value.
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    /// The price of this SKU per billing period; with a linear quantity attribute, per unit.
    #[serde(default)]
    pub price: Money,
    /// With a tiered quantity attribute: the unit price in each tier, in tier order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tier_prices: Vec<Money>,
}

impl Sku {
    pub fn key(&self) -> (BillingMode, BTreeMap<String, String>) {
        (self.billing_mode, self.options.clone())
    }
}

impl Specification {
    /// The quantity attribute, if any (at most one is meaningful per specification).
    pub fn quantity(&self) -> Option<&AttributeKind> {
        self.active_attributes()
            .map(|a| &a.kind)
            .find(|k| matches!(k, AttributeKind::Quantity { .. }))
    }

    /// Attributes count only under the custom pricing template.
    fn active_attributes(&self) -> impl Iterator<Item = &Attribute> {
        let custom = self.pricing == PricingTemplate::Custom;
        self.attributes.iter().filter(move |_| custom)
    }

    /// How many unit prices each SKU carries: one per tier under tiered quantity pricing.
    pub fn tier_count(&self) -> usize {
        match self.quantity() {
            Some(AttributeKind::Quantity {
                pricing: QuantityPricing::Tiered,
                tier_bounds,
                ..
            }) => tier_bounds.len() + 1,
            _ => 0,
        }
    }

    /// Every combination of billing mode and enumeration value, in a stable order.
    pub fn sku_combinations(&self) -> Vec<(BillingMode, BTreeMap<String, String>)> {
        let mut modes = self.billing_modes.clone();
        modes.sort();
        modes.dedup();
        let mut combos: Vec<BTreeMap<String, String>> = vec![BTreeMap::new()];
        for attr in self.active_attributes() {
            if let AttributeKind::Enumeration { values } = &attr.kind {
                let mut values: Vec<&String> =
                    values.iter().filter(|v| !v.trim().is_empty()).collect();
                values.dedup();
                if values.is_empty() {
                    continue;
                }
                combos = combos
                    .into_iter()
                    .flat_map(|c| {
                        values.iter().map(move |v| {
                            let mut c = c.clone();
                            c.insert(attr.code.clone(), (*v).clone());
                            c
                        })
                    })
                    .collect();
            }
        }
        modes
            .into_iter()
            .flat_map(|m| combos.iter().map(move |c| (m, c.clone())))
            .collect()
    }

    /// Regenerates the SKU table from the dimensions, keeping the prices of SKUs that still exist
    /// and giving new ones a zero price (which the linter flags until the seller sets one).
    pub fn regenerate_skus(&mut self) {
        let tiers = self.tier_count();
        let mut old: BTreeMap<_, Sku> = self.skus.drain(..).map(|s| (s.key(), s)).collect();
        self.skus = self
            .sku_combinations()
            .into_iter()
            .map(|(billing_mode, options)| {
                let mut sku = old.remove(&(billing_mode, options.clone())).unwrap_or(Sku {
                    billing_mode,
                    options,
                    price: Money::ZERO,
                    tier_prices: Vec::new(),
                });
                sku.tier_prices.resize(tiers, Money::ZERO);
                sku
            })
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edition(values: &[&str]) -> Attribute {
        Attribute {
            code: "edition".into(),
            name: "Edition".into(),
            kind: AttributeKind::Enumeration {
                values: values.iter().map(|v| v.to_string()).collect(),
            },
        }
    }

    fn spec() -> Specification {
        Specification {
            id: "s1".into(),
            name: "Standard".into(),
            billing_modes: vec![BillingMode::Yearly, BillingMode::Monthly],
            pricing: PricingTemplate::Custom,
            attributes: vec![
                edition(&["Basic", "Pro", "Enterprise"]),
                Attribute {
                    code: "region".into(),
                    name: "Region".into(),
                    kind: AttributeKind::Enumeration {
                        values: vec!["EU".into(), "APAC".into()],
                    },
                },
            ],
            ..Specification::default()
        }
    }

    #[test]
    fn skus_are_the_product_of_billing_modes_and_enumeration_values() {
        let mut s = spec();
        s.regenerate_skus();
        assert_eq!(s.skus.len(), 2 * 3 * 2);
        let first = &s.skus[0];
        assert_eq!(first.billing_mode, BillingMode::Monthly);
        assert_eq!(first.options["edition"], "Basic");
        assert_eq!(first.options["region"], "EU");
        assert!(s.skus.iter().all(|k| k.price == Money::ZERO));
        let mut keys: Vec<_> = s.skus.iter().map(Sku::key).collect();
        keys.dedup();
        assert_eq!(keys.len(), 12, "every combination exactly once");
    }

    #[test]
    fn the_simple_template_ignores_attributes() {
        let mut s = spec();
        s.pricing = PricingTemplate::Simple;
        s.regenerate_skus();
        assert_eq!(s.skus.len(), 2);
        assert!(s.skus.iter().all(|k| k.options.is_empty()));
    }

    #[test]
    fn regenerating_keeps_prices_of_surviving_skus() {
        let mut s = spec();
        s.regenerate_skus();
        for (i, sku) in s.skus.iter_mut().enumerate() {
            sku.price = Money::from_cents(1000 + i as u64);
        }
        let pro_yearly_eu = |k: &&Sku| {
            k.billing_mode == BillingMode::Yearly
                && k.options["edition"] == "Pro"
                && k.options["region"] == "EU"
        };
        let before = s.skus.iter().find(pro_yearly_eu).unwrap().price;
        s.attributes[0] = edition(&["Pro", "Ultimate"]);
        s.regenerate_skus();
        assert_eq!(s.skus.len(), 2 * 2 * 2);
        let kept = s.skus.iter().find(pro_yearly_eu).unwrap();
        assert_eq!(kept.price, before);
        assert!(s
            .skus
            .iter()
            .filter(|k| k.options["edition"] == "Ultimate")
            .all(|k| k.price == Money::ZERO));
    }

    #[test]
    fn tiered_quantity_gives_each_sku_one_price_per_tier() {
        let mut s = spec();
        s.attributes.push(Attribute {
            code: "users".into(),
            name: "Users".into(),
            kind: AttributeKind::Quantity {
                unit: "user".into(),
                min: 1,
                max: 500,
                step: 1,
                pricing: QuantityPricing::Tiered,
                tier_bounds: vec![50, 200],
            },
        });
        s.regenerate_skus();
        assert_eq!(s.skus.len(), 12, "a quantity attribute adds no SKUs");
        assert!(s.skus.iter().all(|k| k.tier_prices.len() == 3));
    }
}
