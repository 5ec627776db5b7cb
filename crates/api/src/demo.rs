//! The Demo marketplace: the sandbox started in-process on a random loopback port, with its demo
//! data kept in the data folder, so a seller can try every flow before connecting an account.
//! Only built with the `demo` feature (the app has it; the CLI does not link the sandbox).

use crate::context::DemoMarketplace;
use crate::{ApiError, Context, ErrorCode};

/// A running Demo marketplace; dropping it stops the server.
pub struct Demo {
    sandbox: koodesk_sandbox::Sandbox,
}

impl Demo {
    pub fn base_url(&self) -> &str {
        &self.sandbox.base_url
    }

    /// Stops the server and waits until it has.
    pub async fn stop(self) {
        self.sandbox.stop().await;
    }
}

/// Starts the Demo marketplace (state in `<data>/demo-marketplace.sqlite3`, seeded once) and tells
/// `ctx` where it answers.
pub async fn start(ctx: &Context) -> Result<Demo, ApiError> {
    let mut cfg = koodesk_sandbox::Config::new(1);
    cfg.demo = true;
    cfg.state = Some(ctx.data_dir().root().join("demo-marketplace.sqlite3"));
    let sandbox = koodesk_sandbox::Sandbox::start(cfg).await.map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("the demo marketplace could not start: {e}"),
        )
    })?;
    ctx.set_demo(DemoMarketplace {
        base_url: sandbox.base_url.clone(),
        credentials: koodesk_market::Credentials::new(sandbox.ak.clone(), sandbox.sk.clone()),
    });
    tracing::info!(url = %sandbox.base_url, "demo marketplace running");
    Ok(Demo { sandbox })
}
