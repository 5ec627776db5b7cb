//! `koodesk orders …`: the service-order desk from the command line, on the orders as last synced.

use std::process::ExitCode;

use clap::Subcommand;
use koodesk_api::orders::{self, OrderFilter, OrderRow};
use koodesk_api::{ApiError, Context, ErrorCode};
use koodesk_domain::supervision::Urgency;

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
    }
    Ok(ExitCode::SUCCESS)
}
