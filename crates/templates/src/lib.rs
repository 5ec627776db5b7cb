//! Request templates: a [`RequestForm`] turned into an Excel workbook ([`xlsx`]) and a Word
//! document ([`docx`]) that customers fill in, and a filled file read back into checked, typed values
//! ([`read`]). Files carry the form id and version and a map from cells to field keys, so they are
//! read by key, not by position. Hostile files are refused within fixed limits ([`limits`]).

#[doc(hidden)]
pub mod corpus;
pub mod docx;
pub mod isolate;
pub mod limits;
pub mod read;
mod sheet;
mod strings;
pub mod xlsx;
mod zipfile;

use koodesk_domain::form::RequestForm;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use read::{identify, read};

/// How to generate a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// `en` or `zh-CN`: the language of labels and instructions.
    pub lang: String,
    /// The product the template belongs to (recorded in the file).
    pub product_id: Option<String>,
    /// Empty rows offered for each repeating section.
    pub repeating_rows: u32,
    /// Answers to pre-fill, in the shape a [`ReadReport`] gives them back: field key → value, and
    /// repeating section key → list of rows (field key → value).
    pub answers: Map<String, Value>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lang: "en".into(),
            product_id: None,
            repeating_rows: 30,
            answers: Map::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("the workbook could not be written: {0}")]
    Xlsx(String),
    #[error("the document could not be written: {0}")]
    Docx(String),
    /// The file is well-formed but not for this form (another form id or an unknown version).
    #[error("{0}")]
    WrongForm(String),
    /// Not a readable .xlsx/.docx, or not a Koodesk template.
    #[error("{0}")]
    Unreadable(String),
    /// Over one of the reader's limits (a zip bomb, a huge sheet).
    #[error("{0}")]
    TooLarge(String),
}

/// What a filled template says, checked against its form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadReport {
    pub form_id: String,
    pub version: u32,
    /// field key → value; repeating section key → list of rows (field key → value).
    pub values: Map<String, Value>,
    pub errors: Vec<Problem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The field's key.
    pub key: String,
    /// Repeating sections: the entry's row, counted from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    /// Where in the file: `Request!B7`, or `table 2, row 3, column 1`.
    pub location: String,
    pub message: String,
}

/// A pre-filled answer as a spreadsheet cell takes it: numbers as numbers, the rest as text.
pub(crate) enum Prefill {
    Number(f64),
    Text(String),
}

pub(crate) fn prefill_cell(value: Option<&Value>) -> Option<Prefill> {
    match value? {
        Value::Number(n) => n.as_f64().map(Prefill::Number),
        v => Some(koodesk_domain::form::answer_text(v))
            .filter(|t| !t.is_empty())
            .map(Prefill::Text),
    }
}

/// A single field's pre-filled answer, if any.
pub(crate) fn prefill_single_value<'a>(opts: &'a Options, key: &str) -> Option<&'a Value> {
    opts.answers.get(key)
}

/// A repeating section cell's pre-filled answer (`row` from 0), if any.
pub(crate) fn prefill_row_value<'a>(
    opts: &'a Options,
    section: &str,
    row: usize,
    key: &str,
) -> Option<&'a Value> {
    opts.answers
        .get(section)
        .and_then(Value::as_array)
        .and_then(|rows| rows.get(row))
        .and_then(|r| r.get(key))
}

/// The pre-filled text of a single field, if any.
pub(crate) fn prefill_single(opts: &Options, key: &str) -> Option<String> {
    prefill_single_value(opts, key)
        .map(koodesk_domain::form::answer_text)
        .filter(|t| !t.is_empty())
}

/// The pre-filled text of a repeating section's cell (`row` from 0), if any.
pub(crate) fn prefill_row(opts: &Options, section: &str, row: usize, key: &str) -> Option<String> {
    prefill_row_value(opts, section, row, key)
        .map(koodesk_domain::form::answer_text)
        .filter(|t| !t.is_empty())
}

/// The ids used in files for one form (Word bookmark names, the cell map).
pub(crate) fn is_for(
    form: &RequestForm,
    form_id: &str,
    version: &str,
) -> Result<u32, TemplateError> {
    if form_id != form.id {
        return Err(TemplateError::WrongForm(format!(
            "this file is for the form \"{form_id}\", not \"{}\"",
            form.id
        )));
    }
    let v: u32 = version.trim().trim_end_matches(".0").parse().map_err(|_| {
        TemplateError::Unreadable(format!(
            "the file's form version \"{version}\" is not a number"
        ))
    })?;
    if v != form.version {
        return Err(TemplateError::WrongForm(format!(
            "this file was made from version {v} of \"{}\"; this form is version {}",
            form.id, form.version
        )));
    }
    Ok(v)
}

/// Reads a file a customer sent (or any file from outside) within the reader's size limit: only
/// a regular file is opened (a FIFO, a device or a directory is refused without blocking), its
/// size is checked from its metadata before reading, and reading stops at the limit whatever
/// the metadata said.
pub fn read_file_bounded(path: &std::path::Path) -> Result<Vec<u8>, TemplateError> {
    use std::io::Read;
    let shown = path.display();
    let cannot = |e: std::io::Error| TemplateError::Unreadable(format!("cannot read {shown}: {e}"));
    let not_a_file = || TemplateError::Unreadable(format!("{shown} is not a regular file"));
    let too_large = || {
        TemplateError::TooLarge(format!(
            "{shown} is larger than {} MB, more than any filled template",
            limits::MAX_FILE_BYTES / (1024 * 1024)
        ))
    };
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(not_a_file());
    }
    if meta.len() > limits::MAX_FILE_BYTES as u64 {
        return Err(too_large());
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // Never block on a FIFO swapped in after the check above.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if !meta.is_file() {
        return Err(not_a_file());
    }
    if meta.len() > limits::MAX_FILE_BYTES as u64 {
        return Err(too_large());
    }
    let mut out = Vec::with_capacity(meta.len() as usize);
    file.take(limits::MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .map_err(cannot)?;
    if out.len() > limits::MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(out)
}
