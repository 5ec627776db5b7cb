//! The Demo marketplace: the sandbox started in-process on a random loopback port, with its demo
//! data kept in the data folder, so a seller can try every flow before connecting an account.
//! Only built with the `demo` feature (the app and the CLI have it).
//!
//! The app records where its Demo marketplace answers in `<data>/demo-marketplace.json`; the CLI
//! ([`attach_or_start`]) uses that one while the app runs, and otherwise starts its own from the
//! same state for as long as the command lasts.

use std::io::Read;
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::context::DemoMarketplace;
use crate::{ApiError, Context, ErrorCode};

/// The sandbox seed of the Demo marketplace (its key pair follows from it).
const SEED: u64 = 1;

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

fn config(ctx: &Context) -> koodesk_sandbox::Config {
    let mut cfg = koodesk_sandbox::Config::new(SEED);
    cfg.demo = true;
    cfg.state = Some(ctx.data_dir().root().join("demo-marketplace.sqlite3"));
    // Debug builds only: a reviewer that decides on the rules alone, for the desktop E2E.
    if cfg!(debug_assertions) && std::env::var_os("KOODESK_DEMO_CALM_REVIEWER").is_some() {
        cfg.picky_reviewer = false;
    }
    cfg
}

fn could_not_start(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        ErrorCode::Internal,
        format!("the demo marketplace could not start: {e}"),
    )
}

fn use_demo(ctx: &Context, base_url: String) {
    let (ak, sk) = koodesk_sandbox::demo_credentials(SEED);
    ctx.set_demo(DemoMarketplace {
        base_url,
        credentials: koodesk_market::Credentials::new(ak, sk),
    });
}

/// Starts the Demo marketplace (state in `<data>/demo-marketplace.sqlite3`, seeded once), tells
/// `ctx` where it answers and records that in the data folder for tools on this computer (the
/// CLI, and the E2E's clock jumps).
pub async fn start(ctx: &Context) -> Result<Demo, ApiError> {
    let sandbox = koodesk_sandbox::Sandbox::start(config(ctx))
        .await
        .map_err(could_not_start)?;
    use_demo(ctx, sandbox.base_url.clone());
    tracing::info!(url = %sandbox.base_url, "demo marketplace running");
    let note = serde_json::json!({ "base_url": sandbox.base_url, "pid": std::process::id() });
    if let Err(e) = std::fs::write(ctx.data_dir().demo_address(), note.to_string()) {
        tracing::warn!(error = %e, "the demo marketplace's address was not recorded");
    }
    Ok(Demo { sandbox })
}

/// Which Demo marketplace [`attach_or_start`] found.
pub enum Attached {
    /// The running app's.
    App { base_url: String },
    /// One started here, stopped when this is dropped.
    Own(Background),
}

/// The Demo marketplace for a command-line run: the running app's when the data folder records
/// one whose process is alive and answers on loopback; otherwise one started on a thread of this
/// process from the same state, which stops when the returned value is dropped.
pub fn attach_or_start(ctx: &Context) -> Result<Attached, ApiError> {
    if let Some(base_url) = running_app(ctx) {
        tracing::info!(url = %base_url, "using the app's demo marketplace");
        use_demo(ctx, base_url.clone());
        return Ok(Attached::App { base_url });
    }
    let background = Background::start(config(ctx))?;
    use_demo(ctx, background.base_url.clone());
    Ok(Attached::Own(background))
}

/// The address recorded by a running app, if it still answers.
fn running_app(ctx: &Context) -> Option<String> {
    // A few hundred bytes when the app wrote it; anything larger is not ours.
    let mut text = String::new();
    std::fs::File::open(ctx.data_dir().demo_address())
        .ok()?
        .take(4096)
        .read_to_string(&mut text)
        .ok()?;
    let note: serde_json::Value = serde_json::from_str(&text).ok()?;
    let base_url = note.get("base_url")?.as_str()?;
    let pid = u32::try_from(note.get("pid")?.as_u64()?).ok()?;
    // Only a loopback address: the demo key pair is never sent anywhere else.
    let addr: SocketAddr = base_url.strip_prefix("http://")?.parse().ok()?;
    if !addr.ip().is_loopback() || pid == std::process::id() {
        return None;
    }
    if !koodesk_sync::engine::process_alive(pid) {
        return None;
    }
    TcpStream::connect_timeout(&addr, Duration::from_millis(500)).ok()?;
    Some(base_url.to_string())
}

/// A Demo marketplace served from a thread of its own (the CLI's runtimes come and go between
/// commands; this one lives until dropped).
pub struct Background {
    pub base_url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Background {
    fn start(cfg: koodesk_sandbox::Config) -> Result<Self, ApiError> {
        let (ready_tx, ready_rx) = std::sync::mpsc::sync_channel(1);
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("demo-marketplace".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                        return;
                    }
                };
                rt.block_on(async move {
                    match koodesk_sandbox::Sandbox::start(cfg).await {
                        Ok(sandbox) => {
                            let _ = ready_tx.send(Ok(sandbox.base_url.clone()));
                            // Serves until told to stop (or until the owner is gone).
                            let _ = stop_rx.await;
                            sandbox.stop().await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e.to_string()));
                        }
                    }
                });
            })
            .map_err(could_not_start)?;
        let base_url = ready_rx
            .recv_timeout(Duration::from_secs(30))
            .map_err(|_| could_not_start("it did not answer in 30 s"))?
            .map_err(could_not_start)?;
        tracing::info!(url = %base_url, "demo marketplace started for this command");
        Ok(Background {
            base_url,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // Stopping saves the sandbox clock; it takes a moment at most.
            let _ = thread.join();
        }
    }
}
