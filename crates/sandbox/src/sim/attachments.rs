//! Attachments: the one place a file enters the marketplace's store, whether the seller uploaded
//! it or a simulated customer produced it, and the customers' filled copies of request templates.

use koodesk_domain::form::{example_answer, RequestForm};
use koodesk_domain::product::Delivery;
use koodesk_market::contract::*;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use super::{roll, ts};
use crate::db;

/// Stores a file under its content address (`ATT-` + SHA-256), or gives back the one already
/// stored with the same content: the same file is one attachment however often it arrives.
pub fn store(
    tx: &Connection,
    kind: AttachmentKind,
    file_name: &str,
    content_type: &str,
    bytes: &[u8],
    now: i64,
) -> rusqlite::Result<AttachmentInfo> {
    let sha = hex::encode(Sha256::digest(bytes));
    let id = attachment_id(&sha);
    if let Some(existing) = db::get::<AttachmentInfo>(tx, "attachments", "attachment_id", &id)? {
        return Ok(existing);
    }
    let info = AttachmentInfo {
        attachment_id: id.clone(),
        kind,
        file_name: file_name.to_owned(),
        content_type: content_type.to_owned(),
        sha256: sha,
        size: bytes.len() as u64,
        uploaded_at: ts(now),
    };
    tx.execute(
        "INSERT INTO attachments (attachment_id, json, content) VALUES (?1, ?2, ?3)",
        params![id, db::to_json(&info), bytes],
    )?;
    Ok(info)
}

/// A stored file and what is known about it.
pub fn load(tx: &Connection, id: &str) -> rusqlite::Result<Option<(AttachmentInfo, Vec<u8>)>> {
    let row: Option<(String, Vec<u8>)> = tx
        .query_row(
            "SELECT json, content FROM attachments WHERE attachment_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    row.map(|(json, content)| Ok((db::from_json(&json)?, content)))
        .transpose()
}

/// Whether a file with this content was stored.
pub fn is_stored(tx: &Connection, sha256_hex: &str) -> rusqlite::Result<bool> {
    Ok(db::get::<AttachmentInfo>(
        tx,
        "attachments",
        "attachment_id",
        &attachment_id(sha256_hex),
    )?
    .is_some())
}

/// The uploaded definition (request-form JSON, content type [`FORM_CONTENT_TYPE`]) of a form's
/// version, as stored: what the seller's templates of that version were made from.
pub fn form_definition(
    tx: &Connection,
    form_id: &str,
    version: u32,
) -> rusqlite::Result<Option<(AttachmentInfo, Vec<u8>)>> {
    let mut statement = tx.prepare("SELECT json, content FROM attachments")?;
    let rows = statement.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
    })?;
    for (json, content) in rows.flatten() {
        let Ok(a) = serde_json::from_str::<AttachmentInfo>(&json) else {
            continue;
        };
        if a.content_type != FORM_CONTENT_TYPE {
            continue;
        }
        #[derive(serde::Deserialize)]
        struct Head {
            id: String,
            version: u32,
        }
        if let Ok(h) = serde_json::from_slice::<Head>(&content) {
            if h.id == form_id && h.version == version {
                return Ok(Some((a, content)));
            }
        }
    }
    Ok(None)
}

/// The files a customer attaches to a request: a filled copy of each of the product's request
/// templates. A Koodesk template whose form definition was uploaded (content type
/// [`FORM_CONTENT_TYPE`]) is filled in with plausible answers (one customer in five leaves a
/// required answer out); any other template file is sent back as it was.
pub(crate) fn request_attachments(
    tx: &Connection,
    seed: u64,
    key: &str,
    product_id: &str,
    now: i64,
) -> rusqlite::Result<Vec<AttachmentInfo>> {
    let Some(p) = db::get::<LiveProduct>(tx, "products", "product_id", product_id)? else {
        return Ok(Vec::new());
    };
    let Delivery::ProfessionalService {
        request_templates, ..
    } = &p.product.basic.delivery
    else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for t in request_templates {
        let Some(file) = &t.file else { continue };
        let Some((info, template)) = load(tx, &attachment_id(&file.sha256))? else {
            continue;
        };
        match fill_template(tx, seed, key, &info, &template)? {
            Some((name, bytes)) => out.push(store(
                tx,
                AttachmentKind::Other,
                &name,
                &info.content_type,
                &bytes,
                now,
            )?),
            None => out.push(info),
        }
    }
    Ok(out)
}

/// A filled copy of a Koodesk template, when its form is known.
fn fill_template(
    tx: &Connection,
    seed: u64,
    key: &str,
    info: &AttachmentInfo,
    template: &[u8],
) -> rusqlite::Result<Option<(String, Vec<u8>)>> {
    let Ok((form_id, version)) = koodesk_templates::identify(template) else {
        return Ok(None);
    };
    let Some((_, definition)) = form_definition(tx, &form_id, version)? else {
        return Ok(None);
    };
    let Ok(form) = RequestForm::from_json(&String::from_utf8_lossy(&definition)) else {
        return Ok(None);
    };
    let n = roll(seed, &format!("{key}:answers")) as usize;
    let mut answers = serde_json::Map::new();
    for s in &form.sections {
        if s.repeating {
            let rows: Vec<serde_json::Value> = (0..1 + n % 3)
                .map(|i| {
                    serde_json::Value::Object(
                        s.fields
                            .iter()
                            .filter_map(|f| example_answer(f, n + i).map(|v| (f.key.clone(), v)))
                            .collect(),
                    )
                })
                .collect();
            answers.insert(s.key.clone(), serde_json::Value::Array(rows));
        } else {
            for f in &s.fields {
                if let Some(v) = example_answer(f, n) {
                    answers.insert(f.key.clone(), v);
                }
            }
        }
    }
    if roll(seed, &format!("{key}:mistake")) % 100 < 20 {
        if let Some(f) = form
            .sections
            .iter()
            .filter(|s| !s.repeating)
            .flat_map(|s| &s.fields)
            .find(|f| f.required)
        {
            answers.remove(&f.key);
        }
    }
    let opts = koodesk_templates::Options {
        answers,
        ..Default::default()
    };
    let is_docx = info.file_name.to_lowercase().ends_with(".docx");
    let bytes = if is_docx {
        koodesk_templates::docx::generate(&form, &opts)
    } else {
        koodesk_templates::xlsx::generate(&form, &opts)
    };
    let Ok(bytes) = bytes else { return Ok(None) };
    let (stem, ext) = info.file_name.rsplit_once('.').unwrap_or((
        info.file_name.as_str(),
        if is_docx { "docx" } else { "xlsx" },
    ));
    Ok(Some((format!("{stem} (filled).{ext}"), bytes)))
}
