//! Submitting by hand, for accounts whose gateway does not take submissions: a folder with every
//! field in the order the KooGallery console asks for it, ready to copy, the files to upload
//! (request templates made from their forms included) and a checklist; then "submitted by hand",
//! after which the pull still tracks what it can.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::submit::{prepare, GeneratedTemplate};
use crate::{ApiError, Context, ErrorCode};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ByHandExport {
    pub folder: String,
    /// The guide with every field, in the console's order.
    pub guide: String,
    /// The files to upload, as copied into the folder.
    pub files: Vec<String>,
    pub generated: Vec<GeneratedTemplate>,
}

/// The console's sections, in its order, with their titles.
const SECTIONS: &[(&str, &str)] = &[
    ("basic", "Basic information"),
    ("specifications", "Specifications and prices"),
    ("details", "Product details"),
    ("qualification", "Qualifications and after-sales"),
    ("seo", "Search engine optimisation"),
    ("public_sales", "Public Sales"),
];

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(if *b { "yes" } else { "no" }.into()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Every filled field under `v`, as `path: value` lines in document order. A file is named by
/// its file name (it is in `files/`).
fn fields(path: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            if let (Some(Value::String(name)), Some(Value::String(_))) =
                (m.get("file_name"), m.get("sha256"))
            {
                out.push((path.to_owned(), format!("upload files/{name}")));
                return;
            }
            for (k, x) in m {
                fields(&format!("{path}.{k}"), x, out);
            }
        }
        Value::Array(items) => {
            if !items.is_empty() && items.iter().all(|i| scalar(i).is_some()) {
                let joined: Vec<String> = items.iter().filter_map(scalar).collect();
                out.push((path.to_owned(), joined.join(", ")));
                return;
            }
            for (i, x) in items.iter().enumerate() {
                fields(&format!("{path}[{}]", i + 1), x, out);
            }
        }
        other => {
            if let Some(s) = scalar(other) {
                out.push((path.to_owned(), s));
            }
        }
    }
}

fn guide(name: &str, kind: &str, product: &Value, files: &[String]) -> String {
    let mut g = String::new();
    let _ = writeln!(g, "# {name}: {kind} to submit in the KooGallery console\n");
    let _ = writeln!(
        g,
        "This account's KooGallery API does not accept submissions, so Koodesk prepared \
         everything the seller console asks for. Copy each value into the field of the same \
         name, upload the files from `files/`, submit, then choose \"Mark as submitted by hand\" \
         in Koodesk (or run `koodesk submit ID --mark-submitted`).\n"
    );
    let _ = writeln!(g, "## Checklist\n");
    let _ = writeln!(g, "- [ ] Open Seller Console → Products → {kind}");
    for (key, title) in SECTIONS {
        if product.get(key).is_some() {
            let _ = writeln!(g, "- [ ] {title}");
        }
    }
    for f in files {
        let _ = writeln!(g, "- [ ] Upload files/{f}");
    }
    let _ = writeln!(
        g,
        "- [ ] Submit for review, then mark it submitted in Koodesk\n"
    );
    for (key, title) in SECTIONS {
        let Some(v) = product.get(key) else { continue };
        let mut rows = Vec::new();
        fields(key, v, &mut rows);
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(g, "## {title}\n");
        for (path, value) in rows {
            let _ = writeln!(g, "**{path}**\n\n```\n{value}\n```\n");
        }
    }
    g
}

/// Writes the by-hand package of a draft into `folder` (created if needed): `submission.md` and
/// the files under `files/`. Checks the draft as Submit does and marks the forms issued.
pub fn export_by_hand(
    ctx: &Context,
    draft_id: &str,
    folder: &Path,
    accept_warnings: bool,
) -> Result<ByHandExport, ApiError> {
    let p = prepare(ctx, draft_id, accept_warnings)?;
    let io = |what: &str, e: std::io::Error| {
        ApiError::new(ErrorCode::Io, format!("cannot write {what}: {e}"))
    };
    let files_dir = folder.join("files");
    std::fs::create_dir_all(&files_dir).map_err(|e| io(&files_dir.display().to_string(), e))?;
    let store_dir = ctx.data_dir().attachments();
    let mut files: Vec<String> = Vec::new();
    for (_, a) in p.product.attachments() {
        let mut name = a.file_name.clone();
        if files.contains(&name) {
            name = format!("{}-{}", &a.sha256[..8.min(a.sha256.len())], a.file_name);
        }
        if files.contains(&name) {
            continue; // the same file named twice
        }
        let from = koodesk_store::attachment_path(&store_dir, &a.sha256);
        std::fs::copy(&from, files_dir.join(&name)).map_err(|e| io(&name, e))?;
        files.push(name);
    }
    let product = serde_json::to_value(&p.product)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let kind = match p.doc.kind {
        koodesk_domain::draft::DraftKind::Modification => "Modify product",
        koodesk_domain::draft::DraftKind::Release => "Release product",
    };
    let text = guide(&p.product.basic.name, kind, &product, &files).replace("ID", draft_id);
    let guide_path = folder.join("submission.md");
    std::fs::write(&guide_path, text).map_err(|e| io("submission.md", e))?;
    let account = ctx.account();
    let mut store = ctx.store()?;
    for (form, version) in &p.issued {
        store.mark_form_issued(&account, form, *version)?;
    }
    Ok(ByHandExport {
        folder: folder.display().to_string(),
        guide: guide_path.display().to_string(),
        files,
        generated: p.generated,
    })
}

/// Records that the seller submitted the draft in the console: the snapshot is kept as
/// submitted (state `manual`); nothing is queued.
pub fn mark_submitted_by_hand(
    ctx: &Context,
    draft_id: &str,
    accept_warnings: bool,
) -> Result<String, ApiError> {
    let p = prepare(ctx, draft_id, accept_warnings)?;
    let id = koodesk_sync::client_token();
    let new = p.submission(&id, &ctx.account(), draft_id)?;
    ctx.store()?.record_manual_submission(&new)?;
    Ok(id)
}
