//! The Excel template's look: cell formats, row heights that show every wrapped line, and cut
//! texts for Excel's short boxes.

use koodesk_domain::form::{Field, FieldType};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder};

pub(super) struct Formats {
    pub(super) title: Format,
    pub(super) note: Format,
    pub(super) header: Format,
    pub(super) section: Format,
    pub(super) label: Format,
    pub(super) label_required: Format,
    pub(super) help: Format,
    pub(super) text_answer: Format,
    pub(super) date_answer: Format,
    pub(super) number_answer: Format,
    pub(super) body: Format,
    pub(super) body_heading: Format,
}

pub(super) fn formats() -> Formats {
    let border = Color::RGB(0xC9CED6);
    let answer = Format::new()
        .set_unlocked()
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(0x8A93A3))
        .set_background_color(Color::White)
        .set_align(FormatAlign::Top)
        .set_text_wrap();
    Formats {
        title: Format::new()
            .set_bold()
            .set_font_size(16)
            .set_font_color(Color::RGB(0x9B0D1A)),
        note: Format::new()
            .set_italic()
            .set_font_color(Color::RGB(0x5A6474))
            .set_text_wrap(),
        header: Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xEEF0F3))
            .set_border(FormatBorder::Thin)
            .set_border_color(border)
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter),
        section: Format::new()
            .set_bold()
            .set_font_color(Color::White)
            .set_background_color(Color::RGB(0x18212F))
            .set_align(FormatAlign::VerticalCenter),
        label: Format::new()
            .set_border(FormatBorder::Thin)
            .set_border_color(border)
            .set_background_color(Color::RGB(0xF6F7F9))
            .set_text_wrap()
            .set_align(FormatAlign::Top),
        label_required: Format::new()
            .set_bold()
            .set_border(FormatBorder::Thin)
            .set_border_color(border)
            .set_background_color(Color::RGB(0xF6F7F9))
            .set_text_wrap()
            .set_align(FormatAlign::Top),
        help: Format::new()
            .set_italic()
            .set_font_color(Color::RGB(0x5A6474))
            .set_text_wrap()
            .set_align(FormatAlign::Top),
        // "@": typed as text, so IDs and phone numbers keep their leading zeros and plus signs.
        text_answer: answer.clone().set_num_format("@"),
        date_answer: answer.clone().set_num_format("yyyy-mm-dd"),
        number_answer: answer,
        body: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        body_heading: Format::new().set_bold().set_font_size(12),
    }
}

/// A row height that shows every line of wrapped `texts` (text, column width in characters).
pub(super) fn row_height(texts: &[(&str, f64)]) -> f64 {
    let lines = texts
        .iter()
        .map(|(t, width)| {
            t.split('\n')
                .map(|part| {
                    // CJK characters are about twice as wide as Latin ones.
                    let w: f64 = part
                        .chars()
                        .map(|c| if (c as u32) > 0x2E80 { 2.0 } else { 1.0 })
                        .sum();
                    (w / (width * 1.1)).ceil().max(1.0)
                })
                .sum::<f64>()
        })
        .fold(1.0, f64::max);
    (lines * 15.0).max(18.0)
}

pub(super) fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

pub(super) fn answer_format<'a>(f: &Field, fm: &'a Formats) -> &'a Format {
    match f.kind {
        FieldType::Date => &fm.date_answer,
        FieldType::Integer { .. } | FieldType::Decimal { .. } => &fm.number_answer,
        _ => &fm.text_answer,
    }
}
