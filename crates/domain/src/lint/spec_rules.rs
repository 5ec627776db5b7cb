//! Rules on specifications, billing modes, attributes and SKU prices.

use std::collections::BTreeSet;

use super::ids::*;
use super::text::blank;
use super::{Report, Ruleset};
use crate::product::{DeliveryMethod, Product};
use crate::spec::{
    AttributeKind, BillingMode, PricingTemplate, QuantityPricing, Specification,
    PRESET_ATTRIBUTE_NAMES,
};

/// Billing modes each delivery method may sell with (spec section 1.1 and 2.1).
pub fn allowed_billing_modes(method: DeliveryMethod) -> &'static [BillingMode] {
    use BillingMode::*;
    match method {
        DeliveryMethod::ProfessionalService | DeliveryMethod::License => {
            &[Monthly, Yearly, OneTime]
        }
        DeliveryMethod::Saas => &[Monthly, Yearly, OneTime, PayPerUse, Trial],
        DeliveryMethod::Image => &[Monthly, Yearly, PayPerUse],
        DeliveryMethod::Hardware => &[OneTime],
        DeliveryMethod::ConsultingService => &[],
    }
}

pub(super) fn check(p: &Product, rules: &Ruleset, r: &mut Report) {
    let method = p.method();
    if !method.is_traded() {
        return;
    }
    let lim = rules.specifications;
    if !p.specifications.iter().any(|s| !s.removed) {
        r.add(
            SPECS_REQUIRED,
            "product.specifications",
            "Add at least one specification with a billing mode and a price.",
            "请至少添加一个包含计费模式和价格的规格。",
        );
    }
    if p.specifications.len() > lim.max_per_product {
        r.add(
            SPECS_COUNT,
            "product.specifications",
            format!(
                "Keep at most {} specifications per product.",
                lim.max_per_product
            ),
            format!("每个商品最多 {} 个规格。", lim.max_per_product),
        );
    }
    let mut names = BTreeSet::new();
    for (i, s) in p.specifications.iter().enumerate() {
        let path = format!("product.specifications[{i}]");
        if blank(&s.name) {
            r.add(
                SPEC_NAME,
                format!("{path}.name"),
                "Name the specification.",
                "请填写规格名称。",
            );
        } else if !names.insert(s.name.trim().to_lowercase()) {
            r.add(
                SPEC_NAME_DUPLICATE,
                format!("{path}.name"),
                format!(
                    "Another specification is already called \"{}\".",
                    s.name.trim()
                ),
                format!("已有名为“{}”的规格。", s.name.trim()),
            );
        }
        billing(method, s, &path, r);
        attributes(s, rules, &path, r);
        skus(s, rules, &path, r);
    }
}

fn billing(method: DeliveryMethod, s: &Specification, path: &str, r: &mut Report) {
    let p = format!("{path}.billing_modes");
    if s.billing_modes.is_empty() {
        r.add(
            SPEC_BILLING_REQUIRED,
            p,
            "Choose at least one billing mode.",
            "请至少选择一种计费模式。",
        );
        return;
    }
    let allowed = allowed_billing_modes(method);
    for m in &s.billing_modes {
        if !allowed.contains(m) {
            r.add(
                SPEC_BILLING_NOT_ALLOWED,
                p.clone(),
                format!(
                    "{} products cannot be sold with the {:?} billing mode.",
                    method.tag(),
                    m
                ),
                format!("{} 类商品不能使用 {:?} 计费模式。", method.tag(), m),
            );
        }
    }
    // The release page: a custom (per-SKU) pricing template prices yearly/monthly and one-time
    // specifications only.
    if s.pricing == PricingTemplate::Custom {
        let off: Vec<String> = s
            .billing_modes
            .iter()
            .filter(|m| {
                !matches!(
                    m,
                    BillingMode::Monthly | BillingMode::Yearly | BillingMode::OneTime
                )
            })
            .map(|m| format!("{m:?}"))
            .collect();
        if !off.is_empty() {
            r.add(
                SPEC_CUSTOM_PRICING_BILLING,
                format!("{path}.pricing"),
                format!(
                    "Custom (per-SKU) pricing is for yearly/monthly and one-time billing only, not {}: use simple pricing or split the specification.",
                    off.join(", ")
                ),
                format!(
                    "自定义（按 SKU）定价仅适用于包年/包月和一次性计费，不适用于 {}：请改用简单定价或拆分规格。",
                    off.join("、")
                ),
            );
        }
    }
    if method == DeliveryMethod::License {
        let periodic = s.billing_modes.iter().any(|m| m.is_periodic());
        let one_time = s.billing_modes.contains(&BillingMode::OneTime);
        if periodic && one_time {
            r.add(
                SPEC_LICENSE_BILLING_MIX,
                p,
                "A license specification is either yearly/monthly or one-time, not both: split it in two.",
                "License 规格只能是包年/包月或一次性计费之一，不能同时使用：请拆分为两个规格。",
            );
        }
    }
}

fn attributes(s: &Specification, rules: &Ruleset, path: &str, r: &mut Report) {
    let lim = rules.specifications;
    if s.pricing == PricingTemplate::Simple {
        if !s.attributes.is_empty() {
            r.add(
                SPEC_ATTRIBUTES_UNUSED,
                format!("{path}.attributes"),
                "Attributes only count under the custom pricing template; they are ignored here.",
                "只有自定义定价模板才使用属性；此处的属性会被忽略。",
            );
        }
        return;
    }
    if s.attributes.len() > lim.max_attributes_per_spec {
        r.add(
            SPEC_LIMITS,
            format!("{path}.attributes"),
            format!(
                "Use at most {} attributes per specification.",
                lim.max_attributes_per_spec
            ),
            format!("每个规格最多 {} 个属性。", lim.max_attributes_per_spec),
        );
    }
    let mut codes = BTreeSet::new();
    let mut quantities = 0;
    for (j, a) in s.attributes.iter().enumerate() {
        let ap = format!("{path}.attributes[{j}]");
        if PRESET_ATTRIBUTE_NAMES
            .iter()
            .any(|n| n.eq_ignore_ascii_case(a.name.trim()) || n.eq_ignore_ascii_case(a.code.trim()))
        {
            r.add(
                SPEC_ATTRIBUTE_PRESET,
                format!("{ap}.name"),
                format!("\"{}\" is a preset attribute name (appName, version, os, mode); choose another.", a.name),
                format!("“{}”是预置属性名（appName、version、os、mode），请换一个名称。", a.name),
            );
        }
        if blank(&a.code) || blank(&a.name) {
            r.add(
                SPEC_ATTRIBUTE_INCOMPLETE,
                ap.clone(),
                "Give the attribute a code and a name.",
                "属性需要编码和名称。",
            );
        } else if !codes.insert(a.code.trim().to_string()) {
            r.add(
                SPEC_ATTRIBUTE_DUPLICATE,
                format!("{ap}.code"),
                format!("The attribute code \"{}\" is used twice.", a.code),
                format!("属性编码“{}”重复。", a.code),
            );
        }
        match &a.kind {
            AttributeKind::Enumeration { values } => {
                let cleaned: Vec<String> = values.iter().map(|v| v.trim().to_string()).collect();
                let unique: BTreeSet<&String> = cleaned.iter().collect();
                if cleaned.is_empty()
                    || cleaned.iter().any(String::is_empty)
                    || unique.len() != cleaned.len()
                {
                    r.add(
                        SPEC_ENUM_VALUES,
                        format!("{ap}.values"),
                        "List at least one value, each filled in and each different.",
                        "请至少列出一个值，且每个值都不能为空、不能重复。",
                    );
                }
                if cleaned.len() > lim.max_enum_values {
                    r.add(
                        SPEC_LIMITS,
                        format!("{ap}.values"),
                        format!("Use at most {} values per attribute.", lim.max_enum_values),
                        format!("每个属性最多 {} 个值。", lim.max_enum_values),
                    );
                }
            }
            AttributeKind::Quantity {
                min,
                max,
                step,
                pricing,
                tier_bounds,
                ..
            } => {
                quantities += 1;
                let consistent = *step > 0 && min <= max && *min >= 1 && (max - min) % step == 0;
                if !consistent {
                    r.add(
                        SPEC_QUANTITY_RANGE,
                        ap.clone(),
                        format!("The range {min}–{max} in steps of {step} does not work: start at 1 or more, end at or after the start, and step so the end is reached exactly."),
                        format!("范围 {min}–{max}（步长 {step}）无效：起始值至少为 1，结束值不小于起始值，且按步长能正好到达结束值。"),
                    );
                }
                if *pricing == QuantityPricing::Tiered {
                    let increasing = tier_bounds.windows(2).all(|w| w[0] < w[1]);
                    let inside = tier_bounds.iter().all(|b| b >= min && b < max);
                    let on_step = *step > 0
                        && tier_bounds
                            .iter()
                            .all(|b| b.saturating_sub(*min) % step == 0);
                    if tier_bounds.is_empty() || !increasing || !inside || !on_step {
                        r.add(
                            SPEC_QUANTITY_TIERS,
                            format!("{ap}.tier_bounds"),
                            format!("Tier bounds must rise, lie between {min} and {max}, and fall on a step."),
                            format!("阶梯边界必须递增、位于 {min} 与 {max} 之间，并落在步长上。"),
                        );
                    }
                    if tier_bounds.len() + 1 > lim.max_tiers {
                        r.add(
                            SPEC_LIMITS,
                            format!("{ap}.tier_bounds"),
                            format!("Use at most {} tiers.", lim.max_tiers),
                            format!("最多 {} 个阶梯。", lim.max_tiers),
                        );
                    }
                }
            }
        }
    }
    if quantities > 1 {
        r.add(
            SPEC_QUANTITY_COUNT,
            format!("{path}.attributes"),
            "A specification can be priced by one quantity attribute only.",
            "一个规格只能按一个数量型属性定价。",
        );
    }
}

fn skus(s: &Specification, rules: &Ruleset, path: &str, r: &mut Report) {
    if s.removed {
        return;
    }
    let expected: BTreeSet<_> = s.sku_combinations().into_iter().collect();
    let actual: Vec<_> = s.skus.iter().map(|k| k.key()).collect();
    let actual_set: BTreeSet<_> = actual.iter().cloned().collect();
    let tiers = s.tier_count();
    if expected != actual_set
        || actual.len() != actual_set.len()
        || s.skus.iter().any(|k| k.tier_prices.len() != tiers)
    {
        r.add(
            SKU_TABLE_STALE,
            format!("{path}.skus"),
            "The SKU table no longer matches the billing modes and attributes: regenerate it.",
            "SKU 表与计费模式和属性不一致：请重新生成。",
        );
    }
    if expected.len() > rules.specifications.max_skus_per_spec {
        r.add(
            SPEC_LIMITS,
            format!("{path}.skus"),
            format!(
                "{} SKUs is more than the {} a specification may have.",
                expected.len(),
                rules.specifications.max_skus_per_spec
            ),
            format!(
                "{} 个 SKU 超过了每个规格 {} 个的上限。",
                expected.len(),
                rules.specifications.max_skus_per_spec
            ),
        );
    }
    for (k, sku) in s.skus.iter().enumerate() {
        let priced = if tiers > 0 {
            sku.tier_prices.iter().all(|p| p.is_positive())
        } else {
            sku.price.is_positive() || sku.billing_mode == BillingMode::Trial
        };
        if !priced {
            r.add(
                SKU_PRICE,
                format!("{path}.skus[{k}].price"),
                "Every SKU needs a price above zero.",
                "每个 SKU 的价格都必须大于零。",
            );
        }
    }
}
