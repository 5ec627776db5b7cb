//! Submitting and syncing. Submit lints the draft, makes the files of its form-based request
//! templates, and writes the submitted snapshot and the calls that carry it out (uploads, then the
//! application) in one transaction; the sync engine (`koodesk-sync`) sends them exactly once.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use koodesk_domain::draft::{DraftDocument, DraftKind};
use koodesk_domain::form::{RequestForm, Text};
use koodesk_domain::lint::{self, Severity};
use koodesk_domain::product::{Attachment, Delivery, Product};
use koodesk_market::contract::{
    attachment_id, Application, ApplicationStatus, AttachmentKind, LiveProduct, FORM_CONTENT_TYPE,
};
use koodesk_market::{Client, ClientConfig};
use koodesk_store::{NewOutboxRow, NewSubmission, OutboxRow, Store, SubmissionRow};
use koodesk_sync::{client_token, submission, Call, Config, Engine, Report};
use serde::Serialize;

use crate::drafts::{finding_dto, support_info};
use crate::dto::FindingDto;
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

/// A request template file made at submit time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct GeneratedTemplate {
    pub form_id: String,
    pub form_version: u32,
    pub lang: String,
    pub file_name: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct SubmitResult {
    pub submission_id: String,
    pub draft_id: String,
    /// Calls queued: uploads plus the application.
    pub calls: u32,
    pub uploads: u32,
    pub generated: Vec<GeneratedTemplate>,
    /// The warnings the seller accepted.
    pub warnings: Vec<FindingDto>,
}

/// The entity a product's calls belong to: calls for one product go strictly in order.
fn product_entity(doc: &DraftDocument, draft_id: &str) -> String {
    match (&doc.kind, &doc.live_product_id) {
        (DraftKind::Modification, Some(live)) => format!("product:{live}"),
        _ => format!("draft:{draft_id}"),
    }
}

/// The languages a form speaks, English first.
fn form_languages(form: &RequestForm) -> Vec<String> {
    match &form.title {
        Text::Plain(_) => vec!["en".into()],
        Text::Localized(m) => {
            let mut langs: Vec<String> = m
                .keys()
                .filter(|k| matches!(k.as_str(), "en" | "zh-CN"))
                .cloned()
                .collect();
            langs.sort_by_key(|l| l != "en");
            if langs.is_empty() {
                langs.push("en".into());
            }
            langs
        }
    }
}

fn language_name(lang: &str) -> &'static str {
    if lang == "zh-CN" {
        "简体中文"
    } else {
        "English"
    }
}

/// What generating the request templates made.
#[derive(Default)]
struct Generated {
    files: Vec<GeneratedTemplate>,
    /// The forms' definitions, attached beside the files.
    definitions: Vec<Attachment>,
    /// The form versions files were made from.
    issued: Vec<(String, u32)>,
}

/// Makes the files of the product's form-based request templates: an Excel file per language of
/// the form, from the form's newest version, which is marked issued. The first language's file
/// becomes the template's file; each further language follows as its own template with the same
/// form (copies made by an earlier submission are made again, never doubled). The form's
/// definition is attached too, so the marketplace can read the filled files.
fn generate_templates(
    ctx: &Context,
    account: &str,
    product: &mut Product,
) -> Result<Generated, ApiError> {
    let Delivery::ProfessionalService {
        request_templates, ..
    } = &mut product.basic.delivery
    else {
        return Ok(Default::default());
    };
    let dir = ctx.data_dir().attachments();
    let mut generated = Vec::new();
    let mut definitions = Vec::new();
    let mut issued = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for t in request_templates.drain(..) {
        let Some(form_id) = t.form_id.clone() else {
            out.push(t);
            continue;
        };
        if !seen.insert(form_id.clone()) {
            continue; // a language copy made by an earlier submission
        }
        let row = ctx.store()?.form(account, &form_id, None)?.ok_or_else(|| {
            ApiError::invalid(
                "product.basic.delivery.request_templates",
                format!(
                    "The request template \"{}\" uses the request form {form_id}, which is not in this account.",
                    t.title
                ),
            )
        })?;
        let form = RequestForm::from_json(&row.doc)
            .map_err(|e| ApiError::new(ErrorCode::Storage, format!("form {form_id}: {e}")))?;
        for (i, lang) in form_languages(&form).into_iter().enumerate() {
            let bytes =
                crate::templates::generate(&form, crate::templates::Format::Xlsx, &lang, None)?;
            let file_name = format!("{}-v{}-{lang}.xlsx", form.id, form.version);
            let a = ctx.store()?.put_attachment(&dir, &file_name, &bytes)?;
            generated.push(GeneratedTemplate {
                form_id: form.id.clone(),
                form_version: form.version,
                lang: lang.clone(),
                file_name,
                sha256: a.sha256.clone(),
            });
            let mut copy = t.clone();
            if i > 0 {
                copy.title = format!("{} ({})", t.title, language_name(&lang));
            }
            copy.file = Some(a);
            out.push(copy);
        }
        let def = serde_json::to_vec_pretty(&form)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        let def_name = format!("{}-v{}.form.json", form.id, form.version);
        definitions.push(ctx.store()?.put_attachment(&dir, &def_name, &def)?);
        issued.push((form.id.clone(), form.version));
    }
    *request_templates = out;
    Ok(Generated {
        files: generated,
        definitions,
        issued,
    })
}

fn attachment_kind(field: &str) -> AttachmentKind {
    match field {
        "product.basic.logo" => AttachmentKind::Logo,
        "product.basic.delivery.request_templates" => AttachmentKind::Template,
        _ => AttachmentKind::Other,
    }
}

/// The application a draft has waiting for review (or about to be sent), if any.
pub fn pending_review(ctx: &Context, draft_id: &str) -> Result<Option<String>, ApiError> {
    let store = ctx.store()?;
    let apps: HashMap<String, Application> = store
        .remote_applications(&ctx.account())?
        .into_iter()
        .filter_map(|a| {
            serde_json::from_str(&a.json)
                .ok()
                .map(|j| (a.application_id, j))
        })
        .collect();
    for s in store.submissions_of(draft_id)? {
        match (s.state.as_str(), &s.application_id) {
            ("queued", _) => {
                return Ok(Some(format!(
                    "submitted {} and waiting to be sent",
                    s.submitted_at
                )))
            }
            ("sent", Some(id)) => {
                if let Some(a) = apps.get(id) {
                    if a.status == ApplicationStatus::PendingApproval {
                        return Ok(Some(format!("under review since {}", a.submitted_at)));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(None)
}

/// Submits a draft: see the module's documentation. Blocking lint errors refuse it; warnings
/// refuse it unless `accept_warnings`.
pub fn submit(
    ctx: &Context,
    draft_id: &str,
    accept_warnings: bool,
) -> Result<SubmitResult, ApiError> {
    let account = ctx.account();
    let row = ctx.store()?.draft(draft_id)?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            format!("There is no draft {draft_id}."),
        )
    })?;
    let doc = DraftDocument::from_json(&row.doc)
        .map_err(|e| ApiError::new(ErrorCode::Storage, format!("draft {draft_id}: {e}")))?;
    let findings = lint::lint(&doc, &support_info(ctx)?, ctx.rules());
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if let Some(first) = errors.first() {
        return Err(ApiError::invalid(
            first.path.clone(),
            format!(
                "Fix the {} blocking problem(s) before submitting; the first: {}",
                errors.len(),
                first.message.en
            ),
        ));
    }
    let warnings: Vec<FindingDto> = findings
        .into_iter()
        .filter(|f| f.severity == Severity::Warning)
        .map(finding_dto)
        .collect();
    if !warnings.is_empty() && !accept_warnings {
        return Err(ApiError::invalid(
            "warnings",
            format!(
                "The draft has {} warning(s); look at them and confirm to submit anyway.",
                warnings.len()
            ),
        ));
    }
    if let Some(why) = pending_review(ctx, draft_id)? {
        return Err(ApiError::invalid(
            "draft",
            format!("KooGallery reviews one application per product at a time: this one is {why}."),
        ));
    }
    let mut product = doc.product.clone();
    let Generated {
        files: generated,
        definitions,
        issued,
    } = generate_templates(ctx, &account, &mut product)?;
    let submission_id = client_token();
    let open_uploads: BTreeMap<String, String> = ctx
        .store()?
        .outbox(&account, false)?
        .into_iter()
        .filter_map(|r| match Call::from_row(&r) {
            Ok(Call::UploadAttachment { sha256, .. }) => Some((sha256, r.client_token)),
            _ => None,
        })
        .collect();
    let mut files: Vec<submission::File<'_>> = product
        .attachments()
        .into_iter()
        .map(|(field, a)| submission::File {
            kind: attachment_kind(field),
            attachment: a,
            content_type: a.media_type.as_str(),
        })
        .collect();
    files.extend(definitions.iter().map(|a| submission::File {
        kind: AttachmentKind::Other,
        attachment: a,
        content_type: FORM_CONTENT_TYPE,
    }));
    let uploaded: std::collections::HashSet<String> = {
        let store = ctx.store()?;
        let mut set = std::collections::HashSet::new();
        for f in &files {
            if store.is_uploaded(&account, &attachment_id(&f.attachment.sha256))? {
                set.insert(f.attachment.sha256.clone());
            }
        }
        set
    };
    let rows = submission::rows(
        &submission_id,
        &product_entity(&doc, draft_id),
        &files,
        |sha| match open_uploads.get(sha) {
            Some(token) => submission::Known::Queued(token.clone()),
            None if uploaded.contains(sha) => submission::Known::Uploaded,
            None => submission::Known::Missing,
        },
    );
    let uploads = rows.iter().filter(|r| r.op == "upload_attachment").count() as u32;
    let snapshot = serde_json::to_string(&product)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let mut store = ctx.store()?;
    store.submit(
        &NewSubmission {
            id: submission_id.clone(),
            account: account.clone(),
            draft_id: draft_id.to_owned(),
            draft_revision: row.revision,
            kind: if doc.kind == DraftKind::Modification {
                "modification".into()
            } else {
                "release".into()
            },
            live_product_id: doc.live_product_id.clone(),
            base_version: doc.live_version,
            snapshot,
        },
        &rows,
    )?;
    for (form, version) in issued {
        store.mark_form_issued(&account, &form, version)?;
    }
    tracing::info!(draft = %draft_id, submission = %submission_id, calls = rows.len(), "submitted");
    Ok(SubmitResult {
        submission_id,
        draft_id: draft_id.to_owned(),
        calls: rows.len() as u32,
        uploads,
        generated,
        warnings,
    })
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
    let (site, creds) = crate::accounts::endpoint(ctx, &account)?;
    let client = Client::new(&site, creds, opts.client)
        .map_err(|e| ApiError::invalid("site", e.to_string()))?;
    let store = Store::open(&ctx.data_dir().database())?;
    let mut engine = Engine::new(
        store,
        client,
        account,
        ctx.data_dir().attachments(),
        opts.engine,
    );
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
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreeWayView {
    pub draft_id: String,
    pub submission: Option<SubmissionSummary>,
    /// The marketplace product the copies belong to, when there is one.
    pub live_product_id: Option<String>,
    /// Whether a live copy exists (a release never approved has none).
    pub has_live: bool,
    pub rows: Vec<koodesk_domain::diff::ThreeWay>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubmissionSummary {
    pub id: String,
    pub state: String,
    pub submitted_at: String,
    pub application_id: Option<String>,
    pub message: Option<String>,
}

pub fn three_way(ctx: &Context, draft_id: &str) -> Result<ThreeWayView, ApiError> {
    let row = ctx.store()?.draft(draft_id)?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            format!("There is no draft {draft_id}."),
        )
    })?;
    let doc = DraftDocument::from_json(&row.doc)
        .map_err(|e| ApiError::new(ErrorCode::Storage, format!("draft {draft_id}: {e}")))?;
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
