//! Services & support information: a draft of its own, linted, with revisions.

use koodesk_domain::lint;
use koodesk_domain::support::SupportInfo;

use crate::drafts::finding_dto;
use crate::dto::SupportView;
use crate::{ApiError, Context, ErrorCode};

pub fn get(ctx: &Context) -> Result<SupportView, ApiError> {
    let stored = ctx.store()?.support_info(&ctx.account())?;
    let (revision, info) = match stored {
        Some((rev, doc)) => (
            rev,
            serde_json::from_str::<SupportInfo>(&doc).map_err(|e| {
                ApiError::new(
                    ErrorCode::Storage,
                    format!("support information is unreadable: {e}"),
                )
            })?,
        ),
        None => (0, SupportInfo::default()),
    };
    view(ctx, revision, &info)
}

fn view(ctx: &Context, revision: i64, info: &SupportInfo) -> Result<SupportView, ApiError> {
    Ok(SupportView {
        revision: u32::try_from(revision).unwrap_or(u32::MAX),
        info: serde_json::to_value(info)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?,
        findings: lint::lint_support(info, ctx.rules())
            .into_iter()
            .map(finding_dto)
            .collect(),
    })
}

pub fn save(
    ctx: &Context,
    base_revision: Option<u32>,
    info: serde_json::Value,
) -> Result<SupportView, ApiError> {
    let info: SupportInfo =
        serde_json::from_value(info).map_err(|e| ApiError::invalid("info", e.to_string()))?;
    let doc = serde_json::to_string(&info)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let revision =
        ctx.store()?
            .save_support_info(&ctx.account(), base_revision.map(i64::from), &doc)?;
    view(ctx, revision, &info)
}
