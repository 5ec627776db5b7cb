//! The calls that carry out a submission: each file the snapshot needs uploaded (unless the
//! marketplace has it or an earlier submission already queued it), then the application, which
//! waits for the uploads.

use koodesk_domain::product::Attachment;
use koodesk_market::contract::AttachmentKind;
use koodesk_store::NewOutboxRow;

use crate::{client_token, Call};

/// A file the submission needs on the marketplace.
#[derive(Debug, Clone, Copy)]
pub struct File<'a> {
    pub kind: AttachmentKind,
    pub attachment: &'a Attachment,
    pub content_type: &'a str,
}

/// What is known about a file on the marketplace's side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Known {
    /// Not there: upload it.
    Missing,
    /// Uploaded from here before.
    Uploaded,
    /// An open outbox row (this token) uploads it already.
    Queued(String),
}

/// The rows for one submission, in the order they are queued. `entity` is the product's entity
/// (`draft:<id>` for a release, `product:<id>` for a modification).
///
/// `also_wait_for`: client tokens of other rows the application must wait for (a Services &
/// support change that brings the group the product names).
pub fn rows(
    submission_id: &str,
    entity: &str,
    files: &[File<'_>],
    known: impl Fn(&str) -> Known,
    also_wait_for: &[String],
) -> Vec<NewOutboxRow> {
    let (mut rows, waits) = uploads(files, known, also_wait_for);
    let create = Call::CreateApplication {
        submission_id: submission_id.to_owned(),
    };
    rows.push(NewOutboxRow {
        client_token: client_token(),
        op: create.op().into(),
        entity: entity.to_owned(),
        waits_for: waits,
        params: create.params(),
    });
    rows
}

/// The upload rows for the files the marketplace does not have and no open row uploads yet,
/// and every token a call needing these files must wait for (`also_wait_for` first).
pub fn uploads(
    files: &[File<'_>],
    known: impl Fn(&str) -> Known,
    also_wait_for: &[String],
) -> (Vec<NewOutboxRow>, Vec<String>) {
    let mut rows = Vec::new();
    let mut waits: Vec<(String, String)> = also_wait_for
        .iter()
        .map(|t| (String::new(), t.clone()))
        .collect();
    for f in files {
        let sha = &f.attachment.sha256;
        if waits.iter().any(|(s, _)| !s.is_empty() && s == sha) {
            continue;
        }
        match known(sha) {
            Known::Uploaded => continue,
            Known::Queued(token) => waits.push((sha.clone(), token)),
            Known::Missing => {
                let token = client_token();
                let call = Call::UploadAttachment {
                    sha256: sha.clone(),
                    kind: f.kind,
                    file_name: f.attachment.file_name.clone(),
                    content_type: f.content_type.to_owned(),
                };
                rows.push(NewOutboxRow {
                    client_token: token.clone(),
                    op: call.op().into(),
                    entity: format!("attachment:{sha}"),
                    waits_for: Vec::new(),
                    params: call.params(),
                });
                waits.push((sha.clone(), token));
            }
        }
    }
    (rows, waits.into_iter().map(|(_, t)| t).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(sha: &str) -> Attachment {
        Attachment {
            sha256: sha.into(),
            file_name: format!("{sha}.pdf"),
            media_type: "application/pdf".into(),
            size: 3,
            image: None,
        }
    }

    #[test]
    fn uploads_what_is_missing_once_and_the_application_waits_for_every_upload() {
        let (a, b, c, d) = (file("aa"), file("bb"), file("cc"), file("dd"));
        let f = |x| File {
            kind: AttachmentKind::Other,
            attachment: x,
            content_type: "application/pdf",
        };
        let files = [f(&a), f(&b), f(&a), f(&c), f(&d)];
        let rows = rows(
            "S1",
            "draft:x",
            &files,
            |sha| match sha {
                "bb" => Known::Uploaded,
                "cc" => Known::Queued("earlier".into()),
                _ => Known::Missing,
            },
            &["support".to_owned()],
        );
        let ops: Vec<&str> = rows.iter().map(|r| r.op.as_str()).collect();
        assert_eq!(
            ops,
            [
                "upload_attachment",
                "upload_attachment",
                "create_application"
            ]
        );
        assert_eq!(rows[0].entity, "attachment:aa");
        assert_eq!(rows[1].entity, "attachment:dd");
        let create = &rows[2];
        assert_eq!(create.entity, "draft:x");
        assert_eq!(
            create.waits_for,
            vec![
                "support".to_owned(),
                rows[0].client_token.clone(),
                "earlier".into(),
                rows[1].client_token.clone()
            ]
        );
        let tokens: std::collections::HashSet<_> = rows.iter().map(|r| &r.client_token).collect();
        assert_eq!(tokens.len(), 3, "every row has its own token");
        assert!(create.params.contains("\"submission_id\":\"S1\""));
    }
}
