//! The zip container of .xlsx and .docx files: checked against the limits before anything is
//! parsed, read entry by entry with a hard cap, and rewritten to add what a writer library lacks.

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::limits::*;
use crate::TemplateError;

pub(crate) type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// Opens `bytes` as a zip and checks every entry's declared sizes against the limits.
pub(crate) fn open(bytes: &[u8]) -> Result<Archive<'_>, TemplateError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(TemplateError::TooLarge(format!(
            "the file is larger than {} MB",
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    if !bytes.starts_with(b"PK") {
        return Err(TemplateError::Unreadable(
            "this is not an .xlsx or .docx file (not a zip container)".into(),
        ));
    }
    let mut zip = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| TemplateError::Unreadable(format!("the file is damaged: {e}")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(TemplateError::TooLarge(format!(
            "the file has {} parts (at most {MAX_ENTRIES})",
            zip.len()
        )));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let f = zip
            .by_index_raw(i)
            .map_err(|e| TemplateError::Unreadable(format!("the file is damaged: {e}")))?;
        let (size, packed) = (f.size(), f.compressed_size().max(1));
        if size > MAX_ENTRY_BYTES || (size > 1024 * 1024 && size / packed > MAX_RATIO) {
            return Err(TemplateError::TooLarge(format!(
                "the part {} unpacks to {} MB: refused as a possible zip bomb",
                f.name().unwrap_or_default(),
                size / (1024 * 1024)
            )));
        }
        total = total.saturating_add(size);
    }
    if total > MAX_TOTAL_BYTES {
        return Err(TemplateError::TooLarge(
            "the file unpacks to more than the reader accepts".into(),
        ));
    }
    // Headers can lie: unpack every entry into a counting sink, stopping at the limits, so no
    // parser is ever handed more than the limits allow.
    let mut real_total: u64 = 0;
    for i in 0..zip.len() {
        let f = zip
            .by_index(i)
            .map_err(|e| TemplateError::Unreadable(format!("the file is damaged: {e}")))?;
        let n = std::io::copy(&mut f.take(MAX_ENTRY_BYTES + 1), &mut std::io::sink())
            .map_err(|e| TemplateError::Unreadable(format!("the file is damaged: {e}")))?;
        real_total = real_total.saturating_add(n);
        if n > MAX_ENTRY_BYTES || real_total > MAX_TOTAL_BYTES {
            return Err(TemplateError::TooLarge(
                "the file unpacks to more than the reader accepts".into(),
            ));
        }
    }
    Ok(zip)
}

/// Reads one entry, never more than the entry limit even if its header lies about its size.
pub(crate) fn read_entry(
    zip: &mut Archive<'_>,
    name: &str,
) -> Result<Option<Vec<u8>>, TemplateError> {
    let f = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => {
            return Err(TemplateError::Unreadable(format!(
                "the file is damaged: {e}"
            )))
        }
    };
    let mut out = Vec::new();
    f.take(MAX_ENTRY_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| TemplateError::Unreadable(format!("the file is damaged ({name}): {e}")))?;
    if out.len() as u64 > MAX_ENTRY_BYTES {
        return Err(TemplateError::TooLarge(format!(
            "the part {name} is too large"
        )));
    }
    Ok(Some(out))
}

/// A copy of the zip `bytes` with entry `name` replaced by `edit(old content)`.
pub(crate) fn rewrite_entry(
    bytes: &[u8],
    name: &str,
    edit: impl FnOnce(&str) -> String,
) -> Result<Vec<u8>, String> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(bytes.len() + 256)));
    let mut edit = Some(edit);
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|e| e.to_string())?;
        if f.name().is_ok_and(|n| n == name) {
            let mut old = String::new();
            f.read_to_string(&mut old).map_err(|e| e.to_string())?;
            let new = edit.take().map(|e| e(&old)).unwrap_or(old);
            let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
            out.start_file(name, opts).map_err(|e| e.to_string())?;
            out.write_all(new.as_bytes()).map_err(|e| e.to_string())?;
        } else {
            out.raw_copy_file(f).map_err(|e| e.to_string())?;
        }
    }
    Ok(out.finish().map_err(|e| e.to_string())?.into_inner())
}
