//! State the shell keeps for the life of the app.

use std::time::Instant;

use koodesk_api::{ApiError, Context};

pub struct Shell {
    ctx: Result<Context, ApiError>,
    started: Instant,
}

impl Shell {
    pub fn new(ctx: Result<Context, ApiError>, started: Instant) -> Self {
        Shell { ctx, started }
    }

    /// The API context, or the error that kept the database from opening.
    pub fn ctx(&self) -> Result<&Context, ApiError> {
        self.ctx.as_ref().map_err(Clone::clone)
    }

    pub fn started(&self) -> Instant {
        self.started
    }
}
