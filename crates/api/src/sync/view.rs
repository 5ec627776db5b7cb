//! What the window shows of sync: the sync status line, My Applications, where a draft's last
//! submission stands. Plain DTOs for the generated bindings.

use serde::{Deserialize, Serialize};

use koodesk_market::contract::{Application, ApplicationStatus, ApplicationType};
use koodesk_sync::engine::keys;

use crate::{ApiError, Context};

/// `20261123T090000Z` → `2026-11-23T09:00:00Z`; anything else as it is.
pub fn iso(t: &str) -> String {
    let b = t.as_bytes();
    if b.len() == 16 && b[8] == b'T' && b[15] == b'Z' && t[..8].bytes().all(|c| c.is_ascii_digit())
    {
        format!(
            "{}-{}-{}T{}:{}:{}Z",
            &t[0..4],
            &t[4..6],
            &t[6..8],
            &t[9..11],
            &t[11..13],
            &t[13..15]
        )
    } else {
        t.to_owned()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationState {
    PendingReview,
    Approved,
    Rejected,
    Withdrawn,
}

impl From<ApplicationStatus> for ApplicationState {
    fn from(s: ApplicationStatus) -> Self {
        match s {
            ApplicationStatus::PendingApproval => ApplicationState::PendingReview,
            ApplicationStatus::Approved => ApplicationState::Approved,
            ApplicationStatus::Rejected => ApplicationState::Rejected,
            ApplicationStatus::Withdrawn => ApplicationState::Withdrawn,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ReviewCommentDto {
    pub field: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ApplicationDto {
    pub application_id: String,
    pub modification: bool,
    pub state: ApplicationState,
    pub product_name: String,
    pub product_id: Option<String>,
    /// ISO 8601, UTC.
    pub submitted_at: String,
    pub updated_at: String,
    pub reviewed_at: Option<String>,
    pub review_comments: Vec<ReviewCommentDto>,
    /// The local draft it was submitted from, when it was submitted from here.
    pub draft_id: Option<String>,
    /// A withdrawal is queued and not sent yet.
    pub withdrawing: bool,
}

pub fn application_dto(
    a: &Application,
    draft_id: Option<String>,
    withdrawing: bool,
) -> ApplicationDto {
    ApplicationDto {
        application_id: a.application_id.clone(),
        modification: a.r#type == ApplicationType::Modification,
        state: a.status.into(),
        product_name: a.product_name.clone(),
        product_id: a.product_id.clone(),
        submitted_at: iso(&a.submitted_at),
        updated_at: iso(&a.updated_at),
        reviewed_at: a.reviewed_at.as_deref().map(iso),
        review_comments: a
            .review_comments
            .iter()
            .map(|c| ReviewCommentDto {
                field: c.field.clone(),
                message: c.message.clone(),
            })
            .collect(),
        draft_id,
        withdrawing,
    }
}

/// The account's applications, newest first.
pub fn applications(ctx: &Context) -> Result<Vec<ApplicationDto>, ApiError> {
    let open = ctx.store()?.outbox(&ctx.account(), false)?;
    // Applications a queued withdrawal names (read from the rows, not matched as text).
    let pending: Vec<String> = open
        .iter()
        .filter_map(|r| match koodesk_sync::Call::from_row(r) {
            Ok(koodesk_sync::Call::WithdrawApplication {
                application_id: Some(id),
                ..
            }) => Some(id),
            _ => None,
        })
        .collect();
    let withdrawing = |id: &str| pending.iter().any(|p| p == id);
    let mut out: Vec<ApplicationDto> = super::applications(ctx)?
        .into_iter()
        .map(|v| {
            let w = withdrawing(&v.application.application_id);
            application_dto(&v.application, v.draft_id, w)
        })
        .collect();
    out.sort_by(|a, b| b.submitted_at.cmp(&a.submitted_at));
    Ok(out)
}

/// Where a draft's last submission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionState {
    /// Queued: waiting to be sent (offline, or sending now).
    WaitingToSend,
    /// The marketplace refused it or something it needs: the message says why.
    NeedsAttention,
    /// Given up by hand.
    Discarded,
    /// Submitted by hand in the console.
    SubmittedByHand,
    PendingReview,
    Approved,
    Rejected,
    Withdrawn,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct DraftSubmission {
    pub submission_id: String,
    pub state: SubmissionState,
    /// ISO 8601 (UTC) when the seller pressed Submit.
    pub submitted_at: String,
    /// The marketplace's message when it refused, verbatim.
    pub message: Option<String>,
    pub application: Option<ApplicationDto>,
}

pub fn draft_submission(
    ctx: &Context,
    draft_id: &str,
) -> Result<Option<DraftSubmission>, ApiError> {
    let Some(s) = ctx.store()?.submissions_of(draft_id)?.into_iter().next() else {
        return Ok(None);
    };
    let app = match &s.application_id {
        Some(id) => applications(ctx)?
            .into_iter()
            .find(|a| &a.application_id == id),
        None => None,
    };
    let state = match (s.state.as_str(), &app) {
        ("queued", _) => SubmissionState::WaitingToSend,
        ("rejected", _) => SubmissionState::NeedsAttention,
        ("discarded", _) => SubmissionState::Discarded,
        ("manual", _) => SubmissionState::SubmittedByHand,
        (_, Some(a)) => match a.state {
            ApplicationState::PendingReview => SubmissionState::PendingReview,
            ApplicationState::Approved => SubmissionState::Approved,
            ApplicationState::Rejected => SubmissionState::Rejected,
            ApplicationState::Withdrawn => SubmissionState::Withdrawn,
        },
        (_, None) => SubmissionState::PendingReview,
    };
    Ok(Some(DraftSubmission {
        submission_id: s.id,
        state,
        submitted_at: s.submitted_at,
        message: s.message,
        application: app,
    }))
}

/// One thing that needs the seller: a refused call, with the marketplace's message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct AttentionItem {
    pub seq: i32,
    pub what: String,
    pub message: String,
    pub draft_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SyncStatus {
    /// The marketplace answered at the last attempt.
    pub online: bool,
    pub offline_reason: Option<String>,
    /// The account's keys were refused: nothing is sent until they are fixed.
    pub paused: Option<String>,
    /// Calls waiting to be sent.
    pub waiting: u32,
    /// Calls sent since the queue was last empty, of `waiting + sent`.
    pub sent: u32,
    /// Unix ms of the last pull, if any.
    pub last_synced: Option<f64>,
    pub attention: Vec<AttentionItem>,
}

pub fn status(ctx: &Context, sent_since_empty: u32) -> Result<SyncStatus, ApiError> {
    let account = ctx.account();
    let store = ctx.store()?;
    let rows = store.outbox(&account, true)?;
    let waiting = rows.iter().filter(|r| !r.is_final()).count() as u32;
    let subs = store.submissions(&account)?;
    let attention = rows
        .iter()
        .filter(|r| r.state == "rejected")
        .rev()
        .take(20)
        .map(|r| AttentionItem {
            seq: r.seq as i32,
            what: r.op.replace('_', " "),
            message: r.last_error.clone().unwrap_or_default(),
            draft_id: r
                .submission_id
                .as_ref()
                .and_then(|id| subs.iter().find(|s| &s.id == id))
                .filter(|s| s.state == "rejected")
                .map(|s| s.draft_id.clone()),
        })
        .filter(|a| a.draft_id.is_some() || !a.message.starts_with("not sent"))
        .collect();
    let offline_reason = store.sync_state(&account, keys::OFFLINE)?;
    Ok(SyncStatus {
        online: offline_reason.is_none(),
        offline_reason,
        paused: store.sync_state(&account, keys::PAUSED)?,
        waiting,
        sent: sent_since_empty,
        last_synced: store
            .sync_state(&account, keys::LAST_PULL)?
            .and_then(|v| v.parse::<f64>().ok()),
        attention,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marketplace_times_become_iso() {
        assert_eq!(iso("20261123T090000Z"), "2026-11-23T09:00:00Z");
        assert_eq!(iso("2026-11-23T09:00:00.123Z"), "2026-11-23T09:00:00.123Z");
        assert_eq!(iso("garbage"), "garbage");
    }
}
