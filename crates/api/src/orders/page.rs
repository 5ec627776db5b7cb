//! One order, whole: the customer's request (their filled template read back as the form it was
//! made from), the delivery, the appeal, the operation records, when usage starts, and what each
//! action would do to the flow now.

use std::path::{Path, PathBuf};
use std::time::Duration;

use koodesk_domain::form::{answer_text, RequestForm};
use koodesk_domain::spec::BillingMode;
use koodesk_domain::supervision::{self, FlowFacts, FlowState, Party, SellerAction};
use koodesk_market::contract::{AppealStatus, AttachmentInfo, OrderDelivery, FORM_CONTENT_TYPE};
use koodesk_market::{Client, ClientConfig};
use koodesk_templates::isolate::{self, Job, Outcome};
use koodesk_templates::{ReadReport, TemplateError};
use serde::Serialize;

use super::{get, marketplace_now, row, secs, OrderRow};
use crate::sync::view::iso;
use crate::{ApiError, Context, ErrorCode};

/// How the order is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum OrderKind {
    ProfessionalService,
    License,
    Saas,
}

/// A file of the order (the customer's request files, the seller's deliverables and proofs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct OrderFile {
    pub attachment_id: String,
    pub file_name: String,
    pub content_type: String,
    pub size: u32,
    /// Already on this computer (no download needed to save or read it).
    pub local: bool,
    /// A filled request template (Excel or Word) the desk can read as its form.
    pub template: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct OrderRecordView {
    pub at: String,
    pub party: Party,
    pub operation: String,
    pub text: Option<String>,
}

/// An action the seller might take, and what it would do now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ActionOffer {
    pub action: SellerAction,
    /// The state the flow moves to (an appeal leaves the state and freezes the flow).
    pub leads_to: Option<FlowState>,
    /// Why it cannot be taken now (frozen, wrong state, another action waiting to send).
    pub unavailable: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct OrderDetail {
    pub row: OrderRow,
    pub kind: OrderKind,
    pub created_at: String,
    pub billing_mode: Option<BillingMode>,
    pub request_text: Option<String>,
    pub request_submitted_at: Option<String>,
    pub request_files: Vec<OrderFile>,
    pub delivery_text: Option<String>,
    pub delivered_at: Option<String>,
    pub actual_enabling_time: Option<String>,
    pub deliverables: Vec<OrderFile>,
    pub accepted_at: Option<String>,
    /// Accepted orders: when the flow completes (acceptance + the rules' delay).
    pub completes_at: Option<String>,
    /// Yearly/monthly orders: where the usage period starts (or will, at acceptance).
    pub usage_starts_at: Option<String>,
    pub usage_starts_at_acceptance: bool,
    pub appeal_status: String,
    pub appeal_by: Option<Party>,
    pub appeal_reason: Option<String>,
    pub appeal_at: Option<String>,
    pub appeal_outcome: Option<String>,
    pub appeal_proofs: Vec<OrderFile>,
    /// Why the customer may appeal now, in the rules' words (none: they may not).
    pub customer_may_appeal: Option<String>,
    /// The older rules' grounds for a seller's appeal hold (silent customer, rejected deliveries).
    pub seller_has_grounds: bool,
    pub records: Vec<OrderRecordView>,
    pub actions: Vec<ActionOffer>,
    pub stall_days: u32,
    pub rejection_limit: u32,
    /// Hours from the customer's acceptance to a completed order.
    pub completion_hours: u32,
}

fn file_view(ctx: &Context, a: &AttachmentInfo) -> OrderFile {
    let name = a.file_name.to_lowercase();
    OrderFile {
        attachment_id: a.attachment_id.clone(),
        file_name: a.file_name.clone(),
        content_type: a.content_type.clone(),
        size: u32::try_from(a.size).unwrap_or(u32::MAX),
        local: local_path(ctx, a).is_some(),
        template: name.ends_with(".xlsx") || name.ends_with(".docx"),
    }
}

/// The file on this computer, if it is there (content-addressed in the data folder).
fn local_path(ctx: &Context, a: &AttachmentInfo) -> Option<PathBuf> {
    if a.sha256.len() != 64 || !a.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let p = koodesk_store::attachment_path(&ctx.data_dir().attachments(), &a.sha256.to_lowercase());
    p.is_file().then_some(p)
}

/// The order page's facts, from the last pulled copy (works offline).
pub fn detail(ctx: &Context, order_id: &str) -> Result<OrderDetail, ApiError> {
    let o = get(ctx, order_id)?;
    let now = marketplace_now(ctx)?;
    let rules = ctx.rules().service_flow;
    let outbox = super::action_rows(ctx)?;
    let id = super::entity(order_id);
    let mine: Vec<&koodesk_store::OutboxRow> = outbox.iter().filter(|a| a.entity == id).collect();
    let row = super::with_actions(row(&o, now, &rules), &mine);
    let ahead = super::projected(&o, &super::waiting_actions(&outbox, order_id));
    let appeal_open = o.appeal.status == AppealStatus::InProgress;
    let facts = FlowFacts {
        state: o.flow_state,
        appeal_open,
        flow_updated_at: secs(&o.flow_updated_at).unwrap_or(now),
        seller_rejections: o.seller_rejections,
        customer_rejections: o.customer_rejections,
    };
    let actions = [
        SellerAction::AcceptRequest,
        SellerAction::RejectRequest,
        SellerAction::DeliverService,
        SellerAction::InitiateAppeal,
    ]
    .into_iter()
    .map(|action| {
        // On the order as the actions waiting to be sent will leave it.
        let allowed = supervision::seller_action_of(
            o.delivery_method.supervised(),
            ahead.state,
            ahead.appeal_open,
            action,
        );
        let unavailable = allowed
            .as_ref()
            .err()
            .map(|e| super::capitalized(&e.to_string()));
        ActionOffer {
            action,
            leads_to: allowed.ok(),
            unavailable,
        }
    })
    .collect();
    let accepted = o.accepted_at.as_deref().and_then(secs);
    let completes_at = (o.flow_state == FlowState::Accepted)
        .then(|| accepted.map(|t| t + rules.completion_delay_hours * 3600))
        .flatten()
        .map(iso_at);
    let enabling = o
        .delivery
        .as_ref()
        .and_then(|d| d.actual_enabling_time.as_deref())
        .and_then(secs);
    let usage = o
        .billing_mode
        .and_then(|b| supervision::usage_period_start(b, enabling, accepted));
    let usage_starts_at = o
        .usage_period_starts_at
        .as_deref()
        .map(iso)
        .or_else(|| usage.map(iso_at));
    let periodic = matches!(
        o.billing_mode,
        Some(BillingMode::Yearly | BillingMode::Monthly)
    );
    let files = |ids: &[String]| -> Vec<OrderFile> {
        ids.iter()
            .map(|id| OrderFile {
                attachment_id: id.clone(),
                file_name: id.clone(),
                content_type: String::new(),
                size: 0,
                local: false,
                template: false,
            })
            .collect()
    };
    Ok(OrderDetail {
        kind: match o.delivery_method {
            OrderDelivery::ProfessionalService => OrderKind::ProfessionalService,
            OrderDelivery::License => OrderKind::License,
            OrderDelivery::Saas => OrderKind::Saas,
        },
        created_at: iso(&o.created_at),
        billing_mode: o.billing_mode,
        request_text: o.request.as_ref().map(|r| r.text.clone()),
        request_submitted_at: o.request.as_ref().map(|r| iso(&r.submitted_at)),
        request_files: o
            .request
            .as_ref()
            .map(|r| r.attachments.iter().map(|a| file_view(ctx, a)).collect())
            .unwrap_or_default(),
        delivery_text: o.delivery.as_ref().map(|d| d.result_text.clone()),
        delivered_at: o.delivery.as_ref().map(|d| iso(&d.delivered_at)),
        actual_enabling_time: o
            .delivery
            .as_ref()
            .and_then(|d| d.actual_enabling_time.as_deref().map(iso)),
        deliverables: o
            .delivery
            .as_ref()
            .map(|d| files(&d.deliverable_ids))
            .unwrap_or_default(),
        accepted_at: o.accepted_at.as_deref().map(iso),
        completes_at,
        usage_starts_at_acceptance: periodic && usage_starts_at.is_none() && enabling.is_none(),
        usage_starts_at,
        appeal_status: match o.appeal.status {
            AppealStatus::None => "none",
            AppealStatus::InProgress => "in_progress",
            AppealStatus::Resolved => "resolved",
        }
        .into(),
        appeal_by: o.appeal.initiated_by,
        appeal_reason: o.appeal.reason.clone(),
        appeal_at: o.appeal.initiated_at.as_deref().map(iso),
        appeal_outcome: o.appeal.outcome.clone(),
        appeal_proofs: files(&o.appeal.proof_ids),
        customer_may_appeal: supervision::customer_appeal_reason(&facts, now, &rules)
            .map(|r| r.customer_text(&rules)),
        seller_has_grounds: supervision::seller_has_appeal_grounds(&facts, now, &rules),
        records: o
            .records
            .iter()
            .rev()
            .map(|r| OrderRecordView {
                at: iso(&r.at),
                party: r.party,
                operation: r.operation.clone(),
                text: r.text.clone(),
            })
            .collect(),
        actions,
        stall_days: u32::try_from(rules.stall_days).unwrap_or(0),
        rejection_limit: rules.rejection_limit,
        completion_hours: u32::try_from(rules.completion_delay_hours).unwrap_or(0),
        row,
    })
}

fn iso_at(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// The customer's filled template, read back

/// Where the form a file was read against came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FormSource {
    /// The seller's own forms on this computer.
    Local,
    /// The marketplace's copy of the definition uploaded beside the templates.
    Marketplace,
    /// Neither could be had: the answers are shown by key, unchecked.
    None,
}

/// One answer as the form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct AnswerView {
    pub section: String,
    /// Repeating sections: the entry, counted from 1.
    pub row: Option<u32>,
    pub key: String,
    pub label: String,
    pub value: String,
    pub required: bool,
    /// What is wrong with it (missing, invalid), with where it is in the file.
    pub problem: Option<String>,
    pub location: Option<String>,
}

/// A request file read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct RequestReading {
    pub attachment_id: String,
    pub file_name: String,
    pub form_id: Option<String>,
    pub version: Option<u32>,
    pub form_title: Option<String>,
    pub source: FormSource,
    /// Why the form's own labels and checks are missing, when they are.
    pub note: Option<String>,
    pub answers: Vec<AnswerView>,
    pub problems: u32,
    /// The file could not be read (damaged, hostile, not a template, not downloadable).
    pub error: Option<String>,
}

/// The marketplace client of the current account, for what the order page fetches on demand.
fn client(ctx: &Context) -> Result<Client, ApiError> {
    let (site, creds) = crate::accounts::endpoint(ctx, &ctx.account())?;
    Client::new(
        &site,
        creds,
        ClientConfig {
            timeout: Duration::from_secs(20),
            ..Default::default()
        },
    )
    .map_err(|e| ApiError::invalid("site", e.to_string()))
}

/// A reader job in its child process (see [`isolate`]), off the async runtime's threads.
async fn in_child(job: Job) -> Result<Outcome, TemplateError> {
    tokio::task::spawn_blocking(move || isolate::run(&job))
        .await
        .unwrap_or_else(|e| {
            Err(TemplateError::Unreadable(format!(
                "the reader stopped: {e}"
            )))
        })
}

/// The customer's request files that are templates, each read back as the form it was made
/// from. The file comes from the data folder, else from the marketplace (and is kept); the form
/// from this computer's forms, else from the marketplace's copy (kept too), else the answers are
/// shown by key with a note. A file that cannot be read says why; nothing here fails the page.
pub async fn read_request(ctx: &Context, order_id: &str) -> Result<Vec<RequestReading>, ApiError> {
    let order = get(ctx, order_id)?;
    let Some(request) = order.request.as_ref() else {
        return Ok(Vec::new());
    };
    let mut client_cache: Option<Result<Client, ApiError>> = None;
    let mut out = Vec::new();
    for a in &request.attachments {
        if !file_view(ctx, a).template {
            continue;
        }
        let mut reading = RequestReading {
            attachment_id: a.attachment_id.clone(),
            file_name: a.file_name.clone(),
            form_id: None,
            version: None,
            form_title: None,
            source: FormSource::None,
            note: None,
            answers: Vec::new(),
            problems: 0,
            error: None,
        };
        match read_one(ctx, a, &mut client_cache, &mut reading).await {
            Ok(()) => {}
            Err(e) => {
                tracing::info!(order = %order_id, file = %a.file_name, error = %e, "a request file could not be read");
                reading.error = Some(e);
            }
        }
        out.push(reading);
    }
    Ok(out)
}

fn client_of<'c>(
    ctx: &Context,
    cache: &'c mut Option<Result<Client, ApiError>>,
) -> Result<&'c Client, String> {
    cache
        .get_or_insert_with(|| client(ctx))
        .as_ref()
        .map_err(|e| e.message.clone())
}

async fn read_one(
    ctx: &Context,
    a: &AttachmentInfo,
    clients: &mut Option<Result<Client, ApiError>>,
    reading: &mut RequestReading,
) -> Result<(), String> {
    let path = match local_path(ctx, a) {
        Some(p) => p,
        None => fetch_file(ctx, a, clients).await?,
    };
    let (form_id, version) = match in_child(Job::Identify { path: path.clone() }).await {
        Ok(Outcome::Identified { form_id, version }) => (form_id, version),
        Ok(_) => return Err("the reader answered out of turn".into()),
        Err(e) => return Err(super::capitalized(&e.to_string())),
    };
    reading.form_id = Some(form_id.clone());
    reading.version = Some(version);
    let form = match local_form(ctx, &form_id, version) {
        Some(f) => {
            reading.source = FormSource::Local;
            Some(f)
        }
        None => match marketplace_form(ctx, &form_id, version, clients).await {
            Ok(f) => {
                reading.source = FormSource::Marketplace;
                Some(f)
            }
            Err(why) => {
                reading.note = Some(format!(
                    "Version {version} of the form \"{form_id}\" is not on this computer and the marketplace's copy could not be had ({why}); the answers are shown by key, unchecked."
                ));
                None
            }
        },
    };
    let job = match &form {
        Some(f) => Job::Read {
            path: path.clone(),
            form: serde_json::to_string(f).map_err(|e| e.to_string())?,
        },
        None => Job::ReadRaw { path: path.clone() },
    };
    let report = match in_child(job).await {
        Ok(Outcome::Report { report }) => report,
        Ok(_) => return Err("the reader answered out of turn".into()),
        Err(e) => return Err(super::capitalized(&e.to_string())),
    };
    reading.form_title = form.as_ref().map(|f| f.title.get(&lang(ctx)).to_string());
    reading.problems = report.errors.len() as u32;
    reading.answers = answers(form.as_ref(), report, &lang(ctx));
    Ok(())
}

/// The language the window shows (labels of a form come in it).
fn lang(ctx: &Context) -> String {
    match crate::settings::get_settings(ctx).map(|s| s.effective_language) {
        Ok(crate::dto::Language::ZhCn) => "zh-CN".into(),
        _ => "en".into(),
    }
}

/// Downloads a request file into the data folder (checked against its hash by the client).
async fn fetch_file(
    ctx: &Context,
    a: &AttachmentInfo,
    clients: &mut Option<Result<Client, ApiError>>,
) -> Result<PathBuf, String> {
    let client = client_of(ctx, clients)
        .map_err(|e| format!("The file is not on this computer yet: {e}"))?;
    let (_, bytes) = client
        .download_attachment(&a.attachment_id)
        .await
        .map_err(|e| {
            format!("The file is not on this computer yet and could not be downloaded: {e}")
        })?;
    let mut store = ctx.store().map_err(|e| e.message)?;
    let kept = store
        .put_attachment(&ctx.data_dir().attachments(), &a.file_name, &bytes)
        .map_err(|e| super::capitalized(&e.to_string()))?;
    Ok(koodesk_store::attachment_path(
        &ctx.data_dir().attachments(),
        &kept.sha256,
    ))
}

/// The sync-state key under which a form definition fetched from the marketplace is remembered
/// (its content is kept in the data folder by hash).
fn fetched_key(form_id: &str, version: u32) -> String {
    format!("request_form:{form_id}:{version}")
}

fn local_form(ctx: &Context, form_id: &str, version: u32) -> Option<RequestForm> {
    let store = ctx.store().ok()?;
    let account = ctx.account();
    if let Ok(Some(row)) = store.form(&account, form_id, Some(version)) {
        if let Ok(f) = RequestForm::from_json(&row.doc) {
            return Some(f);
        }
    }
    let sha = store
        .sync_state(&account, &fetched_key(form_id, version))
        .ok()
        .flatten()?;
    let path = koodesk_store::attachment_path(&ctx.data_dir().attachments(), &sha);
    let text = std::fs::read_to_string(path).ok()?;
    RequestForm::from_json(&text).ok()
}

/// The largest form definition taken from the marketplace (forms are a few kilobytes).
const MAX_FORM_BYTES: usize = 1024 * 1024;

async fn marketplace_form(
    ctx: &Context,
    form_id: &str,
    version: u32,
    clients: &mut Option<Result<Client, ApiError>>,
) -> Result<RequestForm, String> {
    let client = client_of(ctx, clients)?;
    let (info, bytes) = client
        .get_request_form(form_id, version)
        .await
        .map_err(|e| e.to_string())?;
    if info.content_type != FORM_CONTENT_TYPE || bytes.len() > MAX_FORM_BYTES {
        return Err("the marketplace's copy is not a request form".into());
    }
    let text = String::from_utf8(bytes).map_err(|_| "the marketplace's copy is not text")?;
    let form = RequestForm::from_json(&text).map_err(|e| e.to_string())?;
    if form.id != form_id || form.version != version {
        return Err(format!(
            "the marketplace answered with version {} of \"{}\"",
            form.version, form.id
        ));
    }
    // Kept, so the order reads the same offline next time.
    let file = format!("{form_id}-v{version}.json");
    if let Ok(mut store) = ctx.store() {
        if let Ok(kept) =
            store.put_attachment(&ctx.data_dir().attachments(), &file, text.as_bytes())
        {
            let _ = store.set_sync_state(
                &ctx.account(),
                &fetched_key(form_id, version),
                Some(&kept.sha256),
            );
        }
    }
    Ok(form)
}

/// The report as the form shows it: every field of every section in the form's order (an
/// unanswered field too), repeating sections entry by entry, each problem beside its answer.
fn answers(form: Option<&RequestForm>, report: ReadReport, lang: &str) -> Vec<AnswerView> {
    let problem =
        |key: &str, row: Option<u32>| report.errors.iter().find(|p| p.key == key && p.row == row);
    let mut out = Vec::new();
    let Some(form) = form else {
        // By key, as the file holds them.
        for (key, v) in &report.values {
            match v.as_array() {
                Some(rows) => {
                    for (i, r) in rows.iter().enumerate() {
                        for (k, v) in r.as_object().into_iter().flatten() {
                            out.push(raw(key, Some(i as u32 + 1), k, v));
                        }
                    }
                }
                None => out.push(raw("", None, key, v)),
            }
        }
        return out;
    };
    for s in &form.sections {
        let title = s.title.get(lang).to_string();
        let view =
            |row: Option<u32>, f: &koodesk_domain::form::Field, v: Option<&serde_json::Value>| {
                let p = problem(&f.key, row);
                AnswerView {
                    section: title.clone(),
                    row,
                    key: f.key.clone(),
                    label: f.label.get(lang).to_string(),
                    value: v.map(answer_text).unwrap_or_default(),
                    required: f.required,
                    problem: p.map(|p| p.message.clone()),
                    location: p.map(|p| p.location.clone()),
                }
            };
        if s.repeating {
            let rows = report
                .values
                .get(&s.key)
                .and_then(|v| v.as_array())
                .cloned()
                .unwrap_or_default();
            for (i, r) in rows.iter().enumerate() {
                for f in &s.fields {
                    out.push(view(Some(i as u32 + 1), f, r.get(&f.key)));
                }
            }
        } else {
            for f in &s.fields {
                out.push(view(None, f, report.values.get(&f.key)));
            }
        }
    }
    out
}

fn raw(section: &str, row: Option<u32>, key: &str, v: &serde_json::Value) -> AnswerView {
    AnswerView {
        section: section.to_owned(),
        row,
        key: key.to_owned(),
        label: key.to_owned(),
        value: answer_text(v),
        required: false,
        problem: None,
        location: None,
    }
}

/// Saves an order's file (a customer's request file) to `path`, downloading it first when it is
/// not on this computer; written beside and renamed, so a failed save leaves nothing half-written.
pub async fn save_file(
    ctx: &Context,
    order_id: &str,
    attachment_id: &str,
    path: &Path,
) -> Result<String, ApiError> {
    let order = get(ctx, order_id)?;
    let a = order
        .request
        .iter()
        .flat_map(|r| r.attachments.iter())
        .find(|a| a.attachment_id == attachment_id)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                format!("Order {order_id} has no file {attachment_id}."),
            )
        })?;
    let src = match local_path(ctx, a) {
        Some(p) => p,
        None => fetch_file(ctx, a, &mut None)
            .await
            .map_err(|e| ApiError::new(ErrorCode::Marketplace, e))?,
    };
    let shown = path.display().to_string();
    let tmp = path.with_extension("koodesk-part");
    std::fs::copy(&src, &tmp)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            ApiError::new(ErrorCode::Io, format!("cannot write {shown}: {e}"))
        })?;
    Ok(shown)
}
