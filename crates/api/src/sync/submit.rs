//! Submit: lint the draft, make the files of its form-based request templates, and write the
//! submitted snapshot with the calls that carry it out (uploads, then the application) in one
//! transaction. Also the path for gateways that do not take submissions: everything the console
//! asks for, exported, and "submitted by hand".

use std::collections::{BTreeMap, HashMap, HashSet};

use koodesk_domain::draft::{DraftDocument, DraftKind};
use koodesk_domain::form::{RequestForm, Text};
use koodesk_domain::lint::{self, Severity};
use koodesk_domain::product::{Attachment, Delivery, Product};
use koodesk_market::contract::{
    attachment_id, Application, ApplicationStatus, AttachmentKind, FORM_CONTENT_TYPE,
};
use koodesk_store::NewSubmission;
use koodesk_sync::{client_token, submission, Call};
use serde::Serialize;

use crate::drafts::{finding_dto, support_info};
use crate::dto::FindingDto;
use crate::{ApiError, Context, ErrorCode};

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
    /// The seller's Services & support goes first: the product's after-sales group is new to
    /// the marketplace.
    pub support_change: bool,
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

/// A draft checked and made ready to submit: its snapshot with the generated templates.
pub(crate) struct Prepared {
    pub doc: DraftDocument,
    pub revision: i64,
    pub product: Product,
    pub generated: Vec<GeneratedTemplate>,
    pub definitions: Vec<Attachment>,
    pub issued: Vec<(String, u32)>,
    pub warnings: Vec<FindingDto>,
}

impl Prepared {
    pub fn submission(
        &self,
        id: &str,
        account: &str,
        draft_id: &str,
    ) -> Result<NewSubmission, ApiError> {
        Ok(NewSubmission {
            id: id.to_owned(),
            account: account.to_owned(),
            draft_id: draft_id.to_owned(),
            draft_revision: self.revision,
            kind: if self.doc.kind == DraftKind::Modification {
                "modification".into()
            } else {
                "release".into()
            },
            live_product_id: self.doc.live_product_id.clone(),
            base_version: self.doc.live_version,
            snapshot: serde_json::to_string(&self.product)
                .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?,
        })
    }
}

/// Lints the draft (blocking errors refuse it; warnings unless accepted), refuses a second
/// application while one is pending, and makes the request templates.
pub(crate) fn prepare(
    ctx: &Context,
    draft_id: &str,
    accept_warnings: bool,
) -> Result<Prepared, ApiError> {
    let (row, doc) = crate::drafts::load(ctx, draft_id)?;
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
    } = generate_templates(ctx, &ctx.account(), &mut product)?;
    Ok(Prepared {
        doc,
        revision: row.revision,
        product,
        generated,
        definitions,
        issued,
        warnings,
    })
}

/// The operations this account's gateway is known not to serve, of those a submission needs.
pub(crate) fn unserved_for_submit(ctx: &Context) -> Result<Vec<String>, ApiError> {
    let served = ctx
        .store()?
        .sync_state(&ctx.account(), koodesk_sync::engine::keys::SERVED)?
        .and_then(|j| serde_json::from_str::<koodesk_sync::probe::Served>(&j).ok())
        .unwrap_or_default();
    Ok(["upload_attachment", "create_application"]
        .into_iter()
        .filter(|op| !served.serves(op))
        .map(str::to_owned)
        .collect())
}

/// Submits a draft: see the module's documentation. Where the account's gateway is known not to
/// take submissions, nothing is queued and the error says to submit by hand.
pub fn submit(
    ctx: &Context,
    draft_id: &str,
    accept_warnings: bool,
) -> Result<SubmitResult, ApiError> {
    let account = ctx.account();
    if let Some(op) = unserved_for_submit(ctx)?.first() {
        return Err(ApiError::new(
            ErrorCode::Marketplace,
            koodesk_sync::probe::not_served_message(op).replace("ID", draft_id),
        ));
    }
    let p = prepare(ctx, draft_id, accept_warnings)?;
    let submission_id = client_token();
    let mut files: Vec<submission::File<'_>> = p
        .product
        .attachments()
        .into_iter()
        .map(|(field, a)| submission::File {
            kind: attachment_kind(field),
            attachment: a,
            content_type: a.media_type.as_str(),
        })
        .collect();
    files.extend(p.definitions.iter().map(|a| submission::File {
        kind: AttachmentKind::Other,
        attachment: a,
        content_type: FORM_CONTENT_TYPE,
    }));
    let known = files_known(ctx, &account, &files)?;
    let (mut rows, support_waits) = support_change_for(ctx, &account, &p.product)?;
    let support_change = !rows.is_empty();
    rows.extend(submission::rows(
        &submission_id,
        &product_entity(&p.doc, draft_id),
        &files,
        known,
        &support_waits,
    ));
    let uploads = rows.iter().filter(|r| r.op == "upload_attachment").count() as u32;
    let new = p.submission(&submission_id, &account, draft_id)?;
    let mut store = ctx.store()?;
    store.submit(&new, &rows)?;
    for (form, version) in &p.issued {
        store.mark_form_issued(&account, form, *version)?;
    }
    tracing::info!(draft = %draft_id, submission = %submission_id, calls = rows.len(), "submitted");
    Ok(SubmitResult {
        submission_id,
        draft_id: draft_id.to_owned(),
        calls: rows.len() as u32,
        uploads,
        support_change,
        generated: p.generated,
        warnings: p.warnings,
    })
}

/// The Services & support row a submission needs: none when the marketplace already knows the
/// product's after-sales group, a wait on the change already queued, or a new change carrying
/// the seller's Services & support as it is now.
fn support_change_for(
    ctx: &Context,
    account: &str,
    product: &Product,
) -> Result<(Vec<koodesk_store::NewOutboxRow>, Vec<String>), ApiError> {
    let Some(group) = &product.qualification.after_sales_group else {
        return Ok((Vec::new(), Vec::new()));
    };
    let store = ctx.store()?;
    if koodesk_sync::calls::group_ids(&store, account)?
        .iter()
        .any(|g| &g.local_id == group)
    {
        return Ok((Vec::new(), Vec::new()));
    }
    if let Some(open) = store
        .outbox(account, false)?
        .into_iter()
        .find(|r| r.op == "submit_support_change")
    {
        return Ok((Vec::new(), vec![open.client_token]));
    }
    drop(store);
    let row = super::support_row(ctx)?;
    let token = row.client_token.clone();
    Ok((vec![row], vec![token]))
}

/// What the marketplace has of `files`: uploaded from here before, being uploaded by an open
/// row (its token), or missing.
pub(crate) fn files_known(
    ctx: &Context,
    account: &str,
    files: &[submission::File<'_>],
) -> Result<impl Fn(&str) -> submission::Known, ApiError> {
    let store = ctx.store()?;
    let open_uploads: BTreeMap<String, String> = store
        .outbox(account, false)?
        .into_iter()
        .filter_map(|r| match Call::from_row(&r) {
            Ok(Call::UploadAttachment { sha256, .. }) => Some((sha256, r.client_token)),
            _ => None,
        })
        .collect();
    let mut uploaded = HashSet::new();
    for f in files {
        if store.is_uploaded(account, &attachment_id(&f.attachment.sha256))? {
            uploaded.insert(f.attachment.sha256.clone());
        }
    }
    Ok(move |sha: &str| match open_uploads.get(sha) {
        Some(token) => submission::Known::Queued(token.clone()),
        None if uploaded.contains(sha) => submission::Known::Uploaded,
        None => submission::Known::Missing,
    })
}
