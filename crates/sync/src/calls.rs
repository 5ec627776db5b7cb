//! What an outbox row asks the marketplace to do: how its request is built the first time it is
//! sent, and what its answer (or refusal) changes locally.

use std::path::Path;

use base64::Engine as _;
use koodesk_market::contract::*;
use koodesk_store::{Effect, OutboxRow, RemoteApplication, RemoteOrder, Store, SubmissionRow};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::SyncError;

/// The row's `params`: everything the request is built from. Tagged by `op`, which is also the
/// row's `op` column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Call {
    /// A file from the local attachment store (content-addressed).
    UploadAttachment {
        sha256: String,
        kind: AttachmentKind,
        file_name: String,
        content_type: String,
    },
    /// The release or modification application of a submission.
    CreateApplication { submission_id: String },
    /// The seller's Services & support information (JSON, as it was when queued).
    SubmitSupportChange { support: String },
    /// A supervision action on a service order, decided on the order's flow version. Files
    /// (deliverables, proofs, the Letter of Commitment) are named by their SHA-256: uploaded by
    /// rows this one waits for, and known to the marketplace by their content address.
    ActOnOrder {
        order_id: String,
        flow_version: u64,
        action: koodesk_domain::supervision::SellerAction,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        result_text: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        actual_enabling_time: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        deliverables: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        proofs: Vec<String>,
        #[serde(default)]
        customer_unreachable: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        commitment_letter: Option<String>,
    },
    /// Withdraws an application: one a submission from here created (its id comes from that
    /// answer, once known), or one known by id.
    WithdrawApplication {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        submission_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        application_id: Option<String>,
    },
}

impl Call {
    pub fn op(&self) -> &'static str {
        match self {
            Call::UploadAttachment { .. } => "upload_attachment",
            Call::CreateApplication { .. } => "create_application",
            Call::WithdrawApplication { .. } => "withdraw_application",
            Call::SubmitSupportChange { .. } => "submit_support_change",
            Call::ActOnOrder { .. } => "act_on_order",
        }
    }

    pub fn params(&self) -> String {
        // Plain strings and enums: encoding cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_row(row: &OutboxRow) -> Result<Call, SyncError> {
        serde_json::from_str(&row.params)
            .map_err(|e| SyncError::Corrupt(format!("outbox row {} cannot be read: {e}", row.seq)))
    }
}

/// A request ready to go: method, path under the contract's base path, body bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: &'static str,
    pub path: String,
    pub body: Vec<u8>,
}

fn encode<T: Serialize>(v: &T) -> Result<Vec<u8>, SyncError> {
    serde_json::to_vec(v).map_err(|e| SyncError::Corrupt(format!("cannot encode a request: {e}")))
}

fn submission(store: &Store, id: &str) -> Result<SubmissionRow, SyncError> {
    store
        .submission(id)?
        .ok_or_else(|| SyncError::Corrupt(format!("submission {id} is missing")))
}

/// Builds the request of a row that has never been sent. What it needs from earlier answers (an
/// application's id and version) is read from the store, where those answers were applied.
pub fn build(
    store: &Store,
    attachments: &Path,
    row: &OutboxRow,
    call: &Call,
) -> Result<Request, SyncError> {
    let token = row.client_token.clone();
    match call {
        Call::UploadAttachment {
            sha256,
            kind,
            file_name,
            content_type,
        } => {
            let path = koodesk_store::attachment_path(attachments, sha256);
            let content = std::fs::read(&path).map_err(|e| {
                SyncError::Local(format!(
                    "{file_name} is no longer in the data folder ({}): {e}",
                    path.display()
                ))
            })?;
            let actual = hex::encode(Sha256::digest(&content));
            if actual != *sha256 {
                return Err(SyncError::Local(format!(
                    "{file_name} in the data folder was changed or damaged; attach it again"
                )));
            }
            let body = UploadAttachment {
                client_token: token,
                kind: *kind,
                file_name: file_name.clone(),
                content_type: content_type.clone(),
                sha256: sha256.clone(),
                content: base64::engine::general_purpose::STANDARD.encode(&content),
            };
            Ok(Request {
                method: "POST",
                path: "/isv/attachments".into(),
                body: encode(&body)?,
            })
        }
        Call::SubmitSupportChange { support } => {
            let support = serde_json::from_str(support)
                .map_err(|e| SyncError::Corrupt(format!("outbox row {}: {e}", row.seq)))?;
            Ok(Request {
                method: "POST",
                path: "/isv/support-changes".into(),
                body: encode(&SubmitSupportChange {
                    client_token: token,
                    support,
                })?,
            })
        }
        Call::CreateApplication { submission_id } => {
            let s = submission(store, submission_id)?;
            let mut snapshot: koodesk_domain::product::Product = serde_json::from_str(&s.snapshot)
                .map_err(|e| {
                    SyncError::Corrupt(format!("submission {submission_id} cannot be read: {e}"))
                })?;
            // The product names its after-sales group by the marketplace's id, known once the
            // Services & support change that carried the group was answered.
            if let Some(local) = snapshot.qualification.after_sales_group.clone() {
                if let Some(remote) = group_ids(store, &row.account)?
                    .into_iter()
                    .find(|g| g.local_id == local)
                {
                    snapshot.qualification.after_sales_group = Some(remote.group_id);
                }
            }
            let body = CreateApplication {
                client_token: token,
                r#type: if s.kind == "modification" {
                    ApplicationType::Modification
                } else {
                    ApplicationType::Release
                },
                product_id: s.live_product_id.clone(),
                base_version: s.base_version,
                snapshot,
            };
            Ok(Request {
                method: "POST",
                path: "/isv/applications".into(),
                body: encode(&body)?,
            })
        }
        Call::ActOnOrder {
            order_id,
            flow_version,
            action,
            reason,
            result_text,
            actual_enabling_time,
            deliverables,
            proofs,
            customer_unreachable,
            commitment_letter,
        } => {
            let ids = |shas: &[String]| shas.iter().map(|s| attachment_id(s)).collect();
            let body = OrderAction {
                reason: reason.clone(),
                result_text: result_text.clone(),
                actual_enabling_time: actual_enabling_time.clone(),
                deliverable_ids: ids(deliverables),
                proof_ids: ids(proofs),
                customer_unreachable: *customer_unreachable,
                commitment_letter_id: commitment_letter.as_deref().map(attachment_id),
                ..OrderAction::new(token, *flow_version, *action)
            };
            Ok(Request {
                method: "POST",
                path: format!("/isv/service-orders/{order_id}/actions"),
                body: encode(&body)?,
            })
        }
        Call::WithdrawApplication {
            submission_id,
            application_id,
        } => {
            let id = match (application_id, submission_id) {
                (Some(id), _) => id.clone(),
                (None, Some(sid)) => submission(store, sid)?.application_id.ok_or_else(|| {
                    SyncError::Local(format!(
                        "submission {sid} has no application to withdraw yet"
                    ))
                })?,
                (None, None) => {
                    return Err(SyncError::Corrupt(format!(
                        "outbox row {} names no application",
                        row.seq
                    )))
                }
            };
            let version = store
                .remote_applications(&row.account)?
                .into_iter()
                .find(|a| a.application_id == id)
                .and_then(|a| serde_json::from_str::<Application>(&a.json).ok())
                .map(|a| a.version)
                .ok_or_else(|| {
                    SyncError::Local(format!("application {id} has not been read back yet"))
                })?;
            Ok(Request {
                method: "POST",
                path: format!("/isv/applications/{id}/withdraw"),
                body: encode(&Withdraw {
                    client_token: token,
                    version,
                })?,
            })
        }
    }
}

/// The sync state key of the marketplace's ids for the seller's after-sales groups.
pub const GROUP_IDS: &str = "support.groups";
/// The sync state key of the last Services & support change the marketplace answered.
pub const SUPPORT_CHANGE: &str = "support.change";

/// The marketplace's ids for the seller's after-sales groups, as last answered.
pub fn group_ids(store: &Store, account: &str) -> Result<Vec<GroupId>, SyncError> {
    Ok(store
        .sync_state(account, GROUP_IDS)?
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default())
}

pub fn remote_application(a: &Application) -> RemoteApplication {
    RemoteApplication {
        application_id: a.application_id.clone(),
        product_id: a.product_id.clone(),
        status: serde_json::to_value(a.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        updated_at: a.updated_at.clone(),
        json: serde_json::to_string(a).unwrap_or_default(),
    }
}

/// What a successful answer changes locally.
/// The local copy of a pulled service order.
pub fn remote_order(o: &ServiceOrder) -> RemoteOrder {
    let name = |v: serde_json::Result<serde_json::Value>| {
        v.ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    RemoteOrder {
        order_id: o.order_id.clone(),
        flow_state: name(serde_json::to_value(o.flow_state)),
        waiting_for: name(serde_json::to_value(o.waiting_for)),
        flow_version: o.flow_version,
        version: o.version,
        updated_at: o.updated_at.clone(),
        json: serde_json::to_string(o).unwrap_or_default(),
        facts: order_columns(o),
    }
}

/// What the stall alerts read of an order, as the store keeps it in columns.
fn order_columns(o: &ServiceOrder) -> koodesk_store::OrderColumns {
    use koodesk_domain::supervision::Party;
    use koodesk_market::sign::parse_sdk_date;
    let secs = |t: &str| parse_sdk_date(t).map(|t| t.unix_timestamp());
    koodesk_store::OrderColumns {
        product_name: o.product_name.clone(),
        flow_updated_at: secs(&o.flow_updated_at).unwrap_or(0),
        appeal_open: o.appeal.status == koodesk_market::contract::AppealStatus::InProgress,
        seller_rejections: o.seller_rejections,
        customer_rejections: o.customer_rejections,
        // The seller's last acceptance of a request (the delivery days count from there).
        request_accepted_at: o
            .records
            .iter()
            .rev()
            .find(|r| r.party == Party::Seller && r.operation.to_lowercase().contains("accepted"))
            .and_then(|r| secs(&r.at)),
        avg_delivery_days: o.avg_delivery_days,
    }
}

pub fn on_done(call: &Call, answer: &serde_json::Value) -> Result<Vec<Effect>, SyncError> {
    let read = |what: &str, e: serde_json::Error| {
        SyncError::Corrupt(format!(
            "the marketplace's answer to {what} cannot be read: {e}"
        ))
    };
    Ok(match call {
        Call::UploadAttachment { .. } => {
            let d = AttachmentData::deserialize(answer).map_err(|e| read("an upload", e))?;
            vec![Effect::UploadedAttachment {
                attachment_id: d.attachment.attachment_id,
            }]
        }
        Call::CreateApplication { submission_id } => {
            let d = ApplicationData::deserialize(answer).map_err(|e| read("a submission", e))?;
            vec![
                Effect::Submission {
                    id: submission_id.clone(),
                    state: "sent".into(),
                    application_id: Some(d.application.application_id.clone()),
                    message: None,
                },
                Effect::RemoteApplication(remote_application(&d.application)),
            ]
        }
        Call::ActOnOrder { .. } => {
            let d = ServiceOrderData::deserialize(answer)
                .map_err(|e| read("a service-order action", e))?;
            vec![Effect::RemoteOrder(remote_order(&d.service_order))]
        }
        Call::WithdrawApplication { .. } => {
            let d = ApplicationData::deserialize(answer).map_err(|e| read("a withdrawal", e))?;
            vec![Effect::RemoteApplication(remote_application(
                &d.application,
            ))]
        }
        Call::SubmitSupportChange { .. } => {
            let d = SupportChangeData::deserialize(answer)
                .map_err(|e| read("a Services & support change", e))?;
            vec![
                Effect::SyncState {
                    key: GROUP_IDS.into(),
                    value: serde_json::to_string(&d.support_change.groups).unwrap_or_default(),
                },
                Effect::SyncState {
                    key: SUPPORT_CHANGE.into(),
                    value: serde_json::to_string(&d.support_change).unwrap_or_default(),
                },
            ]
        }
    })
}

/// What a refusal changes locally: the submission it belongs to needs the seller's attention,
/// with the marketplace's message.
pub fn on_refused(submission_id: Option<&str>, call: &Call, message: &str) -> Vec<Effect> {
    match (call, submission_id) {
        (Call::WithdrawApplication { .. }, _) | (_, None) => Vec::new(),
        (_, Some(id)) => vec![Effect::Submission {
            id: id.to_owned(),
            state: "rejected".into(),
            application_id: None,
            message: Some(message.to_owned()),
        }],
    }
}
