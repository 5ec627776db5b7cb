//! Rules for modifying a live product (spec section 4.1): an offline product cannot be modified;
//! released specifications are removed, never deleted, and stay removed; the delivery method may
//! change, but whether the product is bought under service supervision stays as released.

use std::collections::{BTreeMap, BTreeSet};

use super::ids::*;
use super::Report;
use crate::product::{Delivery, ListingStatus, Product};
use crate::spec::{BillingMode, Specification};
use crate::supervision::supervised_method;

pub(super) fn check(
    live: &Product,
    status: Option<ListingStatus>,
    draft: &Product,
    r: &mut Report,
) {
    if status == Some(ListingStatus::Offline) {
        r.add(
            MOD_PRODUCT_OFFLINE,
            "product",
            "This product has been removed from sale (offline): it can no longer be modified. Release a new product instead.",
            "该商品已下架：不能再变更。请发布新商品。",
        );
    }
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

    for (i, s) in draft.specifications.iter().enumerate() {
        if !s.removed && live_specs.get(s.id.as_str()).is_some_and(|l| l.removed) {
            r.add(
                MOD_SPEC_RESTORED,
                format!("product.specifications[{i}].removed"),
                format!("The specification \"{}\" was removed from the catalog and cannot be put back on sale; add a new specification instead.", s.name),
                format!("规格“{}”已下架，不能重新上架；请新增规格。", s.name),
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

    // The SaaS "involves service supervision" choice is fixed at release: with a SaaS product on
    // either side, a modification may change the delivery method but not whether customers buy
    // under supervision (flag flipped either way, or a method change that flips it).
    let saas = |p: &Product| matches!(p.basic.delivery, Delivery::Saas { .. });
    if (saas(live) || saas(draft))
        && supervised_method(live).is_some() != supervised_method(draft).is_some()
    {
        let path = if saas(draft) {
            "product.basic.delivery.involves_service_supervision"
        } else {
            "product.basic.delivery"
        };
        r.add(
            MOD_SUPERVISION_FIXED,
            path,
            if supervised_method(live).is_some() {
                "This product was released under service supervision; a modification cannot take it out (\"Involves service supervision\" is fixed once a SaaS product is released)."
            } else {
                "This product was released without service supervision; a modification cannot bring it under supervision (\"Involves service supervision\" is fixed once a SaaS product is released)."
            },
            "SaaS 商品发布后，“是否涉及服务监管”不能再修改：变更不能改变商品是否受服务监管。",
        );
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
