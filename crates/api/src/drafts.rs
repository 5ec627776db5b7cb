//! Product drafts: create, autosave, history, search, import/export and lint.

use base64::Engine as _;
use koodesk_domain::diff::diff;
use koodesk_domain::draft::{DraftDocument, DraftKind};
use koodesk_domain::lint::{self, Finding};
use koodesk_domain::product::{Attachment, DeliveryMethod, Product};
use koodesk_domain::support::SupportInfo;
use koodesk_store::{DraftRow, DraftWrite, SearchFields, StateFilter};

use crate::dto::{
    ChangeDto, DraftFilter, DraftListItem, DraftState, DraftView, FindingDto, LiveProductDto,
    RevisionDto, Severity,
};
use crate::{ApiError, Context, ErrorCode};

pub(crate) fn finding_dto(f: Finding) -> FindingDto {
    FindingDto {
        rule: f.rule,
        severity: match f.severity {
            lint::Severity::Error => Severity::Error,
            lint::Severity::Warning => Severity::Warning,
        },
        path: f.path,
        en: f.message.en,
        zh_cn: f.message.zh_cn,
    }
}

fn parse_method(tag: &str) -> Result<DeliveryMethod, ApiError> {
    DeliveryMethod::from_tag(tag).ok_or_else(|| {
        ApiError::invalid(
            "delivery_method",
            format!("unknown delivery method {tag:?}"),
        )
    })
}

/// The seller's Services & support information (empty until they fill it in).
pub(crate) fn support_info(ctx: &Context) -> Result<SupportInfo, ApiError> {
    let stored = ctx.store()?.support_info(&ctx.account())?;
    Ok(stored
        .and_then(|(_, doc)| serde_json::from_str(&doc).ok())
        .unwrap_or_default())
}

fn search_fields(p: &Product) -> SearchFields {
    SearchFields {
        name: p.basic.name.clone(),
        overview: p.details.overview.clone(),
        description: p.details.description.clone(),
        highlights: p
            .details
            .highlights
            .iter()
            .map(|h| format!("{} {}", h.title, h.text))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn to_json(doc: &DraftDocument) -> Result<String, ApiError> {
    serde_json::to_string(doc).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

fn prepare(ctx: &Context, doc: &DraftDocument) -> Result<(DraftWrite, Vec<Finding>), ApiError> {
    let findings = lint::lint(doc, &support_info(ctx)?, ctx.rules());
    let (errors, warnings) = lint::counts(&findings);
    let write = DraftWrite {
        kind: match doc.kind {
            DraftKind::Release => "release",
            DraftKind::Modification => "modification",
        }
        .into(),
        live_product_id: doc.live_product_id.clone(),
        name: doc.product.basic.name.trim().to_string(),
        delivery_method: doc.product.method().tag().into(),
        doc: to_json(doc)?,
        errors: errors as u32,
        warnings: warnings as u32,
        search: search_fields(&doc.product),
    };
    Ok((write, findings))
}

fn view(row: DraftRow, findings: Vec<Finding>) -> Result<DraftView, ApiError> {
    let doc: serde_json::Value = serde_json::from_str(&row.doc).map_err(|e| {
        ApiError::new(
            ErrorCode::Storage,
            format!("draft {} is unreadable: {e}", row.id),
        )
    })?;
    Ok(DraftView {
        id: row.id,
        revision: u32::try_from(row.revision).unwrap_or(u32::MAX),
        doc,
        findings: findings.into_iter().map(finding_dto).collect(),
        errors: row.errors,
        warnings: row.warnings,
        updated_at: row.updated_at,
    })
}

fn new_id() -> String {
    format!("d-{}", uuid::Uuid::new_v4().simple())
}

fn insert(ctx: &Context, doc: &DraftDocument, note: &str) -> Result<DraftView, ApiError> {
    let (write, findings) = prepare(ctx, doc)?;
    let id = new_id();
    let account = ctx.account();
    let row = ctx.store()?.create_draft_for(&account, &id, &write, note)?;
    tracing::info!(id, note, "draft added");
    view(row, findings)
}

/// A new, empty release draft of the given delivery method.
pub fn create(ctx: &Context, delivery_method: &str) -> Result<DraftView, ApiError> {
    let method = parse_method(delivery_method)?;
    insert(
        ctx,
        &DraftDocument::release(Product::new(method)),
        "created",
    )
}

/// A modification draft starting from a live product.
pub fn create_modification(
    ctx: &Context,
    live_product_id: &str,
    live: Product,
) -> Result<DraftView, ApiError> {
    insert(
        ctx,
        &DraftDocument::modification(live_product_id, live),
        "created",
    )
}

/// A draft's row and its document.
pub(crate) fn load(ctx: &Context, id: &str) -> Result<(DraftRow, DraftDocument), ApiError> {
    let row = ctx
        .store()?
        .draft(id)?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("there is no draft {id}")))?;
    let doc = DraftDocument::from_json(&row.doc)
        .map_err(|e| ApiError::new(ErrorCode::Storage, format!("draft {id} is unreadable: {e}")))?;
    Ok((row, doc))
}

pub fn get(ctx: &Context, id: &str) -> Result<DraftView, ApiError> {
    let (row, doc) = load(ctx, id)?;
    // Lint afresh: the ruleset or the support information may have changed since the last save.
    let findings = lint::lint(&doc, &support_info(ctx)?, ctx.rules());
    view(row, findings)
}

/// Parses a document sent by the UI or a file, naming what is wrong with it.
fn parse_doc(value: serde_json::Value) -> Result<DraftDocument, ApiError> {
    let text = value.to_string();
    DraftDocument::from_json(&text).map_err(|e| ApiError::invalid("doc", e.to_string()))
}

/// Autosave: writes the document as a new revision. `base_revision` is the revision the editor
/// started from; a newer save elsewhere makes this one fail with `conflict` instead of losing it.
pub fn save(
    ctx: &Context,
    id: &str,
    base_revision: Option<u32>,
    doc: serde_json::Value,
) -> Result<DraftView, ApiError> {
    save_noted(ctx, id, base_revision, doc, "edit")
}

/// Write-through of what the seller is typing: the document is committed beside the draft's
/// `base_revision` (no lint, no revision) before this returns, so a crash loses at most the
/// edit in flight. The next [`save`] supersedes it; [`recover_staged`] turns what a crash left
/// into a revision. Returns whether it was kept (not when a newer revision exists already).
pub fn stage(
    ctx: &Context,
    id: &str,
    base_revision: u32,
    doc: &serde_json::Value,
) -> Result<bool, ApiError> {
    let text = serde_json::to_string(doc)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    Ok(ctx
        .store()?
        .stage_draft(id, i64::from(base_revision), &text)?)
}

/// Edits staged but never saved (the app was killed, the machine lost power): each becomes a
/// revision noted as recovered. Run by the app at start. Returns how many were recovered.
pub fn recover_staged(ctx: &Context) -> Result<u32, ApiError> {
    let staged = ctx.store()?.staged_drafts()?;
    let mut recovered = 0;
    for (id, base, text) in staged {
        let current = ctx.store()?.draft(&id)?;
        let doc: Option<serde_json::Value> = serde_json::from_str(&text).ok();
        let same = current
            .as_ref()
            .is_some_and(|d| serde_json::from_str::<serde_json::Value>(&d.doc).ok() == doc);
        let usable = current.as_ref().is_some_and(|d| d.revision == base) && !same;
        match (usable, doc) {
            (true, Some(doc)) => {
                match save_noted(
                    ctx,
                    &id,
                    u32::try_from(base).ok(),
                    doc,
                    "recovered after an unexpected exit",
                ) {
                    Ok(_) => recovered += 1,
                    Err(e) => {
                        tracing::warn!(draft = %id, error = %e, "a staged edit could not be recovered");
                        ctx.store()?.discard_staged(&id)?;
                    }
                }
            }
            _ => ctx.store()?.discard_staged(&id)?,
        }
    }
    if recovered > 0 {
        tracing::info!(recovered, "edits recovered after an unexpected exit");
    }
    Ok(recovered)
}

fn save_noted(
    ctx: &Context,
    id: &str,
    base_revision: Option<u32>,
    doc: serde_json::Value,
    note: &str,
) -> Result<DraftView, ApiError> {
    let (_, stored) = load(ctx, id)?;
    let mut doc = parse_doc(doc)?;
    // The SKU table follows the billing modes and attributes; prices of surviving SKUs are kept.
    for spec in &mut doc.product.specifications {
        spec.regenerate_skus();
    }
    // What a modification was made from is not the editor's to change.
    doc.kind = stored.kind;
    doc.live = stored.live;
    doc.live_product_id = stored.live_product_id;
    doc.live_version = stored.live_version;
    doc.live_status = stored.live_status;
    let (write, findings) = prepare(ctx, &doc)?;
    let row = ctx
        .store()?
        .save_draft(id, base_revision.map(i64::from), &write, note)?;
    view(row, findings)
}

/// The marketplace names after-sales groups by its own ids; a draft by the seller's.
fn localize_group(groups: &[koodesk_market::contract::GroupId], p: &mut Product) {
    let q = &mut p.qualification;
    if let Some(local) = q
        .after_sales_group
        .as_ref()
        .and_then(|g| groups.iter().find(|x| &x.group_id == g))
    {
        q.after_sales_group = Some(local.local_id.clone());
    }
}

/// What rebasing a modification did.
#[derive(Debug, Clone, PartialEq, serde::Serialize, specta::Type)]
pub struct RebaseResult {
    pub draft: DraftView,
    /// Fields both the seller and the marketplace changed: the draft keeps the seller's value.
    pub conflicts: Vec<koodesk_domain::diff::Conflict>,
    pub from_version: Option<u32>,
    pub to_version: u32,
}

/// "Rebase on the live product": the seller's changes (from the live copy the draft was made
/// from to the draft) applied onto the live product as last pulled, as a new revision. Fields
/// both sides changed keep the seller's value and are listed; nothing is dropped silently.
pub fn rebase_on_live(ctx: &Context, id: &str) -> Result<RebaseResult, ApiError> {
    let (row, doc) = load(ctx, id)?;
    let (Some(live_id), Some(base)) = (doc.live_product_id.clone(), doc.live.clone()) else {
        return Err(ApiError::invalid(
            "id",
            "Only a modification has a live product to rebase on.",
        ));
    };
    let groups = koodesk_sync::calls::group_ids(&*ctx.store()?, &ctx.account())?;
    let mut live = crate::sync::remote_products(ctx)?
        .into_iter()
        .find(|p| p.product_id == live_id)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                format!("{live_id} has not been read from the marketplace yet; sync first."),
            )
        })?;
    localize_group(&groups, &mut live.product);
    let (product, conflicts) = koodesk_domain::diff::rebase(&base, &doc.product, &live.product)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let from_version = doc.live_version;
    let mut next = doc;
    next.product = product;
    next.live = Some(live.product);
    next.live_version = Some(live.version);
    next.live_status = Some(live.status.into());
    let (write, findings) = prepare(ctx, &next)?;
    let note = format!("rebased on live version {}", live.version);
    let saved = ctx
        .store()?
        .save_draft(id, Some(row.revision), &write, &note)?;
    let small = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    Ok(RebaseResult {
        draft: view(saved, findings)?,
        conflicts,
        from_version: from_version.map(small),
        to_version: small(live.version),
    })
}

pub fn list(ctx: &Context, filter: &DraftFilter) -> Result<Vec<DraftListItem>, ApiError> {
    let f = koodesk_store::DraftFilter {
        account: Some(ctx.account()),
        query: filter.query.clone().filter(|q| !q.trim().is_empty()),
        delivery_method: filter.delivery_method.map(|m| m.tag().to_owned()),
        state: filter.state.map(|s| match s {
            crate::dto::StateFilter::Draft => StateFilter::Unsubmitted,
            crate::dto::StateFilter::HasErrors => StateFilter::HasErrors,
            crate::dto::StateFilter::Ready => StateFilter::Ready,
            crate::dto::StateFilter::Submitted => StateFilter::Submitted,
        }),
        limit: None,
    };
    let rows = ctx.store()?.list_drafts(&f)?;
    Ok(rows
        .into_iter()
        .filter_map(|d| {
            // Rows are written from typed documents; one that is not is skipped, not guessed.
            let (Some(kind), Some(method)) = (
                draft_kind(&d.kind),
                DeliveryMethod::from_tag(&d.delivery_method),
            ) else {
                tracing::warn!(id = %d.id, kind = %d.kind, method = %d.delivery_method, "draft row with an unknown kind or method");
                return None;
            };
            Some(DraftListItem {
                state: if d.submitted {
                    DraftState::Submitted
                } else if d.errors > 0 {
                    DraftState::HasErrors
                } else {
                    DraftState::Ready
                },
                id: d.id,
                kind,
                name: d.name,
                delivery_method: method,
                revision: u32::try_from(d.revision).unwrap_or(u32::MAX),
                errors: d.errors,
                warnings: d.warnings,
                updated_at: d.updated_at,
            })
        })
        .collect())
}

fn draft_kind(tag: &str) -> Option<DraftKind> {
    serde_json::from_value(serde_json::Value::String(tag.to_owned())).ok()
}

pub fn revisions(ctx: &Context, id: &str) -> Result<Vec<RevisionDto>, ApiError> {
    Ok(ctx
        .store()?
        .revisions(id)?
        .into_iter()
        .map(|r| RevisionDto {
            revision: u32::try_from(r.revision).unwrap_or(u32::MAX),
            saved_at: r.saved_at,
            note: r.note,
        })
        .collect())
}

fn revision_doc(ctx: &Context, id: &str, revision: u32) -> Result<DraftDocument, ApiError> {
    let text = ctx
        .store()?
        .revision_doc(id, i64::from(revision))?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                format!("draft {id} has no revision {revision}"),
            )
        })?;
    DraftDocument::from_json(&text).map_err(|e| ApiError::new(ErrorCode::Storage, e.to_string()))
}

fn change_dtos(changes: Vec<koodesk_domain::diff::Change>) -> Vec<ChangeDto> {
    changes
        .into_iter()
        .map(|c| ChangeDto {
            path: c.path,
            kind: c.kind,
            before: c.before,
            after: c.after,
        })
        .collect()
}

/// What changed between two revisions of a draft's product.
pub fn diff_revisions(
    ctx: &Context,
    id: &str,
    from: u32,
    to: u32,
) -> Result<Vec<ChangeDto>, ApiError> {
    let a = revision_doc(ctx, id, from)?;
    let b = revision_doc(ctx, id, to)?;
    Ok(change_dtos(diff(&a.product, &b.product)))
}

/// What a modification draft changes in the live product.
pub fn diff_live(ctx: &Context, id: &str) -> Result<Vec<ChangeDto>, ApiError> {
    let (_, doc) = load(ctx, id)?;
    let live = doc
        .live
        .as_ref()
        .ok_or_else(|| ApiError::invalid("id", "only modification drafts have a live copy"))?;
    Ok(change_dtos(diff(live, &doc.product)))
}

/// Makes an old revision current again, as a new revision (nothing is lost).
pub fn restore(ctx: &Context, id: &str, revision: u32) -> Result<DraftView, ApiError> {
    let doc = revision_doc(ctx, id, revision)?;
    let (write, findings) = prepare(ctx, &doc)?;
    let row =
        ctx.store()?
            .save_draft(id, None, &write, &format!("restored revision {revision}"))?;
    view(row, findings)
}

pub fn delete(ctx: &Context, id: &str) -> Result<(), ApiError> {
    ctx.store()?.delete_draft(id)?;
    Ok(())
}

/// The draft document as pretty JSON (the public format).
pub fn export(ctx: &Context, id: &str) -> Result<String, ApiError> {
    Ok(load(ctx, id)?.1.to_json_pretty())
}

/// Adds a draft from a document file's text; it gets a new id.
pub fn import(ctx: &Context, text: &str) -> Result<DraftView, ApiError> {
    let doc =
        DraftDocument::from_json(text).map_err(|e| ApiError::invalid("file", e.to_string()))?;
    insert(ctx, &doc, "imported")
}

/// Lints a draft document that is not (or not yet) in the store.
pub fn lint_text(ctx: &Context, text: &str) -> Result<Vec<FindingDto>, ApiError> {
    let doc =
        DraftDocument::from_json(text).map_err(|e| ApiError::invalid("file", e.to_string()))?;
    Ok(lint::lint(&doc, &support_info(ctx)?, ctx.rules())
        .into_iter()
        .map(finding_dto)
        .collect())
}

/// Stores a file (sent base64-encoded by the UI) and returns its reference for the document.
pub fn attach(
    ctx: &Context,
    file_name: &str,
    base64_content: &str,
) -> Result<serde_json::Value, ApiError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(base64_content.trim())
        .map_err(|e| ApiError::invalid("content", format!("not base64: {e}")))?;
    attach_bytes(ctx, file_name, &bytes)
}

pub fn attach_bytes(
    ctx: &Context,
    file_name: &str,
    bytes: &[u8],
) -> Result<serde_json::Value, ApiError> {
    let a: Attachment =
        ctx.store()?
            .put_attachment(&ctx.data_dir().attachments(), file_name, bytes)?;
    serde_json::to_value(a).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

/// Live products to start a modification from: the account's products as last pulled from the
/// marketplace, with their version and status; before the first pull, the examples shipped with
/// Koodesk.
pub fn live_catalog(ctx: &Context) -> Result<Vec<(LiveProductDto, DraftDocument)>, ApiError> {
    let pulled = crate::sync::remote_products(ctx)?;
    if !pulled.is_empty() {
        let groups = koodesk_sync::calls::group_ids(&*ctx.store()?, &ctx.account())?;
        return Ok(pulled
            .into_iter()
            .map(|mut l| {
                localize_group(&groups, &mut l.product);
                let dto = LiveProductDto {
                    id: l.product_id.clone(),
                    name: l.product.basic.name.clone(),
                    delivery_method: l.product.method(),
                };
                let doc = DraftDocument::modification(l.product_id, l.product)
                    .with_live_status(l.status.into())
                    .with_live_version(l.version);
                (dto, doc)
            })
            .collect());
    }
    Ok(crate::fixtures::live_products()
        .into_iter()
        .map(|(id, p)| {
            (
                LiveProductDto {
                    id: id.clone(),
                    name: p.basic.name.clone(),
                    delivery_method: p.method(),
                },
                DraftDocument::modification(id, p),
            )
        })
        .collect())
}

/// The live products a modification can start from, as the app lists them.
pub fn live_products(ctx: &Context) -> Result<Vec<LiveProductDto>, ApiError> {
    Ok(live_catalog(ctx)?.into_iter().map(|(l, _)| l).collect())
}

pub fn create_modification_of(ctx: &Context, live_product_id: &str) -> Result<DraftView, ApiError> {
    let (_, doc) = live_catalog(ctx)?
        .into_iter()
        .find(|(l, _)| l.id == live_product_id)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                format!("no live product {live_product_id}"),
            )
        })?;
    insert(ctx, &doc, "created")
}

/// Choices the editor offers and the limits its hints quote, straight from the domain rules and
/// the ruleset in force.
pub fn options(ctx: &Context) -> crate::dto::DraftOptions {
    let rules = ctx.rules();
    let clamp = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
    let small = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    use koodesk_domain::lint::spec_rules::allowed_billing_modes;
    crate::dto::DraftOptions {
        methods: DeliveryMethod::ALL
            .into_iter()
            .map(|m| crate::dto::MethodOptions {
                method: m,
                billing_modes: allowed_billing_modes(m).to_vec(),
                traded: m.is_traded(),
                software: m.is_software(),
            })
            .collect(),
        preset_attribute_names: koodesk_domain::spec::PRESET_ATTRIBUTE_NAMES
            .iter()
            .map(|s| s.to_string())
            .collect(),
        max_after_sales_groups: koodesk_domain::support::MAX_AFTER_SALES_GROUPS as u32,
        limits: crate::dto::RuleLimits {
            ruleset_version: rules.ruleset_version,
            name_max_chars: small(rules.name.max_chars),
            logo_width: rules.logo.width,
            logo_height: rules.logo.height,
            logo_max_mb: u32::try_from(rules.logo.max_bytes.div_ceil(1024 * 1024))
                .unwrap_or(u32::MAX),
            min_service_hours_per_day: rules.support.min_service_hours_per_day,
            min_service_days_per_week: rules.support.min_service_days_per_week,
            stall_days: clamp(rules.service_flow.stall_days),
            rejection_limit: rules.service_flow.rejection_limit,
            completion_delay_hours: clamp(rules.service_flow.completion_delay_hours),
        },
    }
}
