//! `koodesk orders …`: the service-order desk from the command line, on the orders as last synced.

use std::process::ExitCode;

use clap::Subcommand;
use koodesk_api::orders::{self, OrderActionInput, OrderFilter, OrderRow};
use koodesk_api::{ApiError, Context, ErrorCode};
use koodesk_domain::product::Attachment;
use koodesk_domain::supervision::{SellerAction, Urgency};

#[derive(Subcommand)]
pub enum OrdersCommand {
    /// The supervised orders, most pressing first (as of the last `koodesk sync`).
    List {
        /// Only the orders waiting for you.
        #[arg(long)]
        needs_me: bool,
        /// Only orders whose id, product or customer contains this.
        #[arg(long, default_value = "")]
        search: String,
        #[arg(long)]
        json: bool,
    },
    /// One order, whole: request, delivery, appeal, operation records.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// The customer's filled templates, read as the form they were made from (the file and the
    /// form's definition are fetched from the marketplace when this computer does not have them).
    Request {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Accept the customer's request (queued; `koodesk sync` sends it).
    Accept { id: String },
    /// Reject the customer's request, saying why.
    Reject {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Deliver the service: what was done, and the deliverables.
    Deliver {
        id: String,
        #[arg(long)]
        result: String,
        /// A deliverable (PDF, Word, Excel, PNG, JPEG); repeat for more.
        #[arg(long = "file", value_name = "PATH")]
        files: Vec<std::path::PathBuf>,
        /// When the service was enabled (2026-12-01T09:30:00Z); the usage period of a
        /// yearly/monthly order starts there.
        #[arg(long, value_name = "TIME")]
        enabled_at: Option<String>,
    },
    /// Appeal to KooGallery's operations (the flow freezes until they decide).
    Appeal {
        id: String,
        #[arg(long)]
        reason: String,
        /// A proof file; repeat for more.
        #[arg(long = "proof", value_name = "PATH")]
        proofs: Vec<std::path::PathBuf>,
        /// The customer cannot be reached (needs --letter).
        #[arg(long)]
        customer_unreachable: bool,
        /// The Letter of Commitment on Requesting Appeal Handling.
        #[arg(long, value_name = "PATH")]
        letter: Option<std::path::PathBuf>,
    },
}

/// A file of the seller's, stored in the data folder.
fn attach(ctx: &Context, path: &std::path::Path) -> Result<Attachment, ApiError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let size = std::fs::metadata(path)
        .map_err(|e| ApiError::invalid("file", format!("{}: {e}", path.display())))?
        .len();
    if size > koodesk_store::MAX_ATTACHMENT_BYTES as u64 {
        return Err(ApiError::invalid(
            "file",
            format!(
                "{} is larger than {} MB.",
                path.display(),
                koodesk_store::MAX_ATTACHMENT_BYTES / (1024 * 1024)
            ),
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| ApiError::invalid("file", format!("{}: {e}", path.display())))?;
    let v = koodesk_api::drafts::attach_bytes(ctx, &name, &bytes)?;
    serde_json::from_value(v).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

fn queue(ctx: &Context, id: &str, input: OrderActionInput) -> Result<ExitCode, ApiError> {
    let q = orders::act(ctx, id, &input)?;
    let files = if q.uploads > 0 {
        format!(" after {} upload(s)", q.uploads)
    } else {
        String::new()
    };
    println!(
        "queued   {:?} on {id}{files}; `koodesk sync` sends it",
        input.action
    );
    Ok(ExitCode::SUCCESS)
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, ApiError> {
    serde_json::to_string_pretty(v).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

/// "2 d 4 h", "35 min".
fn span(secs: i64) -> String {
    let s = secs.abs();
    let (d, h, m) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    if d > 0 {
        format!("{d} d {h} h")
    } else if h > 0 {
        format!("{h} h {m} min")
    } else {
        format!("{m} min")
    }
}

fn light(u: Urgency) -> &'static str {
    match u {
        Urgency::Appealable => "APPEALABLE",
        Urgency::Urgent => "red",
        Urgency::Soon => "amber",
        Urgency::Calm => "green",
        Urgency::TheirMove => "their move",
        Urgency::Frozen => "frozen",
        Urgency::Done => "done",
    }
}

fn line(r: &OrderRow) -> String {
    let when = match r.appeal_in_secs {
        Some(s) if s <= 0 => "the customer may appeal now".to_owned(),
        Some(s) => format!("customer may appeal in {}", span(s)),
        None => format!("quiet {}", span(r.idle_secs)),
    };
    format!(
        "{}  {:<10} {:<18} {:<9} {}  ({}; rejections {}/{}){}",
        r.order_id,
        light(r.urgency),
        serde_json::to_value(r.flow_state)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        format!("{:?}", r.waiting_for).to_lowercase(),
        r.product_name,
        when,
        r.seller_rejections,
        r.customer_rejections,
        if r.appeal_open { "  [appeal]" } else { "" }
    )
}

fn print_reading(r: &orders::RequestReading) {
    let form = match (&r.form_id, r.version) {
        (Some(id), Some(v)) => format!("form {id} v{v}"),
        _ => "form unknown".into(),
    };
    let source = match r.source {
        orders::FormSource::Local => "this computer's copy",
        orders::FormSource::Marketplace => "the marketplace's copy",
        orders::FormSource::None => "no copy",
    };
    println!(
        "{}  ({form}, {source}; {} problem(s))",
        r.file_name, r.problems
    );
    if let Some(e) = &r.error {
        println!("  cannot be read: {e}");
    }
    if let Some(n) = &r.note {
        println!("  note: {n}");
    }
    for a in &r.answers {
        let row = a.row.map(|n| format!(" #{n}")).unwrap_or_default();
        let problem = match (&a.problem, &a.location) {
            (Some(p), Some(l)) => format!("   ! {p} ({l})"),
            (Some(p), None) => format!("   ! {p}"),
            _ => String::new(),
        };
        println!("  {}{row} / {}: {}{problem}", a.section, a.label, a.value);
    }
}

pub fn run(ctx: &Context, cmd: OrdersCommand) -> Result<ExitCode, ApiError> {
    match cmd {
        OrdersCommand::List {
            needs_me,
            search,
            json: as_json,
        } => {
            let filter = if needs_me {
                OrderFilter::NeedsMe
            } else {
                OrderFilter::All
            };
            let rows = orders::list(ctx, filter, &search)?;
            if as_json {
                println!("{}", json(&rows)?);
            } else if rows.is_empty() {
                println!("no orders (run `koodesk sync` to fetch them)");
            } else {
                for r in &rows {
                    println!("{}", line(r));
                }
            }
        }
        OrdersCommand::Show { id, json: as_json } => {
            let o = orders::get(ctx, &id)?;
            if as_json {
                println!("{}", json(&o)?);
            } else {
                println!(
                    "{}  {}  for {}",
                    o.order_id, o.product_name, o.customer_name
                );
                println!(
                    "flow     {}  (waiting for {:?}; flow version {})",
                    o.flow_state.label(),
                    o.waiting_for,
                    o.flow_version
                );
                if let Some(r) = &o.request {
                    println!("request  {}  ({} file(s))", r.text, r.attachments.len());
                }
                if let Some(d) = &o.delivery {
                    println!("delivery {}", d.result_text);
                }
                if let Some(reason) = &o.appeal.reason {
                    println!("appeal   {:?}: {reason}", o.appeal.status);
                }
                for rec in &o.records {
                    println!(
                        "  {}  {:<10} {}{}",
                        rec.at,
                        format!("{:?}", rec.party).to_lowercase(),
                        rec.operation,
                        rec.text
                            .as_deref()
                            .map(|t| format!(": {t}"))
                            .unwrap_or_default()
                    );
                }
            }
        }
        OrdersCommand::Request { id, json: as_json } => {
            let readings = crate::sync::runtime()?.block_on(orders::read_request(ctx, &id))?;
            if as_json {
                println!("{}", json(&readings)?);
            } else if readings.is_empty() {
                println!("{id}: the customer sent no template");
            }
            for r in readings.iter().filter(|_| !as_json) {
                print_reading(r);
            }
        }
        OrdersCommand::Accept { id } => {
            return queue(ctx, &id, OrderActionInput::new(SellerAction::AcceptRequest))
        }
        OrdersCommand::Reject { id, reason } => {
            return queue(
                ctx,
                &id,
                OrderActionInput {
                    reason: Some(reason),
                    ..OrderActionInput::new(SellerAction::RejectRequest)
                },
            )
        }
        OrdersCommand::Deliver {
            id,
            result,
            files,
            enabled_at,
        } => {
            let deliverables = files
                .iter()
                .map(|p| attach(ctx, p))
                .collect::<Result<_, _>>()?;
            return queue(
                ctx,
                &id,
                OrderActionInput {
                    result_text: Some(result),
                    actual_enabling_time: enabled_at,
                    deliverables,
                    ..OrderActionInput::new(SellerAction::DeliverService)
                },
            );
        }
        OrdersCommand::Appeal {
            id,
            reason,
            proofs,
            customer_unreachable,
            letter,
        } => {
            let proofs = proofs
                .iter()
                .map(|p| attach(ctx, p))
                .collect::<Result<_, _>>()?;
            let commitment_letter = letter.as_deref().map(|p| attach(ctx, p)).transpose()?;
            return queue(
                ctx,
                &id,
                OrderActionInput {
                    reason: Some(reason),
                    proofs,
                    customer_unreachable,
                    commitment_letter,
                    ..OrderActionInput::new(SellerAction::InitiateAppeal)
                },
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
