//! `koodesk-sandbox`: a local KooGallery on 127.0.0.1. Prints its base URL on the first line of
//! stdout, then the key pair it accepts.

use std::process::ExitCode;

use clap::Parser;
use koodesk_sandbox::{Config, Sandbox};

#[derive(Parser)]
#[command(
    name = "koodesk-sandbox",
    version,
    about = "A local KooGallery marketplace for Koodesk"
)]
struct Args {
    /// Makes every simulated choice reproducible.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Access key to accept (default: the demo key printed at start).
    #[arg(long, requires = "sk")]
    ak: Option<String>,
    /// Secret key to accept.
    #[arg(long, requires = "ak")]
    sk: Option<String>,
    /// Sandbox seconds per real second; 0 stops the clock (move it with POST /admin/clock).
    #[arg(long, default_value_t = 1.0)]
    clock_speed: f64,
    /// Sandbox start time, YYYYMMDDTHHMMSSZ (default: now).
    #[arg(long)]
    start: Option<String>,
    /// Keep the state in this SQLite file (default: in memory).
    #[arg(long)]
    state: Option<std::path::PathBuf>,
    /// Seed demo products, applications and orders.
    #[arg(long)]
    demo: bool,
    /// Serve only the documented order query, like a KooGallery gateway without Koodesk's
    /// contract (every other operation: 404 APIG.0101).
    #[arg(long)]
    documented_only: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut cfg = Config::new(args.seed);
    if let (Some(ak), Some(sk)) = (args.ak, args.sk) {
        cfg.ak = ak;
        cfg.sk = sk;
    }
    cfg.port = args.port;
    cfg.clock_speed = args.clock_speed;
    cfg.state = args.state;
    cfg.demo = args.demo;
    cfg.documented_only = args.documented_only;
    if let Some(s) = args.start {
        match koodesk_market::sign::parse_sdk_date(&s) {
            Some(t) => cfg.start = Some(t.unix_timestamp()),
            None => {
                eprintln!("koodesk-sandbox: --start {s:?} is not YYYYMMDDTHHMMSSZ");
                return ExitCode::from(2);
            }
        }
    }
    let demo_key = cfg.ak.clone();
    let demo_secret = cfg.sk.clone();
    let sandbox = match Sandbox::start(cfg).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("koodesk-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", sandbox.base_url);
    println!("AK={demo_key}");
    println!("SK={demo_secret}");
    println!(
        "admin: {}/admin/clock, /admin/faults, /admin/counters (loopback only)",
        sandbox.base_url
    );
    let _ = tokio::signal::ctrl_c().await;
    sandbox.stop().await;
    ExitCode::SUCCESS
}
