//! The context an app holds for its whole run: opened once, closed and reopened around a backup
//! restore (the database file is replaced underneath it), and the error that kept it from opening
//! when it did not.

use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use crate::paths::DataDir;
use crate::{backup, ApiError, Context, ErrorCode};

pub struct Session {
    ctx: RwLock<Result<Arc<Context>, ApiError>>,
    data: DataDir,
}

fn poisoned() -> ApiError {
    ApiError::new(ErrorCode::Internal, "the app state lock was poisoned")
}

impl Session {
    /// Opens the data folder's database (a failure is kept and reported by [`Session::ctx`]).
    pub fn open(data: DataDir) -> Self {
        Self::with(Context::open(data.clone()), data)
    }

    pub fn with(ctx: Result<Context, ApiError>, data: DataDir) -> Self {
        Session {
            ctx: RwLock::new(ctx.map(Arc::new)),
            data,
        }
    }

    pub fn data(&self) -> &DataDir {
        &self.data
    }

    /// The API context, or the error that kept the database from opening.
    pub fn ctx(&self) -> Result<Arc<Context>, ApiError> {
        self.ctx.read().map_err(|_| poisoned())?.clone()
    }

    /// Puts the newest good backup in place of the database and reopens it; a healthy database
    /// only with `confirm_loss`. Returns the backup used. The old context is closed first, so no
    /// handle is left on the file being moved; it is reopened whatever the restore's outcome.
    pub fn restore_latest_backup(&self, confirm_loss: bool) -> Result<String, ApiError> {
        let mut g = self.ctx.write().map_err(|_| poisoned())?;
        let demo = g.as_ref().ok().and_then(|c| c.demo());
        *g = Err(ApiError::new(ErrorCode::Storage, "restoring a backup"));
        let restored = backup::restore_latest(&self.data, SystemTime::now(), confirm_loss);
        let reopened = Context::open(self.data.clone()).map(Arc::new);
        if let (Ok(c), Some(d)) = (&reopened, demo) {
            c.set_demo(d);
        }
        *g = reopened;
        let used = restored?;
        g.as_ref().map_err(Clone::clone)?;
        Ok(used)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::DemoMarketplace;

    #[test]
    fn a_restore_closes_replaces_and_reopens_keeping_the_demo_marketplace() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::at(dir.path());
        let session = Session::open(data.clone());
        let ctx = session.ctx().unwrap();
        crate::drafts::create(&ctx, "license").unwrap();
        let t0 = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_790_000_000);
        backup::backup_if_due(&ctx, t0).unwrap().expect("a backup");
        ctx.set_demo(DemoMarketplace {
            base_url: "http://127.0.0.1:1".into(),
            credentials: koodesk_market::Credentials::new("AK", "SK"),
        });
        crate::drafts::create(&ctx, "saas").unwrap();
        drop(ctx);

        // A healthy database is kept unless the loss is confirmed; the session still works.
        let refused = session.restore_latest_backup(false).unwrap_err();
        assert_eq!(refused.code, ErrorCode::Conflict);
        let ctx = session.ctx().unwrap();
        assert_eq!(
            crate::drafts::list(&ctx, &Default::default())
                .unwrap()
                .len(),
            2
        );
        drop(ctx);

        let used = session.restore_latest_backup(true).unwrap();
        assert!(used.ends_with(".sqlite3"), "{used}");
        let ctx = session.ctx().unwrap();
        assert_eq!(
            crate::drafts::list(&ctx, &Default::default())
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            ctx.demo().map(|d| d.base_url),
            Some("http://127.0.0.1:1".to_owned())
        );
    }

    #[test]
    fn a_database_that_cannot_open_is_reported_and_restored() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::at(dir.path());
        {
            let ctx = Context::open(data.clone()).unwrap();
            crate::drafts::create(&ctx, "license").unwrap();
            let t0 = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_790_000_000);
            backup::backup_if_due(&ctx, t0).unwrap().expect("a backup");
        }
        std::fs::write(data.database(), b"not a database".repeat(500)).unwrap();
        let session = Session::open(data.clone());
        assert!(session.ctx().is_err());
        session.restore_latest_backup(false).unwrap();
        let ctx = session.ctx().unwrap();
        assert_eq!(
            crate::drafts::list(&ctx, &Default::default())
                .unwrap()
                .len(),
            1
        );
    }
}
