//! Rules on Services & support information (spec section 6 and 10.2).

use super::ids::*;
use super::text::{self, blank};
use super::{Report, Ruleset};
use crate::support::{SupportInfo, MAX_AFTER_SALES_GROUPS};

pub(super) fn check(s: &SupportInfo, rules: &Ruleset, r: &mut Report) {
    let bc = &s.business_contact;
    if blank(&bc.name) || blank(&bc.phone) || blank(&bc.email) {
        r.add(
            SUPPORT_CONTACT_INCOMPLETE,
            "business_contact",
            "KooGallery's operations team needs a business contact: name, phone and e-mail.",
            "云商店运营团队需要业务联系人：姓名、电话和邮箱。",
        );
    }
    if blank(&s.pre_sales.phone) || blank(&s.pre_sales.email) {
        r.add(
            SUPPORT_CONTACT_INCOMPLETE,
            "pre_sales",
            "Buyers see the pre-sales phone and e-mail on every product page: fill in both.",
            "买家会在每个商品页看到售前电话和邮箱：请都填写。",
        );
    }
    for (path, email) in [
        ("business_contact.email", &bc.email),
        ("pre_sales.email", &s.pre_sales.email),
    ] {
        if !blank(email) && !crate::patterns::is_email(email) {
            r.add(
                SUPPORT_EMAIL,
                path,
                format!("\"{email}\" is not an e-mail address."),
                format!("“{email}”不是有效的邮箱地址。"),
            );
        }
    }
    if s.after_sales_groups.len() > MAX_AFTER_SALES_GROUPS {
        r.add(
            SUPPORT_GROUP_COUNT,
            "after_sales_groups",
            format!("KooGallery allows at most {MAX_AFTER_SALES_GROUPS} after-sales groups."),
            format!("云商店最多允许 {MAX_AFTER_SALES_GROUPS} 个售后客服组。"),
        );
    }
    for (i, g) in s.after_sales_groups.iter().enumerate() {
        let path = format!("after_sales_groups[{i}]");
        if blank(&g.name)
            || blank(&g.phone)
            || blank(&g.email)
            || blank(&g.service_days)
            || blank(&g.service_hours)
        {
            r.add(
                SUPPORT_GROUP_INCOMPLETE,
                path.clone(),
                "Fill in the group's name, phone, e-mail, service days and service hours.",
                "请填写客服组的名称、电话、邮箱、服务日和服务时间。",
            );
        }
        if !blank(&g.email) && !crate::patterns::is_email(&g.email) {
            r.add(
                SUPPORT_EMAIL,
                format!("{path}.email"),
                format!("\"{}\" is not an e-mail address.", g.email),
                format!("“{}”不是有效的邮箱地址。", g.email),
            );
        }
        if !blank(&g.service_hours) {
            let min = rules.support.min_service_hours_per_day;
            let long_enough =
                text::service_hours_per_day(&g.service_hours).is_some_and(|h| h >= f64::from(min));
            if !long_enough || !text::TIME_ZONE.is_match(&g.service_hours) {
                r.add(
                    SUPPORT_SERVICE_HOURS,
                    format!("{path}.service_hours"),
                    format!("Write service hours like 08:00-17:00 (GMT+01:00): at least {min} hours a day, with the time zone."),
                    format!("服务时间请写成 08:00-17:00 (GMT+08:00) 的形式：每天至少 {min} 小时，并注明时区。"),
                );
            }
        }
    }
}
