//! `koodesk submit`, `koodesk sync`, `koodesk outbox …`, `koodesk applications …`, `koodesk diff`:
//! the sync engine from the command line, on the same data folder as the app.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use koodesk_api::context::LOCAL_ACCOUNT;
use koodesk_api::sync::{self, SyncOptions};
use koodesk_api::{accounts, demo, ApiError, Context, ErrorCode};

/// Which account a command works for.
#[derive(Args, Clone)]
pub struct AccountArg {
    /// The account (id or name; `demo` for the Demo marketplace). Default: the current account.
    #[arg(long, global = true)]
    account: Option<String>,
}

impl AccountArg {
    pub fn apply(&self, ctx: &Context) -> Result<(), ApiError> {
        match &self.account {
            Some(a) => accounts::select(ctx, a),
            None => Ok(()),
        }
    }
}

/// For the Demo marketplace account: the app's Demo marketplace when it runs, else one started
/// in this process from the same state (it stops when the value is dropped).
pub fn demo_if_needed(ctx: &Context) -> Result<Option<demo::Attached>, ApiError> {
    if ctx.account() != LOCAL_ACCOUNT {
        return Ok(None);
    }
    let attached = demo::attach_or_start(ctx)?;
    match &attached {
        demo::Attached::App { base_url } => {
            eprintln!("using the Demo marketplace of the running app ({base_url})")
        }
        demo::Attached::Own(b) => eprintln!(
            "the app is not running: the Demo marketplace runs in this command ({})",
            b.base_url
        ),
    }
    Ok(Some(attached))
}

#[derive(Subcommand)]
pub enum OutboxCommand {
    /// What is waiting to be sent (with --all, also what was sent, refused or discarded).
    List {
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Send a waiting row at the next sync instead of after its back-off (and resume a paused
    /// account).
    Retry { seq: i64 },
    /// Give a row up; what waits for it is given up too.
    Discard { seq: i64 },
}

#[derive(Subcommand)]
pub enum ApplicationsCommand {
    /// The account's applications as last synced (My Applications).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Queue the withdrawal of an application pending review.
    Withdraw { id: String },
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, ApiError> {
    serde_json::to_string_pretty(v).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, ApiError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("cannot start: {e}")))
}

pub fn submit(ctx: &Context, id: &str, yes: bool) -> Result<ExitCode, ApiError> {
    let r = sync::submit(ctx, id, yes)?;
    for w in &r.warnings {
        println!("warning  {}  {}", w.path, w.en);
    }
    for g in &r.generated {
        println!(
            "made     {} (form {} version {}, {})",
            g.file_name, g.form_id, g.form_version, g.lang
        );
    }
    println!(
        "queued   submission {}: {} upload(s) and the application; `koodesk sync` sends them",
        r.submission_id, r.uploads
    );
    Ok(ExitCode::SUCCESS)
}

pub fn by_hand(
    ctx: &Context,
    id: &str,
    folder: &std::path::Path,
    yes: bool,
) -> Result<ExitCode, ApiError> {
    let r = sync::export_by_hand(ctx, id, folder, yes)?;
    println!("wrote    {}", r.guide);
    for f in &r.files {
        println!("file     {}/files/{f}", r.folder);
    }
    println!(
        "then     submit in the KooGallery console and run `koodesk submit {id} --mark-submitted`"
    );
    Ok(ExitCode::SUCCESS)
}

pub fn mark_submitted(ctx: &Context, id: &str, yes: bool) -> Result<ExitCode, ApiError> {
    let s = sync::mark_submitted_by_hand(ctx, id, yes)?;
    println!("recorded submission {s} as submitted by hand");
    Ok(ExitCode::SUCCESS)
}

/// Exit codes: 0 nothing left to send; 3 calls still waiting (offline, or backing off); 4 the
/// account's keys were refused (paused); 5 another Koodesk is sending for this data folder.
pub fn sync(ctx: &Context, once: bool, as_json: bool) -> Result<ExitCode, ApiError> {
    let rt = runtime()?;
    loop {
        let report = rt.block_on(sync::sync_account(
            ctx,
            None,
            SyncOptions {
                until_idle: Some(Duration::from_secs(if once { 120 } else { 30 })),
                ..Default::default()
            },
        ))?;
        if as_json {
            println!("{}", serde_json::to_string(&report).unwrap_or_default());
        } else {
            let mut line = format!(
                "sent {} (done {}, refused {}, to retry {}), {} waiting",
                report.sent, report.done, report.rejected, report.retrying, report.open
            );
            if report.pulled {
                line.push_str(", pulled");
            }
            println!("{line}");
            if let Some(why) = &report.offline {
                println!("offline  {why}");
            }
            if let Some(why) = &report.paused {
                println!("paused   {why}");
            }
            if let Some(holder) = &report.busy {
                println!("busy     another Koodesk ({holder}) is sending for this data folder");
            }
            if let Some(e) = &report.pull_error {
                println!("pull     {e}");
            }
        }
        let code = if report.busy.is_some() {
            5
        } else if report.paused.is_some() {
            4
        } else if report.open > 0 {
            3
        } else {
            0
        };
        if once {
            return Ok(ExitCode::from(code));
        }
        std::thread::sleep(Duration::from_secs(30));
    }
}

pub fn outbox(ctx: &Context, cmd: OutboxCommand) -> Result<ExitCode, ApiError> {
    match cmd {
        OutboxCommand::List { all, json: as_json } => {
            let items = sync::outbox(ctx, all)?;
            if as_json {
                println!("{}", json(&items)?);
            } else if items.is_empty() {
                println!("nothing waiting to be sent");
            } else {
                for i in items {
                    println!(
                        "{:>5}  {:<10} {:<20} {:<44} attempts {}{}",
                        i.seq,
                        i.state,
                        i.op,
                        i.entity,
                        i.attempts,
                        i.last_error.map(|e| format!("  — {e}")).unwrap_or_default()
                    );
                }
            }
        }
        OutboxCommand::Retry { seq } => {
            sync::retry(ctx, seq)?;
            println!("row {seq} goes at the next sync");
        }
        OutboxCommand::Discard { seq } => {
            sync::discard(ctx, seq)?;
            println!("row {seq} discarded");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn applications(ctx: &Context, cmd: ApplicationsCommand) -> Result<ExitCode, ApiError> {
    match cmd {
        ApplicationsCommand::List { json: as_json } => {
            let apps = sync::applications(ctx)?;
            if as_json {
                println!("{}", json(&apps)?);
            } else if apps.is_empty() {
                println!("no applications known (run `koodesk sync`)");
            } else {
                for a in apps {
                    let x = &a.application;
                    let status = serde_json::to_value(x.status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    println!(
                        "{}  {:<16} {:<12} {}  submitted {}",
                        x.application_id,
                        status,
                        format!("{:?}", x.r#type).to_lowercase(),
                        x.product_name,
                        x.submitted_at
                    );
                    for c in &x.review_comments {
                        println!(
                            "    {}{}",
                            c.field
                                .as_deref()
                                .map(|f| format!("{f}: "))
                                .unwrap_or_default(),
                            c.message
                        );
                    }
                }
            }
        }
        ApplicationsCommand::Withdraw { id } => {
            sync::withdraw(ctx, &id)?;
            println!("withdrawal of {id} queued; `koodesk sync` sends it");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn show(v: &Option<serde_json::Value>) -> String {
    match v {
        None => "—".into(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

pub fn diff(ctx: &Context, id: &str, as_json: bool) -> Result<ExitCode, ApiError> {
    let view = sync::three_way(ctx, id)?;
    if as_json {
        println!("{}", json(&view)?);
        return Ok(ExitCode::SUCCESS);
    }
    match &view.submission {
        Some(s) => println!(
            "submitted {} ({}{})",
            s.submitted_at,
            s.state,
            s.message
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default()
        ),
        None => println!("not submitted yet"),
    }
    if !view.has_live {
        println!("no live product yet");
    }
    if view.rows.is_empty() {
        println!("the draft, the submitted snapshot and the live product are the same");
    }
    for r in &view.rows {
        println!("{}{}", if r.pricing { "$ " } else { "  " }, r.path);
        println!("    draft      {}", show(&r.draft));
        println!("    submitted  {}", show(&r.submitted));
        println!("    live       {}", show(&r.live));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn rebase(ctx: &Context, id: &str) -> Result<ExitCode, ApiError> {
    let r = koodesk_api::drafts::rebase_on_live(ctx, id)?;
    println!(
        "rebased  from live version {} onto version {} (revision {})",
        r.from_version
            .map(|v| v.to_string())
            .unwrap_or_else(|| "?".into()),
        r.to_version,
        r.draft.revision
    );
    for c in &r.conflicts {
        println!("conflict {}", c.path);
        println!("    yours (kept) {}", show(&c.mine));
        println!("    live now     {}", show(&c.theirs));
        println!("    was          {}", show(&c.base));
    }
    Ok(ExitCode::SUCCESS)
}
