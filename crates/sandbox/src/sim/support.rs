//! Services & support changes: KooGallery reviews the seller's contact information. Each group
//! gets the marketplace's id when the change arrives (the same id every time for the same local
//! id); the change is reviewed within working hours. Once the marketplace holds groups, a
//! product must name one of them.

use koodesk_domain::support::{SupportInfo, MAX_AFTER_SALES_GROUPS};
use koodesk_market::contract::*;
use rusqlite::{params, Connection};

use super::{add_working_hours, event, pick, ts, Outcome, Refusal, Sim};
use crate::db;

/// The marketplace id of every group it was sent, by the seller's id.
pub fn group_ids(tx: &Connection) -> rusqlite::Result<Vec<GroupId>> {
    Ok(db::meta_get(tx, "support.groups")?
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default())
}

/// Whether a product's after-sales group is one the marketplace holds; `None` while the seller
/// has never sent Services & support (the demo data and old tests).
pub fn knows_group(tx: &Connection, group: &str) -> rusqlite::Result<Option<bool>> {
    let ids = group_ids(tx)?;
    if ids.is_empty() {
        return Ok(None);
    }
    Ok(Some(ids.iter().any(|g| g.group_id == group)))
}

/// What a reviewer says about the information: pure.
pub fn review(info: &SupportInfo) -> Vec<ReviewComment> {
    let mut out = Vec::new();
    let c = &info.business_contact;
    if c.name.trim().is_empty() || c.phone.trim().is_empty() || c.email.trim().is_empty() {
        out.push(ReviewComment {
            field: Some("support.business_contact".into()),
            message: "Give the business contact's name, phone and e-mail.".into(),
        });
    }
    for (i, g) in info.after_sales_groups.iter().enumerate() {
        if g.name.trim().is_empty() || (g.phone.trim().is_empty() && g.email.trim().is_empty()) {
            out.push(ReviewComment {
                field: Some(format!("support.after_sales_groups[{i}]")),
                message:
                    "Each after-sales group needs a name and a phone number or e-mail address."
                        .into(),
            });
        }
    }
    out
}

impl Sim {
    pub fn submit_support_change(
        &self,
        tx: &Connection,
        req: &SubmitSupportChange,
        now: i64,
    ) -> Outcome<SupportChange> {
        let groups = &req.support.after_sales_groups;
        if groups.len() > MAX_AFTER_SALES_GROUPS {
            return Err(Refusal::invalid(format!(
                "At most {MAX_AFTER_SALES_GROUPS} after-sales groups are allowed."
            )));
        }
        if groups.iter().any(|g| g.id.trim().is_empty()) {
            return Err(Refusal::invalid("Every after-sales group needs an id."));
        }
        let mut known = group_ids(tx)?;
        let mut mapped = Vec::new();
        for g in groups {
            let id = match known.iter().find(|k| k.local_id == g.id) {
                Some(k) => k.group_id.clone(),
                None => {
                    let n = db::next_seq(tx, "support-group")?;
                    let k = GroupId {
                        local_id: g.id.clone(),
                        group_id: format!("ASG{n:06}"),
                    };
                    known.push(k.clone());
                    k.group_id
                }
            };
            mapped.push(GroupId {
                local_id: g.id.clone(),
                group_id: id,
            });
        }
        db::meta_set(tx, "support.groups", &db::to_json(&known))?;
        let n = db::next_seq(tx, "support-change")?;
        let change = SupportChange {
            change_id: format!("SUP{}{n:06}", &ts(now)[2..8]),
            status: ApplicationStatus::PendingApproval,
            submitted_at: ts(now),
            reviewed_at: None,
            review_comments: Vec::new(),
            groups: mapped,
            support: req.support.clone(),
        };
        let due = add_working_hours(
            now,
            pick(self.seed, &format!("{}:review", change.change_id), 1, 8),
        );
        save(tx, &change, Some(due))?;
        db::bump(tx, "support_changes.submitted", 1)?;
        db::bump(
            tx,
            &format!("support_changes.submitted:{}", req.client_token),
            1,
        )?;
        Ok(change)
    }

    pub(crate) fn review_support_change(
        &self,
        tx: &Connection,
        mut change: SupportChange,
        at: i64,
    ) -> rusqlite::Result<()> {
        let comments = review(&change.support);
        change.status = if comments.is_empty() {
            ApplicationStatus::Approved
        } else {
            ApplicationStatus::Rejected
        };
        change.review_comments = comments;
        change.reviewed_at = Some(ts(at));
        save(tx, &change, None)?;
        let verdict = if change.status == ApplicationStatus::Approved {
            "approved"
        } else {
            "rejected"
        };
        event(
            tx,
            EventType::SupportChangeReviewed,
            at,
            None,
            None,
            None,
            format!(
                "Your Services & support change {} was {verdict}.",
                change.change_id
            ),
        )
    }
}

pub fn save(tx: &Connection, c: &SupportChange, due_at: Option<i64>) -> rusqlite::Result<()> {
    let status = if c.status == ApplicationStatus::PendingApproval {
        "PENDING_APPROVAL"
    } else {
        "DECIDED"
    };
    tx.execute(
        "INSERT INTO support_changes (change_id, status, due_at, json) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(change_id) DO UPDATE SET status = excluded.status, due_at = excluded.due_at,
             json = excluded.json",
        params![c.change_id, status, due_at, db::to_json(c)],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use koodesk_domain::support::{AfterSalesGroup, Contact};

    #[test]
    fn the_reviewer_wants_a_reachable_contact_and_named_groups() {
        let mut info = SupportInfo {
            business_contact: Contact {
                name: "Ana".into(),
                phone: "+49 30 1234567".into(),
                email: "ana@example.com".into(),
            },
            ..Default::default()
        };
        info.after_sales_groups.push(AfterSalesGroup {
            id: "g1".into(),
            name: "Support".into(),
            email: "help@example.com".into(),
            ..Default::default()
        });
        assert!(review(&info).is_empty());
        info.after_sales_groups[0].email.clear();
        assert_eq!(
            review(&info)[0].field.as_deref(),
            Some("support.after_sales_groups[0]")
        );
        info.business_contact.phone.clear();
        assert_eq!(review(&info).len(), 2);
    }
}
