//! The Excel request template (rust_xlsxwriter).
//!
//! Sheets: Instructions, Field guide, Request (the non-repeating sections, one row per field: label,
//! answer, help), one sheet per repeating section (a header row of labels, one row per entry), and
//! two very hidden sheets: `_lists` (long drop-down lists, through defined names) and `_meta` (form
//! id, version, product id and the cell → field-key map the reader uses).

use koodesk_domain::form::{Field, FieldType, RequestForm, Section};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties, ExcelDateTime,
    Format, Formula, Workbook, Worksheet, XlsxError,
};

mod style;

use crate::strings::{accepted, help_text, label_text, s};
use crate::{Options, TemplateError};
use style::{answer_format, cut, formats, row_height, Formats};

pub const META_SHEET: &str = "_meta";
pub const LISTS_SHEET: &str = "_lists";
/// Where the cell map starts on `_meta` (0-based row of its header).
pub const META_MAP_ROW: u32 = 6;
/// First row (0-based) of the request sheet's fields.
const REQUEST_FIRST_ROW: u32 = 4;
/// First data row (0-based) of a repeating sheet.
const TABLE_FIRST_ROW: u32 = 3;

/// Column letters for a 0-based column (A, B, …, Z, AA, …).
pub fn col_name(mut col: u16) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (col % 26) as u8) as char);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s
}

/// The drop-down source of an enum or yes/no field: inline when short, else a defined name.
enum ListSource {
    Inline(Vec<String>),
    Named(String),
}

struct Lists {
    columns: Vec<Vec<String>>,
}

impl Lists {
    fn source(&mut self, options: &[String]) -> ListSource {
        let inline_len: usize = options.iter().map(|o| o.chars().count() + 1).sum();
        if inline_len <= 200 && !options.iter().any(|o| o.contains(',') || o.contains('"')) {
            return ListSource::Inline(options.to_vec());
        }
        self.columns.push(options.to_vec());
        ListSource::Named(format!("kd_list_{}", self.columns.len()))
    }
}

fn validation(
    f: &Field,
    lang: &str,
    lists: &mut Lists,
) -> Result<Option<DataValidation>, XlsxError> {
    let v = DataValidation::new();
    let v = match &f.kind {
        FieldType::Enum { options } => match lists.source(options) {
            ListSource::Inline(o) => v.allow_list_strings(&o)?,
            ListSource::Named(n) => v.allow_list_formula(Formula::new(format!("={n}"))),
        },
        FieldType::YesNo => v.allow_list_strings(&[s(lang, "yes"), s(lang, "no")])?,
        FieldType::Integer { min, max } => {
            let clamp = |x: i64| x.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
            v.allow_whole_number(DataValidationRule::Between(
                min.map(clamp).unwrap_or(i32::MIN),
                max.map(clamp).unwrap_or(i32::MAX),
            ))
        }
        FieldType::Decimal { min, max } => v.allow_decimal_number(DataValidationRule::Between(
            min.unwrap_or(-1e15),
            max.unwrap_or(1e15),
        )),
        FieldType::Date => {
            let lo = ExcelDateTime::from_ymd(1900, 1, 1)?;
            let hi = ExcelDateTime::from_ymd(2200, 12, 31)?;
            v.allow_date(DataValidationRule::Between(lo, hi))
        }
        FieldType::Text {
            max_length: Some(m),
        }
        | FieldType::Multiline {
            max_length: Some(m),
        } => v.allow_text_length(DataValidationRule::LessThanOrEqualTo(*m)),
        // Free text, e-mail, phone, URL and multi-choice: no cell rule, but the input message
        // still says what is expected; the reader checks the format.
        _ => v.allow_any_value(),
    };
    let mut message = String::new();
    if let Some(h) = &f.help {
        message.push_str(h.get(lang));
        message.push('\n');
    }
    message.push_str(&accepted(f, lang));
    let v = v
        .set_input_title(cut(f.label.get(lang), 32))?
        .set_input_message(cut(&message, 250))?
        .set_error_style(DataValidationErrorStyle::Stop)
        .set_error_title(cut(s(lang, "not_accepted"), 32))?
        .set_error_message(cut(&accepted(f, lang), 250))?;
    Ok(Some(v))
}

/// A valid, unique sheet name (31 characters, no `[]:*?/\`).
fn sheet_name(title: &str, taken: &mut Vec<String>) -> String {
    let clean: String = title
        .chars()
        .filter(|c| !"[]:*?/\\'".contains(*c))
        .take(28)
        .collect::<String>()
        .trim()
        .to_string();
    let base = if clean.is_empty() {
        "Table".to_string()
    } else {
        clean
    };
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) || name.starts_with('_') {
        name = format!("{base} {n}");
        n += 1;
    }
    taken.push(name.clone());
    name
}

/// One row of the `_meta` cell map.
struct MapRow {
    key: String,
    section: String,
    sheet: String,
    kind: &'static str,
    /// 1-based rows; for `single` the answer's row, for `column` the data rows.
    first_row: u32,
    last_row: u32,
    column: String,
}

/// Generates the workbook.
pub fn generate(form: &RequestForm, opts: &Options) -> Result<Vec<u8>, TemplateError> {
    build(form, opts)
        .map_err(|e| TemplateError::Xlsx(e.to_string()))
        .and_then(|bytes| {
            // rust_xlsxwriter has no workbook structure protection: add it to workbook.xml.
            crate::zipfile::rewrite_entry(&bytes, "xl/workbook.xml", |xml| {
                if xml.contains("<workbookProtection") {
                    xml.to_string()
                } else {
                    xml.replacen(
                        "<bookViews",
                        "<workbookProtection lockStructure=\"1\"/><bookViews",
                        1,
                    )
                }
            })
            .map_err(TemplateError::Xlsx)
        })
}

fn build(form: &RequestForm, opts: &Options) -> Result<Vec<u8>, XlsxError> {
    let lang = opts.lang.as_str();
    let fm = formats();
    let mut wb = Workbook::new();
    let props = DocProperties::new()
        .set_title(form.title.get(lang))
        .set_subject(format!("{} v{}", form.id, form.version))
        .set_comment("Generated by Koodesk")
        .set_custom_property("koodesk.form_id", form.id.as_str())
        .set_custom_property("koodesk.form_version", form.version.to_string().as_str());
    wb.set_properties(&props);
    let mut lists = Lists {
        columns: Vec::new(),
    };
    let mut map: Vec<MapRow> = Vec::new();
    let mut taken = vec![
        s(lang, "instructions").to_string(),
        s(lang, "guide").to_string(),
        s(lang, "request").to_string(),
    ];

    instructions(wb.add_worksheet(), form, lang, &fm)?;
    guide(wb.add_worksheet(), form, lang, &fm)?;

    let singles: Vec<&Section> = form.sections.iter().filter(|s| !s.repeating).collect();
    if !singles.is_empty() {
        let ws = wb.add_worksheet();
        ws.set_name(s(lang, "request"))?;
        ws.set_column_width(0, 34)?;
        ws.set_column_width(1, 44)?;
        ws.set_column_width(2, 58)?;
        ws.merge_range(0, 0, 0, 2, form.title.get(lang), &fm.title)?;
        ws.merge_range(
            1,
            0,
            1,
            2,
            &format!("{}  {}", s(lang, "required_note"), s(lang, "legend_text")),
            &fm.note,
        )?;
        ws.write_string_with_format(3, 0, s(lang, "col_field"), &fm.header)?;
        ws.write_string_with_format(3, 1, s(lang, "col_answer"), &fm.header)?;
        ws.write_string_with_format(3, 2, s(lang, "col_help"), &fm.header)?;
        ws.set_freeze_panes(REQUEST_FIRST_ROW, 0)?;
        let mut row = REQUEST_FIRST_ROW;
        for sec in singles {
            ws.merge_range(row, 0, row, 2, sec.title.get(lang), &fm.section)?;
            ws.set_row_height(row, 20)?;
            row += 1;
            for f in &sec.fields {
                let lf = if f.required {
                    &fm.label_required
                } else {
                    &fm.label
                };
                ws.write_string_with_format(row, 0, label_text(f, lang), lf)?;
                answer_cell(
                    ws,
                    row,
                    1,
                    crate::prefill_single_value(opts, &f.key),
                    answer_format(f, &fm),
                )?;
                let help = help_text(f, lang, " — ");
                ws.write_string_with_format(row, 2, &help, &fm.help)?;
                let h = row_height(&[(&label_text(f, lang), 34.0), (&help, 58.0)]);
                let h = if matches!(f.kind, FieldType::Multiline { .. }) {
                    h.max(60.0)
                } else {
                    h
                };
                ws.set_row_height(row, h)?;
                if let Some(v) = validation(f, lang, &mut lists)? {
                    ws.add_data_validation(row, 1, row, 1, &v)?;
                }
                map.push(MapRow {
                    key: f.key.clone(),
                    section: sec.key.clone(),
                    sheet: s(lang, "request").to_string(),
                    kind: "single",
                    first_row: row + 1,
                    last_row: row + 1,
                    column: "B".into(),
                });
                row += 1;
            }
            row += 1;
        }
        ws.set_print_area(0, 0, row, 2)?;
        ws.set_landscape();
        ws.set_print_fit_to_pages(1, 0);
        ws.protect();
    }

    for sec in form.sections.iter().filter(|s| s.repeating) {
        let name = sheet_name(sec.title.get(lang), &mut taken);
        let ws = wb.add_worksheet();
        ws.set_name(&name)?;
        let last_col = sec.fields.len().saturating_sub(1) as u16;
        if last_col > 0 {
            ws.merge_range(0, 0, 0, last_col, sec.title.get(lang), &fm.title)?;
            ws.merge_range(
                1,
                0,
                1,
                last_col,
                &format!("{}  {}", s(lang, "table_note"), s(lang, "required_note")),
                &fm.note,
            )?;
        } else {
            ws.write_string_with_format(0, 0, sec.title.get(lang), &fm.title)?;
            ws.write_string_with_format(1, 0, s(lang, "table_note"), &fm.note)?;
        }
        let last_row = TABLE_FIRST_ROW + opts.repeating_rows.max(1) - 1;
        for (c, f) in sec.fields.iter().enumerate() {
            let c = c as u16;
            ws.set_column_width(c, 24)?;
            ws.write_string_with_format(2, c, label_text(f, lang), &fm.header)?;
            for r in TABLE_FIRST_ROW..=last_row {
                let i = (r - TABLE_FIRST_ROW) as usize;
                answer_cell(
                    ws,
                    r,
                    c,
                    crate::prefill_row_value(opts, &sec.key, i, &f.key),
                    answer_format(f, &fm),
                )?;
            }
            if let Some(v) = validation(f, lang, &mut lists)? {
                ws.add_data_validation(TABLE_FIRST_ROW, c, last_row, c, &v)?;
            }
            map.push(MapRow {
                key: f.key.clone(),
                section: sec.key.clone(),
                sheet: name.clone(),
                kind: "column",
                first_row: TABLE_FIRST_ROW + 1,
                last_row: last_row + 1,
                column: col_name(c),
            });
        }
        let header_h = sec
            .fields
            .iter()
            .map(|f| row_height(&[(&label_text(f, lang), 24.0)]))
            .fold(18.0, f64::max);
        ws.set_row_height(2, header_h)?;
        ws.set_freeze_panes(TABLE_FIRST_ROW, 0)?;
        ws.set_print_area(0, 0, last_row, last_col)?;
        ws.set_landscape();
        ws.set_print_fit_to_pages(1, 0);
        ws.protect();
    }

    if !lists.columns.is_empty() {
        let ws = wb.add_worksheet();
        ws.set_name(LISTS_SHEET)?;
        for (c, options) in lists.columns.iter().enumerate() {
            for (r, o) in options.iter().enumerate() {
                ws.write_string(r as u32, c as u16, o)?;
            }
        }
        ws.protect();
        ws.set_very_hidden(true);
        for (c, options) in lists.columns.iter().enumerate() {
            let col = col_name(c as u16);
            wb.define_name(
                format!("kd_list_{}", c + 1),
                &format!("={LISTS_SHEET}!${col}$1:${col}${}", options.len().max(1)),
            )?;
        }
    }

    let ws = wb.add_worksheet();
    ws.set_name(META_SHEET)?;
    let meta: [(&str, String); 5] = [
        ("form_id", form.id.clone()),
        ("version", form.version.to_string()),
        ("product_id", opts.product_id.clone().unwrap_or_default()),
        (
            "generator",
            format!("Koodesk {}", env!("CARGO_PKG_VERSION")),
        ),
        ("lang", lang.to_string()),
    ];
    for (r, (k, v)) in meta.iter().enumerate() {
        ws.write_string(r as u32, 0, *k)?;
        ws.write_string(r as u32, 1, v)?;
    }
    for (c, h) in [
        "key",
        "section",
        "sheet",
        "kind",
        "first_row",
        "last_row",
        "column",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(META_MAP_ROW, c as u16, *h)?;
    }
    for (i, m) in map.iter().enumerate() {
        let r = META_MAP_ROW + 1 + i as u32;
        ws.write_string(r, 0, &m.key)?;
        ws.write_string(r, 1, &m.section)?;
        ws.write_string(r, 2, &m.sheet)?;
        ws.write_string(r, 3, m.kind)?;
        ws.write_string(r, 4, m.first_row.to_string())?;
        ws.write_string(r, 5, m.last_row.to_string())?;
        ws.write_string(r, 6, &m.column)?;
    }
    ws.protect();
    ws.set_very_hidden(true);

    wb.save_to_buffer()
}

/// An answer cell: blank, or pre-filled (numbers as numbers, so Excel does not flag them).
fn answer_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: Option<&serde_json::Value>,
    format: &Format,
) -> Result<(), XlsxError> {
    match crate::prefill_cell(value) {
        Some(crate::Prefill::Number(n)) => ws.write_number_with_format(row, col, n, format)?,
        Some(crate::Prefill::Text(t)) => ws.write_string_with_format(row, col, &t, format)?,
        None => ws.write_blank(row, col, format)?,
    };
    Ok(())
}

fn instructions(
    ws: &mut Worksheet,
    form: &RequestForm,
    lang: &str,
    fm: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(s(lang, "instructions"))?;
    ws.set_column_width(0, 100)?;
    ws.write_string_with_format(0, 0, form.title.get(lang), &fm.title)?;
    let blocks = [
        (s(lang, "purpose"), form.instructions.get(lang).to_string()),
        (s(lang, "how_fill"), s(lang, "how_fill_text").to_string()),
        (
            s(lang, "how_return"),
            s(lang, "how_return_text").to_string(),
        ),
        (s(lang, "contact"), form.contact.clone()),
        (s(lang, "legend"), s(lang, "legend_text").to_string()),
    ];
    let mut row = 2;
    for (h, text) in blocks {
        if text.trim().is_empty() {
            continue;
        }
        ws.write_string_with_format(row, 0, h, &fm.body_heading)?;
        ws.write_string_with_format(row + 1, 0, &text, &fm.body)?;
        ws.set_row_height(row + 1, row_height(&[(&text, 100.0)]))?;
        row += 3;
    }
    ws.set_print_area(0, 0, row, 0)?;
    ws.protect();
    Ok(())
}

fn guide(
    ws: &mut Worksheet,
    form: &RequestForm,
    lang: &str,
    fm: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(s(lang, "guide"))?;
    let cols = [
        "col_section",
        "col_field",
        "col_meaning",
        "col_accepted",
        "col_example",
        "col_required",
    ];
    let widths = [22.0, 28.0, 44.0, 44.0, 22.0, 12.0];
    for (c, (k, w)) in cols.iter().zip(widths).enumerate() {
        ws.set_column_width(c as u16, w)?;
        ws.write_string_with_format(0, c as u16, s(lang, k), &fm.header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let mut row = 1;
    for (sec, f) in form.fields() {
        let cells = [
            sec.title.get(lang).to_string(),
            label_text(f, lang),
            f.help
                .as_ref()
                .map(|h| h.get(lang).to_string())
                .unwrap_or_default(),
            accepted(f, lang),
            f.example.clone().unwrap_or_default(),
            s(lang, if f.required { "required" } else { "optional" }).to_string(),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string_with_format(row, c as u16, v, &fm.body)?;
        }
        let texts: Vec<(&str, f64)> = cells.iter().map(String::as_str).zip(widths).collect();
        ws.set_row_height(row, row_height(&texts))?;
        row += 1;
    }
    ws.set_print_area(0, 0, row, 5)?;
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.protect();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_follow_excel() {
        assert_eq!(col_name(0), "A");
        assert_eq!(col_name(25), "Z");
        assert_eq!(col_name(26), "AA");
        assert_eq!(col_name(701), "ZZ");
        assert_eq!(col_name(702), "AAA");
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut taken = vec!["Request".to_string()];
        assert_eq!(
            sheet_name("Servers: [prod]/eu", &mut taken),
            "Servers prodeu"
        );
        assert_eq!(sheet_name("request", &mut taken), "request 2");
        assert_eq!(sheet_name("", &mut taken), "Table");
    }
}
