//! `koodesk drafts …` and `koodesk lint …`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use koodesk_api::dto::{DeliveryMethod, DraftFilter, DraftKind, DraftState, FindingDto, Severity};
use koodesk_api::{drafts, ApiError, Context, ErrorCode};

#[derive(Subcommand)]
pub enum DraftsCommand {
    /// List drafts, newest change first.
    List {
        /// Only drafts whose name, overview, description or highlights contain these words.
        #[arg(long, short)]
        search: Option<String>,
        /// Only this delivery method (professional_service, license, saas, image, hardware,
        /// consulting_service).
        #[arg(long)]
        method: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Print a draft's document (the public draft JSON) and its lint summary.
    Show { id: String },
    /// Write a draft to a JSON file.
    Export {
        id: String,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Add a draft from a JSON file (it gets a new id).
    Import { file: PathBuf },
}

fn read(path: &Path) -> Result<String, ApiError> {
    std::fs::read_to_string(path).map_err(|e| {
        ApiError::new(
            ErrorCode::Io,
            format!("cannot read {}: {e}", path.display()),
        )
    })
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, ApiError> {
    serde_json::to_string_pretty(v).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

pub fn run(ctx: &Context, cmd: DraftsCommand) -> Result<ExitCode, ApiError> {
    match cmd {
        DraftsCommand::List {
            search,
            method,
            json: as_json,
        } => {
            let method = match method.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(tag) => Some(DeliveryMethod::from_tag(tag).ok_or_else(|| {
                    ApiError::invalid(
                        "method",
                        format!(
                            "unknown delivery method {tag:?}: use one of {}",
                            DeliveryMethod::ALL.map(|m| m.tag()).join(", ")
                        ),
                    )
                })?),
            };
            let items = drafts::list(
                ctx,
                &DraftFilter {
                    query: search,
                    delivery_method: method,
                    state: None,
                },
            )?;
            if as_json {
                println!("{}", json(&items)?);
            } else if items.is_empty() {
                println!("no drafts");
            } else {
                println!(
                    "{:<34}  {:<12}  {:<20}  {:<10}  NAME",
                    "ID", "KIND", "METHOD", "STATE"
                );
                for d in items {
                    let state = match d.state {
                        DraftState::HasErrors => format!("{} errors", d.errors),
                        DraftState::Ready => "ready".into(),
                        DraftState::Submitted => "submitted".into(),
                    };
                    let name = if d.name.is_empty() {
                        "(untitled)".into()
                    } else {
                        d.name
                    };
                    println!(
                        "{:<34}  {:<12}  {:<20}  {:<10}  {name}",
                        d.id,
                        match d.kind {
                            DraftKind::Release => "release",
                            DraftKind::Modification => "modification",
                        },
                        d.delivery_method.tag(),
                        state
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        DraftsCommand::Show { id } => {
            let v = drafts::get(ctx, &id)?;
            println!("{}", json(&v.doc)?);
            eprintln!(
                "revision {}, {} errors, {} warnings",
                v.revision, v.errors, v.warnings
            );
            Ok(ExitCode::SUCCESS)
        }
        DraftsCommand::Export { id, output } => {
            let text = drafts::export(ctx, &id)?;
            std::fs::write(&output, text + "\n").map_err(|e| {
                ApiError::new(
                    ErrorCode::Io,
                    format!("cannot write {}: {e}", output.display()),
                )
            })?;
            eprintln!("exported {id} to {}", output.display());
            Ok(ExitCode::SUCCESS)
        }
        DraftsCommand::Import { file } => {
            let v = drafts::import(ctx, &read(&file)?)?;
            println!("{}", v.id);
            eprintln!(
                "imported as {} ({} errors, {} warnings)",
                v.id, v.errors, v.warnings
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `koodesk lint ID|FILE.json`: exit 1 when there are blocking errors.
pub fn lint(ctx: &Context, target: &str, as_json: bool) -> Result<ExitCode, ApiError> {
    let path = Path::new(target);
    let findings: Vec<FindingDto> =
        if path.extension().is_some_and(|e| e == "json") || path.is_file() {
            drafts::lint_text(ctx, &read(path)?)?
        } else {
            drafts::get(ctx, target)?.findings
        };
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if as_json {
        println!("{}", json(&findings)?);
    } else {
        for f in &findings {
            let sev = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            println!("{sev:<7}  {:<40}  {}  [{}]", f.path, f.en, f.rule);
        }
        println!("{errors} errors, {} warnings", findings.len() - errors);
    }
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
