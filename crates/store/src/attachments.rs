//! Attachments (logos, documents, templates) stored once by SHA-256 under `<data>/attachments/`,
//! their type read from their content, PNG images decoded on the way in.

use std::io::Write;
use std::path::{Path, PathBuf};

use koodesk_domain::product::{Attachment, ImageInfo};
use rusqlite::params;
use sha2::{Digest, Sha256};

use crate::{audit, Store, StoreError};

/// The largest attachment Koodesk keeps (KooGallery's own limits are smaller for most fields).
pub const MAX_ATTACHMENT_BYTES: usize = 50 * 1024 * 1024;

/// Where the file with this hash lives under `dir`.
pub fn attachment_path(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(sha256.get(..2).unwrap_or("xx")).join(sha256)
}

fn media_type(file_name: &str, bytes: &[u8]) -> Result<&'static str, StoreError> {
    let ext = Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let t = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(b"%PDF-") {
        "application/pdf"
    } else if bytes.starts_with(b"PK\x03\x04") && ext == "docx" {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    } else if bytes.starts_with(b"PK\x03\x04") && ext == "xlsx" {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    } else if ext == "json" && serde_json::from_slice::<serde_json::Value>(bytes).is_ok() {
        // A request form's definition, uploaded beside the templates made from it.
        "application/json"
    } else {
        return Err(StoreError::Rejected(format!(
            "\"{file_name}\" is not a PNG, JPEG, PDF, Word (.docx) or Excel (.xlsx) file"
        )));
    };
    Ok(t)
}

/// Decodes the whole image, so a truncated or corrupt PNG is refused rather than shown broken.
fn decode_png(file_name: &str, bytes: &[u8]) -> Result<ImageInfo, StoreError> {
    let bad = |e: String| {
        StoreError::Rejected(format!("\"{file_name}\" is not a readable PNG image: {e}"))
    };
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    // Refuse decompression bombs: a logo never needs more than this.
    decoder.set_limits(png::Limits {
        bytes: 64 * 1024 * 1024,
    });
    let mut reader = decoder.read_info().map_err(|e| bad(e.to_string()))?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| bad("image too large".into()))?;
    let mut buf = vec![0; size];
    let info = reader
        .next_frame(&mut buf)
        .map_err(|e| bad(e.to_string()))?;
    Ok(ImageInfo {
        width: info.width,
        height: info.height,
    })
}

impl Store {
    /// Checks, stores (once) and records an attachment; returns its reference.
    pub fn put_attachment(
        &mut self,
        dir: &Path,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<Attachment, StoreError> {
        if bytes.is_empty() {
            return Err(StoreError::Rejected(format!("\"{file_name}\" is empty")));
        }
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(StoreError::Rejected(format!(
                "\"{file_name}\" is larger than {} MB",
                MAX_ATTACHMENT_BYTES / (1024 * 1024)
            )));
        }
        let media_type = media_type(file_name, bytes)?;
        let image = (media_type == "image/png")
            .then(|| decode_png(file_name, bytes))
            .transpose()?;
        let sha256: String = Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let path = attachment_path(dir, &sha256);
        if !path.is_file() {
            let parent = path.parent().unwrap_or(dir);
            std::fs::create_dir_all(parent)?;
            // Write beside, then rename: a crash never leaves a half-written file under the hash.
            let tmp = parent.join(format!(".{sha256}.part"));
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)?;
        }
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT OR IGNORE INTO attachments (sha256, media_type, size, width, height, file_name)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                sha256,
                media_type,
                bytes.len() as i64,
                image.map(|i| i.width),
                image.map(|i| i.height),
                file_name
            ],
        )?;
        audit::record(&tx, "attachment", &sha256, "put", file_name)?;
        tx.commit()?;
        Ok(Attachment {
            sha256,
            file_name: file_name.to_string(),
            media_type: media_type.to_string(),
            size: bytes.len() as u64,
            image,
        })
    }
}
