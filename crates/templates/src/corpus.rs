//! Hostile inputs for the reader's tests and benchmarks: workbooks with far-away cells, floods of
//! cells and shared strings, zips that lie about their entries. Built from Koodesk's own
//! generated files (they panic on anything else: this is test tooling, not an input path).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Cursor, Read, Write};

use koodesk_domain::form::{example_answer, RequestForm};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// A copy of `zip` with `name` replaced by `content` (added if missing).
pub fn replace(zip_bytes: &[u8], name: &str, content: &[u8]) -> Vec<u8> {
    let mut z = ZipArchive::new(Cursor::new(zip_bytes)).unwrap();
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let n = f.name().unwrap().to_string();
        if n == name {
            continue;
        }
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).unwrap();
        out.start_file(n, opts).unwrap();
        out.write_all(&buf).unwrap();
    }
    out.start_file(name, opts).unwrap();
    out.write_all(content).unwrap();
    out.finish().unwrap().into_inner()
}

pub fn entry(zip_bytes: &[u8], name: &str) -> Vec<u8> {
    let mut z = ZipArchive::new(Cursor::new(zip_bytes)).unwrap();
    let mut buf = Vec::new();
    z.by_name(name).unwrap().read_to_end(&mut buf).unwrap();
    buf
}

pub fn sheets(zip_bytes: &[u8]) -> Vec<String> {
    let z = ZipArchive::new(Cursor::new(zip_bytes)).unwrap();
    let mut v: Vec<String> = z
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.to_string()))
        .filter(|n| n.starts_with("xl/worksheets/sheet"))
        .collect();
    v.sort_by_key(|n| {
        n.trim_start_matches("xl/worksheets/sheet")
            .trim_end_matches(".xml")
            .parse::<u32>()
            .unwrap_or(0)
    });
    v
}

/// A form's answers, all valid, for a pre-filled template.
pub fn answers(f: &RequestForm) -> serde_json::Map<String, serde_json::Value> {
    let mut m = serde_json::Map::new();
    for sec in &f.sections {
        let one = |n: usize| -> serde_json::Map<String, serde_json::Value> {
            sec.fields
                .iter()
                .filter_map(|fl| example_answer(fl, n).map(|v| (fl.key.clone(), v)))
                .collect()
        };
        if sec.repeating {
            let rows = (0..3).map(|n| serde_json::Value::Object(one(n))).collect();
            m.insert(sec.key.clone(), serde_json::Value::Array(rows));
        } else {
            m.extend(one(0));
        }
    }
    m
}

/// `sheet_xml` with one more valued cell at `cell` (a row of its own at the end).
pub fn with_far_cell(sheet_xml: &[u8], cell: &str, row: u32) -> Vec<u8> {
    let xml = String::from_utf8(sheet_xml.to_vec()).unwrap();
    let far = format!(
        "<row r=\"{row}\"><c r=\"{cell}\" t=\"inlineStr\"><is><t>far away</t></is></c></row>"
    );
    let out = if xml.contains("</sheetData>") {
        xml.replacen("</sheetData>", &format!("{far}</sheetData>"), 1)
    } else {
        xml.replacen("<sheetData/>", &format!("<sheetData>{far}</sheetData>"), 1)
    };
    assert_ne!(out, xml, "the far cell was added");
    out.into_bytes()
}

/// A zip whose end-of-central-directory claims `entries` parts (zip64 records when it must).
pub fn claiming_entries(zip_bytes: &[u8], entries: u64) -> Vec<u8> {
    let at = zip_bytes
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")
        .unwrap();
    let mut out = zip_bytes[..at].to_vec();
    let eocd = &zip_bytes[at..at + 22];
    let cd_size = u32::from_le_bytes(eocd[12..16].try_into().unwrap());
    let cd_offset = u32::from_le_bytes(eocd[16..20].try_into().unwrap());
    if entries < 0xFFFF {
        let mut e = eocd.to_vec();
        e[8..10].copy_from_slice(&(entries as u16).to_le_bytes());
        e[10..12].copy_from_slice(&(entries as u16).to_le_bytes());
        out.extend(e);
        return out;
    }
    let rec64_at = out.len() as u64;
    out.extend(b"PK\x06\x06");
    out.extend(44u64.to_le_bytes());
    out.extend([45, 0, 45, 0]);
    out.extend(0u32.to_le_bytes());
    out.extend(0u32.to_le_bytes());
    out.extend(entries.to_le_bytes());
    out.extend(entries.to_le_bytes());
    out.extend(u64::from(cd_size).to_le_bytes());
    out.extend(u64::from(cd_offset).to_le_bytes());
    out.extend(b"PK\x06\x07");
    out.extend(0u32.to_le_bytes());
    out.extend(rec64_at.to_le_bytes());
    out.extend(1u32.to_le_bytes());
    let mut e = eocd.to_vec();
    e[8..12].copy_from_slice(&[0xFF; 4]);
    e[12..20].copy_from_slice(&[0xFF; 8]);
    out.extend(e);
    out
}

/// A workbook whose shared strings are flooded with 1.5 million more, and the same with 1.5 million
/// valued cells (each naming a string of its own) below the answers of its first sheet. The cells
/// a form needs are intact in both.
pub fn floods(good_x: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let parts = sheets(good_x);
    let mut sheet = String::from("<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>");
    let mut sst =
        String::from("<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">");
    let strings = String::from_utf8(entry(good_x, "xl/sharedStrings.xml")).unwrap();
    let body = strings
        .split_once('>')
        .map(|(_, rest)| rest)
        .unwrap()
        .split_once('>')
        .map(|(_, rest)| rest.trim_end_matches("</sst>"))
        .unwrap()
        .to_string();
    sst.push_str(&body);
    let base = strings.matches("<si>").count();
    for r in 0..1_500 {
        sheet.push_str(&format!("<row r=\"{}\">", r + 2000));
        for c in 0..1_000 {
            let i = r * 1_000 + c;
            sheet.push_str(&format!("<c t=\"s\"><v>{}</v></c>", base + i));
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    for i in 0..1_500_000u32 {
        sst.push_str(&format!("<si><t>{i:x}</t></si>"));
    }
    sst.push_str("</sst>");
    let flooded = replace(good_x, "xl/sharedStrings.xml", sst.as_bytes());
    // The flood's rows go below the answers of the sheet the form reads first.
    let request = String::from_utf8(entry(good_x, &parts[0])).unwrap();
    let rows = sheet
        .split_once("<sheetData>")
        .and_then(|(_, r)| r.split_once("</sheetData>"))
        .map(|(r, _)| r)
        .unwrap();
    assert!(request.contains("</sheetData>"));
    let dense = request.replacen("</sheetData>", &format!("{rows}</sheetData>"), 1);
    (
        flooded.clone(),
        replace(&flooded, &parts[0], dense.as_bytes()),
    )
}
