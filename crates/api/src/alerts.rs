//! Alerts: the domain's planner over what the sync engine pulled (events, applications, service
//! orders) and the seller's queue, recorded once per key in the store, in the seller's language.
//! The app shows the new ones through the operating system; the Notifications page and
//! `koodesk alerts` list them.

use koodesk_domain::alerts::{
    self, AlertKind, AlertRules, EventFact, OrderFact, QueueFacts, Target,
};
use koodesk_market::contract::{Application, Event, EventType};
use koodesk_market::sign::parse_sdk_date;
use koodesk_store::{AlertRow, NewAlert};
use serde::Serialize;

use crate::{ApiError, Context};

/// Marks that an account's history was taken in (its first scan records past events as read).
const BASELINE_KEY: &str = "alerts.baseline";

/// One alert as the window and the CLI show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct AlertView {
    pub key: String,
    pub kind: AlertKind,
    pub target: Target,
    pub title: String,
    pub body: String,
    pub urgent: bool,
    /// When it happened or came due: ISO 8601, UTC, on the marketplace's clock.
    pub happened_at: String,
    /// When it was raised here: ISO 8601, UTC (this computer's clock).
    pub raised_at: String,
    pub read: bool,
    /// Shown by the operating system (false: held by quiet hours or snoozed, or not yet).
    pub delivered: bool,
    pub snoozed_until: Option<String>,
}

fn sdk_secs(t: &str) -> Option<i64> {
    parse_sdk_date(t).map(|t| t.unix_timestamp())
}

fn iso_ms(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// `2026-12-01T09:30:00.123Z` (the store's timestamps) as Unix seconds.
fn iso_secs(t: &str) -> Option<i64> {
    time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

fn event_kind(t: EventType) -> AlertKind {
    match t {
        EventType::ReviewApproved => AlertKind::ReviewApproved,
        EventType::ReviewRejected => AlertKind::ReviewRejected,
        EventType::OrderCreated => AlertKind::NewOrder,
        EventType::RequestSubmitted => AlertKind::RequestSubmitted,
        EventType::DeliveryAccepted => AlertKind::DeliveryAccepted,
        EventType::DeliveryRejected => AlertKind::DeliveryRejected,
        EventType::Reminder => AlertKind::CustomerReminder,
        EventType::AppealOpened => AlertKind::AppealOpened,
        EventType::AppealResolved => AlertKind::AppealDecided,
        EventType::OrderCompleted => AlertKind::OrderCompleted,
        EventType::SupportChangeReviewed => AlertKind::SupportReviewed,
    }
}

/// What the planner looks at, gathered from the store.
struct Facts {
    events: Vec<EventFact>,
    orders: Vec<OrderFact>,
    queue: QueueFacts,
}

fn facts(ctx: &Context, account: &str, now: i64, offset_secs: i64) -> Result<Facts, ApiError> {
    let store = ctx.store()?;
    let applications: Vec<Application> = store
        .remote_applications(account)?
        .into_iter()
        .filter_map(|r| serde_json::from_str(&r.json).ok())
        .collect();
    let product_names: std::collections::HashMap<String, String> = applications
        .iter()
        .map(|a| (a.application_id.clone(), a.product_name.clone()))
        .collect();
    let events = store
        .remote_events(account)?
        .into_iter()
        .filter_map(|(_, json)| serde_json::from_str::<Event>(&json).ok())
        .filter_map(|e| {
            let at = sdk_secs(&e.occurred_at)?;
            let kind = event_kind(e.r#type);
            // A rejection is told with the reviewer's words.
            let summary = match (kind, &e.application_id) {
                (AlertKind::ReviewRejected, Some(id)) => applications
                    .iter()
                    .find(|a| &a.application_id == id)
                    .and_then(|a| a.review_comments.first())
                    .map(|c| c.message.clone())
                    .unwrap_or(e.summary.clone()),
                _ => e.summary.clone(),
            };
            // A product's name says more than an application id.
            let summary = match e
                .application_id
                .as_ref()
                .and_then(|id| product_names.get(id))
            {
                Some(name) if !summary.contains(name.as_str()) => format!("{name}: {summary}"),
                _ => summary,
            };
            Some(EventFact {
                id: e.event_id,
                kind,
                at,
                application_id: e.application_id,
                order_id: e.order_id,
                summary,
            })
        })
        .collect();
    // Only the orders that may be due a stall alert, read from columns (no JSON).
    let r = rules(ctx);
    const DAY: i64 = 86_400;
    let query = koodesk_store::StallQuery {
        seller_quiet_since: now - (r.flow.stall_days - r.warn_days_before) * DAY,
        customer_quiet_since: now - r.flow.stall_days * DAY,
        rejection_limit: r.flow.rejection_limit,
        delivery_percent: r.delivery_warn_percent,
        now,
    };
    let orders = store
        .stall_candidates(account, &query)?
        .into_iter()
        .filter_map(|o| {
            let state = serde_json::from_value(serde_json::Value::String(o.flow_state)).ok()?;
            let f = o.facts;
            Some(OrderFact {
                order_id: o.order_id,
                product_name: f.product_name,
                state,
                appeal_open: f.appeal_open,
                flow_updated_at: f.flow_updated_at,
                seller_rejections: f.seller_rejections,
                customer_rejections: f.customer_rejections,
                request_accepted_at: f.request_accepted_at,
                avg_delivery_days: f.avg_delivery_days,
            })
        })
        .collect();
    let mut queue = QueueFacts::default();
    for r in store.outbox_attention(account)? {
        let what = r
            .entity
            .split_once(':')
            .map(|(_, id)| id.to_owned())
            .unwrap_or(r.entity.clone());
        let what = format!("{} {what}", r.op.replace('_', " "));
        if r.state == "rejected" {
            let at = iso_secs(&r.updated_at).unwrap_or(0) + offset_secs;
            queue
                .refused
                .push((r.client_token, what, r.last_error.unwrap_or_default(), at));
        } else {
            let since = iso_secs(&r.created_at).unwrap_or(0) + offset_secs;
            queue.waiting.push((r.client_token, what, since));
        }
    }
    if let Some(why) = store.sync_state(account, koodesk_sync::engine::keys::PAUSED)? {
        // Once a day while the keys stay refused.
        let now = koodesk_sync::engine::now_ms() / 1000 + offset_secs;
        queue.keys_refused = Some((now - now.rem_euclid(86_400), why));
    }
    Ok(Facts {
        events,
        orders,
        queue,
    })
}

/// The alert rules in force: the ruleset's flow thresholds, the seller's lead times.
pub fn rules(ctx: &Context) -> AlertRules {
    AlertRules::new(ctx.rules().service_flow)
}

/// Every alert due at marketplace time now, raised before or not (the planner's full scan).
pub fn plan_now(ctx: &Context) -> Result<Vec<alerts::Alert>, ApiError> {
    let account = ctx.account();
    let now = crate::orders::marketplace_now(ctx)?;
    let offset = now - koodesk_sync::engine::now_ms() / 1000;
    let f = facts(ctx, &account, now, offset)?;
    Ok(alerts::plan(
        &f.events,
        &f.orders,
        &f.queue,
        now,
        &rules(ctx),
    ))
}

/// Plans the account's alerts at marketplace time now and records those not raised before; the
/// new ones are returned (what the operating system should show). With `dry_run`, nothing is
/// recorded and everything due and not raised before is returned. An account's first scan
/// records past marketplace events as read (history), so nobody is told last month's news.
pub fn scan(ctx: &Context, dry_run: bool) -> Result<Vec<AlertView>, ApiError> {
    let account = ctx.account();
    let planned = plan_now(ctx)?;
    let first = ctx.store()?.sync_state(&account, BASELINE_KEY)?.is_none();
    let new: Vec<NewAlert> = planned
        .into_iter()
        .map(|a| NewAlert {
            history: first && a.key.starts_with("event:"),
            key: a.key,
            kind: a.kind.name().into(),
            target: serde_json::to_string(&a.target).unwrap_or_default(),
            subject: a.subject,
            detail: a.detail,
            due_at: a.due_at,
        })
        .collect();
    let lang = lang(ctx);
    let now_ms = koodesk_sync::engine::now_ms();
    if dry_run {
        let store = ctx.store()?;
        let mut out = Vec::new();
        for a in new {
            if store.alert(&account, &a.key)?.is_none() && !a.history {
                out.push(view(
                    &AlertRow {
                        key: a.key,
                        kind: a.kind,
                        target: a.target,
                        subject: a.subject,
                        detail: a.detail,
                        due_at: a.due_at,
                        raised_at: now_ms,
                        delivered_at: None,
                        read_at: None,
                        snoozed_until: None,
                    },
                    &lang,
                    &rules(ctx),
                ));
            }
        }
        return Ok(out);
    }
    let mut store = ctx.store()?;
    let fresh = store.raise_alerts(&account, &new, now_ms)?;
    if first {
        store.set_sync_state(&account, BASELINE_KEY, Some(&now_ms.to_string()))?;
    }
    if !fresh.is_empty() {
        tracing::info!(account = %account, new = fresh.len(), "alerts raised");
    }
    let r = rules(ctx);
    Ok(fresh.iter().map(|a| view(a, &lang, &r)).collect())
}

/// The account's alerts, unread first.
pub fn list(ctx: &Context, unread_only: bool) -> Result<Vec<AlertView>, ApiError> {
    let (lang, r) = (lang(ctx), rules(ctx));
    Ok(ctx
        .store()?
        .alerts(&ctx.account(), unread_only)?
        .iter()
        .map(|a| view(a, &lang, &r))
        .collect())
}

pub fn unread(ctx: &Context) -> Result<u32, ApiError> {
    Ok(ctx.store()?.unread_alerts(&ctx.account())?)
}

/// Marks one alert read, or all.
pub fn mark_read(ctx: &Context, key: Option<&str>) -> Result<u32, ApiError> {
    let n = ctx
        .store()?
        .mark_alerts_read(&ctx.account(), key, koodesk_sync::engine::now_ms())?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Holds an alert back for `secs` seconds; it is shown again then, unless read.
pub fn snooze(ctx: &Context, key: &str, secs: u32) -> Result<(), ApiError> {
    let until = koodesk_sync::engine::now_ms() + i64::from(secs) * 1000;
    if !ctx.store()?.snooze_alert(&ctx.account(), key, until)? {
        return Err(ApiError::new(
            crate::ErrorCode::NotFound,
            format!("There is no alert {key}."),
        ));
    }
    Ok(())
}

/// Alerts waiting to be shown by the operating system (new, or a snooze ended).
pub fn to_deliver(ctx: &Context) -> Result<Vec<AlertView>, ApiError> {
    let (lang, r) = (lang(ctx), rules(ctx));
    Ok(ctx
        .store()?
        .alerts_to_deliver(&ctx.account(), koodesk_sync::engine::now_ms())?
        .iter()
        .map(|a| view(a, &lang, &r))
        .collect())
}

pub fn mark_delivered(ctx: &Context, key: &str) -> Result<(), ApiError> {
    ctx.store()?
        .mark_alert_delivered(&ctx.account(), key, koodesk_sync::engine::now_ms())?;
    Ok(())
}

fn lang(ctx: &Context) -> String {
    match crate::settings::get_settings(ctx).map(|s| s.effective_language) {
        Ok(crate::dto::Language::ZhCn) => "zh-CN".into(),
        _ => "en".into(),
    }
}

fn view(r: &AlertRow, lang: &str, rules: &AlertRules) -> AlertView {
    let kind = AlertKind::parse(&r.kind).unwrap_or(AlertKind::QueueStuck);
    let target = serde_json::from_str(&r.target).unwrap_or(Target::Queue);
    let (title, body) = text(kind, &target, &r.subject, r.detail.as_deref(), lang, rules);
    AlertView {
        key: r.key.clone(),
        kind,
        target,
        title,
        body,
        urgent: kind.urgent(),
        happened_at: iso_ms(r.due_at.saturating_mul(1000)),
        raised_at: iso_ms(r.raised_at),
        read: r.read_at.is_some(),
        delivered: r.delivered_at.is_some(),
        snoozed_until: r.snoozed_until.map(iso_ms),
    }
}

/// The alert's title and body in `lang` (`en` or `zh-CN`).
pub fn text(
    kind: AlertKind,
    target: &Target,
    subject: &str,
    detail: Option<&str>,
    lang: &str,
    rules: &AlertRules,
) -> (String, String) {
    let stall = rules.flow.stall_days;
    let warn = stall - rules.warn_days_before;
    let id = match target {
        Target::Order(id) | Target::Application(id) => id.as_str(),
        _ => "",
    };
    let d = detail.unwrap_or("");
    let zh = lang == "zh-CN";
    let (t, b): (&str, String) = match (kind, zh) {
        (AlertKind::ReviewApproved, false) => ("Review approved", d.to_string()),
        (AlertKind::ReviewApproved, true) => ("审核通过", d.to_string()),
        (AlertKind::ReviewRejected, false) => ("Review rejected", format!("{id}: {d}")),
        (AlertKind::ReviewRejected, true) => ("审核驳回", format!("{id}：{d}")),
        (AlertKind::NewOrder, false) => ("New order", format!("Order {id}. {d}")),
        (AlertKind::NewOrder, true) => ("新订单", format!("订单 {id}。{d}")),
        (AlertKind::RequestSubmitted, false) => (
            "Request to confirm",
            format!("Order {id}: the customer submitted a request."),
        ),
        (AlertKind::RequestSubmitted, true) => {
            ("待确认需求", format!("订单 {id}：客户提交了需求。"))
        }
        (AlertKind::CustomerReminder, false) => ("Customer reminder", format!("Order {id}: {d}")),
        (AlertKind::CustomerReminder, true) => ("客户催促", format!("订单 {id}：{d}")),
        (AlertKind::DeliveryAccepted, false) => (
            "Delivery accepted",
            format!("Order {id}: the customer accepted your delivery."),
        ),
        (AlertKind::DeliveryAccepted, true) => {
            ("交付已验收", format!("订单 {id}：客户已验收您的交付。"))
        }
        (AlertKind::DeliveryRejected, false) => ("Delivery rejected", format!("Order {id}: {d}")),
        (AlertKind::DeliveryRejected, true) => ("交付被驳回", format!("订单 {id}：{d}")),
        (AlertKind::AppealOpened, false) => (
            "Appeal opened",
            format!("Order {id} is frozen until KooGallery operations decide. {d}"),
        ),
        (AlertKind::AppealOpened, true) => {
            ("申诉已发起", format!("订单 {id} 已冻结，等待运营裁决。{d}"))
        }
        (AlertKind::AppealDecided, false) => ("Appeal decided", format!("Order {id}: {d}")),
        (AlertKind::AppealDecided, true) => ("申诉已裁决", format!("订单 {id}：{d}")),
        (AlertKind::OrderCompleted, false) => {
            ("Order completed", format!("Order {id} is completed."))
        }
        (AlertKind::OrderCompleted, true) => ("订单已完成", format!("订单 {id} 已完成。")),
        (AlertKind::SupportReviewed, false) => ("Services & support reviewed", d.to_string()),
        (AlertKind::SupportReviewed, true) => ("服务与支持信息已审核", d.to_string()),
        (AlertKind::SubmissionRefused, false) => {
            ("The marketplace refused", format!("{subject}: {d}"))
        }
        (AlertKind::SubmissionRefused, true) => ("云商店拒绝了提交", format!("{subject}：{d}")),
        (AlertKind::KeysRefused, false) => (
            "Your keys were refused",
            format!("Sending is paused: {d} Edit the account in Settings."),
        ),
        (AlertKind::KeysRefused, true) => (
            "密钥被拒绝",
            format!("已暂停发送：{d} 请在设置中编辑账号。"),
        ),
        (AlertKind::QueueStuck, false) => (
            "Waiting to send for over a day",
            format!("{subject} has not been sent yet."),
        ),
        (AlertKind::QueueStuck, true) => ("待发送超过一天", format!("{subject} 仍未发送。")),
        (AlertKind::StallWarning, false) => (
            "Order waiting for you",
            format!("{subject} ({id}): no update from you for {warn} days."),
        ),
        (AlertKind::StallWarning, true) => (
            "订单等待您处理",
            format!("{subject}（{id}）：您已 {warn} 天未更新。"),
        ),
        (AlertKind::StallUrgent, false) => (
            "Act today",
            format!("{subject} ({id}): the customer may appeal tomorrow."),
        ),
        (AlertKind::StallUrgent, true) => (
            "请今天处理",
            format!("{subject}（{id}）：客户明天即可申诉。"),
        ),
        (AlertKind::StallAppealable, false) => (
            "The customer may appeal now",
            format!("{subject} ({id}): more than {stall} days without an update from you."),
        ),
        (AlertKind::StallAppealable, true) => (
            "客户现在可以申诉",
            format!("{subject}（{id}）：您已超过 {stall} 天未更新。"),
        ),
        (AlertKind::CustomerSilent, false) => (
            "You may appeal",
            format!("{subject} ({id}): the customer has been silent for more than {stall} days."),
        ),
        (AlertKind::CustomerSilent, true) => (
            "您可以申诉",
            format!("{subject}（{id}）：客户已超过 {stall} 天未响应。"),
        ),
        (AlertKind::DeliveryDueSoon, false) => (
            "Delivery due soon",
            format!("{subject} ({id}): most of the {d} average delivery days are used."),
        ),
        (AlertKind::DeliveryDueSoon, true) => (
            "即将到期交付",
            format!("{subject}（{id}）：{d} 天平均交付周期已用去大半。"),
        ),
        (AlertKind::DeliveryOverdue, false) => (
            "Delivery overdue",
            format!("{subject} ({id}): the {d} average delivery days are used up."),
        ),
        (AlertKind::DeliveryOverdue, true) => (
            "交付已超期",
            format!("{subject}（{id}）：{d} 天平均交付周期已用完。"),
        ),
        (AlertKind::RejectionLimit, false) => (
            "Rejection limit reached",
            format!("{subject} ({id}): the customer may appeal."),
        ),
        (AlertKind::RejectionLimit, true) => (
            "驳回次数已达上限",
            format!("{subject}（{id}）：客户可以申诉。"),
        ),
        (AlertKind::Test, false) => (
            "Koodesk test notification",
            "Notifications work. Click to open the Notifications page.".into(),
        ),
        (AlertKind::Test, true) => (
            "Koodesk 测试通知",
            "通知可以正常显示。点击可打开通知页面。".into(),
        ),
    };
    (t.to_owned(), b.trim().to_owned())
}

// ---------------------------------------------------------------------------------------------
// The seller's choices: which kinds, quiet hours.

const SETTINGS_KEY: &str = "alerts.settings";

/// Which alerts the operating system shows, and when not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, specta::Type)]
pub struct AlertSettings {
    /// Kinds the seller turned off (still listed on the Notifications page, never shown).
    pub off: Vec<AlertKind>,
    /// Quiet hours as `HH:MM` in the seller's local time, or none.
    pub quiet_start: Option<String>,
    pub quiet_end: Option<String>,
    /// The seller's local offset from UTC in minutes when the quiet hours were set (the window
    /// knows its time zone; the shell reads the clock in UTC).
    pub utc_offset_minutes: i32,
    /// Urgent stall alerts are shown even in quiet hours.
    pub urgent_breaks_through: bool,
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings {
            off: Vec::new(),
            quiet_start: None,
            quiet_end: None,
            utc_offset_minutes: 0,
            urgent_breaks_through: true,
        }
    }
}

fn minutes(hhmm: &str) -> Option<u32> {
    let (h, m) = hhmm.trim().split_once(':')?;
    let (h, m) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

impl AlertSettings {
    fn quiet(&self) -> Option<alerts::QuietHours> {
        Some(alerts::QuietHours {
            start_minute: minutes(self.quiet_start.as_deref()?)?,
            end_minute: minutes(self.quiet_end.as_deref()?)?,
            urgent_breaks_through: self.urgent_breaks_through,
        })
    }

    /// Whether an alert of `kind` may be shown at `utc_secs` (Unix seconds).
    pub fn may_show(&self, kind: AlertKind, utc_secs: i64) -> bool {
        if self.off.contains(&kind) {
            return false;
        }
        let local = (utc_secs.div_euclid(60) + i64::from(self.utc_offset_minutes)).rem_euclid(1440);
        !alerts::held_by_quiet_hours(kind, self.quiet().as_ref(), local as u32)
    }
}

pub fn settings(ctx: &Context) -> Result<AlertSettings, ApiError> {
    Ok(ctx
        .store()?
        .setting(SETTINGS_KEY)?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}

pub fn set_settings(ctx: &Context, s: &AlertSettings) -> Result<AlertSettings, ApiError> {
    for (field, t) in [("quiet_start", &s.quiet_start), ("quiet_end", &s.quiet_end)] {
        if let Some(t) = t {
            if minutes(t).is_none() {
                return Err(ApiError::invalid(
                    field,
                    format!("{t:?} is not a time of day (use 22:00)."),
                ));
            }
        }
    }
    if s.quiet_start.is_some() != s.quiet_end.is_some() {
        return Err(ApiError::invalid(
            "quiet_end",
            "Quiet hours need a start and an end.",
        ));
    }
    if s.utc_offset_minutes.abs() > 14 * 60 {
        return Err(ApiError::invalid("utc_offset_minutes", "Not a time zone."));
    }
    let json = serde_json::to_string(s)
        .map_err(|e| ApiError::new(crate::ErrorCode::Internal, e.to_string()))?;
    ctx.store()?.set_setting(SETTINGS_KEY, &json)?;
    Ok(s.clone())
}

/// A sample alert, recorded like any other and waiting to be shown (the Notifications page's
/// test button).
pub fn raise_test(ctx: &Context) -> Result<AlertView, ApiError> {
    let now_ms = koodesk_sync::engine::now_ms();
    let key = format!("test:{now_ms}");
    let fresh = ctx.store()?.raise_alerts(
        &ctx.account(),
        &[NewAlert {
            key: key.clone(),
            kind: AlertKind::Test.name().into(),
            target: serde_json::to_string(&Target::Queue).unwrap_or_default(),
            subject: String::new(),
            detail: None,
            due_at: now_ms / 1000,
            history: false,
        }],
        now_ms,
    )?;
    let row = fresh.into_iter().next().ok_or_else(|| {
        ApiError::new(
            crate::ErrorCode::Internal,
            "the test alert was not recorded",
        )
    })?;
    Ok(view(&row, &lang(ctx), &rules(ctx)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_hours_are_read_in_the_sellers_local_time_and_kinds_can_be_off() {
        let s = AlertSettings {
            off: vec![AlertKind::CustomerReminder],
            quiet_start: Some("22:00".into()),
            quiet_end: Some("07:00".into()),
            // UTC+8: 15:00 UTC is 23:00 local.
            utc_offset_minutes: 8 * 60,
            urgent_breaks_through: true,
        };
        let at = |h: i64| 1_795_392_000 + h * 3600; // 2026-11-23 00:00 UTC + h
        assert!(!s.may_show(AlertKind::StallWarning, at(15)));
        assert!(
            s.may_show(AlertKind::StallUrgent, at(15)),
            "urgent breaks through"
        );
        assert!(s.may_show(AlertKind::StallWarning, at(0)), "08:00 local");
        assert!(
            !s.may_show(AlertKind::CustomerReminder, at(0)),
            "turned off"
        );
        assert!(AlertSettings::default().may_show(AlertKind::StallWarning, at(15)));
    }
}
