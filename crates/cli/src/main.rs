//! `koodesk`: the headless command line over the same API the desktop app uses.

mod alerts;
mod api;
mod drafts;
mod orders;
mod sync;
mod template;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use koodesk_api::doctor::{self, DoctorReport};
use koodesk_api::paths::DataDir;
use koodesk_api::templates::isolate;
use koodesk_api::{ApiError, Context};

#[derive(Parser)]
#[command(
    name = "koodesk",
    version,
    about = "Koodesk for KooGallery sellers: the command line",
    long_about = "Koodesk for KooGallery sellers: the command line.\n\n\
        Works on the same data folder as the desktop app (set KOODESK_DATA_DIR to use another)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Report the data folder, the database's health and versions.
    Doctor {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List, show, export and import product drafts.
    Drafts {
        #[command(subcommand)]
        command: drafts::DraftsCommand,
    },
    /// Generate request templates and read filled ones back.
    Template {
        #[command(subcommand)]
        command: template::TemplateCommand,
    },
    /// Talk to a KooGallery gateway with your access key (signed like Huawei's SDK).
    Api {
        #[command(subcommand)]
        command: api::ApiCommand,
    },
    /// Submit a draft to the marketplace: lint it, make its request templates, queue the uploads
    /// and the application (sent by `koodesk sync` or the app).
    Submit {
        id: String,
        /// Submit although the linter has warnings.
        #[arg(long, short)]
        yes: bool,
        /// For an account whose API does not take submissions: write everything the KooGallery
        /// console asks for (fields in its order, files, a checklist) into this folder instead.
        #[arg(long, value_name = "FOLDER", conflicts_with = "mark_submitted")]
        by_hand: Option<std::path::PathBuf>,
        /// Record that the draft was submitted by hand in the console (nothing is sent).
        #[arg(long)]
        mark_submitted: bool,
        #[command(flatten)]
        account: sync::AccountArg,
    },
    /// Send what is queued and pull applications, products and events.
    Sync {
        /// Run until nothing is left to send (or two minutes), then exit; without it, keep
        /// syncing every 30 seconds.
        #[arg(long)]
        once: bool,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        account: sync::AccountArg,
    },
    /// The calls waiting to be sent.
    Outbox {
        #[command(subcommand)]
        command: sync::OutboxCommand,
        #[command(flatten)]
        account: sync::AccountArg,
    },
    /// My Applications: releases and modifications under review and decided.
    Applications {
        #[command(subcommand)]
        command: sync::ApplicationsCommand,
        #[command(flatten)]
        account: sync::AccountArg,
    },
    /// Supervised service orders: who must act and by when (as last synced).
    Orders {
        #[command(subcommand)]
        command: orders::OrdersCommand,
        #[command(flatten)]
        account: sync::AccountArg,
    },
    /// Alerts: review results, stalling orders, refusals — what the app tells through the
    /// operating system.
    Alerts {
        #[command(subcommand)]
        command: alerts::AlertsCommand,
        #[command(flatten)]
        account: sync::AccountArg,
    },
    /// The draft, its submitted snapshot and the live product, field by field ($: price or
    /// billing).
    Diff {
        id: String,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        account: sync::AccountArg,
    },
    /// A modification the marketplace refused as made from an old version: apply your changes
    /// onto the live product as last synced (fields both changed keep yours and are listed).
    Rebase {
        id: String,
        #[command(flatten)]
        account: sync::AccountArg,
    },
    /// Check a draft (by id) or a draft file against KooGallery's release requirements.
    /// Exits with 1 when there are blocking errors.
    Lint {
        /// A draft id, or the path of a draft .json file.
        target: String,
        /// Print the findings as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    // Customers' files are read in a child of this binary (see `isolate`).
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == isolate::CHILD_ARG)
    {
        return isolate::child_main();
    }
    isolate::use_child_process();
    let cli = Cli::parse();
    match cli.command {
        Command::Doctor { json } => run_doctor(json),
        Command::Drafts { command } => with_context(|ctx| drafts::run(ctx, command)),
        Command::Api { command } => api::run(command),
        Command::Lint { target, json } => with_context(|ctx| drafts::lint(ctx, &target, json)),
        Command::Submit {
            id,
            yes,
            by_hand,
            mark_submitted,
            account,
        } => with_context(|ctx| {
            account.apply(ctx)?;
            match (by_hand, mark_submitted) {
                (Some(folder), _) => sync::by_hand(ctx, &id, &folder, yes),
                (None, true) => sync::mark_submitted(ctx, &id, yes),
                (None, false) => sync::submit(ctx, &id, yes),
            }
        }),
        Command::Sync {
            once,
            json,
            account,
        } => with_context(|ctx| {
            account.apply(ctx)?;
            // The Demo marketplace: the running app's, or one served here while this runs.
            let _demo = sync::demo_if_needed(ctx)?;
            sync::sync(ctx, once, json)
        }),
        Command::Outbox { command, account } => with_context(|ctx| {
            account.apply(ctx)?;
            sync::outbox(ctx, command)
        }),
        Command::Applications { command, account } => with_context(|ctx| {
            account.apply(ctx)?;
            sync::applications(ctx, command)
        }),
        Command::Orders { command, account } => with_context(|ctx| {
            account.apply(ctx)?;
            orders::run(ctx, command)
        }),
        Command::Alerts { command, account } => with_context(|ctx| {
            account.apply(ctx)?;
            alerts::run(ctx, command)
        }),
        Command::Rebase { id, account } => with_context(|ctx| {
            account.apply(ctx)?;
            sync::rebase(ctx, &id)
        }),
        Command::Diff { id, json, account } => with_context(|ctx| {
            account.apply(ctx)?;
            sync::diff(ctx, &id, json)
        }),
        Command::Template { command } => match template::run(command) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("koodesk: {e}");
                ExitCode::from(2)
            }
        },
    }
}

/// Opens the data folder and runs `f`; errors are printed plainly with exit code 2.
fn with_context(f: impl FnOnce(&Context) -> Result<ExitCode, ApiError>) -> ExitCode {
    let result = DataDir::resolve()
        .and_then(Context::open)
        .and_then(|ctx| f(&ctx));
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("koodesk: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_doctor(json: bool) -> ExitCode {
    let data = match DataDir::resolve() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("koodesk: {e}");
            return ExitCode::from(2);
        }
    };
    let report = doctor::run(&data);
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("koodesk: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        print_report(&report);
    }
    if report.healthy() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn print_report(r: &DoctorReport) {
    let db = &r.database;
    let health = match db.health {
        doctor::DatabaseHealth::Ok => "ok",
        doctor::DatabaseHealth::NotCreated => "not created yet (the app creates it on first start)",
        doctor::DatabaseHealth::Damaged => "DAMAGED",
        doctor::DatabaseHealth::NewerVersion => "written by a newer Koodesk",
        doctor::DatabaseHealth::Error => "ERROR",
    };
    println!("Koodesk {} ({}/{})", r.koodesk_version, r.os, r.arch);
    println!("data folder   {} ({})", r.data_dir, r.data_dir_source);
    println!("log folder    {}", r.log_dir);
    println!("database      {}", db.path);
    println!("  health      {health}");
    if let (Some(v), Some(latest)) = (db.schema_version, db.latest_schema_version) {
        println!("  schema      {v} (latest {latest})");
    }
    if let Some(mode) = &db.journal_mode {
        println!("  journal     {mode}");
    }
    if let Some(msg) = &db.message {
        println!("  problem     {msg}");
    }
    println!("SQLite        {}", r.sqlite_version);
}
