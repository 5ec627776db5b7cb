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
    // Debug builds only: a reviewer that decides on the rules alone, for the desktop E2E.
    if cfg!(debug_assertions) && std::env::var_os("KOODESK_DEMO_CALM_REVIEWER").is_some() {
        cfg.picky_reviewer = false;
    }
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
    // Where it answers, for tools on this computer (its admin routes move its clock).
    let note = serde_json::json!({ "base_url": sandbox.base_url, "pid": std::process::id() });
    if let Err(e) = std::fs::write(ctx.data_dir().demo_address(), note.to_string()) {
        tracing::warn!(error = %e, "the demo marketplace's address was not recorded");
    }
    Ok(Demo { sandbox })
}
