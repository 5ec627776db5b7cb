//! State the shell keeps for the life of the app.

use std::sync::{Arc, RwLock};
use std::time::{Instant, SystemTime};

use koodesk_api::paths::DataDir;
use koodesk_api::{backup, ApiError, Context, ErrorCode};

pub struct Shell {
    ctx: RwLock<Result<Arc<Context>, ApiError>>,
    data: DataDir,
    started: Instant,
}

impl Shell {
    pub fn new(ctx: Result<Context, ApiError>, data: DataDir, started: Instant) -> Self {
        Shell {
            ctx: RwLock::new(ctx.map(Arc::new)),
            data,
            started,
        }
    }

    /// The API context, or the error that kept the database from opening.
    pub fn ctx(&self) -> Result<Arc<Context>, ApiError> {
        match self.ctx.read() {
            Ok(g) => g.clone(),
            Err(_) => Err(ApiError::new(
                ErrorCode::Internal,
                "the app state lock was poisoned",
            )),
        }
    }

    pub fn started(&self) -> Instant {
        self.started
    }

    /// Puts the newest good backup in place of the database and opens it; a healthy database only
    /// with `confirm_loss`.
    pub fn restore_latest_backup(&self, confirm_loss: bool) -> Result<String, ApiError> {
        let mut g = self
            .ctx
            .write()
            .map_err(|_| ApiError::new(ErrorCode::Internal, "the app state lock was poisoned"))?;
        // Close the current database (if it opened at all) before its file is moved.
        *g = Err(ApiError::new(ErrorCode::Storage, "restoring a backup"));
        let restored = backup::restore_latest(&self.data, SystemTime::now(), confirm_loss);
        *g = Context::open(self.data.clone()).map(Arc::new);
        let used = restored?;
        g.as_ref().map_err(Clone::clone)?;
        Ok(used)
    }
}
