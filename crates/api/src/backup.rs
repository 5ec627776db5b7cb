//! Daily backups of the database, and putting the latest one back when the database is damaged.

use std::time::{Duration, SystemTime};

use koodesk_store::backup::{
    backup_name, list_backups, loss_if_restored, prune_backups, restore_backup, verify,
};
use time::macros::format_description;
use time::OffsetDateTime;

use crate::paths::DataDir;
use crate::{ApiError, Context, ErrorCode};

/// How many backups are kept.
pub const KEEP: usize = 10;
const EVERY: Duration = Duration::from_secs(24 * 60 * 60);

fn stamp(now: SystemTime) -> String {
    let fmt = format_description!("[year][month][day]T[hour][minute][second]Z");
    OffsetDateTime::from(now)
        .format(&fmt)
        .unwrap_or_else(|_| "unknown".into())
}

/// Makes a backup when the newest one is older than a day (or there is none). Returns its path.
pub fn backup_if_due(
    ctx: &Context,
    now: SystemTime,
) -> Result<Option<std::path::PathBuf>, ApiError> {
    let dir = ctx.data_dir().backups();
    let newest = list_backups(&dir).into_iter().next();
    let due = match newest
        .as_ref()
        .and_then(|p| p.metadata().ok()?.modified().ok())
    {
        Some(at) => now.duration_since(at).unwrap_or_default() >= EVERY,
        None => true,
    };
    if !due {
        return Ok(None);
    }
    let path = dir.join(backup_name(now, None));
    ctx.store()?.backup_to(&path)?;
    prune_backups(&dir, KEEP);
    tracing::info!(path = %path.display(), "backup written");
    Ok(Some(path))
}

/// What restoring would do: which backup (the newest one that passes `integrity_check`), which
/// newer backups were skipped as damaged, and — when the database is healthy — what would be lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestorePlan {
    pub backup: std::path::PathBuf,
    pub skipped: Vec<std::path::PathBuf>,
    pub database_healthy: bool,
    /// Drafts and revisions saved since the backup (healthy database only).
    pub newer_drafts: u32,
    pub newer_revisions: u32,
}

pub fn restore_plan(data: &DataDir) -> Result<RestorePlan, ApiError> {
    let mut skipped = Vec::new();
    let mut chosen = None;
    for b in list_backups(&data.backups()) {
        match verify(&b) {
            Ok(()) => {
                chosen = Some(b);
                break;
            }
            Err(e) => {
                tracing::warn!(backup = %b.display(), error = %e, "backup is damaged; trying the next");
                skipped.push(b);
            }
        }
    }
    let backup = chosen.ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            if skipped.is_empty() {
                "there is no backup to restore".to_string()
            } else {
                format!(
                    "all {} backups are damaged; none can be restored",
                    skipped.len()
                )
            },
        )
    })?;
    let db = data.database();
    let database_healthy = db.exists() && verify(&db).is_ok();
    let (newer_drafts, newer_revisions) = if database_healthy {
        loss_if_restored(&db, &backup)?
    } else {
        (0, 0)
    };
    Ok(RestorePlan {
        backup,
        skipped,
        database_healthy,
        newer_drafts,
        newer_revisions,
    })
}

/// Puts the newest good backup in place of the database; the replaced file is kept beside it.
/// A healthy database is replaced only with `confirm_loss` (after the seller saw
/// [`restore_plan`]'s count of what would be lost). Returns the backup used.
pub fn restore_latest(
    data: &DataDir,
    now: SystemTime,
    confirm_loss: bool,
) -> Result<String, ApiError> {
    let plan = restore_plan(data)?;
    if plan.database_healthy && !confirm_loss {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!(
                "the database is healthy: restoring {} would drop {} revisions of {} drafts saved \
                 since; confirm to go ahead",
                plan.backup.display(),
                plan.newer_revisions,
                plan.newer_drafts
            ),
        ));
    }
    restore_backup(&plan.backup, &data.database(), &stamp(now))?;
    tracing::warn!(backup = %plan.backup.display(), "database restored from backup");
    Ok(plan.backup.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_is_made_once_a_day_and_restores_a_damaged_database() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::at(dir.path());
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000);
        {
            let ctx = Context::open(data.clone()).unwrap();
            crate::drafts::create(&ctx, "license").unwrap();
            assert!(backup_if_due(&ctx, t0).unwrap().is_some(), "first backup");
            assert!(
                backup_if_due(&ctx, SystemTime::now()).unwrap().is_none(),
                "not due again today"
            );
        }
        std::fs::write(data.database(), b"garbage".repeat(1000)).unwrap();
        assert!(Context::open(data.clone()).is_err());
        let used = restore_latest(&data, t0, false).unwrap();
        assert!(used.ends_with(".sqlite3"));
        let ctx = Context::open(data.clone()).unwrap();
        assert_eq!(
            crate::drafts::list(&ctx, &Default::default())
                .unwrap()
                .len(),
            1
        );
        drop(ctx);
    }

    #[test]
    fn a_healthy_database_is_replaced_only_when_the_loss_is_confirmed_and_bad_backups_are_skipped()
    {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::at(dir.path());
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000);
        let ctx = Context::open(data.clone()).unwrap();
        crate::drafts::create(&ctx, "license").unwrap();
        let good = backup_if_due(&ctx, t0).unwrap().unwrap();
        let d = crate::drafts::create(&ctx, "saas").unwrap();
        crate::drafts::create(&ctx, "license").unwrap();
        drop(ctx);
        // A newer backup that is damaged: skipped, the older good one is offered.
        let bad = data.backups().join("koodesk-20991231T000000Z.sqlite3");
        std::fs::write(&bad, b"SQLite format 3\0garbage").unwrap();

        let plan = restore_plan(&data).unwrap();
        assert_eq!(plan.backup, good);
        assert_eq!(plan.skipped, vec![bad]);
        assert!(plan.database_healthy);
        assert_eq!(
            (plan.newer_drafts, plan.newer_revisions),
            (2, 2),
            "{plan:?}"
        );

        let e = restore_latest(&data, t0, false).unwrap_err();
        assert_eq!(e.code, ErrorCode::Conflict);
        assert!(e.message.contains("2 revisions of 2 drafts"), "{e}");
        let ctx = Context::open(data.clone()).unwrap();
        assert!(
            crate::drafts::get(&ctx, &d.id).is_ok(),
            "nothing was restored"
        );
        drop(ctx);

        restore_latest(&data, t0, true).unwrap();
        let ctx = Context::open(data.clone()).unwrap();
        assert_eq!(
            crate::drafts::list(&ctx, &Default::default())
                .unwrap()
                .len(),
            1
        );
    }
}
