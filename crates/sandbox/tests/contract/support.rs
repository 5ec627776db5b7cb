//! Services & support changes: the marketplace's group ids, the review, and products that must
//! name a group the marketplace holds.

use koodesk_domain::support::{AfterSalesGroup, Contact, SupportInfo};

use super::*;

fn info(groups: &[&str]) -> SupportInfo {
    SupportInfo {
        business_contact: Contact {
            name: "Ana Lima".into(),
            phone: "+49 30 7654321".into(),
            email: "ana@example.com".into(),
        },
        after_sales_groups: groups
            .iter()
            .map(|id| AfterSalesGroup {
                id: (*id).into(),
                name: format!("Team {id}"),
                email: format!("{id}@example.com"),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

fn change(token: &str, groups: &[&str]) -> SubmitSupportChange {
    SubmitSupportChange {
        client_token: token.into(),
        support: info(groups),
    }
}

#[tokio::test]
async fn groups_get_stable_marketplace_ids_and_the_change_is_reviewed() {
    let w = World::new(41).await;
    let first = w
        .client
        .submit_support_change(&change("s1", &["g1", "g2"]))
        .await
        .expect("sent");
    assert_eq!(first.status, ApplicationStatus::PendingApproval);
    let ids: Vec<(&str, &str)> = first
        .groups
        .iter()
        .map(|g| (g.local_id.as_str(), g.group_id.as_str()))
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.iter().all(|(_, remote)| remote.starts_with("ASG")));
    assert_ne!(ids[0].1, ids[1].1);
    // The same seller id keeps its marketplace id; a new one gets a new id.
    let second = w
        .client
        .submit_support_change(&change("s2", &["g2", "g3"]))
        .await
        .expect("sent");
    assert_eq!(second.groups[0].group_id, ids[1].1);
    assert!(!ids.iter().any(|(_, r)| *r == second.groups[1].group_id));
    // The same token again: the first answer, nothing new.
    let again = w
        .client
        .submit_support_change(&change("s1", &["g1", "g2"]))
        .await
        .expect("replayed");
    assert_eq!(again.change_id, first.change_id);
    assert_eq!(w.counter("support_changes.submitted").await, 2);
    w.jump(2 * DAY).await;
    let list = w
        .client
        .list_support_changes(&Page::first(10))
        .await
        .expect("list");
    assert_eq!(list.total, 2);
    assert!(list
        .support_changes
        .iter()
        .all(|c| c.status == ApplicationStatus::Approved && c.reviewed_at.is_some()));
    // A contact without a phone is sent back.
    let mut bad = change("s3", &["g1"]);
    bad.support.business_contact.phone.clear();
    w.client.submit_support_change(&bad).await.expect("sent");
    w.jump(2 * DAY).await;
    let list = w
        .client
        .list_support_changes(&Page::first(10))
        .await
        .expect("list");
    let last = list.support_changes.last().expect("third");
    assert_eq!(last.status, ApplicationStatus::Rejected);
    assert_eq!(
        last.review_comments[0].field.as_deref(),
        Some("support.business_contact")
    );
}

#[tokio::test]
async fn once_groups_are_sent_a_product_must_name_one_of_them_by_its_marketplace_id() {
    let w = World::new(42).await;
    let sent = w
        .client
        .submit_support_change(&change("s1", &["g1"]))
        .await
        .expect("sent");
    let mut by_local = w.complete_release("r1", "Local group id").await;
    by_local.snapshot.qualification.after_sales_group = Some("g1".into());
    let app = w.reviewed(&by_local).await;
    assert_eq!(app.status, ApplicationStatus::Rejected);
    assert!(app
        .review_comments
        .iter()
        .any(|c| c.field.as_deref() == Some("product.qualification.after_sales_group")));
    let mut by_remote = w.complete_release("r2", "Marketplace group id").await;
    by_remote.snapshot.qualification.after_sales_group = Some(sent.groups[0].group_id.clone());
    w.approved(&by_remote).await;
}
