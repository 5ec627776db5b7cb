//! Rules for modifying a live product (spec section 4.1).

use std::collections::{BTreeMap, BTreeSet};

use super::ids::*;
use super::Report;
use crate::product::{Delivery, Product};
use crate::spec::{BillingMode, Specification};

pub(super) fn check(live: &Product, draft: &Product, r: &mut Report) {
    let live_specs: BTreeMap<&str, &Specification> = live
        .specifications
        .iter()
        .map(|s| (s.id.as_str(), s))
        .collect();
    let draft_ids: BTreeSet<&str> = draft.specifications.iter().map(|s| s.id.as_str()).collect();

    for (id, s) in &live_specs {
        if !draft_ids.contains(id) {
            r.add(
                MOD_SPEC_DELETED,
                "product.specifications",
                format!("The released specification \"{}\" cannot be deleted; remove it from the catalog instead.", s.name),
                format!("已发布的规格“{}”不能删除，只能下架。", s.name),
            );
        }
    }

    let added: Vec<(usize, &Specification)> = draft
        .specifications
        .iter()
        .enumerate()
        .filter(|(_, s)| !live_specs.contains_key(s.id.as_str()))
        .collect();
    let newly_removed = draft
        .specifications
        .iter()
        .filter(|s| s.removed && live_specs.get(s.id.as_str()).is_some_and(|l| !l.removed))
        .count();
    if !added.is_empty() && newly_removed > 0 {
        r.add(
            MOD_ADD_THEN_REMOVE,
            "product.specifications",
            "Add the new specifications first; remove the old ones in a later modification, after this one is approved.",
            "请先添加新规格；待本次变更通过后，再在下一次变更中下架旧规格。",
        );
    }

    let all_live_removed = !live_specs.is_empty() && live_specs.values().all(|s| s.removed);
    if all_live_removed {
        let changed = !added.is_empty()
            || draft
                .specifications
                .iter()
                .any(|s| live_specs.get(s.id.as_str()).is_some_and(|l| *l != s));
        if changed {
            r.add(
                MOD_ALL_REMOVED,
                "product.specifications",
                "Every specification of this product has been removed from the catalog: no specification can be added or changed.",
                "该商品的所有规格均已下架：不能再添加或修改规格。",
            );
        }
    }

    if let (
        Delivery::Saas {
            involves_service_supervision: was,
            ..
        },
        Delivery::Saas {
            involves_service_supervision: now,
            ..
        },
    ) = (&live.basic.delivery, &draft.basic.delivery)
    {
        if was != now {
            r.add(
                MOD_SUPERVISION_FIXED,
                "product.basic.delivery.involves_service_supervision",
                "\"Involves service supervision\" is fixed once the SaaS product is released.",
                "SaaS 商品发布后，“是否涉及服务监管”不能再修改。",
            );
        }
    }

    for (i, s) in draft.specifications.iter().enumerate() {
        if let Some(l) = live_specs.get(s.id.as_str()) {
            if !l.removed {
                released_spec(i, l, s, r);
            }
        }
    }
}

fn released_spec(i: usize, live: &Specification, draft: &Specification, r: &mut Report) {
    let path = format!("product.specifications[{i}]");
    let was: BTreeSet<BillingMode> = live.billing_modes.iter().copied().collect();
    let now: BTreeSet<BillingMode> = draft.billing_modes.iter().copied().collect();

    if was.contains(&BillingMode::Trial) != now.contains(&BillingMode::Trial) {
        r.add(
            MOD_TRIAL_FIXED,
            format!("{path}.billing_modes"),
            "The trial status of a released specification cannot be changed.",
            "已发布规格的试用状态不能修改。",
        );
    }
    let was_paid: BTreeSet<_> = was
        .iter()
        .filter(|m| **m != BillingMode::Trial)
        .copied()
        .collect();
    let now_paid: BTreeSet<_> = now
        .iter()
        .filter(|m| **m != BillingMode::Trial)
        .copied()
        .collect();
    let removed_modes = was_paid.difference(&now_paid).count();
    let added_modes: BTreeSet<_> = now_paid.difference(&was_paid).copied().collect();
    let allowed_addition = added_modes.is_empty()
        || (was_paid == BTreeSet::from([BillingMode::Yearly])
            && added_modes == BTreeSet::from([BillingMode::Monthly]))
        || (was_paid == BTreeSet::from([BillingMode::Monthly])
            && added_modes == BTreeSet::from([BillingMode::Yearly]));
    if removed_modes > 0 || !allowed_addition {
        r.add(
            MOD_BILLING_CHANGE,
            format!("{path}.billing_modes"),
            "A released specification only accepts a monthly mode added to a yearly one, or a yearly mode added to a monthly one.",
            "已发布的规格只能在包年基础上增加包月，或在包月基础上增加包年。",
        );
    }
    if draft.pricing != live.pricing
        || draft.attributes != live.attributes
        || draft.application_asset != live.application_asset
    {
        r.add(
            MOD_RELEASED_STRUCTURE,
            path.clone(),
            "Only the name and the prices of a released specification can change; add a new specification for other changes.",
            "已发布规格只能修改名称和价格；其他改动请新增规格。",
        );
    }
    let price_of = |s: &Specification| -> BTreeMap<_, _> {
        s.skus
            .iter()
            .map(|k| (k.key(), (k.price, k.tier_prices.clone())))
            .collect()
    };
    let (lp, dp) = (price_of(live), price_of(draft));
    let price_changed = lp.iter().any(|(k, v)| dp.get(k).is_some_and(|d| d != v));
    if draft.name.trim() != live.name.trim() || price_changed {
        r.add(
            MOD_RELEASED_NAME_PRICE,
            path,
            "This changes the name or prices of a released specification: existing customers see it on renewal; check it is intended.",
            "此处修改了已发布规格的名称或价格：现有客户续费时会看到变化，请确认是有意为之。",
        );
    }
}
