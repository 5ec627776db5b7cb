//! `koodesk alerts …`: what the app would tell the seller, for scripts and cron on headless
//! machines. `scan` pulls first when the account's keys are reachable (as `koodesk sync` does),
//! records what is due (so the app never repeats it) and prints it.

use std::process::ExitCode;
use std::time::Duration;

use clap::Subcommand;
use koodesk_api::alerts::{self, AlertView};
use koodesk_api::sync::{self, SyncOptions};
use koodesk_api::{ApiError, Context, ErrorCode};

#[derive(Subcommand)]
pub enum AlertsCommand {
    /// The alerts raised so far, unread first.
    List {
        #[arg(long)]
        unread: bool,
        #[arg(long)]
        json: bool,
    },
    /// Pull, then raise and print the alerts due now (each once, ever).
    Scan {
        /// Print what is due without recording it (the app will still raise it).
        #[arg(long)]
        dry_run: bool,
        /// Do not pull first; plan on the last synced copy.
        #[arg(long)]
        offline: bool,
        #[arg(long)]
        json: bool,
    },
    /// Mark one alert read (by key), or all of them.
    Read {
        key: Option<String>,
        #[arg(long)]
        all: bool,
    },
}

fn line(a: &AlertView) -> String {
    format!(
        "{}{}  {}  {}{}",
        if a.read { " " } else { "•" },
        if a.urgent { "!" } else { " " },
        a.raised_at,
        a.title,
        if a.body.is_empty() {
            String::new()
        } else {
            format!(" — {}", a.body)
        }
    )
}

fn print(list: &[AlertView], as_json: bool, none: &str) -> Result<(), ApiError> {
    if as_json {
        let text = serde_json::to_string_pretty(list)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        println!("{text}");
    } else if list.is_empty() {
        println!("{none}");
    } else {
        for a in list {
            println!("{}", line(a));
        }
    }
    Ok(())
}

pub fn run(ctx: &Context, cmd: AlertsCommand) -> Result<ExitCode, ApiError> {
    match cmd {
        AlertsCommand::List { unread, json } => {
            print(&alerts::list(ctx, unread)?, json, "no alerts")?;
        }
        AlertsCommand::Scan {
            dry_run,
            offline,
            json,
        } => {
            if !offline {
                let _demo = crate::sync::demo_if_needed(ctx)?;
                let rt = crate::sync::runtime()?;
                // Unreachable keys or marketplace: plan on the last copy, and say so.
                if let Err(e) = rt.block_on(sync::sync_account(
                    ctx,
                    None,
                    SyncOptions {
                        until_idle: Some(Duration::from_secs(60)),
                        ..Default::default()
                    },
                )) {
                    eprintln!(
                        "not pulled ({}); planning on the last synced copy",
                        e.message
                    );
                }
            }
            let raised = alerts::scan(ctx, dry_run)?;
            print(&raised, json, "nothing new")?;
        }
        AlertsCommand::Read { key, all } => {
            if key.is_none() && !all {
                return Err(ApiError::invalid("key", "Name the alert's key, or --all."));
            }
            let n = alerts::mark_read(ctx, if all { None } else { key.as_deref() })?;
            println!("marked {n} alert(s) read");
        }
    }
    Ok(ExitCode::SUCCESS)
}
