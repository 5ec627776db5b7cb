//! `koodesk api request`: a signed request to a KooGallery gateway, like `curl -v` for APIG
//! app authentication.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use koodesk_api::raw::{self, RawRequest};
use koodesk_market::sign::parse_sdk_date;

#[derive(Subcommand)]
pub enum ApiCommand {
    /// Send one signed request and print the answer (or, with --dry-run, what would be sent).
    Request(RequestArgs),
}

#[derive(Args)]
pub struct RequestArgs {
    /// intl, eu, or a base URL (HTTPS; plain HTTP only on 127.0.0.1 / localhost). Default: the
    /// current account's site.
    #[arg(long)]
    site: Option<String>,
    /// HTTP method.
    #[arg(long, default_value = "GET")]
    method: String,
    /// The path, raw (not percent-encoded), e.g. /api/mkp-openapi-public/global/v1/order/query.
    #[arg(long)]
    path: String,
    /// A query parameter, raw: --query orderId=MOCKPERIODYEARNEW (repeatable).
    #[arg(long = "query", value_name = "K=V")]
    query: Vec<String>,
    /// A header to send and sign: --header 'Content-Type: application/json' (repeatable).
    #[arg(long = "header", value_name = "NAME: VALUE")]
    header: Vec<String>,
    /// Send this file as the body.
    #[arg(long, value_name = "FILE")]
    body: Option<std::path::PathBuf>,
    /// Sign with this X-Sdk-Date (YYYYMMDDTHHMMSSZ) instead of the current time.
    #[arg(long, value_name = "YYYYMMDDTHHMMSSZ")]
    sdk_date: Option<String>,
    /// Print the signed request instead of sending it.
    #[arg(long)]
    dry_run: bool,
}

pub fn run(cmd: ApiCommand) -> ExitCode {
    match cmd {
        ApiCommand::Request(args) => match request(args) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("koodesk: {e}");
                ExitCode::from(2)
            }
        },
    }
}

fn request(a: RequestArgs) -> Result<ExitCode, String> {
    let mut req = RawRequest {
        site: a.site.clone(),
        method: a.method.clone(),
        path: a.path.clone(),
        sdk_date: a.sdk_date.clone(),
        ..RawRequest::default()
    };
    for q in &a.query {
        let (k, v) = q.split_once('=').unwrap_or((q.as_str(), ""));
        req.query.push((k.to_owned(), v.to_owned()));
    }
    for h in &a.header {
        let (name, value) = h
            .split_once(':')
            .ok_or_else(|| format!("--header {h:?} is not 'Name: value'"))?;
        if name.trim().is_empty() {
            return Err(format!("--header {h:?} has no name"));
        }
        req.headers.push((name.to_owned(), value.to_owned()));
    }
    if let Some(d) = &a.sdk_date {
        if parse_sdk_date(d).is_none() {
            return Err(format!("--sdk-date {d:?} is not YYYYMMDDTHHMMSSZ"));
        }
    }
    if let Some(p) = &a.body {
        req.body = std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
    }
    let mut out = std::io::stdout().lock();
    if a.dry_run {
        let (url, signed) = raw::sign(&req).map_err(|e| e.to_string())?;
        let mut text = format!("{} {url}\n", signed.method);
        for (n, v) in signed.headers.iter() {
            text.push_str(&format!("{n}: {v}\n"));
        }
        text.push('\n');
        out.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
        out.write_all(&req.body).map_err(|e| e.to_string())?;
        return Ok(ExitCode::SUCCESS);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let resp = runtime
        .block_on(raw::send(&req))
        .map_err(|e| e.to_string())?;
    let mut text = format!("HTTP {}\n", resp.status);
    for (n, v) in &resp.headers {
        text.push_str(&format!("{n}: {v}\n"));
    }
    text.push('\n');
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    out.write_all(&resp.body).map_err(|e| e.to_string())?;
    if !resp.body.ends_with(b"\n") {
        out.write_all(b"\n").map_err(|e| e.to_string())?;
    }
    Ok(if (200..300).contains(&resp.status) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
