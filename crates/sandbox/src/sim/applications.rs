//! Release and modification applications in SQL: created by the seller, withdrawn, and reviewed
//! when due (the verdict comes from [`super::reviewer`]); an approval releases or changes the
//! live product, hidden when Public Sales is off.

use koodesk_domain::draft::DraftDocument;
use koodesk_domain::product::ListingStatus;
use koodesk_market::contract::*;
use rusqlite::{params, Connection};

use super::products::save_product;
use super::{add_working_hours, attachments, event, parse_ts, pick, reviewer, ts};
use super::{Outcome, Refusal, Sim, DAY};
use crate::db;

impl Sim {
    pub fn create_application(
        &self,
        tx: &Connection,
        req: &CreateApplication,
        now: i64,
    ) -> Outcome<Application> {
        if req.snapshot.basic.name.trim().is_empty() {
            return Err(Refusal::invalid(
                "snapshot.basic.name: the product needs a name.",
            ));
        }
        let (product_id, base_version) = match req.r#type {
            ApplicationType::Release => {
                if req.product_id.is_some() {
                    return Err(Refusal::invalid(
                        "A release application must not name a productId.",
                    ));
                }
                (None, None)
            }
            ApplicationType::Modification => {
                let id = req.product_id.as_deref().ok_or_else(|| {
                    Refusal::invalid("A modification application needs productId.")
                })?;
                let base = req.base_version.ok_or_else(|| {
                    Refusal::invalid("A modification application needs baseVersion.")
                })?;
                let live: LiveProduct = db::get(tx, "products", "product_id", id)?
                    .ok_or_else(|| Refusal::not_found(format!("Product {id} does not exist.")))?;
                if live.status == ProductStatus::Offline {
                    return Err(Refusal::not_allowed(format!(
                        "Product {id} has been removed from sale (offline) and can no longer be modified."
                    )));
                }
                if live.version != base {
                    return Err(Refusal::new(
                        409,
                        codes::STALE_VERSION,
                        format!(
                            "The modification was made from version {base} of {id}, but the product is now at version {}. Start again from the current version.",
                            live.version
                        ),
                    ));
                }
                let pending: i64 = tx.query_row(
                    "SELECT COUNT(*) FROM applications WHERE product_id = ?1 AND status = 'PENDING_APPROVAL'",
                    [id],
                    |r| r.get(0),
                )?;
                if pending > 0 {
                    return Err(Refusal::not_allowed(format!(
                        "Product {id} already has an application under review; wait for the result or withdraw it first."
                    )));
                }
                (Some(id.to_owned()), Some(base))
            }
        };
        let n = db::next_seq(tx, "application")?;
        let id = format!("APP{}{:06}", &ts(now)[2..8], n);
        // Review time: up to 3 working days, slower when 10 or more arrive on one day.
        let day_start = now - now.rem_euclid(DAY);
        let same_day: i64 = tx.query_row(
            "SELECT COUNT(*) FROM applications WHERE submitted_at >= ?1 AND submitted_at < ?2",
            params![day_start, day_start + DAY],
            |r| r.get(0),
        )?;
        let mut hours = pick(self.seed, &format!("{id}:review"), 4, 24);
        if same_day >= 10 {
            hours += 16;
        }
        let due = add_working_hours(now, hours);
        let app = Application {
            application_id: id.clone(),
            r#type: req.r#type,
            status: ApplicationStatus::PendingApproval,
            product_id: product_id.clone(),
            base_version,
            product_name: req.snapshot.basic.name.clone(),
            submitted_at: ts(now),
            updated_at: ts(now),
            reviewed_at: None,
            review_comments: Vec::new(),
            version: 1,
            snapshot: req.snapshot.clone(),
        };
        tx.execute(
            "INSERT INTO applications (application_id, status, product_id, submitted_at, updated_at, due_at, json)
             VALUES (?1, 'PENDING_APPROVAL', ?2, ?3, ?3, ?4, ?5)",
            params![id, product_id, now, due, db::to_json(&app)],
        )?;
        db::bump(tx, "applications.created", 1)?;
        db::bump(tx, &format!("applications.created:{}", req.client_token), 1)?;
        Ok(app)
    }

    pub fn withdraw(
        &self,
        tx: &Connection,
        id: &str,
        req: &Withdraw,
        now: i64,
    ) -> Outcome<Application> {
        let mut app: Application = db::get(tx, "applications", "application_id", id)?
            .ok_or_else(|| Refusal::not_found(format!("Application {id} does not exist.")))?;
        if app.version != req.version {
            return Err(Refusal::new(
                409,
                codes::STALE_VERSION,
                format!("Application {id} changed (version {} → {}); look at it again before withdrawing.", req.version, app.version),
            ));
        }
        if app.status != ApplicationStatus::PendingApproval {
            return Err(Refusal::not_allowed(format!(
                "Only applications pending approval can be withdrawn; {id} is {:?}.",
                app.status
            )));
        }
        app.status = ApplicationStatus::Withdrawn;
        app.version += 1;
        app.updated_at = ts(now);
        save_application(tx, &app, None)?;
        db::bump(tx, "applications.withdrawn", 1)?;
        db::bump(
            tx,
            &format!("applications.withdrawn:{}", req.client_token),
            1,
        )?;
        Ok(app)
    }

    pub(crate) fn review(
        &self,
        tx: &Connection,
        mut app: Application,
        at: i64,
    ) -> rusqlite::Result<()> {
        let live: Option<LiveProduct> = match &app.product_id {
            Some(id) => db::get(tx, "products", "product_id", id)?,
            None => None,
        };
        let doc = match (&live, app.r#type) {
            (Some(l), ApplicationType::Modification) => {
                let mut d = DraftDocument::modification(l.product_id.clone(), l.product.clone())
                    .with_live_status(l.status.into());
                d.product = app.snapshot.clone();
                d
            }
            _ => DraftDocument::release(app.snapshot.clone()),
        };
        // The reviewer asks about files; the answers are read before it decides.
        let mut uploaded = std::collections::HashMap::new();
        for (_, a) in app.snapshot.attachments() {
            uploaded.insert(a.sha256.clone(), attachments::is_stored(tx, &a.sha256)?);
        }
        let mut comments = reviewer::review(
            &doc,
            &self.ruleset,
            self.seed,
            &app.application_id,
            &|sha| uploaded.get(sha).copied().unwrap_or(false),
        );
        if !self.picky {
            comments.retain(|c| c.message != reviewer::MOOD_MESSAGE);
        }
        // Once the seller sent Services & support, a product names one of its groups by the
        // marketplace's id.
        if let Some(g) = &app.snapshot.qualification.after_sales_group {
            if super::support::knows_group(tx, g)? == Some(false) {
                comments.push(ReviewComment {
                    field: Some("product.qualification.after_sales_group".into()),
                    message: format!(
                        "The after-sales group {g} is not in your Services & support information on KooGallery."
                    ),
                });
            }
        }
        app.reviewed_at = Some(ts(at));
        app.updated_at = ts(at);
        app.version += 1;
        let id = app.application_id.clone();
        if comments.is_empty() {
            app.status = ApplicationStatus::Approved;
            let product_id = match (live, app.r#type) {
                (Some(mut l), ApplicationType::Modification) => {
                    l.product = app.snapshot.clone();
                    l.status = ListingStatus::on_sale(l.product.public_sales).into();
                    l.version += 1;
                    l.updated_at = ts(at);
                    save_product(tx, &l, None)?;
                    l.product_id
                }
                _ => self.new_product(tx, app.snapshot.clone(), at)?.product_id,
            };
            app.product_id = Some(product_id.clone());
            save_application(tx, &app, None)?;
            event(
                tx,
                EventType::ReviewApproved,
                at,
                Some(&id),
                None,
                Some(&product_id),
                format!("{} was approved.", app.product_name),
            )?;
        } else {
            app.status = ApplicationStatus::Rejected;
            let n = comments.len();
            app.review_comments = comments;
            save_application(tx, &app, None)?;
            event(
                tx,
                EventType::ReviewRejected,
                at,
                Some(&id),
                None,
                app.product_id.as_deref(),
                format!(
                    "{} was rejected with {n} review comment(s).",
                    app.product_name
                ),
            )?;
        }
        Ok(())
    }
}

pub fn save_application(
    tx: &Connection,
    a: &Application,
    due_at: Option<i64>,
) -> rusqlite::Result<()> {
    let status = serde_json::to_value(a.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    tx.execute(
        "INSERT INTO applications (application_id, status, product_id, submitted_at, updated_at, due_at, json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(application_id) DO UPDATE SET status = excluded.status, product_id = excluded.product_id,
             updated_at = excluded.updated_at, due_at = COALESCE(excluded.due_at, applications.due_at), json = excluded.json",
        params![
            a.application_id,
            status,
            a.product_id,
            parse_ts(&a.submitted_at).unwrap_or(0),
            parse_ts(&a.updated_at).unwrap_or(0),
            due_at,
            db::to_json(a)
        ],
    )?;
    Ok(())
}
