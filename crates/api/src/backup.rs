//! Daily backups of the database, and putting the latest one back when the database is damaged.

use std::time::{Duration, SystemTime};

use koodesk_store::backup::{list_backups, prune_backups, restore_backup};
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
    let path = dir.join(format!("koodesk-{}.sqlite3", stamp(now)));
    ctx.store()?.backup_to(&path)?;
    prune_backups(&dir, KEEP);
    tracing::info!(path = %path.display(), "backup written");
    Ok(Some(path))
}

/// Replaces a damaged database with the newest backup; the damaged file is kept beside it.
/// Returns the backup used.
pub fn restore_latest(data: &DataDir, now: SystemTime) -> Result<String, ApiError> {
    let latest = list_backups(&data.backups())
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "there is no backup to restore"))?;
    restore_backup(&latest, &data.database(), &stamp(now))?;
    tracing::warn!(backup = %latest.display(), "database restored from backup");
    Ok(latest.display().to_string())
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
        let used = restore_latest(&data, t0).unwrap();
        assert!(used.ends_with(".sqlite3"));
        let ctx = Context::open(data.clone()).unwrap();
        assert_eq!(
            crate::drafts::list(&ctx, &Default::default())
                .unwrap()
                .len(),
            1
        );
    }
}
