//! More than a thousand hostile inputs for the reader: random bytes, truncations, bit flips,
//! broken XML inside valid containers, zip bombs, valued cells at the far corners of every sheet,
//! cell-map edge values, a shared-strings flood, entity bombs, a zip claiming 2^24 entries, a
//! sparse multi-GB file, a FIFO and a directory. Each is read the way the app reads a customer's
//! file: in a child process (this test binary, re-entered) under a 512 MiB address-space limit
//! and a time limit, so an abort or a runaway fails the test instead of taking the runner down.
//! Every one must be answered — a report or a clear error — within 256 MiB peak memory.

use std::path::Path;

use koodesk_domain::form::RequestForm;
use koodesk_templates::corpus::{
    self, answers, claiming_entries, entry, replace, sheets, with_far_cell,
};
use koodesk_templates::isolate::{self, ErrorKind, Job, Outcome};
use koodesk_templates::{docx, read, xlsx, Options};

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

/// Set in the child: the test below then reads one job from standard input and exits.
const CHILD_ENV: &str = "KOODESK_HOSTILE_CHILD";
/// What every answer must stay under.
const PEAK_LIMIT_KIB: u64 = 256 * 1024;

/// The child's entry point (does nothing in a normal run).
#[test]
fn hostile_child_entry() {
    if std::env::var_os(CHILD_ENV).is_some() {
        let code = isolate::child_main();
        std::process::exit(i32::from(code != std::process::ExitCode::SUCCESS));
    }
}

/// Reads `path` in a child of this test binary, as the app would.
fn read_in_child(form_json: &str, path: &Path) -> Result<isolate::Answer, String> {
    let exe = std::env::current_exe().unwrap();
    isolate::run_in_child(
        &exe,
        &[
            "hostile_child_entry",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ],
        &[(CHILD_ENV, "1")],
        &Job::Read {
            path: path.to_path_buf(),
            form: form_json.to_string(),
        },
        // A watchdog for a runaway, not a timing assertion.
        std::time::Duration::from_secs(60),
    )
    .map_err(|e| e.to_string())
}

/// What an input must give.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// A report or an error: anything but a crash.
    Answer,
    /// The same report as the intact file.
    SameReport,
    Error(ErrorKind),
}

#[test]
fn a_thousand_hostile_files_are_answered_in_a_child_within_fixed_memory() {
    let f = form();
    let form_json = serde_json::to_string(&f).unwrap();
    let filled = Options {
        answers: answers(&f),
        ..Options::default()
    };
    let good_x = xlsx::generate(&f, &filled).unwrap();
    let good_d = docx::generate(&f, &filled).unwrap();
    let baseline_x = read(&f, &good_x).unwrap();
    let baseline_d = read(&f, &good_d).unwrap();
    assert!(baseline_x.errors.is_empty() && baseline_x.values.len() >= 5);
    assert_eq!(baseline_x.values, baseline_d.values);
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut corpus: Vec<(String, Vec<u8>, Expect)> = Vec::new();
    let mut add = |name: String, bytes: Vec<u8>, e: Expect| corpus.push((name, bytes, e));

    for i in 0..100 {
        let n = rng.below(5_000);
        let mut b: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
        if i % 2 == 0 && b.len() > 2 {
            b[0] = b'P';
            b[1] = b'K';
        }
        add(format!("random {i}"), b, Expect::Answer);
    }
    for (name, good) in [("xlsx", &good_x), ("docx", &good_d)] {
        for i in 0..150 {
            let cut = rng.below(good.len());
            add(
                format!("{name} truncated at {cut} ({i})"),
                good[..cut].to_vec(),
                Expect::Answer,
            );
        }
        for i in 0..200 {
            let mut b = good.clone();
            for _ in 0..1 + rng.below(20) {
                let at = rng.below(b.len());
                b[at] ^= 1 << rng.below(8);
            }
            add(format!("{name} bit flips {i}"), b, Expect::Answer);
        }
    }
    let doc_xml = entry(&good_d, "word/document.xml");
    let sheet_parts = sheets(&good_x);
    let meta_sheet = sheet_parts.last().unwrap().clone();
    let mut cut_targets = sheet_parts.clone();
    cut_targets.push("xl/workbook.xml".into());
    for i in 0..100 {
        let cut = rng.below(doc_xml.len());
        add(
            format!("docx xml cut at {cut}"),
            replace(&good_d, "word/document.xml", &doc_xml[..cut]),
            Expect::Answer,
        );
        let target = cut_targets[i % cut_targets.len()].as_str();
        let xml = entry(&good_x, target);
        let cut = rng.below(xml.len());
        add(
            format!("{target} cut at {cut}"),
            replace(&good_x, target, &xml[..cut]),
            Expect::Answer,
        );
    }

    // Valued cells at the far corners of every sheet (request, table, lists and _meta): the
    // cells the form needs are intact, so the file reads exactly as before.
    for part in &sheet_parts {
        let xml = entry(&good_x, part);
        for (cell, row) in [
            ("XFD1048576", 1_048_576),
            ("P1048576", 1_048_576),
            ("ZZ300000", 300_000),
            ("XFD1", 1),
        ] {
            let bytes = replace(&good_x, part, &with_far_cell(&xml, cell, row));
            add(
                format!("{part} with a cell at {cell}"),
                bytes,
                Expect::SameReport,
            );
        }
        let dim = String::from_utf8(xml.clone()).unwrap().replacen(
            "<dimension ref=\"",
            "<dimension ref=\"A1:XFD1048576\" x=\"",
            1,
        );
        add(
            format!("{part} declaring the whole grid"),
            replace(&good_x, part, dim.as_bytes()),
            Expect::SameReport,
        );
        // Positions no grid has: answered (the cell is ignored), never an overflow.
        for bad in [
            "A0",
            "XFE1",
            "A4294967295",
            "A99999999999999999999",
            "",
            "1A",
        ] {
            let odd = String::from_utf8(xml.clone()).unwrap().replacen(
                "</sheetData>",
                &format!("<row r=\"4294967295\"><c r=\"{bad}\"><v>1</v></c><c><v>2</v></c></row></sheetData>"),
                1,
            );
            add(
                format!("{part} with a cell at {bad:?}"),
                replace(&good_x, part, odd.as_bytes()),
                Expect::Answer,
            );
        }
    }
    // A shared-strings flood, and 1.5 million valued cells below the answers of the sheet the
    // form reads first, each with a string of its own.
    let (flooded, dense) = corpus::floods(&good_x);
    add(
        "a shared-strings flood (1.5 million strings)".into(),
        flooded,
        Expect::SameReport,
    );
    add(
        "1.5 million valued cells below the answers, each with a string of its own".into(),
        dense,
        Expect::SameReport,
    );
    // Cell-map edge values: a damaged map is refused, never followed.
    let strings = String::from_utf8(entry(&good_x, "xl/sharedStrings.xml")).unwrap();
    assert!(
        strings.contains("<t>33</t>") && strings.contains("<t>4</t>"),
        "the cell map writes rows 4 to 33 as text"
    );
    for (from, to, expect) in [
        (
            "<t>33</t>",
            "<t>999999999</t>",
            Expect::Error(ErrorKind::Unreadable),
        ),
        ("<t>33</t>", "<t>1048576</t>", Expect::Answer),
        (
            "<t>33</t>",
            "<t>4294967295</t>",
            Expect::Error(ErrorKind::Unreadable),
        ),
        ("<t>4</t>", "<t>0</t>", Expect::Error(ErrorKind::Unreadable)),
        (
            "<t>4</t>",
            "<t>-1</t>",
            Expect::Error(ErrorKind::Unreadable),
        ),
        (
            "<t>4</t>",
            "<t>four</t>",
            Expect::Error(ErrorKind::Unreadable),
        ),
        ("<t>4</t>", "<t>1048576</t>", Expect::Answer),
        ("<t>B</t>", "<t>XFE</t>", Expect::Answer),
        ("<t>B</t>", "<t>XFD</t>", Expect::Answer),
        ("<t>B</t>", "<t></t>", Expect::Answer),
    ] {
        add(
            format!("xlsx cell map {from} → {to}"),
            replace(
                &good_x,
                "xl/sharedStrings.xml",
                strings.replace(from, to).as_bytes(),
            ),
            expect,
        );
    }
    add(
        "xlsx without its cell map".into(),
        replace(&good_x, &meta_sheet, b"<worksheet/>"),
        Expect::Error(ErrorKind::Unreadable),
    );

    // Deep nesting, endless tables and rows, floods of cells and bookmarks, entities.
    let deep = format!(
        "<w:document xmlns:w=\"x\"><w:body>{}</w:body></w:document>",
        "<w:tbl><w:tr><w:tc>".repeat(20_000)
    );
    add(
        "docx deeply nested tables".into(),
        replace(&good_d, "word/document.xml", deep.as_bytes()),
        Expect::Answer,
    );
    let rows = format!(
        "<w:document xmlns:w=\"x\"><w:body><w:tbl>{}</w:tbl></w:body></w:document>",
        "<w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>".repeat(60_000)
    );
    add(
        "docx table with 60 000 rows".into(),
        replace(&good_d, "word/document.xml", rows.as_bytes()),
        Expect::Error(ErrorKind::TooLarge),
    );
    let cells = format!(
        "<w:document xmlns:w=\"x\"><w:body><w:tbl>{}</w:tbl></w:body></w:document>",
        format!("<w:tr>{}</w:tr>", "<w:tc/>".repeat(999)).repeat(5_000)
    );
    add(
        "docx with 5 million table cells".into(),
        replace(&good_d, "word/document.xml", cells.as_bytes()),
        Expect::Error(ErrorKind::TooLarge),
    );
    let marks: String = (0..1_000_000)
        .map(|i| format!("<w:bookmarkStart w:name=\"b{i}\"/>"))
        .collect();
    let marks = format!("<w:document xmlns:w=\"x\"><w:body><w:tbl><w:tr><w:tc>{marks}</w:tc></w:tr></w:tbl></w:body></w:document>");
    add(
        "docx with a million bookmarks in one cell".into(),
        replace(&good_d, "word/document.xml", marks.as_bytes()),
        Expect::Error(ErrorKind::TooLarge),
    );
    let ents = format!("<w:document xmlns:w=\"x\"><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>", "&amp;&#x1F600;&bogus;".repeat(50_000));
    add(
        "docx many entities".into(),
        replace(&good_d, "word/document.xml", ents.as_bytes()),
        Expect::Answer,
    );
    // Entity bombs (a DTD) in every XML part of both formats.
    let laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>";
    for (good, parts) in [
        (&good_x, {
            let mut v = sheet_parts.clone();
            v.extend(
                [
                    "xl/workbook.xml",
                    "xl/_rels/workbook.xml.rels",
                    "xl/sharedStrings.xml",
                ]
                .map(String::from),
            );
            v
        }),
        (
            &good_d,
            vec!["word/document.xml".into(), "docProps/custom.xml".into()],
        ),
    ] {
        for part in parts {
            let xml = String::from_utf8(entry(good, &part)).unwrap();
            let body = xml.trim_start_matches(|c| c != '>').trim_start_matches('>');
            let bomb = format!("{laughs}{}", body.replacen('>', ">&lol3;", 1));
            add(
                format!("entity bomb in {part}"),
                replace(good, &part, bomb.as_bytes()),
                Expect::Error(ErrorKind::Unreadable),
            );
        }
    }
    // Zip bombs: an entry that unpacks to 300 MB of zeros; a directory claiming 2^24 entries.
    let zeros = vec![0u8; 300 * 1024 * 1024];
    add(
        "docx zip bomb".into(),
        replace(&good_d, "word/document.xml", &zeros),
        Expect::Error(ErrorKind::TooLarge),
    );
    add(
        "xlsx zip bomb".into(),
        replace(&good_x, &sheet_parts[1], &zeros),
        Expect::Error(ErrorKind::TooLarge),
    );
    drop(zeros);
    for (name, good) in [("xlsx", &good_x), ("docx", &good_d)] {
        add(
            format!("{name} claiming 2^24 entries (zip64)"),
            claiming_entries(good, 1 << 24),
            Expect::Error(ErrorKind::TooLarge),
        );
        add(
            format!("{name} claiming 65 000 entries"),
            claiming_entries(good, 65_000),
            Expect::Error(ErrorKind::TooLarge),
        );
    }
    // Other forms and versions, and files that are not templates at all.
    let mut other = f.clone();
    other.id = "another-form".into();
    add(
        "xlsx of another form".into(),
        xlsx::generate(&other, &Options::default()).unwrap(),
        Expect::Error(ErrorKind::WrongForm),
    );
    let mut newer = f.clone();
    newer.version = 9;
    add(
        "docx of version 9".into(),
        docx::generate(&newer, &Options::default()).unwrap(),
        Expect::Error(ErrorKind::WrongForm),
    );
    add(
        "docx without form id".into(),
        replace(&good_d, "docProps/custom.xml", b"<Properties/>"),
        Expect::Error(ErrorKind::Unreadable),
    );
    add(
        "empty".into(),
        Vec::new(),
        Expect::Error(ErrorKind::Unreadable),
    );
    add(
        "too large".into(),
        vec![b'P'; 30 * 1024 * 1024],
        Expect::Error(ErrorKind::TooLarge),
    );
    add("intact xlsx".into(), good_x.clone(), Expect::SameReport);
    add("intact docx".into(), good_d.clone(), Expect::SameReport);
    assert!(corpus.len() >= 1_000, "only {} inputs", corpus.len());

    let dir = tempfile::tempdir().unwrap();
    let mut paths: Vec<(String, std::path::PathBuf, Expect)> = Vec::new();
    for (i, (name, bytes, expect)) in corpus.into_iter().enumerate() {
        let p = dir.path().join(format!("input-{i}"));
        std::fs::write(&p, &bytes).unwrap();
        paths.push((name, p, expect));
    }
    // Not files at all, or files that lie about their size.
    let sparse = dir.path().join("sparse.xlsx");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(3 * 1024 * 1024 * 1024)
        .unwrap();
    paths.push((
        "a sparse 3 GB file".into(),
        sparse,
        Expect::Error(ErrorKind::TooLarge),
    ));
    paths.push((
        "a directory".into(),
        dir.path().to_path_buf(),
        Expect::Error(ErrorKind::Unreadable),
    ));
    let fifo = dir.path().join("fifo.xlsx");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        made || !cfg!(target_os = "linux"),
        "mkfifo is there on Linux"
    );
    if made {
        paths.push(("a FIFO".into(), fifo, Expect::Error(ErrorKind::Unreadable)));
    }

    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
    let (mut worst_kib, mut worst_name) = (0u64, String::new());
    let mut failures = Vec::new();
    for (name, path, expect) in &paths {
        let answer = match read_in_child(&form_json, path) {
            Ok(a) => a,
            Err(e) => {
                failures.push(format!("{name}: no answer from the reading process: {e}"));
                continue;
            }
        };
        if answer.peak_rss_kib > worst_kib {
            (worst_kib, worst_name) = (answer.peak_rss_kib, name.clone());
        }
        if answer.peak_rss_kib >= PEAK_LIMIT_KIB {
            failures.push(format!("{name}: peak memory {} KiB", answer.peak_rss_kib));
        }
        let label = match &answer.outcome {
            Outcome::Report { .. } => "report".to_string(),
            Outcome::Error { error, .. } => format!("{error:?}"),
            Outcome::Identified { .. } => "identified".to_string(),
        };
        *outcomes.entry(label).or_default() += 1;
        match (expect, &answer.outcome) {
            (
                Expect::Answer,
                Outcome::Error {
                    error: ErrorKind::Internal,
                    message,
                },
            ) => failures.push(format!("{name}: internal error {message}")),
            (Expect::Answer, _) => {}
            (Expect::SameReport, Outcome::Report { report }) => {
                let baseline = if name.contains("docx") {
                    &baseline_d
                } else {
                    &baseline_x
                };
                if report != baseline {
                    failures.push(format!("{name}: the report differs from the intact file's"));
                }
            }
            (Expect::Error(kind), Outcome::Error { error, .. }) if error == kind => {}
            (want, got) => failures.push(format!("{name}: expected {want:?}, got {got:?}")),
        }
    }
    eprintln!(
        "outcomes over {} inputs: {outcomes:?}; worst peak {} KiB ({worst_name})",
        paths.len(),
        worst_kib
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
