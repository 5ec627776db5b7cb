//! `koodesk api request`: a signed request to a KooGallery gateway, like `curl -v` for APIG
//! app authentication.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use koodesk_api::paths::DataDir;
use koodesk_api::{accounts, Context};
use koodesk_market::sign::{parse_sdk_date, Headers};
use koodesk_market::{Client, ClientConfig, Credentials, RequestSpec, Site};

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

/// The key pair (and the account's site): `KOODESK_AK`/`KOODESK_SK` when set, else the current
/// account's keys from the OS keychain.
fn credentials() -> Result<(Option<Site>, Credentials), String> {
    if let (Ok(ak), Ok(sk)) = (std::env::var("KOODESK_AK"), std::env::var("KOODESK_SK")) {
        if !ak.is_empty() && !sk.is_empty() {
            return Ok((None, Credentials::new(ak, sk)));
        }
    }
    let ctx = DataDir::resolve()
        .and_then(Context::open)
        .map_err(|e| e.to_string())?;
    let account = ctx.account();
    let (site, creds) = accounts::endpoint(&ctx, &account).map_err(|e| {
        format!(
            "no access key: set KOODESK_AK and KOODESK_SK, or choose a KooGallery account in the \
             app (Settings, Marketplace accounts). {e}"
        )
    })?;
    Ok((Some(site), creds))
}

fn request(a: RequestArgs) -> Result<ExitCode, String> {
    let (account_site, creds) = credentials()?;
    let site = match (&a.site, account_site) {
        (Some(s), _) => Site::parse(s).map_err(|e| e.to_string())?,
        (None, Some(s)) => s,
        (None, None) => Site::International,
    };
    let mut query = Vec::new();
    for q in &a.query {
        let (k, v) = q.split_once('=').unwrap_or((q.as_str(), ""));
        query.push((k.to_owned(), v.to_owned()));
    }
    let mut headers = Headers::new();
    for h in &a.header {
        let (name, value) = h
            .split_once(':')
            .ok_or_else(|| format!("--header {h:?} is not 'Name: value'"))?;
        let name = name.trim();
        if name.is_empty() {
            return Err(format!("--header {h:?} has no name"));
        }
        headers.set(name, value.trim());
    }
    if let Some(d) = &a.sdk_date {
        if parse_sdk_date(d).is_none() {
            return Err(format!("--sdk-date {d:?} is not YYYYMMDDTHHMMSSZ"));
        }
        headers.set("X-Sdk-Date", d.as_str());
    }
    let body = match &a.body {
        Some(p) => std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?,
        None => Vec::new(),
    };
    let spec = RequestSpec {
        method: a.method.to_uppercase(),
        path: a.path.clone(),
        query,
        headers,
        body,
    };
    let client = Client::new(&site, creds, ClientConfig::default()).map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    if a.dry_run {
        let (url, signed) = client
            .sign(&spec, time::OffsetDateTime::now_utc())
            .map_err(|e| e.to_string())?;
        let mut text = format!("{} {url}\n", signed.method);
        for (n, v) in signed.headers.iter() {
            text.push_str(&format!("{n}: {v}\n"));
        }
        text.push('\n');
        out.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
        out.write_all(&spec.body).map_err(|e| e.to_string())?;
        return Ok(ExitCode::SUCCESS);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let resp = runtime
        .block_on(client.send(&spec))
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
