//! Submitting and syncing. Submit lints the draft, makes the files of its form-based request
//! templates, and writes the submitted snapshot and the calls that carry it out (uploads, then the
//! application) in one transaction; the sync engine (`koodesk-sync`) sends them exactly once.

mod by_hand;
pub(crate) mod submit;
pub mod view;

pub use by_hand::{export_by_hand, mark_submitted_by_hand, ByHandExport};
pub use koodesk_sync::engine::now_ms;
pub use koodesk_sync::reach;
pub use submit::{pending_review, submit, GeneratedTemplate, SubmitResult};

use std::collections::HashMap;
use std::time::Duration;

use koodesk_domain::product::Product;
use koodesk_market::contract::{Application, LiveProduct};
use koodesk_market::{Client, ClientConfig};
use koodesk_store::{NewOutboxRow, OutboxRow, Store, SubmissionRow};
use koodesk_sync::{client_token, Call, Config, Engine, Report};
use serde::Serialize;

use crate::{ApiError, Context, ErrorCode};

impl From<koodesk_sync::SyncError> for ApiError {
    fn from(e: koodesk_sync::SyncError) -> Self {
        match e {
            koodesk_sync::SyncError::Store(e) => e.into(),
            koodesk_sync::SyncError::Market(e) => {
                ApiError::new(ErrorCode::Marketplace, e.to_string())
            }
            koodesk_sync::SyncError::Local(m) => ApiError::new(ErrorCode::Io, m),
            koodesk_sync::SyncError::Corrupt(m) => ApiError::new(ErrorCode::Storage, m),
        }
    }
}

/// The outbox row of a Services & support change carrying the seller's information as it is now.
pub(crate) fn support_row(ctx: &Context) -> Result<NewOutboxRow, ApiError> {
    let info = crate::drafts::support_info(ctx)?;
    let call = Call::SubmitSupportChange {
        support: serde_json::to_string(&info)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?,
    };
    Ok(NewOutboxRow {
        client_token: client_token(),
        op: call.op().into(),
        entity: "support".into(),
        waits_for: Vec::new(),
        params: call.params(),
    })
}

/// Queues the seller's Services & support information for KooGallery's review.
pub fn submit_support(ctx: &Context) -> Result<String, ApiError> {
    let row = support_row(ctx)?;
    let token = row.client_token.clone();
    ctx.store()?.enqueue(&ctx.account(), &[row])?;
    Ok(token)
}

/// The last Services & support change the marketplace answered, if any.
pub fn support_change(
    ctx: &Context,
) -> Result<Option<koodesk_market::contract::SupportChange>, ApiError> {
    Ok(ctx
        .store()?
        .sync_state(&ctx.account(), koodesk_sync::calls::SUPPORT_CHANGE)?
        .and_then(|j| serde_json::from_str(&j).ok()))
}

/// Queues the withdrawal of an application (by its marketplace id).
pub fn withdraw(ctx: &Context, application_id: &str) -> Result<String, ApiError> {
    let account = ctx.account();
    let store_ref = ctx.store()?;
    let known = store_ref
        .remote_applications(&account)?
        .into_iter()
        .find(|a| a.application_id == application_id);
    let submission = store_ref
        .submissions(&account)?
        .into_iter()
        .find(|s| s.application_id.as_deref() == Some(application_id));
    drop(store_ref);
    let Some(app) = known else {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("Application {application_id} is not known here yet; sync first."),
        ));
    };
    if app.status != "PENDING_APPROVAL" {
        return Err(ApiError::invalid(
            "application",
            format!(
                "Only an application pending review can be withdrawn; {application_id} is {}.",
                app.status.to_lowercase().replace('_', " ")
            ),
        ));
    }
    let call = Call::WithdrawApplication {
        submission_id: submission.map(|s| s.id),
        application_id: Some(application_id.to_owned()),
    };
    let token = client_token();
    let entity = match app.product_id {
        Some(p) => format!("product:{p}"),
        None => format!("application:{application_id}"),
    };
    ctx.store()?.enqueue(
        &account,
        &[NewOutboxRow {
            client_token: token.clone(),
            op: call.op().into(),
            entity,
            waits_for: Vec::new(),
            params: call.params(),
        }],
    )?;
    Ok(token)
}

/// One outbox row, for `koodesk outbox list` and the sync status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct OutboxItem {
    pub seq: i64,
    pub op: String,
    pub entity: String,
    pub state: String,
    pub attempts: u32,
    /// Unix ms; 0 = as soon as possible.
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub submission_id: Option<String>,
    pub created_at: String,
}

fn item(r: OutboxRow) -> OutboxItem {
    OutboxItem {
        seq: r.seq,
        op: r.op,
        entity: r.entity,
        state: r.state,
        attempts: r.attempts,
        next_attempt_at: r.next_attempt_at,
        last_error: r.last_error,
        submission_id: r.submission_id,
        created_at: r.created_at,
    }
}

pub fn outbox(ctx: &Context, all: bool) -> Result<Vec<OutboxItem>, ApiError> {
    Ok(ctx
        .store()?
        .outbox(&ctx.account(), all)?
        .into_iter()
        .map(item)
        .collect())
}

/// Sends a waiting row at the next pass, and lifts a pause (the seller says the keys are fixed).
pub fn retry(ctx: &Context, seq: i64) -> Result<(), ApiError> {
    let mut store = ctx.store()?;
    store.outbox_retry_now(seq)?;
    store.set_sync_state(&ctx.account(), koodesk_sync::engine::keys::PAUSED, None)?;
    Ok(())
}

/// Gives up a row by hand; what waits for it is given up too, and its submission needs attention.
pub fn discard(ctx: &Context, seq: i64) -> Result<(), ApiError> {
    let mut store = ctx.store()?;
    let row = store.outbox_row(seq)?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            format!("There is no outbox row {seq}."),
        )
    })?;
    let effects = match &row.submission_id {
        Some(id) => vec![koodesk_store::Effect::Submission {
            id: id.clone(),
            state: "discarded".into(),
            application_id: None,
            message: Some("Sending was given up by hand.".into()),
        }],
        None => Vec::new(),
    };
    store.outbox_discard(seq, &effects)?;
    Ok(())
}

/// An application as the Applications page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApplicationView {
    pub application: Application,
    /// The local draft it was submitted from, when it was submitted from here.
    pub draft_id: Option<String>,
}

pub fn applications(ctx: &Context) -> Result<Vec<ApplicationView>, ApiError> {
    let store = ctx.store()?;
    let account = ctx.account();
    let subs: HashMap<String, SubmissionRow> = store
        .submissions(&account)?
        .into_iter()
        .filter_map(|s| s.application_id.clone().map(|id| (id, s)))
        .collect();
    let mut out = Vec::new();
    for a in store.remote_applications(&account)? {
        let Ok(app) = serde_json::from_str::<Application>(&a.json) else {
            continue;
        };
        out.push(ApplicationView {
            draft_id: subs.get(&app.application_id).map(|s| s.draft_id.clone()),
            application: app,
        });
    }
    Ok(out)
}

/// The account's live products as last pulled.
pub fn remote_products(ctx: &Context) -> Result<Vec<LiveProduct>, ApiError> {
    Ok(ctx
        .store()?
        .remote_products(&ctx.account())?
        .into_iter()
        .filter_map(|p| serde_json::from_str(&p.json).ok())
        .collect())
}

/// A draft's submissions, newest first.
pub fn submissions(ctx: &Context, draft_id: &str) -> Result<Vec<SubmissionRow>, ApiError> {
    Ok(ctx.store()?.submissions_of(draft_id)?)
}

/// The engine of one account over its own connection to the data folder's database (the app
/// keeps one alive between passes; the CLI makes one per run).
pub type AccountEngine = Engine<Client>;

pub fn engine_for(
    ctx: &Context,
    account: &str,
    engine: Config,
    client: ClientConfig,
) -> Result<AccountEngine, ApiError> {
    let (site, creds) = crate::accounts::endpoint(ctx, account)?;
    let client =
        Client::new(&site, creds, client).map_err(|e| ApiError::invalid("site", e.to_string()))?;
    let store = Store::open(&ctx.data_dir().database())?;
    Ok(Engine::new(
        store,
        client,
        account,
        ctx.data_dir().attachments(),
        engine,
    ))
}

/// How a sync run is carried out.
#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    /// Keep passing until nothing is open, at most this long; `None`: one pass.
    pub until_idle: Option<Duration>,
    pub engine: Config,
    pub client: ClientConfig,
}

/// Runs the engine for an account (default: the current one) over its own connection to the
/// data folder's database: sends what is due and pulls (always: the seller asked for it).
pub async fn sync_account(
    ctx: &Context,
    account: Option<&str>,
    opts: SyncOptions,
) -> Result<Report, ApiError> {
    let account = account.map(str::to_owned).unwrap_or_else(|| ctx.account());
    let mut engine = engine_for(ctx, &account, opts.engine, opts.client)?;
    engine.request_pull();
    let report = match opts.until_idle {
        Some(d) => engine.run_until_idle(d).await,
        None => engine.pass().await,
    };
    let _ = engine.release();
    Ok(report?)
}

/// The three copies of a draft's product side by side: the draft, its last submitted snapshot,
/// and the live product as last pulled (or as the draft was made from).
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ThreeWayView {
    pub draft_id: String,
    pub submission: Option<SubmissionSummary>,
    /// The marketplace product the copies belong to, when there is one.
    pub live_product_id: Option<String>,
    /// Whether a live copy exists (a release never approved has none).
    pub has_live: bool,
    pub rows: Vec<koodesk_domain::diff::ThreeWay>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct SubmissionSummary {
    pub id: String,
    pub state: String,
    pub submitted_at: String,
    pub application_id: Option<String>,
    pub message: Option<String>,
}

pub fn three_way(ctx: &Context, draft_id: &str) -> Result<ThreeWayView, ApiError> {
    let (_, doc) = crate::drafts::load(ctx, draft_id)?;
    let latest = ctx.store()?.submissions_of(draft_id)?.into_iter().next();
    let submitted: Product = match &latest {
        Some(s) => serde_json::from_str(&s.snapshot)
            .map_err(|e| ApiError::new(ErrorCode::Storage, format!("submission {}: {e}", s.id)))?,
        None => doc.product.clone(),
    };
    // The live product: the one the draft modifies, or the one its release became.
    let released = latest
        .as_ref()
        .and_then(|s| s.application_id.clone())
        .and_then(|app| {
            applications(ctx)
                .ok()?
                .into_iter()
                .find(|a| a.application.application_id == app)
                .and_then(|a| a.application.product_id)
        });
    let live_product_id = doc.live_product_id.clone().or(released);
    let pulled = match &live_product_id {
        Some(id) => remote_products(ctx)?
            .into_iter()
            .find(|p| &p.product_id == id)
            .map(|p| p.product),
        None => None,
    };
    let live = pulled.or_else(|| doc.live.clone());
    let has_live = live.is_some();
    let live = live.unwrap_or_else(|| submitted.clone());
    Ok(ThreeWayView {
        draft_id: draft_id.to_owned(),
        submission: latest.map(|s| SubmissionSummary {
            id: s.id,
            state: s.state,
            submitted_at: s.submitted_at,
            application_id: s.application_id,
            message: s.message,
        }),
        live_product_id,
        has_live,
        rows: koodesk_domain::diff::three_way(&doc.product, &submitted, &live),
    })
}
