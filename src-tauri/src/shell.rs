//! State the shell keeps for the life of the app: the API session and when the app started.

use std::sync::Arc;
use std::time::Instant;

use koodesk_api::paths::DataDir;
use koodesk_api::session::Session;
use koodesk_api::{ApiError, Context};

pub struct Shell {
    session: Session,
    started: Instant,
}

impl Shell {
    pub fn new(ctx: Result<Context, ApiError>, data: DataDir, started: Instant) -> Self {
        Shell {
            session: Session::with(ctx, data),
            started,
        }
    }

    /// The API context, or the error that kept the database from opening.
    pub fn ctx(&self) -> Result<Arc<Context>, ApiError> {
        self.session.ctx()
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    pub fn started(&self) -> Instant {
        self.started
    }
}
