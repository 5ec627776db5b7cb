//! What the app's updater needs from the seller's data: whether to look for updates daily, when
//! it last looked, and whether installing now would cut the outbox off while it is sending.

use serde::{Deserialize, Serialize};

use crate::{ApiError, Context, ErrorCode};

const SETTINGS_KEY: &str = "updates.settings";

/// The seller's choices about updates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct UpdateSettings {
    /// Look for a newer version once a day (opt-in).
    pub daily: bool,
    /// When Koodesk last looked (RFC 3339), whoever asked.
    pub last_checked: Option<String>,
}

pub fn settings(ctx: &Context) -> Result<UpdateSettings, ApiError> {
    Ok(ctx
        .store()?
        .setting(SETTINGS_KEY)?
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

pub fn set_daily(ctx: &Context, daily: bool) -> Result<UpdateSettings, ApiError> {
    let mut s = settings(ctx)?;
    s.daily = daily;
    save(ctx, &s)?;
    Ok(s)
}

/// Notes that Koodesk looked for an update just now.
pub fn checked(ctx: &Context, at: time::OffsetDateTime) -> Result<UpdateSettings, ApiError> {
    let mut s = settings(ctx)?;
    s.last_checked = at
        .format(&time::format_description::well_known::Rfc3339)
        .ok();
    save(ctx, &s)?;
    Ok(s)
}

/// Whether the daily check is due: asked for, and not done in the last day.
pub fn daily_due(s: &UpdateSettings, now: time::OffsetDateTime) -> bool {
    s.daily
        && s.last_checked
            .as_deref()
            .and_then(|t| {
                time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
            })
            .is_none_or(|last| now - last >= time::Duration::days(1))
}

fn save(ctx: &Context, s: &UpdateSettings) -> Result<(), ApiError> {
    let json =
        serde_json::to_string(s).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    ctx.store()?.set_setting_quietly(SETTINGS_KEY, &json)?;
    Ok(())
}

/// Refuses to install while the outbox is sending (online, not paused, calls waiting): an install
/// restarts Koodesk, and a call cut off half-way would be sent again after the restart — safe,
/// but the seller would not know what happened. Offline, what waits stays in the database and
/// goes out after the restart, so installing is fine.
pub fn may_install(ctx: &Context) -> Result<(), ApiError> {
    let status = crate::sync::view::status(ctx, 0)?;
    if status.online && status.paused.is_none() && status.waiting > 0 {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "Koodesk is sending {} item(s) to the marketplace; install the update when they \
                 are sent.",
                status.waiting
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_daily_check_is_due_once_a_day_and_only_when_asked_for() {
        let now = time::macros::datetime!(2026-12-02 09:00 UTC);
        let at = |t: time::OffsetDateTime| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        };
        let mut s = UpdateSettings::default();
        assert!(!daily_due(&s, now), "off by default");
        s.daily = true;
        assert!(daily_due(&s, now), "never checked");
        s.last_checked = at(now - time::Duration::hours(23));
        assert!(!daily_due(&s, now));
        s.last_checked = at(now - time::Duration::hours(24));
        assert!(daily_due(&s, now));
        s.last_checked = Some("not a time".into());
        assert!(
            daily_due(&s, now),
            "an unreadable time does not stop the check"
        );
    }

    #[test]
    fn installing_waits_for_the_outbox_only_while_it_is_sending() {
        let dir = tempfile::tempdir().expect("tmp");
        let ctx = Context::open_with(
            crate::paths::DataDir::at(dir.path()),
            std::sync::Arc::new(crate::keychain::MemoryKeychain::default()),
        )
        .expect("context");
        may_install(&ctx).expect("nothing waits");
        crate::sync::submit_support(&ctx).expect("queued");
        let refused = may_install(&ctx).expect_err("one call waits, online");
        assert!(
            refused.message.contains("sending 1 item"),
            "{}",
            refused.message
        );
        // Offline, what waits stays in the database: installing is fine.
        ctx.store()
            .expect("store")
            .set_sync_state(
                &ctx.account(),
                koodesk_sync::engine::keys::OFFLINE,
                Some("no network"),
            )
            .expect("offline");
        may_install(&ctx).expect("offline");
    }
}
