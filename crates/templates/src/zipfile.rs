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
    // The central directory's entry count is checked before the zip library sizes anything by it.
    if let Some(claimed) = claimed_entries(bytes) {
        if claimed > MAX_ENTRIES as u64 {
            return Err(TemplateError::TooLarge(format!(
                "the file claims {claimed} parts (at most {MAX_ENTRIES})"
            )));
        }
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
        let name = f.name().unwrap_or_default().to_string();
        let damaged =
            |e: std::io::Error| TemplateError::Unreadable(format!("the file is damaged: {e}"));
        let mut f = f.take(MAX_ENTRY_BYTES + 1);
        // Office parts never declare a document type; one near the start of any part is how an
        // entity bomb begins, so the file is refused whether or not that part would be read.
        let mut head = Vec::with_capacity(4096);
        (&mut f)
            .take(4096)
            .read_to_end(&mut head)
            .map_err(damaged)?;
        if head.windows(9).any(|w| w == b"<!DOCTYPE") {
            return Err(crate::sheet::dtd_refused(&name));
        }
        let n = head.len() as u64 + std::io::copy(&mut f, &mut std::io::sink()).map_err(damaged)?;
        real_total = real_total.saturating_add(n);
        if n > MAX_ENTRY_BYTES || real_total > MAX_TOTAL_BYTES {
            return Err(TemplateError::TooLarge(
                "the file unpacks to more than the reader accepts".into(),
            ));
        }
    }
    Ok(zip)
}

/// The number of entries the end-of-central-directory record claims (its zip64 form too), or
/// `None` when no such record is found (the zip library then reports the damage).
fn claimed_entries(bytes: &[u8]) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const LOCATOR: &[u8] = b"PK\x06\x07";
    const EOCD64: &[u8] = b"PK\x06\x06";
    // The record is 22 bytes plus a comment of at most 65 535 bytes, at the end of the file.
    let from = bytes.len().saturating_sub(22 + 65_535);
    let tail = &bytes[from..];
    let at = tail.windows(4).rposition(|w| w == EOCD)?;
    let rec = tail.get(at..at + 22)?;
    let u16_at =
        |b: &[u8], i: usize| Some(u64::from(u16::from_le_bytes([*b.get(i)?, *b.get(i + 1)?])));
    let total = u16_at(rec, 10)?.max(u16_at(rec, 8)?);
    if total != 0xFFFF {
        return Some(total);
    }
    // Zip64: the locator sits just before the record and points at the zip64 record.
    let loc_start = (from + at).checked_sub(20)?;
    let loc = bytes.get(loc_start..loc_start + 20)?;
    if &loc[..4] != LOCATOR {
        return Some(total);
    }
    let offset = usize::try_from(u64::from_le_bytes(loc.get(8..16)?.try_into().ok()?)).ok()?;
    let rec64 = bytes.get(offset..offset.checked_add(56)?)?;
    if &rec64[..4] != EOCD64 {
        return Some(total);
    }
    let on_disk = u64::from_le_bytes(rec64.get(24..32)?.try_into().ok()?);
    let all = u64::from_le_bytes(rec64.get(32..40)?.try_into().ok()?);
    Some(on_disk.max(all))
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
