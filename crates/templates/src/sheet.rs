//! Cells of an .xlsx read as a stream: only the cells a caller names are kept, whatever the file
//! claims about its size (a declared `dimension`, a cell at `XFD1048576`, a flood of shared
//! strings). Memory is bounded by the number of wanted cells, never by positions read from the
//! file; every position is parsed with checked arithmetic.

use std::collections::{BTreeSet, HashMap};
use std::io::BufReader;

use quick_xml::events::{BytesStart, Event};

use crate::limits::{MAX_ANSWER_CHARS, MAX_ENTRY_BYTES};
use crate::zipfile::Archive;
use crate::TemplateError;

/// Excel's last row (1-based) and last column (0-based, `XFD`).
const MAX_ROW: u32 = 1_048_576;
const MAX_COL: u32 = 16_383;

/// A cell's value as the file states it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Number(f64),
    Bool(bool),
    Error(String),
}

/// A cell before shared strings are resolved.
enum Raw {
    Shared(usize),
    Ready(Cell),
}

/// Wanted cells of one or more sheets: (row, column), both 0-based.
pub(crate) type Pos = (u32, u32);

/// The worksheets of a workbook by name → their part's path in the zip.
pub(crate) fn sheet_parts(zip: &mut Archive<'_>) -> Result<HashMap<String, String>, TemplateError> {
    let workbook = read_small(zip, "xl/workbook.xml")?
        .ok_or_else(|| TemplateError::Unreadable("the workbook has no xl/workbook.xml".into()))?;
    let rels = read_small(zip, "xl/_rels/workbook.xml.rels")?.unwrap_or_default();

    let mut targets: HashMap<String, String> = HashMap::new();
    each_start(&rels, |e| {
        if e.local_name().as_ref() == "Relationship" {
            if let (Some(id), Some(target)) = (attr(e, "Id"), attr(e, "Target")) {
                let path = match target.strip_prefix('/') {
                    Some(abs) => abs.to_string(),
                    None => format!("xl/{target}"),
                };
                targets.insert(id, path);
            }
        }
    })?;
    let mut sheets = HashMap::new();
    each_start(&workbook, |e| {
        if e.local_name().as_ref() == "sheet" {
            if let (Some(name), Some(id)) = (attr(e, "name"), attr(e, "id")) {
                if let Some(path) = targets.get(&id) {
                    sheets.insert(name, path.clone());
                }
            }
        }
    })?;
    Ok(sheets)
}

/// Reads the wanted cells of the sheet stored at `part`, resolving shared strings.
pub(crate) fn read_cells(
    zip: &mut Archive<'_>,
    part: &str,
    wanted: &dyn Fn(Pos) -> bool,
) -> Result<HashMap<Pos, Cell>, TemplateError> {
    let raw = stream_sheet(zip, part, wanted)?;
    let needed: BTreeSet<usize> = raw
        .values()
        .filter_map(|r| match r {
            Raw::Shared(i) => Some(*i),
            Raw::Ready(_) => None,
        })
        .collect();
    let strings = if needed.is_empty() {
        HashMap::new()
    } else {
        shared_strings(zip, &needed)?
    };
    Ok(raw
        .into_iter()
        .map(|(pos, r)| {
            let cell = match r {
                Raw::Ready(c) => c,
                Raw::Shared(i) => Cell::Text(strings.get(&i).cloned().unwrap_or_default()),
            };
            (pos, cell)
        })
        .collect())
}

fn damaged(part: &str, e: impl std::fmt::Display) -> TemplateError {
    TemplateError::Unreadable(format!("the workbook is damaged ({part}): {e}"))
}

/// A small XML part read whole (the workbook and its relationships), within the entry limit.
fn read_small(zip: &mut Archive<'_>, name: &str) -> Result<Option<String>, TemplateError> {
    Ok(crate::zipfile::read_entry(zip, name)?.map(|b| String::from_utf8_lossy(&b).into_owned()))
}

fn each_start(xml: &str, mut f: impl FnMut(&BytesStart<'_>)) -> Result<(), TemplateError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event().map_err(|e| damaged("workbook", e))? {
            Event::Start(e) | Event::Empty(e) => f(&e),
            Event::DocType(_) => return Err(dtd_refused("the workbook")),
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// An attribute by local name (`r:id` and `id` alike), unescaped.
fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// `B7` → (6, 1). `None` for anything outside Excel's grid (row 0, past row 1 048 576, past
/// column `XFD`, digits that overflow).
pub(crate) fn parse_ref(r: &str) -> Option<Pos> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    let col = parse_col(letters)?;
    if digits.is_empty() || digits.len() > 7 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let row: u32 = digits.parse().ok()?;
    if row == 0 || row > MAX_ROW {
        return None;
    }
    Some((row - 1, col))
}

/// `A` → 0, `XFD` → 16 383; `None` for anything else.
pub(crate) fn parse_col(letters: &str) -> Option<u32> {
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut col: u32 = 0;
    for b in letters.bytes() {
        let b = b.to_ascii_uppercase();
        if !b.is_ascii_uppercase() {
            return None;
        }
        col = col.checked_mul(26)?.checked_add(u32::from(b - b'A') + 1)?;
    }
    let col = col.checked_sub(1)?;
    (col <= MAX_COL).then_some(col)
}

/// Appends `s` to `out` while it is shorter than the answer limit.
fn push_capped(out: &mut String, s: &str) {
    let room = MAX_ANSWER_CHARS.saturating_sub(out.len());
    if room == 0 {
        return;
    }
    if s.len() <= room {
        out.push_str(s);
    } else {
        let mut end = room;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        out.push_str(&s[..end]);
    }
}

/// The character a reference stands for: `&#x1F600;`, or one of XML's five named entities
/// (nothing else: Office files declare no entities of their own).
pub(crate) fn ref_char(r: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Some(c),
        _ => entity(r),
    }
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

/// A part of the zip as an XML event stream, never reading past the entry limit; `None` when the
/// part is missing.
pub(crate) fn xml_stream<'z, 'd: 'z>(
    zip: &'z mut Archive<'d>,
    part: &str,
) -> Result<Option<quick_xml::Reader<impl std::io::BufRead + use<'z, 'd>>>, TemplateError> {
    use std::io::Read;
    match zip.by_name(part) {
        Ok(f) => Ok(Some(quick_xml::Reader::from_reader(BufReader::new(
            f.take(MAX_ENTRY_BYTES),
        )))),
        Err(zip::result::ZipError::FileNotFound) => Ok(None),
        Err(e) => Err(damaged(part, e)),
    }
}

/// The cells of one sheet that `wanted` names, streamed. Cells without an `r` attribute take the
/// place after the previous one, as Excel does.
fn stream_sheet(
    zip: &mut Archive<'_>,
    part: &str,
    wanted: &dyn Fn(Pos) -> bool,
) -> Result<HashMap<Pos, Raw>, TemplateError> {
    let mut reader = xml_stream(zip, part)?
        .ok_or_else(|| TemplateError::Unreadable(format!("the workbook has no part {part}")))?;
    let mut buf = Vec::new();
    let mut out = HashMap::new();

    // Where the next row and cell go when the file does not say.
    let mut next_row: Option<u32> = Some(0);
    let mut row: Option<u32> = None;
    let mut next_col: Option<u32> = Some(0);
    // The cell being read: its place (None: not wanted or outside the grid), type, text.
    let mut cell: Option<(Pos, String)> = None;
    let mut text = String::new();
    let mut in_value = false;
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| damaged(part, e))?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) if e.local_name().as_ref() == "row" => {
                row = match attr(e, "r") {
                    Some(r) => r
                        .parse::<u32>()
                        .ok()
                        .filter(|r| (1..=MAX_ROW).contains(r))
                        .map(|r| r - 1),
                    None => next_row,
                };
                next_row = row.and_then(|r| r.checked_add(1));
                next_col = Some(0);
            }
            Event::Start(ref e) | Event::Empty(ref e) if e.local_name().as_ref() == "c" => {
                let pos = match attr(e, "r") {
                    Some(r) => parse_ref(&r),
                    None => row.zip(next_col),
                };
                next_col = pos.and_then(|(_, c)| c.checked_add(1));
                let kind = attr(e, "t").unwrap_or_default();
                let is_empty = matches!(ev, Event::Empty(_));
                cell = match pos {
                    Some(p) if !is_empty && wanted(p) => Some((p, kind)),
                    _ => None,
                };
                text.clear();
            }
            Event::Start(ref e)
                if cell.is_some() && matches!(e.local_name().as_ref(), "v" | "t") =>
            {
                in_value = true;
            }
            Event::End(ref e) if matches!(e.local_name().as_ref(), "v" | "t") => in_value = false,
            Event::Text(ref t) if in_value => {
                push_capped(&mut text, &t.xml10_content());
            }
            Event::GeneralRef(ref r) if in_value => {
                if let Some(c) = ref_char(r) {
                    push_capped(&mut text, c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::End(ref e) if e.local_name().as_ref() == "c" => {
                if let Some((pos, kind)) = cell.take() {
                    out.insert(pos, raw_cell(&kind, std::mem::take(&mut text)));
                }
            }
            Event::DocType(_) => return Err(dtd_refused(part)),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

/// Office files never carry a document type declaration; one is how entity bombs are built.
pub(crate) fn dtd_refused(part: &str) -> TemplateError {
    TemplateError::Unreadable(format!(
        "{part} declares a document type (DTD), which Office files never do: refused"
    ))
}

fn raw_cell(kind: &str, text: String) -> Raw {
    match kind {
        "s" => match text.trim().parse::<usize>() {
            Ok(i) => Raw::Shared(i),
            Err(_) => Raw::Ready(Cell::Text(String::new())),
        },
        "str" | "inlineStr" => Raw::Ready(Cell::Text(text)),
        "b" => Raw::Ready(Cell::Bool(text.trim() == "1")),
        "e" => Raw::Ready(Cell::Error(text)),
        // ISO dates: keep the date part.
        "d" => Raw::Ready(Cell::Text(text.chars().take(10).collect())),
        _ => match text.trim().parse::<f64>() {
            Ok(f) if f.is_finite() => Raw::Ready(Cell::Number(f)),
            _ => Raw::Ready(Cell::Text(text)),
        },
    }
}

/// The shared strings at the `needed` indexes, streamed: the rest of the table is skipped.
fn shared_strings(
    zip: &mut Archive<'_>,
    needed: &BTreeSet<usize>,
) -> Result<HashMap<usize, String>, TemplateError> {
    const PART: &str = "xl/sharedStrings.xml";
    let Some(mut reader) = xml_stream(zip, PART)? else {
        return Ok(HashMap::new());
    };
    let last = needed.last().copied().unwrap_or(0);
    let mut buf = Vec::new();
    let mut out = HashMap::new();
    let mut index: Option<usize> = None;
    let mut count: usize = 0;
    let mut text = String::new();
    let mut in_t = false;
    // Phonetic runs (`rPh`) are reading aids, not the text.
    let mut in_phonetic = false;
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| damaged(PART, e))?;
        match ev {
            Event::Start(ref e) if e.local_name().as_ref() == "si" => {
                index = Some(count);
                count += 1;
                text.clear();
            }
            Event::Empty(ref e) if e.local_name().as_ref() == "si" => {
                count += 1;
            }
            Event::End(ref e) if e.local_name().as_ref() == "si" => {
                if let Some(i) = index.take() {
                    if needed.contains(&i) {
                        out.insert(i, std::mem::take(&mut text));
                    }
                    if i >= last {
                        break;
                    }
                }
            }
            Event::Start(ref e) if e.local_name().as_ref() == "rPh" => in_phonetic = true,
            Event::End(ref e) if e.local_name().as_ref() == "rPh" => in_phonetic = false,
            Event::Start(ref e) if e.local_name().as_ref() == "t" => in_t = !in_phonetic,
            Event::End(ref e) if e.local_name().as_ref() == "t" => in_t = false,
            Event::Text(ref t) if in_t && index.is_some_and(|i| needed.contains(&i)) => {
                push_capped(&mut text, &t.xml10_content());
            }
            Event::GeneralRef(ref r) if in_t && index.is_some_and(|i| needed.contains(&i)) => {
                if let Some(c) = ref_char(r) {
                    push_capped(&mut text, c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::DocType(_) => return Err(dtd_refused(PART)),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_outside_the_grid_are_refused_with_checked_arithmetic() {
        assert_eq!(parse_ref("A1"), Some((0, 0)));
        assert_eq!(parse_ref("B7"), Some((6, 1)));
        assert_eq!(parse_ref("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_ref("XFE1"), None, "past column XFD");
        assert_eq!(parse_ref("A0"), None, "row 0");
        assert_eq!(parse_ref("A1048577"), None, "past the last row");
        assert_eq!(parse_ref("A4294967295"), None, "u32::MAX");
        assert_eq!(parse_ref("A99999999999999999999"), None, "overflow");
        assert_eq!(parse_ref("ZZZZ1"), None);
        assert_eq!(parse_ref("1"), None);
        assert_eq!(parse_ref("A"), None);
        assert_eq!(parse_ref("A1B"), None);
        assert_eq!(parse_col("aa"), Some(26));
        assert_eq!(parse_col("ÄA"), None);
    }
}
