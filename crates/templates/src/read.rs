//! Reading a filled request template back: typed values by field key, and every problem named by
//! key and by where it is in the file.

use std::collections::HashMap;

use koodesk_domain::form::{parse_value, Field, FieldType, RequestForm};
use quick_xml::events::Event;
use serde_json::{Map, Value};

use crate::docx::{answer_bookmark, header_bookmark};
use crate::limits::{MAX_ANSWER_CHARS, MAX_ROWS};
use crate::sheet::{self, Cell, Pos};
use crate::xlsx::{col_name, META_MAP_ROW, META_SHEET};
use crate::{is_for, zipfile, Problem, ReadReport, TemplateError};

/// Reads a filled .xlsx or .docx (told apart by content) made from `form`.
pub fn read(form: &RequestForm, bytes: &[u8]) -> Result<ReadReport, TemplateError> {
    let mut zip = zipfile::open(bytes)?;
    let is_xlsx = zip.index_for_name("xl/workbook.xml").is_some();
    let is_docx = zip.index_for_name("word/document.xml").is_some();
    match (is_xlsx, is_docx) {
        (true, _) => read_xlsx(form, &mut zip),
        (_, true) => read_docx(form, &mut zip),
        _ => Err(TemplateError::Unreadable(
            "this is neither an Excel (.xlsx) nor a Word (.docx) file".into(),
        )),
    }
}

/// Which form id and version a template file was made from, without a form at hand.
pub fn identify(bytes: &[u8]) -> Result<(String, u32), TemplateError> {
    let mut zip = zipfile::open(bytes)?;
    let (id, version) = if zip.index_for_name("xl/workbook.xml").is_some() {
        let meta = read_meta(&mut zip, false)?;
        (meta.text(0, 1), meta.text(1, 1))
    } else if zip.index_for_name("word/document.xml").is_some() {
        let custom = zipfile::read_entry(&mut zip, "docProps/custom.xml")?.unwrap_or_default();
        let props = custom_properties(&String::from_utf8_lossy(&custom))?;
        (
            props.get("koodesk.form_id").cloned().unwrap_or_default(),
            props
                .get("koodesk.form_version")
                .cloned()
                .unwrap_or_default(),
        )
    } else {
        return Err(TemplateError::Unreadable(
            "this is neither an Excel (.xlsx) nor a Word (.docx) file".into(),
        ));
    };
    let id = id.trim().to_string();
    if id.is_empty() {
        return Err(TemplateError::Unreadable(
            "this file is not a Koodesk request template (it has no form id)".into(),
        ));
    }
    let version = version.trim().trim_end_matches(".0").parse().map_err(|_| {
        TemplateError::Unreadable(format!(
            "the file's form version \"{version}\" is not a number"
        ))
    })?;
    Ok((id, version))
}

/// A form that stands in for one this computer does not have: built from the file's own map of
/// answers (Excel: the `_meta` sheet's keys and sections; Word: the answer bookmarks, labelled
/// with the text beside them), every field free text and optional. Reading a file against it
/// gives its answers by key, unchecked.
pub fn stand_in_form(bytes: &[u8]) -> Result<RequestForm, TemplateError> {
    use koodesk_domain::form::{Section, Text};
    let (id, version) = identify(bytes)?;
    let field = |key: String, label: String| Field {
        key,
        label: Text::Plain(label),
        help: None,
        example: None,
        required: false,
        kind: FieldType::Text { max_length: None },
    };
    let mut sections: Vec<Section> = Vec::new();
    let mut zip = zipfile::open(bytes)?;
    if zip.index_for_name("xl/workbook.xml").is_some() {
        let meta = read_meta(&mut zip, true)?;
        for r in META_MAP_ROW + 1..=META_MAP_ROW + MAX_MAP_ROWS {
            let key = meta.text(r, 0);
            if key.is_empty() {
                break;
            }
            let section = meta.text(r, 1);
            let repeating = meta.text(r, 3) == "column";
            let f = field(key.clone(), key);
            match sections.iter_mut().find(|s| s.key == section) {
                Some(s) => s.fields.push(f),
                None => sections.push(Section {
                    title: Text::Plain(section.clone()),
                    key: section,
                    repeating,
                    fields: vec![f],
                }),
            }
        }
    } else {
        let body = sheet::xml_stream(&mut zip, "word/document.xml")?
            .ok_or_else(|| TemplateError::Unreadable("the document has no body".into()))?;
        let doc = parse_document(body)?;
        let text = |t: usize, r: usize, c: usize| -> String {
            doc.tables
                .get(t)
                .and_then(|tb| tb.get(r))
                .and_then(|row| row.get(c))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        // kd_<s>_<f> (an answer) and kd_<s>_h<f> (a table's column header).
        let mut found: Vec<(usize, usize, bool, String)> = doc
            .bookmarks
            .iter()
            .filter_map(|(name, &(t, r, c))| {
                let rest = name.strip_prefix("kd_")?;
                let (s, f) = rest.split_once('_')?;
                let (header, f) = match f.strip_prefix('h') {
                    Some(f) => (true, f),
                    None => (false, f),
                };
                let (s, f) = (s.parse::<usize>().ok()?, f.parse::<usize>().ok()?);
                let label = if header { text(t, r, c) } else { text(t, r, 0) };
                (s < 1_000 && f < 1_000).then_some((s, f, header, label))
            })
            .collect();
        found.sort();
        for (s, f, header, label) in found {
            // The reader finds fields by their position in the form: keep every index.
            while sections.len() <= s {
                let n = sections.len() + 1;
                sections.push(Section {
                    key: format!("section_{n}"),
                    title: Text::Plain(format!("Section {n}")),
                    repeating: false,
                    fields: Vec::new(),
                });
            }
            let sec = &mut sections[s];
            sec.repeating |= header;
            while sec.fields.len() <= f {
                let n = sec.fields.len() + 1;
                sec.fields
                    .push(field(format!("{}.field_{n}", sec.key), String::new()));
            }
            if !label.is_empty() {
                sec.fields[f].label = Text::Plain(label);
            }
        }
    }
    if sections.iter().all(|s| s.fields.is_empty()) {
        return Err(TemplateError::Unreadable(
            "the file has no map of its answers".into(),
        ));
    }
    Ok(RequestForm {
        id: id.clone(),
        version,
        title: Text::Plain(id),
        instructions: Text::Plain(String::new()),
        contact: String::new(),
        sections,
    })
}

/// Accumulates values and problems field by field.
struct Collector<'f> {
    form: &'f RequestForm,
    values: Map<String, Value>,
    errors: Vec<Problem>,
}

impl<'f> Collector<'f> {
    fn new(form: &'f RequestForm) -> Self {
        Collector {
            form,
            values: Map::new(),
            errors: Vec::new(),
        }
    }

    fn check(
        &mut self,
        f: &Field,
        raw: &str,
        row: Option<u32>,
        location: String,
        into: &mut Map<String, Value>,
    ) {
        let raw: String = raw.chars().take(MAX_ANSWER_CHARS).collect();
        match parse_value(f, &raw) {
            Ok(Some(v)) => {
                into.insert(f.key.clone(), v);
            }
            Ok(None) => {}
            Err(message) => self.errors.push(Problem {
                key: f.key.clone(),
                row,
                location,
                message,
            }),
        }
    }

    /// The entries of a repeating section, when there are any.
    fn table(&mut self, key: &str, rows: Vec<Value>) {
        if !rows.is_empty() {
            self.values.insert(key.to_owned(), Value::Array(rows));
        }
    }

    fn report(self, version: u32) -> ReadReport {
        ReadReport {
            form_id: self.form.id.clone(),
            version,
            values: self.values,
            errors: self.errors,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Excel

/// Rows of the cell map read from `_meta` (a generous cap: forms have far fewer fields).
const MAX_MAP_ROWS: u32 = 5_000;

/// Where one field's answers are: sheet, 1-based first and last row, 0-based column.
struct Place {
    sheet: String,
    first_row: u32,
    last_row: u32,
    col0: u32,
}

/// Cells read from one sheet, by 0-based (row, column).
struct Cells(HashMap<Pos, Cell>);

impl Cells {
    fn get(&self, row0: u32, col0: u32) -> Option<&Cell> {
        self.0.get(&(row0, col0))
    }

    fn text(&self, row0: u32, col0: u32) -> String {
        self.get(row0, col0).map(text_of).unwrap_or_default()
    }
}

fn text_of(d: &Cell) -> String {
    match d {
        Cell::Text(s) => s.clone(),
        Cell::Number(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Cell::Number(f) => f.to_string(),
        Cell::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Cell::Error(e) => format!("#{}", e.trim_start_matches('#')),
    }
}

/// An Excel date serial (days since 1899-12-30) as `YYYY-MM-DD`.
pub fn serial_to_date(serial: f64) -> Option<String> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    // Days since 1970-01-01, then the civil-from-days algorithm.
    let z = serial.floor() as i64 - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// A cell's answer as text; dates typed as numbers become `YYYY-MM-DD` for date fields.
fn cell_text(cells: &Cells, row0: u32, col0: u32, field: &Field) -> String {
    match cells.get(row0, col0) {
        Some(Cell::Number(f)) if matches!(field.kind, FieldType::Date) => {
            serial_to_date(*f).unwrap_or_else(|| f.to_string())
        }
        Some(d) => text_of(d),
        None => String::new(),
    }
}

/// The `_meta` sheet: the form id and version (rows 1–2, column B) and, with `map`, the cell map.
fn read_meta(zip: &mut zipfile::Archive<'_>, map: bool) -> Result<Cells, TemplateError> {
    let parts = sheet::sheet_parts(zip)?;
    let part = parts.get(META_SHEET).ok_or_else(|| {
        TemplateError::Unreadable(
            "this workbook is not a Koodesk request template (it has no _meta sheet)".into(),
        )
    })?;
    let wanted = |(r, c): Pos| {
        (r < 2 && c == 1) || (map && r > META_MAP_ROW && r <= META_MAP_ROW + MAX_MAP_ROWS && c <= 6)
    };
    Ok(Cells(sheet::read_cells(zip, part, &wanted)?))
}

fn read_xlsx(
    form: &RequestForm,
    zip: &mut zipfile::Archive<'_>,
) -> Result<ReadReport, TemplateError> {
    let meta = read_meta(zip, true)?;
    if meta.text(0, 1).trim().is_empty() {
        return Err(TemplateError::Unreadable(
            "this workbook is not a Koodesk request template (it has no form id)".into(),
        ));
    }
    let version = is_for(form, meta.text(0, 1).trim(), &meta.text(1, 1))?;

    let mut places: HashMap<String, Place> = HashMap::new();
    for r in META_MAP_ROW + 1..=META_MAP_ROW + MAX_MAP_ROWS {
        let key = meta.text(r, 0);
        if key.is_empty() {
            break;
        }
        let damaged = || {
            TemplateError::Unreadable(format!(
                "the template's cell map is damaged at row {}",
                r + 1
            ))
        };
        let num = |c: u32| {
            meta.text(r, c)
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=1_048_576).contains(n))
        };
        let (Some(first_row), Some(last_row)) = (num(4), num(5)) else {
            return Err(damaged());
        };
        let col0 = sheet::parse_col(meta.text(r, 6).trim()).ok_or_else(damaged)?;
        places.insert(
            key,
            Place {
                sheet: meta.text(r, 2),
                first_row,
                // Never more rows than the reader keeps, whatever the map says.
                last_row: last_row.min(first_row.saturating_add(MAX_ROWS)),
                col0,
            },
        );
    }

    // Which cells of which sheet the form needs; nothing else is kept.
    let mut needed: HashMap<&str, Vec<(u32, u32, u32)>> = HashMap::new();
    for (_, f) in form.fields() {
        let p = places.get(&f.key).ok_or_else(|| {
            TemplateError::Unreadable(format!(
                "the template has no cell for the field \"{}\"",
                f.key
            ))
        })?;
        needed
            .entry(p.sheet.as_str())
            .or_default()
            .push((p.first_row, p.last_row, p.col0));
    }
    let parts = sheet::sheet_parts(zip)?;
    let mut sheets: HashMap<String, Cells> = HashMap::new();
    for (name, spans) in &needed {
        let part = parts.get(*name).ok_or_else(|| {
            TemplateError::Unreadable(format!(
                "the sheet \"{name}\" is missing: was it renamed or deleted?"
            ))
        })?;
        let wanted = |(r, c): Pos| {
            spans
                .iter()
                .any(|&(first, last, col)| c == col && r + 1 >= first && r < last)
        };
        sheets.insert(
            name.to_string(),
            Cells(sheet::read_cells(zip, part, &wanted)?),
        );
    }

    let mut out = Collector::new(form);
    for sec in &form.sections {
        let located: Vec<(&Field, &Place)> = sec
            .fields
            .iter()
            .filter_map(|f| places.get(&f.key).map(|p| (f, p)))
            .collect();
        if !sec.repeating {
            for (f, p) in located {
                let raw = cell_text(&sheets[&p.sheet], p.first_row - 1, p.col0, f);
                let loc = format!("{}!{}{}", p.sheet, col_name(p.col0 as u16), p.first_row);
                let mut target = std::mem::take(&mut out.values);
                out.check(f, &raw, None, loc, &mut target);
                out.values = target;
            }
        } else {
            let (first, last) = located
                .first()
                .map(|(_, p)| (p.first_row, p.last_row))
                .unwrap_or((1, 0));
            let mut rows = Vec::new();
            for row1 in first..=last {
                let texts: Vec<String> = located
                    .iter()
                    .map(|(f, p)| cell_text(&sheets[&p.sheet], row1 - 1, p.col0, f))
                    .collect();
                if texts.iter().all(|t| t.trim().is_empty()) {
                    continue;
                }
                let mut entry = Map::new();
                for ((f, p), raw) in located.iter().zip(texts) {
                    let loc = format!("{}!{}{}", p.sheet, col_name(p.col0 as u16), row1);
                    out.check(f, &raw, Some(row1 - first + 1), loc, &mut entry);
                }
                rows.push(Value::Object(entry));
            }
            out.table(&sec.key, rows);
        }
    }
    Ok(out.report(version))
}

// ---------------------------------------------------------------------------------------------
// Word

#[derive(Default)]
struct Doc {
    /// tables → rows → cells → text
    tables: Vec<Vec<Vec<String>>>,
    /// bookmark name → (table, row, cell)
    bookmarks: HashMap<String, (usize, usize, usize)>,
}

fn xml_error(e: impl std::fmt::Display) -> TemplateError {
    TemplateError::Unreadable(format!("the document's XML is broken: {e}"))
}

/// Cells kept from a whole document (a form's tables have far fewer).
const MAX_DOC_CELLS: usize = 200_000;

fn parse_document<R: std::io::BufRead>(
    mut reader: quick_xml::Reader<R>,
) -> Result<Doc, TemplateError> {
    let mut buf = Vec::new();
    let mut cells = 0usize;
    let mut doc = Doc::default();
    // The table being filled, innermost last (nested tables are tables of their own).
    let mut open: Vec<usize> = Vec::new();
    let mut in_cell = false;
    let mut cell_text_len = 0usize;
    let push_text = |doc: &mut Doc, open: &[usize], s: &str, len: &mut usize| {
        if let Some(&t) = open.last() {
            if let Some(cell) = doc.tables[t].last_mut().and_then(|r| r.last_mut()) {
                if *len < MAX_ANSWER_CHARS {
                    cell.push_str(s);
                    *len += s.len();
                }
            }
        }
    };
    loop {
        buf.clear();
        let ev = reader.read_event_into(&mut buf).map_err(xml_error)?;
        match ev {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "tbl" => {
                if doc.tables.len() >= 10_000 {
                    return Err(TemplateError::TooLarge(
                        "the document has too many tables".into(),
                    ));
                }
                doc.tables.push(Vec::new());
                open.push(doc.tables.len() - 1);
            }
            Event::End(e) if e.local_name().as_ref() == "tbl" => {
                open.pop();
            }
            Event::Start(e) if e.local_name().as_ref() == "tr" => {
                if let Some(&t) = open.last() {
                    if doc.tables[t].len() as u32 >= MAX_ROWS {
                        return Err(TemplateError::TooLarge("a table has too many rows".into()));
                    }
                    doc.tables[t].push(Vec::new());
                }
            }
            Event::Start(e) if e.local_name().as_ref() == "tc" => {
                if let Some(row) = open.last().and_then(|&t| doc.tables[t].last_mut()) {
                    if row.len() >= 1_000 {
                        return Err(TemplateError::TooLarge(
                            "a table row has too many cells".into(),
                        ));
                    }
                    cells += 1;
                    if cells > MAX_DOC_CELLS {
                        return Err(TemplateError::TooLarge(
                            "the document has too many table cells".into(),
                        ));
                    }
                    row.push(String::new());
                    in_cell = true;
                    cell_text_len = 0;
                }
            }
            Event::End(e) if e.local_name().as_ref() == "tc" => in_cell = false,
            Event::End(e) if e.local_name().as_ref() == "p" && in_cell => {
                push_text(&mut doc, &open, "\n", &mut cell_text_len)
            }
            Event::Empty(e) | Event::Start(e)
                if in_cell && matches!(e.local_name().as_ref(), "tab") =>
            {
                push_text(&mut doc, &open, "\t", &mut cell_text_len)
            }
            Event::Empty(e) | Event::Start(e)
                if in_cell && matches!(e.local_name().as_ref(), "br" | "cr") =>
            {
                push_text(&mut doc, &open, "\n", &mut cell_text_len)
            }
            Event::Empty(e) | Event::Start(e) if e.local_name().as_ref() == "bookmarkStart" => {
                if let (true, Some(&t)) = (in_cell, open.last()) {
                    let name = name_attr(&e);
                    let r = doc.tables[t].len().saturating_sub(1);
                    let c = doc.tables[t]
                        .last()
                        .map(|row| row.len().saturating_sub(1))
                        .unwrap_or(0);
                    if let Some(n) = name {
                        if doc.bookmarks.len() >= MAX_DOC_CELLS {
                            return Err(TemplateError::TooLarge(
                                "the document has too many bookmarks".into(),
                            ));
                        }
                        doc.bookmarks.entry(n).or_insert((t, r, c));
                    }
                }
            }
            Event::Text(t) if in_cell => {
                let s = t.xml10_content();
                push_text(&mut doc, &open, &s, &mut cell_text_len)
            }
            Event::GeneralRef(r) if in_cell => {
                if let Some(c) = sheet::ref_char(&r) {
                    push_text(
                        &mut doc,
                        &open,
                        c.encode_utf8(&mut [0; 4]),
                        &mut cell_text_len,
                    )
                }
            }
            Event::DocType(_) => return Err(sheet::dtd_refused("the document")),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(doc)
}

/// `koodesk.form_id` and `koodesk.form_version` from docProps/custom.xml.
fn custom_properties(xml: &str) -> Result<HashMap<String, String>, TemplateError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut props = HashMap::new();
    let mut current: Option<String> = None;
    loop {
        match reader.read_event().map_err(xml_error)? {
            Event::Start(e) if e.local_name().as_ref() == "property" => {
                current = name_attr(&e);
            }
            Event::Text(t) => {
                if let Some(name) = &current {
                    props
                        .entry(name.clone())
                        .or_insert_with(String::new)
                        .push_str(&t.xml10_content());
                }
            }
            Event::End(e) if e.local_name().as_ref() == "property" => current = None,
            Event::DocType(_) => return Err(sheet::dtd_refused("the document")),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(props)
}

fn read_docx(
    form: &RequestForm,
    zip: &mut zipfile::Archive<'_>,
) -> Result<ReadReport, TemplateError> {
    let custom = zipfile::read_entry(zip, "docProps/custom.xml")?.ok_or_else(|| {
        TemplateError::Unreadable(
            "this document is not a Koodesk request template (it has no form id)".into(),
        )
    })?;
    let props = custom_properties(&String::from_utf8_lossy(&custom))?;
    let id = props
        .get("koodesk.form_id")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    if id.is_empty() {
        return Err(TemplateError::Unreadable(
            "this document is not a Koodesk request template (it has no form id)".into(),
        ));
    }
    let version = is_for(
        form,
        &id,
        props
            .get("koodesk.form_version")
            .map(String::as_str)
            .unwrap_or(""),
    )?;
    let body = sheet::xml_stream(zip, "word/document.xml")?
        .ok_or_else(|| TemplateError::Unreadable("the document has no body".into()))?;
    let doc = parse_document(body)?;

    let cell = |t: usize, r: usize, c: usize| -> Option<String> {
        doc.tables
            .get(t)?
            .get(r)?
            .get(c)
            .map(|s| s.trim().to_string())
    };
    let where_ =
        |t: usize, r: usize, c: usize| format!("table {}, row {}, column {}", t + 1, r + 1, c + 1);
    let mut out = Collector::new(form);
    for (si, sec) in form.sections.iter().enumerate() {
        if !sec.repeating {
            for (fi, f) in sec.fields.iter().enumerate() {
                // By bookmark; if an editor dropped it, by position (one table per section,
                // a header row, then one row per field, the answer last).
                let (t, r, c) = doc
                    .bookmarks
                    .get(&answer_bookmark(si, fi))
                    .copied()
                    .unwrap_or((si, fi + 1, 2));
                let raw = cell(t, r, c).unwrap_or_default();
                let mut target = std::mem::take(&mut out.values);
                out.check(f, &raw, None, where_(t, r, c), &mut target);
                out.values = target;
            }
        } else {
            let cols: Vec<(usize, usize, usize)> = (0..sec.fields.len())
                .map(|fi| {
                    doc.bookmarks
                        .get(&header_bookmark(si, fi))
                        .copied()
                        .unwrap_or((si, 0, fi))
                })
                .collect();
            let Some(&(t, header_row, _)) = cols.first() else {
                continue;
            };
            let n_rows = doc.tables.get(t).map(|tb| tb.len()).unwrap_or(0);
            let mut rows = Vec::new();
            for r in header_row + 1..n_rows {
                let texts: Vec<String> = cols
                    .iter()
                    .map(|&(_, _, c)| cell(t, r, c).unwrap_or_default())
                    .collect();
                if texts.iter().all(|x| x.is_empty()) {
                    continue;
                }
                let mut entry = Map::new();
                for ((f, &(_, _, c)), raw) in sec.fields.iter().zip(&cols).zip(texts) {
                    out.check(
                        f,
                        &raw,
                        Some((r - header_row) as u32),
                        where_(t, r, c),
                        &mut entry,
                    );
                }
                rows.push(Value::Object(entry));
            }
            out.table(&sec.key, rows);
        }
    }
    Ok(out.report(version))
}

/// The `name` attribute of an element (a bookmark, a document property), if it has one.
fn name_attr(e: &quick_xml::events::BytesStart) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == "name")
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serials_become_calendar_dates() {
        assert_eq!(serial_to_date(1.0).as_deref(), Some("1899-12-31"));
        assert_eq!(serial_to_date(25_569.0).as_deref(), Some("1970-01-01"));
        assert_eq!(serial_to_date(46_357.0).as_deref(), Some("2026-12-01"));
        assert_eq!(serial_to_date(45_351.0).as_deref(), Some("2024-02-29"));
        assert_eq!(serial_to_date(-3.0), None);
    }
}
