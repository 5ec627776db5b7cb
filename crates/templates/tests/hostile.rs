//! More than a thousand malformed inputs for the reader: random bytes, truncations, bit flips,
//! broken XML inside valid containers, zip bombs, huge tables, wrong forms. Every one must give an
//! error or a report — never a panic — and the process's peak memory must stay bounded.

use std::io::{Cursor, Read, Write};
use std::path::Path;

use koodesk_domain::form::RequestForm;
use koodesk_templates::{docx, read, xlsx, Options, TemplateError};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn form() -> RequestForm {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/examples/data-migration-request.json");
    RequestForm::from_json(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// A copy of `zip` with `name` replaced by `content` (added if missing).
fn replace(zip_bytes: &[u8], name: &str, content: &[u8]) -> Vec<u8> {
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

fn entry(zip_bytes: &[u8], name: &str) -> Vec<u8> {
    let mut z = ZipArchive::new(Cursor::new(zip_bytes)).unwrap();
    let mut buf = Vec::new();
    z.by_name(name).unwrap().read_to_end(&mut buf).unwrap();
    buf
}

fn sheets(zip_bytes: &[u8]) -> Vec<String> {
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

fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_string)
        })
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map(|kib| kib / 1024)
        .unwrap_or(0)
}

#[test]
fn a_thousand_malformed_files_give_errors_never_panics_and_memory_stays_bounded() {
    let f = form();
    let good_x = xlsx::generate(&f, &Options::default()).unwrap();
    let good_d = docx::generate(&f, &Options::default()).unwrap();
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut corpus: Vec<(String, Vec<u8>)> = Vec::new();

    for i in 0..100 {
        let n = rng.below(5_000);
        let mut b: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
        if i % 2 == 0 && b.len() > 2 {
            b[0] = b'P';
            b[1] = b'K';
        }
        corpus.push((format!("random {i}"), b));
    }
    for (name, good) in [("xlsx", &good_x), ("docx", &good_d)] {
        for i in 0..150 {
            let cut = rng.below(good.len());
            corpus.push((
                format!("{name} truncated at {cut} ({i})"),
                good[..cut].to_vec(),
            ));
        }
        for i in 0..200 {
            let mut b = good.clone();
            for _ in 0..1 + rng.below(20) {
                let at = rng.below(b.len());
                b[at] ^= 1 << rng.below(8);
            }
            corpus.push((format!("{name} bit flips {i}"), b));
        }
    }
    let doc_xml = entry(&good_d, "word/document.xml");
    let mut sheet_names = sheets(&good_x);
    let meta_sheet = sheet_names.last().unwrap().clone();
    sheet_names.push("xl/workbook.xml".into());
    for i in 0..100 {
        let cut = rng.below(doc_xml.len());
        corpus.push((
            format!("docx xml cut at {cut}"),
            replace(&good_d, "word/document.xml", &doc_xml[..cut]),
        ));
        let target = sheet_names[i % sheet_names.len()].as_str();
        let xml = entry(&good_x, target);
        let cut = rng.below(xml.len());
        corpus.push((
            format!("{target} cut at {cut}"),
            replace(&good_x, target, &xml[..cut]),
        ));
    }
    // Deep nesting, endless tables and rows, entities.
    let deep = format!(
        "<w:document xmlns:w=\"x\"><w:body>{}</w:body></w:document>",
        "<w:tbl><w:tr><w:tc>".repeat(20_000)
    );
    corpus.push((
        "docx deeply nested tables".into(),
        replace(&good_d, "word/document.xml", deep.as_bytes()),
    ));
    let rows = format!(
        "<w:document xmlns:w=\"x\"><w:body><w:tbl>{}</w:tbl></w:body></w:document>",
        "<w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>".repeat(60_000)
    );
    corpus.push((
        "docx table with 60 000 rows".into(),
        replace(&good_d, "word/document.xml", rows.as_bytes()),
    ));
    let ents = format!("<w:document xmlns:w=\"x\"><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>", "&amp;&#x1F600;&bogus;".repeat(50_000));
    corpus.push((
        "docx many entities".into(),
        replace(&good_d, "word/document.xml", ents.as_bytes()),
    ));
    // Zip bombs: an entry that unpacks to 300 MB of zeros.
    let zeros = vec![0u8; 300 * 1024 * 1024];
    corpus.push((
        "docx zip bomb".into(),
        replace(&good_d, "word/document.xml", &zeros),
    ));
    corpus.push((
        "xlsx zip bomb".into(),
        replace(&good_x, &sheets(&good_x)[2], &zeros),
    ));
    drop(zeros);
    // A cell map pointing at a billion rows; a map whose rows are not numbers.
    let strings = String::from_utf8(entry(&good_x, "xl/sharedStrings.xml")).unwrap();
    assert!(
        strings.contains("<t>33</t>") && strings.contains("<t>4</t>"),
        "the cell map writes rows 4 to 33 as text"
    );
    let huge = strings.replace("<t>33</t>", "<t>999999999</t>");
    corpus.push((
        "xlsx map with huge rows".into(),
        replace(&good_x, "xl/sharedStrings.xml", huge.as_bytes()),
    ));
    let words = strings.replace("<t>4</t>", "<t>four</t>");
    corpus.push((
        "xlsx map not numbers".into(),
        replace(&good_x, "xl/sharedStrings.xml", words.as_bytes()),
    ));
    corpus.push((
        "xlsx without its cell map".into(),
        replace(&good_x, &meta_sheet, b"<worksheet/>"),
    ));
    // Other forms and versions, and files that are not templates at all.
    let mut other = f.clone();
    other.id = "another-form".into();
    corpus.push((
        "xlsx of another form".into(),
        xlsx::generate(&other, &Options::default()).unwrap(),
    ));
    let mut newer = f.clone();
    newer.version = 9;
    corpus.push((
        "docx of version 9".into(),
        docx::generate(&newer, &Options::default()).unwrap(),
    ));
    let plain = replace(&good_d, "docProps/custom.xml", b"<Properties/>");
    corpus.push(("docx without form id".into(), plain));
    corpus.push(("empty".into(), Vec::new()));
    corpus.push(("too large".into(), vec![b'P'; 30 * 1024 * 1024]));

    assert!(corpus.len() >= 1_000, "only {} inputs", corpus.len());
    let mut outcomes = std::collections::BTreeMap::<&str, usize>::new();
    for (name, bytes) in &corpus {
        let result = std::panic::catch_unwind(|| read(&f, bytes));
        let outcome = match result {
            Err(_) => panic!("the reader panicked on: {name}"),
            Ok(Ok(_)) => "report",
            Ok(Err(TemplateError::TooLarge(_))) => "too large",
            Ok(Err(TemplateError::WrongForm(_))) => "wrong form",
            Ok(Err(TemplateError::Unreadable(_))) => "unreadable",
            Ok(Err(_)) => "other error",
        };
        *outcomes.entry(outcome).or_default() += 1;
        if name.contains("zip bomb") || name.contains("too large") || name.contains("huge rows") {
            assert!(
                !matches!(read(&f, bytes), Ok(ref r) if r.values.len() > 100),
                "{name}"
            );
        }
        if name.contains("another form") || name.contains("version 9") {
            assert_eq!(outcome, "wrong form", "{name}");
        }
        if name.contains("zip bomb") {
            assert_eq!(outcome, "too large", "{name}");
        }
    }
    eprintln!("outcomes over {} inputs: {outcomes:?}", corpus.len());
    let peak = peak_rss_mib();
    assert!(
        peak < 1_200,
        "peak memory {peak} MiB (the corpus itself holds ~360 MiB at most)"
    );
}
