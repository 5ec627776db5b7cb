//! The Word request template (docx-rs).
//!
//! A title, the instructions, then per section a heading and a plain table: one row per field with
//! the label, the help and the answer cell; a repeating section is a table with a header row of
//! labels and empty rows below. Field identity survives the customer's editing through bookmarks
//! placed *inside* cells (never around a cell or a table): `kd_<s>_<f>` in each answer cell and
//! `kd_<s>_h<f>` in each header cell of a repeating table, so rows the customer adds are still read.
//! The form id and version are in the document's custom properties and in the footer.

use docx_rs::{
    AlignmentType, Docx, Footer, NumPages, PageMargin, PageNum, Paragraph, Run, RunFonts, Shading,
    Style, StyleType, Table, TableCell, TableRow, WidthType,
};
use koodesk_domain::form::RequestForm;

use crate::strings::s;
use crate::strings::{help_text, label_text};
use crate::{Options, TemplateError};

/// The bookmark in the answer cell of field `f` of section `s` (0-based).
pub fn answer_bookmark(section: usize, field: usize) -> String {
    format!("kd_{section}_{field}")
}

/// The bookmark in the header cell of column `f` of repeating section `s`.
pub fn header_bookmark(section: usize, field: usize) -> String {
    format!("kd_{section}_h{field}")
}

const FULL_WIDTH: usize = 9600;
const SIZE_BODY: usize = 20; // half-points: 10 pt
const SIZE_SMALL: usize = 17;

/// A small grey italic line under a table or the instructions.
fn note(t: &str) -> Paragraph {
    Paragraph::new().add_run(
        Run::new()
            .italic()
            .color("5A6474")
            .size(SIZE_SMALL)
            .add_text(t),
    )
}

fn text(t: &str, size: usize) -> Paragraph {
    let mut p = Paragraph::new();
    for (i, line) in t.split('\n').enumerate() {
        let mut r = Run::new().size(size);
        if i > 0 {
            r = r.add_break(docx_rs::BreakType::TextWrapping);
        }
        p = p.add_run(r.add_text(line));
    }
    p
}

fn header_cell(t: &str, width: usize) -> TableCell {
    TableCell::new()
        .width(width, WidthType::Dxa)
        .shading(Shading::new().fill("EEF0F3"))
        .add_paragraph(Paragraph::new().add_run(Run::new().bold().size(SIZE_BODY).add_text(t)))
}

/// Generates the document.
pub fn generate(form: &RequestForm, opts: &Options) -> Result<Vec<u8>, TemplateError> {
    let lang = opts.lang.as_str();
    let mut bookmark_id = 1usize;
    let mut doc = Docx::new()
        .page_margin(
            PageMargin::new()
                .top(1134)
                .bottom(1134)
                .left(1134)
                .right(1134),
        )
        .default_fonts(
            RunFonts::new()
                .ascii("Calibri")
                .hi_ansi("Calibri")
                .east_asia("Noto Sans CJK SC"),
        )
        .default_size(SIZE_BODY)
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .size(40)
                .bold()
                .color("9B0D1A"),
        )
        .add_style(
            Style::new("Heading1", StyleType::Paragraph)
                .name("Heading 1")
                .size(28)
                .bold()
                .color("18212F"),
        )
        .custom_property("koodesk.form_id", form.id.as_str())
        .custom_property("koodesk.form_version", form.version.to_string())
        .custom_property(
            "koodesk.product_id",
            opts.product_id.clone().unwrap_or_default(),
        )
        .add_paragraph(
            Paragraph::new()
                .style("Title")
                .add_run(Run::new().add_text(form.title.get(lang))),
        );

    let intro = form.instructions.get(lang);
    if !intro.trim().is_empty() {
        doc = doc.add_paragraph(text(intro, SIZE_BODY));
    }
    if !form.contact.trim().is_empty() {
        doc = doc.add_paragraph(
            Paragraph::new()
                .add_run(
                    Run::new()
                        .bold()
                        .add_text(format!("{}: ", s(lang, "contact"))),
                )
                .add_run(Run::new().add_text(&form.contact)),
        );
    }
    doc = doc.add_paragraph(note(s(lang, "required_note")));

    for (si, sec) in form.sections.iter().enumerate() {
        doc = doc.add_paragraph(
            Paragraph::new()
                .style("Heading1")
                .add_run(Run::new().add_text(sec.title.get(lang))),
        );
        if sec.repeating {
            let n = sec.fields.len().max(1);
            let w = FULL_WIDTH / n;
            let mut header = Vec::new();
            for (fi, f) in sec.fields.iter().enumerate() {
                let id = bookmark_id;
                bookmark_id += 1;
                header.push(
                    TableCell::new()
                        .width(w, WidthType::Dxa)
                        .shading(Shading::new().fill("EEF0F3"))
                        .add_paragraph(
                            Paragraph::new()
                                .add_bookmark_start(id, header_bookmark(si, fi))
                                .add_run(
                                    Run::new()
                                        .bold()
                                        .size(SIZE_BODY)
                                        .add_text(label_text(f, lang)),
                                )
                                .add_bookmark_end(id),
                        ),
                );
            }
            let mut rows = vec![TableRow::new(header)];
            for i in 0..opts.repeating_rows.max(1) as usize {
                rows.push(TableRow::new(
                    sec.fields
                        .iter()
                        .map(|f| {
                            let p = match crate::prefill_row(opts, &sec.key, i, &f.key) {
                                Some(v) => {
                                    Paragraph::new().add_run(Run::new().size(SIZE_BODY).add_text(v))
                                }
                                None => Paragraph::new(),
                            };
                            TableCell::new().width(w, WidthType::Dxa).add_paragraph(p)
                        })
                        .collect(),
                ));
            }
            doc = doc.add_table(
                Table::new(rows)
                    .set_grid(vec![w; n])
                    .width(FULL_WIDTH, WidthType::Dxa),
            );
            doc = doc.add_paragraph(note(s(lang, "table_note")));
        } else {
            let widths = [2800, 3400, 3400];
            let mut rows = vec![TableRow::new(vec![
                header_cell(s(lang, "col_field"), widths[0]),
                header_cell(s(lang, "col_help"), widths[1]),
                header_cell(s(lang, "col_answer"), widths[2]),
            ])];
            for (fi, f) in sec.fields.iter().enumerate() {
                let id = bookmark_id;
                bookmark_id += 1;
                let mut help = help_text(f, lang, "\n");
                if let Some(e) = &f.example {
                    help.push_str(&format!("\n{}: {e}", s(lang, "col_example")));
                }
                let label = Run::new().size(SIZE_BODY).add_text(label_text(f, lang));
                let label = if f.required { label.bold() } else { label };
                rows.push(TableRow::new(vec![
                    TableCell::new()
                        .width(widths[0], WidthType::Dxa)
                        .add_paragraph(Paragraph::new().add_run(label)),
                    TableCell::new()
                        .width(widths[1], WidthType::Dxa)
                        .add_paragraph(text(&help, SIZE_SMALL)),
                    TableCell::new()
                        .width(widths[2], WidthType::Dxa)
                        .add_paragraph({
                            let p =
                                Paragraph::new().add_bookmark_start(id, answer_bookmark(si, fi));
                            let p = match crate::prefill_single(opts, &f.key) {
                                Some(v) => p.add_run(Run::new().size(SIZE_BODY).add_text(v)),
                                None => p,
                            };
                            p.add_bookmark_end(id)
                        }),
                ]));
            }
            doc = doc.add_table(
                Table::new(rows)
                    .set_grid(widths.to_vec())
                    .width(FULL_WIDTH, WidthType::Dxa),
            );
        }
    }

    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(
                Run::new()
                    .size(SIZE_SMALL)
                    .color("5A6474")
                    .add_text(format!(
                        "{} · {} {} v{} · {} ",
                        form.title.get(lang),
                        s(lang, "form"),
                        form.id,
                        form.version,
                        s(lang, "page")
                    )),
            )
            .add_page_num(PageNum::new())
            .add_run(Run::new().size(SIZE_SMALL).color("5A6474").add_text(" / "))
            .add_num_pages(NumPages::new()),
    );
    doc = doc.footer(footer);

    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| TemplateError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}
